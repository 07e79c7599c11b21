package io.tachyon.tcp;

/**
 * The socket options every new connection of a stack starts with (a {@link TcpSocket} may change each of them for
 * itself). Immutable and validated; start from {@link #LINUX} and change what you need with the {@code with}
 * methods, which name the bad value.
 *
 * @param keepalive         SO_KEEPALIVE: whether idle connections are probed (off by default, as on Linux).
 * @param keepIdleNs        TCP_KEEPIDLE: idle time before the first probe (Linux: 7200 s), 1 s to 32767 s.
 * @param keepIntervalNs    TCP_KEEPINTVL: time between unanswered probes (Linux: 75 s), 1 s to 32767 s.
 * @param keepCount         TCP_KEEPCNT: unanswered probes before the connection is reset (Linux: 9), 1 to 127.
 * @param nodelay           TCP_NODELAY: whether Nagle's algorithm is off.
 * @param lingerNs          SO_LINGER: {@link #NO_LINGER} (off: close returns at once, the connection finishes in the
 *                          background), 0 (close aborts with a RST) or a positive linger time, at most 3600 s.
 * @param overrideTimeoutNs the sender's SWS override timeout (RFC 9293 §3.8.6.2.1, RFC 1122 §4.2.3.4: 0.1 s to
 *                          1 s): a partial segment that Nagle's algorithm or sender SWS avoidance holds back goes
 *                          out after this long; 0 disables it.
 * @param corkCeilingNs     how long TCP_CORK may hold a partial segment (Linux: 200 ms), 1 ms to 1 s.
 */
public record TcpSocketDefaults(
    boolean keepalive,
    long keepIdleNs,
    long keepIntervalNs,
    int keepCount,
    boolean nodelay,
    long lingerNs,
    long overrideTimeoutNs,
    long corkCeilingNs)
{
    /** {@link #lingerNs()} value: SO_LINGER off. */
    public static final long NO_LINGER = -1;

    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** Linux's defaults: keepalive off, 7200 s / 75 s / 9, Nagle on, no linger, override 200 ms, cork 200 ms. */
    public static final TcpSocketDefaults LINUX = new TcpSocketDefaults(false, 7200 * SECOND, 75 * SECOND, 9, false,
        NO_LINGER, 200 * MS, 200 * MS);

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the bad value.
     */
    public TcpSocketDefaults
    {
        checkKeepalive(keepIdleNs, keepIntervalNs, keepCount);
        checkLinger(lingerNs);
        if (overrideTimeoutNs != 0 && (overrideTimeoutNs < 100 * MS || overrideTimeoutNs > SECOND))
        {
            throw new IllegalArgumentException("overrideTimeoutNs must be 0 (off) or 100 ms to 1 s (RFC 1122 "
                + "§4.2.3.4): " + overrideTimeoutNs);
        }
        if (corkCeilingNs < MS || corkCeilingNs > SECOND)
        {
            throw new IllegalArgumentException("corkCeilingNs must be 1 ms to 1 s: " + corkCeilingNs);
        }
    }

    static void checkKeepalive(final long idleNs, final long intervalNs, final int count)
    {
        if (idleNs < SECOND || idleNs > 32_767 * SECOND)
        {
            throw new IllegalArgumentException("keepalive idle time must be 1 s to 32767 s (TCP_KEEPIDLE): "
                + idleNs + " ns");
        }
        if (intervalNs < SECOND || intervalNs > 32_767 * SECOND)
        {
            throw new IllegalArgumentException("keepalive interval must be 1 s to 32767 s (TCP_KEEPINTVL): "
                + intervalNs + " ns");
        }
        if (count < 1 || count > 127)
        {
            throw new IllegalArgumentException("keepalive count must be 1 to 127 (TCP_KEEPCNT): " + count);
        }
    }

    static void checkLinger(final long lingerNs)
    {
        if (lingerNs != NO_LINGER && (lingerNs < 0 || lingerNs > 3600 * SECOND))
        {
            throw new IllegalArgumentException("linger must be -1 (off), 0 (abort) or up to 3600 s: " + lingerNs
                + " ns");
        }
    }

    /**
     * A copy with other keepalive settings.
     *
     * @param on         SO_KEEPALIVE.
     * @param idleNs     TCP_KEEPIDLE.
     * @param intervalNs TCP_KEEPINTVL.
     * @param count      TCP_KEEPCNT.
     * @return the copy.
     */
    public TcpSocketDefaults withKeepalive(final boolean on, final long idleNs, final long intervalNs,
        final int count)
    {
        return new TcpSocketDefaults(on, idleNs, intervalNs, count, nodelay, lingerNs, overrideTimeoutNs,
            corkCeilingNs);
    }

    /**
     * A copy with another TCP_NODELAY.
     *
     * @param value true to turn Nagle's algorithm off.
     * @return the copy.
     */
    public TcpSocketDefaults withNodelay(final boolean value)
    {
        return new TcpSocketDefaults(keepalive, keepIdleNs, keepIntervalNs, keepCount, value, lingerNs,
            overrideTimeoutNs, corkCeilingNs);
    }

    /**
     * A copy with another SO_LINGER.
     *
     * @param value {@link #NO_LINGER}, 0 or a linger time in nanoseconds.
     * @return the copy.
     */
    public TcpSocketDefaults withLingerNs(final long value)
    {
        return new TcpSocketDefaults(keepalive, keepIdleNs, keepIntervalNs, keepCount, nodelay, value,
            overrideTimeoutNs, corkCeilingNs);
    }

    /**
     * A copy with another SWS override timeout and cork ceiling.
     *
     * @param overrideNs the override timeout (0 for none, else 100 ms to 1 s).
     * @param corkNs     the cork ceiling (1 ms to 1 s).
     * @return the copy.
     */
    public TcpSocketDefaults withTimeouts(final long overrideNs, final long corkNs)
    {
        return new TcpSocketDefaults(keepalive, keepIdleNs, keepIntervalNs, keepCount, nodelay, lingerNs,
            overrideNs, corkNs);
    }
}
