package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * A reusable, allocation-free whole-frame parser: link layer (Ethernet with VLAN tags, Linux cooked capture, or
 * none for raw IPv4), then ARP or IPv4, then ICMP, UDP or TCP.
 * <p>
 * One dissector holds one instance of each flyweight; after a {@code dissect*} call, the flyweights of every layer
 * reached ({@link #has(Layer)}) are wrapped on the frame and may be read. The dissector records:
 * <ul>
 *   <li>the deepest layer reached ({@link #layer()});</li>
 *   <li>the first {@link Malformed} reason met (also the return value), where dissection stops — except that an
 *       IPv4 datagram cut short by the capture ({@link Malformed#IPV4_PAYLOAD_TRUNCATED}) still has its transport
 *       header parsed from the bytes present, and a bad TCP option is recorded after the TCP header is parsed;</li>
 *   <li>whether dissection stopped at a protocol this package does not parse ({@link #unsupported()}): an unknown
 *       EtherType or SLL protocol, IPv6, or an IP protocol other than ICMP, UDP and TCP;</li>
 *   <li>checksum verdicts: the IPv4 header whenever IPv4 is reached; ICMP, UDP and TCP only when the whole
 *       datagram is present and is not a fragment ({@link ChecksumVerdict#NOT_CHECKED} otherwise).</li>
 * </ul>
 * Fragments: the first fragment (offset 0, MF set) has its transport header parsed but no transport checksum
 * verified; later fragments stop at IPv4. Nothing is reassembled. A dissector is used by one thread.
 */
public final class FrameDissector
{
    /** pcap link type of Ethernet. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** pcap link type of raw IP (IPv4 or IPv6, by version nibble). */
    public static final int LINKTYPE_RAW = 101;
    /** pcap link type of Linux cooked capture v1. */
    public static final int LINKTYPE_LINUX_SLL = 113;
    /** pcap link type of raw IPv4. */
    public static final int LINKTYPE_IPV4 = 228;

    /** The layers a dissection can reach. */
    public enum Layer
    {
        /** Nothing parsed. */
        NONE,
        /** An Ethernet header (with any VLAN tags). */
        ETHERNET,
        /** A Linux cooked-capture header. */
        LINUX_SLL,
        /** An Ethernet/IPv4 ARP packet. */
        ARP,
        /** An IPv4 header. */
        IPV4,
        /** An ICMP header. */
        ICMP,
        /** A UDP header. */
        UDP,
        /** A TCP header. */
        TCP
    }

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final LinuxSllFlyweight linuxSll = new LinuxSllFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    private final TcpOptions tcpOptions = new TcpOptions();

    private Layer layer = Layer.NONE;
    private int reached;
    private Malformed malformed = Malformed.OK;
    private boolean unsupported;
    private ChecksumVerdict ipv4Checksum = ChecksumVerdict.NOT_CHECKED;
    private ChecksumVerdict transportChecksum = ChecksumVerdict.NOT_CHECKED;

    /** A dissector with its own flyweights. */
    public FrameDissector()
    {
    }

    /**
     * Dissects a frame of the given pcap link type.
     *
     * @param linkType {@link #LINKTYPE_ETHERNET}, {@link #LINKTYPE_RAW}, {@link #LINKTYPE_LINUX_SLL} or
     *     {@link #LINKTYPE_IPV4}.
     * @param segment the memory holding the frame.
     * @param offset the frame's first byte.
     * @param length the captured length.
     * @return {@link Malformed#OK} or the first reason met; for any other link type (which comes from a file, so it
     *     is input, not a programming error) nothing is parsed, {@link #layer()} is {@code NONE} and
     *     {@link #unsupported()} is true.
     */
    public Malformed dissect(final int linkType, final MemorySegment segment, final long offset, final int length)
    {
        return switch (linkType)
        {
            case LINKTYPE_ETHERNET -> dissectEthernet(segment, offset, length);
            case LINKTYPE_LINUX_SLL -> dissectLinuxSll(segment, offset, length);
            case LINKTYPE_IPV4 -> dissectIpv4(segment, offset, length);
            case LINKTYPE_RAW -> dissectRawIp(segment, offset, length);
            default ->
            {
                reset();
                unsupported = true;
                yield Malformed.OK;
            }
        };
    }

    /**
     * Dissects an Ethernet frame.
     *
     * @param segment the memory holding the frame.
     * @param offset the frame's first byte (destination MAC).
     * @param length the frame length as received or captured.
     * @return {@link Malformed#OK} or the first reason met.
     */
    public Malformed dissectEthernet(final MemorySegment segment, final long offset, final int length)
    {
        reset();
        final Malformed result = ethernet.wrap(segment, offset, length);
        if (result != Malformed.OK)
        {
            return record(result);
        }
        reach(Layer.ETHERNET);
        return network(ethernet.etherType(), segment, ethernet.payloadOffset(), ethernet.payloadLength());
    }

    /**
     * Dissects a Linux cooked capture (v1) frame.
     *
     * @param segment the memory holding the frame.
     * @param offset the SLL header's first byte.
     * @param length the captured length.
     * @return {@link Malformed#OK} or the first reason met.
     */
    public Malformed dissectLinuxSll(final MemorySegment segment, final long offset, final int length)
    {
        reset();
        final Malformed result = linuxSll.wrap(segment, offset, length);
        if (result != Malformed.OK)
        {
            return record(result);
        }
        reach(Layer.LINUX_SLL);
        return network(linuxSll.protocol(), segment, linuxSll.payloadOffset(), linuxSll.payloadLength());
    }

    /**
     * Dissects a raw IPv4 datagram (no link header), as a TUN device delivers it.
     *
     * @param segment the memory holding the datagram.
     * @param offset the IPv4 header's first byte.
     * @param length the captured length.
     * @return {@link Malformed#OK} or the first reason met.
     */
    public Malformed dissectIpv4(final MemorySegment segment, final long offset, final int length)
    {
        reset();
        return ipv4(segment, offset, length);
    }

    /**
     * Dissects raw IP: IPv6 (version nibble 6) is {@link #unsupported()}, anything else is dissected as IPv4.
     *
     * @param segment the memory holding the datagram.
     * @param offset the IP header's first byte.
     * @param length the captured length.
     * @return {@link Malformed#OK} or the first reason met.
     */
    public Malformed dissectRawIp(final MemorySegment segment, final long offset, final int length)
    {
        reset();
        if (length >= 1 && offset >= 0 && offset < segment.byteSize() && Bytes.u8(segment, offset) >>> 4 == 6)
        {
            unsupported = true;
            return Malformed.OK;
        }
        return ipv4(segment, offset, length);
    }

    private Malformed network(final int etherType, final MemorySegment segment, final long offset, final int length)
    {
        if (etherType == EthernetFlyweight.ETHER_TYPE_IPV4)
        {
            return ipv4(segment, offset, length);
        }
        if (etherType == EthernetFlyweight.ETHER_TYPE_ARP)
        {
            final Malformed result = arp.wrap(segment, offset, length);
            if (result != Malformed.OK)
            {
                return record(result);
            }
            reach(Layer.ARP);
            return malformed;
        }
        unsupported = true;
        return malformed;
    }

    private Malformed ipv4(final MemorySegment segment, final long offset, final int length)
    {
        final Malformed result = ipv4.wrap(segment, offset, length);
        if (result != Malformed.OK && result != Malformed.IPV4_PAYLOAD_TRUNCATED)
        {
            return record(result);
        }
        reach(Layer.IPV4);
        record(result);
        ipv4Checksum = ipv4.verifyHeaderChecksum() ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD;
        if (ipv4.fragmentOffset() != 0)
        {
            return malformed;
        }
        final boolean complete = result == Malformed.OK && !ipv4.moreFragments();
        final long l4Offset = ipv4.payloadOffset();
        final int l4Length = ipv4.availablePayloadLength();
        final Malformed transport = switch (ipv4.protocol())
        {
            case Ipv4Flyweight.PROTOCOL_TCP -> tcp(segment, l4Offset, l4Length, complete);
            case Ipv4Flyweight.PROTOCOL_UDP -> udp(segment, l4Offset, l4Length, complete);
            case Ipv4Flyweight.PROTOCOL_ICMP -> icmp(segment, l4Offset, l4Length, complete);
            default -> unsupportedTransport();
        };
        if (ipv4.moreFragments() && result == Malformed.OK && transport != Malformed.OK)
        {
            // A first fragment may end inside the transport header (RFC 791 only promises 8 bytes of payload):
            // that is legal, so the frame stays OK and parsing simply stops at IPv4; reassembly decides the rest.
            malformed = Malformed.OK;
            layer = Layer.IPV4;
            reached &= ~((1 << Layer.TCP.ordinal()) | (1 << Layer.UDP.ordinal()) | (1 << Layer.ICMP.ordinal()));
        }
        return malformed;
    }

    private Malformed unsupportedTransport()
    {
        unsupported = true;
        return malformed;
    }

    private Malformed tcp(final MemorySegment segment, final long offset, final int length, final boolean complete)
    {
        final Malformed result = tcp.wrap(segment, offset, length);
        if (result != Malformed.OK)
        {
            return record(result);
        }
        reach(Layer.TCP);
        tcpOptions.wrap(tcp);
        record(tcpOptions.validate());
        if (complete)
        {
            transportChecksum = tcp.verifyChecksum(ipv4.source(), ipv4.destination())
                ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD;
        }
        return malformed;
    }

    private Malformed udp(final MemorySegment segment, final long offset, final int length, final boolean complete)
    {
        final Malformed result = udp.wrap(segment, offset, length);
        final boolean partialOk = result == Malformed.UDP_LENGTH_EXCEEDS_PAYLOAD && !complete;
        if (result != Malformed.OK && !partialOk)
        {
            return record(result);
        }
        reach(Layer.UDP);
        if (complete)
        {
            if (!udp.hasChecksum())
            {
                transportChecksum = ChecksumVerdict.ABSENT;
            }
            else
            {
                transportChecksum = udp.verifyChecksum(ipv4.source(), ipv4.destination())
                    ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD;
            }
        }
        return malformed;
    }

    private Malformed icmp(final MemorySegment segment, final long offset, final int length, final boolean complete)
    {
        final Malformed result = icmp.wrap(segment, offset, length);
        if (result != Malformed.OK)
        {
            return record(result);
        }
        reach(Layer.ICMP);
        if (complete)
        {
            transportChecksum = icmp.verifyChecksum() ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD;
        }
        return malformed;
    }

    private void reset()
    {
        layer = Layer.NONE;
        reached = 0;
        malformed = Malformed.OK;
        unsupported = false;
        ipv4Checksum = ChecksumVerdict.NOT_CHECKED;
        transportChecksum = ChecksumVerdict.NOT_CHECKED;
    }

    private void reach(final Layer reachedLayer)
    {
        layer = reachedLayer;
        reached |= 1 << reachedLayer.ordinal();
    }

    private Malformed record(final Malformed reason)
    {
        if (malformed == Malformed.OK)
        {
            malformed = reason;
        }
        return malformed;
    }

    /**
     * The deepest layer reached by the last dissection.
     *
     * @return the layer.
     */
    public Layer layer()
    {
        return layer;
    }

    /**
     * Whether the last dissection parsed a layer (its flyweight is then wrapped and readable).
     *
     * @param query the layer.
     * @return whether it was reached.
     */
    public boolean has(final Layer query)
    {
        return (reached & (1 << query.ordinal())) != 0;
    }

    /**
     * The first malformation met by the last dissection.
     *
     * @return {@link Malformed#OK} or the reason.
     */
    public Malformed malformed()
    {
        return malformed;
    }

    /**
     * Whether the last dissection stopped at a protocol this package does not parse.
     *
     * @return whether the next protocol is unsupported.
     */
    public boolean unsupported()
    {
        return unsupported;
    }

    /**
     * The IPv4 header checksum verdict.
     *
     * @return {@link ChecksumVerdict#GOOD} or {@link ChecksumVerdict#BAD} if IPv4 was reached, else NOT_CHECKED.
     */
    public ChecksumVerdict ipv4Checksum()
    {
        return ipv4Checksum;
    }

    /**
     * The ICMP, UDP or TCP checksum verdict.
     *
     * @return the verdict; NOT_CHECKED for fragments and datagrams not wholly present.
     */
    public ChecksumVerdict transportChecksum()
    {
        return transportChecksum;
    }

    /**
     * The Ethernet flyweight (valid if {@code has(Layer.ETHERNET)}).
     *
     * @return the flyweight.
     */
    public EthernetFlyweight ethernet()
    {
        return ethernet;
    }

    /**
     * The Linux cooked capture flyweight (valid if {@code has(Layer.LINUX_SLL)}).
     *
     * @return the flyweight.
     */
    public LinuxSllFlyweight linuxSll()
    {
        return linuxSll;
    }

    /**
     * The ARP flyweight (valid if {@code has(Layer.ARP)}).
     *
     * @return the flyweight.
     */
    public ArpFlyweight arp()
    {
        return arp;
    }

    /**
     * The IPv4 flyweight (valid if {@code has(Layer.IPV4)}).
     *
     * @return the flyweight.
     */
    public Ipv4Flyweight ipv4()
    {
        return ipv4;
    }

    /**
     * The ICMP flyweight (valid if {@code has(Layer.ICMP)}).
     *
     * @return the flyweight.
     */
    public IcmpFlyweight icmp()
    {
        return icmp;
    }

    /**
     * The UDP flyweight (valid if {@code has(Layer.UDP)}).
     *
     * @return the flyweight.
     */
    public UdpFlyweight udp()
    {
        return udp;
    }

    /**
     * The TCP flyweight (valid if {@code has(Layer.TCP)}).
     *
     * @return the flyweight.
     */
    public TcpFlyweight tcp()
    {
        return tcp;
    }

    /**
     * The TCP options cursor, wrapped on the TCP options and rewound (valid if {@code has(Layer.TCP)}).
     *
     * @return the cursor.
     */
    public TcpOptions tcpOptions()
    {
        return tcpOptions;
    }
}
