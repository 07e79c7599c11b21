package io.tachyon.ipv4;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import io.tachyon.arp.Arp;
import io.tachyon.counters.CounterFamily;
import io.tachyon.driver.FrameBatch;
import io.tachyon.link.Link;
import io.tachyon.link.NetworkInput;
import io.tachyon.link.UnresolvedListener;
import io.tachyon.wire.EthernetFlyweight;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

/**
 * IPv4 for a host with one interface and one address (RFC 791, RFC 1122 §3): input validation, acceptance,
 * reassembly, protocol dispatch, routing, and output with identification and fragmentation.
 *
 * <h2>Input: {@link #onIpv4}</h2>
 * Every datagram is counted ({@link Ipv4Counter#IN_RECEIVES}), then:
 * <ol>
 *   <li><b>Validation.</b> A malformed header is dropped and counted by {@link Malformed} reason and as
 *       InHdrErrors (InTruncatedPkts when the total length exceeds the bytes received). The header checksum is
 *       verified unless the driver says it did ({@link FrameBatch#RX_IP_CHECKSUM_GOOD}); RFC 1122 §3.2.1.2: "A host
 *       MUST verify the IP header checksum on every received datagram and silently discard every datagram that has
 *       a bad checksum." The TTL is not checked: RFC 1122 §3.2.1.7 "A host MUST NOT discard a datagram just because
 *       it was received with TTL less than 2". Options are accepted and ignored (RFC 1122 §3.2.1.8 lets a host
 *       ignore options it does not implement; none is acted on).</li>
 *   <li><b>Source.</b> RFC 1122 §3.2.1.3: a host "MUST silently discard an incoming datagram containing an IP
 *       source address that is invalid by the rules of this section": sources in 127/8, 224/4 or 240/4 (which
 *       holds 255.255.255.255), our subnet's broadcast address, and our own address (our own datagram looped
 *       back) are dropped as InMartians. 0.0.0.0 ("this host", used while a host learns its address) is
 *       accepted.</li>
 *   <li><b>Destination.</b> Accepted: our address; 255.255.255.255; the subnet-directed broadcast (not for /31 and
 *       /32, RFC 3021); multicast groups the {@link MulticastMembership} says are joined (by default none).
 *       Anything else is InAddrErrors (InMcastNotJoined for groups). The obsolete all-zeros broadcast forms that
 *       RFC 1122 §3.3.6 asks hosts to accept are not, as in Linux. RFC 1122 §3.3.6: "A host SHOULD silently discard
 *       a datagram that is received via a link-layer broadcast [...] but does not specify an IP multicast or
 *       broadcast destination address" (InBcastMismatch).</li>
 *   <li><b>Fragments</b> go to {@link Ipv4Reassembly}; a completed datagram continues from its reassembled copy.
 *       </li>
 *   <li><b>Dispatch</b> by protocol: ICMP, UDP, IGMP (to the multicast seam, when one is attached). TCP is counted
 *       as an unknown protocol and dropped silently: a later issue adds TCP, and until then a peer's SYN should
 *       time out rather than be refused with a protocol unreachable error that a later TCP would never send (it
 *       will answer closed ports with RST, RFC 793). Any other protocol is InUnknownProtos and answered with ICMP
 *       protocol unreachable (RFC 1122 §3.2.2.1 "A host SHOULD generate Destination Unreachable messages with
 *       code: 2 (Protocol Unreachable), when the designated transport protocol is not supported"), subject to
 *       the ICMP rules on when errors may be sent.</li>
 * </ol>
 *
 * <h2>Output: {@link #prepare} then {@link #commit}</h2>
 * A protocol asks for room for its message with {@link #prepare}, writes it at {@link #segment()} /
 * {@link #l4Offset()}, and calls {@link #commit}. Routing: 255.255.255.255 and the subnet broadcast go to
 * ff:ff:ff:ff:ff:ff; multicast groups to 01:00:5e plus the group's low 23 bits (RFC 1112 §6.4); destinations on the
 * connected subnet are their own next hop; others go to the default gateway, and without one the send fails with
 * {@link #NO_ROUTE} (counted OutNoRoutes). Sending to our own address is not supported (there is no loopback
 * interface) and also fails with {@code NO_ROUTE}. The next hop's MAC comes from {@link Arp#resolve}; while it is
 * unresolved the frame is built in a scratch buffer and queued by ARP.
 * <p>
 * A datagram that fits the path MTU ({@link PathMtuCache}; the link MTU for broadcast and multicast) is written
 * straight into a driver TX buffer. A larger one is written into a staging buffer and split by
 * {@link Ipv4Fragmenter} into TX buffers, unless Don't Fragment is requested, when {@code prepare} fails with
 * {@link #MESSAGE_TOO_BIG} (FragFails). With {@link #PATH_MTU_DISCOVERY} the DF bit is set on datagrams that fit
 * and fragmentation is allowed on those that do not (Linux's {@code IP_PMTUDISC_WANT}).
 * <p>
 * <b>Identification.</b> One counter per stack, incremented per datagram. RFC 6864 §4.1: "The IPv4 ID field MUST
 * NOT be used for purposes other than fragmentation and reassembly"; §4.2: sources of atomic datagrams (DF set,
 * unfragmented) may use any value; for the others the ID must be unique per (source, destination, protocol) for the
 * maximum datagram lifetime. A per-stack counter satisfies that up to 65,536 fragmented datagrams per lifetime to
 * one destination; beyond that rate IDs wrap and reassembly can mix datagrams (RFC 4963), which is why large
 * datagrams should not be sent at gigabit rates.
 * <p>
 * Threading: the stack thread only. Nothing allocates after construction.
 */
public final class Ipv4 implements NetworkInput, UnresolvedListener
{
    /** Destination class: our unicast address. */
    public static final int UNICAST = 0;
    /** Destination class: 255.255.255.255 or the subnet broadcast. */
    public static final int BROADCAST = 1;
    /** Destination class: a multicast group. */
    public static final int MULTICAST = 2;
    /** Destination class: not for this host. */
    public static final int NOT_OURS = -1;

    /** {@link #prepare} result: room is ready. */
    public static final int OK = 0;
    /** {@link #prepare} result: no route to the destination (off-link without a gateway, or an invalid one). */
    public static final int NO_ROUTE = -1;
    /** {@link #prepare}/{@link #commit} result: no TX buffer, or ARP could not queue the datagram. */
    public static final int NO_BUFFER = -2;
    /** {@link #prepare} result: Don't Fragment requested and the datagram exceeds the path MTU. */
    public static final int MESSAGE_TOO_BIG = -3;

    /** {@link #prepare} flag: set DF and refuse datagrams larger than the path MTU. */
    public static final int DONT_FRAGMENT = 1;
    /** {@link #prepare} flag: set DF on datagrams that fit the path MTU, fragment the others. */
    public static final int PATH_MTU_DISCOVERY = 2;
    /** {@link #prepare} flag: add the Router Alert option (RFC 2113), as IGMP requires. */
    public static final int ROUTER_ALERT = 4;

    /** IP protocol number of IGMP. */
    public static final int PROTOCOL_IGMP = 2;
    /** The largest IPv4 datagram. */
    public static final int MAX_DATAGRAM = 65_535;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ROUTER_ALERT_OPTION = 0x9404_0000;
    private static final int ETHERNET = Link.HEADER_LENGTH;

    private final int address;
    private final int netmask;
    private final int network;
    private final int subnetBroadcast;
    private final int gateway;
    private final int linkMtu;
    private final Link link;
    private final Arp arp;
    private final PathMtuCache pathMtu;
    private final CounterFamily<Ipv4Counter> counters;
    private final CounterFamily<Malformed> malformed;
    private final boolean txChecksumOffload;
    private final Ipv4Flyweight rxIp = new Ipv4Flyweight();
    private final Ipv4Flyweight reassembledIp = new Ipv4Flyweight();
    private final Ipv4Flyweight outIp = new Ipv4Flyweight();
    private final Ipv4Flyweight unresolvedIp = new Ipv4Flyweight();
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();
    private final MemorySegment staging = MemorySegment.ofArray(new byte[MAX_DATAGRAM + 1]);

    private Ipv4Reassembly reassembly;
    private TransportInput icmp;
    private TransportInput udp;
    private TransportInput tcp;
    private TransportInput igmp;
    private MulticastMembership membership = MulticastMembership.NONE;
    private IcmpErrorSender errorSender;
    private TransportErrorListener errorListener;

    private int identification;
    private boolean preparing;
    private boolean staged;
    private boolean outDontFragment;
    private boolean outOffload;
    private int outDestination;
    private int outProtocol;
    private int outTtl;
    private int outTos;
    private int outHeaderLength;
    private int outTotalLength;
    private int outMtu;
    private int outNextHop;
    private long outMac;
    private MemorySegment outSegment;
    private long outIpOffset;

    /**
     * The IPv4 layer of one interface.
     *
     * @param address           our address.
     * @param prefixLength      our subnet's prefix length.
     * @param gateway           the default gateway, or 0.
     * @param linkMtu           the link MTU.
     * @param link              the link layer.
     * @param arp               ARP, for next-hop resolution.
     * @param pathMtu           the path MTU estimates.
     * @param counters          the IPv4 counters.
     * @param malformed         the per-reason malformed counters.
     * @param txChecksumOffload whether to let the device fill checksums of unfragmented datagrams.
     * @param firstIdentification the first identification value.
     */
    public Ipv4(final int address, final int prefixLength, final int gateway, final int linkMtu, final Link link,
        final Arp arp, final PathMtuCache pathMtu, final CounterFamily<Ipv4Counter> counters,
        final CounterFamily<Malformed> malformed, final boolean txChecksumOffload, final int firstIdentification)
    {
        this.address = address;
        this.netmask = Ipv4Address.mask(prefixLength);
        this.network = address & netmask;
        this.subnetBroadcast = prefixLength >= 31 ? 0 : address | ~netmask;
        this.gateway = gateway;
        this.linkMtu = linkMtu;
        this.link = Objects.requireNonNull(link, "link");
        this.arp = Objects.requireNonNull(arp, "arp");
        this.pathMtu = Objects.requireNonNull(pathMtu, "pathMtu");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.malformed = Objects.requireNonNull(malformed, "malformed");
        this.txChecksumOffload = txChecksumOffload && link.capabilities().txChecksumOffload();
        this.identification = firstIdentification & 0xFFFF;
    }

    /**
     * Connects the reassembler (set once, before traffic).
     *
     * @param value the reassembler.
     */
    public void reassembly(final Ipv4Reassembly value)
    {
        reassembly = Objects.requireNonNull(value, "reassembly");
    }

    /**
     * Connects the ICMP input.
     *
     * @param value where ICMP datagrams go.
     */
    public void icmp(final TransportInput value)
    {
        icmp = value;
    }

    /**
     * Connects the UDP input.
     *
     * @param value where UDP datagrams go.
     */
    public void udp(final TransportInput value)
    {
        udp = value;
    }

    /**
     * Sets the TCP input (protocol 6); without one, TCP segments are counted as unknown protocols.
     *
     * @param value the TCP layer.
     */
    public void tcp(final TransportInput value)
    {
        tcp = value;
    }

    /**
     * Connects the IGMP input (the multicast seam); without one IGMP is an unknown protocol.
     *
     * @param value where IGMP datagrams go, or null.
     */
    public void igmp(final TransportInput value)
    {
        igmp = value;
    }

    /**
     * Sets which multicast groups are accepted.
     *
     * @param value the membership; {@link MulticastMembership#NONE} by default.
     */
    public void membership(final MulticastMembership value)
    {
        membership = Objects.requireNonNull(value, "membership");
    }

    /**
     * Connects the ICMP error sender (protocol unreachable).
     *
     * @param value the sender.
     */
    public void errorSender(final IcmpErrorSender value)
    {
        errorSender = value;
    }

    /**
     * Connects the listener told about our datagrams whose next hop did not resolve.
     *
     * @param value the listener.
     */
    public void errorListener(final TransportErrorListener value)
    {
        errorListener = value;
    }

    /**
     * Our address.
     *
     * @return the address.
     */
    public int address()
    {
        return address;
    }

    /**
     * The subnet-directed broadcast address.
     *
     * @return the address, or 0 for /31 and /32.
     */
    public int subnetBroadcast()
    {
        return subnetBroadcast;
    }

    /**
     * The link MTU.
     *
     * @return bytes.
     */
    public int linkMtu()
    {
        return linkMtu;
    }

    /**
     * The path MTU estimates.
     *
     * @return the cache.
     */
    public PathMtuCache pathMtuCache()
    {
        return pathMtu;
    }

    /**
     * The link layer.
     *
     * @return the link.
     */
    public Link link()
    {
        return link;
    }

    /**
     * Whether an address is a broadcast address for us: 255.255.255.255 or the subnet broadcast.
     *
     * @param destination an address.
     * @return true for a broadcast address.
     */
    public boolean isBroadcast(final int destination)
    {
        return destination == Ipv4Address.LIMITED_BROADCAST || (subnetBroadcast != 0 && destination == subnetBroadcast);
    }

    /**
     * How a destination address is classified on receive.
     *
     * @param destination an address.
     * @return {@link #UNICAST}, {@link #BROADCAST}, {@link #MULTICAST} (joined or not) or {@link #NOT_OURS}.
     */
    public int destinationClass(final int destination)
    {
        if (destination == address)
        {
            return UNICAST;
        }
        if (isBroadcast(destination))
        {
            return BROADCAST;
        }
        if (Ipv4Address.isMulticast(destination))
        {
            return MULTICAST;
        }
        return NOT_OURS;
    }

    /**
     * Whether a source address can be one host's, from our point of view (not 0/8, 127/8, 224/4, 240/4, a
     * broadcast address, or ours).
     *
     * @param source an address.
     * @return true for a unicast host other than us.
     */
    public boolean isUnicastPeer(final int source)
    {
        return Ipv4Address.isUnicastHost(source) && source != address && !isBroadcast(source);
    }

    /**
     * The next hop toward a destination.
     *
     * @param destination the destination.
     * @return the next hop's address (the destination itself on the connected subnet, for broadcast and multicast),
     *     or 0 when there is no route.
     */
    public int nextHop(final int destination)
    {
        if (isBroadcast(destination) || Ipv4Address.isMulticast(destination))
        {
            return destination;
        }
        if (!Ipv4Address.isUnicastHost(destination) || destination == address)
        {
            return 0;
        }
        if ((destination & netmask) == network)
        {
            return destination;
        }
        return gateway;
    }

    /**
     * The next identification value (also used by ICMP for echo replies sent in place).
     *
     * @return a 16-bit value.
     */
    public int nextIdentification()
    {
        final int id = identification;
        identification = (id + 1) & 0xFFFF;
        return id;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Input
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public boolean onIpv4(final MemorySegment segment, final long offset, final int length, final int rxFlags,
        final int rxIndex, final boolean linkBroadcast, final long nowNs)
    {
        counters.increment(Ipv4Counter.IN_RECEIVES);
        final Ipv4Flyweight ip = rxIp;
        final Malformed result = ip.wrap(segment, offset, length);
        if (result != Malformed.OK)
        {
            malformed.increment(result);
            counters.increment(result == Malformed.IPV4_PAYLOAD_TRUNCATED ? Ipv4Counter.IN_TRUNCATED
                : Ipv4Counter.IN_HDR_ERRORS);
            return false;
        }
        if ((rxFlags & FrameBatch.RX_IP_CHECKSUM_GOOD) == 0
            && ((rxFlags & FrameBatch.RX_IP_CHECKSUM_BAD) != 0 || !ip.verifyHeaderChecksum()))
        {
            counters.increment(Ipv4Counter.IN_HDR_ERRORS);
            counters.increment(Ipv4Counter.IN_CSUM_ERRORS);
            return false;
        }
        final int source = ip.source();
        if (source != 0 && !isUnicastPeer(source))
        {
            counters.increment(Ipv4Counter.IN_MARTIANS);
            return false;
        }
        final int destination = ip.destination();
        final int destinationClass = destinationClass(destination);
        if (destinationClass == NOT_OURS)
        {
            counters.increment(Ipv4Counter.IN_ADDR_ERRORS);
            return false;
        }
        if (destinationClass == UNICAST)
        {
            if (linkBroadcast)
            {
                counters.increment(Ipv4Counter.IN_BCAST_MISMATCH);
                return false;
            }
        }
        else if (destinationClass == BROADCAST)
        {
            counters.increment(Ipv4Counter.IN_BCAST_PKTS);
        }
        else
        {
            if (!membership.isMember(destination))
            {
                counters.increment(Ipv4Counter.IN_MCAST_NOT_JOINED);
                return false;
            }
            counters.increment(Ipv4Counter.IN_MCAST_PKTS);
        }
        if (ip.isFragment())
        {
            counters.increment(Ipv4Counter.REASM_REQDS);
            final Ipv4Reassembly.Outcome outcome = reassembly.accept(segment, offset, length, nowNs);
            switch (outcome)
            {
                case COMPLETE:
                    counters.increment(Ipv4Counter.REASM_OKS);
                    reassembledIp.wrap(reassembly.datagramSegment(), reassembly.datagramOffset(),
                        reassembly.datagramLength());
                    return dispatch(reassembledIp, 0, -1, destinationClass, nowNs);
                case HELD:
                case DUPLICATE:
                    return true;
                default:
                    counters.increment(Ipv4Counter.REASM_FAILS);
                    return false;
            }
        }
        return dispatch(ip, rxFlags, rxIndex, destinationClass, nowNs);
    }

    private boolean dispatch(final Ipv4Flyweight ip, final int rxFlags, final int rxIndex,
        final int destinationClass, final long nowNs)
    {
        final int protocol = ip.protocol();
        final TransportInput input;
        if (protocol == Ipv4Flyweight.PROTOCOL_UDP)
        {
            input = udp;
        }
        else if (protocol == Ipv4Flyweight.PROTOCOL_ICMP)
        {
            input = icmp;
        }
        else if (protocol == PROTOCOL_IGMP)
        {
            input = igmp;
        }
        else if (protocol == Ipv4Flyweight.PROTOCOL_TCP)
        {
            input = tcp;
        }
        else
        {
            input = null;
        }
        if (input == null)
        {
            counters.increment(Ipv4Counter.IN_UNKNOWN_PROTOS);
            if (protocol != Ipv4Flyweight.PROTOCOL_TCP && errorSender != null)
            {
                errorSender.sendError(3, 2, 0, ip.segment(), ip.offset(), ip.length(), destinationClass, nowNs);
            }
            return false;
        }
        counters.increment(Ipv4Counter.IN_DELIVERS);
        return input.onDatagram(ip, rxFlags, rxIndex, destinationClass, nowNs);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Output
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Prepares room for one datagram to {@code destination}: routes it, resolves the next hop (starting ARP if
     * needed) and takes a TX buffer, or the staging buffer when it must be fragmented. On {@link #OK} write the
     * protocol's message of exactly {@code l4Length} bytes at {@link #segment()}/{@link #l4Offset()}, then call
     * {@link #commit(long)} (or {@link #abort()}).
     *
     * @param destination the destination address.
     * @param protocol    the IP protocol number.
     * @param l4Length    the message length after the IPv4 header.
     * @param ttl         the TTL, {@code [0, 255]} (0 only for multicast, which then stays on this host's link).
     * @param tos         the TOS byte.
     * @param flags       {@link #DONT_FRAGMENT}, {@link #PATH_MTU_DISCOVERY}, {@link #ROUTER_ALERT}, or 0.
     * @param nowNs       the current time.
     * @return {@link #OK}, {@link #NO_ROUTE}, {@link #NO_BUFFER} or {@link #MESSAGE_TOO_BIG}.
     * @throws IllegalStateException if a datagram is already being prepared.
     * @throws IllegalArgumentException if {@code l4Length} cannot fit one IPv4 datagram.
     */
    public int prepare(final int destination, final int protocol, final int l4Length, final int ttl, final int tos,
        final int flags, final long nowNs)
    {
        if (preparing)
        {
            throw new IllegalStateException("an IPv4 datagram is already being prepared");
        }
        final int headerLength = (flags & ROUTER_ALERT) != 0 ? 24 : 20;
        if (l4Length < 0 || l4Length > MAX_DATAGRAM - headerLength)
        {
            throw new IllegalArgumentException("an IPv4 payload of " + l4Length + " bytes does not fit a datagram"
                + " (at most " + (MAX_DATAGRAM - headerLength) + ")");
        }
        final int nextHop = nextHop(destination);
        if (nextHop == 0)
        {
            counters.increment(Ipv4Counter.OUT_NO_ROUTES);
            return NO_ROUTE;
        }
        final long mac;
        final int mtu;
        if (Ipv4Address.isMulticast(destination))
        {
            mac = Ipv4Address.multicastMac(destination);
            mtu = linkMtu;
        }
        else if (isBroadcast(destination))
        {
            mac = EthernetFlyweight.BROADCAST;
            mtu = linkMtu;
        }
        else
        {
            mac = arp.resolve(nextHop, nowNs);
            mtu = pathMtu.mtu(destination, linkMtu, nowNs);
        }
        final int totalLength = headerLength + l4Length;
        final boolean fits = totalLength <= mtu;
        if (!fits && (flags & DONT_FRAGMENT) != 0)
        {
            counters.increment(Ipv4Counter.FRAG_FAILS);
            return MESSAGE_TOO_BIG;
        }
        if (fits)
        {
            if (!link.begin(mac, nextHop))
            {
                counters.increment(Ipv4Counter.OUT_DISCARDS);
                return NO_BUFFER;
            }
            if (link.frameCapacity() < ETHERNET + totalLength)
            {
                link.cancel();
                counters.increment(Ipv4Counter.OUT_DISCARDS);
                return NO_BUFFER;
            }
            staged = false;
            outSegment = link.frameSegment();
            outIpOffset = link.frameOffset() + ETHERNET;
            outDontFragment = (flags & (DONT_FRAGMENT | PATH_MTU_DISCOVERY)) != 0;
            outOffload = txChecksumOffload;
        }
        else
        {
            staged = true;
            outSegment = staging;
            outIpOffset = 0;
            outDontFragment = false;
            outOffload = false;
        }
        preparing = true;
        outDestination = destination;
        outProtocol = protocol;
        outTtl = ttl;
        outTos = tos;
        outHeaderLength = headerLength;
        outTotalLength = totalLength;
        outMtu = mtu;
        outNextHop = nextHop;
        outMac = mac;
        return OK;
    }

    /**
     * Where the prepared datagram's message goes.
     *
     * @return the memory.
     */
    public MemorySegment segment()
    {
        return outSegment;
    }

    /**
     * Where the prepared datagram's message starts in {@link #segment()}.
     *
     * @return the offset just after the IPv4 header.
     */
    public long l4Offset()
    {
        return outIpOffset + outHeaderLength;
    }

    /**
     * Whether the device will fill the prepared datagram's checksums: the transport then stores only the
     * pseudo-header sum in its checksum field (the DPDK and Linux convention) and the IPv4 header checksum is left
     * to the device too.
     *
     * @return true when TX checksum offload applies to the prepared datagram.
     */
    public boolean checksumOffload()
    {
        return outOffload;
    }

    /**
     * Whether the prepared datagram will be fragmented.
     *
     * @return true when it exceeds the path MTU.
     */
    public boolean fragmenting()
    {
        return staged;
    }

    /**
     * Writes the IPv4 header of the prepared datagram and sends it: into the TX batch (or ARP's queue), fragmented
     * when it exceeds the path MTU.
     *
     * @param nowNs the current time.
     * @return {@link #OK}, or {@link #NO_BUFFER} when the link or ARP could not take it (or some fragment).
     * @throws IllegalStateException if nothing is prepared.
     */
    public int commit(final long nowNs)
    {
        if (!preparing)
        {
            throw new IllegalStateException("no IPv4 datagram is prepared");
        }
        preparing = false;
        writeHeader(outSegment, outIpOffset);
        counters.increment(Ipv4Counter.OUT_REQUESTS);
        if (!staged)
        {
            final int txFlags = outOffload ? FrameBatch.TX_IP_CHECKSUM | FrameBatch.TX_L4_CHECKSUM : 0;
            return link.end(ETHERNET + outTotalLength, txFlags, nowNs) ? OK : NO_BUFFER;
        }
        final int pieces = fragmenter.start(staging, 0, outTotalLength, outMtu);
        if (pieces < 1)
        {
            counters.increment(Ipv4Counter.FRAG_FAILS);
            return MESSAGE_TOO_BIG;
        }
        counters.increment(Ipv4Counter.FRAG_OKS);
        int status = OK;
        while (fragmenter.hasNext())
        {
            if (!link.begin(outMac, outNextHop))
            {
                counters.increment(Ipv4Counter.OUT_DISCARDS);
                return NO_BUFFER;
            }
            final int written = fragmenter.next(link.frameSegment(), link.frameOffset() + ETHERNET,
                link.frameCapacity() - ETHERNET);
            counters.increment(Ipv4Counter.FRAG_CREATES);
            if (!link.end(ETHERNET + written, 0, nowNs))
            {
                status = NO_BUFFER;
            }
        }
        return status;
    }

    /**
     * Counts a datagram a protocol sent by rewriting a received frame in place (an echo reply), which does not go
     * through {@link #prepare}: OutRequests covers every datagram we originate.
     */
    public void sentInPlace()
    {
        counters.increment(Ipv4Counter.OUT_REQUESTS);
    }

    /**
     * Abandons the prepared datagram. Does nothing if none is prepared.
     */
    public void abort()
    {
        if (preparing)
        {
            preparing = false;
            if (!staged)
            {
                link.cancel();
            }
        }
    }

    private void writeHeader(final MemorySegment segment, final long offset)
    {
        final Ipv4Flyweight ip = outIp.wrapForWrite(segment, offset, outHeaderLength);
        ip.versionIhl(0x40 | outHeaderLength >>> 2)
            .tos(outTos)
            .totalLength(outTotalLength)
            .identification(nextIdentification())
            .flagsAndFragmentOffset(outDontFragment ? Ipv4Flyweight.FLAG_DF : 0)
            .ttl(outTtl)
            .protocol(outProtocol)
            .headerChecksum(0)
            .source(address)
            .destination(outDestination);
        if (outHeaderLength == 24)
        {
            segment.set(U32, offset + 20, ROUTER_ALERT_OPTION);
        }
        if (!outOffload)
        {
            ip.updateHeaderChecksum();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Path MTU and errors
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Applies an ICMP fragmentation needed message about one of our datagrams (RFC 1191): lowers the destination's
     * path MTU estimate. A next-hop MTU below 68 (routers before RFC 1191 send 0) or not below the quoted datagram's
     * length is replaced by the RFC 1191 §5 plateau below the quoted length.
     *
     * @param destination       the quoted datagram's destination.
     * @param nextHopMtu        the MTU the message reports.
     * @param quotedTotalLength the quoted datagram's total length.
     * @param nowNs             the current time.
     * @return true if the estimate went down.
     */
    public boolean fragmentationNeeded(final int destination, final int nextHopMtu, final int quotedTotalLength,
        final long nowNs)
    {
        int mtu = nextHopMtu;
        if (mtu < PathMtuCache.MIN_MTU || mtu >= quotedTotalLength)
        {
            mtu = PathMtuCache.plateau(quotedTotalLength);
        }
        if (!Ipv4Address.isUnicastHost(destination) || !pathMtu.lower(destination, mtu, linkMtu, nowNs))
        {
            counters.increment(Ipv4Counter.PMTU_IGNORED);
            return false;
        }
        counters.increment(Ipv4Counter.PMTU_UPDATES);
        return true;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Counts the datagram (OutUnresolved) and, for the first fragment of one of our datagrams, tells the transport
     * (host unreachable, origin local).
     */
    @Override
    public void unresolved(final int nextHop, final MemorySegment frame, final long offset, final int length)
    {
        counters.increment(Ipv4Counter.OUT_UNRESOLVED);
        final TransportErrorListener listener = errorListener;
        if (listener == null || length < ETHERNET)
        {
            return;
        }
        final Malformed result = unresolvedIp.wrap(frame, offset + ETHERNET, length - ETHERNET);
        if (result == Malformed.OK && unresolvedIp.fragmentOffset() == 0 && unresolvedIp.source() == address
            && unresolvedIp.totalLength() >= unresolvedIp.headerLength() + 8)
        {
            listener.onError(TransportErrorListener.ORIGIN_LOCAL, 3, 1, 0, unresolvedIp);
        }
    }
}
