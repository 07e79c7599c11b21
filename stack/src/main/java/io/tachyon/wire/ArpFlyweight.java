package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * ARP (RFC 826) for Ethernet hardware addresses and IPv4 protocol addresses, the only format this stack speaks.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Hardware type (0) = 1     |   Protocol type (2) = 0x0800  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | HLEN (4) = 6  | PLEN (5) = 4  |        Operation (6)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Sender hardware address (8), 6 bytes             |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  Sender protocol address (14) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  (sender protocol address)    |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |              Target hardware address (18), 6 bytes            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Target protocol address (24)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #wrap} checks the generic fixed part first ({@link Malformed#ARP_TRUNCATED} below 8 bytes or below
 * {@code 8 + 2 * (HLEN + PLEN)}), then the format ({@link Malformed#ARP_UNSUPPORTED_FORMAT} for anything but
 * Ethernet/IPv4). After {@code ARP_UNSUPPORTED_FORMAT} the first five fields remain readable.
 */
public final class ArpFlyweight extends Flyweight
{
    /** Offset of the hardware type. */
    public static final int HARDWARE_TYPE_OFFSET = 0;
    /** Offset of the protocol type. */
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    /** Offset of the hardware address length. */
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    /** Offset of the protocol address length. */
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    /** Offset of the operation. */
    public static final int OPERATION_OFFSET = 6;
    /** Offset of the sender hardware address. */
    public static final int SENDER_HARDWARE_OFFSET = 8;
    /** Offset of the sender protocol address. */
    public static final int SENDER_PROTOCOL_OFFSET = 14;
    /** Offset of the target hardware address. */
    public static final int TARGET_HARDWARE_OFFSET = 18;
    /** Offset of the target protocol address. */
    public static final int TARGET_PROTOCOL_OFFSET = 24;
    /** Length of the fixed part common to every ARP format. */
    public static final int FIXED_LENGTH = 8;
    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;
    /** Hardware type of Ethernet. */
    public static final int HARDWARE_ETHERNET = 1;
    /** Protocol type of IPv4. */
    public static final int PROTOCOL_IPV4 = 0x0800;
    /** Operation: request. */
    public static final int OPERATION_REQUEST = 1;
    /** Operation: reply. */
    public static final int OPERATION_REPLY = 2;

    /** A flyweight that wraps nothing yet. */
    public ArpFlyweight()
    {
    }

    /**
     * {@inheritDoc}
     * <p>
     * Reasons: {@link Malformed#ARP_TRUNCATED}, {@link Malformed#ARP_UNSUPPORTED_FORMAT}.
     */
    @Override
    public Malformed wrap(final MemorySegment segment, final long offset, final int length)
    {
        if (!region(segment, offset, length) || length < FIXED_LENGTH)
        {
            return Malformed.ARP_TRUNCATED;
        }
        final int hlen = Bytes.u8(segment, offset + HARDWARE_LENGTH_OFFSET);
        final int plen = Bytes.u8(segment, offset + PROTOCOL_LENGTH_OFFSET);
        if (length < FIXED_LENGTH + 2 * (hlen + plen))
        {
            return Malformed.ARP_TRUNCATED;
        }
        if (hardwareType() != HARDWARE_ETHERNET || protocolType() != PROTOCOL_IPV4 || hlen != 6 || plen != 4)
        {
            return Malformed.ARP_UNSUPPORTED_FORMAT;
        }
        return Malformed.OK;
    }

    /**
     * Wraps memory for emitting an Ethernet/IPv4 ARP packet and writes the format fields (hardware type 1,
     * protocol type 0x0800, lengths 6 and 4).
     *
     * @param segment the memory to write into.
     * @param offset where the ARP packet starts.
     * @param length the length (at least {@link #LENGTH}).
     * @return this.
     * @throws IllegalArgumentException if {@code length < 28}.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public ArpFlyweight wrapForWrite(final MemorySegment segment, final long offset, final int length)
    {
        writeRegion("ARP packet", segment, offset, length, LENGTH);
        Bytes.putU16(segment, offset + HARDWARE_TYPE_OFFSET, HARDWARE_ETHERNET);
        Bytes.putU16(segment, offset + PROTOCOL_TYPE_OFFSET, PROTOCOL_IPV4);
        Bytes.putU8(segment, offset + HARDWARE_LENGTH_OFFSET, 6);
        Bytes.putU8(segment, offset + PROTOCOL_LENGTH_OFFSET, 4);
        return this;
    }

    /**
     * The hardware type.
     *
     * @return the hardware type (1 for Ethernet).
     */
    public int hardwareType()
    {
        return Bytes.u16(segment, offset + HARDWARE_TYPE_OFFSET);
    }

    /**
     * The protocol type.
     *
     * @return the protocol type (0x0800 for IPv4).
     */
    public int protocolType()
    {
        return Bytes.u16(segment, offset + PROTOCOL_TYPE_OFFSET);
    }

    /**
     * The hardware address length.
     *
     * @return HLEN.
     */
    public int hardwareLength()
    {
        return Bytes.u8(segment, offset + HARDWARE_LENGTH_OFFSET);
    }

    /**
     * The protocol address length.
     *
     * @return PLEN.
     */
    public int protocolLength()
    {
        return Bytes.u8(segment, offset + PROTOCOL_LENGTH_OFFSET);
    }

    /**
     * The operation.
     *
     * @return 1 request, 2 reply, or another value.
     */
    public int operation()
    {
        return Bytes.u16(segment, offset + OPERATION_OFFSET);
    }

    /**
     * The sender hardware address.
     *
     * @return the MAC address in the low 48 bits.
     */
    public long senderHardwareAddress()
    {
        return Bytes.mac(segment, offset + SENDER_HARDWARE_OFFSET);
    }

    /**
     * The sender protocol address.
     *
     * @return the IPv4 address, first byte most significant.
     */
    public int senderProtocolAddress()
    {
        return Bytes.i32(segment, offset + SENDER_PROTOCOL_OFFSET);
    }

    /**
     * The target hardware address.
     *
     * @return the MAC address in the low 48 bits.
     */
    public long targetHardwareAddress()
    {
        return Bytes.mac(segment, offset + TARGET_HARDWARE_OFFSET);
    }

    /**
     * The target protocol address.
     *
     * @return the IPv4 address, first byte most significant.
     */
    public int targetProtocolAddress()
    {
        return Bytes.i32(segment, offset + TARGET_PROTOCOL_OFFSET);
    }

    /**
     * Sets the operation.
     *
     * @param operation {@code [0, 0xFFFF]}.
     * @return this.
     */
    public ArpFlyweight operation(final int operation)
    {
        Bytes.putU16(segment, offset + OPERATION_OFFSET, Bytes.checkRange("ARP operation", operation, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the sender hardware address.
     *
     * @param mac the MAC address in the low 48 bits.
     * @return this.
     */
    public ArpFlyweight senderHardwareAddress(final long mac)
    {
        Bytes.putMac(segment, offset + SENDER_HARDWARE_OFFSET, mac);
        return this;
    }

    /**
     * Sets the sender protocol address.
     *
     * @param address the IPv4 address.
     * @return this.
     */
    public ArpFlyweight senderProtocolAddress(final int address)
    {
        Bytes.putI32(segment, offset + SENDER_PROTOCOL_OFFSET, address);
        return this;
    }

    /**
     * Sets the target hardware address.
     *
     * @param mac the MAC address in the low 48 bits.
     * @return this.
     */
    public ArpFlyweight targetHardwareAddress(final long mac)
    {
        Bytes.putMac(segment, offset + TARGET_HARDWARE_OFFSET, mac);
        return this;
    }

    /**
     * Sets the target protocol address.
     *
     * @param address the IPv4 address.
     * @return this.
     */
    public ArpFlyweight targetProtocolAddress(final int address)
    {
        Bytes.putI32(segment, offset + TARGET_PROTOCOL_OFFSET, address);
        return this;
    }
}
