package io.tachyon.udp;

import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.time.Clock;

/**
 * How a {@link UdpChannel} is opened: its local address and port, an optional peer, its two rings, how much the
 * stack sends from it per duty cycle, and how long blocking calls wait. Immutable; start from {@link #of(int, int)}
 * and change what you need with the {@code with} methods, which validate their values and name the bad one.
 * Any thread.
 *
 * @param localAddress     the address to bind (0 for every address of the stack).
 * @param localPort        the port to bind, {@code [0, 65535]}; 0 picks an ephemeral port.
 * @param remoteAddress    the connected peer, or 0 for an unconnected channel.
 * @param remotePort       the connected peer's port, or 0.
 * @param broadcast        whether sending to broadcast addresses is allowed (SO_BROADCAST).
 * @param sendRingBytes    the send ring's size, a power of two in {@code [4096, 1 << 30]}.
 * @param receiveRingBytes the receive ring's size, a power of two in {@code [4096, 1 << 30]}.
 * @param sendBurst        the most datagrams the stack sends from this channel per duty cycle, {@code [1, 65536]}.
 * @param sendRetryNs      how long (stack time) the stack retries a datagram it could not send for lack of a TX
 *                         buffer or ARP room before dropping it (counted in {@link UdpChannel#sendDrops()}).
 * @param timeoutNs        how long the blocking calls ({@code send}, {@code receive}, opening) wait, {@code > 0}.
 * @param waitClock        the clock that times blocking calls, or null for the stack's clock. A stack driven by a
 *                         {@link io.tachyon.time.VirtualClock} should be given a real clock here, or blocked
 *                         callers wait as long as the stack's time stands still.
 */
public record UdpChannelConfig(
    int localAddress,
    int localPort,
    int remoteAddress,
    int remotePort,
    boolean broadcast,
    int sendRingBytes,
    int receiveRingBytes,
    int sendBurst,
    long sendRetryNs,
    long timeoutNs,
    Clock waitClock)
{
    /** The default ring size: 256 KiB. */
    public static final int DEFAULT_RING_BYTES = 256 * 1024;
    /** The default send burst per duty cycle. */
    public static final int DEFAULT_SEND_BURST = 64;
    /** The default send retry time: 10 ms. */
    public static final long DEFAULT_SEND_RETRY_NS = 10_000_000L;
    /** The default timeout of blocking calls: 5 s. */
    public static final long DEFAULT_TIMEOUT_NS = 5_000_000_000L;

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the first bad value.
     */
    public UdpChannelConfig
    {
        if (localPort < 0 || localPort > 65535)
        {
            throw new IllegalArgumentException("localPort " + localPort + " is not in [0, 65535]");
        }
        if (remoteAddress == 0 ? remotePort != 0 : remotePort < 1 || remotePort > 65535)
        {
            throw new IllegalArgumentException("remote " + Ipv4Address.toString(remoteAddress) + ":" + remotePort
                + " is not a peer (a port in [1, 65535]) nor unconnected (0.0.0.0:0)");
        }
        checkRing("sendRingBytes", sendRingBytes);
        checkRing("receiveRingBytes", receiveRingBytes);
        if (sendBurst < 1 || sendBurst > 65536)
        {
            throw new IllegalArgumentException("sendBurst " + sendBurst + " is not in [1, 65536]");
        }
        if (sendRetryNs < 0)
        {
            throw new IllegalArgumentException("sendRetryNs " + sendRetryNs + " is negative");
        }
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeoutNs " + timeoutNs + " is not positive");
        }
    }

    private static void checkRing(final String name, final int bytes)
    {
        if (bytes < DatagramRing.MIN_CAPACITY || bytes > DatagramRing.MAX_CAPACITY || Integer.bitCount(bytes) != 1)
        {
            throw new IllegalArgumentException(name + " " + bytes + " is not a power of two in ["
                + DatagramRing.MIN_CAPACITY + ", " + DatagramRing.MAX_CAPACITY + "]");
        }
    }

    /**
     * An unconnected channel bound to an address and port, with the defaults: 256 KiB rings, bursts of 64, 10 ms
     * send retry, 5 s timeout timed by the stack's clock, no broadcast.
     *
     * @param address the local address (0 for every address).
     * @param port    the local port (0 for an ephemeral one).
     * @return the configuration.
     */
    public static UdpChannelConfig of(final int address, final int port)
    {
        return new UdpChannelConfig(address, port, 0, 0, false, DEFAULT_RING_BYTES, DEFAULT_RING_BYTES,
            DEFAULT_SEND_BURST, DEFAULT_SEND_RETRY_NS, DEFAULT_TIMEOUT_NS, null);
    }

    /**
     * Connects the channel to a peer: it then receives only from the peer, and the send forms without a destination
     * go to it.
     *
     * @param address the peer's address.
     * @param port    the peer's port, {@code [1, 65535]}.
     * @return a changed copy.
     */
    public UdpChannelConfig withPeer(final int address, final int port)
    {
        return new UdpChannelConfig(localAddress, localPort, address, port, broadcast, sendRingBytes,
            receiveRingBytes, sendBurst, sendRetryNs, timeoutNs, waitClock);
    }

    /**
     * Allows or forbids sending to broadcast addresses.
     *
     * @param value true to allow.
     * @return a changed copy.
     */
    public UdpChannelConfig withBroadcast(final boolean value)
    {
        return new UdpChannelConfig(localAddress, localPort, remoteAddress, remotePort, value, sendRingBytes,
            receiveRingBytes, sendBurst, sendRetryNs, timeoutNs, waitClock);
    }

    /**
     * Sizes the rings.
     *
     * @param sendBytes    the send ring, a power of two in {@code [4096, 1 << 30]}.
     * @param receiveBytes the receive ring, likewise.
     * @return a changed copy.
     */
    public UdpChannelConfig withRings(final int sendBytes, final int receiveBytes)
    {
        return new UdpChannelConfig(localAddress, localPort, remoteAddress, remotePort, broadcast, sendBytes,
            receiveBytes, sendBurst, sendRetryNs, timeoutNs, waitClock);
    }

    /**
     * Sets how many datagrams the stack sends from the channel per duty cycle.
     *
     * @param value {@code [1, 65536]}.
     * @return a changed copy.
     */
    public UdpChannelConfig withSendBurst(final int value)
    {
        return new UdpChannelConfig(localAddress, localPort, remoteAddress, remotePort, broadcast, sendRingBytes,
            receiveRingBytes, value, sendRetryNs, timeoutNs, waitClock);
    }

    /**
     * Sets how long the stack retries a datagram it cannot send yet.
     *
     * @param value nanoseconds of stack time, {@code >= 0}.
     * @return a changed copy.
     */
    public UdpChannelConfig withSendRetryNs(final long value)
    {
        return new UdpChannelConfig(localAddress, localPort, remoteAddress, remotePort, broadcast, sendRingBytes,
            receiveRingBytes, sendBurst, value, timeoutNs, waitClock);
    }

    /**
     * Sets the timeout of blocking calls and the clock that times them.
     *
     * @param value nanoseconds, {@code > 0}.
     * @param clock the clock, or null for the stack's.
     * @return a changed copy.
     */
    public UdpChannelConfig withTimeout(final long value, final Clock clock)
    {
        return new UdpChannelConfig(localAddress, localPort, remoteAddress, remotePort, broadcast, sendRingBytes,
            receiveRingBytes, sendBurst, sendRetryNs, value, clock);
    }
}
