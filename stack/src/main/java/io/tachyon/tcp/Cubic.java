package io.tachyon.tcp;

/**
 * CUBIC, RFC 9438, on the shared slow start, fast recovery and timeout rules of {@link NewReno} (initial window,
 * RFC 3465 slow start, RFC 6582 recovery), with CUBIC's multiplicative decrease and window growth.
 * Windows in RFC 9438's formulas are in segments; here cwnd is bytes and the formulas run on cwnd / SMSS.
 *
 * <h2>Window increase (§4.2)</h2>
 * W_cubic(t) = C * (t - K)<sup>3</sup> + W_max with C = {@value #C}, K = cubic_root((W_max - cwnd_epoch) / C)
 * (K = cubic_root(W_max * (1 - beta_cubic) / C) when cwnd_epoch = beta_cubic * W_max), t the seconds since the
 * current congestion avoidance stage began (its first ACK, from {@code nowNs}) and cwnd_epoch the window then.
 * A negative W_max - cwnd_epoch gives a negative K, as the formula says. On each ACK the target is
 * W_cubic(t + RTT) bounded to [cwnd, 1.5 * cwnd], and "cwnd MUST be incremented by (target - cwnd) / cwnd for
 * each received new ACK" (scaled by the segments the ACK covers; fractions of a byte are carried). RTT is the
 * last {@code rttNs} passed to {@link #onAck} (pass SRTT or a fresh sample; 0 until one is given). Below W_max
 * this is the concave region (§4.4), above it the convex region (§4.5); both use the same rule.
 *
 * <h2>Reno-friendly region (§4.3)</h2>
 * W_est starts at cwnd_epoch and grows by alpha_cubic * segments_acked / cwnd per ACK with alpha_cubic =
 * 3 * (1 - beta_cubic) / (1 + beta_cubic) ({@link #ALPHA}); "Once W_est has grown to reach the cwnd at the time
 * of most recently setting ssthresh -- that is, W_est &gt;= cwnd_prior -- the sender SHOULD set alpha_cubic to 1".
 * When W_cubic(t) &lt; W_est the flow is in the Reno-friendly region and cwnd is set to W_est (never lowered: the
 * (t + RTT) target may already have taken cwnd above W_est).
 *
 * <h2>Multiplicative decrease (§4.6) and fast convergence (§4.7)</h2>
 * On fast retransmit and ECN: ssthresh = max(flight_size * beta_cubic, 2 * SMSS) with beta_cubic = 0.7, computed
 * exactly in integers; cwnd_prior = cwnd; and fast convergence: "if cwnd &lt; W_max then W_max = cwnd *
 * (1 + beta_cubic) / 2 else W_max = cwnd". RFC 9438 §4.6 lets implementations use cwnd instead of flight_size only
 * with a measure that keeps an application-limited cwnd from growing; flight_size is used (and that measure exists
 * anyway). Fast recovery then runs RFC 6582 around the new ssthresh (cwnd = ssthresh + 3 * SMSS, inflation,
 * partial-ACK deflation, full-ACK exit), as RFC 9438 §4 leaves loss recovery to the existing algorithms.
 *
 * <h2>Timeout (§4.8)</h2>
 * "In the case of a timeout, CUBIC follows Reno to reduce cwnd [RFC5681] but sets ssthresh using beta_cubic":
 * cwnd = 1 SMSS, ssthresh as above. "During the first congestion avoidance stage after a timeout, CUBIC increases
 * its congestion window size using Figure 1, where t is the elapsed time since the beginning of the current
 * congestion avoidance stage, K is set to 0, and W_max is set to the congestion window size at the beginning of the
 * current congestion avoidance stage. In addition, for the Reno-friendly region, W_est SHOULD be set to the
 * congestion window size at the beginning of the current congestion avoidance stage."
 * <p>
 * Not done: spurious congestion event undo (§4.9), HyStart++ (§4.10 allows plain slow start).
 * <p>
 * Arithmetic is IEEE 754 double (deterministic in Java) with {@link StrictMath#cbrt} once per epoch; nothing
 * allocates.
 */
public final class Cubic extends WindowedCongestionControl
{
    /** The name {@link CongestionControlFactory#forName(String)} knows it by. */
    public static final String NAME = "cubic";
    /** RFC 9438 §5: C = 0.4 (segments per second cubed). */
    public static final double C = 0.4;
    /** RFC 9438 §4.6: beta_cubic = 0.7. */
    public static final double BETA = 0.7;
    /** RFC 9438 §4.3: alpha_cubic = 3 * (1 - beta_cubic) / (1 + beta_cubic) = 9/17. */
    public static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private static final double NS_PER_S = 1e9;

    private final double maxSegments;
    private double wMax;
    private long cwndPrior;
    private boolean epochStarted;
    private long epochStartNs;
    private double k;
    private double wEst;
    private boolean timeoutEpoch;
    private long rttNs;
    private double carry;
    private boolean renoFriendly;

    /**
     * A CUBIC instance at the initial window.
     *
     * @param smss         the sender maximum segment size, in {@code [1, 65535]}.
     * @param maxCwndBytes the ceiling of cwnd, at least {@code 2 * smss}.
     * @throws IllegalArgumentException naming the bad value.
     */
    public Cubic(final int smss, final long maxCwndBytes)
    {
        super(smss, maxCwndBytes);
        maxSegments = (double)maxCwndBytes / smss;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    /**
     * W_max, the window at the last congestion event after fast convergence (or, after a timeout, at the start of
     * the congestion avoidance stage).
     *
     * @return segments; 0 before the first congestion event.
     */
    public double wMax()
    {
        return wMax;
    }

    /**
     * K of the current congestion avoidance stage.
     *
     * @return seconds; meaningless before the stage's first ACK.
     */
    public double k()
    {
        return k;
    }

    /**
     * W_est, the Reno-friendly estimate of the current congestion avoidance stage.
     *
     * @return segments.
     */
    public double wEst()
    {
        return wEst;
    }

    /**
     * Whether the last congestion-avoidance ACK found W_cubic(t) &lt; W_est (the Reno-friendly region, §4.3).
     *
     * @return true in the Reno-friendly region.
     */
    public boolean renoFriendly()
    {
        return renoFriendly;
    }

    @Override
    long decreasedSsthresh(final long flightSize)
    {
        // flight_size * 0.7 rounded down, without overflow.
        final long reduced = flightSize / 10 * 7 + flightSize % 10 * 7 / 10;
        return Math.max(reduced, 2L * smss);
    }

    @Override
    void onCongestionEvent(final long nowNs, final boolean timeout)
    {
        epochStarted = false;
        carry = 0;
        cwndPrior = cwnd;
        if (timeout)
        {
            timeoutEpoch = true;
            return;
        }
        timeoutEpoch = false;
        final double segments = (double)cwnd / smss;
        wMax = segments < wMax ? segments * (1 + BETA) / 2 : segments;
    }

    @Override
    void onRttSample(final long rttNs)
    {
        this.rttNs = rttNs;
    }

    @Override
    void congestionAvoidance(final long ackedBytes, final long nowNs)
    {
        if (!epochStarted)
        {
            startEpoch(nowNs);
        }
        final double cwndSegments = (double)cwnd / smss;
        final double ackedSegments = (double)ackedBytes / smss;
        final double alpha = wEst * smss >= cwndPrior ? 1.0 : ALPHA;
        wEst = Math.min(wEst + alpha * ackedSegments / cwndSegments, maxSegments);
        final double t = Math.max(0L, nowNs - epochStartNs) / NS_PER_S;
        if (wCubic(t) < wEst)
        {
            renoFriendly = true;
            final long renoBytes = (long)(wEst * smss);
            if (renoBytes > cwnd)
            {
                cwnd = clamp(renoBytes);
                carry = 0;
            }
            return;
        }
        renoFriendly = false;
        final double target = Math.min(Math.max(wCubic(t + rttNs / NS_PER_S), cwndSegments), 1.5 * cwndSegments);
        final double increase = (target - cwndSegments) * ackedBytes / cwndSegments + carry;
        final long whole = (long)increase;
        carry = increase - whole;
        cwnd = clamp(cwnd + whole);
    }

    private void startEpoch(final long nowNs)
    {
        epochStarted = true;
        epochStartNs = nowNs;
        final double cwndEpoch = (double)cwnd / smss;
        carry = 0;
        if (timeoutEpoch || wMax <= 0)
        {
            // §4.8 after a timeout (and the same when no congestion event set W_max yet): K = 0, W_max = cwnd.
            wMax = cwndEpoch;
            k = 0;
            timeoutEpoch = false;
        }
        else
        {
            k = StrictMath.cbrt((wMax - cwndEpoch) / C);
        }
        wEst = cwndEpoch;
    }

    private double wCubic(final double t)
    {
        final double d = t - k;
        return C * d * d * d + wMax;
    }
}
