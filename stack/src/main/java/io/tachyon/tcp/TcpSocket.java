package io.tachyon.tcp;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.tachyon.ipv4.Ipv4Address;

/**
 * A TCP connection as the application sees it, on the stack thread (like {@code UdpSocket}): non-blocking
 * {@link #connect}, {@link #write} into the send buffer, {@link #read} from the receive buffer, half-close with
 * {@link #shutdownOutput()}, graceful {@link #close()} and {@link #abort()} (RST). Every byte {@code write} accepted
 * is delivered, or {@link #error()} reports why not.
 */
public final class TcpSocket implements AutoCloseable
{
    private final Tcp tcp;
    private TcpConnection connection;
    private boolean nodelay;
    private boolean connectCalled;
    private boolean outputShut;
    private boolean userClosed;
    private TcpError finalError = TcpError.NONE;
    private long finalRetransmits;

    TcpSocket(final Tcp tcp)
    {
        this.tcp = tcp;
        final TcpSocketDefaults defaults = tcp.config.socketDefaults();
        this.nodelay = defaults.nodelay();
        this.keepalive = defaults.keepalive();
        this.keepIdleNs = defaults.keepIdleNs();
        this.keepIntervalNs = defaults.keepIntervalNs();
        this.keepCount = defaults.keepCount();
        this.lingerNs = defaults.lingerNs();
        this.sendBufferBytes = tcp.config.sendBufferBytes();
        this.receiveBufferBytes = tcp.config.receiveBufferBytes();
    }

    TcpSocket(final Tcp tcp, final TcpConnection connection)
    {
        this.tcp = tcp;
        this.connection = connection;
        this.connectCalled = true;
        this.nodelay = connection.nodelay;
        this.keepalive = connection.keepalive;
        this.keepIdleNs = connection.keepIdleNs;
        this.keepIntervalNs = connection.keepIntervalNs;
        this.keepCount = connection.keepCount;
        this.lingerNs = tcp.config.socketDefaults().lingerNs();
        this.sendBufferBytes = connection.sendQueue.limit();
        this.receiveBufferBytes = connection.receiveQueue.limit();
    }

    /**
     * Starts an active open (RFC 9293 §3.10.1): sends the SYN and returns at once; poll {@link #state()} (or
     * {@link #isEstablished()}) for the outcome. The SYN is retried up to {@link TcpConfig#synRetries()} times, then
     * {@link #error()} is {@link TcpError#TIMED_OUT}.
     *
     * @param address the remote IPv4 address.
     * @param port    the remote port, 1 to 65535.
     * @return this.
     * @throws IllegalStateException    when connect was already called or the socket is closed.
     * @throws IllegalArgumentException for a bad port or an address with no route.
     */
    public TcpSocket connect(final int address, final int port)
    {
        if (userClosed)
        {
            throw new IllegalStateException("connect on a closed TCP socket");
        }
        if (connectCalled)
        {
            throw new IllegalStateException("connect called twice (the socket is " + state() + ")");
        }
        connection = boundPort != 0 ? tcp.connectFrom(this, boundPort, address, port, tcp.clock.nanoTime())
            : tcp.connect(this, address, port, tcp.clock.nanoTime());
        connectCalled = true;
        return this;
    }

    /**
     * Disables (true) or enables Nagle's algorithm (TCP_NODELAY).
     *
     * @param value true to send small segments at once.
     * @return this.
     */
    public TcpSocket nodelay(final boolean value)
    {
        nodelay = value;
        if (connection != null)
        {
            connection.nodelay = value;
            if (value)
            {
                connection.output(tcp.clock.nanoTime());
            }
        }
        return this;
    }

    boolean nodelayOption()
    {
        return nodelay;
    }

    /**
     * The connection state.
     *
     * @return CLOSED before connect and after the end.
     */
    public TcpState state()
    {
        return connection == null ? TcpState.CLOSED : connection.state;
    }

    /**
     * Whether the connection is ESTABLISHED or CLOSE-WAIT (data may be written).
     *
     * @return true when open.
     */
    public boolean isEstablished()
    {
        final TcpState state = state();
        return state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT;
    }

    /**
     * Why the connection ended, if it ended abnormally.
     *
     * @return the error, {@link TcpError#NONE} if none.
     */
    public TcpError error()
    {
        return connection == null ? finalError : connection.error;
    }

    /**
     * The last ICMP soft error of the connection (RFC 9293 §3.9.2.2 SHLD-25, RFC 1122 §4.2.3.9: destination, net or
     * host unreachable, time exceeded, parameter problem), kept until an ACK of new data shows the path works; it
     * becomes {@link #error()} if the connection times out. It never ends the connection.
     *
     * @return {@link TcpError#UNREACHABLE}, {@link TcpError#REFUSED}, or {@link TcpError#NONE}.
     */
    public TcpError softError()
    {
        return connection == null ? TcpError.NONE : connection.softError;
    }

    /**
     * The local port.
     *
     * @return the port, 0 before connect.
     */
    public int localPort()
    {
        return connection == null ? 0 : connection.localPort;
    }

    /**
     * The remote port.
     *
     * @return the port, 0 before connect.
     */
    public int remotePort()
    {
        return connection == null ? 0 : connection.remotePort;
    }

    /**
     * The remote address.
     *
     * @return the address, 0 before connect.
     */
    public int remoteAddress()
    {
        return connection == null ? 0 : connection.remoteAddress;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Writing
    // ------------------------------------------------------------------------------------------------------------

    private SendQueue writableQueue()
    {
        if (userClosed || outputShut)
        {
            throw new IllegalStateException("write after " + (userClosed ? "close" : "shutdownOutput"));
        }
        if (connection == null)
        {
            throw new IllegalStateException("write on an unconnected TCP socket");
        }
        final TcpState state = connection.state;
        if (state != TcpState.SYN_SENT && state != TcpState.SYN_RECEIVED && state != TcpState.ESTABLISHED
            && state != TcpState.CLOSE_WAIT)
        {
            throw new IllegalStateException("write on a TCP socket in " + state
                + (connection.error != TcpError.NONE ? " (" + connection.error + ")" : ""));
        }
        return connection.sendQueue;
    }

    /**
     * Copies data into the send buffer and sends what the windows allow.
     *
     * @param src    the data.
     * @param offset where it starts.
     * @param length bytes offered.
     * @return bytes accepted (0 when the buffer is full).
     * @throws IllegalStateException when the socket cannot send (not connected, closed, shut down, failed).
     */
    public int write(final MemorySegment src, final long offset, final int length)
    {
        Objects.requireNonNull(src, "src");
        final int accepted = writableQueue().write(src, offset, length);
        afterWrite(accepted);
        return accepted;
    }

    /**
     * Copies data into the send buffer and sends what the windows allow.
     *
     * @param src    the data.
     * @param offset where it starts.
     * @param length bytes offered.
     * @return bytes accepted.
     * @throws IllegalStateException when the socket cannot send.
     */
    public int write(final byte[] src, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, src.length);
        final int accepted = writableQueue().write(src, offset, length);
        afterWrite(accepted);
        return accepted;
    }

    /**
     * Copies the buffer's remaining bytes (as many as fit) into the send buffer; its position advances.
     *
     * @param src the data.
     * @return bytes accepted.
     * @throws IllegalStateException when the socket cannot send.
     */
    public int write(final ByteBuffer src)
    {
        Objects.requireNonNull(src, "src");
        final int accepted = writableQueue().write(src);
        afterWrite(accepted);
        return accepted;
    }

    private void afterWrite(final int accepted)
    {
        if (accepted > 0)
        {
            connection.output(tcp.clock.nanoTime());
        }
    }

    /**
     * Free space in the send buffer.
     *
     * @return bytes a write would accept now.
     */
    public int writable()
    {
        return connection == null || outputShut ? 0 : connection.sendQueue.writable();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading
    // ------------------------------------------------------------------------------------------------------------

    /**
     * In-order bytes waiting to be read.
     *
     * @return bytes.
     */
    public int readable()
    {
        return connection == null ? 0 : connection.receiveQueue.readable();
    }

    private ReceiveQueue readableQueue()
    {
        if (userClosed)
        {
            throw new IllegalStateException("read after close");
        }
        if (connection == null)
        {
            throw new IllegalStateException(connectCalled ? "read on a TCP socket whose connection ended ("
                + finalError + ")" : "read on an unconnected TCP socket");
        }
        return connection.receiveQueue;
    }

    /**
     * Copies received bytes out.
     *
     * @param dst    the destination.
     * @param offset where to write.
     * @param length most bytes wanted.
     * @return bytes read; 0 when none is waiting; -1 at end of stream (the peer's FIN, all data read).
     * @throws IllegalStateException after close or before connect.
     */
    public int read(final MemorySegment dst, final long offset, final int length)
    {
        Objects.requireNonNull(dst, "dst");
        final ReceiveQueue queue = readableQueue();
        final int n = queue.read(dst, offset, length);
        return afterRead(n);
    }

    /**
     * Copies received bytes out.
     *
     * @param dst    the destination.
     * @param offset where to write.
     * @param length most bytes wanted.
     * @return bytes read; 0 when none is waiting; -1 at end of stream.
     * @throws IllegalStateException after close or before connect.
     */
    public int read(final byte[] dst, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, dst.length);
        final ReceiveQueue queue = readableQueue();
        final int n = queue.read(dst, offset, length);
        return afterRead(n);
    }

    /**
     * Copies received bytes into the buffer's remaining space; its position advances.
     *
     * @param dst the destination.
     * @return bytes read; 0 when none is waiting; -1 at end of stream.
     * @throws IllegalStateException after close or before connect.
     */
    public int read(final ByteBuffer dst)
    {
        Objects.requireNonNull(dst, "dst");
        final ReceiveQueue queue = readableQueue();
        final int n = queue.read(dst);
        return afterRead(n);
    }

    private int afterRead(final int n)
    {
        final TcpConnection c = connection;
        if (n == 0)
        {
            return c.finReceived && c.receiveQueue.readable() == 0 ? -1 : 0;
        }
        // receiver window update (RFC 9293 §3.8.6.2.2): announce once the window grew by min(RCV.BUFF/2, MSS)
        if (c.state.synchronizedState() && !c.finReceived)
        {
            final ReceiveQueue q = c.receiveQueue;
            final int advertised = Math.max(0, Seq.diff(q.advertisedRightEdge(), q.rcvNxt()));
            // ...and only when the advertised window had shrunk to half the buffer or less and at least doubles
            // (as Linux's tcp_cleanup_rbuf): a reader keeping up must not turn every segment into a window update
            if (q.receiveWindow() - advertised >= Math.min(q.capacity() / 2, c.mss)
                && 2L * advertised <= q.capacity() && q.receiveWindow() >= 2L * advertised)
            {
                c.sendAck(tcp.clock.nanoTime());
            }
        }
        return n;
    }

    /**
     * Whether the peer closed its side (its FIN arrived) and every byte before it was read.
     *
     * @return true at end of stream.
     */
    public boolean isEndOfStream()
    {
        return connection != null && connection.finReceived && connection.receiveQueue.readable() == 0;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Closing
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Half-close: a FIN follows the data written so far; reading goes on. Calling it again does nothing.
     *
     * @throws IllegalStateException before connect or after close.
     */
    public void shutdownOutput()
    {
        if (userClosed)
        {
            throw new IllegalStateException("shutdownOutput after close");
        }
        if (!connectCalled)
        {
            throw new IllegalStateException("shutdownOutput on an unconnected TCP socket");
        }
        if (!outputShut && connection != null)
        {
            outputShut = true;
            connection.closeOutput(tcp.clock.nanoTime());
        }
    }

    /**
     * Graceful close (RFC 9293 §3.10.4): a FIN follows the data written; the connection finishes in the
     * background (FIN-WAIT, TIME-WAIT) and then returns to the pool. Calling it again does nothing. With SO_LINGER 0
     * ({@link #linger(long)}) it aborts instead; so it does when received data was left unread (RFC 9293 §3.6.1
     * SHLD-3, as Linux: a RST tells the peer the data was lost).
     */
    @Override
    public void close()
    {
        if (userClosed)
        {
            return;
        }
        if (lingerNs == 0 && connection != null)
        {
            lingerAborted = true;
            tcp.counters.increment(TcpCounter.LINGER_ABORTS);
            abort();
            return;
        }
        if (connection != null && connection.receiveQueue.readable() > 0 && connection.state.synchronizedState()
            && connection.state != TcpState.TIME_WAIT)
        {
            // RFC 9293 §3.6.1 SHLD-3 (and Linux): closing with received data unread sends a RST to show it was lost
            lingerAborted = lingerNs != TcpSocketDefaults.NO_LINGER;
            tcp.counters.increment(TcpCounter.ABORT_ON_CLOSE);
            abort();
            return;
        }
        userClosed = true;
        final TcpConnection c = connection;
        if (c == null)
        {
            return;
        }
        if (lingerNs > 0)
        {
            lingering = true;
            lingerDeadlineNs = tcp.clock.nanoTime() + lingerNs;
        }
        if (!outputShut)
        {
            outputShut = true;
            c.closeOutput(tcp.clock.nanoTime());
        }
        if (lingering && lingerAckedNs == NOT_YET)
        {
            if (c.sendQueue.finAcked() && c.error == TcpError.NONE)
            {
                lingerAckedNs = tcp.clock.nanoTime(); // shut down earlier and already acknowledged
            }
            else if (c.state == TcpState.CLOSED)
            {
                lingerFailed = true;
            }
        }
        if (c.state == TcpState.CLOSED && connection == c)
        {
            detach();
            c.socket = null;
            c.release();
        }
    }

    /**
     * ABORT (RFC 9293 §3.10.5): sends a RST and ends the connection at once; unsent and unread data is lost.
     */
    public void abort()
    {
        final TcpConnection c = connection;
        userClosed = true;
        outputShut = true;
        if (c != null)
        {
            c.abort(tcp.clock.nanoTime());
            if (connection == c)
            {
                detach();
                c.socket = null;
                c.release();
            }
        }
    }

    boolean userClosed()
    {
        return userClosed;
    }

    void detach()
    {
        if (connection != null)
        {
            finalError = connection.error;
            finalRetransmits = connection.retransmits;
            connection = null;
        }
    }

    void onClosed()
    {
        // the state is read through the connection until it is released
        final TcpConnection c = connection;
        if (c == null)
        {
            return;
        }
        if (lingering && lingerAckedNs == NOT_YET)
        {
            lingerFailed = c.error != TcpError.NONE || !c.sendQueue.finAcked();
            if (!lingerFailed)
            {
                lingerAckedNs = tcp.clock.nanoTime();
            }
        }
        if (handler != null && !closedSignalled)
        {
            closedSignalled = true;
            try
            {
                handler.onClosed(this, c.error);
            }
            catch (final RuntimeException ex)
            {
                tcp.counters.increment(TcpCounter.HANDLER_ERRORS);
            }
        }
    }

    void onReadable()
    {
        if (handler != null)
        {
            deliver();
        }
    }

    void onWritable()
    {
        final TcpConnection c = connection;
        if (lingering && lingerAckedNs == NOT_YET && c != null && c.sendQueue.finAcked())
        {
            lingerAckedNs = tcp.clock.nanoTime();
        }
        if (handler != null && !userClosed)
        {
            try
            {
                handler.onWritable(this);
            }
            catch (final RuntimeException ex)
            {
                tcp.counters.increment(TcpCounter.HANDLER_ERRORS);
            }
        }
    }

    void onConnected()
    {
        if (handler != null)
        {
            try
            {
                handler.onConnected(this);
            }
            catch (final RuntimeException ex)
            {
                tcp.counters.increment(TcpCounter.HANDLER_ERRORS);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Info (like TCP_INFO)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The smoothed round-trip time.
     *
     * @return nanoseconds, 0 without a sample.
     */
    public long srttNs()
    {
        return connection == null ? 0 : connection.rtt.srttNs();
    }

    /**
     * The current retransmission timeout, backoff included.
     *
     * @return nanoseconds.
     */
    public long rtoNs()
    {
        return connection == null ? 0 : connection.rtt.rtoNs();
    }

    /**
     * The congestion window.
     *
     * @return bytes, 0 before the handshake completed.
     */
    public long cwnd()
    {
        return connection == null || connection.cc == null ? 0 : connection.cc.cwnd();
    }

    /**
     * The slow start threshold.
     *
     * @return bytes, 0 before the handshake completed.
     */
    public long ssthresh()
    {
        return connection == null || connection.cc == null ? 0 : connection.cc.ssthresh();
    }

    /**
     * Segments this connection retransmitted.
     *
     * @return the count.
     */
    public long retransmits()
    {
        return connection == null ? finalRetransmits : connection.retransmits;
    }

    /**
     * Bytes sent and not yet acknowledged (SND.MAX - SND.UNA).
     *
     * @return bytes.
     */
    public long bytesInFlight()
    {
        return connection == null ? 0 : Seq.diff(connection.sndMax, connection.sndUna);
    }

    /**
     * The effective send MSS.
     *
     * @return bytes.
     */
    public int mss()
    {
        return connection == null ? 0 : connection.mss;
    }

    /**
     * The window scale shifts and negotiated options, for diagnostics.
     *
     * @return e.g. "ws=3/7 sack ts".
     */
    public String options()
    {
        final TcpConnection c = connection;
        if (c == null)
        {
            return "";
        }
        return (c.wsOk ? "ws=" + c.sndShift + "/" + c.rcvShift : "nows") + (c.sackOk ? " sack" : "")
            + (c.tsOk ? " ts" : "");
    }

    @Override
    public String toString()
    {
        return "TcpSocket[" + state() + " " + localPort() + " -> " + Ipv4Address.toString(remoteAddress()) + ":"
            + remotePort() + "]";
    }

    // ------------------------------------------------------------------------------------------------------------
    // Socket options (issue 4): keepalive, cork, linger, buffer sizes, bind and SO_REUSEADDR
    // ------------------------------------------------------------------------------------------------------------

    private static final long NOT_YET = Long.MIN_VALUE;

    private boolean keepalive;
    private long keepIdleNs;
    private long keepIntervalNs;
    private int keepCount;
    private boolean corked;
    private long lingerNs;
    private int sendBufferBytes;
    private int receiveBufferBytes;
    private int boundPort;
    private boolean reuseAddress;
    private boolean lingering;
    private long lingerDeadlineNs;
    private long lingerAckedNs = NOT_YET;
    private boolean lingerFailed;
    private boolean lingerAborted;
    private TcpHandler handler;
    private boolean closedSignalled;
    private boolean peerClosedSignalled;
    private boolean delivering;

    /** Gives a new active connection this socket's options before its SYN goes out. */
    void applyOptions(final TcpConnection c, final long nowNs)
    {
        c.keepalive = keepalive;
        c.keepIdleNs = keepIdleNs;
        c.keepIntervalNs = keepIntervalNs;
        c.keepCount = keepCount;
        c.corked = corked;
        c.sendQueue.limit(sendBufferBytes);
        c.receiveQueue.limit(receiveBufferBytes);
    }

    private void checkNotClosed(final String what)
    {
        if (userClosed)
        {
            throw new IllegalStateException(what + " on a closed TCP socket");
        }
    }

    /**
     * SO_KEEPALIVE: turns keepalive probes on or off with the current times.
     *
     * @param on true to probe idle connections.
     * @return this.
     * @throws IllegalStateException after close.
     */
    public TcpSocket keepalive(final boolean on)
    {
        return keepalive(on, keepIdleNs, keepIntervalNs, keepCount);
    }

    /**
     * SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT: after {@code idleNs} without a segment from the
     * peer (and nothing in flight) a probe {@code <SEQ=SND.NXT-1><CTL=ACK>} goes out, then one every
     * {@code intervalNs} while unanswered; after {@code count} unanswered probes the connection is reset and
     * {@link #error()} is {@link TcpError#TIMED_OUT}. Any segment from the peer starts the count over.
     *
     * @param on         SO_KEEPALIVE.
     * @param idleNs     TCP_KEEPIDLE, 1 s to 32767 s.
     * @param intervalNs TCP_KEEPINTVL, 1 s to 32767 s.
     * @param count      TCP_KEEPCNT, 1 to 127.
     * @return this.
     * @throws IllegalArgumentException naming a bad value.
     * @throws IllegalStateException    after close.
     */
    public TcpSocket keepalive(final boolean on, final long idleNs, final long intervalNs, final int count)
    {
        TcpSocketDefaults.checkKeepalive(idleNs, intervalNs, count);
        checkNotClosed("keepalive");
        final boolean enabling = on && !keepalive;
        final boolean changed = idleNs != keepIdleNs;
        keepalive = on;
        keepIdleNs = idleNs;
        keepIntervalNs = intervalNs;
        keepCount = count;
        final TcpConnection c = connection;
        if (c != null)
        {
            c.keepalive = on;
            c.keepIdleNs = idleNs;
            c.keepIntervalNs = intervalNs;
            c.keepCount = count;
            final long now = tcp.clock.nanoTime();
            if (enabling || !on)
            {
                c.startKeepalive(now);
            }
            else if (changed)
            {
                c.keepaliveChanged(now);
            }
        }
        return this;
    }

    /**
     * Whether SO_KEEPALIVE is on.
     *
     * @return true when idle connections are probed.
     */
    public boolean keepalive()
    {
        return keepalive;
    }

    /**
     * TCP_KEEPIDLE.
     *
     * @return nanoseconds.
     */
    public long keepIdleNs()
    {
        return keepIdleNs;
    }

    /**
     * TCP_KEEPINTVL.
     *
     * @return nanoseconds.
     */
    public long keepIntervalNs()
    {
        return keepIntervalNs;
    }

    /**
     * TCP_KEEPCNT.
     *
     * @return probes.
     */
    public int keepCount()
    {
        return keepCount;
    }

    /**
     * TCP_CORK: while corked only full-sized segments are sent (the FIN takes what precedes it); a partial segment
     * waits until uncorked (which sends it at once) or for the cork ceiling ({@link TcpSocketDefaults#corkCeilingNs()},
     * Linux's 200 ms).
     *
     * @param value true to cork.
     * @return this.
     * @throws IllegalStateException after close.
     */
    public TcpSocket cork(final boolean value)
    {
        checkNotClosed("cork");
        corked = value;
        if (connection != null)
        {
            connection.cork(value, tcp.clock.nanoTime());
        }
        return this;
    }

    /**
     * Whether TCP_CORK is on.
     *
     * @return true when corked.
     */
    public boolean corked()
    {
        return corked;
    }

    /**
     * TCP_NODELAY.
     *
     * @return true when Nagle's algorithm is off.
     */
    public boolean nodelay()
    {
        return nodelay;
    }

    /**
     * SO_LINGER for {@link #close()}: {@link TcpSocketDefaults#NO_LINGER} (close returns at once and the connection
     * finishes in the background), 0 (close aborts: a RST, unsent and unread data discarded), or a linger time: close
     * still returns at once on this non-blocking API, and {@link #lingerResult()} tells whether every byte and the
     * FIN were acknowledged within it (the blocking {@code TcpChannel.close()} waits for that).
     *
     * @param ns -1, 0, or up to 3600 s in nanoseconds.
     * @return this.
     * @throws IllegalArgumentException for another value.
     * @throws IllegalStateException    after close.
     */
    public TcpSocket linger(final long ns)
    {
        TcpSocketDefaults.checkLinger(ns);
        checkNotClosed("linger");
        lingerNs = ns;
        return this;
    }

    /**
     * SO_LINGER.
     *
     * @return -1 (off), 0 (abort on close) or the linger time in nanoseconds.
     */
    public long lingerNs()
    {
        return lingerNs;
    }

    /**
     * What became of {@link #close()} under SO_LINGER.
     *
     * @return {@link TcpLingerResult#NONE} unless closed with a linger time or 0.
     */
    public TcpLingerResult lingerResult()
    {
        if (lingerAborted)
        {
            return TcpLingerResult.ABORTED;
        }
        if (!lingering)
        {
            return TcpLingerResult.NONE;
        }
        if (lingerAckedNs != NOT_YET)
        {
            return lingerAckedNs - lingerDeadlineNs <= 0 ? TcpLingerResult.ACKNOWLEDGED : TcpLingerResult.TIMED_OUT;
        }
        if (tcp.clock.nanoTime() - lingerDeadlineNs >= 0)
        {
            return TcpLingerResult.TIMED_OUT;
        }
        return lingerFailed ? TcpLingerResult.FAILED : TcpLingerResult.PENDING;
    }

    /**
     * SO_SNDBUF: the most bytes the send buffer holds (written and not acknowledged), 1024 up to the stack's
     * {@link TcpConfig#sendBufferBytes()} (the memory each connection has). Lowering it below what is buffered only
     * stops further writes until acknowledgments make room.
     *
     * @param bytes the size.
     * @return this.
     * @throws IllegalArgumentException outside the range.
     * @throws IllegalStateException    after close.
     */
    public TcpSocket sendBufferSize(final int bytes)
    {
        if (bytes < 1024 || bytes > tcp.config.sendBufferBytes())
        {
            throw new IllegalArgumentException("send buffer size must be 1024.." + tcp.config.sendBufferBytes()
                + " (TcpConfig.sendBufferBytes): " + bytes);
        }
        checkNotClosed("sendBufferSize");
        sendBufferBytes = bytes;
        if (connection != null)
        {
            connection.sendQueue.limit(bytes);
        }
        return this;
    }

    /**
     * SO_SNDBUF.
     *
     * @return bytes.
     */
    public int sendBufferSize()
    {
        return sendBufferBytes;
    }

    /**
     * SO_RCVBUF: the receive window's limit, 1024 up to the stack's {@link TcpConfig#receiveBufferBytes()}. Set it
     * before connect (the window scale follows the stack's size); lowered later, the window shrinks as data is read
     * (its right edge never moves left).
     *
     * @param bytes the size.
     * @return this.
     * @throws IllegalArgumentException outside the range.
     * @throws IllegalStateException    after close.
     */
    public TcpSocket receiveBufferSize(final int bytes)
    {
        if (bytes < 1024 || bytes > tcp.config.receiveBufferBytes())
        {
            throw new IllegalArgumentException("receive buffer size must be 1024.." + tcp.config.receiveBufferBytes()
                + " (TcpConfig.receiveBufferBytes): " + bytes);
        }
        checkNotClosed("receiveBufferSize");
        receiveBufferBytes = bytes;
        if (connection != null)
        {
            connection.receiveQueue.limit(bytes);
        }
        return this;
    }

    /**
     * SO_RCVBUF.
     *
     * @return bytes.
     */
    public int receiveBufferSize()
    {
        return receiveBufferBytes;
    }

    /**
     * SO_REUSEADDR for {@link #bind(int)}: lets a socket bind a local port that connections still use (e.g. in
     * TIME-WAIT); connect then fails only if its exact 4-tuple is taken. Listeners behave as if it were set.
     *
     * @param value true to allow.
     * @return this.
     * @throws IllegalStateException after connect or close.
     */
    public TcpSocket reuseAddress(final boolean value)
    {
        checkNotClosed("reuseAddress");
        if (connectCalled)
        {
            throw new IllegalStateException("reuseAddress after connect");
        }
        reuseAddress = value;
        return this;
    }

    /**
     * SO_REUSEADDR.
     *
     * @return true when set.
     */
    public boolean reuseAddress()
    {
        return reuseAddress;
    }

    /**
     * Binds the local port the next {@link #connect} uses (instead of an ephemeral one).
     *
     * @param port 1 to 65535.
     * @return this.
     * @throws IllegalArgumentException for a bad port.
     * @throws IllegalStateException    when the port has a listener, or (without {@link #reuseAddress(boolean)})
     *                                  connections use it (EADDRINUSE); after connect or close; when bound already.
     */
    public TcpSocket bind(final int port)
    {
        if (port < 1 || port > 65_535)
        {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        checkNotClosed("bind");
        if (connectCalled)
        {
            throw new IllegalStateException("bind after connect");
        }
        if (boundPort != 0)
        {
            throw new IllegalStateException("bind called twice (bound to port " + boundPort + ")");
        }
        tcp.checkBindable(port, reuseAddress);
        boundPort = port;
        return this;
    }

    /**
     * The port given to {@link #bind(int)}.
     *
     * @return the port, 0 when not bound.
     */
    public int boundPort()
    {
        return boundPort;
    }

    // ------------------------------------------------------------------------------------------------------------
    // TCP_INFO
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Fills a TCP_INFO view with the connection's numbers (nothing is allocated).
     *
     * @param into the view to fill.
     * @return {@code into}.
     */
    public TcpInfo info(final TcpInfo into)
    {
        Objects.requireNonNull(into, "into");
        final TcpConnection c = connection;
        if (c == null)
        {
            into.clear();
            into.error = finalError;
            into.totalRetransmits = finalRetransmits;
            return into;
        }
        c.info(into, tcp.clock.nanoTime());
        return into;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Zero-copy callbacks
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Sets the zero-copy handler: from now on in-order data goes to {@link TcpHandler#onData} (data already queued is
     * offered at once), and the other events are reported. Null returns to the copying {@code read} API.
     *
     * @param value the handler, or null.
     * @return this.
     */
    public TcpSocket handler(final TcpHandler value)
    {
        handler = value;
        if (value != null && connection != null && connection.receiveQueue.readable() > 0)
        {
            deliver();
        }
        return this;
    }

    /**
     * The zero-copy handler.
     *
     * @return the handler, or null.
     */
    public TcpHandler handler()
    {
        return handler;
    }

    boolean directDelivery()
    {
        return handler != null && !delivering && !userClosed;
    }

    /** Calls the handler with bytes of a frame; returns what it consumed (clamped). */
    int deliverFromFrame(final MemorySegment segment, final long offset, final int length)
    {
        delivering = true;
        try
        {
            return callOnData(segment, offset, length);
        }
        finally
        {
            delivering = false;
        }
    }

    private int callOnData(final MemorySegment segment, final long offset, final int length)
    {
        try
        {
            final int consumed = handler.onData(this, segment, offset, length);
            return Math.max(0, Math.min(length, consumed));
        }
        catch (final RuntimeException ex)
        {
            tcp.counters.increment(TcpCounter.HANDLER_ERRORS);
            return 0;
        }
    }

    /**
     * Offers the data waiting in the receive buffer to the handler again (after it consumed less than offered), and
     * reports the end of stream once everything before the peer's FIN was consumed. The stack calls it on each
     * arrival; call it when the handler can take more.
     *
     * @return bytes the handler consumed.
     */
    public int deliver()
    {
        final TcpConnection c = connection;
        if (handler == null || delivering || c == null || userClosed)
        {
            return 0;
        }
        final ReceiveQueue q = c.receiveQueue;
        int total = 0;
        delivering = true;
        try
        {
            while (q.readable() > 0)
            {
                final int n = q.contiguousReadable();
                final int consumed = callOnData(q.ring(), q.readOffset(), n);
                if (connection != c || userClosed)
                {
                    return total;
                }
                q.consume(consumed);
                total += consumed;
                if (consumed < n || handler == null)
                {
                    break;
                }
            }
        }
        finally
        {
            delivering = false;
        }
        if (total > 0)
        {
            afterRead(total);
        }
        if (handler != null && !peerClosedSignalled && connection == c && c.finReceived && q.readable() == 0)
        {
            peerClosedSignalled = true;
            try
            {
                handler.onPeerClosed(this);
            }
            catch (final RuntimeException ex)
            {
                tcp.counters.increment(TcpCounter.HANDLER_ERRORS);
            }
        }
        return total;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Netty ByteBuf
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Copies the readable bytes of a Netty buffer (as many as fit) into the send buffer; its reader index advances by
     * the bytes accepted. The reference count is not changed.
     *
     * @param src the buffer (heap, direct or composite).
     * @return bytes accepted.
     * @throws IllegalStateException when the socket cannot send.
     */
    public int write(final ByteBuf src)
    {
        Objects.requireNonNull(src, "src");
        final SendQueue queue = writableQueue();
        final int index = src.readerIndex();
        final int length = Math.min(src.readableBytes(), queue.writable());
        int accepted;
        if (length == 0)
        {
            accepted = 0;
        }
        else if (src.hasArray())
        {
            accepted = queue.write(src.array(), src.arrayOffset() + index, length);
        }
        else if (src.nioBufferCount() == 1)
        {
            accepted = queue.write(src.internalNioBuffer(index, length));
        }
        else
        {
            accepted = 0;
            for (final ByteBuffer part : src.nioBuffers(index, length))
            {
                accepted += queue.write(part);
            }
        }
        src.readerIndex(index + accepted);
        afterWrite(accepted);
        return accepted;
    }

    /**
     * Copies received bytes into a Netty buffer's writable space (it is not grown); its writer index advances.
     *
     * @param dst the destination (heap, direct or composite).
     * @return bytes read; 0 when none is waiting; -1 at end of stream.
     * @throws IllegalStateException after close or before connect.
     */
    public int read(final ByteBuf dst)
    {
        Objects.requireNonNull(dst, "dst");
        final ReceiveQueue queue = readableQueue();
        final int index = dst.writerIndex();
        final int length = Math.min(dst.writableBytes(), queue.readable());
        int n;
        if (length == 0)
        {
            n = 0;
        }
        else if (dst.hasArray())
        {
            n = queue.read(dst.array(), dst.arrayOffset() + index, length);
        }
        else if (dst.nioBufferCount() == 1)
        {
            n = queue.read(dst.internalNioBuffer(index, length));
        }
        else
        {
            n = 0;
            for (final ByteBuffer part : dst.nioBuffers(index, length))
            {
                n += queue.read(part);
            }
        }
        dst.writerIndex(index + n);
        return afterRead(n);
    }
}
