package io.tachyon.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import io.tachyon.testing.Allocations;

/**
 * {@link RttEstimator}: RFC 6298's formulas worked by hand, backoff, clamps, Karn's algorithm, RFC 7323's weighted
 * timestamp samples, and bounds under random input.
 */
class RttEstimatorTest
{
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Example
    void shouldStartAtOneSecond()
    {
        final RttEstimator rtt = new RttEstimator();
        assertEquals(S, rtt.rtoNs());
        assertFalse(rtt.hasSample());
        assertEquals(0, rtt.srttNs());
        assertEquals(200 * MS, rtt.minRtoNs());
        assertEquals(120 * S, rtt.maxRtoNs());
        assertEquals(MS, rtt.granularityNs());
    }

    @Example
    void shouldComputeTheRfc6298SequenceExactly()
    {
        final RttEstimator rtt = new RttEstimator();
        // (2.2) R = 100 ms: SRTT = 100, RTTVAR = 50, RTO = 100 + max(1, 4 * 50) = 300 ms.
        assertTrue(rtt.onSegmentRtt(100 * MS, false));
        assertEquals(100 * MS, rtt.srttNs());
        assertEquals(50 * MS, rtt.rttvarNs());
        assertEquals(300 * MS, rtt.rtoNs());
        // (2.3) R' = 120 ms: RTTVAR = 3/4 * 50 + 1/4 * |100 - 120| = 42.5; SRTT = 7/8 * 100 + 1/8 * 120 = 102.5;
        // RTO = 102.5 + 4 * 42.5 = 272.5 ms.
        assertTrue(rtt.onSegmentRtt(120 * MS, false));
        assertEquals(42_500_000L, rtt.rttvarNs());
        assertEquals(102_500_000L, rtt.srttNs());
        assertEquals(272_500_000L, rtt.rtoNs());
        // R' = 80 ms: RTTVAR = 3/4 * 42.5 + 1/4 * |102.5 - 80| = 31.875 + 5.625 = 37.5;
        // SRTT = 7/8 * 102.5 + 1/8 * 80 = 89.6875 + 10 = 99.6875; RTO = 99.6875 + 150 = 249.6875 ms.
        assertTrue(rtt.onSegmentRtt(80 * MS, false));
        assertEquals(37_500_000L, rtt.rttvarNs());
        assertEquals(99_687_500L, rtt.srttNs());
        assertEquals(249_687_500L, rtt.rtoNs());
        assertEquals(3, rtt.samples());
    }

    @Example
    void shouldClampToTheMinimumRto()
    {
        final RttEstimator rtt = new RttEstimator();
        // R = 10 ms: 10 + 4 * 5 = 30 ms, below the 200 ms floor.
        rtt.onSegmentRtt(10 * MS, false);
        assertEquals(10 * MS, rtt.srttNs());
        assertEquals(200 * MS, rtt.rtoNs());
        // The RFC's 1 s floor when asked for.
        final RttEstimator rfc = new RttEstimator(S, S, 60 * S, MS);
        rfc.onSegmentRtt(10 * MS, false);
        assertEquals(S, rfc.rtoNs());
    }

    @Example
    void shouldUseTheGranularityWhenVarianceCollapses()
    {
        // Floor 1 ns so that only G shows: after many equal samples RTTVAR shrinks towards 0 and RTO -> SRTT + G.
        final RttEstimator rtt = new RttEstimator(S, 1, 60 * S, 5 * MS);
        for (int i = 0; i < 200; i++)
        {
            rtt.onSegmentRtt(100 * MS, false);
        }
        assertEquals(100 * MS, rtt.srttNs());
        assertTrue(4 * rtt.rttvarNs() < 5 * MS, "RTTVAR collapsed: " + rtt.rttvarNs());
        assertEquals(105 * MS, rtt.rtoNs());
    }

    @Example
    void shouldCapAtTheMaximumRto()
    {
        final RttEstimator rtt = new RttEstimator();
        rtt.onSegmentRtt(100 * S, false);
        // 100 + 4 * 50 = 300 s, capped at 120 s.
        assertEquals(120 * S, rtt.rtoNs());
    }

    @Example
    void shouldBackOffExponentiallyUpToTheCap()
    {
        final RttEstimator rtt = new RttEstimator();
        final long[] expected = {2 * S, 4 * S, 8 * S, 16 * S, 32 * S, 64 * S, 120 * S, 120 * S, 120 * S};
        for (int i = 0; i < expected.length; i++)
        {
            rtt.onTimeout();
            assertEquals(expected[i], rtt.rtoNs(), "after " + (i + 1) + " expiries");
            assertEquals(i + 1, rtt.backoffs());
        }
        assertEquals(S, rtt.baseRtoNs());
        assertEquals(expected.length, rtt.timeouts());
    }

    @Example
    void shouldCollapseTheBackoffOnANewValidSample()
    {
        final RttEstimator rtt = new RttEstimator();
        rtt.onSegmentRtt(100 * MS, false);
        rtt.onTimeout();
        rtt.onTimeout();
        assertEquals(1200 * MS, rtt.rtoNs());
        // Karn: the ACK of the retransmission is ambiguous, the backoff stays.
        assertFalse(rtt.onSegmentRtt(100 * MS, true));
        assertEquals(1200 * MS, rtt.rtoNs());
        assertEquals(2, rtt.backoffs());
        assertEquals(1, rtt.karnRejected());
        // A segment sent after the retransmission and ACKed: recompute (RFC 6298 §5 note): SRTT stays 100,
        // RTTVAR = 3/4 * 50 = 37.5, RTO = 100 + 150 = 250 ms.
        assertTrue(rtt.onSegmentRtt(100 * MS, false));
        assertEquals(250 * MS, rtt.rtoNs());
        assertEquals(0, rtt.backoffs());
    }

    @Example
    void shouldNotLetKarnRejectedSamplesMoveTheEstimate()
    {
        final RttEstimator rtt = new RttEstimator();
        assertFalse(rtt.onSegmentRtt(5 * S, true));
        assertFalse(rtt.hasSample());
        assertEquals(S, rtt.rtoNs());
        assertEquals(0, rtt.samples());
    }

    @Example
    void shouldTakeTimestampSamplesFromRetransmissionsWithAppendixGWeights()
    {
        final RttEstimator rtt = new RttEstimator();
        rtt.onTimeout();
        rtt.onTimestampRtt(100 * MS, 1);
        assertEquals(300 * MS, rtt.rtoNs());
        assertEquals(0, rtt.backoffs());
        // ExpectedSamples = ceil(20 * 1000 / (2 * 1000)) = 10: alpha' = 1/80, beta' = 1/40.
        assertEquals(10, RttEstimator.expectedSamples(20_000, 1000));
        assertEquals(11, RttEstimator.expectedSamples(20_001, 1000));
        assertEquals(1, RttEstimator.expectedSamples(0, 1000));
        rtt.onTimestampRtt(180 * MS, 10);
        // RTTVAR = 50 + (80 - 50) / 40 = 50.75; SRTT = 100 + 80 / 80 = 101; RTO = 101 + 203 = 304 ms.
        assertEquals(50_750_000L, rtt.rttvarNs());
        assertEquals(101 * MS, rtt.srttNs());
        assertEquals(304 * MS, rtt.rtoNs());
    }

    @Example
    void shouldReinitialiseToThreeSecondsAfterASynTimeout()
    {
        final RttEstimator rtt = new RttEstimator();
        rtt.onTimeout();
        assertEquals(2 * S, rtt.rtoNs());
        rtt.onHandshakeComplete();
        assertEquals(3 * S, rtt.rtoNs());
        assertEquals(0, rtt.backoffs());
        // Later timeouts do not re-trigger (5.7) and a sample collapses it again.
        rtt.onTimeout();
        rtt.onHandshakeComplete();
        assertEquals(6 * S, rtt.rtoNs());
        rtt.onSegmentRtt(100 * MS, false);
        assertEquals(300 * MS, rtt.rtoNs());

        final RttEstimator clean = new RttEstimator();
        clean.onHandshakeComplete();
        assertEquals(S, clean.rtoNs());

        final RttEstimator measured = new RttEstimator();
        measured.onTimeout();
        measured.onTimestampRtt(100 * MS, 1);
        measured.onHandshakeComplete();
        assertEquals(300 * MS, measured.rtoNs());
    }

    @Example
    void shouldResetToTheInitialState()
    {
        final RttEstimator rtt = new RttEstimator();
        rtt.onSegmentRtt(100 * MS, false);
        rtt.onTimeout();
        rtt.reset();
        assertEquals(S, rtt.rtoNs());
        assertFalse(rtt.hasSample());
        assertEquals(0, rtt.backoffs());
        assertEquals(1, rtt.samples());
    }

    @Example
    void shouldRejectBadConfigurationAndInput()
    {
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(S, 0, 60 * S, MS));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(S, 2 * S, S, MS));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(S, MS, RttEstimator.MAX_SAMPLE_NS + 1, MS));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(100 * S, MS, 60 * S, MS));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(S, 200 * MS, 60 * S, 0));
        final RttEstimator rtt = new RttEstimator();
        final IllegalArgumentException negative =
            assertThrows(IllegalArgumentException.class, () -> rtt.onSegmentRtt(-1, false));
        assertTrue(negative.getMessage().contains("-1"));
        assertThrows(IllegalArgumentException.class, () -> rtt.onTimestampRtt(MS, 0));
        assertThrows(IllegalArgumentException.class, () -> RttEstimator.expectedSamples(-1, 1000));
        assertThrows(IllegalArgumentException.class, () -> RttEstimator.expectedSamples(1, 0));
    }

    @Property(seed = "20261122")
    void shouldKeepRtoWithinBoundsAndSrttWithinTheSamples(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long min = 1 + random.nextLong(S);
        final long max = min + random.nextLong(200 * S);
        final RttEstimator rtt = new RttEstimator(min + random.nextLong(max - min + 1), min, max,
            1 + random.nextLong(10 * MS));
        long lowest = Long.MAX_VALUE;
        long highest = 0;
        for (int i = 0; i < 200; i++)
        {
            final int event = random.nextInt(4);
            if (event == 0)
            {
                rtt.onTimeout();
            }
            else
            {
                final long sample = random.nextLong(random.nextBoolean() ? 10 * S : RttEstimator.MAX_SAMPLE_NS * 2);
                final boolean used = event == 1
                    ? rtt.onSegmentRtt(sample, random.nextBoolean())
                    : timestamp(rtt, sample, 1 + random.nextInt(50));
                if (used)
                {
                    lowest = Math.min(lowest, Math.min(sample, RttEstimator.MAX_SAMPLE_NS));
                    highest = Math.max(highest, Math.min(sample, RttEstimator.MAX_SAMPLE_NS));
                    assertEquals(0, rtt.backoffs());
                    assertTrue(rtt.srttNs() >= lowest - 1 && rtt.srttNs() <= highest, "SRTT within the samples");
                    assertTrue(rtt.rttvarNs() >= 0);
                }
            }
            assertTrue(rtt.rtoNs() >= min && rtt.rtoNs() <= max, "RTO " + rtt.rtoNs() + " in [" + min + ", " + max);
        }
    }

    private static boolean timestamp(final RttEstimator rtt, final long sample, final int expected)
    {
        rtt.onTimestampRtt(sample, expected);
        return true;
    }

    @Example
    void shouldAllocateNothing() throws Exception
    {
        final RttEstimator rtt = new RttEstimator();
        final long[] samples = new long[1024];
        final SplittableRandom random = new SplittableRandom(20261122);
        for (int i = 0; i < samples.length; i++)
        {
            samples[i] = random.nextLong(2 * S);
        }
        Allocations.assertSteadyStateAllocatesNothing("estimating 1M samples", 3, 5, () ->
        {
            for (int i = 0; i < 1_000_000; i++)
            {
                final long sample = samples[i & 1023];
                if ((i & 63) == 0)
                {
                    rtt.onTimeout();
                }
                else if ((i & 1) == 0)
                {
                    rtt.onSegmentRtt(sample, (i & 6) == 0);
                }
                else
                {
                    rtt.onTimestampRtt(sample, 1 + (i & 7));
                }
            }
        });
        assertTrue(rtt.samples() > 0);
    }
}
