package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.tcp.TcpConfig;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;
import io.tachyon.wire.TcpFlyweight;

/**
 * Exact-segment tests of the TCP timers and loss recovery on the virtual clock: every segment each side sends is
 * recorded by a {@link TapDriver}, and chosen ones are lost.
 */
class StackTcpTimingTest
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    /** Timer wheel tick plus the idle step: how late a timer may fire. */
    private static final long SLACK = 2 * MS;

    @TempDir
    Path dir;

    private static List<Long> times(final List<TapDriver.Segment> segments, final int flag)
    {
        final List<Long> out = new ArrayList<>();
        for (final TapDriver.Segment s : segments)
        {
            if (s.has(flag))
            {
                out.add(s.timeNs());
            }
        }
        return out;
    }

    private static void assertNear(final long expected, final long actual, final String what)
    {
        assertTrue(actual - expected >= 0 && actual - expected <= SLACK,
            what + ": expected " + expected / 1e6 + " ms (+" + SLACK / 1e6 + "), got " + actual / 1e6 + " ms");
    }

    @Test
    void shouldBackOffSynRetransmissionsFromOneSecond()
    {
        try (TapPair pair = new TapPair(dir))
        {
            pair.b.tcp().listen(80, 4);
            pair.tapB.drop = s -> true; // the SYN-ACKs are lost
            final long start = pair.clock.nanoTime();
            final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, 80);
            pair.run(16 * SECOND);
            final List<Long> syns = times(pair.tapA.sent, TcpFlyweight.SYN);
            assertTrue(syns.size() >= 5, "SYNs sent: " + syns.size());
            assertNear(start, syns.get(0), "first SYN");
            long expected = start;
            long rto = SECOND;
            for (int i = 1; i < 5; i++)
            {
                expected = syns.get(i - 1) + rto;
                assertNear(expected, syns.get(i), "SYN retransmission " + i + " (RTO " + rto / MS + " ms)");
                rto *= 2;
            }
            assertEquals(TcpState.SYN_SENT, client.state());
        }
    }

    @Test
    void shouldDoubleTheRtoFromSrttOnEachDataTimeout()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            final long rto = s[0].rtoNs();
            assertEquals(200 * MS, rto, "RTO after a near-zero RTT handshake is the 200 ms floor; srtt "
                + s[0].srttNs());
            pair.tapB.drop = seg -> true; // every ACK from B is lost
            pair.tapA.sent.clear();
            assertEquals(100, s[0].write(new byte[100], 0, 100));
            pair.run(13 * SECOND);
            final List<TapDriver.Segment> data = pair.tapA.dataSegments();
            assertTrue(data.size() >= 6, "data segments sent: " + data.size());
            long interval = rto;
            for (int i = 1; i < 6; i++)
            {
                assertEquals(data.get(0).seq(), data.get(i).seq(), "retransmission " + i + " of the same bytes");
                assertNear(data.get(i - 1).timeNs() + interval, data.get(i).timeNs(), "retransmission " + i);
                interval *= 2;
            }
            assertEquals(TcpState.ESTABLISHED, s[0].state());
        }
    }

    private static long[] lossOfFirstSegment(final TapPair pair, final TcpSocket[] s, final int segments)
    {
        final int mss = s[0].mss();
        // warm-up: B's ACK of one byte gives A a scaled window, so the next ACKs carry the same window and count
        // as duplicates (RFC 5681 §2 (e): the SYN-ACK's unscaled window differs from every later one)
        assertEquals(1, s[0].write(new byte[1], 0, 1));
        assertTrue(pair.runUntil(() -> s[1].read(new byte[1], 0, 1) == 1, SECOND));
        pair.run(100 * MS);
        pair.tapA.sent.clear();
        pair.tapB.sent.clear();
        final boolean[] dropped = new boolean[1];
        pair.tapA.drop = seg ->
        {
            if (!dropped[0] && seg.payload() > 0)
            {
                dropped[0] = true;
                return true;
            }
            return false;
        };
        final byte[] data = new byte[segments * mss];
        assertEquals(data.length, s[0].write(data, 0, data.length));
        final byte[] sink = new byte[data.length];
        final int[] got = new int[1];
        assertTrue(pair.runUntil(() ->
        {
            got[0] += s[1].read(sink, got[0], sink.length - got[0]);
            return got[0] == data.length;
        }, 10 * SECOND), "received " + got[0]);
        final List<TapDriver.Segment> sent = pair.tapA.dataSegments();
        final TapDriver.Segment lost = sent.get(0);

        assertTrue(lost.dropped());
        long resent = -1;
        for (final TapDriver.Segment seg : sent)
        {
            if (!seg.dropped() && seg.seq() == lost.seq())
            {
                resent = seg.timeNs();
                break;
            }
        }
        int dupAcks = 0;
        long thirdDupAck = -1;
        for (final TapDriver.Segment seg : pair.tapB.sent)
        {
            if (seg.payload() == 0 && seg.ack() == lost.seq() && seg.timeNs() - resent <= 0)
            {
                dupAcks++;
                if (dupAcks == 3)
                {
                    thirdDupAck = seg.timeNs();
                }
            }
        }
        return new long[] {lost.timeNs(), resent, dupAcks, thirdDupAck};
    }

    @Test
    void shouldFastRetransmitOnTheThirdDuplicateAck()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            final long rto = s[0].rtoNs();
            final long[] r = lossOfFirstSegment(pair, s, 4);
            assertEquals(3, r[2], "duplicate ACKs before the retransmission");
            assertTrue(r[1] - r[3] >= 0 && r[1] - r[3] <= SLACK, "retransmitted at " + r[1]
                + " right after the third duplicate ACK at " + r[3]);
            assertTrue(r[1] - r[0] < rto / 2, "fast retransmit well before the RTO: " + (r[1] - r[0]) / 1e6 + " ms");
            assertEquals(1, s[0].retransmits());
        }
    }

    @Test
    void shouldWaitForTheRtoAfterOnlyTwoDuplicateAcks()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            final long rto = s[0].rtoNs();
            final long[] r = lossOfFirstSegment(pair, s, 3);
            assertEquals(2, r[2], "duplicate ACKs before the retransmission");
            assertNear(r[0] + rto, r[1], "retransmission by RTO");
        }
    }

    @Test
    void shouldAcceptTheFirstSegmentAfterAPassiveOpenAndAckItAfter40Ms()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            pair.run(10 * MS);
            pair.tapA.sent.clear();
            pair.tapB.sent.clear();
            assertEquals(1, s[0].write(new byte[1], 0, 1));
            pair.run(300 * MS);
            assertEquals(1, pair.tapB.sent.size(), "one ACK; two means the listener side rejected the first segment "
                + "(RCV.WND 0 until it advertised a window in a non-SYN segment) and it was retransmitted: "
                + pair.tapB.sent);
            assertNear(pair.tapA.sent.get(0).timeNs() + 40 * MS, pair.tapB.sent.get(0).timeNs(), "delayed ACK");
            assertEquals(0, s[0].retransmits());
        }
    }

    @Test
    void shouldAnswerARetransmittedFinInTimeWaitAndRestartTwoMsl()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            s[0].close();
            assertTrue(pair.runUntil(() -> s[0].state() == TcpState.FIN_WAIT_2
                && s[1].state() == TcpState.CLOSE_WAIT, SECOND));
            final int[] lose = {1};
            pair.tapA.drop = seg -> lose[0]-- > 0; // A's ACK of B's FIN is lost
            pair.tapA.sent.clear();
            pair.tapB.sent.clear();
            s[1].close();
            assertTrue(pair.runUntil(() -> s[0].state() == TcpState.TIME_WAIT, SECOND));
            final long entered = pair.clock.nanoTime();
            assertTrue(pair.runUntil(() -> s[1].state() == TcpState.CLOSED, 10 * SECOND), "B " + s[1].state());
            final List<Long> fins = times(pair.tapB.sent, TcpFlyweight.FIN);
            assertEquals(2, fins.size(), "B's FIN and its retransmission");
            final long refin = fins.get(1);
            assertTrue(refin - entered >= 200 * MS, "retransmitted FIN after B's RTO");
            assertEquals(2, pair.tapA.sent.size(), "A's lost ACK and its answer to the retransmitted FIN");
            final TapDriver.Segment answer = pair.tapA.sent.get(1);
            assertTrue(answer.has(TcpFlyweight.ACK) && !answer.has(TcpFlyweight.FIN) && answer.payload() == 0);
            assertEquals(pair.tapA.sent.get(0).ack(), answer.ack(), "acknowledges the FIN again");
            assertTrue(answer.timeNs() - refin >= 0 && answer.timeNs() - refin <= SLACK);
            assertEquals(TcpState.TIME_WAIT, s[0].state());
            pair.run(refin + 60 * SECOND - 100 * MS - pair.clock.nanoTime());
            assertEquals(TcpState.TIME_WAIT, s[0].state(), "2 MSL restarted at the retransmitted FIN, not at entry "
                + "(now " + (pair.clock.nanoTime() - entered) / 1e6 + " ms after entry)");
            pair.run(200 * MS);
            assertEquals(TcpState.CLOSED, s[0].state());
        }
    }

    @Test
    void shouldProbeAZeroWindowAfterTheRtoWithExponentialBackoff()
    {
        try (TapPair pair = new TapPair(dir, c -> c, c -> c.tcp(TcpConfig.DEFAULT.withBuffers(256 * 1024, 10 * 1448))))
        {
            final TcpSocket[] s = pair.connect(80);
            final long rto = s[0].rtoNs();
            pair.tapA.sent.clear();
            pair.tapB.sent.clear();
            assertEquals(100_000, s[0].write(new byte[100_000], 0, 100_000)); // B never reads
            pair.run(30 * SECOND);
            long zeroAt = -1;
            for (final TapDriver.Segment seg : pair.tapB.sent)
            {
                if (seg.window() == 0 && zeroAt < 0)
                {
                    zeroAt = seg.timeNs();
                }
            }
            assertTrue(zeroAt > 0, "B's window closed");
            final List<TapDriver.Segment> probes = new ArrayList<>();
            for (final TapDriver.Segment seg : pair.tapA.dataSegments())
            {
                if (seg.timeNs() - zeroAt > 0)
                {
                    probes.add(seg);
                }
            }
            assertTrue(probes.size() >= 5, "probes sent in 30 s: " + probes.size());
            assertEquals(1, probes.get(0).payload(), "a probe carries one byte");
            assertNear(zeroAt + rto, probes.get(0).timeNs(), "first probe one RTO after the window closed");
            long interval = 2 * rto;
            for (int i = 1; i < 5; i++)
            {
                assertEquals(probes.get(0).seq(), probes.get(i).seq(), "the same byte probes again");
                assertNear(probes.get(i - 1).timeNs() + interval, probes.get(i).timeNs(), "probe " + i);
                interval *= 2;
            }
            assertEquals(TcpState.ESTABLISHED, s[0].state());
        }
    }

    @Test
    void shouldKeepProbingAZeroWindowIndefinitely()
    {
        try (TapPair pair = new TapPair(dir, c -> c, c -> c.tcp(TcpConfig.DEFAULT.withBuffers(256 * 1024, 10 * 1448))))
        {
            pair.idleStepNs = MS;
            final TcpSocket[] s = pair.connect(80);
            assertEquals(100_000, s[0].write(new byte[100_000], 0, 100_000)); // B never reads
            pair.run(3_000 * SECOND);
            assertEquals(TcpState.ESTABLISHED, s[0].state(), "RFC 9293 MUST-37: a peer that ACKs every probe "
                + "may hold its window at zero indefinitely; error " + s[0].error() + ", retransmits "
                + s[0].retransmits());
            final byte[] sink = new byte[100_000];
            final int[] got = new int[1];
            assertTrue(pair.runUntil(() ->
            {
                got[0] += s[1].read(sink, got[0], sink.length - got[0]);
                return got[0] == sink.length;
            }, 600 * SECOND), "all data after the window opened: " + got[0]);
        }
    }
}
