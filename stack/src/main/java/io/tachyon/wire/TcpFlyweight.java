package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * TCP header (RFC 9293), with the AE bit of Accurate ECN (formerly NS, RFC 3540).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Source Port (0)        |     Destination Port (2)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Sequence Number (4)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Acknowledgment Number (8)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Data  | Rsv |A|C|E|U|A|P|R|S|F|                               |
 * |Offset |     |E|W|C|R|C|S|S|Y|I|        Window (14)            |
 * | (12)  |     | |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Checksum (16)         |      Urgent Pointer (18)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Options (20), data offset * 4 - 20 bytes             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             Data                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Wrap with exactly the TCP segment (the IP payload); the checksum covers an IPv4 pseudo-header and all
 * {@link #length()} bytes. {@link #flags()} returns nine bits: the eight of byte 13 plus AE as bit 8. Options are
 * read with {@link TcpOptions}. Reasons: {@link Malformed#TCP_TRUNCATED}, {@link Malformed#TCP_BAD_DATA_OFFSET}.
 */
public final class TcpFlyweight extends Flyweight
{
    /** Offset of the source port. */
    public static final int SOURCE_PORT_OFFSET = 0;
    /** Offset of the destination port. */
    public static final int DESTINATION_PORT_OFFSET = 2;
    /** Offset of the sequence number. */
    public static final int SEQUENCE_OFFSET = 4;
    /** Offset of the acknowledgment number. */
    public static final int ACKNOWLEDGMENT_OFFSET = 8;
    /** Offset of the data offset nibble (and the reserved bits and AE). */
    public static final int DATA_OFFSET_OFFSET = 12;
    /** Offset of the eight low flag bits. */
    public static final int FLAGS_OFFSET = 13;
    /** Offset of the window. */
    public static final int WINDOW_OFFSET = 14;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 16;
    /** Offset of the urgent pointer. */
    public static final int URGENT_POINTER_OFFSET = 18;
    /** Offset of the options. */
    public static final int OPTIONS_OFFSET = 20;
    /** Length of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Length of a header with the most options (data offset 15). */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Flag FIN. */
    public static final int FIN = 0x01;
    /** Flag SYN. */
    public static final int SYN = 0x02;
    /** Flag RST. */
    public static final int RST = 0x04;
    /** Flag PSH. */
    public static final int PSH = 0x08;
    /** Flag ACK. */
    public static final int ACK = 0x10;
    /** Flag URG. */
    public static final int URG = 0x20;
    /** Flag ECE. */
    public static final int ECE = 0x40;
    /** Flag CWR. */
    public static final int CWR = 0x80;
    /** Flag AE (Accurate ECN; the former NS bit), bit 0 of byte 12. */
    public static final int AE = 0x100;

    /** A flyweight that wraps nothing yet. */
    public TcpFlyweight()
    {
    }

    @Override
    public Malformed wrap(final MemorySegment segment, final long offset, final int length)
    {
        if (!region(segment, offset, length) || length < MIN_HEADER_LENGTH)
        {
            return Malformed.TCP_TRUNCATED;
        }
        final int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length)
        {
            return Malformed.TCP_BAD_DATA_OFFSET;
        }
        return Malformed.OK;
    }

    /**
     * Wraps memory for emitting a segment; writes nothing.
     *
     * @param segment the memory to write into.
     * @param offset where the segment starts.
     * @param length the exact segment length (header, options and data), which the checksum covers.
     * @return this.
     * @throws IllegalArgumentException if {@code length < 20}.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public TcpFlyweight wrapForWrite(final MemorySegment segment, final long offset, final int length)
    {
        writeRegion("TCP segment", segment, offset, length, MIN_HEADER_LENGTH);
        return this;
    }

    /**
     * The source port.
     *
     * @return {@code [0, 0xFFFF]}.
     */
    public int sourcePort()
    {
        return Bytes.u16(segment, offset + SOURCE_PORT_OFFSET);
    }

    /**
     * The destination port.
     *
     * @return {@code [0, 0xFFFF]}.
     */
    public int destinationPort()
    {
        return Bytes.u16(segment, offset + DESTINATION_PORT_OFFSET);
    }

    /**
     * The sequence number (compare with modular arithmetic).
     *
     * @return the 32-bit sequence number.
     */
    public int sequenceNumber()
    {
        return Bytes.i32(segment, offset + SEQUENCE_OFFSET);
    }

    /**
     * The acknowledgment number.
     *
     * @return the 32-bit acknowledgment number.
     */
    public int acknowledgmentNumber()
    {
        return Bytes.i32(segment, offset + ACKNOWLEDGMENT_OFFSET);
    }

    /**
     * The data offset in 32-bit words.
     *
     * @return {@code [0, 15]}; at least 5 after a successful wrap.
     */
    public int dataOffset()
    {
        return Bytes.u8(segment, offset + DATA_OFFSET_OFFSET) >>> 4;
    }

    /**
     * The header length in bytes.
     *
     * @return {@code dataOffset() * 4}.
     */
    public int headerLength()
    {
        return dataOffset() * 4;
    }

    /**
     * The three reserved bits between the data offset and AE.
     *
     * @return {@code [0, 7]}.
     */
    public int reservedBits()
    {
        return (Bytes.u8(segment, offset + DATA_OFFSET_OFFSET) >>> 1) & 0x07;
    }

    /**
     * The nine flag bits: {@link #FIN} ... {@link #CWR} and {@link #AE}.
     *
     * @return {@code [0, 0x1FF]}.
     */
    public int flags()
    {
        return Bytes.u16(segment, offset + DATA_OFFSET_OFFSET) & 0x1FF;
    }

    /**
     * Whether every flag of {@code mask} is set.
     *
     * @param mask flag bits.
     * @return whether {@code (flags() & mask) == mask}.
     */
    public boolean hasFlags(final int mask)
    {
        return (flags() & mask) == mask;
    }

    /**
     * FIN.
     *
     * @return whether set.
     */
    public boolean fin()
    {
        return (flags() & FIN) != 0;
    }

    /**
     * SYN.
     *
     * @return whether set.
     */
    public boolean syn()
    {
        return (flags() & SYN) != 0;
    }

    /**
     * RST.
     *
     * @return whether set.
     */
    public boolean rst()
    {
        return (flags() & RST) != 0;
    }

    /**
     * PSH.
     *
     * @return whether set.
     */
    public boolean psh()
    {
        return (flags() & PSH) != 0;
    }

    /**
     * ACK.
     *
     * @return whether set.
     */
    public boolean ack()
    {
        return (flags() & ACK) != 0;
    }

    /**
     * URG.
     *
     * @return whether set.
     */
    public boolean urg()
    {
        return (flags() & URG) != 0;
    }

    /**
     * ECE.
     *
     * @return whether set.
     */
    public boolean ece()
    {
        return (flags() & ECE) != 0;
    }

    /**
     * CWR.
     *
     * @return whether set.
     */
    public boolean cwr()
    {
        return (flags() & CWR) != 0;
    }

    /**
     * AE (Accurate ECN, formerly NS).
     *
     * @return whether set.
     */
    public boolean ae()
    {
        return (flags() & AE) != 0;
    }

    /**
     * The window (unscaled).
     *
     * @return {@code [0, 0xFFFF]}.
     */
    public int window()
    {
        return Bytes.u16(segment, offset + WINDOW_OFFSET);
    }

    /**
     * The stored checksum.
     *
     * @return the checksum field.
     */
    public int checksum()
    {
        return Bytes.u16(segment, offset + CHECKSUM_OFFSET);
    }

    /**
     * The urgent pointer.
     *
     * @return {@code [0, 0xFFFF]}.
     */
    public int urgentPointer()
    {
        return Bytes.u16(segment, offset + URGENT_POINTER_OFFSET);
    }

    /**
     * The absolute offset of the options.
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
     * @return {@code headerLength() - 20}.
     */
    public int optionsLength()
    {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /**
     * The absolute offset of the data.
     *
     * @return {@code offset() + headerLength()}.
     */
    public long payloadOffset()
    {
        return offset + headerLength();
    }

    /**
     * The data length.
     *
     * @return {@code length() - headerLength()}.
     */
    public int payloadLength()
    {
        return length - headerLength();
    }

    /**
     * Computes the checksum as it should be stored, over the pseudo-header and all {@link #length()} bytes (the
     * checksum field counts as zero).
     *
     * @param source the IPv4 source address.
     * @param destination the IPv4 destination address.
     * @return the checksum.
     */
    public int computeChecksum(final int source, final int destination)
    {
        int sum = InternetChecksum.pseudoHeaderSum(source, destination, Ipv4Flyweight.PROTOCOL_TCP, length);
        sum = InternetChecksum.sum(segment, offset, CHECKSUM_OFFSET, sum);
        sum = InternetChecksum.sum(segment, offset + CHECKSUM_OFFSET + 2, length - CHECKSUM_OFFSET - 2, sum);
        return InternetChecksum.finish(sum);
    }

    /**
     * Whether the checksum is correct.
     *
     * @param source the IPv4 source address.
     * @param destination the IPv4 destination address.
     * @return {@code true} if the pseudo-header and segment sum to 0xFFFF.
     */
    public boolean verifyChecksum(final int source, final int destination)
    {
        final int pseudo = InternetChecksum.pseudoHeaderSum(source, destination, Ipv4Flyweight.PROTOCOL_TCP, length);
        return InternetChecksum.verifies(InternetChecksum.sum(segment, offset, length, pseudo));
    }

    /**
     * Computes the checksum and stores it.
     *
     * @param source the IPv4 source address.
     * @param destination the IPv4 destination address.
     * @return this.
     */
    public TcpFlyweight updateChecksum(final int source, final int destination)
    {
        return checksum(computeChecksum(source, destination));
    }

    /**
     * Sets the source port.
     *
     * @param port {@code [0, 0xFFFF]}.
     * @return this.
     */
    public TcpFlyweight sourcePort(final int port)
    {
        Bytes.putU16(segment, offset + SOURCE_PORT_OFFSET, Bytes.checkRange("TCP source port", port, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the destination port.
     *
     * @param port {@code [0, 0xFFFF]}.
     * @return this.
     */
    public TcpFlyweight destinationPort(final int port)
    {
        Bytes.putU16(segment, offset + DESTINATION_PORT_OFFSET,
            Bytes.checkRange("TCP destination port", port, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the sequence number.
     *
     * @param sequence the 32-bit value.
     * @return this.
     */
    public TcpFlyweight sequenceNumber(final int sequence)
    {
        Bytes.putI32(segment, offset + SEQUENCE_OFFSET, sequence);
        return this;
    }

    /**
     * Sets the acknowledgment number.
     *
     * @param acknowledgment the 32-bit value.
     * @return this.
     */
    public TcpFlyweight acknowledgmentNumber(final int acknowledgment)
    {
        Bytes.putI32(segment, offset + ACKNOWLEDGMENT_OFFSET, acknowledgment);
        return this;
    }

    /**
     * Sets the data offset, keeping the reserved bits and AE.
     *
     * @param words {@code [5, 15]}; the options area must be written by the caller.
     * @return this.
     */
    public TcpFlyweight dataOffset(final int words)
    {
        Bytes.checkRange("TCP data offset", words, 5, 15);
        final int old = Bytes.u8(segment, offset + DATA_OFFSET_OFFSET);
        Bytes.putU8(segment, offset + DATA_OFFSET_OFFSET, (words << 4) | (old & 0x0F));
        return this;
    }

    /**
     * Sets the nine flag bits (clearing the three reserved bits).
     *
     * @param flags {@code [0, 0x1FF]}.
     * @return this.
     */
    public TcpFlyweight flags(final int flags)
    {
        Bytes.checkRange("TCP flags", flags, 0, 0x1FF);
        final int old = Bytes.u8(segment, offset + DATA_OFFSET_OFFSET);
        Bytes.putU8(segment, offset + DATA_OFFSET_OFFSET, (old & 0xF0) | (flags >>> 8));
        Bytes.putU8(segment, offset + FLAGS_OFFSET, flags & 0xFF);
        return this;
    }

    /**
     * Sets the window.
     *
     * @param window {@code [0, 0xFFFF]}.
     * @return this.
     */
    public TcpFlyweight window(final int window)
    {
        Bytes.putU16(segment, offset + WINDOW_OFFSET, Bytes.checkRange("TCP window", window, 0, 0xFFFF));
        return this;
    }

    /**
     * Stores a checksum as given.
     *
     * @param checksum {@code [0, 0xFFFF]}.
     * @return this.
     */
    public TcpFlyweight checksum(final int checksum)
    {
        Bytes.putU16(segment, offset + CHECKSUM_OFFSET, Bytes.checkRange("TCP checksum", checksum, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the urgent pointer.
     *
     * @param urgentPointer {@code [0, 0xFFFF]}.
     * @return this.
     */
    public TcpFlyweight urgentPointer(final int urgentPointer)
    {
        Bytes.putU16(segment, offset + URGENT_POINTER_OFFSET,
            Bytes.checkRange("TCP urgent pointer", urgentPointer, 0, 0xFFFF));
        return this;
    }
}
