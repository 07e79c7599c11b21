package io.tachyon.tcp;

import java.lang.foreign.MemorySegment;

import io.tachyon.ipv4.Ipv4;
import io.tachyon.stack.TimerWheel;
import io.tachyon.wire.TcpFlyweight;
import io.tachyon.wire.TcpOptions;
import io.tachyon.wire.TcpOptionsWriter;

/**
 * One connection of the pool: the RFC 9293 §3.10 event processing (OPEN, SEND, RECEIVE, CLOSE, ABORT, SEGMENT
 * ARRIVES, timeouts) over a {@link SendQueue}, a {@link ReceiveQueue}, an {@link RttEstimator} and a
 * {@link CongestionControl}. Stack thread only; no allocation on the established data path.
 */
final class TcpConnection
{
    private static final int TS_OPTION_SPACE = 12;
    private static final int NONE = -1;
    private static final int SCOREBOARD_RANGES = 64;
    private static final int MAX_RECOVERY_SENDS = 256;
    /**
     * The smallest effective send MSS a fragmentation-needed message can set: 536, the IPv4 default send MSS (RFC 9293
     * §3.7.1 MUST-15). The path MTU cache goes down to 68 octets (RFC 1191); below 576 the IP layer fragments our
     * segments (DF is set only on datagrams that fit the path MTU) rather than TCP cutting them into tiny ones, which
     * also blunts forged ICMP messages announcing a tiny MTU (RFC 5927 §7; Linux's floor is its 552-octet
     * {@code min_pmtu}).
     */
    static final int MIN_PMTU_MSS = 536;
    private static final int DESTINATION_UNREACHABLE = 3;
    private static final int FRAGMENTATION_NEEDED = 4;

    final Tcp tcp;
    final int index;
    final SendQueue sendQueue;
    final ReceiveQueue receiveQueue;
    final RttEstimator rtt;
    final SackScoreboard scoreboard;

    TcpState state = TcpState.CLOSED;
    TcpSocket socket;
    TcpListener listener;
    TcpError error = TcpError.NONE;
    long key;
    int localPort;
    int remoteAddress;
    int remotePort;

    int iss;
    int irs;
    int sndUna;
    int sndNxt;
    int sndMax;
    /** The end of the last segment sent shorter than the MSS (Linux's snd_sml): Minshall's Nagle variant. */
    private int sndSml;
    int sndWnd;
    int maxSndWnd;
    int sndWl1;
    int sndWl2;
    int sndShift;
    int rcvShift;
    int peerMss;
    int mss;
    boolean wsOk;
    boolean sackOk;
    boolean tsOk;
    int tsOffset;
    int tsRecent;
    long tsRecentNs;
    int lastAckSent;
    boolean finReceived;
    /** A FIN that arrived ahead of missing data (its sequence number in {@link #finAheadSeq}), acted on in order. */
    boolean finAhead;
    int finAheadSeq;
    boolean nodelay;
    CongestionControl cc;
    int dupAcks;
    int recover;
    int retries;
    long retransmits;
    TcpError softError = TcpError.NONE;
    private long synDeadline;

    private int rttSeq;
    private long rttSentNs;
    private boolean rttTiming;
    private int unackedSegments;
    private long rtoAt = NONE;
    private long delackAt = NONE;
    private long timeWaitAt = NONE;
    private long timerHandle = TimerWheel.NULL_HANDLE;
    private long timerDeadline;

    TcpConnection(final Tcp tcp, final int index)
    {
        this.tcp = tcp;
        this.index = index;
        final TcpConfig config = tcp.config;
        this.sendQueue = new SendQueue(config.sendBufferBytes());
        this.receiveQueue = new ReceiveQueue(config.receiveBufferBytes(), config.maxOutOfOrderBlocks());
        this.rtt = new RttEstimator();
        this.scoreboard = new SackScoreboard(SCOREBOARD_RANGES, ReceiveQueue.DEFAULT_MSS);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Opening
    // ------------------------------------------------------------------------------------------------------------

    private void reset(final int localPort, final int remoteAddress, final int remotePort, final long nowNs)
    {
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
        this.key = Tcp.key(remoteAddress, remotePort, localPort);
        final int local = tcp.ipv4.address();
        iss = tcp.isns.isn(local, localPort, remoteAddress, remotePort, nowNs);
        tsOffset = tcp.timestamps.offset(local, localPort, remoteAddress, remotePort);
        sndUna = iss;
        sndNxt = iss;
        sndMax = iss;
        sndSml = iss;
        sndWnd = 0;
        maxSndWnd = 0;
        sndWl1 = 0;
        sndWl2 = 0;
        sndShift = 0;
        rcvShift = 0;
        wsOk = false;
        sackOk = false;
        tsOk = false;
        tsRecent = 0;
        tsRecentNs = 0;
        finReceived = false;
        finAhead = false;
        nodelay = false;
        error = TcpError.NONE;
        softError = TcpError.NONE;
        dupAcks = 0;
        recover = iss - 1; // below every data octet, so the loss of the first data segment can be fast-retransmitted
        retries = 0;
        retransmits = 0;
        rttTiming = false;
        unackedSegments = 0;
        rtoAt = NONE;
        delackAt = NONE;
        timeWaitAt = NONE;
        sendQueue.open(iss + 1);
        rtt.reset();
        peerMss = ReceiveQueue.DEFAULT_MSS;
        mss = localMss();
        cc = null;
        rcvShift = receiveShift(tcp.config);
        resetOptions(nowNs);
    }

    /** The window scale we offer: the smallest shift that lets the receive buffer be advertised (0 if off). */
    static int receiveShift(final TcpConfig config)
    {
        int shift = 0;
        while (shift < ReceiveQueue.MAX_WINDOW_SHIFT && config.receiveBufferBytes() >>> shift > 65_535)
        {
            shift++;
        }
        return config.windowScaling() ? shift : 0;
    }

    /** Moves the ISN (before anything was sent): a SYN cookie, or the floor of a TIME-WAIT successor. */
    private void rebaseIss(final int newIss)
    {
        iss = newIss;
        sndUna = iss;
        sndNxt = iss;
        sndMax = iss;
        sndSml = iss;
        recover = iss - 1;
        sendQueue.open(iss + 1);
    }

    /** The MSS we announce: the link MTU and path MTU minus 40 (RFC 9293 §3.7.1, RFC 879). */
    private int localMss()
    {
        return localMss(tcp, remoteAddress);
    }

    /**
     * The MSS our SYN or SYN-ACK announces: what we can receive, the link MTU minus 40 (RFC 9293 §3.7.1 MMS_R - 20,
     * RFC 879). A lower path MTU learnt for the peer limits what we send, not what we receive (RFC 1191 §3), so it
     * is not announced (Linux's advertised MSS also follows the device MTU, not a PMTU exception).
     */
    static int announcedMss(final Tcp tcp)
    {
        return tcp.ipv4.linkMtu() - 40;
    }

    /** The largest segment we may send to {@code remote}: the link MTU and path MTU minus 40 (RFC 1191). */
    static int localMss(final Tcp tcp, final int remote)
    {
        final int pmtu = tcp.ipv4.pathMtuCache().mtu(remote, tcp.ipv4.linkMtu(), tcp.clock.nanoTime());
        return Math.min(tcp.ipv4.linkMtu(), pmtu) - 40;
    }

    void activeOpen(final TcpSocket owner, final int localPort, final int remote, final int port, final long nowNs)
    {
        reset(localPort, remote, port, nowNs);
        socket = owner;
        listener = null;
        nodelay = owner.nodelayOption();
        owner.applyOptions(this, nowNs);
        tcp.register(this);
        state = TcpState.SYN_SENT;
        tcp.counters.increment(TcpCounter.ACTIVE_OPENS);
        synDeadline = nowNs + tcp.config.synTimeoutNs();
        sendSyn(false, nowNs);
        sndNxt = iss + 1;
        sndMax = iss + 1;
        armRto(nowNs);
    }

    void passiveOpen(final TcpListener owner, final TcpFlyweight seg, final int remote, final long nowNs)
    {
        passiveOpen(owner, seg, remote, false, 0, nowNs);
    }

    /**
     * A passive open; when {@code reopen} (a SYN that ended a TIME-WAIT connection of this 4-tuple) the ISN is at
     * least {@code minIss} (RFC 9293 §3.6.1 MAY-2 (2)): the clock-driven ISN when it is already above, else
     * {@code minIss}.
     */
    void passiveOpen(final TcpListener owner, final TcpFlyweight seg, final int remote, final boolean reopen,
        final int minIss, final long nowNs)
    {
        reset(seg.destinationPort(), remote, seg.sourcePort(), nowNs);
        if (reopen && Seq.lt(iss, minIss))
        {
            rebaseIss(minIss);
        }
        socket = null;
        listener = owner;
        owner.synQueued();
        tcp.register(this);
        tcp.counters.increment(TcpCounter.PASSIVE_OPENS);
        irs = seg.sequenceNumber();
        readSynOptions(seg);
        receiveQueue.open(irs + 1, rcvShift, mss);
        sndWnd = seg.window(); // never scaled in a SYN (RFC 7323 §2.2)
        maxSndWnd = sndWnd;
        sndWl1 = irs;
        sndWl2 = iss;
        state = TcpState.SYN_RECEIVED;
        sendSyn(true, nowNs);
        sndNxt = iss + 1;
        sndMax = iss + 1;
        armRto(nowNs);
    }

    /** Parses the options of a received SYN and settles what both sides use. */
    private void readSynOptions(final TcpFlyweight seg)
    {
        final TcpOptions options = tcp.rxOptions;
        options.rewind();
        boolean peerWs = false;
        int peerShift = 0;
        boolean peerSack = false;
        boolean peerTs = false;
        while (options.next())
        {
            switch (options.kind())
            {
                case TcpOptions.KIND_MSS -> peerMss = options.mss();
                case TcpOptions.KIND_WINDOW_SCALE ->
                {
                    peerWs = true;
                    peerShift = Math.min(ReceiveQueue.MAX_WINDOW_SHIFT, options.windowScale());
                }
                case TcpOptions.KIND_SACK_PERMITTED -> peerSack = true;
                case TcpOptions.KIND_TIMESTAMPS ->
                {
                    peerTs = true;
                    tsRecent = options.timestampValue();
                    tsRecentNs = tcp.clock.nanoTime();
                }
                default ->
                {
                }
            }
        }
        wsOk = peerWs && tcp.config.windowScaling();
        sndShift = wsOk ? peerShift : 0;
        if (!wsOk)
        {
            rcvShift = 0;
        }
        sackOk = peerSack && tcp.config.sack();
        tsOk = peerTs && tcp.config.timestamps();
        final int effective = Math.min(peerMss <= 0 ? ReceiveQueue.DEFAULT_MSS : peerMss, localMss())
            - (tsOk ? TS_OPTION_SPACE : 0);
        mss = Math.max(64, effective);
    }

    /**
     * Creates the connection from the ACK that returned a valid SYN cookie (see {@link SynCookies}): ISS = SEG.ACK -
     * 1, IRS = SEG.SEQ - 1, the MSS from the cookie, and, when the ACK carries the Timestamps option, window scaling
     * and SACK from the low bits of its TSecr (the TSval of our cookie SYN-ACK); without timestamps neither. Enters
     * ESTABLISHED (and the accept queue) at once; the caller then processes the segment as an ESTABLISHED one, so
     * data it carries is taken. No RTT sample: the echoed TSval was altered to carry the options.
     */
    void cookieOpen(final TcpListener owner, final TcpFlyweight seg, final int remote, final int cookieMss,
        final long nowNs)
    {
        reset(seg.destinationPort(), remote, seg.sourcePort(), nowNs);
        rebaseIss(seg.acknowledgmentNumber() - 1);
        socket = null;
        listener = owner;
        owner.synQueued();
        tcp.register(this);
        tcp.counters.increment(TcpCounter.PASSIVE_OPENS);
        irs = seg.sequenceNumber() - 1;
        final TcpOptions options = tcp.rxOptions;
        options.rewind();
        while (options.next())
        {
            if (options.kind() == TcpOptions.KIND_TIMESTAMPS && tcp.config.timestamps()
                && options.timestampEcho() != 0)
            {
                // a TSecr of 0 echoes nothing (our cookie SYN-ACK had no timestamps): no options, as Linux
                tsOk = true;
                tsRecent = options.timestampValue();
                tsRecentNs = nowNs;
                final int bits = SynCookies.timestampOptions(options.timestampEcho());
                final int shift = SynCookies.windowScale(bits);
                wsOk = shift != SynCookies.NO_WINDOW_SCALE && tcp.config.windowScaling();
                sndShift = wsOk ? Math.min(ReceiveQueue.MAX_WINDOW_SHIFT, shift) : 0;
                sackOk = SynCookies.sackPermitted(bits) && tcp.config.sack();
            }
        }
        if (!wsOk)
        {
            rcvShift = 0;
        }
        peerMss = cookieMss;
        mss = Math.max(64, Math.min(peerMss, localMss()) - (tsOk ? TS_OPTION_SPACE : 0));
        receiveQueue.open(irs + 1, rcvShift, mss);
        receiveQueue.advertiseWindow(); // the window our SYN-ACK offered
        lastAckSent = irs + 1;
        sndUna = iss + 1;
        sndNxt = iss + 1;
        sndMax = iss + 1;
        sndWnd = seg.window() << sndShift;
        maxSndWnd = sndWnd;
        sndWl1 = seg.sequenceNumber();
        sndWl2 = seg.acknowledgmentNumber();
        state = TcpState.SYN_RECEIVED;
        established(nowNs);
    }

    /**
     * Whether a SYN (no ACK, no RST) that arrived for this connection in TIME-WAIT may open a new incarnation, per
     * RFC 6191 §2 (which refines RFC 9293 §3.6.1 MAY-2 and RFC 1122 §4.2.2.13 with timestamps). "Newer" means:
     * <ul>
     *   <li>this incarnation used timestamps and the new one would (the SYN carries the option and we offer it):
     *       SEG.TSval after TS.Recent, or equal to it with SEG.SEQ after RCV.NXT;</li>
     *   <li>otherwise: SEG.SEQ after RCV.NXT (modulo 2^32; Linux's {@code after(seq, tw_rcv_nxt)}).</li>
     * </ul>
     * Any other SYN is processed by the TIME-WAIT rules of RFC 9293 (an ACK, RFC 5961 §4).
     */
    boolean acceptsNewSyn(final TcpFlyweight seg)
    {
        final int seq = seg.sequenceNumber();
        final boolean seqNewer = Seq.gt(seq, rcvNxt());
        if (tsOk && tcp.config.timestamps())
        {
            final TcpOptions options = tcp.rxOptions;
            options.rewind();
            while (options.next())
            {
                if (options.kind() == TcpOptions.KIND_TIMESTAMPS)
                {
                    final int tsval = options.timestampValue();
                    return TcpTimestamps.before(tsRecent, tsval) || tsval == tsRecent && seqNewer;
                }
            }
        }
        return seqNewer;
    }

    private void established(final long nowNs)
    {
        if (listener != null && listener.isClosed())
        {
            // the listener closed during the handshake: the connection never reaches the application, so it ends
            // from SYN-RECEIVED with <SEQ=SND.NXT><CTL=RST>, the reset a connection that no longer exists would get
            // (Linux drops the request and resets the ACK the same way)
            listener = null;
            abort(nowNs);
            release();
            return;
        }
        state = TcpState.ESTABLISHED;
        tcp.counters.get(TcpCounter.CURR_ESTAB).increment();
        cc = tcp.congestionControl.create(mss, Math.max(2L * mss, 2L * tcp.config.sendBufferBytes()));
        rtt.onHandshakeComplete();
        scoreboard.reset(sndUna, sndMax, mss);
        startKeepalive(nowNs);
        if (listener != null)
        {
            listener.established(this);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // SEGMENT ARRIVES (RFC 9293 §3.10.7)
    // ------------------------------------------------------------------------------------------------------------

    void onSegment(final TcpFlyweight seg, final long nowNs)
    {
        onAnySegment(nowNs);
        if (state == TcpState.SYN_SENT)
        {
            onSynSent(seg, nowNs);
            return;
        }
        final int seq = seg.sequenceNumber();
        final int payload = seg.payloadLength();
        final int segLen = payload + (seg.syn() ? 1 : 0) + (seg.fin() ? 1 : 0);
        final int rcvNxt = rcvNxt();
        final int rcvWnd = Math.max(0, Seq.diff(receiveQueue.advertisedRightEdge(), receiveQueue.rcvNxt()))
            - (finReceived ? 1 : 0);
        int tsval = 0;
        int tsecr = 0;
        boolean hasTs = false;
        if (tsOk)
        {
            final TcpOptions options = tcp.rxOptions;
            options.rewind();
            while (options.next())
            {
                if (options.kind() == TcpOptions.KIND_TIMESTAMPS)
                {
                    hasTs = true;
                    tsval = options.timestampValue();
                    tsecr = options.timestampEcho();
                }
            }
        }
        // first: sequence number acceptability
        final boolean acceptable;
        if (segLen == 0)
        {
            acceptable = rcvWnd <= 0 ? seq == rcvNxt : Seq.betweenClosedOpen(rcvNxt, seq, rcvNxt + rcvWnd);
        }
        else
        {
            acceptable = rcvWnd > 0 && (Seq.betweenClosedOpen(rcvNxt, seq, rcvNxt + rcvWnd)
                || Seq.betweenClosedOpen(rcvNxt, seq + segLen - 1, rcvNxt + rcvWnd));
        }
        if (!acceptable || (hasTs && !seg.rst()
            && TcpTimestamps.paws(tsval, tsRecent, tsRecentNs, nowNs) == TcpTimestamps.PAWS_REJECT))
        {
            if (!seg.rst())
            {
                sendAck(nowNs);
                if (state == TcpState.TIME_WAIT && seg.fin() && Seq.diff(seq + segLen, rcvNxt) == 0)
                {
                    enterTimeWait(nowNs); // a retransmitted FIN restarts the 2 MSL timeout (RFC 9293 §3.10.7.4)
                }
            }
            return;
        }
        // a segment acknowledging what was never sent is discarded (RFC 9293 §3.10.7.4 fifth, RFC 5961 §5.2), so it
        // must not move TS.Recent either: a bogus TSval would make PAWS drop the peer's next valid segments (Linux
        // updates TS.Recent only after tcp_ack accepted the ACK)
        if (hasTs && !(seg.ack() && !seg.rst() && Seq.gt(seg.acknowledgmentNumber(), sndMax))
            && TcpTimestamps.updatesTsRecent(tsval, seq, tsRecent, lastAckSent))
        {
            tsRecent = tsval;
            tsRecentNs = nowNs;
        }
        // second: RST (RFC 5961 §3.2)
        if (seg.rst())
        {
            if (seq != rcvNxt)
            {
                challengeAck(nowNs);
                return;
            }
            onReset(nowNs);
            return;
        }
        // fourth: SYN in a synchronized state (RFC 5961 §4.2) or in SYN-RECEIVED
        if (seg.syn())
        {
            if (state == TcpState.SYN_RECEIVED && listener != null && seq == irs)
            {
                sendSyn(true, nowNs); // a retransmitted SYN: answer with the SYN-ACK again
                return;
            }
            challengeAck(nowNs);
            return;
        }
        // fifth: ACK
        if (!seg.ack())
        {
            return;
        }
        final int ack = seg.acknowledgmentNumber();
        if (state == TcpState.SYN_RECEIVED)
        {
            if (!Seq.betweenOpenClosed(sndUna, ack, sndMax))
            {
                tcp.sendControl(remoteAddress, localPort, remotePort, ack, 0, TcpFlyweight.RST, 0, nowNs);
                return;
            }
            if (listener != null && listener.acceptQueueFull())
            {
                // no room to queue it: drop the ACK and stay in SYN-RECEIVED; the SYN-ACK's retransmission gives the
                // peer another chance (Linux's tcp_abort_on_overflow=0)
                tcp.counters.increment(TcpCounter.LISTEN_OVERFLOWS);
                return;
            }
            sndUna = ack;
            sndWnd = seg.window() << sndShift;
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
            sndWl1 = seq;
            sndWl2 = ack;
            retries = 0;
            stopRto();
            if (hasTs && tsecr != 0)
            {
                sampleTs(tsecr, nowNs);
            }
            established(nowNs);
            if (state != TcpState.ESTABLISHED)
            {
                return;
            }
        }
        else if (!onAck(seg, seq, ack, payload, hasTs, tsecr, nowNs))
        {
            return;
        }
        switch (state)
        {
            case FIN_WAIT_1 ->
            {
                if (sendQueue.finAcked())
                {
                    state = TcpState.FIN_WAIT_2;
                }
            }
            case CLOSING ->
            {
                if (sendQueue.finAcked())
                {
                    enterTimeWait(nowNs);
                    return;
                }
            }
            case LAST_ACK ->
            {
                if (sendQueue.finAcked())
                {
                    enterClosed();
                    return;
                }
            }
            case TIME_WAIT ->
            {
                if (seg.fin())
                {
                    sendAck(nowNs);
                    enterTimeWait(nowNs);
                }
                return;
            }
            default ->
            {
            }
        }
        // seventh: segment text
        if (payload > 0 && abortOnDataAfterClose(seq, payload, nowNs))
        {
            return;
        }
        boolean ackNow = false;
        if (payload > 0 && !finReceived && (state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1
            || state == TcpState.FIN_WAIT_2))
        {
            final int before = receiveQueue.rcvNxt();
            offerData(seq, seg.segment(), seg.payloadOffset(), payload);
            if (state == TcpState.CLOSED)
            {
                return; // the data callback closed or aborted the connection
            }
            if (receiveQueue.rcvNxt() != before + payload || Seq.diff(seq, before) != 0
                || receiveQueue.outOfOrderBlocks() > 0)
            {
                ackNow = true; // out of order, duplicate or filling a hole: ACK at once (RFC 5681 §4.2)
            }
            else if (++unackedSegments >= 2)
            {
                ackNow = true;
            }
            if (socket != null)
            {
                socket.onReadable();
                if (state == TcpState.CLOSED)
                {
                    return;
                }
            }
        }
        // eighth: FIN, in order, or one that arrived before missing data which has now arrived
        if (!finReceived && (seg.fin() && Seq.diff(seq + payload, receiveQueue.rcvNxt()) == 0
            || finAhead && Seq.diff(finAheadSeq, receiveQueue.rcvNxt()) == 0))
        {
            finAhead = false;
            finReceived = true;
            ackNow = true;
            switch (state)
            {
                case SYN_RECEIVED, ESTABLISHED -> state = TcpState.CLOSE_WAIT;
                case FIN_WAIT_1 ->
                {
                    if (sendQueue.finAcked())
                    {
                        enterTimeWait(nowNs);
                    }
                    else
                    {
                        state = TcpState.CLOSING;
                    }
                }
                case FIN_WAIT_2 -> enterTimeWait(nowNs);
                default ->
                {
                }
            }
            if (socket != null)
            {
                socket.onReadable();
            }
        }
        else if (seg.fin())
        {
            ackNow = true;
            // a FIN beyond a hole whose data was all queued is kept (RFC 9293 §3.10.7.4 lets a receiver drop it, as
            // out-of-order data; Linux and FreeBSD queue it with the data), so the ACK that fills the hole covers it
            // and the peer need not retransmit it
            if (!finReceived && Seq.gt(seq + payload, receiveQueue.rcvNxt()) && (state == TcpState.ESTABLISHED
                || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2)
                && (payload == 0 || receiveQueue.lastOutsideWindow() == 0 && receiveQueue.lastDropped() == 0))
            {
                finAhead = true;
                finAheadSeq = seq + payload;
            }
        }
        output(nowNs);
        if (ackNow)
        {
            sendAck(nowNs);
        }
        else if (unackedSegments > 0 && delackAt == NONE)
        {
            delackAt = nowNs + tcp.config.delayedAckNs();
            armTimer();
        }
    }

    /** RFC 9293 §3.10.7.3, SYN-SENT. */
    private void onSynSent(final TcpFlyweight seg, final long nowNs)
    {
        final int ack = seg.acknowledgmentNumber();
        if (seg.ack() && !Seq.betweenOpenClosed(iss, ack, sndMax))
        {
            if (!seg.rst())
            {
                tcp.sendControl(remoteAddress, localPort, remotePort, ack, 0, TcpFlyweight.RST, 0, nowNs);
            }
            return;
        }
        if (seg.rst())
        {
            if (seg.ack())
            {
                error = TcpError.REFUSED;
                tcp.counters.increment(TcpCounter.ATTEMPT_FAILS);
                enterClosed();
            }
            return;
        }
        if (!seg.syn())
        {
            return;
        }
        irs = seg.sequenceNumber();
        readSynOptions(seg);
        receiveQueue.open(irs + 1, rcvShift, mss);
        if (seg.ack())
        {
            final boolean synRetransmitted = retries > 0;
            sndUna = ack;
            sndWnd = seg.window();
            maxSndWnd = sndWnd;
            sndWl1 = irs;
            sndWl2 = ack;
            retries = 0;
            stopRto();
            if (tsOk)
            {
                final TcpOptions options = tcp.rxOptions;
                options.rewind();
                while (options.next())
                {
                    if (options.kind() == TcpOptions.KIND_TIMESTAMPS && options.timestampEcho() != 0)
                    {
                        sampleTs(options.timestampEcho(), nowNs);
                    }
                }
            }
            else if (!synRetransmitted)
            {
                rtt.onSegmentRtt(nowNs - rttSentNs, false);
            }
            established(nowNs);
            sendAck(nowNs);
            output(nowNs);
            if (socket != null)
            {
                socket.onConnected();
            }
        }
        else
        {
            // simultaneous open (RFC 9293 §3.5, figure 8)
            sndWnd = seg.window();
            maxSndWnd = sndWnd;
            sndWl1 = irs;
            sndWl2 = iss;
            state = TcpState.SYN_RECEIVED;
            sendSyn(true, nowNs);
            armRto(nowNs);
        }
    }

    /** ACK processing in the synchronized states (RFC 9293 §3.10.7.4 fifth); false drops the segment. */
    private boolean onAck(final TcpFlyweight seg, final int seq, final int ack, final int payload,
        final boolean hasTs, final int tsecr, final long nowNs)
    {
        if (Seq.gt(ack, sndMax))
        {
            sendAck(nowNs); // acknowledges something not yet sent
            return false;
        }
        final int window = seg.window() << sndShift;
        final int unaBefore = sndUna;
        int newlySacked = 0;
        if (sackOk)
        {
            newlySacked = scoreboard.update(ack, tcp.rxSackEdges, readSackBlocks());
        }
        // SND.WND update (RFC 9293 §3.10.7.4: SND.WL1/SND.WL2), before anything is sent for this ACK, so SND.UNA +
        // SND.WND is always the right edge the peer offered. An ACK that moves SND.UNA carries the newest window even
        // when its sequence number is older than SND.WL1 (a retransmitted FIN or data segment; as Linux's
        // tcp_may_update_window), else SND.UNA + SND.WND would reach past that edge.
        final int wndBefore = sndWnd;
        if (Seq.leq(sndUna, ack) && (Seq.gt(ack, unaBefore) || Seq.lt(sndWl1, seq)
            || sndWl1 == seq && Seq.leq(sndWl2, ack)))
        {
            sndWnd = window;
            maxSndWnd = Math.max(maxSndWnd, window);
            if (Seq.gt(seq, sndWl1))
            {
                sndWl1 = seq;
            }
            sndWl2 = ack;
        }
        if (Seq.gt(ack, sndUna))
        {
            final int newly = sendQueue.ack(ack);
            final boolean finNowAcked = sendQueue.finAcked();
            final long ackedBytes = newly - (finNowAcked && Seq.diff(ack, sendQueue.finSeq() + 1) == 0 ? 1 : 0);
            sndUna = ack;
            if (Seq.lt(sndNxt, sndUna))
            {
                sndNxt = sndUna;
            }
            retries = 0;
            softError = TcpError.NONE; // something got through: forget the soft error (as Linux does)
            long sample = CongestionControl.NO_RTT;
            if (hasTs && tsecr != 0)
            {
                sample = sampleTs(tsecr, nowNs);
            }
            else if (rttTiming && Seq.gt(ack, rttSeq))
            {
                rttTiming = false;
                sample = nowNs - rttSentNs;
                rtt.onSegmentRtt(sample, false);
            }
            final long flight = Seq.diff(sndMax, sndUna);
            if (cc.inRecovery())
            {
                if (Seq.geq(ack, recover))
                {
                    cc.exitRecovery(nowNs, flight);
                    dupAcks = 0;
                }
                else if (sackOk)
                {
                    cc.onAck(ackedBytes, sample, nowNs, flight);
                    sackRecoveryOutput(nowNs); // RFC 6675 §5 (C): partial ACK, send what pipe allows
                }
                else
                {
                    cc.onAck(ackedBytes, sample, nowNs, flight);
                    retransmit(sndUna, nowNs); // NewReno partial ACK (RFC 6582 §3.2 step 4)
                }
            }
            else
            {
                dupAcks = 0;
                cc.onAck(ackedBytes, sample, nowNs, flight);
                if (sackOk && sndUna != sndMax && scoreboard.isLost(sndUna) && Seq.gt(ack - 1, recover))
                {
                    enterSackRecovery(nowNs); // RFC 6675 §5 step (2)/(4): IsLost(HighACK + 1)
                }
            }
            if (sndUna == sndMax)
            {
                stopRto();
            }
            else
            {
                armRto(nowNs);
            }
            if (socket != null)
            {
                socket.onWritable();
            }
        }
        else if (ack == sndUna && sndUna != sndMax
            && (payload == 0 && !seg.fin() && window == wndBefore || newlySacked > 0))
        {
            // a duplicate ACK (RFC 5681 §2; with SACK, RFC 6675 §2: one carrying new SACK information)
            dupAcks++;
            if (sackOk && cc.inRecovery())
            {
                sackRecoveryOutput(nowNs);
            }
            else if (sackOk && !cc.inRecovery() && Seq.gt(ack - 1, recover)
                && (dupAcks >= SackScoreboard.DUP_THRESH || scoreboard.isLost(sndUna)))
            {
                enterSackRecovery(nowNs);
            }
            else if (dupAcks < SackScoreboard.DUP_THRESH && !cc.inRecovery())
            {
                limitedTransmit(nowNs);
            }
            else if (dupAcks == SackScoreboard.DUP_THRESH && !cc.inRecovery() && Seq.gt(ack - 1, recover))
            {
                recover = sndMax;
                cc.enterRecovery(nowNs, Seq.diff(sndMax, sndUna));
                tcp.counters.increment(TcpCounter.FAST_RETRANS);
                retransmit(sndUna, nowNs);
                armRto(nowNs);
            }
            else if (dupAcks > SackScoreboard.DUP_THRESH)
            {
                cc.onDuplicateAck(nowNs);
            }
        }
        if (sndWnd == 0 && ack == sndUna && Seq.diff(sndMax, sndUna) == 1)
        {
            // the peer answered our zero-window probe: it is alive, so probing goes on indefinitely (RFC 9293
            // §3.8.6.1, MUST-37); only unanswered probes count against the retry limit
            retries = 0;
        }
        return true;
    }

    private long sampleTs(final int tsecr, final long nowNs)
    {
        final int ms = TcpTimestamps.rttSampleMs(TcpTimestamps.clock(nowNs, tsOffset), tsecr);
        if (ms < 0)
        {
            return CongestionControl.NO_RTT;
        }
        final long ns = ms * TcpTimestamps.TICK_NS;
        rttTiming = false;
        rtt.onTimestampRtt(ns, RttEstimator.expectedSamples(Math.max(1, Seq.diff(sndMax, sndUna)), mss));
        return ns;
    }

    /**
     * Limited transmit (RFC 3042 §2): on the first and second duplicate ACK, one new segment if the receiver's
     * window allows it and the flight stays within cwnd + 2 * SMSS; cwnd itself is not changed.
     */
    private void limitedTransmit(final long nowNs)
    {
        if (sndNxt != sndMax || !canSend())
        {
            return;
        }
        final long flight = Seq.diff(sndNxt, sndUna);
        final long rwndRoom = (sndWnd & 0xFFFF_FFFFL) - flight;
        final int unsent = Math.max(0, Seq.diff(sendQueue.writeEnd(), sndNxt));
        final int length = (int)Math.max(0, Math.min(Math.min(mss, unsent), rwndRoom));
        if (length == 0 || flight + length > cc.cwnd() + 2L * mss)
        {
            return;
        }
        final boolean fin = sendQueue.finQueued() && sndNxt + length == sendQueue.finSeq();
        if (!sendData(sndNxt, length, fin, nowNs))
        {
            return;
        }
        tcp.counters.increment(TcpCounter.LIMITED_TRANSMITS);
        sndNxt += length + (fin ? 1 : 0);
        sndMax = sndNxt;
        sendQueue.sent(sndNxt);
        scoreboard.onTransmit(sndMax);
    }

    /** Copies the SACK blocks of the received segment into {@code tcp.rxSackEdges}; returns their count. */
    private int readSackBlocks()
    {
        final TcpOptions options = tcp.rxOptions;
        final int[] edges = tcp.rxSackEdges;
        options.rewind();
        int count = 0;
        while (options.next())
        {
            if (options.kind() == TcpOptions.KIND_SACK)
            {
                final int blocks = options.sackBlockCount();
                for (int i = 0; i < blocks && count < TcpOptions.MAX_SACK_BLOCKS; i++)
                {
                    edges[2 * count] = options.sackLeftEdge(i);
                    edges[2 * count + 1] = options.sackRightEdge(i);
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * RFC 6675 §5 step (4): RecoveryPoint = HighData, ssthresh and cwnd reduced, the first hole retransmitted, then
     * as much as the pipe allows.
     */
    private void enterSackRecovery(final long nowNs)
    {
        if (Seq.lt(sndNxt, sndMax))
        {
            sndNxt = sndMax; // the holes left by a go-back-N are retransmitted by NextSeg rules (1) and (3)
            sendQueue.sent(sndNxt);
        }
        recover = sndMax;
        scoreboard.enterRecovery();
        cc.enterRecovery(nowNs, Seq.diff(sndMax, sndUna));
        tcp.counters.increment(TcpCounter.FAST_RETRANS);
        tcp.counters.increment(TcpCounter.SACK_RECOVERIES);
        final int length = recoveryLength(sndUna, Math.min(mss, Seq.diff(sndMax, sndUna)));
        if (length > 0 && sendRecoverySegment(sndUna, length, nowNs))
        {
            scoreboard.onRetransmit(sndUna, length);
        }
        armRto(nowNs);
        sackRecoveryOutput(nowNs);
    }

    /** Clips a segment [seq, seq + length) to the octets held (data and the FIN), so it can be sent. */
    private int recoveryLength(final int seq, final int length)
    {
        int end = seq + length;
        final int last = sendQueue.finSent() ? sendQueue.finSeq() + 1 : sendQueue.writeEnd();
        if (Seq.gt(end, last))
        {
            end = last;
        }
        return Math.max(0, Seq.diff(end, seq));
    }

    /** Sends [seq, seq + length) of octets already sent once, the FIN included when it is the last octet. */
    private boolean sendRecoverySegment(final int seq, final int length, final long nowNs)
    {
        final boolean fin = sendQueue.finSent() && seq + length == sendQueue.finSeq() + 1;
        rttTiming = false;
        return sendData(seq, fin ? length - 1 : length, fin, nowNs);
    }

    /**
     * RFC 6675 §5 step (C): while cwnd - pipe &ge; 1 SMSS, send the segment NextSeg chooses. The recovery window is
     * ssthresh (RFC 6675 §5 step (4.2)), not the inflated cwnd of RFC 5681 fast recovery.
     */
    private void sackRecoveryOutput(final long nowNs)
    {
        final long cwnd = Math.max(mss, cc.ssthresh());
        for (int i = 0; i < MAX_RECOVERY_SENDS && cwnd - scoreboard.pipe() >= mss; i++)
        {
            final long room = Math.min(sndWnd & 0xFFFF_FFFFL, cc.maxCwnd()) - Seq.diff(sndMax, sndUna);
            final int unsent = Math.max(0, Seq.diff(sendQueue.writeEnd(), sndMax));
            final int sendableNew = sndNxt == sndMax ? (int)Math.max(0, Math.min(unsent, room)) : 0;
            final int rule = scoreboard.nextSeg(sendableNew);
            if (rule == SackScoreboard.NONE)
            {
                return;
            }
            final int seq = scoreboard.nextSeq();
            if (rule == SackScoreboard.RULE_NEW_DATA)
            {
                final int length = Math.min(mss, scoreboard.nextLength());
                final boolean fin = sendQueue.finQueued() && seq + length == sendQueue.finSeq();
                if (!sendData(seq, length, fin, nowNs))
                {
                    return;
                }
                sndNxt = seq + length + (fin ? 1 : 0);
                sndMax = sndNxt;
                sendQueue.sent(sndNxt);
                scoreboard.onTransmit(sndMax);
                if (rtoAt == NONE)
                {
                    armRto(nowNs);
                }
                continue;
            }
            final int length = recoveryLength(seq, scoreboard.nextLength());
            if (rule == SackScoreboard.RULE_RESCUE && Seq.leq(seq + length - 1, scoreboard.highRxt()))
            {
                // RFC 6675 rule (4) probes a lost tail; when the octets it would resend were already retransmitted
                // in this recovery (HighRxt covers them) it would only duplicate that retransmission.
                return;
            }
            if (length == 0 || !sendRecoverySegment(seq, length, nowNs))
            {
                return;
            }
            if (rule != SackScoreboard.RULE_RESCUE)
            {
                scoreboard.onRetransmit(seq, length);
            }
        }
    }

    /** RFC 5961 §3.2/§4.2 challenge ACK, at most {@link Tcp#CHALLENGE_ACK_LIMIT} a second for the stack (§7). */
    private void challengeAck(final long nowNs)
    {
        if (!tcp.challengeAcks.tryTake(nowNs))
        {
            tcp.counters.increment(TcpCounter.CHALLENGE_ACKS_RATE_LIMITED);
            return;
        }
        tcp.counters.increment(TcpCounter.CHALLENGE_ACKS);
        sendAck(nowNs);
    }

    private void onReset(final long nowNs)
    {
        switch (state)
        {
            case SYN_RECEIVED ->
            {
                tcp.counters.increment(TcpCounter.ATTEMPT_FAILS);
                error = TcpError.REFUSED;
            }
            case ESTABLISHED, CLOSE_WAIT ->
            {
                tcp.counters.increment(TcpCounter.ESTAB_RESETS);
                error = TcpError.RESET;
            }
            // RFC 9293 §3.10.7.4 only says to enter CLOSED in CLOSING and LAST-ACK; an application that shut down
            // its side and still holds the socket learns of the reset there too, as on Linux (tcp_reset) and FreeBSD
            case FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK -> error = TcpError.RESET;
            default ->
            {
            }
        }
        enterClosed();
    }

    // ------------------------------------------------------------------------------------------------------------
    // State changes
    // ------------------------------------------------------------------------------------------------------------

    private void enterTimeWait(final long nowNs)
    {
        leaveEstablishedCount();
        state = TcpState.TIME_WAIT;
        rtoAt = NONE;
        delackAt = NONE;
        timeWaitAt = nowNs + tcp.config.timeWaitNs();
        armTimer();
    }

    private void leaveEstablishedCount()
    {
        if (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT)
        {
            tcp.counters.get(TcpCounter.CURR_ESTAB).add(-1);
        }
    }

    /** Enters CLOSED: the tuple is free at once; the connection returns to the pool once its socket let go. */
    void enterClosed()
    {
        if (state == TcpState.CLOSED)
        {
            return;
        }
        leaveEstablishedCount();
        if (state == TcpState.SYN_RECEIVED && listener != null)
        {
            listener.synFailed();
            listener = null;
        }
        state = TcpState.CLOSED;
        rtoAt = NONE;
        delackAt = NONE;
        timeWaitAt = NONE;
        cancelTimer();
        tcp.unregister(this);
        if (socket != null)
        {
            socket.onClosed();
        }
        if (socket == null && listener == null)
        {
            release();
        }
        else if (socket != null && socket.userClosed())
        {
            socket.detach();
            socket = null;
            release();
        }
    }

    void release()
    {
        if (state != TcpState.CLOSED)
        {
            throw new IllegalStateException("releasing a connection in " + state);
        }
        socket = null;
        listener = null;
        tcp.release(this);
    }

    /** ABORT (RFC 9293 §3.10.5): a RST for a synchronized connection, then CLOSED. */
    void abort(final long nowNs)
    {
        if (state == TcpState.CLOSED)
        {
            return;
        }
        if (state == TcpState.SYN_RECEIVED)
        {
            tcp.sendControl(remoteAddress, localPort, remotePort, sndNxt, 0, TcpFlyweight.RST, 0, nowNs);
        }
        else if (state.synchronizedState() && state != TcpState.TIME_WAIT)
        {
            // <SEQ=SND.NXT><CTL=RST> (RFC 9293 §3.10.5) with the ACK and the window, and the timestamp option that
            // RFC 7323 §3.2 says SHOULD be sent in a RST, as Linux (tcp_send_active_reset) and FreeBSD send it
            send(sndNxt, TcpFlyweight.RST | TcpFlyweight.ACK, 0, false, false, nowNs);
        }
        if (error == TcpError.NONE)
        {
            error = TcpError.ABORTED;
        }
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED)
        {
            tcp.counters.increment(TcpCounter.ATTEMPT_FAILS);
        }
        else if (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT)
        {
            tcp.counters.increment(TcpCounter.ESTAB_RESETS);
        }
        enterClosed();
    }

    /** CLOSE (RFC 9293 §3.10.4) of the sending side: queue a FIN after the data. */
    void closeOutput(final long nowNs)
    {
        switch (state)
        {
            case SYN_SENT ->
            {
                error = TcpError.ABORTED;
                enterClosed();
                return;
            }
            case ESTABLISHED ->
            {
                leaveEstablishedCount();
                state = TcpState.FIN_WAIT_1;
            }
            case CLOSE_WAIT ->
            {
                leaveEstablishedCount();
                state = TcpState.LAST_ACK;
            }
            default ->
            {
                return;
            }
        }
        sendQueue.queueFin();
        output(nowNs);
    }

    void destroy()
    {
        if (state != TcpState.CLOSED)
        {
            error = TcpError.STACK_CLOSED;
            state = TcpState.CLOSED;
            if (socket != null)
            {
                socket.onClosed();
            }
        }
        sendQueue.close();
        receiveQueue.close();
    }

    int rcvNxt()
    {
        return receiveQueue.rcvNxt() + (finReceived ? 1 : 0);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Output
    // ------------------------------------------------------------------------------------------------------------

    /** Whether data may be sent in this state. */
    private boolean canSend()
    {
        return state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT || state == TcpState.FIN_WAIT_1
            || state == TcpState.CLOSING || state == TcpState.LAST_ACK;
    }

    /**
     * Sends what the windows allow: MSS-sized segments within min(cwnd, SND.WND), Nagle (RFC 9293 §3.7.4) unless
     * NODELAY, sender silly window avoidance (RFC 9293 §3.8.6.2.1), the FIN after the last byte.
     */
    void output(final long nowNs)
    {
        if (!canSend())
        {
            return;
        }
        heldByCork = false;
        heldBySws = false;
        while (true)
        {
            final int writeEnd = sendQueue.writeEnd();
            final int unsent = Math.max(0, Seq.diff(writeEnd, sndNxt));
            final long window = Math.min(cc.cwnd(), sndWnd & 0xFFFF_FFFFL);
            final long inFlight = Seq.diff(sndNxt, sndUna);
            final long usable = window - inFlight;
            final int length = (int)Math.max(0, Math.min(Math.min(mss, unsent), usable));
            final boolean fin = sendQueue.finQueued() && sndNxt + length == sendQueue.finSeq()
                && (length == unsent);
            if (length == 0 && !(fin && Seq.leq(sndNxt, sendQueue.finSeq()) && !finInFlight()))
            {
                break;
            }
            if (length > 0 && length < mss && !fin && holdPartial(length == unsent, inFlight, length, nowNs))
            {
                break; // TCP_CORK, Nagle (RFC 9293 §3.7.4) or sender SWS avoidance (RFC 9293 §3.8.6.2.1)
            }
            if (!sendData(sndNxt, length, fin, nowNs))
            {
                if (rtoAt == NONE)
                {
                    armRto(nowNs); // no TX buffer (a local discard): retry on the timer, even for a lone FIN
                }
                break;
            }
            if (!rttTiming && !tsOk && Seq.geq(sndNxt, sndMax) && length > 0)
            {
                rttTiming = true;
                rttSeq = sndNxt;
                rttSentNs = nowNs;
            }
            sndNxt += length + (fin ? 1 : 0);
            if (length > 0 && length < mss)
            {
                sndSml = sndNxt;
            }
            sendQueue.sent(sndNxt);
            if (Seq.gt(sndNxt, sndMax))
            {
                sndMax = sndNxt;
                scoreboard.onTransmit(sndMax);
            }
            if (rtoAt == NONE)
            {
                armRto(nowNs);
            }
            if (fin)
            {
                break;
            }
        }
        if (sndUna == sndMax && Seq.diff(sendQueue.writeEnd(), sndNxt) > 0 && rtoAt == NONE)
        {
            // nothing in flight, data held back by the window: the persist timer (RFC 9293 §3.8.6.1) for a zero
            // window, the override timeout of sender SWS avoidance (§3.8.6.2.1) for a small one. Without it a lost
            // window update that opened a window too small to use would stall the connection for good.
            armRto(nowNs);
        }
        afterOutput();
    }

    private boolean finInFlight()
    {
        return sendQueue.finSent() && Seq.gt(sndNxt, sendQueue.finSeq());
    }

    /** Retransmits one segment from {@code seq}. */
    private void retransmit(final int seq, final long nowNs)
    {
        final int buffered = Math.max(0, Seq.diff(sendQueue.writeEnd(), seq));
        final int length = Math.min(mss, Math.min(buffered, Seq.diff(sndMax, seq)));
        final boolean fin = sendQueue.finSent() && seq + length == sendQueue.finSeq();
        if (length > 0 || fin)
        {
            rttTiming = false;
            sendData(seq, length, fin, nowNs);
        }
    }

    private boolean sendData(final int seq, final int length, final boolean fin, final long nowNs)
    {
        // every write pushes, so PSH goes on the segment that carries the last buffered octet (RFC 1122 §4.2.2.2:
        // the PSH bit is set in the last buffered segment; FreeBSD sets it when a segment empties the send buffer,
        // Linux on the last segment of a write), also when that segment is retransmitted
        final boolean push = length > 0 && Seq.diff(sendQueue.writeEnd(), seq + length) <= 0;
        final int flags = TcpFlyweight.ACK | (push ? TcpFlyweight.PSH : 0) | (fin ? TcpFlyweight.FIN : 0);
        return send(seq, flags, length, false, Seq.lt(seq, sndMax), nowNs);
    }

    void sendAck(final long nowNs)
    {
        // SND.MAX, not SND.NXT: after a timeout moved SND.NXT back (go-back-N) the peer may already hold octets up to
        // SND.MAX, and an ACK numbered below its RCV.NXT would be unacceptable to it (dropped with only an ACK in
        // return); both ends retransmitting would then never see each other's acknowledgments (as BSD's tcp_output)
        send(sndMax, TcpFlyweight.ACK, 0, false, false, nowNs);
    }

    private void sendSyn(final boolean withAck, final long nowNs)
    {
        rttSentNs = nowNs;
        send(iss, TcpFlyweight.SYN | (withAck ? TcpFlyweight.ACK : 0), 0, true, retries > 0, nowNs);
    }

    /** Builds and sends one segment with the current ACK, window and options. */
    private boolean send(final int seq, final int flags, final int length, final boolean syn,
        final boolean retransmission, final long nowNs)
    {
        final boolean ackFlag = (flags & TcpFlyweight.ACK) != 0;
        int sackBlocks = 0;
        if (ackFlag && sackOk && !syn)
        {
            sackBlocks = receiveQueue.sackBlocks(tcp.sackEdges,
                tsOk ? ReceiveQueue.MAX_SACK_BLOCKS_WITH_TIMESTAMPS : ReceiveQueue.MAX_SACK_BLOCKS);
            // options and data must fit the effective MSS (RFC 9293 §3.7.1): never fragment a data segment for SACK
            // blocks; send fewer (those first in the list, the most recent, matter most: RFC 2018 §4)
            final int room = mss - length; // the timestamps option is already taken off mss
            if (sackBlocks > 0 && 4 + 8 * sackBlocks > room)
            {
                sackBlocks = Math.max(0, (room - 4) / 8);
            }
        }
        final int optionsLength;
        if (syn)
        {
            final boolean offerWs = (flags & TcpFlyweight.ACK) == 0 ? tcp.config.windowScaling() : wsOk;
            final boolean offerSack = (flags & TcpFlyweight.ACK) == 0 ? tcp.config.sack() : sackOk;
            final boolean offerTs = (flags & TcpFlyweight.ACK) == 0 ? tcp.config.timestamps() : tsOk;
            optionsLength = 4 + (offerWs ? 4 : 0) + (offerTs ? 12 : offerSack ? 4 : 0);
        }
        else
        {
            optionsLength = (tsOk ? 12 : 0) + (sackBlocks > 0 ? 4 + 8 * sackBlocks : 0);
        }
        final int headerLength = TcpFlyweight.MIN_HEADER_LENGTH + optionsLength;
        final int total = headerLength + length;
        final Ipv4 ipv4 = tcp.ipv4;
        if (ipv4.prepare(remoteAddress, Tcp.PROTOCOL, total, Tcp.TTL, 0, Ipv4.PATH_MTU_DISCOVERY, nowNs) != Ipv4.OK)
        {
            tcp.counters.increment(TcpCounter.OUT_DISCARDS);
            return false;
        }
        final MemorySegment segment = ipv4.segment();
        final long at = ipv4.l4Offset();
        final int ack = ackFlag ? rcvNxt() : 0;
        int window;
        if (syn)
        {
            window = Math.min(65_535, receiveQueue.limit());
            if ((flags & TcpFlyweight.ACK) != 0)
            {
                // the SYN-ACK offers a window: record its edge, else RCV.WND stays 0 until our first non-SYN segment
                // and the peer's first data is refused as outside the window
                receiveQueue.advertiseWindow();
            }
        }
        else
        {
            window = receiveQueue.advertiseWindow() >>> receiveQueue.windowShift();
            window = Math.min(window, 65_535);
        }
        final TcpFlyweight out = tcp.txTcp.wrapForWrite(segment, at, total);
        out.sourcePort(localPort).destinationPort(remotePort).sequenceNumber(seq).acknowledgmentNumber(ack)
            .dataOffset(headerLength >>> 2).flags(flags).window(window).checksum(0).urgentPointer(0);
        final TcpOptionsWriter options = tcp.optionsWriter.wrap(segment, at + TcpFlyweight.OPTIONS_OFFSET,
            optionsLength);
        final int tsval = TcpTimestamps.clock(nowNs, tsOffset);
        if (syn)
        {
            final boolean isSynAck = (flags & TcpFlyweight.ACK) != 0;
            final boolean offerWs = !isSynAck ? tcp.config.windowScaling() : wsOk;
            final boolean offerSack = !isSynAck ? tcp.config.sack() : sackOk;
            final boolean offerTs = !isSynAck ? tcp.config.timestamps() : tsOk;
            options.mss(announcedMss(tcp));
            if (offerTs)
            {
                if (offerSack)
                {
                    options.sackPermitted();
                }
                else
                {
                    options.nop().nop();
                }
                options.timestamps(tsval, isSynAck ? tsRecent : 0);
            }
            else if (offerSack)
            {
                options.nop().nop().sackPermitted();
            }
            if (offerWs)
            {
                options.nop().windowScale(rcvShift);
            }
        }
        else
        {
            if (tsOk)
            {
                options.nop().nop().timestamps(tsval, tsRecent);
            }
            if (sackBlocks > 0)
            {
                options.nop().nop();
                final int[] edges = tcp.sackEdges;
                for (int i = 0; i < sackBlocks; i++)
                {
                    options.sackBlock(edges[2 * i], edges[2 * i + 1]);
                }
                receiveQueue.clearDsack();
            }
        }
        options.finish();
        if (length > 0)
        {
            sendQueue.peek(seq, segment, at + headerLength, length);
        }
        if (!tcp.finish(remoteAddress, total, flags, retransmission, nowNs))
        {
            return false;
        }
        if (retransmission)
        {
            retransmits++;
        }
        if (ackFlag)
        {
            lastAckSent = ack;
            unackedSegments = 0;
            if (delackAt != NONE)
            {
                delackAt = NONE;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Timers: one wheel timer per connection, at the earliest of RTO, delayed ACK and TIME-WAIT
    // ------------------------------------------------------------------------------------------------------------

    private void armRto(final long nowNs)
    {
        rtoAt = nowNs + rtt.rtoNs();
        if (synTimed() && synDeadline - rtoAt < 0)
        {
            rtoAt = synDeadline; // the give-up time of an active open is a deadline, not a retry count
        }
        armTimer();
    }

    /** Whether the SYN give-up time applies: an active open not yet synchronized (simultaneous open included). */
    private boolean synTimed()
    {
        return listener == null && (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED);
    }

    private void stopRto()
    {
        rtoAt = NONE;
    }

    private void armTimer()
    {
        long next = Long.MAX_VALUE;
        if (rtoAt != NONE)
        {
            next = rtoAt;
        }
        if (delackAt != NONE && delackAt - next < 0)
        {
            next = delackAt;
        }
        if (timeWaitAt != NONE && timeWaitAt - next < 0)
        {
            next = timeWaitAt;
        }
        next = earliest(next, keepaliveAt);
        next = earliest(next, corkAt);
        next = earliest(next, overrideAt);
        if (next == Long.MAX_VALUE)
        {
            return;
        }
        if (timerHandle != TimerWheel.NULL_HANDLE)
        {
            if (timerDeadline - next <= 0)
            {
                return; // fires first and re-arms
            }
            tcp.timers.cancel(timerHandle);
        }
        timerHandle = tcp.timers.schedule(next, Tcp.TIMER_KIND, index);
        timerDeadline = next;
    }

    private void cancelTimer()
    {
        if (timerHandle != TimerWheel.NULL_HANDLE)
        {
            tcp.timers.cancel(timerHandle);
            timerHandle = TimerWheel.NULL_HANDLE;
        }
    }

    void onTimer(final long handle, final long nowNs)
    {
        if (handle != timerHandle)
        {
            return;
        }
        timerHandle = TimerWheel.NULL_HANDLE;
        if (timeWaitAt != NONE && nowNs - timeWaitAt >= 0)
        {
            timeWaitAt = NONE;
            enterClosed();
            return;
        }
        if (delackAt != NONE && nowNs - delackAt >= 0)
        {
            delackAt = NONE;
            if (state.synchronizedState())
            {
                sendAck(nowNs);
            }
        }
        if (rtoAt != NONE && nowNs - rtoAt >= 0)
        {
            rtoAt = NONE;
            onRetransmissionTimeout(nowNs);
        }
        onOptionTimers(nowNs);
        if (state != TcpState.CLOSED)
        {
            armTimer();
        }
    }

    /** RFC 6298 §5 (5.4 to 5.6), plus the persist timer and the retry limits. */
    private void onRetransmissionTimeout(final long nowNs)
    {
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT)
        {
            return;
        }
        final boolean handshake = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        if (!handshake && sndUna == sndMax)
        {
            if (canSend())
            {
                output(nowNs); // what the driver could not take before (a local discard, e.g. a lone FIN) goes now
                if (sndUna != sndMax)
                {
                    return; // sent; output armed the timer
                }
            }
            final int unsent = Seq.diff(sendQueue.writeEnd(), sndNxt);
            if (sndWnd == 0 && unsent > 0 && canSend())
            {
                // zero-window probe: one byte beyond the window
                sendData(sndNxt, 1, false, nowNs);
                sndNxt += 1;
                sendQueue.sent(sndNxt);
                sndMax = sndNxt;
                scoreboard.onTransmit(sndMax);
                rtt.onTimeout();
                armRto(nowNs);
            }
            else if (unsent > 0 && canSend())
            {
                // nothing in flight and a usable window left unused (a lost window update, or sender SWS avoidance
                // with the override timer off): the same override as the timer's; a corked segment waits for its
                // ceiling
                if (!corked)
                {
                    overrideHeldPartial(nowNs);
                }
                if (rtoAt == NONE && sndUna == sndMax)
                {
                    armRto(nowNs);
                }
            }
            return;
        }
        retries++;
        final int limit = !handshake ? tcp.config.retries()
            : listener != null ? tcp.config.synAckRetries() : tcp.config.synRetries();
        if (retries > limit || synTimed() && nowNs - synDeadline >= 0)
        {
            tcp.counters.increment(TcpCounter.ABORT_ON_TIMEOUT);
            if (handshake)
            {
                tcp.counters.increment(TcpCounter.ATTEMPT_FAILS);
            }
            // a recorded ICMP soft error explains the timeout (RFC 1122 §4.2.3.9; Linux: sk_err_soft ?: ETIMEDOUT)
            error = softError != TcpError.NONE ? softError : TcpError.TIMED_OUT;
            enterClosed();
            return;
        }
        tcp.counters.increment(TcpCounter.TIMEOUTS);
        rtt.onTimeout();
        rttTiming = false;
        if (handshake)
        {
            sendSyn(state == TcpState.SYN_RECEIVED, nowNs);
        }
        else
        {
            cc.onRetransmissionTimeout(nowNs, Seq.diff(sndMax, sndUna));
            // RFC 6675 §5.1 allows keeping the SACK information; we expunge it (RFC 2018 §8: the receiver may renege)
            scoreboard.onRetransmissionTimeout(false);
            recover = sndMax;
            dupAcks = 0;
            sndNxt = sndUna; // go back N (RFC 5681 §3.1, RFC 6298 5.4)
            retransmit(sndUna, nowNs);
            final int length = Math.min(mss, Math.max(0, Seq.diff(sndMax, sndUna)));
            sndNxt = sndUna + length;
            if (sendQueue.finSent() && sndNxt == sendQueue.finSeq() && Seq.gt(sndMax, sndNxt))
            {
                sndNxt++;
            }
        }
        armRto(nowNs);
    }

    // ------------------------------------------------------------------------------------------------------------
    // ICMP errors (RFC 9293 §3.9.2.2, RFC 1122 §4.2.3.9, RFC 5927, RFC 1191)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * An ICMP error quoting a segment of this connection whose sequence number is {@code seq}.
     * <ul>
     *   <li>The quoted sequence number must satisfy SND.UNA =&lt; SEG.SEQ &lt; SND.NXT (RFC 5927 §4.1, as FreeBSD;
     *       SND.NXT is the highest sent, SND.MAX here, after a go-back-N): only a segment still unacknowledged can
     *       have met the error. Else the message is counted ({@link TcpCounter#OUT_OF_WINDOW_ICMPS}) and
     *       ignored. (Linux also takes SND.NXT itself, the sequence number of a bare ACK.)</li>
     *   <li>Fragmentation needed: the effective send MSS drops to the new path MTU - 40 (less the timestamp option),
     *       never below {@link #MIN_PMTU_MSS}; what is in flight is sent again in segments that fit.</li>
     *   <li>Hard errors (destination unreachable: protocol 2, port 3, administratively prohibited 9, 10, 13) end a
     *       connection attempt: SYN-SENT with {@link TcpError#REFUSED} (port) or {@link TcpError#UNREACHABLE}; a
     *       passive SYN-RECEIVED connection is dropped. In the synchronized states they are treated as soft errors
     *       (RFC 5927 §4.2, as Linux does), so a forged ICMP message cannot end an established connection.</li>
     *   <li>Soft errors (the other unreachable codes, time exceeded, parameter problem) never abort (MUST-56): they
     *       are recorded ({@link TcpSocket#softError()}) and become the connection's error if it times out.</li>
     * </ul>
     *
     * @return true when the error concerned this connection (it passed the sequence check).
     */
    boolean onIcmpError(final int type, final int code, final int info, final int seq, final long nowNs)
    {
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT)
        {
            return false;
        }
        if (!Seq.betweenClosedOpen(sndUna, seq, sndMax))
        {
            tcp.counters.increment(TcpCounter.OUT_OF_WINDOW_ICMPS);
            return false;
        }
        if (type == DESTINATION_UNREACHABLE && code == FRAGMENTATION_NEEDED)
        {
            pathMtuReduced(info, nowNs);
            return true;
        }
        final boolean hard = type == DESTINATION_UNREACHABLE && (code == 2 || code == 3 || code == 9 || code == 10
            || code == 13);
        if (hard && state == TcpState.SYN_SENT || hard && state == TcpState.SYN_RECEIVED && listener != null)
        {
            tcp.counters.increment(TcpCounter.ICMP_HARD_ERRORS);
            tcp.counters.increment(TcpCounter.ATTEMPT_FAILS);
            error = code == 3 ? TcpError.REFUSED : TcpError.UNREACHABLE;
            enterClosed();
            return true;
        }
        tcp.counters.increment(TcpCounter.ICMP_SOFT_ERRORS);
        softError = code == 3 && type == DESTINATION_UNREACHABLE ? TcpError.REFUSED : TcpError.UNREACHABLE;
        return true;
    }

    /** RFC 1191 §6.4 (and RFC 9293 §3.7.3 SHLD-6): the send MSS follows the lower path MTU. */
    private void pathMtuReduced(final int pathMtu, final long nowNs)
    {
        if (pathMtu <= 0)
        {
            return;
        }
        final int candidate = Math.max(MIN_PMTU_MSS, pathMtu - 40) - (tsOk ? TS_OPTION_SPACE : 0);
        if (candidate >= mss)
        {
            return;
        }
        mss = candidate;
        tcp.counters.increment(TcpCounter.PMTU_MSS_REDUCTIONS);
        if (!canSend() || sndUna == sndMax)
        {
            return;
        }
        // what is in flight was cut for the old MSS and was lost: send it again at once in segments that fit
        // (Linux's tcp_simple_retransmit; no congestion response, the loss was not congestion). All of it, within
        // cwnd: it was sent before, so Nagle's rule does not hold back its last, partial segment
        rttTiming = false;
        int seq = sndUna;
        final long cwnd = cc == null ? mss : Math.max(mss, cc.cwnd());
        while (Seq.lt(seq, sndMax) && Seq.diff(seq, sndUna) < cwnd)
        {
            final int length = Math.min(mss, Math.min(Math.max(0, Seq.diff(sendQueue.writeEnd(), seq)),
                Seq.diff(sndMax, seq)));
            final boolean fin = sendQueue.finSent() && seq + length == sendQueue.finSeq();
            if (length == 0 && !fin)
            {
                break;
            }
            retransmit(seq, nowNs);
            seq += length + (fin ? 1 : 0);
        }
        sndNxt = seq;
        output(nowNs);
        armRto(nowNs);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Socket options: keepalive, TCP_CORK, the SWS override timer, zero-copy delivery, TCP_INFO
    // ------------------------------------------------------------------------------------------------------------

    boolean keepalive;
    long keepIdleNs;
    long keepIntervalNs;
    int keepCount;
    int keepaliveProbes;
    long keepaliveProbesSent;
    boolean corked;
    long corkCeilingNs;
    long overrideTimeoutNs;
    long lastReceivedNs;
    long swsOverrides;
    private long keepaliveAt = NONE;
    private long corkAt = NONE;
    private long overrideAt = NONE;
    private boolean forcePartial;
    private boolean heldByCork;
    private boolean heldBySws;

    /** Sets the options of a new connection from the stack's defaults (the socket may change them after). */
    private void resetOptions(final long nowNs)
    {
        final TcpSocketDefaults defaults = tcp.config.socketDefaults();
        keepalive = defaults.keepalive();
        keepIdleNs = defaults.keepIdleNs();
        keepIntervalNs = defaults.keepIntervalNs();
        keepCount = defaults.keepCount();
        nodelay = defaults.nodelay();
        corkCeilingNs = defaults.corkCeilingNs();
        overrideTimeoutNs = defaults.overrideTimeoutNs();
        keepaliveProbes = 0;
        keepaliveProbesSent = 0;
        swsOverrides = 0;
        corked = false;
        lastReceivedNs = nowNs;
        keepaliveAt = NONE;
        corkAt = NONE;
        overrideAt = NONE;
        forcePartial = false;
        heldByCork = false;
        heldBySws = false;
        sendQueue.limit(sendQueue.capacity());
        receiveQueue.limit(receiveQueue.capacity());
    }

    private static long earliest(final long next, final long at)
    {
        return at != NONE && at - next < 0 ? at : next;
    }

    /** Every segment that reaches the connection shows the peer is alive: keepalive starts over. */
    private void onAnySegment(final long nowNs)
    {
        lastReceivedNs = nowNs;
        keepaliveProbes = 0;
    }

    private boolean keepaliveState()
    {
        return state.synchronizedState() && state != TcpState.TIME_WAIT;
    }

    /** Arms keepalive one idle time from now (on establishment and when SO_KEEPALIVE is turned on). */
    void startKeepalive(final long nowNs)
    {
        if (keepalive && keepaliveState())
        {
            keepaliveAt = nowNs + keepIdleNs;
            armTimer();
        }
        else
        {
            keepaliveAt = NONE;
        }
    }

    /** The keepalive times changed: the next probe is one idle time after the last segment received. */
    void keepaliveChanged(final long nowNs)
    {
        if (keepalive && keepaliveState())
        {
            final long at = lastReceivedNs + keepIdleNs;
            keepaliveAt = at - nowNs < 0 ? nowNs : at;
            armTimer();
        }
        else
        {
            keepaliveAt = NONE;
        }
    }

    /**
     * The keepalive timer (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6; timing as Linux's tcp_keepalive_timer): with nothing
     * in flight or queued and nothing received for the idle time, a probe {@code <SEQ=SND.NXT-1><CTL=ACK>} with no
     * data, then one per interval while unanswered; after the count of unanswered probes the connection is reset
     * with {@link TcpError#TIMED_OUT}.
     */
    private void onKeepaliveTimer(final long nowNs)
    {
        keepaliveAt = NONE;
        if (!keepalive || !keepaliveState())
        {
            return;
        }
        if (sndUna != sndMax || Seq.diff(sendQueue.writeEnd(), sndNxt) > 0
            || sendQueue.finQueued() && !sendQueue.finSent())
        {
            keepaliveAt = nowNs + keepIdleNs; // the retransmission or persist timer watches the peer meanwhile
            return;
        }
        if (nowNs - lastReceivedNs < keepIdleNs)
        {
            keepaliveAt = lastReceivedNs + keepIdleNs;
            return;
        }
        if (keepaliveProbes >= keepCount)
        {
            tcp.counters.increment(TcpCounter.KEEPALIVE_ABORTS);
            error = TcpError.TIMED_OUT;
            abort(nowNs);
            return;
        }
        send(sndNxt - 1, TcpFlyweight.ACK, 0, false, false, nowNs);
        keepaliveProbes++;
        keepaliveProbesSent++;
        tcp.counters.increment(TcpCounter.KEEPALIVE_PROBES);
        keepaliveAt = nowNs + keepIntervalNs;
    }

    /**
     * Whether {@link #output} holds back a partial segment: while corked (until the cork ceiling), else by Nagle's
     * algorithm or sender SWS avoidance (until the override timeout). Arms the matching timer.
     */
    private boolean holdPartial(final boolean allQueued, final long inFlight, final int length, final long nowNs)
    {
        if (forcePartial)
        {
            return false;
        }
        if (corked)
        {
            heldByCork = true;
            if (corkAt == NONE)
            {
                corkAt = nowNs + corkCeilingNs;
                armTimer();
            }
            return true;
        }
        // Nagle with Minshall's variant (as Linux's tcp_minshall_check): a partial segment waits only while an
        // earlier partial segment is unacknowledged, so a response of N full segments and a tail goes out at once
        final boolean nagle = allQueued && inFlight > 0 && !nodelay && Seq.gt(sndSml, sndUna)
            && Seq.leq(sndSml, sndNxt);
        final boolean sws = !allQueued && length < maxSndWnd / 2;
        if (!nagle && !sws)
        {
            return false;
        }
        heldBySws = true;
        if (overrideTimeoutNs > 0 && overrideAt == NONE)
        {
            overrideAt = nowNs + overrideTimeoutNs;
            armTimer();
        }
        return true;
    }

    /** Forgets the cork and override deadlines when the last output held nothing back. */
    private void afterOutput()
    {
        if (!heldByCork)
        {
            corkAt = NONE;
        }
        if (!heldBySws)
        {
            overrideAt = NONE;
        }
    }

    /** The sender SWS override (RFC 9293 §3.8.6.2.1): sends what Nagle or SWS avoidance held, counted when sent. */
    private void overrideHeldPartial(final long nowNs)
    {
        final int sentBefore = sndMax;
        pushPartial(nowNs);
        if (sndMax != sentBefore)
        {
            swsOverrides++;
            tcp.counters.increment(TcpCounter.SWS_OVERRIDES);
        }
    }

    /** Sends a partial segment that cork, Nagle or SWS avoidance would hold (uncork, cork ceiling, override). */
    private void pushPartial(final long nowNs)
    {
        forcePartial = true;
        try
        {
            output(nowNs);
        }
        finally
        {
            forcePartial = false;
        }
    }

    /**
     * TCP_CORK: while corked only full segments go out (and the FIN with what precedes it); uncorking sends the
     * partial segment at once, Nagle notwithstanding (as Linux's TCP_NAGLE_PUSH).
     */
    void cork(final boolean value, final long nowNs)
    {
        if (corked == value)
        {
            return;
        }
        corked = value;
        if (!value)
        {
            corkAt = NONE;
            pushPartial(nowNs);
        }
    }

    private void onOptionTimers(final long nowNs)
    {
        if (state == TcpState.CLOSED)
        {
            return;
        }
        if (corkAt != NONE && nowNs - corkAt >= 0)
        {
            corkAt = NONE;
            pushPartial(nowNs); // Linux's 200 ms ceiling on TCP_CORK
        }
        if (overrideAt != NONE && nowNs - overrideAt >= 0)
        {
            overrideAt = NONE;
            overrideHeldPartial(nowNs);
        }
        if (keepaliveAt != NONE && nowNs - keepaliveAt >= 0)
        {
            onKeepaliveTimer(nowNs);
        }
    }

    /**
     * Hands in-order data to the socket's zero-copy handler straight from the frame when nothing is queued before
     * it; what the handler does not consume (and all data otherwise) goes to the receive queue.
     */
    private void offerData(final int seq, final MemorySegment segment, final long offset, final int length)
    {
        final TcpSocket owner = socket;
        if (owner != null && owner.directDelivery() && seq == receiveQueue.rcvNxt() && receiveQueue.readable() == 0
            && receiveQueue.outOfOrderBlocks() == 0 && length <= receiveQueue.freeSpace())
        {
            final int consumed = owner.deliverFromFrame(segment, offset, length);
            if (state == TcpState.CLOSED)
            {
                return;
            }
            receiveQueue.skip(consumed);
            if (consumed < length)
            {
                receiveQueue.offer(seq + consumed, segment, offset + consumed, length - consumed);
            }
            return;
        }
        receiveQueue.offer(seq, segment, offset, length);
    }

    /** Fills a TCP_INFO view. */
    void info(final TcpInfo into, final long nowNs)
    {
        into.state = state;
        into.error = error;
        into.srttNs = rtt.srttNs();
        into.rttvarNs = rtt.rttvarNs();
        into.rtoNs = rtt.rtoNs();
        into.cwnd = cc == null ? 0 : cc.cwnd();
        into.ssthresh = cc == null ? 0 : cc.ssthresh();
        into.retries = retries;
        into.totalRetransmits = retransmits;
        into.bytesInFlight = Math.max(0, Seq.diff(sndMax, sndUna));
        into.sndMss = mss;
        into.rcvMss = announcedMss(tcp);
        into.sndWnd = sndWnd & 0xFFFF_FFFFL;
        into.rcvWnd = Math.max(0, Seq.diff(receiveQueue.advertisedRightEdge(), receiveQueue.rcvNxt()));
        into.bytesAcked = sendQueue.bytesAcked();
        into.bytesReceived = receiveQueue.bytesInOrder();
        into.bytesWritten = sendQueue.bytesWritten();
        into.unacked = sendQueue.inFlight();
        into.unsent = sendQueue.unsent();
        into.readable = receiveQueue.readable();
        into.windowScaling = wsOk;
        into.sndWscale = wsOk ? sndShift : 0;
        into.rcvWscale = wsOk ? rcvShift : 0;
        into.sack = sackOk;
        into.timestamps = tsOk;
        into.keepaliveProbes = keepaliveProbes;
        into.keepaliveProbesSent = keepaliveProbesSent;
        into.swsOverrides = swsOverrides;
        into.lastReceivedAgoNs = nowNs - lastReceivedNs;
        into.dupAcks = dupAcks;
    }

    /**
     * New data for a connection the application closed cannot be read by anyone: RFC 9293 §3.6.1 SHLD-3 (and Linux's
     * TCPAbortOnData) answer it with a RST to show it was lost.
     */
    private boolean abortOnDataAfterClose(final int seq, final int payload, final long nowNs)
    {
        if (socket == null || !socket.userClosed() || state != TcpState.FIN_WAIT_1 && state != TcpState.FIN_WAIT_2
            || !Seq.gt(seq + payload, rcvNxt()))
        {
            return false;
        }
        tcp.counters.increment(TcpCounter.ABORT_ON_DATA);
        abort(nowNs);
        return true;
    }
}
