package io.tachyon.udp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import io.tachyon.counters.CounterFamily;
import io.tachyon.driver.FrameBatch;
import io.tachyon.igmp.Igmp;
import io.tachyon.ipv4.IcmpErrorSender;
import io.tachyon.ipv4.Ipv4;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.ipv4.TransportErrorListener;
import io.tachyon.ipv4.TransportInput;
import io.tachyon.time.Clock;
import io.tachyon.wire.InternetChecksum;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;
import io.tachyon.wire.UdpFlyweight;

/**
 * UDP for one IPv4 interface (RFC 768, RFC 1122 §4.1): the socket table, demultiplexing, checksums, ephemeral
 * ports, and the send path behind {@link UdpSocket}.
 *
 * <h2>Receive</h2>
 * A datagram whose UDP length does not fit its IP payload is dropped (by {@link Malformed} reason, InErrors). The
 * checksum is verified unless the driver did ({@link FrameBatch#RX_L4_CHECKSUM_GOOD}); a checksum of zero means the
 * sender computed none, which RFC 768 allows, and is accepted (RFC 1122 §4.1.3.4 lets a host accept them). Bad
 * checksums are InCsumErrors. Demultiplexing by destination port, with these rules for sockets sharing a port
 * ({@link UdpSocket#reuseAddress(boolean)}, Linux's SO_REUSEADDR):
 * <ul>
 *   <li><b>Unicast</b> goes to <em>one</em> socket: a <em>connected</em> socket whose peer is the datagram's source
 *       address and port wins over a socket that is only bound; among bound sockets, the one bound last (Linux's
 *       SO_REUSEADDR behaviour for UDP; SO_REUSEPORT's hash load balancing is not offered). A socket bound to a
 *       specific local address only sees datagrams to that address.</li>
 *   <li><b>Broadcast</b> (255.255.255.255 or the subnet broadcast) goes to <em>every</em> socket bound to the port
 *       on the wildcard address or on that broadcast address (and, if connected, to that peer), as in Linux.</li>
 *   <li><b>Multicast</b> goes to every socket bound to the port on the wildcard address or on the group address
 *       that has <em>joined the group</em> ({@link UdpSocket#joinGroup(int)}); a socket that did not join gets
 *       nothing, even when another socket of the stack joined. This is Linux with {@code IP_MULTICAST_ALL} set to
 *       0 (its default of 1 hands a group's datagrams to every socket bound to the port once any socket of the
 *       host joined the group, which surprises applications).</li>
 * </ul>
 * A unicast datagram no socket wants is NoPorts and answered with ICMP port unreachable (RFC 1122 §4.1.3.1 "If a
 * datagram arrives addressed to a UDP port for which there is no pending LISTEN call, UDP SHOULD send an ICMP Port
 * Unreachable message"); a broadcast or multicast one is IgnoredMulti, silently.
 *
 * <h2>Multicast groups</h2>
 * {@link UdpSocket#joinGroup(int)} adds a reference to the group in {@link Igmp} (the first one joins it and sends
 * the membership report) and to the group's MAC address in the link's receive filter; {@code leaveGroup} and
 * closing the socket drop them (the last one leaves the group and sends the leave report). There is no multicast
 * loopback: a datagram this stack sends to a group is not delivered to this stack's own sockets (Linux's
 * {@code IP_MULTICAST_LOOP} 0; Linux defaults to 1). Sockets on other stacks receive it.
 *
 * <h2>Ports</h2>
 * The table is an array indexed by port, each entry a chain of the sockets bound to it; the number of open sockets
 * is bounded. Binding to port 0 picks a free port from the ephemeral range, searching sequentially from a starting
 * point derived from the clock at construction (RFC 6056 §3.3.1 describes this simple scheme; a randomised one may
 * come later).
 *
 * <h2>Send</h2>
 * The payload is copied once, from the caller's memory straight into a driver TX buffer (or, for datagrams above
 * the path MTU, into the IPv4 staging buffer that the fragmenter cuts up); the checksum is always computed (or left
 * to the device when TX checksum offload is configured and offered).
 * <p>
 * Threading: the stack thread only (application threads use {@link UdpChannel}). Nothing allocates after
 * construction except opening a socket or a channel.
 */
public final class Udp implements TransportInput, TransportErrorListener
{
    /** The largest UDP payload in one IPv4 datagram: 65535 - 20 - 8. */
    public static final int MAX_PAYLOAD = 65_507;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int UDP = Ipv4Flyweight.PROTOCOL_UDP;
    private static final int DEFERRED_ERRORS = 64;

    private final Ipv4 ipv4;
    private final IcmpErrorSender icmp;
    private final Clock clock;
    private final CounterFamily<UdpCounter> counters;
    private final CounterFamily<Malformed> malformed;
    private final int socketLimit;
    private final int receiveQueueDatagrams;
    private final int receiveQueueBytes;
    private final int errorQueueLength;
    private final int ephemeralLow;
    private final int ephemeralHigh;
    private final int defaultTtl;
    private final int multicastTtl;
    private final String subnetText;
    private final int gatewayAddress;
    private final UdpSocket[] byPort = new UdpSocket[65536];
    private final UdpFlyweight rxUdp = new UdpFlyweight();
    private final UdpFlyweight txUdp = new UdpFlyweight();
    private final UdpError error = new UdpError();
    private final byte[] scratch = new byte[MAX_PAYLOAD];
    private final UdpChannel[] channels;
    private int channelCount;
    private final UdpSocket[] deferredSocket = new UdpSocket[DEFERRED_ERRORS];
    private final int[] deferredFields = new int[DEFERRED_ERRORS * 6];
    private int deferredHead;
    private int deferredCount;
    private int openSockets;
    private int ephemeralCursor;
    private Igmp igmp;

    private MemorySegment sendSegment;
    private long sendPayloadOffset;
    private int sendDestination;
    private int sendLength;

    /**
     * UDP over an IPv4 layer.
     *
     * @param ipv4                  the IPv4 layer.
     * @param icmp                  sends port unreachable.
     * @param clock                 the clock (time for sends made outside the duty cycle).
     * @param counters              the UDP counters.
     * @param malformed             the per-reason malformed counters.
     * @param socketLimit           the most sockets open at once.
     * @param receiveQueueDatagrams each socket's receive queue bound in datagrams.
     * @param receiveQueueBytes     each socket's receive ring size.
     * @param errorQueueLength      each socket's error queue bound.
     * @param ephemeralLow          the first ephemeral port.
     * @param ephemeralHigh         the last ephemeral port.
     * @param defaultTtl            the TTL of unicast and broadcast datagrams.
     * @param multicastTtl          the TTL of multicast datagrams.
     * @param prefixLength          our prefix length (for messages).
     * @param gateway               the default gateway (for messages), or 0.
     */
    public Udp(final Ipv4 ipv4, final IcmpErrorSender icmp, final Clock clock, final CounterFamily<UdpCounter> counters,
        final CounterFamily<Malformed> malformed, final int socketLimit, final int receiveQueueDatagrams,
        final int receiveQueueBytes, final int errorQueueLength, final int ephemeralLow, final int ephemeralHigh,
        final int defaultTtl, final int multicastTtl, final int prefixLength, final int gateway)
    {
        this.ipv4 = Objects.requireNonNull(ipv4, "ipv4");
        this.icmp = Objects.requireNonNull(icmp, "icmp");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.malformed = Objects.requireNonNull(malformed, "malformed");
        this.socketLimit = socketLimit;
        this.receiveQueueDatagrams = receiveQueueDatagrams;
        this.receiveQueueBytes = receiveQueueBytes;
        this.errorQueueLength = errorQueueLength;
        this.ephemeralLow = ephemeralLow;
        this.ephemeralHigh = ephemeralHigh;
        this.defaultTtl = defaultTtl;
        this.multicastTtl = multicastTtl;
        this.subnetText = Ipv4Address.toString(ipv4.address() & Ipv4Address.mask(prefixLength)) + "/" + prefixLength;
        this.gatewayAddress = gateway;
        channels = new UdpChannel[socketLimit];
        final long mixed = clock.nanoTime() * 0x9E37_79B9_7F4A_7C15L;
        ephemeralCursor = (int)((mixed >>> 33) % (ephemeralHigh - ephemeralLow + 1));
    }

    /**
     * Opens an unbound socket (it binds on {@link UdpSocket#bind}, or to an ephemeral port on its first send or
     * connect). Allocates the socket and its receive ring.
     *
     * @return the socket.
     * @throws IllegalStateException when {@code udpSocketLimit} sockets are already open.
     */
    public UdpSocket open()
    {
        return open(receiveQueueBytes, receiveQueueDatagrams);
    }

    private UdpSocket open(final int ringBytes, final int ringDatagrams)
    {
        if (openSockets >= socketLimit)
        {
            throw new IllegalStateException("cannot open a UDP socket: " + openSockets + " are open, the limit"
                + " (udpSocketLimit) is " + socketLimit);
        }
        final UdpSocket socket = new UdpSocket(this, new ReceiveRing(ringBytes, ringDatagrams), errorQueueLength,
            defaultTtl, multicastTtl);
        openSockets++;
        return socket;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Channels (the cross-thread API)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Opens a {@link UdpChannel}: a socket bound (and connected) as configured, with its two rings. Stack thread
     * (other threads use {@code Stack.openUdpChannel}, which runs this in a command). Allocates the socket and the
     * rings.
     *
     * @param config how to open it.
     * @return the channel, registered: the stack drains its send ring in every duty cycle.
     * @throws IllegalStateException when the socket limit is reached or the port is in use.
     * @throws IllegalArgumentException for an address not of this stack or a peer without a route.
     */
    public UdpChannel openChannel(final UdpChannelConfig config)
    {
        Objects.requireNonNull(config, "config");
        // the socket's own queue is never used (the channel's handler takes every datagram): keep it tiny
        final UdpSocket socket = open(64, 1);
        final UdpChannel channel;
        try
        {
            socket.broadcast(config.broadcast());
            socket.bind(config.localAddress(), config.localPort());
            if (config.remotePort() != 0)
            {
                socket.connect(config.remoteAddress(), config.remotePort());
            }
            channel = new UdpChannel(this, socket, config, config.waitClock() != null ? config.waitClock() : clock);
        }
        catch (final RuntimeException ex)
        {
            socket.close();
            throw ex;
        }
        socket.handler(channel.receiver());
        channels[channelCount++] = channel;
        return channel;
    }

    /**
     * The stack's part of the channels, once per duty cycle: sends up to each channel's burst from its send ring,
     * and finishes closing the channels closed since the last cycle. Stack thread.
     *
     * @param nowNs the duty cycle's time.
     * @return the work done (datagrams taken from send rings, channels closed).
     */
    public int pollChannels(final long nowNs)
    {
        int work = 0;
        for (int i = channelCount - 1; i >= 0; i--)
        {
            final UdpChannel channel = channels[i];
            work += channel.drain(nowNs);
            if (channel.closeRequested())
            {
                channel.release(nowNs);
                channels[i] = channels[--channelCount];
                channels[channelCount] = null;
                work++;
            }
        }
        return work;
    }

    /**
     * How many channels are open (not yet released).
     *
     * @return the count.
     */
    public int openChannels()
    {
        return channelCount;
    }

    /** A channel's receive ring was full: counted as for a socket's receive queue. */
    void receiveQueueFull()
    {
        counters.increment(UdpCounter.RCVBUF_ERRORS);
        counters.increment(UdpCounter.IN_ERRORS);
    }

    /**
     * How many sockets are open.
     *
     * @return the count.
     */
    public int openSockets()
    {
        return openSockets;
    }

    /**
     * The IPv4 layer.
     *
     * @return the layer.
     */
    public Ipv4 ipv4()
    {
        return ipv4;
    }

    /**
     * Connects IGMP, which group joins and leaves go through (set once, before traffic); without it
     * {@link UdpSocket#joinGroup(int)} fails.
     *
     * @param value the IGMP instance of the same stack.
     */
    public void igmp(final Igmp value)
    {
        igmp = Objects.requireNonNull(value, "igmp");
    }

    void joinGroup(final UdpSocket socket, final int group)
    {
        final Igmp membership = igmp;
        if (membership == null)
        {
            throw new IllegalStateException("multicast is not available: no IGMP is connected to this UDP layer");
        }
        if (!membership.join(group, clock.nanoTime()))
        {
            throw new IllegalStateException("cannot join " + Ipv4Address.toString(group) + ": the stack's group"
                + " table is full (" + membership.config().maxGroups() + " groups, igmpMaxGroups)");
        }
        ipv4.link().addMulticastMac(Ipv4Address.multicastMac(group));
    }

    void leaveGroup(final UdpSocket socket, final int group)
    {
        igmp.leave(group, clock.nanoTime());
        ipv4.link().removeMulticastMac(Ipv4Address.multicastMac(group));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Socket table
    // ------------------------------------------------------------------------------------------------------------

    void bind(final UdpSocket socket, final int address, final int port)
    {
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port " + port + " is not in [0, 65535]");
        }
        if (address != Ipv4Address.ANY && address != ipv4.address() && !ipv4.isBroadcast(address)
            && !Ipv4Address.isMulticast(address))
        {
            throw new IllegalArgumentException("cannot bind to " + Ipv4Address.toString(address)
                + ": not an address of this stack (EADDRNOTAVAIL); use 0.0.0.0, "
                + Ipv4Address.toString(ipv4.address()) + ", a broadcast or a multicast address");
        }
        final int chosen = port != 0 ? port : ephemeral(address, socket.reuseAddress());
        for (UdpSocket other = byPort[chosen]; other != null; other = other.nextOnPort)
        {
            final int otherAddress = other.localAddress();
            final boolean overlap = otherAddress == Ipv4Address.ANY || address == Ipv4Address.ANY
                || otherAddress == address;
            if (overlap && !(other.reuseAddress() && socket.reuseAddress()))
            {
                throw new IllegalStateException("port " + chosen + " on " + Ipv4Address.toString(address)
                    + " is already in use by a socket bound to " + Ipv4Address.toString(otherAddress) + ":" + chosen
                    + " (EADDRINUSE); set reuseAddress(true) on every socket that shares it");
            }
        }
        socket.bound(address, chosen);
        socket.nextOnPort = byPort[chosen];
        byPort[chosen] = socket;
    }

    private int ephemeral(final int address, final boolean reuse)
    {
        final int range = ephemeralHigh - ephemeralLow + 1;
        for (int i = 0; i < range; i++)
        {
            final int port = ephemeralLow + (ephemeralCursor + i) % range;
            if (byPort[port] == null)
            {
                ephemeralCursor = (ephemeralCursor + i + 1) % range;
                return port;
            }
        }
        throw new IllegalStateException("no free ephemeral port in [" + ephemeralLow + ", " + ephemeralHigh
            + "] to bind " + Ipv4Address.toString(address) + (reuse ? " (reuseAddress does not share ephemeral ports)"
            : ""));
    }

    void closed(final UdpSocket socket)
    {
        final int port = socket.localPort();
        if (port != 0)
        {
            UdpSocket previous = null;
            for (UdpSocket s = byPort[port]; s != null; s = s.nextOnPort)
            {
                if (s == socket)
                {
                    if (previous == null)
                    {
                        byPort[port] = s.nextOnPort;
                    }
                    else
                    {
                        previous.nextOnPort = s.nextOnPort;
                    }
                    break;
                }
                previous = s;
            }
        }
        socket.nextOnPort = null;
        openSockets--;
    }

    /**
     * Closes every open socket (for the stack's close).
     */
    public void closeAll()
    {
        for (int i = 0; i < channelCount; i++)
        {
            channels[i].stackClosed();
            channels[i] = null;
        }
        channelCount = 0;
        for (int port = 0; port < byPort.length; port++)
        {
            while (byPort[port] != null)
            {
                byPort[port].close();
            }
        }
    }

    /** Throws when there is no route; reads only final fields, so any thread may call it (channels do). */
    void checkRoute(final int destination)
    {
        if (ipv4.nextHop(destination) == 0)
        {
            throw noRoute(destination);
        }
    }

    private IllegalArgumentException noRoute(final int destination)
    {
        final String to = Ipv4Address.toString(destination);
        if (destination == ipv4.address())
        {
            return new IllegalArgumentException("no route to " + to + ": it is this stack's own address and there"
                + " is no loopback interface");
        }
        if (!Ipv4Address.isUnicastHost(destination))
        {
            return new IllegalArgumentException("no route to " + to + ": not a unicast, broadcast or multicast"
                + " destination");
        }
        return new IllegalArgumentException("no route to " + to + ": it is not on the connected subnet " + subnetText
            + (gatewayAddress == 0 ? " and no default gateway is configured" : ""));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Send
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Starts a datagram: routes it, takes room for it and writes the UDP header. The caller copies exactly
     * {@code length} payload bytes to {@link #sendSegment}/{@link #sendPayloadOffset} and calls
     * {@link #sendEnd()}.
     *
     * @return false when no buffer is available (counted).
     */
    boolean sendBegin(final UdpSocket socket, final int destination, final int port, final int length)
    {
        final boolean multicast = Ipv4Address.isMulticast(destination);
        if (!multicast && ipv4.isBroadcast(destination) && !socket.broadcast())
        {
            throw new IllegalStateException("sending to the broadcast address " + Ipv4Address.toString(destination)
                + " needs broadcast(true) on the socket (SO_BROADCAST)");
        }
        final int ttl = multicast ? socket.multicastTtl() : socket.ttl();
        final int flags = socket.pathMtuDiscovery() && !multicast && !ipv4.isBroadcast(destination)
            ? Ipv4.PATH_MTU_DISCOVERY : 0;
        final int status = ipv4.prepare(destination, UDP, UdpFlyweight.HEADER_LENGTH + length, ttl, socket.tos(),
            flags, clock.nanoTime());
        if (status == Ipv4.NO_ROUTE)
        {
            throw noRoute(destination);
        }
        if (status != Ipv4.OK)
        {
            counters.increment(UdpCounter.SNDBUF_ERRORS);
            return false;
        }
        final MemorySegment segment = ipv4.segment();
        final long at = ipv4.l4Offset();
        txUdp.wrapForWrite(segment, at, UdpFlyweight.HEADER_LENGTH + length).sourcePort(socket.localPort())
            .destinationPort(port).udpLength(UdpFlyweight.HEADER_LENGTH + length).checksum(0);
        sendSegment = segment;
        sendPayloadOffset = at + UdpFlyweight.HEADER_LENGTH;
        sendDestination = destination;
        sendLength = length;
        return true;
    }

    MemorySegment sendSegment()
    {
        return sendSegment;
    }

    long sendPayloadOffset()
    {
        return sendPayloadOffset;
    }

    byte[] scratch()
    {
        return scratch;
    }

    /** Checksums and sends the datagram {@link #sendBegin} started. */
    boolean sendEnd()
    {
        final int udpLength = UdpFlyweight.HEADER_LENGTH + sendLength;
        if (ipv4.checksumOffload())
        {
            txUdp.checksum(InternetChecksum.pseudoHeaderSum(ipv4.address(), sendDestination, UDP, udpLength));
        }
        else
        {
            txUdp.checksum(txUdp.computeChecksum(ipv4.address(), sendDestination));
        }
        if (ipv4.commit(clock.nanoTime()) != Ipv4.OK)
        {
            counters.increment(UdpCounter.SNDBUF_ERRORS);
            return false;
        }
        counters.increment(UdpCounter.OUT_DATAGRAMS);
        return true;
    }

    /** Abandons a datagram after {@link #sendBegin} (the payload copy failed). */
    void sendAbort()
    {
        ipv4.abort();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Receive
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public boolean onDatagram(final Ipv4Flyweight ip, final int rxFlags, final int rxIndex,
        final int destinationClass, final long nowNs)
    {
        final UdpFlyweight udp = rxUdp;
        final Malformed result = udp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength());
        if (result != Malformed.OK)
        {
            malformed.increment(result);
            counters.increment(UdpCounter.IN_ERRORS);
            return false;
        }
        final int source = ip.source();
        final int destination = ip.destination();
        if (udp.checksum() != 0 && (rxFlags & FrameBatch.RX_L4_CHECKSUM_GOOD) == 0
            && ((rxFlags & FrameBatch.RX_L4_CHECKSUM_BAD) != 0 || !udp.verifyChecksum(source, destination)))
        {
            counters.increment(UdpCounter.IN_CSUM_ERRORS);
            counters.increment(UdpCounter.IN_ERRORS);
            return false;
        }
        final int port = udp.destinationPort();
        final int sourcePort = udp.sourcePort();
        final long payload = udp.payloadOffset();
        final int length = udp.payloadLength();
        if (destinationClass == Ipv4.UNICAST)
        {
            final UdpSocket socket = match(port, destination, source, sourcePort);
            if (socket == null)
            {
                counters.increment(UdpCounter.NO_PORTS);
                icmp.sendError(3, 3, 0, ip.segment(), ip.offset(), ip.length(), destinationClass, nowNs);
                return false;
            }
            counters.increment(UdpCounter.IN_DATAGRAMS);
            deliver(socket, ip.segment(), payload, length, source, sourcePort);
            return true;
        }
        final boolean multicast = destinationClass == Ipv4.MULTICAST;
        boolean delivered = false;
        UdpSocket next;
        for (UdpSocket s = byPort[port]; s != null; s = next)
        {
            next = s.nextOnPort; // read first: a handler may close its socket
            final int local = s.localAddress();
            if ((local == Ipv4Address.ANY || local == destination)
                && (!s.isConnected() || (s.remoteAddress() == source && s.remotePort() == sourcePort))
                && (!multicast || s.isMemberOf(destination)))
            {
                delivered = true;
                deliver(s, ip.segment(), payload, length, source, sourcePort);
            }
        }
        if (!delivered)
        {
            counters.increment(UdpCounter.IGNORED_MULTI);
            return false;
        }
        counters.increment(UdpCounter.IN_DATAGRAMS);
        return true;
    }

    private UdpSocket match(final int port, final int destination, final int source, final int sourcePort)
    {
        UdpSocket bound = null;
        for (UdpSocket s = byPort[port]; s != null; s = s.nextOnPort)
        {
            final int local = s.localAddress();
            if (local != Ipv4Address.ANY && local != destination)
            {
                continue;
            }
            if (s.isConnected())
            {
                if (s.remoteAddress() == source && s.remotePort() == sourcePort)
                {
                    return s;
                }
            }
            else if (bound == null)
            {
                bound = s;
            }
        }
        return bound;
    }

    private void deliver(final UdpSocket socket, final MemorySegment segment, final long offset, final int length,
        final int source, final int sourcePort)
    {
        final UdpHandler handler = socket.handler();
        if (handler != null)
        {
            try
            {
                handler.onDatagram(socket, segment, offset, length, source, sourcePort);
            }
            catch (final RuntimeException ex)
            {
                counters.increment(UdpCounter.HANDLER_ERRORS);
            }
            return;
        }
        if (!socket.enqueue(segment, offset, length, source, sourcePort))
        {
            counters.increment(UdpCounter.RCVBUF_ERRORS);
            counters.increment(UdpCounter.IN_ERRORS);
        }
    }

    @Override
    public boolean onError(final int origin, final int type, final int code, final int info,
        final Ipv4Flyweight quoted)
    {
        final MemorySegment segment = quoted.segment();
        final long header = quoted.payloadOffset();
        final int sourcePort = segment.get(U16, header) & 0xFFFF;
        final int destinationPort = segment.get(U16, header + 2) & 0xFFFF;
        final int destination = quoted.destination();
        final int source = quoted.source();
        UdpSocket bound = null;
        UdpSocket target = null;
        for (UdpSocket s = byPort[sourcePort]; s != null; s = s.nextOnPort)
        {
            final int local = s.localAddress();
            if (local != Ipv4Address.ANY && local != source && !ipv4.isBroadcast(local)
                && !Ipv4Address.isMulticast(local))
            {
                continue;
            }
            if (s.isConnected())
            {
                if (s.remoteAddress() == destination && s.remotePort() == destinationPort)
                {
                    target = s;
                    break;
                }
            }
            else if (bound == null)
            {
                bound = s;
            }
        }
        if (target == null)
        {
            target = bound;
        }
        if (target == null)
        {
            return false;
        }
        final UdpErrorHandler handler = target.errorHandler();
        if (handler == null)
        {
            if (!target.enqueueError(origin, type, code, info, destination, destinationPort))
            {
                counters.increment(UdpCounter.ERROR_QUEUE_OVERFLOWS);
            }
        }
        else if (origin == ORIGIN_LOCAL)
        {
            defer(target, origin, type, code, info, destination, destinationPort);
        }
        else
        {
            callHandler(target, handler, origin, type, code, info, destination, destinationPort);
        }
        return true;
    }

    /**
     * A local error is raised from inside ARP (a send to a failed neighbour, or ARP's timer giving up) and possibly
     * from inside the application's own {@code send}: its handler is called later, from the duty cycle, so that it
     * may send again without re-entering ARP.
     */
    private void defer(final UdpSocket target, final int origin, final int type, final int code, final int info,
        final int destination, final int destinationPort)
    {
        final int capacity = deferredSocket.length;
        if (deferredCount == capacity)
        {
            counters.increment(UdpCounter.ERROR_QUEUE_OVERFLOWS);
            return;
        }
        final int at = (deferredHead + deferredCount) % capacity;
        deferredSocket[at] = target;
        deferredFields[at * 6] = origin;
        deferredFields[at * 6 + 1] = type;
        deferredFields[at * 6 + 2] = code;
        deferredFields[at * 6 + 3] = info;
        deferredFields[at * 6 + 4] = destination;
        deferredFields[at * 6 + 5] = destinationPort;
        deferredCount++;
    }

    /**
     * Calls the error handlers of errors raised from inside ARP (see {@link TransportErrorListener#ORIGIN_LOCAL}).
     * The stack calls it every duty cycle.
     *
     * @return how many handlers were called.
     */
    public int deliverDeferredErrors()
    {
        int delivered = 0;
        // only those waiting now: a handler that sends again may defer a new error, delivered next cycle
        for (int waiting = deferredCount; waiting > 0; waiting--)
        {
            final int at = deferredHead;
            final UdpSocket target = deferredSocket[at];
            deferredSocket[at] = null;
            deferredHead = (at + 1) % deferredSocket.length;
            deferredCount--;
            final UdpErrorHandler handler = target.errorHandler();
            final int base = at * 6;
            if (target.isClosed())
            {
                continue;
            }
            if (handler == null)
            {
                if (!target.enqueueError(deferredFields[base], deferredFields[base + 1], deferredFields[base + 2],
                    deferredFields[base + 3], deferredFields[base + 4], deferredFields[base + 5]))
                {
                    counters.increment(UdpCounter.ERROR_QUEUE_OVERFLOWS);
                }
                continue;
            }
            callHandler(target, handler, deferredFields[base], deferredFields[base + 1], deferredFields[base + 2],
                deferredFields[base + 3], deferredFields[base + 4], deferredFields[base + 5]);
            delivered++;
        }
        return delivered;
    }

    private void callHandler(final UdpSocket target, final UdpErrorHandler handler, final int origin, final int type,
        final int code, final int info, final int destination, final int destinationPort)
    {
        error.set(origin, type, code, info, destination, destinationPort);
        try
        {
            handler.onError(target, error);
        }
        catch (final RuntimeException ex)
        {
            counters.increment(UdpCounter.HANDLER_ERRORS);
        }
    }
}
