package io.tachyon.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link Cubic} against RFC 9438's formulas, evaluated in the test with doubles.
 */
class CubicTest
{
    private static final int MSS = 1000;
    private static final long MAX = 1L << 30;
    private static final long T0 = 1_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final double C = 0.4;
    private static final double BETA = 0.7;

    /** W_cubic(t) = C * (t - K)^3 + W_max (RFC 9438 Figure 1). */
    private static double wCubic(final double t, final double k, final double wMax)
    {
        return C * Math.pow(t - k, 3) + wMax;
    }

    /**
     * Slow start to 100 segments, a fast retransmit with FlightSize 100000 (W_max = 100, ssthresh = 70000) and a
     * full ACK with 70000 outstanding: cwnd = ssthresh = 70000, ready for congestion avoidance.
     */
    private static Cubic afterLossAt100Segments()
    {
        final Cubic cubic = new Cubic(MSS, MAX);
        while (cubic.cwnd() < 100 * MSS)
        {
            cubic.onAck(MSS, CongestionControl.NO_RTT, T0, cubic.cwnd() - MSS);
        }
        assertEquals(100_000, cubic.cwnd());
        cubic.enterRecovery(T0, 100_000);
        assertEquals(100.0, cubic.wMax());
        assertEquals(70_000, cubic.ssthresh());
        assertEquals(73_000, cubic.cwnd());
        cubic.exitRecovery(T0, 70_000);
        assertEquals(70_000, cubic.cwnd());
        assertFalse(cubic.inSlowStart());
        return cubic;
    }

    /** One RTT of ACK clocking: cwnd / SMSS ACKs of one segment, evenly spread over {@code rttNs}. */
    private static long oneRtt(final Cubic cubic, final long startNs, final long rttNs)
    {
        final long acks = cubic.cwnd() / MSS;
        for (long i = 0; i < acks; i++)
        {
            cubic.onAck(MSS, rttNs, startNs + rttNs * i / acks, cubic.cwnd() - MSS);
        }
        return startNs + rttNs;
    }

    @Test
    void shouldComputeKForAKnownWMax()
    {
        final Cubic cubic = afterLossAt100Segments();
        cubic.onAck(MSS, 100 * MS, T0, 69_000);
        // K = cbrt(W_max * (1 - beta) / C) = cbrt(100 * 0.3 / 0.4) = cbrt(75) = 4.2171633...
        assertEquals(Math.cbrt(100 * (1 - BETA) / C), cubic.k(), 1e-12);
        assertEquals(4.2171633265, cubic.k(), 1e-9);
        // W_cubic(K) = W_max, and W_cubic(0) = cwnd_epoch = beta * W_max.
        assertEquals(100.0, wCubic(cubic.k(), cubic.k(), cubic.wMax()), 1e-12);
        assertEquals(70.0, wCubic(0, cubic.k(), cubic.wMax()), 1e-9);
    }

    @Test
    void shouldFollowTheCubicCurveThroughConcaveAndConvexRegions()
    {
        final Cubic cubic = afterLossAt100Segments();
        final long rtt = 100 * MS;
        long now = T0;
        final double k = Math.cbrt(75);
        double previousGrowth = Double.MAX_VALUE;
        long previous = cubic.cwnd();
        boolean sawConvex = false;
        for (int round = 1; round <= 80; round++)
        {
            now = oneRtt(cubic, now, rtt);
            final double t = (now - T0) / 1e9;
            final double segments = (double)cubic.cwnd() / MSS;
            if (t < k)
            {
                // Long RTT: in the concave region, past the first ACKs (where W_cubic(t) is still at cwnd_epoch),
                // the curve is above W_est (which gains about 0.53 segments per RTT).
                assertFalse(cubic.renoFriendly(), "long RTT: the cubic curve dominates, round " + round);
            }
            // Each ACK aims at W_cubic(t + RTT), bounded by 1.5 * cwnd: after an RTT cwnd lies between the curve
            // one RTT ago and one RTT ahead (within a segment for the granularity of ACKs).
            final double low = Math.min(wCubic(t - 0.1, k, 100), 1.5 * previous / MSS);
            final double high = Math.max(wCubic(t + 0.1, k, 100), cubic.wEst());
            assertTrue(segments >= low - 1 && segments <= high + 1,
                "round " + round + ": cwnd " + segments + " segments outside [" + low + ", " + high + "]");
            final double growth = segments - (double)previous / MSS;
            assertTrue(growth >= 0);
            if (t < k - 0.2)
            {
                assertTrue(growth <= previousGrowth + 0.05, "concave: growth slows towards W_max, round " + round);
            }
            if (t > k + 1)
            {
                assertTrue(growth >= previousGrowth - 0.05, "convex: growth accelerates past W_max, round " + round);
                sawConvex = true;
            }
            if (Math.abs(t - k) < 0.05)
            {
                assertEquals(100.0, segments, 1.0, "at t = K the window is W_max");
            }
            previousGrowth = growth;
            previous = cubic.cwnd();
        }
        assertTrue(sawConvex);
        // At t = 8 s: W_cubic(8 - 0.1 .. 8 + 0.1) with K = 4.217: about 121.6 .. 126.0 segments.
        assertTrue(cubic.cwnd() > 120 * MSS && cubic.cwnd() < 127 * MSS, "cwnd " + cubic.cwnd());
    }

    @Test
    void shouldBeRenoFriendlyEarlyAfterLossWithASmallRtt()
    {
        final Cubic cubic = afterLossAt100Segments();
        final long rtt = MS;
        // Mirror RFC 9438 §4.3 in doubles: W_est starts at cwnd_epoch = 70 and grows by
        // alpha * segments_acked / cwnd, alpha = 3 * (1 - 0.7) / (1 + 0.7); cwnd is set to W_est.
        final double alpha = 3 * (1 - BETA) / (1 + BETA);
        assertEquals(alpha, Cubic.ALPHA, 0.0);
        double wEst = 70;
        long cwnd = 70_000;
        long now = T0;
        for (int round = 0; round < 20; round++)
        {
            final long acks = cwnd / MSS;
            for (long i = 0; i < acks; i++)
            {
                final long at = now + rtt * i / acks;
                cubic.onAck(MSS, rtt, at, cubic.cwnd() - MSS);
                wEst += alpha * 1.0 / ((double)cwnd / MSS);
                final double t = (at - T0) / 1e9;
                assertTrue(wCubic(t, Math.cbrt(75), 100) < wEst, "Reno-friendly region at t = " + t);
                cwnd = Math.max(cwnd, (long)(wEst * MSS));
                assertTrue(cubic.renoFriendly());
                assertEquals(cwnd, cubic.cwnd(), "round " + round + " ack " + i);
            }
            now += rtt;
        }
        assertEquals(wEst, cubic.wEst(), 1e-9);
        // About alpha = 0.53 segments per RTT: 20 RTTs add about 10.6 segments.
        assertTrue(cubic.cwnd() > 80_000 && cubic.cwnd() < 81_000, "cwnd " + cubic.cwnd());
    }

    @Test
    void shouldReduceWMaxWithFastConvergence()
    {
        final Cubic cubic = afterLossAt100Segments();
        long now = T0;
        for (int round = 0; round < 10; round++)
        {
            now = oneRtt(cubic, now, 100 * MS);
        }
        final long before = cubic.cwnd();
        assertTrue(before < 100 * MSS, "still below W_max: " + before);
        cubic.enterRecovery(now, before);
        // cwnd < W_max: W_max = cwnd * (1 + beta) / 2.
        assertEquals((double)before / MSS * (1 + BETA) / 2, cubic.wMax(), 1e-9);
        assertTrue(cubic.wMax() < (double)before / MSS);
        // ssthresh = FlightSize * 0.7, rounded down.
        assertEquals(before * 7 / 10, cubic.ssthresh());
        // A loss above W_max sets W_max = cwnd.
        final Cubic other = afterLossAt100Segments();
        now = T0;
        for (int round = 0; round < 80; round++)
        {
            now = oneRtt(other, now, 100 * MS);
        }
        final long high = other.cwnd();
        assertTrue(high > 100 * MSS);
        other.enterRecovery(now, high);
        assertEquals((double)high / MSS, other.wMax(), 1e-9);
    }

    @Test
    void shouldReduceSsthreshByBetaWithATwoSegmentFloor()
    {
        final Cubic a = new Cubic(MSS, MAX);
        a.enterRecovery(T0, 12_345);
        assertEquals(8_641, a.ssthresh());
        final Cubic b = new Cubic(MSS, MAX);
        b.onEcnCe(T0, 1_001);
        assertEquals(2_000, b.ssthresh());
        assertEquals(2_000, b.cwnd());
        final Cubic c = new Cubic(MSS, MAX);
        c.onRetransmissionTimeout(T0, Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE / 10 * 7 + 7 * 7 / 10, c.ssthresh());
        assertEquals(MSS, c.cwnd());
    }

    @Test
    void shouldRestartTheCurveAtTheWindowAfterATimeout()
    {
        final Cubic cubic = afterLossAt100Segments();
        cubic.onRetransmissionTimeout(T0, 40_000);
        assertEquals(MSS, cubic.cwnd());
        assertEquals(28_000, cubic.ssthresh());
        long now = T0;
        while (cubic.inSlowStart())
        {
            cubic.onAck(MSS, 100 * MS, now, cubic.cwnd() - MSS);
        }
        assertEquals(28_000, cubic.cwnd());
        now += 100 * MS;
        cubic.onAck(MSS, 100 * MS, now, 27_000);
        // RFC 9438 §4.8: K = 0, W_max = W_est = cwnd at the start of congestion avoidance.
        assertEquals(0.0, cubic.k());
        assertEquals(28.0, cubic.wMax());
        assertEquals(28.0 + Cubic.ALPHA / 28, cubic.wEst(), 1e-12);
        // Convex from the start (W_cubic(t) = 0.4 * t^3 + 28), but early on the Reno-friendly W_est, about
        // alpha = 0.53 segments per RTT, is above it: cwnd follows W_est.
        for (int round = 0; round < 20; round++)
        {
            now = oneRtt(cubic, now, 100 * MS);
        }
        assertTrue(cubic.renoFriendly());
        assertEquals((long)(cubic.wEst() * MSS), cubic.cwnd());
        // 0.4 * t^3 overtakes 28 + 5.3 * t near t = 3.6 s; at t = 6 s the curve rules: W_cubic(6) = 114.4.
        for (int round = 20; round < 60; round++)
        {
            now = oneRtt(cubic, now, 100 * MS);
        }
        assertFalse(cubic.renoFriendly());
        final double segments = (double)cubic.cwnd() / MSS;
        assertTrue(segments > wCubic(5.9, 0, 28) - 1 && segments < wCubic(6.1, 0, 28) + 1, "cwnd " + segments);
    }
}
