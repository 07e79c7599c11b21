package io.tachyon.tcp;

/**
 * The retransmission timeout of one connection: RFC 6298 "Computing TCP's Retransmission Timer", with RFC 7323
 * §4 (RTTM) for samples taken from timestamps. Everything is in nanoseconds and integer arithmetic.
 *
 * <h2>Estimator (RFC 6298 §2)</h2>
 * <ul>
 *   <li>(2.1) "Until a round-trip time (RTT) measurement has been made for a segment sent between the sender and
 *       receiver, the sender SHOULD set RTO &lt;- 1 second": {@code initialRtoNs}, default
 *       {@link #DEFAULT_INITIAL_RTO_NS} (1 s).</li>
 *   <li>(2.2) "When the first RTT measurement R is made, the host MUST set SRTT &lt;- R, RTTVAR &lt;- R/2,
 *       RTO &lt;- SRTT + max (G, K*RTTVAR) where K = 4."</li>
 *   <li>(2.3) "When a subsequent RTT measurement R' is made, a host MUST set RTTVAR &lt;- (1 - beta) * RTTVAR +
 *       beta * |SRTT - R'|, SRTT &lt;- (1 - alpha) * SRTT + alpha * R'" with alpha = 1/8 and beta = 1/4, RTTVAR
 *       updated first with the old SRTT, then RTO as in (2.2).</li>
 *   <li>(2.4) "Whenever RTO is computed, if it is less than 1 second, then the RTO SHOULD be rounded up to 1
 *       second." <b>Deviation, as Linux:</b> the floor is {@code minRtoNs}, default {@link #DEFAULT_MIN_RTO_NS}
 *       = 200 ms (Linux's {@code TCP_RTO_MIN}); a 1 s floor would make every loss on a LAN cost a second. Pass
 *       1 s for the RFC's SHOULD.</li>
 *   <li>(2.5) "A maximum value MAY be placed on RTO provided it is at least 60 seconds": {@code maxRtoNs},
 *       default {@link #DEFAULT_MAX_RTO_NS} = 120 s (Linux's {@code TCP_RTO_MAX}). Smaller values are accepted
 *       (tests use them) but break the RFC's MAY.</li>
 *   <li>G, the clock granularity: {@code granularityNs}, default {@link #DEFAULT_GRANULARITY_NS} = 1 ms. The
 *       stack's clock reads nanoseconds, but timers fire from a duty cycle that is polled, so the granularity that
 *       matters is the timer's, about 1 ms. G only matters when RTTVAR collapses towards 0 (a very steady path);
 *       with the default 200 ms floor it rarely shows.</li>
 * </ul>
 * RTO = min(maxRto, max(minRto, SRTT + max(G, 4 * RTTVAR))), rounded up to a whole nanosecond. SRTT and RTTVAR are
 * kept in fixed point with {@value #FRACTION_BITS} fractional bits of a nanosecond, so the RFC's worked sequences
 * are exact (e.g. 100, 120, 80 ms give SRTT 99.6875 ms, RTTVAR 37.5 ms, RTO 249.6875 ms). A sample above
 * {@link #MAX_SAMPLE_NS} (about 73 minutes) is clamped to it, which keeps every intermediate far from overflow.
 *
 * <h2>Karn's algorithm (RFC 6298 §3) and timestamps (RFC 7323 §4)</h2>
 * RFC 6298 §3: "RTT samples MUST NOT be made using segments that were retransmitted (and thus for which it is
 * ambiguous whether the reply was for the first instance of the packet or a later instance). The only case when
 * TCP can safely take RTT samples from retransmitted segments is when the TCP timestamp option is employed, since
 * the timestamp option removes the ambiguity regarding which instance of the data segment triggered the
 * acknowledgment." The API makes the caller say which case applies:
 * <ul>
 *   <li>{@link #onSegmentRtt(long, boolean)}: a sample timed from one segment's send time; refused (and counted
 *       in {@link #karnRejected()}) when that segment was retransmitted.</li>
 *   <li>{@link #onTimestampRtt(long, long)}: a sample from the echoed TSecr (RFC 7323 §4.1), always valid, even
 *       for retransmitted data. Because timestamps give many samples per window, RFC 7323 Appendix G's weights
 *       apply: alpha' = alpha / ExpectedSamples, beta' = beta / ExpectedSamples, ExpectedSamples =
 *       ceiling(FlightSize / (SMSS * 2)) ({@link #expectedSamples(long, int)}); 1 gives plain RFC 6298.</li>
 * </ul>
 *
 * <h2>Timer expiry (RFC 6298 §5)</h2>
 * (5.5) "The host MUST set RTO &lt;- RTO * 2 ("back off the timer"). The maximum value discussed in (2.5) above
 * may be used to provide an upper bound to this doubling operation": {@link #onTimeout()}. The backed-off RTO is
 * kept until a new valid sample: "once a new RTT measurement is obtained (which can only happen when new data has
 * been sent and acknowledged), the computations outlined in Section 2 are performed, including the computation of
 * RTO, which may result in "collapsing" RTO back down after it has been subsequently increased by the
 * retransmission timeout" — every accepted sample clears the backoff and recomputes RTO.
 * <p>
 * (5.7) "If the timer expires awaiting the ACK of a SYN segment and the TCP implementation is using an RTO less
 * than 3 seconds, the RTO MUST be re-initialized to 3 seconds when data transmission begins (i.e., after the
 * three-way handshake completes)": {@link #onHandshakeComplete()}. As Linux does, this applies only when no
 * valid sample was taken yet (a timestamp sample on the SYN-ACK is better evidence than the fallback).
 * <p>
 * Not done: RFC 6298 §5's optional clearing of SRTT and RTTVAR after repeated backoffs.
 * <p>
 * Single-threaded; no method allocates.
 */
public final class RttEstimator
{
    /** RFC 6298 (2.1): the RTO before any sample, 1 s. */
    public static final long DEFAULT_INITIAL_RTO_NS = 1_000_000_000L;
    /** The RTO floor, 200 ms as Linux's {@code TCP_RTO_MIN} (RFC 6298 (2.4) says 1 s). */
    public static final long DEFAULT_MIN_RTO_NS = 200_000_000L;
    /** The RTO ceiling, 120 s as Linux's {@code TCP_RTO_MAX} (RFC 6298 (2.5): at least 60 s). */
    public static final long DEFAULT_MAX_RTO_NS = 120_000_000_000L;
    /** The clock granularity G, 1 ms (the duty cycle's timer resolution). */
    public static final long DEFAULT_GRANULARITY_NS = 1_000_000L;
    /** RFC 6298 (5.7): the RTO after a SYN timed out, 3 s. */
    public static final long SYN_TIMEOUT_RTO_NS = 3_000_000_000L;
    /** The largest sample and the largest RTO accepted, 2<sup>42</sup> ns (about 73 minutes). */
    public static final long MAX_SAMPLE_NS = 1L << 42;
    /** Fractional bits of a nanosecond kept in SRTT and RTTVAR. */
    public static final int FRACTION_BITS = 8;

    private static final long ONE = 1L << FRACTION_BITS;
    private static final long K = 4;

    private final long initialRtoNs;
    private final long minRtoNs;
    private final long maxRtoNs;
    private final long granularityNs;
    private final long granularityFx;

    private boolean hasSample;
    private long srttFx;
    private long rttvarFx;
    private long baseRtoNs;
    private long rtoNs;
    private int backoffs;
    private boolean timedOutBeforeEstablished;
    private boolean established;

    private long samples;
    private long karnRejected;
    private long timeouts;

    /**
     * An estimator with the defaults: initial RTO 1 s, min RTO 200 ms, max RTO 120 s, G = 1 ms.
     */
    public RttEstimator()
    {
        this(DEFAULT_INITIAL_RTO_NS, DEFAULT_MIN_RTO_NS, DEFAULT_MAX_RTO_NS, DEFAULT_GRANULARITY_NS);
    }

    /**
     * An estimator with explicit bounds.
     *
     * @param initialRtoNs  the RTO before any sample (RFC 6298 (2.1)); within {@code [minRtoNs, maxRtoNs]}.
     * @param minRtoNs      the RTO floor, positive.
     * @param maxRtoNs      the RTO ceiling and backoff cap; at least {@code minRtoNs}, at most
     *                      {@link #MAX_SAMPLE_NS}.
     * @param granularityNs the clock granularity G, positive, at most {@link #MAX_SAMPLE_NS}.
     * @throws IllegalArgumentException naming the bad value.
     */
    public RttEstimator(final long initialRtoNs, final long minRtoNs, final long maxRtoNs, final long granularityNs)
    {
        if (minRtoNs <= 0)
        {
            throw new IllegalArgumentException("minRtoNs must be positive: " + minRtoNs);
        }
        if (maxRtoNs < minRtoNs || maxRtoNs > MAX_SAMPLE_NS)
        {
            throw new IllegalArgumentException(
                "maxRtoNs must be in [minRtoNs=" + minRtoNs + ", " + MAX_SAMPLE_NS + "]: " + maxRtoNs);
        }
        if (initialRtoNs < minRtoNs || initialRtoNs > maxRtoNs)
        {
            throw new IllegalArgumentException(
                "initialRtoNs must be in [" + minRtoNs + ", " + maxRtoNs + "]: " + initialRtoNs);
        }
        if (granularityNs <= 0 || granularityNs > MAX_SAMPLE_NS)
        {
            throw new IllegalArgumentException(
                "granularityNs must be in [1, " + MAX_SAMPLE_NS + "]: " + granularityNs);
        }
        this.initialRtoNs = initialRtoNs;
        this.minRtoNs = minRtoNs;
        this.maxRtoNs = maxRtoNs;
        this.granularityNs = granularityNs;
        this.granularityFx = granularityNs << FRACTION_BITS;
        reset();
    }

    /**
     * RFC 7323 Appendix G's ExpectedSamples = ceiling(FlightSize / (SMSS * 2)), at least 1.
     *
     * @param flightSizeBytes the bytes outstanding when the sample was taken, not negative.
     * @param smss            the sender maximum segment size, positive.
     * @return the number of samples expected per window.
     * @throws IllegalArgumentException naming the bad value.
     */
    public static long expectedSamples(final long flightSizeBytes, final int smss)
    {
        if (flightSizeBytes < 0)
        {
            throw new IllegalArgumentException("flightSizeBytes must not be negative: " + flightSizeBytes);
        }
        if (smss <= 0)
        {
            throw new IllegalArgumentException("smss must be positive: " + smss);
        }
        final long twice = 2L * smss;
        return Math.max(1L, (flightSizeBytes + twice - 1) / twice);
    }

    /**
     * Forgets every sample and backoff (a new connection): RTO back to the initial value. Counters are kept.
     */
    public void reset()
    {
        hasSample = false;
        srttFx = 0;
        rttvarFx = 0;
        baseRtoNs = initialRtoNs;
        rtoNs = initialRtoNs;
        backoffs = 0;
        timedOutBeforeEstablished = false;
        established = false;
    }

    /**
     * A sample timed from one segment (send time to the ACK that covered it), subject to Karn's algorithm.
     *
     * @param rttNs                   the measured round-trip time, not negative.
     * @param segmentWasRetransmitted whether the timed segment was ever retransmitted.
     * @return whether the sample was used; {@code false} (counted in {@link #karnRejected()}) for a retransmitted
     *         segment, whose ACK is ambiguous.
     * @throws IllegalArgumentException for a negative sample.
     */
    public boolean onSegmentRtt(final long rttNs, final boolean segmentWasRetransmitted)
    {
        checkSample(rttNs);
        if (segmentWasRetransmitted)
        {
            karnRejected++;
            return false;
        }
        update(rttNs, 1);
        return true;
    }

    /**
     * A sample from the timestamp option (RFC 7323 §4.1: now minus the time the echoed TSecr was sent). Always
     * used, retransmitted data included, weighted by RFC 7323 Appendix G.
     *
     * @param rttNs           the measured round-trip time, not negative.
     * @param expectedSamples samples expected per window ({@link #expectedSamples(long, int)}), at least 1.
     * @throws IllegalArgumentException for a negative sample or an {@code expectedSamples} below 1.
     */
    public void onTimestampRtt(final long rttNs, final long expectedSamples)
    {
        checkSample(rttNs);
        if (expectedSamples < 1)
        {
            throw new IllegalArgumentException("expectedSamples must be at least 1: " + expectedSamples);
        }
        update(rttNs, expectedSamples);
    }

    /**
     * The retransmission timer expired (RFC 6298 (5.5)): RTO doubles, capped at {@code maxRtoNs}.
     */
    public void onTimeout()
    {
        timeouts++;
        if (!established)
        {
            timedOutBeforeEstablished = true;
        }
        backoffs++;
        rtoNs = Math.min(rtoNs << 1, maxRtoNs);
    }

    /**
     * The three-way handshake completed (RFC 6298 (5.7)): if the SYN (or SYN-ACK) timed out and no sample was
     * taken, an RTO below 3 s becomes 3 s (capped at {@code maxRtoNs}) and the backoff is cleared.
     */
    public void onHandshakeComplete()
    {
        established = true;
        if (timedOutBeforeEstablished && !hasSample && rtoNs < SYN_TIMEOUT_RTO_NS)
        {
            baseRtoNs = Math.min(SYN_TIMEOUT_RTO_NS, maxRtoNs);
            rtoNs = baseRtoNs;
            backoffs = 0;
        }
    }

    private static void checkSample(final long rttNs)
    {
        if (rttNs < 0)
        {
            throw new IllegalArgumentException("rttNs must not be negative: " + rttNs);
        }
    }

    private void update(final long rttNs, final long expectedSamples)
    {
        final long r = Math.min(rttNs, MAX_SAMPLE_NS) << FRACTION_BITS;
        if (!hasSample)
        {
            // RFC 6298 (2.2): SRTT <- R, RTTVAR <- R/2.
            srttFx = r;
            rttvarFx = r >> 1;
            hasSample = true;
        }
        else
        {
            // RFC 6298 (2.3), RTTVAR first with the old SRTT; RFC 7323 Appendix G divides the gains by
            // ExpectedSamples.
            final long error = r - srttFx;
            rttvarFx += (Math.abs(error) - rttvarFx) / (4 * expectedSamples);
            srttFx += error / (8 * expectedSamples);
        }
        samples++;
        final long rtoFx = srttFx + Math.max(granularityFx, K * rttvarFx);
        final long computed = (rtoFx + ONE - 1) >> FRACTION_BITS;
        baseRtoNs = Math.min(maxRtoNs, Math.max(minRtoNs, computed));
        rtoNs = baseRtoNs;
        backoffs = 0;
    }

    /**
     * The current RTO, backoff included: the timer to arm.
     *
     * @return nanoseconds.
     */
    public long rtoNs()
    {
        return rtoNs;
    }

    /**
     * The RTO from the estimator alone, without backoff.
     *
     * @return nanoseconds.
     */
    public long baseRtoNs()
    {
        return baseRtoNs;
    }

    /**
     * SRTT, rounded down to a nanosecond.
     *
     * @return nanoseconds; 0 before the first sample.
     */
    public long srttNs()
    {
        return srttFx >> FRACTION_BITS;
    }

    /**
     * RTTVAR, rounded down to a nanosecond.
     *
     * @return nanoseconds; 0 before the first sample.
     */
    public long rttvarNs()
    {
        return rttvarFx >> FRACTION_BITS;
    }

    /**
     * Whether a valid sample was taken since construction or {@link #reset()}.
     *
     * @return true once SRTT is known.
     */
    public boolean hasSample()
    {
        return hasSample;
    }

    /**
     * Timer expiries since the last valid sample (or reset, or the 3 s re-initialisation).
     *
     * @return the number of doublings applied to the base RTO (some may have hit the cap).
     */
    public int backoffs()
    {
        return backoffs;
    }

    /**
     * Samples used, over the estimator's life.
     *
     * @return a count.
     */
    public long samples()
    {
        return samples;
    }

    /**
     * Samples refused by Karn's algorithm, over the estimator's life.
     *
     * @return a count.
     */
    public long karnRejected()
    {
        return karnRejected;
    }

    /**
     * Timer expiries, over the estimator's life.
     *
     * @return a count.
     */
    public long timeouts()
    {
        return timeouts;
    }

    /**
     * The configured initial RTO.
     *
     * @return nanoseconds.
     */
    public long initialRtoNs()
    {
        return initialRtoNs;
    }

    /**
     * The configured RTO floor.
     *
     * @return nanoseconds.
     */
    public long minRtoNs()
    {
        return minRtoNs;
    }

    /**
     * The configured RTO ceiling.
     *
     * @return nanoseconds.
     */
    public long maxRtoNs()
    {
        return maxRtoNs;
    }

    /**
     * The configured clock granularity G.
     *
     * @return nanoseconds.
     */
    public long granularityNs()
    {
        return granularityNs;
    }
}
