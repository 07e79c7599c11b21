package io.tachyon.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import io.tachyon.counters.CounterFamily;
import io.tachyon.driver.FrameBatch;
import io.tachyon.ipv4.Ipv4;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.ipv4.TransportErrorListener;
import io.tachyon.ipv4.TransportInput;
import io.tachyon.stack.TimerWheel;
import io.tachyon.time.Clock;
import io.tachyon.time.TokenBucket;
import io.tachyon.wire.InternetChecksum;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;
import io.tachyon.wire.TcpFlyweight;
import io.tachyon.wire.TcpOptions;
import io.tachyon.wire.TcpOptionsWriter;

/**
 * The TCP protocol of one stack (RFC 9293): demultiplexes segments to connections by 4-tuple (a primitive
 * long-keyed table: the local address is the stack's one address, so remote address, remote port and local port
 * pack into 64 bits), finds listeners by port, verifies checksums, answers segments for no connection with a RST
 * (RFC 9293 §3.10.7.1) and owns the connection pool (at most {@link TcpConfig#maxConnections()}; a connection's
 * buffers are allocated on first use and reused afterwards).
 * <p>
 * Threading: the stack thread only.
 */
public final class Tcp implements TransportInput, TransportErrorListener, AutoCloseable
{
    /** The timer kind the stack gives TCP's timers; the payload is the connection's pool index. */
    public static final int TIMER_KIND = 100;
    /** The IP protocol number of TCP. */
    public static final int PROTOCOL = 6;

    /** Challenge ACKs a second for the whole stack (RFC 5961 §7; Linux's tcp_challenge_ack_limit is 1000). */
    public static final int CHALLENGE_ACK_LIMIT = 1000;

    static final int TTL = 64;

    /** Entries of the RFC 6056 Algorithm 4 perturbation table (a power of two). */
    static final int PORT_TABLE_LENGTH = 1024;
    /**
     * How far above the SND.MAX of a TIME-WAIT connection the ISN of its reopened successor starts at least (Linux's
     * {@code tw_snd_nxt + 65535 + 2}; RFC 9293 §3.6.1 MAY-2 asks for an ISN larger than any sequence number used).
     */
    static final int TIME_WAIT_ISN_GAP = 65_537;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long COOKIE_KEY_LABEL = 0x7379_6e63_6f6f_6b69L;
    private static final long PORT_KEY_LABEL = 0x6570_6865_6d65_7261L;

    final Ipv4 ipv4;
    final Clock clock;
    final TimerWheel timers;
    final CounterFamily<TcpCounter> counters;
    final TcpConfig config;
    final CongestionControlFactory congestionControl;
    final InitialSequenceNumbers isns;
    final TcpTimestamps timestamps;
    final SynCookies synCookies;
    final TcpFlyweight txTcp = new TcpFlyweight();
    final TcpOptionsWriter optionsWriter = new TcpOptionsWriter();
    final TcpOptions rxOptions = new TcpOptions();
    final int[] sackEdges = new int[2 * ReceiveQueue.MAX_SACK_BLOCKS];
    final TokenBucket challengeAcks = new TokenBucket(CHALLENGE_ACK_LIMIT, CHALLENGE_ACK_LIMIT);
    final int[] rxSackEdges = new int[2 * TcpOptions.MAX_SACK_BLOCKS];

    private final TcpFlyweight rxTcp = new TcpFlyweight();
    private final Long2ObjectHashMap<TcpConnection> connections;
    private final Int2ObjectHashMap<TcpListener> listeners = new Int2ObjectHashMap<>();
    private final TcpConnection[] pool;
    private final int[] free;
    private final int ephemeralLow;
    private final int ephemeralHigh;
    private final SipHash portHash;
    private final int[] portPerturbation = new int[PORT_TABLE_LENGTH];
    private int freeCount;
    private int created;
    private boolean closed;

    /**
     * Creates the protocol.
     *
     * @param ipv4          the IPv4 layer used to send.
     * @param clock         the stack's clock.
     * @param timers        the stack's timer wheel ({@link #TIMER_KIND} timers go to {@link #onTimer}).
     * @param counters      the TCP counters.
     * @param config        the settings.
     * @param ephemeralLow  the lowest ephemeral port, 1 to 65535.
     * @param ephemeralHigh the highest ephemeral port, {@code ephemeralLow} to 65535.
     * @param key           the secret of ISNs and timestamp offsets; the keys of SYN cookies and of ephemeral port
     *                      selection are derived from it (SipHash of a label under it).
     * @throws IllegalArgumentException for a bad ephemeral port range.
     */
    public Tcp(final Ipv4 ipv4, final Clock clock, final TimerWheel timers, final CounterFamily<TcpCounter> counters,
        final TcpConfig config, final int ephemeralLow, final int ephemeralHigh, final SipKey key)
    {
        this.ipv4 = Objects.requireNonNull(ipv4, "ipv4");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.config = Objects.requireNonNull(config, "config");
        this.congestionControl = CongestionControlFactory.forName(config.congestionControl());
        this.isns = new InitialSequenceNumbers(key);
        this.timestamps = new TcpTimestamps(key);
        this.connections = new Long2ObjectHashMap<>(Math.max(8, config.maxConnections() * 2), 0.5f);
        this.pool = new TcpConnection[config.maxConnections()];
        this.free = new int[config.maxConnections()];
        if (ephemeralLow < 1 || ephemeralHigh > 65_535 || ephemeralLow > ephemeralHigh)
        {
            throw new IllegalArgumentException("ephemeral port range must be within 1..65535 and not empty: "
                + ephemeralLow + ".." + ephemeralHigh);
        }
        this.ephemeralLow = ephemeralLow;
        this.ephemeralHigh = ephemeralHigh;
        this.synCookies = new SynCookies(derive(key, COOKIE_KEY_LABEL));
        this.portHash = new SipHash(derive(key, PORT_KEY_LABEL));
    }

    /** A key of its own for another use: two SipHash outputs of a label under {@code key}. */
    private static SipKey derive(final SipKey key, final long label)
    {
        final SipHash sip = new SipHash(key);
        return new SipKey(sip.hash(label, 0L), sip.hash(label, 1L));
    }

    /**
     * The settings.
     *
     * @return the configuration.
     */
    public TcpConfig config()
    {
        return config;
    }

    /**
     * Connections in use (any state but CLOSED).
     *
     * @return the count.
     */
    public int connectionCount()
    {
        return connections.size();
    }

    static long key(final int remoteAddress, final int remotePort, final int localPort)
    {
        return (remoteAddress & 0xFFFF_FFFFL) << 32 | (long)remotePort << 16 | localPort;
    }

    // ------------------------------------------------------------------------------------------------------------
    // API
    // ------------------------------------------------------------------------------------------------------------

    /**
     * A new unconnected socket.
     *
     * @return the socket, in {@link TcpState#CLOSED}.
     */
    public TcpSocket open()
    {
        checkOpen();
        return new TcpSocket(this);
    }

    /**
     * Opens a listener (RFC 9293 §3.10.1 passive OPEN).
     *
     * @param port    the local port, 1 to 65535.
     * @param backlog the size of each of the listener's two queues (see {@link TcpListener}): at most this many
     *                half-open connections and this many established ones waiting for accept, 1 to 65536.
     * @return the listener, in LISTEN.
     * @throws IllegalArgumentException for a bad port or backlog.
     * @throws IllegalStateException    when the port already has a listener.
     */
    public TcpListener listen(final int port, final int backlog)
    {
        checkOpen();
        if (port < 1 || port > 65_535)
        {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (backlog < 1 || backlog > 65_536)
        {
            throw new IllegalArgumentException("backlog must be 1..65536: " + backlog);
        }
        if (listeners.containsKey(port))
        {
            throw new IllegalStateException("TCP port " + port + " already has a listener");
        }
        final TcpListener listener = new TcpListener(this, port, backlog);
        listeners.put(port, listener);
        return listener;
    }

    void removeListener(final TcpListener listener)
    {
        if (listeners.get(listener.port()) == listener)
        {
            listeners.remove(listener.port());
        }
    }

    TcpConnection connect(final TcpSocket socket, final int remoteAddress, final int remotePort, final long nowNs)
    {
        checkOpen();
        if (remotePort < 1 || remotePort > 65_535)
        {
            throw new IllegalArgumentException("remote port must be 1..65535: " + remotePort);
        }
        if (ipv4.nextHop(remoteAddress) == 0 || !ipv4.isUnicastPeer(remoteAddress))
        {
            throw new IllegalArgumentException("no unicast route to " + io.tachyon.ipv4.Ipv4Address.toString(
                remoteAddress));
        }
        final int localPort = ephemeralPort(remoteAddress, remotePort);
        if (localPort == 0)
        {
            counters.increment(TcpCounter.EPHEMERAL_PORTS_EXHAUSTED);
            throw new IllegalStateException("no free ephemeral port to " + Ipv4Address.toString(remoteAddress) + ":"
                + remotePort + ": all " + (ephemeralHigh - ephemeralLow + 1) + " ports of " + ephemeralLow + ".."
                + ephemeralHigh + " are in use towards it");
        }
        final TcpConnection connection = allocate();
        if (connection == null)
        {
            throw new IllegalStateException("all " + pool.length + " TCP connections are in use");
        }
        connection.activeOpen(socket, localPort, remoteAddress, remotePort, nowNs);
        return connection;
    }

    /**
     * RFC 6056 §3.3.4, Algorithm 4 ("Double-Hash Port Selection"): {@code offset = F(local, remote, remotePort)},
     * {@code index = G(local, remote, remotePort)}, then {@code port = low + (offset + table[index]++) mod span} until
     * a port is free (no listener on it and no connection with this 4-tuple). F and G are the two halves of one
     * SipHash-2-4 under a key of their own, so the ports towards one destination follow each other while those
     * towards another start elsewhere, and an observer cannot predict them. Linux does the same
     * ({@code __inet_hash_connect}, {@code table_perturb}).
     *
     * @return the port, or 0 when every port of the range is in use towards this destination.
     */
    int ephemeralPort(final int remoteAddress, final int remotePort)
    {
        final long hash = portHash.hash(FourTuple.addresses(ipv4.address(), remoteAddress), remotePort);
        final long offset = hash & 0xFFFF_FFFFL;
        final int index = (int)(hash >>> 32) & (PORT_TABLE_LENGTH - 1);
        final int span = ephemeralHigh - ephemeralLow + 1;
        for (int count = span; count > 0; count--)
        {
            final int port = ephemeralLow + (int)((offset + (portPerturbation[index] & 0xFFFF_FFFFL)) % span);
            portPerturbation[index]++;
            if (!listeners.containsKey(port) && !connections.containsKey(key(remoteAddress, remotePort, port)))
            {
                return port;
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Pool
    // ------------------------------------------------------------------------------------------------------------

    private TcpConnection allocate()
    {
        if (freeCount > 0)
        {
            return pool[free[--freeCount]];
        }
        if (created < pool.length)
        {
            final TcpConnection connection = new TcpConnection(this, created);
            pool[created++] = connection;
            return connection;
        }
        return null;
    }

    void register(final TcpConnection connection)
    {
        connections.put(connection.key, connection);
    }

    void unregister(final TcpConnection connection)
    {
        if (connections.get(connection.key) == connection)
        {
            connections.remove(connection.key);
        }
    }

    void release(final TcpConnection connection)
    {
        unregister(connection);
        free[freeCount++] = connection.index;
    }

    /**
     * A TCP timer fired (the stack calls it for timers of kind {@link #TIMER_KIND}).
     *
     * @param handle  the timer's handle.
     * @param payload the connection's pool index.
     * @param nowNs   the time.
     */
    public void onTimer(final long handle, final long payload, final long nowNs)
    {
        final int index = (int)payload;
        if (index >= 0 && index < created)
        {
            pool[index].onTimer(handle, nowNs);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Input
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public boolean onDatagram(final Ipv4Flyweight ip, final int rxFlags, final int rxIndex,
        final int destinationClass, final long nowNs)
    {
        counters.increment(TcpCounter.IN_SEGS);
        final TcpFlyweight tcp = rxTcp;
        if (destinationClass != Ipv4.UNICAST || ip.source() == 0)
        {
            return false; // RFC 9293 §3.9.2: TCP is unicast only; never answer a broadcast
        }
        if (tcp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()) != Malformed.OK)
        {
            counters.increment(TcpCounter.IN_ERRS);
            return false;
        }
        if ((rxFlags & FrameBatch.RX_L4_CHECKSUM_GOOD) == 0
            && ((rxFlags & FrameBatch.RX_L4_CHECKSUM_BAD) != 0 || !tcp.verifyChecksum(ip.source(), ip.destination())))
        {
            counters.increment(TcpCounter.IN_ERRS);
            counters.increment(TcpCounter.IN_CSUM_ERRORS);
            return false;
        }
        if (rxOptions.wrap(tcp) != Malformed.OK || rxOptions.validate() != Malformed.OK)
        {
            counters.increment(TcpCounter.IN_ERRS);
            return false;
        }
        final int remote = ip.source();
        final int remotePort = tcp.sourcePort();
        final int localPort = tcp.destinationPort();
        if (remotePort == 0 || localPort == 0)
        {
            counters.increment(TcpCounter.IN_ERRS);
            return false;
        }
        final TcpConnection connection = connections.get(key(remote, remotePort, localPort));
        if (connection != null)
        {
            if (connection.state == TcpState.TIME_WAIT && tcp.syn() && !tcp.ack() && !tcp.rst())
            {
                final TcpListener listener = listeners.get(localPort);
                if (listener != null && !listener.isClosed() && !listener.acceptQueueFull()
                    && !listener.synQueueFull() && connection.acceptsNewSyn(tcp))
                {
                    // RFC 9293 §3.6.1 MAY-2, RFC 6191: the new SYN ends TIME-WAIT and opens a new incarnation
                    counters.increment(TcpCounter.TIME_WAIT_REUSED);
                    final int oldSndMax = connection.sndMax;
                    connection.enterClosed();
                    return onListen(listener, tcp, remote, true, oldSndMax + TIME_WAIT_ISN_GAP, nowNs);
                }
            }
            connection.onSegment(tcp, nowNs);
            return true;
        }
        final TcpListener listener = listeners.get(localPort);
        if (listener != null && !listener.isClosed())
        {
            return onListen(listener, tcp, remote, false, 0, nowNs);
        }
        counters.increment(TcpCounter.NO_PORTS);
        resetFor(tcp, remote, nowNs);
        return false;
    }

    /**
     * RFC 9293 §3.10.7.2, LISTEN, with the listener's queue limits and SYN cookies (see {@link TcpListener}).
     *
     * @param reopen  whether the SYN ends a TIME-WAIT connection of the same 4-tuple; then the ISN is at least
     *                {@code minIss}.
     * @param minIss  the smallest ISN allowed when {@code reopen}.
     */
    private boolean onListen(final TcpListener listener, final TcpFlyweight tcp, final int remote,
        final boolean reopen, final int minIss, final long nowNs)
    {
        if (tcp.rst())
        {
            return false;
        }
        if (tcp.ack())
        {
            if (!tcp.syn() && config.synCookies() && listener.cookiesRecent(nowNs))
            {
                return onCookieAck(listener, tcp, remote, nowNs);
            }
            resetFor(tcp, remote, nowNs);
            return false;
        }
        if (!tcp.syn())
        {
            return false;
        }
        if (listener.acceptQueueFull())
        {
            counters.increment(TcpCounter.LISTEN_OVERFLOWS);
            return false;
        }
        final boolean poolFull = freeCount == 0 && created == pool.length;
        if (listener.synQueueFull() || poolFull)
        {
            // no room for another half-open connection: SYN cookies keep no state (a full pool is treated like a
            // full SYN queue, so that half-open connections of a flood cannot lock every client out)
            if (config.synCookies())
            {
                sendCookieSynAck(listener, tcp, remote, nowNs);
                return true;
            }
            counters.increment(poolFull ? TcpCounter.POOL_EXHAUSTED : TcpCounter.SYN_QUEUE_DROPS);
            return false;
        }
        final TcpConnection connection = allocate();
        connection.passiveOpen(listener, tcp, remote, reopen, minIss, nowNs);
        return true;
    }

    /**
     * Answers a SYN statelessly with a SYN-ACK whose ISN is a {@link SynCookies} cookie. Its options are those a
     * SYN-ACK of {@link TcpConnection} would carry, except that without the Timestamps option in the SYN the cookie
     * has nowhere to keep window scaling and SACK, so the SYN-ACK offers only the MSS (as Linux does).
     */
    private void sendCookieSynAck(final TcpListener listener, final TcpFlyweight syn, final int remote,
        final long nowNs)
    {
        final TcpOptions options = rxOptions;
        options.rewind();
        int peerMss = ReceiveQueue.DEFAULT_MSS;
        int peerShift = SynCookies.NO_WINDOW_SCALE;
        boolean peerSack = false;
        boolean peerTs = false;
        int peerTsval = 0;
        while (options.next())
        {
            switch (options.kind())
            {
                case TcpOptions.KIND_MSS -> peerMss = options.mss();
                case TcpOptions.KIND_WINDOW_SCALE ->
                    peerShift = Math.min(SynCookies.MAX_WINDOW_SCALE, options.windowScale());
                case TcpOptions.KIND_SACK_PERMITTED -> peerSack = true;
                case TcpOptions.KIND_TIMESTAMPS ->
                {
                    peerTs = true;
                    peerTsval = options.timestampValue();
                }
                default ->
                {
                }
            }
        }
        final int local = ipv4.address();
        final int localPort = syn.destinationPort();
        final int remotePort = syn.sourcePort();
        final boolean ts = peerTs && config.timestamps();
        final boolean ws = ts && peerShift != SynCookies.NO_WINDOW_SCALE && config.windowScaling();
        final boolean sack = ts && peerSack && config.sack();
        final int cookie = synCookies.cookie(local, localPort, remote, remotePort, syn.sequenceNumber(),
            peerMss <= 0 ? ReceiveQueue.DEFAULT_MSS : peerMss & 0xFFFF, nowNs);
        counters.increment(TcpCounter.SYN_COOKIES_SENT);
        listener.cookieSent(nowNs);
        final int optionsLength = 4 + (ts ? 12 : 0) + (ws ? 4 : 0);
        final int length = TcpFlyweight.MIN_HEADER_LENGTH + optionsLength;
        if (ipv4.prepare(remote, PROTOCOL, length, TTL, 0, Ipv4.PATH_MTU_DISCOVERY, nowNs) != Ipv4.OK)
        {
            counters.increment(TcpCounter.OUT_DISCARDS);
            return;
        }
        final MemorySegment segment = ipv4.segment();
        final long at = ipv4.l4Offset();
        final TcpFlyweight out = txTcp.wrapForWrite(segment, at, length);
        out.sourcePort(localPort).destinationPort(remotePort).sequenceNumber(cookie)
            .acknowledgmentNumber(syn.sequenceNumber() + 1).dataOffset(length >>> 2)
            .flags(TcpFlyweight.SYN | TcpFlyweight.ACK).window(Math.min(65_535, config.receiveBufferBytes()))
            .checksum(0).urgentPointer(0);
        final TcpOptionsWriter writer = optionsWriter.wrap(segment, at + TcpFlyweight.OPTIONS_OFFSET, optionsLength);
        writer.mss(TcpConnection.localMss(this, remote));
        if (ts)
        {
            if (sack)
            {
                writer.sackPermitted();
            }
            else
            {
                writer.nop().nop();
            }
            final int clock = TcpTimestamps.clock(nowNs, timestamps.offset(local, localPort, remote, remotePort));
            writer.timestamps(SynCookies.timestamp(clock, ws ? peerShift : SynCookies.NO_WINDOW_SCALE,
                peerSack && config.sack(), false), peerTsval);
        }
        if (ws)
        {
            writer.nop().windowScale(TcpConnection.receiveShift(config));
        }
        writer.finish();
        finish(remote, length, TcpFlyweight.SYN | TcpFlyweight.ACK, false, nowNs);
    }

    /**
     * An ACK for a listener with no connection while SYN cookies were recently sent: a valid cookie creates the
     * connection in ESTABLISHED and the segment is then processed by it (it may carry data); an invalid one
     * (forged, modified or older than two cookie periods) is answered with a RST, as Linux does (its cookie check
     * hands the segment back to the listener, whose LISTEN processing resets an ACK).
     */
    private boolean onCookieAck(final TcpListener listener, final TcpFlyweight seg, final int remote,
        final long nowNs)
    {
        final int mss = synCookies.check(ipv4.address(), seg.destinationPort(), remote, seg.sourcePort(),
            seg.sequenceNumber(), seg.acknowledgmentNumber(), nowNs);
        if (mss == SynCookies.INVALID)
        {
            counters.increment(TcpCounter.SYN_COOKIES_FAILED);
            resetFor(seg, remote, nowNs);
            return false;
        }
        if (listener.acceptQueueFull())
        {
            counters.increment(TcpCounter.LISTEN_OVERFLOWS);
            return false;
        }
        final TcpConnection connection = allocate();
        if (connection == null)
        {
            counters.increment(TcpCounter.POOL_EXHAUSTED);
            return false;
        }
        counters.increment(TcpCounter.SYN_COOKIES_RECV);
        connection.cookieOpen(listener, seg, remote, mss, nowNs);
        if (connection.state == TcpState.ESTABLISHED)
        {
            connection.onSegment(seg, nowNs);
        }
        return true;
    }

    /**
     * Sends the RST of RFC 9293 §3.10.7.1 for a segment that has no connection: never in response to a RST;
     * {@code <SEQ=SEG.ACK><CTL=RST>} if it had an ACK, else {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}.
     */
    void resetFor(final TcpFlyweight tcp, final int remote, final long nowNs)
    {
        if (tcp.rst())
        {
            return;
        }
        if (tcp.ack())
        {
            sendControl(remote, tcp.destinationPort(), tcp.sourcePort(), tcp.acknowledgmentNumber(), 0,
                TcpFlyweight.RST, 0, nowNs);
        }
        else
        {
            final int segLen = tcp.payloadLength() + (tcp.syn() ? 1 : 0) + (tcp.fin() ? 1 : 0);
            sendControl(remote, tcp.destinationPort(), tcp.sourcePort(), 0, tcp.sequenceNumber() + segLen,
                TcpFlyweight.RST | TcpFlyweight.ACK, 0, nowNs);
        }
    }

    /** Sends a bare segment (no options, no data): resets. */
    boolean sendControl(final int remote, final int localPort, final int remotePort, final int seq, final int ack,
        final int flags, final int window, final long nowNs)
    {
        final int length = TcpFlyweight.MIN_HEADER_LENGTH;
        if (ipv4.prepare(remote, PROTOCOL, length, TTL, 0, Ipv4.PATH_MTU_DISCOVERY, nowNs) != Ipv4.OK)
        {
            counters.increment(TcpCounter.OUT_DISCARDS);
            return false;
        }
        final TcpFlyweight out = txTcp.wrapForWrite(ipv4.segment(), ipv4.l4Offset(), length);
        out.sourcePort(localPort).destinationPort(remotePort).sequenceNumber(seq).acknowledgmentNumber(ack)
            .dataOffset(5).flags(flags).window(window).checksum(0).urgentPointer(0);
        return finish(remote, length, flags, false, nowNs);
    }

    /** Checksums the segment in {@link #txTcp} and commits it. */
    boolean finish(final int remote, final int length, final int flags, final boolean retransmission,
        final long nowNs)
    {
        if (ipv4.checksumOffload())
        {
            txTcp.checksum(InternetChecksum.pseudoHeaderSum(ipv4.address(), remote, PROTOCOL, length));
        }
        else
        {
            txTcp.checksum(txTcp.computeChecksum(ipv4.address(), remote));
        }
        if (ipv4.commit(nowNs) != Ipv4.OK)
        {
            counters.increment(TcpCounter.OUT_DISCARDS);
            return false;
        }
        counters.increment(retransmission ? TcpCounter.RETRANS_SEGS : TcpCounter.OUT_SEGS);
        if ((flags & TcpFlyweight.RST) != 0)
        {
            counters.increment(TcpCounter.OUT_RSTS);
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // ICMP errors
    // ------------------------------------------------------------------------------------------------------------

    /**
     * An ICMP error quoting one of our TCP segments (RFC 9293 §3.9.2.2 MUST-54): the quote's ports find the
     * connection and {@link TcpConnection#onIcmpError} acts on it (RFC 5927 sequence check, fragmentation needed,
     * hard and soft errors). Local errors (an unresolved next hop) are not routed here.
     *
     * @return true if a connection took the error.
     */
    @Override
    public boolean onError(final int origin, final int type, final int code, final int info,
        final Ipv4Flyweight quoted)
    {
        if (origin != ORIGIN_ICMP || quoted.protocol() != PROTOCOL || quoted.availablePayloadLength() < 8)
        {
            return false;
        }
        final MemorySegment segment = quoted.segment();
        final long at = quoted.payloadOffset();
        final int localPort = segment.get(U16, at) & 0xFFFF;
        final int remotePort = segment.get(U16, at + 2) & 0xFFFF;
        final int seq = segment.get(U32, at + 4);
        final TcpConnection connection = connections.get(key(quoted.destination(), remotePort, localPort));
        if (connection == null)
        {
            return false;
        }
        return connection.onIcmpError(type, code, info, seq, clock.nanoTime());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lifecycle
    // ------------------------------------------------------------------------------------------------------------

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("the TCP of this stack is closed");
        }
    }

    /** Ends every connection (without sending anything) and frees the buffers. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (int i = 0; i < created; i++)
        {
            pool[i].destroy();
        }
        closeChannels();
        connections.clear();
        listeners.clear();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Socket API (issue 4): explicit local ports, SO_REUSEADDR, the cross-thread channels
    // ------------------------------------------------------------------------------------------------------------

    /** Throws when a socket may not bind the port: a listener has it, or (without reuse) a connection uses it. */
    void checkBindable(final int port, final boolean reuseAddress)
    {
        checkOpen();
        if (listeners.containsKey(port))
        {
            throw new IllegalStateException("TCP port " + port + " has a listener (EADDRINUSE)");
        }
        if (!reuseAddress)
        {
            for (int i = 0; i < created; i++)
            {
                final TcpConnection c = pool[i];
                if (c.state != TcpState.CLOSED && c.localPort == port)
                {
                    throw new IllegalStateException("TCP port " + port + " is in use by a connection in " + c.state
                        + " (EADDRINUSE; set reuseAddress to bind it anyway)");
                }
            }
        }
    }

    /** An active open from a bound local port: fails when the 4-tuple is in use (TIME-WAIT included). */
    TcpConnection connectFrom(final TcpSocket socket, final int localPort, final int remoteAddress,
        final int remotePort, final long nowNs)
    {
        checkOpen();
        if (remotePort < 1 || remotePort > 65_535)
        {
            throw new IllegalArgumentException("remote port must be 1..65535: " + remotePort);
        }
        if (ipv4.nextHop(remoteAddress) == 0 || !ipv4.isUnicastPeer(remoteAddress))
        {
            throw new IllegalArgumentException("no unicast route to " + io.tachyon.ipv4.Ipv4Address.toString(
                remoteAddress));
        }
        if (listeners.containsKey(localPort))
        {
            throw new IllegalStateException("TCP port " + localPort + " has a listener (EADDRINUSE)");
        }
        final TcpConnection existing = connections.get(key(remoteAddress, remotePort, localPort));
        if (existing != null)
        {
            throw new IllegalStateException("the connection " + localPort + " -> "
                + io.tachyon.ipv4.Ipv4Address.toString(remoteAddress) + ":" + remotePort + " exists in "
                + existing.state + " (EADDRNOTAVAIL)");
        }
        final TcpConnection connection = allocate();
        if (connection == null)
        {
            throw new IllegalStateException("all " + pool.length + " TCP connections are in use");
        }
        connection.activeOpen(socket, localPort, remoteAddress, remotePort, nowNs);
        return connection;
    }

    private TcpPollable[] pollables = new TcpPollable[8];
    private int pollableCount;

    /** Registers a channel the stack serves in every duty cycle ({@link #pollChannels}). Stack thread. */
    void register(final TcpPollable pollable)
    {
        if (pollableCount == pollables.length)
        {
            pollables = java.util.Arrays.copyOf(pollables, pollableCount * 2);
        }
        pollables[pollableCount++] = pollable;
    }

    /**
     * The stack's part of the TCP channels, once per duty cycle: moves bytes between each channel's rings and its
     * socket, carries out shutdowns and closes asked by other threads, and forgets channels that are done. Stack
     * thread.
     *
     * @param nowNs the time.
     * @return the work done.
     */
    public int pollChannels(final long nowNs)
    {
        int work = 0;
        for (int i = pollableCount - 1; i >= 0; i--)
        {
            final TcpPollable pollable = pollables[i];
            work += pollable.poll(nowNs);
            if (pollable.done())
            {
                pollables[i] = pollables[--pollableCount];
                pollables[pollableCount] = null;
            }
        }
        return work;
    }

    /**
     * TCP channels (and server channels) the stack serves.
     *
     * @return the count.
     */
    public int openChannels()
    {
        return pollableCount;
    }

    /**
     * Opens a {@link TcpChannel}: a socket with the channel's options connecting to the peer. Stack thread (other
     * threads use {@code Stack.openTcpChannel}).
     *
     * @param address the remote address.
     * @param port    the remote port.
     * @param config  the channel's settings.
     * @return the channel, connecting; the stack serves it in every duty cycle.
     */
    public TcpChannel openChannel(final int address, final int port, final TcpChannelConfig config)
    {
        checkOpen();
        final TcpSocket socket = open();
        config.applyTo(socket);
        socket.connect(address, port);
        final TcpChannel channel = new TcpChannel(this, socket, config);
        register(channel.poller());
        return channel;
    }

    /**
     * Opens a {@link TcpServerChannel}: a listener whose connections become {@link TcpChannel}s. Stack thread (other
     * threads use {@code Stack.openTcpServerChannel}).
     *
     * @param port    the local port.
     * @param backlog the listener's backlog, and the most accepted channels waiting for {@code accept}.
     * @param config  the settings of the accepted channels.
     * @return the server channel; the stack serves it in every duty cycle.
     */
    public TcpServerChannel openServerChannel(final int port, final int backlog, final TcpChannelConfig config)
    {
        checkOpen();
        final TcpListener listener = listen(port, backlog);
        final TcpServerChannel server = new TcpServerChannel(this, listener, backlog, config);
        register(server.poller());
        return server;
    }

    /** The stack is closing: every channel learns it. */
    void closeChannels()
    {
        for (int i = 0; i < pollableCount; i++)
        {
            pollables[i].stackClosed();
            pollables[i] = null;
        }
        pollableCount = 0;
    }
}
