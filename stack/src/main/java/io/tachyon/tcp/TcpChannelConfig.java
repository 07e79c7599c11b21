package io.tachyon.tcp;

import io.tachyon.time.Clock;

/**
 * How a {@link TcpChannel} is opened (or how a {@link TcpServerChannel} sets up the channels it accepts): its two
 * rings, how long blocking calls wait, and the socket options it starts with. Immutable; start from {@link #DEFAULT}
 * and change what you need with the {@code with} methods, which validate their values and name the bad one. Any
 * thread.
 *
 * @param sendRingBytes    the send ring (application to stack), a power of two in {@code [4096, 1 << 30]}.
 * @param receiveRingBytes the receive ring (stack to application), likewise.
 * @param timeoutNs        how long a blocking call (connect, accept, read, a write making no progress) waits,
 *                         {@code > 0}.
 * @param waitClock        the clock that times blocking calls, or null for the stack's clock. A stack driven by a
 *                         {@link io.tachyon.time.VirtualClock} should be given a real clock here.
 * @param nodelay          TCP_NODELAY.
 * @param lingerNs         SO_LINGER: {@link TcpSocketDefaults#NO_LINGER}, 0 (close aborts) or the time
 *                         {@link TcpChannel#close()} waits for the peer to acknowledge everything.
 * @param keepalive        SO_KEEPALIVE (with the stack's keepalive times).
 */
public record TcpChannelConfig(
    int sendRingBytes,
    int receiveRingBytes,
    long timeoutNs,
    Clock waitClock,
    boolean nodelay,
    long lingerNs,
    boolean keepalive)
{
    /** 256 KiB rings, 5 s timeout timed by the stack's clock, Nagle on, no linger, no keepalive. */
    public static final TcpChannelConfig DEFAULT = new TcpChannelConfig(256 * 1024, 256 * 1024, 5_000_000_000L, null,
        false, TcpSocketDefaults.NO_LINGER, false);

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the first bad value.
     */
    public TcpChannelConfig
    {
        checkRing("sendRingBytes", sendRingBytes);
        checkRing("receiveRingBytes", receiveRingBytes);
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeoutNs " + timeoutNs + " is not positive");
        }
        TcpSocketDefaults.checkLinger(lingerNs);
    }

    private static void checkRing(final String name, final int bytes)
    {
        if (bytes < ByteRing.MIN_CAPACITY || bytes > ByteRing.MAX_CAPACITY || Integer.bitCount(bytes) != 1)
        {
            throw new IllegalArgumentException(name + " " + bytes + " is not a power of two in ["
                + ByteRing.MIN_CAPACITY + ", " + ByteRing.MAX_CAPACITY + "]");
        }
    }

    void applyTo(final TcpSocket socket)
    {
        socket.nodelay(nodelay).linger(lingerNs).keepalive(keepalive);
    }

    /**
     * Sizes the rings.
     *
     * @param sendBytes    the send ring.
     * @param receiveBytes the receive ring.
     * @return a changed copy.
     */
    public TcpChannelConfig withRings(final int sendBytes, final int receiveBytes)
    {
        return new TcpChannelConfig(sendBytes, receiveBytes, timeoutNs, waitClock, nodelay, lingerNs, keepalive);
    }

    /**
     * Sets the timeout of blocking calls and the clock that times them.
     *
     * @param value nanoseconds, {@code > 0}.
     * @param clock the clock, or null for the stack's.
     * @return a changed copy.
     */
    public TcpChannelConfig withTimeout(final long value, final Clock clock)
    {
        return new TcpChannelConfig(sendRingBytes, receiveRingBytes, value, clock, nodelay, lingerNs, keepalive);
    }

    /**
     * Sets TCP_NODELAY.
     *
     * @param value true to turn Nagle's algorithm off.
     * @return a changed copy.
     */
    public TcpChannelConfig withNodelay(final boolean value)
    {
        return new TcpChannelConfig(sendRingBytes, receiveRingBytes, timeoutNs, waitClock, value, lingerNs, keepalive);
    }

    /**
     * Sets SO_LINGER.
     *
     * @param value -1 (off), 0 (abort on close) or a linger time in nanoseconds.
     * @return a changed copy.
     */
    public TcpChannelConfig withLingerNs(final long value)
    {
        return new TcpChannelConfig(sendRingBytes, receiveRingBytes, timeoutNs, waitClock, nodelay, value, keepalive);
    }

    /**
     * Sets SO_KEEPALIVE.
     *
     * @param value true to probe idle connections.
     * @return a changed copy.
     */
    public TcpChannelConfig withKeepalive(final boolean value)
    {
        return new TcpChannelConfig(sendRingBytes, receiveRingBytes, timeoutNs, waitClock, nodelay, lingerNs, value);
    }
}
