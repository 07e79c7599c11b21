package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * UDP header (RFC 768).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       Source Port (0)         |     Destination Port (2)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Length (4)           |         Checksum (6)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Data (8) ...                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Wrap with the IP payload. The datagram's extent is its Length field, which may be smaller than the IP payload
 * (the rest is ignored). The checksum covers an IPv4 pseudo-header and {@code Length} bytes; a stored checksum of
 * zero means the sender computed none, which is accepted; a computed zero is sent as 0xFFFF. Reasons:
 * {@link Malformed#UDP_TRUNCATED}, {@link Malformed#UDP_BAD_LENGTH}, {@link Malformed#UDP_LENGTH_EXCEEDS_PAYLOAD}
 * (the header is valid then: this is the normal case for the first fragment of a fragmented datagram).
 */
public final class UdpFlyweight extends Flyweight
{
    /** Offset of the source port. */
    public static final int SOURCE_PORT_OFFSET = 0;
    /** Offset of the destination port. */
    public static final int DESTINATION_PORT_OFFSET = 2;
    /** Offset of the length. */
    public static final int LENGTH_OFFSET = 4;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 6;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;

    /** A flyweight that wraps nothing yet. */
    public UdpFlyweight()
    {
    }

    @Override
    public Malformed wrap(final MemorySegment segment, final long offset, final int length)
    {
        if (!region(segment, offset, length) || length < HEADER_LENGTH)
        {
            return Malformed.UDP_TRUNCATED;
        }
        final int udpLength = udpLength();
        if (udpLength < HEADER_LENGTH)
        {
            return Malformed.UDP_BAD_LENGTH;
        }
        if (udpLength > length)
        {
            return Malformed.UDP_LENGTH_EXCEEDS_PAYLOAD;
        }
        return Malformed.OK;
    }

    /**
     * Wraps memory for emitting a datagram; writes nothing.
     *
     * @param segment the memory to write into.
     * @param offset where the datagram starts.
     * @param length room for the datagram (at least 8).
     * @return this.
     * @throws IllegalArgumentException if {@code length < 8}.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public UdpFlyweight wrapForWrite(final MemorySegment segment, final long offset, final int length)
    {
        writeRegion("UDP datagram", segment, offset, length, HEADER_LENGTH);
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
     * The Length field: header plus data.
     *
     * @return {@code [0, 0xFFFF]}.
     */
    public int udpLength()
    {
        return Bytes.u16(segment, offset + LENGTH_OFFSET);
    }

    /**
     * The stored checksum.
     *
     * @return the checksum field; 0 means none.
     */
    public int checksum()
    {
        return Bytes.u16(segment, offset + CHECKSUM_OFFSET);
    }

    /**
     * Whether the sender computed a checksum.
     *
     * @return {@code checksum() != 0}.
     */
    public boolean hasChecksum()
    {
        return checksum() != 0;
    }

    /**
     * The absolute offset of the data.
     *
     * @return {@code offset() + 8}.
     */
    public long payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /**
     * The data length from the Length field.
     *
     * @return {@code udpLength() - 8}.
     */
    public int payloadLength()
    {
        return udpLength() - HEADER_LENGTH;
    }

    /**
     * Computes the checksum as it should be stored, over the pseudo-header and {@code udpLength()} bytes (the
     * checksum field counts as zero). A result of zero is returned as 0xFFFF.
     *
     * @param source the IPv4 source address.
     * @param destination the IPv4 destination address.
     * @return the checksum, never 0.
     */
    public int computeChecksum(final int source, final int destination)
    {
        final int udpLength = udpLength();
        int sum = InternetChecksum.pseudoHeaderSum(source, destination, Ipv4Flyweight.PROTOCOL_UDP, udpLength);
        sum = InternetChecksum.sum(segment, offset, CHECKSUM_OFFSET, sum);
        sum = InternetChecksum.sum(segment, offset + HEADER_LENGTH, udpLength - HEADER_LENGTH, sum);
        final int checksum = InternetChecksum.finish(sum);
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /**
     * Whether the checksum is correct or absent (zero).
     *
     * @param source the IPv4 source address.
     * @param destination the IPv4 destination address.
     * @return {@code true} if the stored checksum is 0 or the datagram sums to 0xFFFF.
     */
    public boolean verifyChecksum(final int source, final int destination)
    {
        if (checksum() == 0)
        {
            return true;
        }
        final int udpLength = udpLength();
        final int pseudo = InternetChecksum.pseudoHeaderSum(source, destination, Ipv4Flyweight.PROTOCOL_UDP,
            udpLength);
        return InternetChecksum.verifies(InternetChecksum.sum(segment, offset, udpLength, pseudo));
    }

    /**
     * Computes the checksum and stores it.
     *
     * @param source the IPv4 source address.
     * @param destination the IPv4 destination address.
     * @return this.
     */
    public UdpFlyweight updateChecksum(final int source, final int destination)
    {
        return checksum(computeChecksum(source, destination));
    }

    /**
     * Sets the source port.
     *
     * @param port {@code [0, 0xFFFF]}.
     * @return this.
     */
    public UdpFlyweight sourcePort(final int port)
    {
        Bytes.putU16(segment, offset + SOURCE_PORT_OFFSET, Bytes.checkRange("UDP source port", port, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the destination port.
     *
     * @param port {@code [0, 0xFFFF]}.
     * @return this.
     */
    public UdpFlyweight destinationPort(final int port)
    {
        Bytes.putU16(segment, offset + DESTINATION_PORT_OFFSET,
            Bytes.checkRange("UDP destination port", port, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the Length field.
     *
     * @param udpLength {@code [0, 0xFFFF]}.
     * @return this.
     */
    public UdpFlyweight udpLength(final int udpLength)
    {
        Bytes.putU16(segment, offset + LENGTH_OFFSET, Bytes.checkRange("UDP length", udpLength, 0, 0xFFFF));
        return this;
    }

    /**
     * Stores a checksum as given (0 = none).
     *
     * @param checksum {@code [0, 0xFFFF]}.
     * @return this.
     */
    public UdpFlyweight checksum(final int checksum)
    {
        Bytes.putU16(segment, offset + CHECKSUM_OFFSET, Bytes.checkRange("UDP checksum", checksum, 0, 0xFFFF));
        return this;
    }
}
