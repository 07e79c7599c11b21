package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * ICMP for IPv4 (RFC 792), with the RFC 1191 next-hop MTU of "fragmentation needed".
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type (0)    |   Code (1)    |         Checksum (2)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Rest of header (4): echo identifier (4), sequence (6);    |
 * |  dest. unreachable code 4: unused (4), next-hop MTU (6);      |
 * |  redirect: gateway address; others: unused                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data (8): echo payload, or for errors the original IPv4      |
 * |  header (with options) plus the first 8 bytes of its payload |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Wrap with exactly the ICMP message (the IPv4 payload); the checksum covers all of it. The quoted datagram of an
 * error message starts at {@link #dataOffset()}: wrap an {@link Ipv4Flyweight} there to read it (it will usually
 * report {@link Malformed#IPV4_PAYLOAD_TRUNCATED}, with every header getter valid). Reason:
 * {@link Malformed#ICMP_TRUNCATED}.
 */
public final class IcmpFlyweight extends Flyweight
{
    /** Offset of the type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the code. */
    public static final int CODE_OFFSET = 1;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 2;
    /** Offset of the echo identifier. */
    public static final int IDENTIFIER_OFFSET = 4;
    /** Offset of the echo sequence number. */
    public static final int SEQUENCE_OFFSET = 6;
    /** Offset of the next-hop MTU of "fragmentation needed" (RFC 1191). */
    public static final int NEXT_HOP_MTU_OFFSET = 6;
    /** Offset of the redirect gateway address. */
    public static final int GATEWAY_OFFSET = 4;
    /** Offset of the data (echo payload or quoted datagram). */
    public static final int DATA_OFFSET = 8;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;
    /** Type: echo reply. */
    public static final int TYPE_ECHO_REPLY = 0;
    /** Type: destination unreachable. */
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    /** Type: source quench (deprecated). */
    public static final int TYPE_SOURCE_QUENCH = 4;
    /** Type: redirect. */
    public static final int TYPE_REDIRECT = 5;
    /** Type: echo request. */
    public static final int TYPE_ECHO_REQUEST = 8;
    /** Type: time exceeded. */
    public static final int TYPE_TIME_EXCEEDED = 11;
    /** Type: parameter problem. */
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    /** Type: timestamp request. */
    public static final int TYPE_TIMESTAMP = 13;
    /** Type: timestamp reply. */
    public static final int TYPE_TIMESTAMP_REPLY = 14;
    /** Destination unreachable code: net unreachable. */
    public static final int CODE_NET_UNREACHABLE = 0;
    /** Destination unreachable code: host unreachable. */
    public static final int CODE_HOST_UNREACHABLE = 1;
    /** Destination unreachable code: protocol unreachable. */
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    /** Destination unreachable code: port unreachable. */
    public static final int CODE_PORT_UNREACHABLE = 3;
    /** Destination unreachable code: fragmentation needed and DF set. */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** Time exceeded code: TTL exceeded in transit. */
    public static final int CODE_TTL_EXCEEDED = 0;
    /** Time exceeded code: fragment reassembly time exceeded. */
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

    /** A flyweight that wraps nothing yet. */
    public IcmpFlyweight()
    {
    }

    @Override
    public Malformed wrap(final MemorySegment segment, final long offset, final int length)
    {
        if (!region(segment, offset, length) || length < HEADER_LENGTH)
        {
            return Malformed.ICMP_TRUNCATED;
        }
        return Malformed.OK;
    }

    /**
     * Wraps memory for emitting a message; writes nothing.
     *
     * @param segment the memory to write into.
     * @param offset where the message starts.
     * @param length the exact message length, which the checksum covers (at least 8).
     * @return this.
     * @throws IllegalArgumentException if {@code length < 8}.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public IcmpFlyweight wrapForWrite(final MemorySegment segment, final long offset, final int length)
    {
        writeRegion("ICMP message", segment, offset, length, HEADER_LENGTH);
        return this;
    }

    /**
     * The type.
     *
     * @return the type.
     */
    public int type()
    {
        return Bytes.u8(segment, offset + TYPE_OFFSET);
    }

    /**
     * The code.
     *
     * @return the code.
     */
    public int code()
    {
        return Bytes.u8(segment, offset + CODE_OFFSET);
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
     * The 32-bit rest of the header.
     *
     * @return bytes 4..7.
     */
    public int restOfHeader()
    {
        return Bytes.i32(segment, offset + IDENTIFIER_OFFSET);
    }

    /**
     * The echo identifier.
     *
     * @return bytes 4..5.
     */
    public int identifier()
    {
        return Bytes.u16(segment, offset + IDENTIFIER_OFFSET);
    }

    /**
     * The echo sequence number.
     *
     * @return bytes 6..7.
     */
    public int sequenceNumber()
    {
        return Bytes.u16(segment, offset + SEQUENCE_OFFSET);
    }

    /**
     * The next-hop MTU of a "fragmentation needed" message (0 from routers older than RFC 1191).
     *
     * @return bytes 6..7.
     */
    public int nextHopMtu()
    {
        return Bytes.u16(segment, offset + NEXT_HOP_MTU_OFFSET);
    }

    /**
     * The gateway address of a redirect.
     *
     * @return bytes 4..7.
     */
    public int gateway()
    {
        return Bytes.i32(segment, offset + GATEWAY_OFFSET);
    }

    /**
     * Whether the type is an error that quotes the offending datagram (3, 4, 5, 11, 12).
     *
     * @return whether this is an error message.
     */
    public boolean isError()
    {
        final int type = type();
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
            || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
    }

    /**
     * Whether this is "destination unreachable, fragmentation needed" (carries {@link #nextHopMtu()}).
     *
     * @return whether type 3 code 4.
     */
    public boolean isFragmentationNeeded()
    {
        return type() == TYPE_DESTINATION_UNREACHABLE && code() == CODE_FRAGMENTATION_NEEDED;
    }

    /**
     * The absolute offset of the data: the echo payload or the quoted datagram.
     *
     * @return {@code offset() + 8}.
     */
    public long dataOffset()
    {
        return offset + DATA_OFFSET;
    }

    /**
     * The data length.
     *
     * @return {@code length() - 8}.
     */
    public int dataLength()
    {
        return length - HEADER_LENGTH;
    }

    /**
     * Whether an error message quotes a whole IPv4 header (options included) plus 8 bytes of its payload, as
     * RFC 792 requires. Reads only inside the message.
     *
     * @return {@code false} for non-errors and short quotes.
     */
    public boolean hasCompleteQuote()
    {
        if (!isError() || dataLength() < Ipv4Flyweight.MIN_HEADER_LENGTH + 8)
        {
            return false;
        }
        final int versionIhl = Bytes.u8(segment, offset + DATA_OFFSET);
        final int headerLength = (versionIhl & 0x0F) * 4;
        return versionIhl >>> 4 == 4 && headerLength >= Ipv4Flyweight.MIN_HEADER_LENGTH
            && dataLength() >= headerLength + 8;
    }

    /**
     * Computes the checksum over the whole message as it should be stored (the checksum field counts as zero).
     *
     * @return the checksum.
     */
    public int computeChecksum()
    {
        final int before = InternetChecksum.sum(segment, offset, CHECKSUM_OFFSET);
        return InternetChecksum.finish(
            InternetChecksum.sum(segment, offset + CHECKSUM_OFFSET + 2, length - CHECKSUM_OFFSET - 2, before));
    }

    /**
     * Whether the checksum over the whole message is correct.
     *
     * @return {@code true} if the message sums to 0xFFFF.
     */
    public boolean verifyChecksum()
    {
        return InternetChecksum.verifies(InternetChecksum.sum(segment, offset, length));
    }

    /**
     * Computes the checksum and stores it.
     *
     * @return this.
     */
    public IcmpFlyweight updateChecksum()
    {
        return checksum(computeChecksum());
    }

    /**
     * Sets the type.
     *
     * @param type {@code [0, 255]}.
     * @return this.
     */
    public IcmpFlyweight type(final int type)
    {
        Bytes.putU8(segment, offset + TYPE_OFFSET, Bytes.checkRange("ICMP type", type, 0, 0xFF));
        return this;
    }

    /**
     * Sets the code.
     *
     * @param code {@code [0, 255]}.
     * @return this.
     */
    public IcmpFlyweight code(final int code)
    {
        Bytes.putU8(segment, offset + CODE_OFFSET, Bytes.checkRange("ICMP code", code, 0, 0xFF));
        return this;
    }

    /**
     * Stores a checksum as given.
     *
     * @param checksum {@code [0, 0xFFFF]}.
     * @return this.
     */
    public IcmpFlyweight checksum(final int checksum)
    {
        Bytes.putU16(segment, offset + CHECKSUM_OFFSET, Bytes.checkRange("ICMP checksum", checksum, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the 32-bit rest of the header.
     *
     * @param rest bytes 4..7.
     * @return this.
     */
    public IcmpFlyweight restOfHeader(final int rest)
    {
        Bytes.putI32(segment, offset + IDENTIFIER_OFFSET, rest);
        return this;
    }

    /**
     * Sets the echo identifier.
     *
     * @param identifier {@code [0, 0xFFFF]}.
     * @return this.
     */
    public IcmpFlyweight identifier(final int identifier)
    {
        Bytes.putU16(segment, offset + IDENTIFIER_OFFSET, Bytes.checkRange("ICMP identifier", identifier, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the echo sequence number.
     *
     * @param sequence {@code [0, 0xFFFF]}.
     * @return this.
     */
    public IcmpFlyweight sequenceNumber(final int sequence)
    {
        Bytes.putU16(segment, offset + SEQUENCE_OFFSET, Bytes.checkRange("ICMP sequence", sequence, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the next-hop MTU of "fragmentation needed" and zeroes the unused word before it.
     *
     * @param mtu {@code [0, 0xFFFF]}.
     * @return this.
     */
    public IcmpFlyweight nextHopMtu(final int mtu)
    {
        Bytes.putU16(segment, offset + IDENTIFIER_OFFSET, 0);
        Bytes.putU16(segment, offset + NEXT_HOP_MTU_OFFSET, Bytes.checkRange("next-hop MTU", mtu, 0, 0xFFFF));
        return this;
    }
}
