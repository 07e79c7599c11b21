package io.tachyon.wire;

/**
 * Why a header could not be parsed: one typed reason per way a frame can be malformed, for the whole package.
 * {@link #OK} means "not malformed". The stack counts drops by {@link #ordinal()}, so this stays an enum and its
 * constants are only ever appended.
 * <p>
 * A bad checksum is <em>not</em> a malformation: checksums have their own verdicts ({@code verifyChecksum}-style
 * methods and {@link ChecksumVerdict}).
 */
public enum Malformed
{
    /** Not malformed. */
    OK("ok"),
    /** Fewer than 14 bytes, or the region is not inside the segment. */
    ETH_TRUNCATED("Ethernet frame shorter than the 14-byte header"),
    /** An 802.1Q/802.1ad tag type with fewer than 4 bytes of tag after it. */
    VLAN_TRUNCATED("VLAN tag cut short by the end of the frame"),
    /** Fewer than 16 bytes of Linux cooked-capture header. */
    SLL_TRUNCATED("Linux cooked capture header shorter than 16 bytes"),
    /** Fewer bytes than the fixed ARP fields plus the addresses the header announces. */
    ARP_TRUNCATED("ARP packet shorter than its announced addresses"),
    /** ARP other than Ethernet (htype 1, hlen 6) over IPv4 (ptype 0x0800, plen 4). */
    ARP_UNSUPPORTED_FORMAT("ARP hardware/protocol type or address length other than Ethernet/IPv4"),
    /** Fewer than 20 bytes, or fewer bytes than the header length (IHL) announces. */
    IPV4_TRUNCATED("IPv4 header cut short by the end of the frame"),
    /** The version nibble is not 4. */
    IPV4_BAD_VERSION("IP version is not 4"),
    /** IHL below 5 (a header shorter than 20 bytes). */
    IPV4_BAD_IHL("IPv4 header length (IHL) below 5 words"),
    /** Total length smaller than the header length. */
    IPV4_BAD_TOTAL_LENGTH("IPv4 total length smaller than the header"),
    /** Total length larger than the bytes captured: the header is intact, the datagram is not all there. */
    IPV4_PAYLOAD_TRUNCATED("IPv4 total length exceeds the captured bytes"),
    /** Fewer than 8 bytes of ICMP header. */
    ICMP_TRUNCATED("ICMP message shorter than its 8-byte header"),
    /** Fewer than 8 bytes of UDP header. */
    UDP_TRUNCATED("UDP datagram shorter than its 8-byte header"),
    /** The UDP length field is below 8. */
    UDP_BAD_LENGTH("UDP length field below 8"),
    /** The UDP length field exceeds the IP payload: a cut-short datagram or a lying length. */
    UDP_LENGTH_EXCEEDS_PAYLOAD("UDP length field exceeds the IP payload"),
    /** Fewer than 20 bytes of TCP header. */
    TCP_TRUNCATED("TCP segment shorter than its 20-byte header"),
    /** Data offset below 5 words, or beyond the end of the segment. */
    TCP_BAD_DATA_OFFSET("TCP data offset below 5 words or beyond the segment"),
    /** An option with a length byte of 0 or 1, or one that runs past the end of the options area. */
    TCP_BAD_OPTION("TCP option with an impossible length or running past the header"),
    /** A known option kind with a length that kind never has (e.g. MSS not 4, timestamps not 10). */
    TCP_BAD_OPTION_LENGTH("TCP option of a known kind with the wrong length"),
    /** Fewer than 8 bytes of IGMP, or fewer than the sources or group records an IGMPv3 message announces. */
    IGMP_TRUNCATED("IGMP message shorter than 8 bytes or than its announced sources or group records");

    private final String description;

    Malformed(final String description)
    {
        this.description = description;
    }

    /**
     * A one-line human description of the reason.
     *
     * @return the description, never {@code null}.
     */
    public String description()
    {
        return description;
    }

    /**
     * Whether this is {@link #OK}.
     *
     * @return {@code this == OK}.
     */
    public boolean isOk()
    {
        return this == OK;
    }
}
