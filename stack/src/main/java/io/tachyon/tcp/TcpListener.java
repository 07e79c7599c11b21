package io.tachyon.tcp;

/**
 * A listening TCP port (RFC 9293 §3.10.1 passive OPEN) with two bounded queues sized from the backlog, as Linux
 * sizes them since 4.x ({@code inet_csk_reqsk_queue_is_full}, {@code sk_acceptq_is_full}):
 * <ul>
 *   <li>the <b>SYN queue</b>: half-open connections (SYN-RECEIVED), at most {@code backlog}. A SYN that finds it
 *       full is answered with a SYN cookie when {@link TcpConfig#synCookies()} is on
 *       ({@link TcpCounter#SYN_COOKIES_SENT}, no state kept), else dropped ({@link TcpCounter#SYN_QUEUE_DROPS});</li>
 *   <li>the <b>accept queue</b>: established connections not yet taken by {@link #accept()}, at most
 *       {@code backlog} (Linux admits {@code backlog + 1}). While it is full, new SYNs are dropped and so is the ACK
 *       that would complete a handshake, which leaves that connection in SYN-RECEIVED to retransmit its SYN-ACK
 *       (Linux's {@code tcp_abort_on_overflow=0}); each such drop counts {@link TcpCounter#LISTEN_OVERFLOWS}.</li>
 * </ul>
 * Memory under a SYN flood is bounded: at most {@code backlog} pool connections per listener are half-open (and
 * never more than {@link TcpConfig#maxConnections()} in all); beyond that SYN cookies keep no state. A SYN that finds
 * the connection pool exhausted is treated like one that finds the SYN queue full (a cookie, or a drop counted as
 * {@link TcpCounter#POOL_EXHAUSTED}). Stack thread only.
 */
public final class TcpListener implements AutoCloseable
{
    private final Tcp tcp;
    private final int port;
    private final int backlog;
    private final TcpConnection[] acceptQueue;
    private int head;
    private int acceptCount;
    private int synCount;
    private boolean closed;
    private boolean cookiesSent;
    private long lastCookieNs;

    TcpListener(final Tcp tcp, final int port, final int backlog)
    {
        this.tcp = tcp;
        this.port = port;
        this.backlog = backlog;
        this.acceptQueue = new TcpConnection[backlog];
    }

    /**
     * The local port.
     *
     * @return 1 to 65535.
     */
    public int port()
    {
        return port;
    }

    /**
     * The backlog given to listen.
     *
     * @return the most connections waiting.
     */
    public int backlog()
    {
        return backlog;
    }

    /**
     * Connections waiting for {@link #accept()}.
     *
     * @return the count.
     */
    public int pending()
    {
        return acceptCount;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Takes the oldest established connection.
     *
     * @return its socket, or null when none waits.
     * @throws IllegalStateException after {@link #close()}.
     */
    public TcpSocket accept()
    {
        if (closed)
        {
            throw new IllegalStateException("accept on the closed listener of port " + port);
        }
        while (acceptCount > 0)
        {
            final TcpConnection connection = acceptQueue[head];
            acceptQueue[head] = null;
            head = head + 1 == acceptQueue.length ? 0 : head + 1;
            acceptCount--;
            connection.listener = null;
            if (connection.state != TcpState.CLOSED)
            {
                final TcpSocket socket = new TcpSocket(tcp, connection);
                connection.socket = socket;
                inherit(socket);
                return socket;
            }
            connection.release();
        }
        return null;
    }

    /**
     * Half-open connections (SYN-RECEIVED) in the SYN queue.
     *
     * @return the count, at most {@link #backlog()}.
     */
    public int synQueueLength()
    {
        return synCount;
    }

    boolean synQueueFull()
    {
        return synCount >= backlog;
    }

    boolean acceptQueueFull()
    {
        return acceptCount >= backlog;
    }

    /** A SYN cookie was sent now. */
    void cookieSent(final long nowNs)
    {
        cookiesSent = true;
        lastCookieNs = nowNs;
    }

    /**
     * Whether an ACK may carry one of our cookies: one was sent in the last two cookie periods (the life of a
     * cookie). Like Linux's {@code tcp_synq_no_recent_overflow}, a listener that sent no cookie lately does not run
     * the check, so stray ACKs are reset without hashing.
     */
    boolean cookiesRecent(final long nowNs)
    {
        return cookiesSent && nowNs - lastCookieNs < SynCookies.MAX_AGE * SynCookies.PERIOD_NS;
    }

    void synQueued()
    {
        synCount++;
    }

    void synFailed()
    {
        synCount--;
    }

    void established(final TcpConnection connection)
    {
        if (acceptHandler != null)
        {
            handOver(connection);
            return;
        }
        synCount--;
        acceptQueue[(head + acceptCount) % acceptQueue.length] = connection;
        acceptCount++;
    }

    /**
     * Stops listening: connections not yet accepted are reset (RFC 9293 §3.10.4: pending connections are aborted).
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        tcp.removeListener(this);
        while (acceptCount > 0)
        {
            final TcpConnection connection = acceptQueue[head];
            acceptQueue[head] = null;
            head = head + 1 == acceptQueue.length ? 0 : head + 1;
            acceptCount--;
            connection.listener = null;
            connection.abort(tcp.clock.nanoTime());
            connection.release();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Accept callback (issue 4)
    // ------------------------------------------------------------------------------------------------------------

    private TcpAcceptHandler acceptHandler;

    /**
     * Sets the accept callback: each connection that completes its handshake is handed to it at once (on the stack
     * thread) instead of waiting for {@link #accept()}. Null returns to the accept queue.
     *
     * @param value the handler, or null.
     * @return this.
     */
    public TcpListener acceptHandler(final TcpAcceptHandler value)
    {
        acceptHandler = value;
        return this;
    }

    /**
     * The accept callback.
     *
     * @return the handler, or null.
     */
    public TcpAcceptHandler acceptHandler()
    {
        return acceptHandler;
    }

    private void handOver(final TcpConnection connection)
    {
        synCount--;
        connection.listener = null;
        final TcpSocket socket = new TcpSocket(tcp, connection);
        connection.socket = socket;
        try
        {
            inherit(socket);
            acceptHandler.onAccept(this, socket);
        }
        catch (final RuntimeException ex)
        {
            tcp.counters.increment(TcpCounter.HANDLER_ERRORS);
            socket.abort();
        }
    }

    private TcpSocketDefaults inherited;

    /**
     * The options accepted sockets inherit (as Linux's accepted sockets inherit TCP_NODELAY, SO_KEEPALIVE with its
     * times, and SO_LINGER from the listening socket); without them they start from the stack's
     * {@link TcpConfig#socketDefaults()}. They are applied when the connection is handed to the application
     * ({@link #accept()} or the accept callback).
     *
     * @param value the options, or null for the stack's defaults.
     * @return this.
     */
    public TcpListener acceptedSocketDefaults(final TcpSocketDefaults value)
    {
        inherited = value;
        return this;
    }

    /**
     * The options accepted sockets inherit.
     *
     * @return the options, or null for the stack's defaults.
     */
    public TcpSocketDefaults acceptedSocketDefaults()
    {
        return inherited;
    }

    private void inherit(final TcpSocket socket)
    {
        final TcpSocketDefaults d = inherited;
        if (d != null)
        {
            socket.nodelay(d.nodelay()).linger(d.lingerNs())
                .keepalive(d.keepalive(), d.keepIdleNs(), d.keepIntervalNs(), d.keepCount());
        }
    }
}
