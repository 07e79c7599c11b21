package io.tachyon.tcp;

/**
 * What {@link NewReno} and {@link Cubic} share: the initial window, slow start, RFC 6582 fast recovery and the
 * timeout's loss window. Subclasses give the multiplicative decrease and the congestion-avoidance growth.
 *
 * <h2>Initial window (RFC 6928 §2)</h2>
 * "min (10*MSS, max (2*MSS, 14600))", capped at {@code maxCwnd}.
 *
 * <h2>Slow start (RFC 5681 §3.1, RFC 3465 §2.2)</h2>
 * Appropriate Byte Counting: each ACK grows cwnd by min(N, L) where N is the bytes it newly acknowledges and
 * L = 2 * SMSS, RFC 3465's recommended limit, which bounds the burst a stretch ACK can release. (Modern Linux
 * counts acknowledged segments without a per-ACK limit; L = 2 * SMSS is the RFC's safer choice.) As Linux does,
 * slow start stops at ssthresh: an ACK never takes cwnd past it, and the rest of that ACK is not counted.
 *
 * <h2>Only grow a used window</h2>
 * The window grows only when the sender is limited by it, as Linux's {@code tcp_is_cwnd_limited} (and RFC 7661's
 * motivation): with F = bytesInFlight + ackedBytes, the flight the ACK belonged to, slow start grows while
 * 2 * F &gt; cwnd (at least half the window used) and congestion avoidance while F + SMSS &gt; cwnd (no room for
 * another full segment). An application-limited sender therefore keeps its window (RFC 9438 §4.6 asks for such a
 * measure from CUBIC implementations).
 *
 * <h2>Fast retransmit and fast recovery (RFC 5681 §3.2, RFC 6582 §3.2)</h2>
 * <ul>
 *   <li>Entering: ssthresh from the subclass's decrease (NewReno: RFC 5681 equation (4),
 *       "ssthresh = max (FlightSize / 2, 2*SMSS)"), then "cwnd = ssthresh + 3*SMSS".</li>
 *   <li>Each duplicate ACK: "cwnd = cwnd + SMSS" (RFC 5681 §3.2 step 4).</li>
 *   <li>Partial ACK (RFC 6582 step 4): "deflate the congestion window by the amount of new data acknowledged by
 *       the Cumulative Acknowledgment field. If the partial ACK acknowledges at least one SMSS of new data, then
 *       add back SMSS bytes to the congestion window."</li>
 *   <li>Full ACK (RFC 6582 step 3): "Set cwnd to either (1) min (ssthresh, max(FlightSize, SMSS) + SMSS) or (2)
 *       ssthresh". Option (1) is used: it cannot release a burst.</li>
 * </ul>
 *
 * <h2>Retransmission timeout (RFC 5681 §3.1)</h2>
 * ssthresh from the subclass's decrease; "Furthermore, upon a timeout (as specified in [RFC2988]) cwnd MUST be set
 * to no more than the loss window, LW, which equals 1 full-sized segment". And RFC 5681 §3.1: "when a TCP sender
 * detects segment loss using the retransmission timer and the given segment has already been retransmitted by way
 * of the retransmission timer at least once, the value of ssthresh is held constant": a timeout with no ACK since
 * the previous timeout keeps ssthresh.
 *
 * <h2>ECN (RFC 3168 §6.1.2)</h2>
 * ssthresh from the subclass's decrease and cwnd = min(cwnd, ssthresh), at least SMSS; no recovery. A CE echo
 * during fast recovery is ignored: the window was already reduced for this window of data (Linux does the same).
 */
abstract class WindowedCongestionControl implements CongestionControl
{
    /** The largest SMSS accepted. */
    static final int MAX_SMSS = 65_535;
    /** RFC 6928's byte bound on the initial window. */
    static final long IW_BYTES = 14_600;
    /** Byte counts passed in are capped here (no cumulative ACK or flight exceeds 2^32 bytes), against overflow. */
    static final long MAX_BYTES = 1L << 32;

    final int smss;
    final long maxCwnd;
    long cwnd;
    long ssthresh = INFINITE_SSTHRESH;
    boolean recovery;
    /** Bytes acknowledged in congestion avoidance not yet turned into growth (RFC 3465 byte counting). */
    long bytesAcked;
    private boolean timedOutSinceAck;

    WindowedCongestionControl(final int smss, final long maxCwndBytes)
    {
        if (smss < 1 || smss > MAX_SMSS)
        {
            throw new IllegalArgumentException("smss must be in [1, " + MAX_SMSS + "]: " + smss);
        }
        if (maxCwndBytes < 2L * smss)
        {
            throw new IllegalArgumentException("maxCwndBytes must be at least 2 * smss = " + 2L * smss + ": "
                + maxCwndBytes);
        }
        this.smss = smss;
        this.maxCwnd = maxCwndBytes;
        this.cwnd = Math.min(initialWindow(smss), maxCwndBytes);
    }

    /**
     * RFC 6928's initial window for an SMSS.
     *
     * @param smss the sender maximum segment size.
     * @return min(10 * smss, max(2 * smss, 14600)) bytes.
     */
    static long initialWindow(final int smss)
    {
        return Math.min(10L * smss, Math.max(2L * smss, IW_BYTES));
    }

    /** The ssthresh after a congestion event with this FlightSize, at least 2 * SMSS. */
    abstract long decreasedSsthresh(long flightSize);

    /** A congestion event is about to reduce the window (cwnd still holds its value before the event). */
    abstract void onCongestionEvent(long nowNs, boolean timeout);

    /** Congestion avoidance growth for one ACK of {@code ackedBytes} (a window-limited sender, cwnd >= ssthresh). */
    abstract void congestionAvoidance(long ackedBytes, long nowNs);

    /** An RTT sample (non-negative) came with an ACK. */
    void onRttSample(final long rttNs)
    {
    }

    @Override
    public final int smss()
    {
        return smss;
    }

    @Override
    public final long maxCwnd()
    {
        return maxCwnd;
    }

    @Override
    public final long cwnd()
    {
        return cwnd;
    }

    @Override
    public final long ssthresh()
    {
        return ssthresh;
    }

    @Override
    public final boolean inSlowStart()
    {
        return cwnd < ssthresh;
    }

    @Override
    public final boolean inRecovery()
    {
        return recovery;
    }

    @Override
    public final void onAck(final long ackedBytes, final long rttNs, final long nowNs, final long bytesInFlight)
    {
        if (ackedBytes < 0)
        {
            throw new IllegalArgumentException("ackedBytes must not be negative: " + ackedBytes);
        }
        if (bytesInFlight < 0)
        {
            throw new IllegalArgumentException("bytesInFlight must not be negative: " + bytesInFlight);
        }
        final long acked = Math.min(ackedBytes, MAX_BYTES);
        timedOutSinceAck = false;
        if (rttNs >= 0)
        {
            onRttSample(rttNs);
        }
        if (recovery)
        {
            // RFC 6582 §3.2 step 4, partial ACK: deflate by the new data, add back one SMSS if at least one.
            final long deflated = cwnd - Math.min(acked, cwnd) + (acked >= smss ? smss : 0);
            cwnd = clamp(deflated);
            return;
        }
        final long flight = Math.min(bytesInFlight, MAX_BYTES) + acked;
        if (cwnd < ssthresh)
        {
            if (2 * flight > cwnd)
            {
                // RFC 3465 §2.2: cwnd += min(N, L), L = 2 * SMSS; stop at ssthresh.
                final long grown = cwnd + Math.min(acked, 2L * smss);
                cwnd = clamp(Math.min(grown, ssthresh));
            }
        }
        else if (flight + smss > cwnd)
        {
            congestionAvoidance(acked, nowNs);
        }
    }

    @Override
    public final void onDuplicateAck(final long nowNs)
    {
        if (recovery)
        {
            cwnd = clamp(cwnd + smss);
        }
    }

    @Override
    public final void enterRecovery(final long nowNs, final long flightSize)
    {
        checkFlight(flightSize);
        if (recovery)
        {
            return;
        }
        onCongestionEvent(nowNs, false);
        ssthresh = decreasedSsthresh(flightSize);
        cwnd = clamp(ssthresh + 3L * smss);
        bytesAcked = 0;
        recovery = true;
    }

    @Override
    public final void exitRecovery(final long nowNs, final long flightSize)
    {
        checkFlight(flightSize);
        if (!recovery)
        {
            return;
        }
        recovery = false;
        // RFC 6582 §3.2 step 3, option (1).
        cwnd = clamp(Math.min(ssthresh, Math.max(flightSize, smss) + smss));
        bytesAcked = 0;
    }

    @Override
    public final void onRetransmissionTimeout(final long nowNs, final long flightSize)
    {
        checkFlight(flightSize);
        onCongestionEvent(nowNs, true);
        if (!timedOutSinceAck)
        {
            ssthresh = decreasedSsthresh(flightSize);
        }
        timedOutSinceAck = true;
        cwnd = smss;
        bytesAcked = 0;
        recovery = false;
    }

    @Override
    public final void onEcnCe(final long nowNs, final long flightSize)
    {
        checkFlight(flightSize);
        if (recovery)
        {
            return;
        }
        onCongestionEvent(nowNs, false);
        ssthresh = decreasedSsthresh(flightSize);
        cwnd = clamp(Math.min(cwnd, ssthresh));
        bytesAcked = 0;
    }

    /** cwnd bounded to [SMSS, maxCwnd]. */
    final long clamp(final long bytes)
    {
        return Math.max(smss, Math.min(bytes, maxCwnd));
    }

    private static void checkFlight(final long flightSize)
    {
        if (flightSize < 0)
        {
            throw new IllegalArgumentException("flightSize must not be negative: " + flightSize);
        }
    }

    @Override
    public String toString()
    {
        return name() + "[cwnd=" + cwnd + ", ssthresh=" + ssthresh + ", smss=" + smss
            + (recovery ? ", recovery]" : "]");
    }
}
