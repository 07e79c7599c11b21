package io.tachyon.tcp;

import java.util.Objects;

/**
 * TCP settings of one stack, validated at construction.
 *
 * @param maxConnections      the most connections at once (the pool size; each holds a send and a receive buffer,
 *                            allocated on first use and then reused), 1 to 1048576.
 * @param sendBufferBytes     SND.BUFF of every connection, 1 KiB to 64 MiB.
 * @param receiveBufferBytes  RCV.BUFF of every connection, 1 KiB to 64 MiB.
 * @param timeWaitNs          how long TIME-WAIT lasts, 2 MSL (Linux's TCP_TIMEWAIT_LEN is 60 s), at least 1 ms.
 * @param delayedAckNs        the delayed-ACK timeout (Linux's minimum, 40 ms, by default), 1 ms to 500 ms
 *                            (RFC 9293 §3.8.6.3 caps it at 0.5 s).
 * @param retries             retransmissions of data before the connection ends with
 *                            {@link TcpError#TIMED_OUT} (Linux's tcp_retries2 is 15), 1 to 100.
 * @param synRetries          retransmissions of a SYN before an active open gives up, 1 to 100: 7 by default (Linux's
 *                            tcp_syn_retries is 6, which gives up after 127 s), so that {@code synTimeoutNs} decides.
 * @param congestionControl   the algorithm's name ({@link CongestionControlFactory#forName(String)}).
 * @param windowScaling       whether to offer window scaling (RFC 7323 §2).
 * @param sack                whether to offer SACK (RFC 2018).
 * @param timestamps          whether to offer timestamps (RFC 7323 §3).
 * @param maxOutOfOrderBlocks the out-of-order ranges a receive queue holds, 1 to 1024.
 * @param synCookies          whether a listener whose SYN queue is full answers SYNs with SYN cookies
 *                            ({@link SynCookies}; Linux's {@code net.ipv4.tcp_syncookies=1}, on by default) instead
 *                            of dropping them.
 * @param synTimeoutNs        how long an active open (SYN-SENT) retransmits its SYN before it ends with
 *                            {@link TcpError#TIMED_OUT}: R2 for a SYN, 180 s by default (RFC 9293 §3.8.3 MUST-23: at
 *                            least 3 minutes), 1 ms to 1 hour. The attempt also ends after {@code synRetries}
 *                            retransmissions, whichever comes first.
 * @param synAckRetries       retransmissions of a SYN-ACK before a half-open passive connection is dropped
 *                            (Linux's tcp_synack_retries is 5), 1 to 100.
 * @param socketDefaults      the socket options new connections start with (keepalive, linger, Nagle, timeouts).
 */
public record TcpConfig(
    int maxConnections,
    int sendBufferBytes,
    int receiveBufferBytes,
    long timeWaitNs,
    long delayedAckNs,
    int retries,
    int synRetries,
    String congestionControl,
    boolean windowScaling,
    boolean sack,
    boolean timestamps,
    int maxOutOfOrderBlocks,
    boolean synCookies,
    long synTimeoutNs,
    int synAckRetries,
    TcpSocketDefaults socketDefaults)
{
    /**
     * 64 connections of 256 KiB buffers each way, TIME-WAIT 60 s, delayed ACK 40 ms, NewReno, every option, SYN
     * cookies on, a SYN retransmitted for 180 s (8 SYNs: 1 s RTO doubling, 7 retransmissions by 127 s, give-up at
     * 180 s), 5 SYN-ACK retransmissions.
     */
    public static final TcpConfig DEFAULT = new TcpConfig(64, 256 * 1024, 256 * 1024, 60_000_000_000L,
        40_000_000L, 15, 7, NewReno.NAME, true, true, true, 32, true, 180_000_000_000L, 5, TcpSocketDefaults.LINUX);

    /** The longest {@link #synTimeoutNs()}: one hour. */
    public static final long MAX_SYN_TIMEOUT_NS = 3_600_000_000_000L;

    private static final int MAX_BUFFER = 64 * 1024 * 1024;

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the bad value.
     */
    public TcpConfig
    {
        Objects.requireNonNull(congestionControl, "congestionControl");
        Objects.requireNonNull(socketDefaults, "socketDefaults");
        CongestionControlFactory.forName(congestionControl);
        range("maxConnections", maxConnections, 1, 1 << 20);
        range("sendBufferBytes", sendBufferBytes, 1024, MAX_BUFFER);
        range("receiveBufferBytes", receiveBufferBytes, 1024, MAX_BUFFER);
        range("retries", retries, 1, 100);
        range("synRetries", synRetries, 1, 100);
        range("maxOutOfOrderBlocks", maxOutOfOrderBlocks, 1, 1024);
        range("synTimeoutNs", synTimeoutNs, 1_000_000L, MAX_SYN_TIMEOUT_NS);
        range("synAckRetries", synAckRetries, 1, 100);
        if (timeWaitNs < 1_000_000L)
        {
            throw new IllegalArgumentException("timeWaitNs must be at least 1 ms: " + timeWaitNs);
        }
        if (delayedAckNs < 1_000_000L || delayedAckNs > 500_000_000L)
        {
            throw new IllegalArgumentException("delayedAckNs must be 1 ms to 500 ms: " + delayedAckNs);
        }
    }

    /**
     * The settings with the defaults of {@link #DEFAULT} for SYN cookies, the SYN timeout, SYN-ACK retries and the
     * socket options ({@link TcpSocketDefaults#LINUX}).
     *
     * @param maxConnections      the most connections at once.
     * @param sendBufferBytes     SND.BUFF.
     * @param receiveBufferBytes  RCV.BUFF.
     * @param timeWaitNs          2 MSL.
     * @param delayedAckNs        the delayed-ACK timeout.
     * @param retries             retransmissions of data.
     * @param synRetries          retransmissions of a SYN.
     * @param congestionControl   the algorithm's name.
     * @param windowScaling       whether to offer window scaling.
     * @param sack                whether to offer SACK.
     * @param timestamps          whether to offer timestamps.
     * @param maxOutOfOrderBlocks the out-of-order ranges a receive queue holds.
     */
    public TcpConfig(final int maxConnections, final int sendBufferBytes, final int receiveBufferBytes,
        final long timeWaitNs, final long delayedAckNs, final int retries, final int synRetries,
        final String congestionControl, final boolean windowScaling, final boolean sack, final boolean timestamps,
        final int maxOutOfOrderBlocks)
    {
        this(maxConnections, sendBufferBytes, receiveBufferBytes, timeWaitNs, delayedAckNs, retries, synRetries,
            congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, true, 180_000_000_000L, 5,
            TcpSocketDefaults.LINUX);
    }

    private static void range(final String name, final long value, final long low, final long high)
    {
        if (value < low || value > high)
        {
            throw new IllegalArgumentException(name + " must be " + low + ".." + high + ": " + value);
        }
    }

    /**
     * A copy with another pool size.
     *
     * @param value the most connections.
     * @return the copy.
     */
    public TcpConfig withMaxConnections(final int value)
    {
        return new TcpConfig(value, sendBufferBytes, receiveBufferBytes, timeWaitNs, delayedAckNs, retries,
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, synCookies,
            synTimeoutNs, synAckRetries, socketDefaults);
    }

    /**
     * A copy with other buffer sizes.
     *
     * @param send    SND.BUFF.
     * @param receive RCV.BUFF.
     * @return the copy.
     */
    public TcpConfig withBuffers(final int send, final int receive)
    {
        return new TcpConfig(maxConnections, send, receive, timeWaitNs, delayedAckNs, retries, synRetries,
            congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, synCookies,
            synTimeoutNs, synAckRetries, socketDefaults);
    }

    /**
     * A copy with another TIME-WAIT length.
     *
     * @param value 2 MSL in nanoseconds.
     * @return the copy.
     */
    public TcpConfig withTimeWaitNs(final long value)
    {
        return new TcpConfig(maxConnections, sendBufferBytes, receiveBufferBytes, value, delayedAckNs, retries,
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, synCookies,
            synTimeoutNs, synAckRetries, socketDefaults);
    }

    /**
     * A copy with another delayed-ACK timeout.
     *
     * @param value nanoseconds.
     * @return the copy.
     */
    public TcpConfig withDelayedAckNs(final long value)
    {
        return new TcpConfig(maxConnections, sendBufferBytes, receiveBufferBytes, timeWaitNs, value, retries,
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, synCookies,
            synTimeoutNs, synAckRetries, socketDefaults);
    }

    /**
     * A copy with other retry limits.
     *
     * @param data retransmissions of data.
     * @param syn  retransmissions of a SYN.
     * @return the copy.
     */
    public TcpConfig withRetries(final int data, final int syn)
    {
        return new TcpConfig(maxConnections, sendBufferBytes, receiveBufferBytes, timeWaitNs, delayedAckNs, data,
            syn, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, synCookies,
            synTimeoutNs, synAckRetries, socketDefaults);
    }

    /**
     * A copy offering other options.
     *
     * @param scaling window scaling.
     * @param sackOn  SACK.
     * @param tsOn    timestamps.
     * @return the copy.
     */
    public TcpConfig withOptions(final boolean scaling, final boolean sackOn, final boolean tsOn)
    {
        return new TcpConfig(maxConnections, sendBufferBytes, receiveBufferBytes, timeWaitNs, delayedAckNs, retries,
            synRetries, congestionControl, scaling, sackOn, tsOn, maxOutOfOrderBlocks, synCookies,
            synTimeoutNs, synAckRetries, socketDefaults);
    }

    /**
     * A copy with SYN cookies on or off.
     *
     * @param value whether a full SYN queue answers with SYN cookies.
     * @return the copy.
     */
    public TcpConfig withSynCookies(final boolean value)
    {
        return new TcpConfig(maxConnections, sendBufferBytes, receiveBufferBytes, timeWaitNs, delayedAckNs, retries,
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, value, synTimeoutNs,
            synAckRetries, socketDefaults);
    }

    /**
     * A copy with another SYN give-up time (R2 of an active open).
     *
     * @param value nanoseconds, 1 ms to 1 hour.
     * @return the copy.
     */
    public TcpConfig withSynTimeoutNs(final long value)
    {
        return new TcpConfig(maxConnections, sendBufferBytes, receiveBufferBytes, timeWaitNs, delayedAckNs, retries,
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, synCookies, value,
            synAckRetries, socketDefaults);
    }

    /**
     * A copy with another SYN-ACK retry limit.
     *
     * @param value retransmissions of a SYN-ACK, 1 to 100.
     * @return the copy.
     */
    public TcpConfig withSynAckRetries(final int value)
    {
        return new TcpConfig(maxConnections, sendBufferBytes, receiveBufferBytes, timeWaitNs, delayedAckNs, retries,
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, synCookies,
            synTimeoutNs, value, socketDefaults);
    }

    /**
     * A copy with other socket defaults.
     *
     * @param value the options new connections start with.
     * @return the copy.
     */
    public TcpConfig withSocketDefaults(final TcpSocketDefaults value)
    {
        return new TcpConfig(maxConnections, sendBufferBytes, receiveBufferBytes, timeWaitNs, delayedAckNs, retries,
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks, synCookies,
            synTimeoutNs, synAckRetries, value);
    }
}
