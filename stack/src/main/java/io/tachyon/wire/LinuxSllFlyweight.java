package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * Linux "cooked" capture header, version 1 (pcap link type 113, {@code DLT_LINUX_SLL}): what libpcap writes for
 * the {@code any} device instead of a link-layer header.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Packet type (0)        |       ARPHRD type (2)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Link-layer addr length (4)  |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |       Link-layer address (6), 8 bytes, zero padded            |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |        Protocol (14)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * For Ethernet-like devices the protocol is an EtherType (0x0800 IPv4, 0x0806 ARP).
 */
public final class LinuxSllFlyweight extends Flyweight
{
    /** Offset of the packet type. */
    public static final int PACKET_TYPE_OFFSET = 0;
    /** Offset of the ARPHRD_ device type. */
    public static final int ARPHRD_TYPE_OFFSET = 2;
    /** Offset of the link-layer address length. */
    public static final int ADDRESS_LENGTH_OFFSET = 4;
    /** Offset of the 8-byte link-layer address field. */
    public static final int ADDRESS_OFFSET = 6;
    /** Offset of the protocol. */
    public static final int PROTOCOL_OFFSET = 14;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 16;
    /** Packet type: sent to us. */
    public static final int PACKET_HOST = 0;
    /** Packet type: broadcast by somebody else. */
    public static final int PACKET_BROADCAST = 1;
    /** Packet type: multicast by somebody else. */
    public static final int PACKET_MULTICAST = 2;
    /** Packet type: sent by somebody else to somebody else. */
    public static final int PACKET_OTHERHOST = 3;
    /** Packet type: sent by us. */
    public static final int PACKET_OUTGOING = 4;
    /** ARPHRD type of Ethernet. */
    public static final int ARPHRD_ETHER = 1;
    /** ARPHRD type of loopback. */
    public static final int ARPHRD_LOOPBACK = 772;

    /** A flyweight that wraps nothing yet. */
    public LinuxSllFlyweight()
    {
    }

    /**
     * {@inheritDoc}
     * <p>
     * Reason: {@link Malformed#SLL_TRUNCATED}.
     */
    @Override
    public Malformed wrap(final MemorySegment segment, final long offset, final int length)
    {
        if (!region(segment, offset, length) || length < HEADER_LENGTH)
        {
            return Malformed.SLL_TRUNCATED;
        }
        return Malformed.OK;
    }

    /**
     * Wraps memory for emitting a header; writes nothing.
     *
     * @param segment the memory to write into.
     * @param offset where the header starts.
     * @param length the captured length (at least {@link #HEADER_LENGTH}).
     * @return this.
     * @throws IllegalArgumentException if {@code length < 16}.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public LinuxSllFlyweight wrapForWrite(final MemorySegment segment, final long offset, final int length)
    {
        writeRegion("Linux SLL header", segment, offset, length, HEADER_LENGTH);
        return this;
    }

    /**
     * The packet type ({@code PACKET_*}).
     *
     * @return the packet type.
     */
    public int packetType()
    {
        return Bytes.u16(segment, offset + PACKET_TYPE_OFFSET);
    }

    /**
     * The ARPHRD_ device type.
     *
     * @return the device type.
     */
    public int arphrdType()
    {
        return Bytes.u16(segment, offset + ARPHRD_TYPE_OFFSET);
    }

    /**
     * The link-layer address length as written (may exceed 8; only 8 bytes are stored).
     *
     * @return the address length field.
     */
    public int addressLength()
    {
        return Bytes.u16(segment, offset + ADDRESS_LENGTH_OFFSET);
    }

    /**
     * The 8-byte address field, first byte most significant.
     *
     * @return the raw address field.
     */
    public long addressField()
    {
        return segment.get(Bytes.U64, offset + ADDRESS_OFFSET);
    }

    /**
     * The first six bytes of the address field as a MAC address (meaningful when the address length is 6).
     *
     * @return the MAC address in the low 48 bits.
     */
    public long macAddress()
    {
        return Bytes.mac(segment, offset + ADDRESS_OFFSET);
    }

    /**
     * The protocol (an EtherType for Ethernet-like devices).
     *
     * @return the protocol.
     */
    public int protocol()
    {
        return Bytes.u16(segment, offset + PROTOCOL_OFFSET);
    }

    /**
     * The absolute offset of the payload in {@link #segment()}.
     *
     * @return {@code offset() + 16}.
     */
    public long payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /**
     * The bytes after the header.
     *
     * @return {@code length() - 16}.
     */
    public int payloadLength()
    {
        return length - HEADER_LENGTH;
    }

    /**
     * Sets the packet type.
     *
     * @param packetType {@code [0, 0xFFFF]}.
     * @return this.
     */
    public LinuxSllFlyweight packetType(final int packetType)
    {
        Bytes.putU16(segment, offset + PACKET_TYPE_OFFSET, Bytes.checkRange("packet type", packetType, 0, 0xFFFF));
        return this;
    }

    /**
     * Sets the ARPHRD_ device type.
     *
     * @param arphrdType {@code [0, 0xFFFF]}.
     * @return this.
     */
    public LinuxSllFlyweight arphrdType(final int arphrdType)
    {
        Bytes.putU16(segment, offset + ARPHRD_TYPE_OFFSET, Bytes.checkRange("ARPHRD type", arphrdType, 0, 0xFFFF));
        return this;
    }

    /**
     * Writes a MAC address: address length 6, the address, two zero bytes of padding.
     *
     * @param mac the address in the low 48 bits.
     * @return this.
     */
    public LinuxSllFlyweight macAddress(final long mac)
    {
        Bytes.putU16(segment, offset + ADDRESS_LENGTH_OFFSET, 6);
        Bytes.putMac(segment, offset + ADDRESS_OFFSET, mac);
        Bytes.putU16(segment, offset + ADDRESS_OFFSET + 6, 0);
        return this;
    }

    /**
     * Writes the address length and the raw 8-byte address field.
     *
     * @param addressLength the address length field, {@code [0, 0xFFFF]}.
     * @param addressField the 8 address bytes, first byte most significant.
     * @return this.
     */
    public LinuxSllFlyweight address(final int addressLength, final long addressField)
    {
        Bytes.putU16(segment, offset + ADDRESS_LENGTH_OFFSET,
            Bytes.checkRange("address length", addressLength, 0, 0xFFFF));
        segment.set(Bytes.U64, offset + ADDRESS_OFFSET, addressField);
        return this;
    }

    /**
     * Sets the protocol.
     *
     * @param protocol {@code [0, 0xFFFF]}.
     * @return this.
     */
    public LinuxSllFlyweight protocol(final int protocol)
    {
        Bytes.putU16(segment, offset + PROTOCOL_OFFSET, Bytes.checkRange("protocol", protocol, 0, 0xFFFF));
        return this;
    }
}
