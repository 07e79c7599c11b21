package io.tachyon.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link NewReno} traces worked by hand from RFC 5681, RFC 3465, RFC 6582 and RFC 6928, and the factory.
 */
class NewRenoTest
{
    private static final int MSS = 1000;
    private static final long MAX = 1L << 30;
    private static final long NOW = 1_000_000_000L;

    /** An ACK of {@code acked} bytes from a sender that had filled its window. */
    private static void fullAck(final CongestionControl cc, final long acked)
    {
        cc.onAck(acked, CongestionControl.NO_RTT, NOW, Math.max(0, cc.cwnd() - acked));
    }

    @Test
    void shouldStartAtTheRfc6928InitialWindow()
    {
        assertEquals(14_600, new NewReno(1460, MAX).cwnd());
        assertEquals(10_000, new NewReno(1000, MAX).cwnd());
        assertEquals(14_600, new NewReno(4000, MAX).cwnd());
        assertEquals(18_000, new NewReno(9000, MAX).cwnd());
        assertEquals(2_000, new NewReno(1000, 2_000).cwnd());
        final NewReno reno = new NewReno(MSS, MAX);
        assertEquals(CongestionControl.INFINITE_SSTHRESH, reno.ssthresh());
        assertTrue(reno.inSlowStart());
        assertFalse(reno.inRecovery());
        assertEquals("newreno", reno.name());
        assertEquals(MSS, reno.smss());
        assertEquals(MAX, reno.maxCwnd());
    }

    @Test
    void shouldGrowOneSegmentPerSegmentAckedInSlowStartWithAbcLimit()
    {
        final NewReno reno = new NewReno(MSS, MAX);
        final long[] expected = {11_000, 12_000, 13_000, 14_000, 15_000};
        for (final long cwnd : expected)
        {
            fullAck(reno, MSS);
            assertEquals(cwnd, reno.cwnd());
        }
        // A stretch ACK of 5 segments grows by L = 2 * SMSS only (RFC 3465 §2.2).
        fullAck(reno, 5 * MSS);
        assertEquals(17_000, reno.cwnd());
        // A delayed ACK of 2 segments: +2000; of half a segment: +500.
        fullAck(reno, 2 * MSS);
        assertEquals(19_000, reno.cwnd());
        fullAck(reno, 500);
        assertEquals(19_500, reno.cwnd());
    }

    @Test
    void shouldNotGrowAWindowTheSenderDoesNotUse()
    {
        final NewReno reno = new NewReno(MSS, MAX);
        // 10000-byte window, only 4000 were in flight: less than half used, no growth in slow start.
        reno.onAck(MSS, CongestionControl.NO_RTT, NOW, 3 * MSS);
        assertEquals(10_000, reno.cwnd());
        // 6000 in flight: more than half, growth.
        reno.onAck(MSS, CongestionControl.NO_RTT, NOW, 5 * MSS);
        assertEquals(11_000, reno.cwnd());
    }

    @Test
    void shouldGrowOneSegmentPerRttInCongestionAvoidance()
    {
        final NewReno reno = inCongestionAvoidanceAt10000();
        // One window of 1000-byte ACKs (10) adds exactly one SMSS, and not before the last one.
        for (int i = 0; i < 9; i++)
        {
            fullAck(reno, MSS);
            assertEquals(10_000, reno.cwnd());
        }
        fullAck(reno, MSS);
        assertEquals(11_000, reno.cwnd());
        for (int rtt = 0; rtt < 5; rtt++)
        {
            final long window = reno.cwnd();
            for (long acked = 0; acked < window; acked += MSS)
            {
                fullAck(reno, MSS);
            }
            assertEquals(window + MSS, reno.cwnd());
        }
        assertEquals(16_000, reno.cwnd());
        assertFalse(reno.inSlowStart());
        // Application-limited in congestion avoidance (room for another segment): no growth, no credit.
        for (int i = 0; i < 100; i++)
        {
            reno.onAck(MSS, CongestionControl.NO_RTT, NOW, 10 * MSS);
        }
        assertEquals(16_000, reno.cwnd());
    }

    /** Fast recovery from FlightSize 20000 and a full ACK leave cwnd = ssthresh = 10000. */
    private static NewReno inCongestionAvoidanceAt10000()
    {
        final NewReno reno = new NewReno(MSS, MAX);
        for (int i = 0; i < 10; i++)
        {
            fullAck(reno, MSS);
        }
        assertEquals(20_000, reno.cwnd());
        reno.enterRecovery(NOW, 20_000);
        reno.exitRecovery(NOW, 10_000);
        assertEquals(10_000, reno.cwnd());
        assertEquals(10_000, reno.ssthresh());
        return reno;
    }

    @Test
    void shouldRunRfc6582FastRecoveryWithPartialAcks()
    {
        final NewReno reno = new NewReno(MSS, MAX);
        for (int i = 0; i < 10; i++)
        {
            fullAck(reno, MSS);
        }
        // 20 segments in flight; segments 1 and 5 of them lost; three duplicate ACKs for segment 1.
        reno.enterRecovery(NOW, 20_000);
        assertTrue(reno.inRecovery());
        // ssthresh = max(20000 / 2, 2000) = 10000; cwnd = ssthresh + 3 * SMSS.
        assertEquals(10_000, reno.ssthresh());
        assertEquals(13_000, reno.cwnd());
        // Each further duplicate ACK inflates by one SMSS (RFC 5681 §3.2 step 4).
        reno.onDuplicateAck(NOW);
        reno.onDuplicateAck(NOW);
        reno.onDuplicateAck(NOW);
        assertEquals(16_000, reno.cwnd());
        // Partial ACK: the retransmission of segment 1 fills the hole up to segment 5: 4 segments acknowledged.
        // Deflate by 4000, add back one SMSS: 16000 - 4000 + 1000 = 13000. Recovery continues.
        reno.onAck(4 * MSS, CongestionControl.NO_RTT, NOW, 16_000);
        assertEquals(13_000, reno.cwnd());
        assertTrue(reno.inRecovery());
        // A partial ACK of less than one SMSS: deflate only: 13000 - 400 = 12600.
        reno.onAck(400, CongestionControl.NO_RTT, NOW, 15_600);
        assertEquals(12_600, reno.cwnd());
        reno.onDuplicateAck(NOW);
        assertEquals(13_600, reno.cwnd());
        // Full ACK with 3000 bytes still outstanding: cwnd = min(ssthresh, max(3000, 1000) + 1000) = 4000.
        reno.exitRecovery(NOW, 3_000);
        assertFalse(reno.inRecovery());
        assertEquals(4_000, reno.cwnd());
        assertTrue(reno.inSlowStart());
        // A full ACK with much outstanding: ssthresh bounds it.
        final NewReno other = inCongestionAvoidanceAt10000();
        other.enterRecovery(NOW, 10_000);
        other.exitRecovery(NOW, 12_000);
        assertEquals(5_000, other.ssthresh());
        assertEquals(5_000, other.cwnd());
    }

    @Test
    void shouldIgnoreRecoveryEventsOutOfOrder()
    {
        final NewReno reno = new NewReno(MSS, MAX);
        reno.exitRecovery(NOW, 0);
        reno.onDuplicateAck(NOW);
        assertEquals(10_000, reno.cwnd());
        reno.enterRecovery(NOW, 10_000);
        reno.enterRecovery(NOW, 2_000);
        assertEquals(5_000, reno.ssthresh());
        reno.onEcnCe(NOW, 2_000);
        assertEquals(5_000, reno.ssthresh());
    }

    @Test
    void shouldFallToTheLossWindowOnTimeoutAndHoldSsthreshOnRepeatedTimeouts()
    {
        final NewReno reno = new NewReno(MSS, MAX);
        reno.enterRecovery(NOW, 10_000);
        reno.onRetransmissionTimeout(NOW, 30_000);
        assertFalse(reno.inRecovery());
        assertEquals(MSS, reno.cwnd());
        assertEquals(15_000, reno.ssthresh());
        // The same segment times out again: ssthresh held (RFC 5681 §3.1), not max(1000 / 2, 2000).
        reno.onRetransmissionTimeout(NOW, MSS);
        assertEquals(15_000, reno.ssthresh());
        assertEquals(MSS, reno.cwnd());
        // Slow start from the loss window: 1000, 2000, 4000 (one ACK per segment in flight).
        fullAck(reno, MSS);
        assertEquals(2_000, reno.cwnd());
        fullAck(reno, MSS);
        fullAck(reno, MSS);
        assertEquals(4_000, reno.cwnd());
        // After an ACK, a new timeout recomputes ssthresh: max(1000 / 2, 2000) = 2000.
        reno.onRetransmissionTimeout(NOW, MSS);
        assertEquals(2 * MSS, reno.ssthresh());
        // Slow start stops at ssthresh: 1000 + min(2000, 2000) would be 3000, capped to 2000.
        fullAck(reno, 2 * MSS);
        assertEquals(2_000, reno.cwnd());
        assertFalse(reno.inSlowStart());
    }

    @Test
    void shouldHalveOnEcnCongestionExperienced()
    {
        final NewReno reno = new NewReno(MSS, MAX);
        reno.onEcnCe(NOW, 10_000);
        assertEquals(5_000, reno.ssthresh());
        assertEquals(5_000, reno.cwnd());
        assertFalse(reno.inRecovery());
        // Never raises cwnd: FlightSize above cwnd.
        reno.onEcnCe(NOW, 40_000);
        assertEquals(20_000, reno.ssthresh());
        assertEquals(5_000, reno.cwnd());
    }

    @Test
    void shouldStayWithinTheConfiguredMaximum()
    {
        final NewReno reno = new NewReno(MSS, 12_500);
        for (int i = 0; i < 20; i++)
        {
            fullAck(reno, MSS);
        }
        assertEquals(12_500, reno.cwnd());
        reno.enterRecovery(NOW, 1_000_000);
        assertEquals(500_000, reno.ssthresh());
        assertEquals(12_500, reno.cwnd());
    }

    @Test
    void shouldRejectBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new NewReno(0, MAX));
        assertThrows(IllegalArgumentException.class, () -> new NewReno(70_000, MAX));
        final IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> new NewReno(MSS, 1999));
        assertTrue(small.getMessage().contains("1999"));
        final NewReno reno = new NewReno(MSS, MAX);
        assertThrows(IllegalArgumentException.class, () -> reno.onAck(-1, CongestionControl.NO_RTT, NOW, 0));
        assertThrows(IllegalArgumentException.class, () -> reno.onAck(1, CongestionControl.NO_RTT, NOW, -1));
        assertThrows(IllegalArgumentException.class, () -> reno.enterRecovery(NOW, -1));
        assertThrows(IllegalArgumentException.class, () -> reno.exitRecovery(NOW, -1));
        assertThrows(IllegalArgumentException.class, () -> reno.onRetransmissionTimeout(NOW, -1));
        assertThrows(IllegalArgumentException.class, () -> reno.onEcnCe(NOW, -1));
    }

    @Test
    void shouldCreateAlgorithmsByName()
    {
        assertEquals(List.of("newreno", "cubic"), CongestionControlFactory.names());
        final CongestionControl reno = CongestionControlFactory.forName("newreno").create(MSS, MAX);
        assertInstanceOf(NewReno.class, reno);
        assertEquals("newreno", reno.name());
        final CongestionControl cubic = CongestionControlFactory.forName("cubic").create(1460, MAX);
        assertInstanceOf(Cubic.class, cubic);
        assertEquals("cubic", cubic.name());
        assertEquals(14_600, cubic.cwnd());
        final IllegalArgumentException unknown =
            assertThrows(IllegalArgumentException.class, () -> CongestionControlFactory.forName("bbr"));
        assertEquals("unknown congestion control 'bbr'; known: newreno, cubic", unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CongestionControlFactory.forName("CUBIC"));
        assertThrows(NullPointerException.class, () -> CongestionControlFactory.forName(null));
    }
}
