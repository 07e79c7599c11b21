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
 * @param synRetries          retransmissions of a SYN or SYN-ACK before giving up (tcp_syn_retries is 6), 1 to 100.
 * @param congestionControl   the algorithm's name ({@link CongestionControlFactory#forName(String)}).
 * @param windowScaling       whether to offer window scaling (RFC 7323 §2).
 * @param sack                whether to offer SACK (RFC 2018).
 * @param timestamps          whether to offer timestamps (RFC 7323 §3).
 * @param maxOutOfOrderBlocks the out-of-order ranges a receive queue holds, 1 to 1024.
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
    int maxOutOfOrderBlocks)
{
    /** 64 connections of 256 KiB buffers each way, TIME-WAIT 60 s, delayed ACK 40 ms, NewReno, every option. */
    public static final TcpConfig DEFAULT = new TcpConfig(64, 256 * 1024, 256 * 1024, 60_000_000_000L,
        40_000_000L, 15, 6, NewReno.NAME, true, true, true, 32);

    private static final int MAX_BUFFER = 64 * 1024 * 1024;

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming the bad value.
     */
    public TcpConfig
    {
        Objects.requireNonNull(congestionControl, "congestionControl");
        CongestionControlFactory.forName(congestionControl);
        range("maxConnections", maxConnections, 1, 1 << 20);
        range("sendBufferBytes", sendBufferBytes, 1024, MAX_BUFFER);
        range("receiveBufferBytes", receiveBufferBytes, 1024, MAX_BUFFER);
        range("retries", retries, 1, 100);
        range("synRetries", synRetries, 1, 100);
        range("maxOutOfOrderBlocks", maxOutOfOrderBlocks, 1, 1024);
        if (timeWaitNs < 1_000_000L)
        {
            throw new IllegalArgumentException("timeWaitNs must be at least 1 ms: " + timeWaitNs);
        }
        if (delayedAckNs < 1_000_000L || delayedAckNs > 500_000_000L)
        {
            throw new IllegalArgumentException("delayedAckNs must be 1 ms to 500 ms: " + delayedAckNs);
        }
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
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks);
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
            congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks);
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
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks);
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
            synRetries, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks);
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
            syn, congestionControl, windowScaling, sack, timestamps, maxOutOfOrderBlocks);
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
            synRetries, congestionControl, scaling, sackOn, tsOn, maxOutOfOrderBlocks);
    }
}
