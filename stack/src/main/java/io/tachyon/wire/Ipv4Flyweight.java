package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * IPv4 header (RFC 791).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |  DSCP     |ECN|       Total Length (2)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       Identification (4)      |R|D|M|   Fragment Offset (6)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |  Protocol (9) |     Header Checksum (10)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Source Address (12)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Destination Address (16)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Options (20), IHL * 4 - 20 bytes                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Flags: R reserved (bit 0), D don't fragment, M more fragments. Options are exposed as a region
 * ({@link #optionsOffset()}, {@link #optionsLength()}) and never interpreted.
 * <p>
 * Wrap with the bytes available after the link header (an Ethernet payload may include trailer padding, and a
 * capture may be cut short). The datagram's own extent comes from Total Length: {@link #payloadLength()} is
 * {@code totalLength - headerLength}, and {@link #availablePayloadLength()} is what of it is present. Reasons:
 * {@link Malformed#IPV4_TRUNCATED}, {@link Malformed#IPV4_BAD_VERSION}, {@link Malformed#IPV4_BAD_IHL},
 * {@link Malformed#IPV4_BAD_TOTAL_LENGTH}, {@link Malformed#IPV4_PAYLOAD_TRUNCATED}. After
 * {@code IPV4_BAD_TOTAL_LENGTH} and {@code IPV4_PAYLOAD_TRUNCATED} the whole header (with options) is present and
 * every getter is valid, which is what a decoder of a short capture needs.
 */
public final class Ipv4Flyweight extends Flyweight
{
    /** Offset of the version and IHL byte. */
    public static final int VERSION_IHL_OFFSET = 0;
    /** Offset of the DSCP/ECN (type of service) byte. */
    public static final int TOS_OFFSET = 1;
    /** Offset of the total length. */
    public static final int TOTAL_LENGTH_OFFSET = 2;
    /** Offset of the identification. */
    public static final int IDENTIFICATION_OFFSET = 4;
    /** Offset of the flags and fragment offset. */
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    /** Offset of the time to live. */
    public static final int TTL_OFFSET = 8;
    /** Offset of the protocol. */
    public static final int PROTOCOL_OFFSET = 9;
    /** Offset of the header checksum. */
    public static final int CHECKSUM_OFFSET = 10;
    /** Offset of the source address. */
    public static final int SOURCE_OFFSET = 12;
    /** Offset of the destination address. */
    public static final int DESTINATION_OFFSET = 16;
    /** Offset of the options, when IHL &gt; 5. */
    public static final int OPTIONS_OFFSET = 20;
    /** Length of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Length of a header with the most options (IHL 15). */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Protocol number of ICMP. */
    public static final int PROTOCOL_ICMP = 1;
    /** Protocol number of TCP. */
    public static final int PROTOCOL_TCP = 6;
    /** Protocol number of UDP. */
    public static final int PROTOCOL_UDP = 17;
    /** Flags bit: reserved (must be zero). */
    public static final int FLAG_RESERVED = 0x8000;
    /** Flags bit: don't fragment. */
    public static final int FLAG_DF = 0x4000;
    /** Flags bit: more fragments. */
    public static final int FLAG_MF = 0x2000;
    /** Mask of the fragment offset (in 8-byte units) in the flags/fragment word. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    /** A flyweight that wraps nothing yet. */
    public Ipv4Flyweight()
    {
    }

    @Override
    public Malformed wrap(final MemorySegment segment, final long offset, final int length)
    {
        if (!region(segment, offset, length) || length < MIN_HEADER_LENGTH)
        {
            return Malformed.IPV4_TRUNCATED;
        }
        final int versionIhl = Bytes.u8(segment, offset);
        if (versionIhl >>> 4 != 4)
        {
            return Malformed.IPV4_BAD_VERSION;
        }
        final int headerLength = (versionIhl & 0x0F) * 4;
        if (headerLength < MIN_HEADER_LENGTH)
        {
            return Malformed.IPV4_BAD_IHL;
        }
        if (headerLength > length)
        {
            return Malformed.IPV4_TRUNCATED;
        }
        final int totalLength = totalLength();
        if (totalLength < headerLength)
        {
            return Malformed.IPV4_BAD_TOTAL_LENGTH;
        }
        if (totalLength > length)
        {
            return Malformed.IPV4_PAYLOAD_TRUNCATED;
        }
        return Malformed.OK;
    }

    /**
     * Wraps memory for emitting a header; writes nothing.
     *
     * @param segment the memory to write into.
     * @param offset where the header starts.
     * @param length room for the datagram (at least {@link #MIN_HEADER_LENGTH}).
     * @return this.
     * @throws IllegalArgumentException if {@code length < 20}.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public Ipv4Flyweight wrapForWrite(final MemorySegment segment, final long offset, final int length)
    {
        writeRegion("IPv4 header", segment, offset, length, MIN_HEADER_LENGTH);
        return this;
    }

    /**
     * The version nibble.
     *
     * @return 4 after a successful wrap.
     */
    public int version()
    {
        return Bytes.u8(segment, offset + VERSION_IHL_OFFSET) >>> 4;
    }

    /**
     * The header length in 32-bit words.
     *
     * @return IHL, {@code [5, 15]} after a successful wrap.
     */
    public int ihl()
    {
        return Bytes.u8(segment, offset + VERSION_IHL_OFFSET) & 0x0F;
    }

    /**
     * The header length in bytes.
     *
     * @return {@code ihl() * 4}.
     */
    public int headerLength()
    {
        return ihl() * 4;
    }

    /**
     * The type-of-service byte (DSCP and ECN).
     *
     * @return the TOS byte.
     */
    public int tos()
    {
        return Bytes.u8(segment, offset + TOS_OFFSET);
    }

    /**
     * The differentiated services code point.
     *
     * @return DSCP, {@code [0, 63]}.
     */
    public int dscp()
    {
        return tos() >>> 2;
    }

    /**
     * The explicit congestion notification bits.
     *
     * @return ECN, {@code [0, 3]}.
     */
    public int ecn()
    {
        return tos() & 0x03;
    }

    /**
     * The total length (header and payload) of the datagram or fragment.
     *
     * @return the total length field.
     */
    public int totalLength()
    {
        return Bytes.u16(segment, offset + TOTAL_LENGTH_OFFSET);
    }

    /**
     * The identification.
     *
     * @return the identification field.
     */
    public int identification()
    {
        return Bytes.u16(segment, offset + IDENTIFICATION_OFFSET);
    }

    /**
     * The flags and fragment offset word.
     *
     * @return the 16-bit word.
     */
    public int flagsAndFragmentOffset()
    {
        return Bytes.u16(segment, offset + FLAGS_FRAGMENT_OFFSET);
    }

    /**
     * The reserved flag ("evil bit").
     *
     * @return whether it is set.
     */
    public boolean reservedFlag()
    {
        return (flagsAndFragmentOffset() & FLAG_RESERVED) != 0;
    }

    /**
     * The don't-fragment flag.
     *
     * @return whether DF is set.
     */
    public boolean dontFragment()
    {
        return (flagsAndFragmentOffset() & FLAG_DF) != 0;
    }

    /**
     * The more-fragments flag.
     *
     * @return whether MF is set.
     */
    public boolean moreFragments()
    {
        return (flagsAndFragmentOffset() & FLAG_MF) != 0;
    }

    /**
     * The fragment offset in 8-byte units.
     *
     * @return {@code [0, 8191]}.
     */
    public int fragmentOffset()
    {
        return flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK;
    }

    /**
     * The fragment offset in bytes.
     *
     * @return {@code fragmentOffset() * 8}.
     */
    public int fragmentOffsetBytes()
    {
        return fragmentOffset() * 8;
    }

    /**
     * Whether this is a fragment of a larger datagram (MF set or a non-zero offset).
     *
     * @return whether the datagram is fragmented.
     */
    public boolean isFragment()
    {
        return (flagsAndFragmentOffset() & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    /**
     * The time to live.
     *
     * @return TTL, {@code [0, 255]}.
     */
    public int ttl()
    {
        return Bytes.u8(segment, offset + TTL_OFFSET);
    }

    /**
     * The protocol of the payload.
     *
     * @return the protocol number.
     */
    public int protocol()
    {
        return Bytes.u8(segment, offset + PROTOCOL_OFFSET);
    }

    /**
     * The stored header checksum.
     *
     * @return the checksum field.
     */
    public int headerChecksum()
    {
        return Bytes.u16(segment, offset + CHECKSUM_OFFSET);
    }

    /**
     * The source address.
     *
     * @return the address, first byte most significant.
     */
    public int source()
    {
        return Bytes.i32(segment, offset + SOURCE_OFFSET);
    }

    /**
     * The destination address.
     *
     * @return the address, first byte most significant.
     */
    public int destination()
    {
        return Bytes.i32(segment, offset + DESTINATION_OFFSET);
    }

    /**
     * The absolute offset of the options in {@link #segment()}.
     *
     * @return {@code offset() + 20}.
     */
    public long optionsOffset()
    {
        return offset + OPTIONS_OFFSET;
    }

    /**
     * The length of the options area.
     *
     * @return {@code headerLength() - 20}, {@code [0, 40]}.
     */
    public int optionsLength()
    {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /**
     * The absolute offset of the payload in {@link #segment()}.
     *
     * @return {@code offset() + headerLength()}.
     */
    public long payloadOffset()
    {
        return offset + headerLength();
    }

    /**
     * The payload length announced by the header.
     *
     * @return {@code totalLength() - headerLength()} (negative only after {@code IPV4_BAD_TOTAL_LENGTH}).
     */
    public int payloadLength()
    {
        return totalLength() - headerLength();
    }

    /**
     * The payload bytes actually present: the announced payload, cut to the wrapped length.
     *
     * @return {@code min(totalLength(), length()) - headerLength()}, never negative.
     */
    public int availablePayloadLength()
    {
        return Math.max(0, Math.min(totalLength(), length) - headerLength());
    }

    /**
     * Computes the header checksum as it should be stored (the checksum field counts as zero).
     *
     * @return the checksum.
     */
    public int computeHeaderChecksum()
    {
        final int before = InternetChecksum.sum(segment, offset, CHECKSUM_OFFSET);
        final int sum = InternetChecksum.sum(segment, offset + CHECKSUM_OFFSET + 2,
            headerLength() - CHECKSUM_OFFSET - 2, before);
        return InternetChecksum.finish(sum);
    }

    /**
     * Whether the header checksum is correct.
     *
     * @return {@code true} if the header, checksum included, sums to 0xFFFF.
     */
    public boolean verifyHeaderChecksum()
    {
        return InternetChecksum.verifies(InternetChecksum.sum(segment, offset, headerLength()));
    }

    /**
     * Computes the header checksum and stores it.
     *
     * @return this.
     */
    public Ipv4Flyweight updateHeaderChecksum()
    {
        headerChecksum(computeHeaderChecksum());
        return this;
    }

    /**
     * Decrements the TTL by one and patches the header checksum incrementally (RFC 1624), as a router does.
     *
     * @return this.
     * @throws IllegalStateException if the TTL is already 0.
     */
    public Ipv4Flyweight decrementTtl()
    {
        final int ttl = ttl();
        if (ttl == 0)
        {
            throw new IllegalStateException("cannot decrement a TTL of 0");
        }
        final int oldWord = Bytes.u16(segment, offset + TTL_OFFSET);
        Bytes.putU8(segment, offset + TTL_OFFSET, ttl - 1);
        final int newWord = Bytes.u16(segment, offset + TTL_OFFSET);
        headerChecksum(InternetChecksum.update16(headerChecksum(), oldWord, newWord));
        return this;
    }

    /**
     * Writes version 4 and the header length in words.
     *
     * @param ihl the IHL, {@code [5, 15]}; the options area must then be written by the caller.
     * @return this.
     */
    public Ipv4Flyweight ihl(final int ihl)
    {
        Bytes.checkRange("IPv4 IHL", ihl, 5, 15);
        Bytes.putU8(segment, offset + VERSION_IHL_OFFSET, 0x40 | ihl);
        return this;
    }

    /**
     * Writes the raw version/IHL byte, for building malformed test input.
     *
     * @param versionIhl {@code [0, 255]}.
     * @return this.
     */
    public Ipv4Flyweight versionIhl(final int versionIhl)
    {
        Bytes.putU8(segment, offset + VERSION_IHL_OFFSET, Bytes.checkRange("version/IHL", versionIhl, 0, 0xFF));
        return this;
    }

    /**
     * Sets the type-of-service byte.
     *
     * @param tos {@code [0, 255]}.
     * @return this.
     */
    public Ipv4Flyweight tos(final int tos)
    {
        Bytes.putU8(segment, offset + TOS_OFFSET, Bytes.checkRange("IPv4 TOS", tos, 0, 0xFF));
        return this;
    }

    /**
     * Sets the total length.
     *
     * @param totalLength {@code [0, 0xFFFF]}.
     * @return this.
     */
    public Ipv4Flyweight totalLength(final int totalLength)
    {
        Bytes.putU16(segment, offset + TOTAL_LENGTH_OFFSET,
            Bytes.checkRange("IPv4 total length", totalLength, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the identification.
     *
     * @param identification {@code [0, 0xFFFF]}.
     * @return this.
     */
    public Ipv4Flyweight identification(final int identification)
    {
        Bytes.putU16(segment, offset + IDENTIFICATION_OFFSET,
            Bytes.checkRange("IPv4 identification", identification, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the flags and the fragment offset.
     *
     * @param dontFragment DF.
     * @param moreFragments MF.
     * @param fragmentOffset the offset in 8-byte units, {@code [0, 8191]}.
     * @return this.
     */
    public Ipv4Flyweight fragment(final boolean dontFragment, final boolean moreFragments, final int fragmentOffset)
    {
        Bytes.checkRange("IPv4 fragment offset", fragmentOffset, 0, FRAGMENT_OFFSET_MASK);
        Bytes.putU16(segment, offset + FLAGS_FRAGMENT_OFFSET,
            (dontFragment ? FLAG_DF : 0) | (moreFragments ? FLAG_MF : 0) | fragmentOffset);
        return this;
    }

    /**
     * Sets the raw flags/fragment-offset word (including the reserved flag).
     *
     * @param word {@code [0, 0xFFFF]}.
     * @return this.
     */
    public Ipv4Flyweight flagsAndFragmentOffset(final int word)
    {
        Bytes.putU16(segment, offset + FLAGS_FRAGMENT_OFFSET, Bytes.checkRange("IPv4 flags/fragment", word, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the time to live.
     *
     * @param ttl {@code [0, 255]}.
     * @return this.
     */
    public Ipv4Flyweight ttl(final int ttl)
    {
        Bytes.putU8(segment, offset + TTL_OFFSET, Bytes.checkRange("IPv4 TTL", ttl, 0, 0xFF));
        return this;
    }

    /**
     * Sets the protocol.
     *
     * @param protocol {@code [0, 255]}.
     * @return this.
     */
    public Ipv4Flyweight protocol(final int protocol)
    {
        Bytes.putU8(segment, offset + PROTOCOL_OFFSET, Bytes.checkRange("IPv4 protocol", protocol, 0, 0xFF));
        return this;
    }

    /**
     * Stores a header checksum as given.
     *
     * @param checksum {@code [0, 0xFFFF]}.
     * @return this.
     */
    public Ipv4Flyweight headerChecksum(final int checksum)
    {
        Bytes.putU16(segment, offset + CHECKSUM_OFFSET, Bytes.checkRange("IPv4 checksum", checksum, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the source address.
     *
     * @param address the address, first byte most significant.
     * @return this.
     */
    public Ipv4Flyweight source(final int address)
    {
        Bytes.putI32(segment, offset + SOURCE_OFFSET, address);
        return this;
    }

    /**
     * Sets the destination address.
     *
     * @param address the address, first byte most significant.
     * @return this.
     */
    public Ipv4Flyweight destination(final int address)
    {
        Bytes.putI32(segment, offset + DESTINATION_OFFSET, address);
        return this;
    }
}
