package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * Ethernet II header, optionally with one IEEE 802.1Q tag, or an 802.1ad service tag followed by an 802.1Q
 * customer tag (QinQ).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Destination MAC address                      |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                     Source MAC address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    EtherType or TPID (12)     | PCP |D|    VID  (TCI, 14)     |  tag present only if TPID is
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  0x8100 or 0x88a8
 * |   EtherType (16) or inner TPID 0x8100, inner TCI, EtherType   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * MAC addresses are handled as the low 48 bits of a {@code long}, first byte most significant
 * ({@code 00:11:22:33:44:55} is {@code 0x001122334455L}). {@link #etherType()} is always the type after the tags;
 * the VLAN getters describe the first (outer) tag, {@code inner*} the second. A frame may carry trailer padding:
 * the payload length is everything after the header, and upper layers take their own lengths from their headers.
 * <p>
 * Emitting: {@link #wrapForWrite}, then {@link #destination(long)}, {@link #source(long)}, optionally
 * {@link #vlan(int, boolean, int)} or {@link #qinq}, and {@link #etherType(int)} last (its position depends on the
 * tags).
 */
public final class EthernetFlyweight extends Flyweight
{
    /** Offset of the destination MAC address. */
    public static final int DESTINATION_OFFSET = 0;
    /** Offset of the source MAC address. */
    public static final int SOURCE_OFFSET = 6;
    /** Offset of the EtherType, or of the TPID of the first tag. */
    public static final int ETHER_TYPE_OFFSET = 12;
    /** Offset of the TCI of the first tag, when present. */
    public static final int VLAN_TCI_OFFSET = 14;
    /** Length of an untagged header. */
    public static final int HEADER_LENGTH = 14;
    /** Length of one tag (TPID + TCI). */
    public static final int VLAN_TAG_LENGTH = 4;
    /** EtherType of IPv4. */
    public static final int ETHER_TYPE_IPV4 = 0x0800;
    /** EtherType of ARP. */
    public static final int ETHER_TYPE_ARP = 0x0806;
    /** EtherType of IPv6 (recognised, not parsed by this package). */
    public static final int ETHER_TYPE_IPV6 = 0x86DD;
    /** TPID of an IEEE 802.1Q (customer) tag. */
    public static final int TPID_8021Q = 0x8100;
    /** TPID of an IEEE 802.1ad (service) tag. */
    public static final int TPID_8021AD = 0x88A8;
    /** The broadcast MAC address. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private int tags;

    /** A flyweight that wraps nothing yet. */
    public EthernetFlyweight()
    {
    }

    /**
     * {@inheritDoc}
     * <p>
     * Reasons: {@link Malformed#ETH_TRUNCATED}, {@link Malformed#VLAN_TRUNCATED}.
     */
    @Override
    public Malformed wrap(final MemorySegment segment, final long offset, final int length)
    {
        tags = 0;
        if (!region(segment, offset, length) || length < HEADER_LENGTH)
        {
            return Malformed.ETH_TRUNCATED;
        }
        final int type = Bytes.u16(segment, offset + ETHER_TYPE_OFFSET);
        if (type == TPID_8021Q || type == TPID_8021AD)
        {
            if (length < HEADER_LENGTH + VLAN_TAG_LENGTH)
            {
                return Malformed.VLAN_TRUNCATED;
            }
            tags = 1;
            if (Bytes.u16(segment, offset + ETHER_TYPE_OFFSET + VLAN_TAG_LENGTH) == TPID_8021Q)
            {
                if (length < HEADER_LENGTH + 2 * VLAN_TAG_LENGTH)
                {
                    tags = 0;
                    return Malformed.VLAN_TRUNCATED;
                }
                tags = 2;
            }
        }
        return Malformed.OK;
    }

    /**
     * Wraps memory for emitting a header; writes nothing. The header starts untagged.
     *
     * @param segment the memory to write into.
     * @param offset where the frame starts.
     * @param length the frame length (at least {@link #HEADER_LENGTH}).
     * @return this.
     * @throws IllegalArgumentException if {@code length < 14}.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public EthernetFlyweight wrapForWrite(final MemorySegment segment, final long offset, final int length)
    {
        writeRegion("Ethernet header", segment, offset, length, HEADER_LENGTH);
        tags = 0;
        return this;
    }

    /**
     * The destination MAC address.
     *
     * @return the address in the low 48 bits.
     */
    public long destination()
    {
        return Bytes.mac(segment, offset + DESTINATION_OFFSET);
    }

    /**
     * The source MAC address.
     *
     * @return the address in the low 48 bits.
     */
    public long source()
    {
        return Bytes.mac(segment, offset + SOURCE_OFFSET);
    }

    /**
     * The EtherType after any tags.
     *
     * @return the EtherType, {@code [0, 0xFFFF]}.
     */
    public int etherType()
    {
        return Bytes.u16(segment, offset + ETHER_TYPE_OFFSET + (long)tags * VLAN_TAG_LENGTH);
    }

    /**
     * How many tags were recognised: 0, 1 (802.1Q or a lone 802.1ad), or 2 (outer then inner 0x8100).
     *
     * @return the tag count.
     */
    public int vlanTagCount()
    {
        return tags;
    }

    /**
     * Whether the frame carries at least one VLAN tag.
     *
     * @return {@code vlanTagCount() > 0}.
     */
    public boolean hasVlan()
    {
        return tags > 0;
    }

    /**
     * The TPID of the first tag (0x8100 or 0x88a8), or 0 without tags.
     *
     * @return the outer TPID.
     */
    public int vlanTpid()
    {
        return tags == 0 ? 0 : Bytes.u16(segment, offset + ETHER_TYPE_OFFSET);
    }

    /**
     * The TCI of the first tag, or 0 without tags.
     *
     * @return the 16-bit tag control information.
     */
    public int vlanTci()
    {
        return tags == 0 ? 0 : Bytes.u16(segment, offset + VLAN_TCI_OFFSET);
    }

    /**
     * The priority code point of the first tag.
     *
     * @return PCP, {@code [0, 7]}.
     */
    public int vlanPcp()
    {
        return vlanTci() >>> 13;
    }

    /**
     * The drop-eligible indicator of the first tag.
     *
     * @return DEI.
     */
    public boolean vlanDei()
    {
        return (vlanTci() & 0x1000) != 0;
    }

    /**
     * The VLAN identifier of the first tag.
     *
     * @return VID, {@code [0, 4095]}.
     */
    public int vlanId()
    {
        return vlanTci() & 0x0FFF;
    }

    /**
     * The TCI of the second (inner) tag, or 0 unless {@code vlanTagCount() == 2}.
     *
     * @return the inner tag control information.
     */
    public int innerVlanTci()
    {
        return tags < 2 ? 0 : Bytes.u16(segment, offset + VLAN_TCI_OFFSET + VLAN_TAG_LENGTH);
    }

    /**
     * The VLAN identifier of the second (inner) tag, or 0 unless {@code vlanTagCount() == 2}.
     *
     * @return the inner VID.
     */
    public int innerVlanId()
    {
        return innerVlanTci() & 0x0FFF;
    }

    /**
     * The header length including tags.
     *
     * @return 14, 18 or 22.
     */
    public int headerLength()
    {
        return HEADER_LENGTH + tags * VLAN_TAG_LENGTH;
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
     * The bytes after the header (payload plus any trailer padding).
     *
     * @return {@code length() - headerLength()}.
     */
    public int payloadLength()
    {
        return length - headerLength();
    }

    /**
     * Sets the destination MAC address.
     *
     * @param mac the address in the low 48 bits.
     * @return this.
     * @throws IllegalArgumentException if {@code mac} does not fit in 48 bits.
     */
    public EthernetFlyweight destination(final long mac)
    {
        Bytes.putMac(segment, offset + DESTINATION_OFFSET, mac);
        return this;
    }

    /**
     * Sets the source MAC address.
     *
     * @param mac the address in the low 48 bits.
     * @return this.
     * @throws IllegalArgumentException if {@code mac} does not fit in 48 bits.
     */
    public EthernetFlyweight source(final long mac)
    {
        Bytes.putMac(segment, offset + SOURCE_OFFSET, mac);
        return this;
    }

    /**
     * Writes the EtherType after the tags written so far (call the tag setters first).
     *
     * @param etherType the EtherType, {@code [0, 0xFFFF]}.
     * @return this.
     */
    public EthernetFlyweight etherType(final int etherType)
    {
        Bytes.checkRange("EtherType", etherType, 0, 0xFFFF);
        Bytes.putU16(segment, offset + ETHER_TYPE_OFFSET + (long)tags * VLAN_TAG_LENGTH, etherType);
        return this;
    }

    /**
     * Writes one 802.1Q tag (TPID 0x8100) and makes the header tagged.
     *
     * @param pcp priority code point, {@code [0, 7]}.
     * @param dei drop-eligible indicator.
     * @param vid VLAN identifier, {@code [0, 4095]}.
     * @return this.
     * @throws IllegalArgumentException for an out-of-range value or a frame too short for the tag.
     */
    public EthernetFlyweight vlan(final int pcp, final boolean dei, final int vid)
    {
        requireRoom(HEADER_LENGTH + VLAN_TAG_LENGTH);
        Bytes.putU16(segment, offset + ETHER_TYPE_OFFSET, TPID_8021Q);
        Bytes.putU16(segment, offset + VLAN_TCI_OFFSET, tci(pcp, dei, vid));
        tags = 1;
        return this;
    }

    /**
     * Writes an 802.1ad service tag (TPID 0x88a8) followed by an 802.1Q customer tag.
     *
     * @param outerPcp service tag priority, {@code [0, 7]}.
     * @param outerDei service tag drop-eligible indicator.
     * @param outerVid service VLAN, {@code [0, 4095]}.
     * @param pcp customer tag priority, {@code [0, 7]}.
     * @param dei customer tag drop-eligible indicator.
     * @param vid customer VLAN, {@code [0, 4095]}.
     * @return this.
     * @throws IllegalArgumentException for an out-of-range value or a frame too short for the tags.
     */
    public EthernetFlyweight qinq(final int outerPcp, final boolean outerDei, final int outerVid,
        final int pcp, final boolean dei, final int vid)
    {
        requireRoom(HEADER_LENGTH + 2 * VLAN_TAG_LENGTH);
        Bytes.putU16(segment, offset + ETHER_TYPE_OFFSET, TPID_8021AD);
        Bytes.putU16(segment, offset + VLAN_TCI_OFFSET, tci(outerPcp, outerDei, outerVid));
        Bytes.putU16(segment, offset + ETHER_TYPE_OFFSET + VLAN_TAG_LENGTH, TPID_8021Q);
        Bytes.putU16(segment, offset + VLAN_TCI_OFFSET + VLAN_TAG_LENGTH, tci(pcp, dei, vid));
        tags = 2;
        return this;
    }

    private void requireRoom(final int needed)
    {
        if (length < needed)
        {
            throw new IllegalArgumentException("a tagged Ethernet header needs " + needed + " bytes, frame length is "
                + length);
        }
    }

    private static int tci(final int pcp, final boolean dei, final int vid)
    {
        Bytes.checkRange("VLAN PCP", pcp, 0, 7);
        Bytes.checkRange("VLAN VID", vid, 0, 0x0FFF);
        return (pcp << 13) | (dei ? 0x1000 : 0) | vid;
    }
}
