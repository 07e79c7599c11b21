package io.tachyon.pcap;

/**
 * LINKTYPE_* values (the link-layer header type of a capture) that Tachyon names. A reader reports any value;
 * these are only the ones the stack understands or that occur in its test corpus.
 */
public final class LinkType
{
    /** LINKTYPE_NULL: BSD loopback, a 4-byte host-order address family before the packet. */
    public static final int NULL = 0;
    /** LINKTYPE_ETHERNET: Ethernet II / 802.3 frames. */
    public static final int ETHERNET = 1;
    /** LINKTYPE_PPP: PPP with HDLC-like framing. */
    public static final int PPP = 9;
    /** LINKTYPE_RAW: raw IP, version 4 or 6 taken from the first nibble. */
    public static final int RAW = 101;
    /** LINKTYPE_LINUX_SLL: Linux "cooked" capture, a 16-byte pseudo-header. */
    public static final int LINUX_SLL = 113;
    /** LINKTYPE_IPV4: raw IPv4 only. */
    public static final int IPV4 = 228;
    /** LINKTYPE_IPV6: raw IPv6 only. */
    public static final int IPV6 = 229;

    private LinkType()
    {
    }
}
