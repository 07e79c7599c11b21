package io.tachyon.ipv4;

import io.tachyon.wire.InternetChecksum;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Splits one IPv4 datagram into fragments that fit an MTU (RFC 791 §2.3 and §3.2 "Fragmentation"), writing each
 * into a buffer the caller provides. Reusable and allocation-free after construction.
 * <pre>
 *   final int count = fragmenter.start(datagram, offset, length, mtu);
 *   if (count == Ipv4Fragmenter.DONT_FRAGMENT) { ... DF set and too big: do not send (ICMP / PMTU) ... }
 *   while (fragmenter.hasNext()) { final int n = fragmenter.next(frame, 14, capacity); ... send n bytes ... }
 * </pre>
 * Rules followed (RFC 791):
 * <ul>
 *   <li>A datagram that fits ({@code totalLength <= mtu}) is one piece, copied unchanged.</li>
 *   <li>RFC 791 does not permit fragmenting a datagram whose Don't Fragment flag is set: {@link #start} returns
 *       {@link #DONT_FRAGMENT} and nothing is written (the caller drops it, or sends ICMP Fragmentation Needed if
 *       it forwards).</li>
 *   <li>Every fragment but the last carries a multiple of 8 payload bytes, as many as fit the MTU; MF is set on
 *       all but the last (the last keeps the original's MF, so a fragment can be fragmented again); Fragment
 *       Offset is the original's offset plus the position in 8-byte units; Identification, TOS, TTL, protocol
 *       and addresses are kept; Total Length and the header checksum are recomputed for each fragment.</li>
 *   <li>Options: the first fragment carries the original header with all its options; later fragments carry only
 *       the options whose copied flag (the option type's high bit) is set, padded with End of Option List to a
 *       multiple of 4 bytes. (Tachyon itself sends no options, so its own datagrams never exercise this.)</li>
 * </ul>
 * The datagram being split must stay unchanged until the last {@link #next} call. A fragmenter is used by one
 * thread.
 */
public final class Ipv4Fragmenter
{
    /** {@link #start} result: the datagram has DF set and does not fit the MTU. */
    public static final int DONT_FRAGMENT = -1;

    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;
    private static final int OPTION_COPIED = 0x80;

    private final Ipv4Flyweight in = new Ipv4Flyweight();
    private final Ipv4Flyweight out = new Ipv4Flyweight();
    private final MemorySegment laterHeader = MemorySegment.ofArray(new byte[Ipv4Flyweight.MAX_HEADER_LENGTH]);

    private MemorySegment source;
    private long sourceOffset;
    private int firstHeaderLength;
    private int laterHeaderLength;
    private int payloadLength;
    private int position;
    private int remaining;
    private boolean whole;
    private int baseOffsetBytes;
    private boolean originalMoreFragments;
    private int keptFlags;
    private int firstChunk;
    private int laterChunk;

    /** A fragmenter with nothing to split yet. */
    public Ipv4Fragmenter()
    {
    }

    /**
     * Prepares to split a datagram.
     *
     * @param segment the memory holding the datagram.
     * @param offset where its IPv4 header starts.
     * @param length bytes available; the datagram's Total Length must fit in them.
     * @param mtu the largest IPv4 datagram the link carries, {@code [68, 65535]}.
     * @return the number of pieces {@link #next} will write ({@code 1} if the datagram fits unchanged), or
     *     {@link #DONT_FRAGMENT}.
     * @throws IllegalArgumentException if the MTU is out of range, or the datagram is malformed (it is ours to
     *     send, so that is a bug), naming the problem.
     */
    public int start(final MemorySegment segment, final long offset, final int length, final int mtu)
    {
        Objects.requireNonNull(segment, "segment");
        if (mtu < Ipv4ReassemblyConfig.MIN_IPV4_MTU || mtu > Ipv4ReassemblyConfig.MAX_IPV4_DATAGRAM)
        {
            throw new IllegalArgumentException("MTU must be in [68, 65535], was " + mtu);
        }
        final Malformed malformed = in.wrap(segment, offset, length);
        if (malformed != Malformed.OK)
        {
            throw new IllegalArgumentException("cannot fragment a malformed datagram: " + malformed.description());
        }
        remaining = 0;
        source = segment;
        sourceOffset = offset;
        firstHeaderLength = in.headerLength();
        payloadLength = in.payloadLength();
        position = 0;
        if (in.totalLength() <= mtu)
        {
            whole = true;
            remaining = 1;
            return 1;
        }
        if (in.dontFragment())
        {
            return DONT_FRAGMENT;
        }
        whole = false;
        baseOffsetBytes = in.fragmentOffsetBytes();
        originalMoreFragments = in.moreFragments();
        keptFlags = in.flagsAndFragmentOffset() & Ipv4Flyweight.FLAG_RESERVED;
        laterHeaderLength = buildLaterHeader(segment, offset, firstHeaderLength);
        firstChunk = (mtu - firstHeaderLength) & ~7;
        laterChunk = (mtu - laterHeaderLength) & ~7;
        if (baseOffsetBytes + payloadLength > Ipv4ReassemblyConfig.MAX_IPV4_DATAGRAM - firstHeaderLength)
        {
            throw new IllegalArgumentException("fragment offset " + baseOffsetBytes + " plus payload "
                + payloadLength + " ends beyond the largest IPv4 datagram");
        }
        final int rest = payloadLength - Math.min(firstChunk, payloadLength);
        remaining = 1 + (rest + laterChunk - 1) / laterChunk;
        return remaining;
    }

    /** Copies the fixed header and the copied options into {@link #laterHeader}; returns its length. */
    private int buildLaterHeader(final MemorySegment segment, final long offset, final int headerLength)
    {
        MemorySegment.copy(segment, offset, laterHeader, 0, Ipv4Flyweight.MIN_HEADER_LENGTH);
        int written = Ipv4Flyweight.MIN_HEADER_LENGTH;
        int at = Ipv4Flyweight.MIN_HEADER_LENGTH;
        while (at < headerLength)
        {
            final int type = segment.get(ValueLayout.JAVA_BYTE, offset + at) & 0xFF;
            if (type == OPTION_END)
            {
                break;
            }
            if (type == OPTION_NOP)
            {
                at++;
                continue;
            }
            if (at + 1 >= headerLength)
            {
                throw new IllegalArgumentException("IPv4 option " + type + " at " + at + " has no length byte");
            }
            final int optionLength = segment.get(ValueLayout.JAVA_BYTE, offset + at + 1) & 0xFF;
            if (optionLength < 2 || at + optionLength > headerLength)
            {
                throw new IllegalArgumentException("IPv4 option " + type + " at " + at + " has bad length "
                    + optionLength);
            }
            if ((type & OPTION_COPIED) != 0)
            {
                MemorySegment.copy(segment, offset + at, laterHeader, written, optionLength);
                written += optionLength;
            }
            at += optionLength;
        }
        while ((written & 3) != 0)
        {
            laterHeader.set(ValueLayout.JAVA_BYTE, written++, (byte)OPTION_END);
        }
        laterHeader.set(ValueLayout.JAVA_BYTE, 0, (byte)(0x40 | written >>> 2));
        return written;
    }

    /**
     * Whether {@link #next} has another piece to write.
     *
     * @return whether pieces remain.
     */
    public boolean hasNext()
    {
        return remaining > 0;
    }

    /**
     * How many pieces remain.
     *
     * @return the count.
     */
    public int remaining()
    {
        return remaining;
    }

    /**
     * The length of the piece the next {@link #next} call will write.
     *
     * @return its length in bytes (header and payload).
     * @throws IllegalStateException if no piece remains.
     */
    public int nextLength()
    {
        if (remaining == 0)
        {
            throw new IllegalStateException("no fragment remains");
        }
        if (whole)
        {
            return firstHeaderLength + payloadLength;
        }
        return position == 0 ? firstHeaderLength + Math.min(firstChunk, payloadLength)
            : laterHeaderLength + Math.min(laterChunk, payloadLength - position);
    }

    /**
     * Writes the next piece.
     *
     * @param target where to write it.
     * @param targetOffset where its IPv4 header goes.
     * @param capacity room at {@code targetOffset}.
     * @return the piece's length in bytes.
     * @throws IllegalStateException if no piece remains.
     * @throws IllegalArgumentException if {@code capacity} is smaller than {@link #nextLength()}.
     * @throws IndexOutOfBoundsException if the room is not inside {@code target}.
     */
    public int next(final MemorySegment target, final long targetOffset, final int capacity)
    {
        final int length = nextLength();
        if (capacity < length)
        {
            throw new IllegalArgumentException("fragment needs " + length + " bytes, capacity was " + capacity);
        }
        if (whole)
        {
            MemorySegment.copy(source, sourceOffset, target, targetOffset, length);
            remaining = 0;
            return length;
        }
        final boolean first = position == 0;
        final int headerLength = first ? firstHeaderLength : laterHeaderLength;
        final int chunk = length - headerLength;
        if (first)
        {
            MemorySegment.copy(source, sourceOffset, target, targetOffset, headerLength);
        }
        else
        {
            MemorySegment.copy(laterHeader, 0, target, targetOffset, headerLength);
        }
        MemorySegment.copy(source, sourceOffset + firstHeaderLength + position, target, targetOffset + headerLength,
            chunk);
        final boolean lastPiece = remaining == 1;
        out.wrapForWrite(target, targetOffset, length);
        out.totalLength(length);
        out.flagsAndFragmentOffset(keptFlags | (lastPiece && !originalMoreFragments ? 0 : Ipv4Flyweight.FLAG_MF)
            | (baseOffsetBytes + position) >>> 3);
        out.headerChecksum(0);
        out.headerChecksum(InternetChecksum.checksum(target, targetOffset, headerLength, 0));
        position += chunk;
        remaining--;
        return length;
    }
}
