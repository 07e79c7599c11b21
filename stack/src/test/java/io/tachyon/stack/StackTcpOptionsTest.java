package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.tcp.TcpChannelConfig;
import io.tachyon.tcp.TcpConfig;
import io.tachyon.tcp.TcpCounter;
import io.tachyon.tcp.TcpError;
import io.tachyon.tcp.TcpInfo;
import io.tachyon.tcp.TcpLingerResult;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpSocketDefaults;
import io.tachyon.tcp.TcpState;
import io.tachyon.wire.TcpFlyweight;

/**
 * Exact-segment tests of the socket options on the virtual clock (keepalive, TCP_CORK, SO_LINGER, the SWS override
 * timer), TCP_INFO, buffer sizes, bind/SO_REUSEADDR and the exceptions of bad calls.
 */
class StackTcpOptionsTest
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long SLACK = 3 * MS;

    @TempDir
    Path dir;

    private static void assertNear(final long expected, final long actual, final String what)
    {
        assertTrue(actual - expected >= 0 && actual - expected <= SLACK,
            what + ": expected " + expected / 1e6 + " ms (+" + SLACK / 1e6 + "), got " + actual / 1e6 + " ms");
    }

    private static List<TapDriver.Segment> after(final List<TapDriver.Segment> segments, final long fromNs)
    {
        final List<TapDriver.Segment> out = new ArrayList<>();
        for (final TapDriver.Segment s : segments)
        {
            if (s.timeNs() - fromNs >= 0)
            {
                out.add(s);
            }
        }
        return out;
    }

    private static TapDriver.Segment last(final List<TapDriver.Segment> segments)
    {
        return segments.get(segments.size() - 1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Keepalive
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldProbeAnIdleConnectionAndResetItAfterTheCountOfUnansweredProbes()
    {
        try (TapPair pair = new TapPair(dir))
        {
            pair.idleStepNs = MS;
            final TcpSocket[] s = pair.connect(80);
            s[0].keepalive(true, 10 * SECOND, 2 * SECOND, 3);
            final long start = pair.clock.nanoTime();
            final int synSeq = pair.tapA.sent.get(0).seq();
            final int peerNxt = last(pair.tapA.sent).ack();
            pair.tapA.sent.clear();
            pair.tapB.sent.clear();

            pair.run(10 * SECOND + 10 * MS);
            assertEquals(1, pair.tapA.sent.size(), "one probe: " + pair.tapA.sent);
            final TapDriver.Segment probe = pair.tapA.sent.get(0);
            assertNear(start + 10 * SECOND, probe.timeNs(), "first probe after TCP_KEEPIDLE");
            assertEquals(synSeq, probe.seq(), "SEG.SEQ = SND.NXT - 1 (RFC 9293 §3.8.4)");
            assertEquals(peerNxt, probe.ack());
            assertEquals(TcpFlyweight.ACK, probe.flags(), "a bare ACK");
            assertEquals(0, probe.payload(), "no data (Linux's form)");
            assertEquals(1, pair.tapB.sent.size(), "the peer answers the out-of-window probe with an ACK");
            assertEquals(synSeq + 1, pair.tapB.sent.get(0).ack());
            assertEquals(1, pair.a.counters().tcp().get(TcpCounter.KEEPALIVE_PROBES).get());

            // the answer starts the count over: the next probe comes a whole idle time after it
            pair.run(10 * SECOND);
            assertEquals(2, pair.tapA.sent.size());
            assertNear(probe.timeNs() + 10 * SECOND, pair.tapA.sent.get(1).timeNs(), "probe after an answered one");
            final TcpInfo info = s[0].info(new TcpInfo());
            assertEquals(0, info.keepaliveProbes(), "answered");
            assertEquals(2, info.keepaliveProbesSent());

            // unanswered: a probe every TCP_KEEPINTVL, then a reset after TCP_KEEPCNT of them
            final long second = pair.tapA.sent.get(1).timeNs();
            pair.tapB.drop = seg -> true;
            pair.tapA.sent.clear();
            pair.run(10 * SECOND + 7 * SECOND);
            final List<TapDriver.Segment> sent = pair.tapA.sent;
            assertEquals(4, sent.size(), "three probes and a RST: " + sent);
            for (int i = 0; i < 3; i++)
            {
                assertNear(second + 10 * SECOND + i * 2 * SECOND, sent.get(i).timeNs(), "unanswered probe " + i);
                assertEquals(synSeq, sent.get(i).seq());
            }
            final TapDriver.Segment rst = sent.get(3);
            assertTrue(rst.has(TcpFlyweight.RST), "reset after the count");
            assertNear(second + 10 * SECOND + 6 * SECOND, rst.timeNs(), "reset one interval after the last probe");
            assertEquals(TcpState.CLOSED, s[0].state());
            assertEquals(TcpError.TIMED_OUT, s[0].error());
            assertEquals(1, pair.a.counters().tcp().get(TcpCounter.KEEPALIVE_ABORTS).get());
        }
    }

    @Test
    void shouldNotProbeWithoutKeepaliveOrWhileDataIsInFlight()
    {
        try (TapPair pair = new TapPair(dir, c -> c.tcp(TcpConfig.DEFAULT.withSocketDefaults(
            TcpSocketDefaults.LINUX.withKeepalive(true, SECOND, SECOND, 2))), c -> c))
        {
            pair.idleStepNs = MS;
            final TcpSocket[] s = pair.connect(80);
            assertTrue(s[0].keepalive(), "the stack's default applies to new sockets");
            assertFalse(s[1].keepalive(), "B keeps Linux's default");
            pair.tapA.sent.clear();
            pair.tapB.drop = seg -> true; // nothing comes back: the retransmission timer watches the data
            assertEquals(10, s[0].write(new byte[10], 0, 10));
            pair.run(3 * SECOND);
            for (final TapDriver.Segment seg : pair.tapA.sent)
            {
                assertEquals(10, seg.payload(), "only the data and its retransmissions: " + seg);
            }
            assertEquals(0, pair.a.counters().tcp().get(TcpCounter.KEEPALIVE_PROBES).get());
            assertEquals(0, pair.b.counters().tcp().get(TcpCounter.KEEPALIVE_PROBES).get());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // TCP_CORK
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldSendOnlyFullSegmentsWhileCorkedAndThePartialOneAfterTheCeiling()
    {
        try (TapPair pair = new TapPair(dir))
        {
            pair.idleStepNs = MS / 10;
            final TcpSocket[] s = pair.connect(80);
            final int mss = s[0].mss();
            s[0].cork(true);
            pair.tapA.sent.clear();
            final long start = pair.clock.nanoTime();
            assertEquals(100, s[0].write(new byte[100], 0, 100));
            pair.run(100 * MS);
            assertTrue(pair.tapA.dataSegments().isEmpty(), "a partial segment waits while corked");
            assertEquals(mss, s[0].write(new byte[mss], 0, mss));
            pair.run(MS);
            assertEquals(1, pair.tapA.dataSegments().size());
            assertEquals(mss, pair.tapA.dataSegments().get(0).payload(), "a full segment goes out");
            pair.run(150 * MS);
            final List<TapDriver.Segment> data = pair.tapA.dataSegments();
            assertEquals(2, data.size());
            assertEquals(100, data.get(1).payload());
            assertNear(start + 200 * MS, data.get(1).timeNs(), "the 200 ms cork ceiling");

            // uncorking sends a partial segment at once
            pair.run(SECOND);
            pair.tapA.sent.clear();
            assertEquals(10, s[0].write(new byte[10], 0, 10));
            pair.run(50 * MS);
            assertTrue(pair.tapA.dataSegments().isEmpty());
            final long uncorked = pair.clock.nanoTime();
            s[0].cork(false);
            pair.a.doWork();
            assertFalse(s[0].corked());
            assertEquals(1, pair.tapA.dataSegments().size());
            assertEquals(uncorked, pair.tapA.dataSegments().get(0).timeNs());
        }
    }

    @Test
    void shouldHoldACorkedPartialSegmentPastTheRetransmissionTimeoutUntilTheCeiling()
    {
        final TcpSocketDefaults linux = TcpSocketDefaults.LINUX;
        final TcpSocketDefaults longCork = new TcpSocketDefaults(linux.keepalive(), linux.keepIdleNs(),
            linux.keepIntervalNs(), linux.keepCount(), linux.nodelay(), linux.lingerNs(), linux.overrideTimeoutNs(),
            SECOND);
        final UnaryOperator<StackConfig.Builder> config = c -> c.tcp(TcpConfig.DEFAULT.withSocketDefaults(longCork));
        try (TapPair pair = new TapPair(dir, config, config))
        {
            pair.idleStepNs = MS / 10;
            final TcpSocket[] s = pair.connect(80);
            s[0].cork(true);
            pair.tapA.sent.clear();
            final long start = pair.clock.nanoTime();
            assertEquals(100, s[0].write(new byte[100], 0, 100));
            pair.run(900 * MS);
            assertTrue(s[0].rtoNs() < 900 * MS, "the retransmission timer (armed while data waits) fired meanwhile");
            assertTrue(pair.tapA.dataSegments().isEmpty(), "nothing in flight, but the corked segment still waits");
            pair.run(200 * MS);
            final List<TapDriver.Segment> data = pair.tapA.dataSegments();
            assertEquals(1, data.size());
            assertEquals(100, data.get(0).payload());
            assertNear(start + SECOND, data.get(0).timeNs(), "the configured 1 s cork ceiling");
        }
    }

    @Test
    void shouldSendTheFinWithTheCorkedPartialSegment()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            s[0].cork(true);
            pair.tapA.sent.clear();
            assertEquals(10, s[0].write(new byte[10], 0, 10));
            pair.run(MS);
            assertTrue(pair.tapA.dataSegments().isEmpty());
            s[0].shutdownOutput();
            pair.a.doWork();
            assertEquals(1, pair.tapA.dataSegments().size());
            final TapDriver.Segment seg = pair.tapA.dataSegments().get(0);
            assertEquals(10, seg.payload());
            assertTrue(seg.has(TcpFlyweight.FIN));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // SWS override timer
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldSendWhatNagleHoldsAfterTheOverrideTimeout()
    {
        try (TapPair pair = new TapPair(dir,
            c -> c.tcp(TcpConfig.DEFAULT.withSocketDefaults(TcpSocketDefaults.LINUX.withTimeouts(100 * MS, 200 * MS))),
            c -> c.tcp(TcpConfig.DEFAULT.withDelayedAckNs(500 * MS))))
        {
            pair.idleStepNs = MS / 10;
            final TcpSocket[] s = pair.connect(80);
            s[0].nodelay(false);
            pair.run(600 * MS);
            pair.tapA.sent.clear();
            final long start = pair.clock.nanoTime();
            assertEquals(1, s[0].write(new byte[1], 0, 1));
            assertEquals(1, s[0].write(new byte[1], 0, 1));
            pair.run(300 * MS);
            final List<TapDriver.Segment> data = pair.tapA.dataSegments();
            assertTrue(data.size() >= 2, "sent: " + data);
            assertEquals(start, data.get(0).timeNs(), "the first byte goes at once");
            assertEquals(data.get(0).seq() + 1, data.get(1).seq(), "then the byte Nagle held");
            assertNear(start + 100 * MS, data.get(1).timeNs(), "after the override timeout, before the peer's delayed"
                + " ACK (500 ms) and the RTO (200 ms)");
            assertEquals(1, s[0].info(new TcpInfo()).swsOverrides());
            assertEquals(1, pair.a.counters().tcp().get(TcpCounter.SWS_OVERRIDES).get());
            assertEquals(0, s[0].retransmits());
        }
    }

    @Test
    void shouldHoldASmallSegmentWithNagleAndSendItAtOnceWithNodelay()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            assertTrue(s[0].nodelay());
            pair.tapA.sent.clear();
            final long start = pair.clock.nanoTime();
            assertEquals(1, s[0].write(new byte[1], 0, 1));
            assertEquals(1, s[0].write(new byte[1], 0, 1));
            pair.a.doWork();
            assertEquals(2, pair.tapA.dataSegments().size(), "TCP_NODELAY: both small segments at once");
            assertEquals(start, pair.tapA.dataSegments().get(1).timeNs());
            pair.run(SECOND);
            s[0].nodelay(false);
            pair.tapA.sent.clear();
            pair.tapB.sent.clear();
            final long again = pair.clock.nanoTime();
            assertEquals(1, s[0].write(new byte[1], 0, 1));
            assertEquals(1, s[0].write(new byte[1], 0, 1));
            pair.a.doWork();
            assertEquals(1, pair.tapA.dataSegments().size(), "Nagle (RFC 9293 §3.7.4): one small segment in flight");
            pair.run(SECOND);
            final List<TapDriver.Segment> data = pair.tapA.dataSegments();
            assertEquals(2, data.size());
            final long ackAt = pair.tapB.sent.get(0).timeNs();
            assertTrue(ackAt - again >= 40 * MS, "B's delayed ACK");
            assertEquals(ackAt, data.get(1).timeNs(), "the held byte goes with the ACK of the first");
        }
    }

    @Test
    void shouldSendTheTailOfAResponseAtOnceAndHoldOnlyBehindAnUnacknowledgedSmallSegment()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            s[0].nodelay(false);
            final int mss = s[0].mss();
            pair.tapA.sent.clear();
            pair.tapB.sent.clear();
            final long start = pair.clock.nanoTime();
            assertEquals(mss + 100, s[0].write(new byte[mss + 100], 0, mss + 100));
            pair.a.doWork();
            List<TapDriver.Segment> data = pair.tapA.dataSegments();
            assertEquals(2, data.size(), "Minshall's variant: no small segment is unacknowledged, the tail goes too");
            assertEquals(100, data.get(1).payload());
            assertEquals(start, data.get(1).timeNs());
            assertEquals(10, s[0].write(new byte[10], 0, 10));
            pair.a.doWork();
            assertEquals(2, pair.tapA.dataSegments().size(), "held: the 100-byte segment is unacknowledged");
            pair.run(SECOND);
            data = pair.tapA.dataSegments();
            assertEquals(3, data.size(), data.toString());
            assertEquals(10, data.get(2).payload());
            assertEquals(pair.tapB.sent.get(0).timeNs(), data.get(2).timeNs(),
                "sent when B's ACK of both segments arrives");
        }
    }

    @Test
    void shouldSendWhatSenderSwsAvoidanceHoldsAfterTheOverrideTimeout()
    {
        try (TapPair pair = new TapPair(dir, c -> c, c -> c.tcp(TcpConfig.DEFAULT.withBuffers(256 * 1024, 4096))))
        {
            pair.idleStepNs = MS / 10;
            final TcpSocket[] s = pair.connect(80);
            final int mss = s[0].mss();
            pair.tapA.sent.clear();
            final long start = pair.clock.nanoTime();
            assertEquals(10_000, s[0].write(new byte[10_000], 0, 10_000)); // B never reads: its window is 4096
            pair.run(150 * MS);
            assertEquals(2, pair.tapA.dataSegments().size(), "two full segments, then 4096 - 2 MSS < max window / 2"
                + " is held by sender SWS avoidance (RFC 9293 §3.8.6.2.1)");
            pair.run(100 * MS);
            final List<TapDriver.Segment> data = pair.tapA.dataSegments();
            assertEquals(3, data.size(), data.toString());
            assertEquals(4096 - 2 * mss, data.get(2).payload(), "what the window allows");
            assertNear(start + 200 * MS, data.get(2).timeNs(), "the override timeout");
            assertEquals(1, pair.a.counters().tcp().get(TcpCounter.SWS_OVERRIDES).get());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // SO_LINGER
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldAbortOnCloseWithLingerZero()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            s[0].linger(0);
            s[0].cork(true);
            assertEquals(10, s[0].write(new byte[10], 0, 10));
            pair.tapA.sent.clear();
            s[0].close();
            pair.a.doWork();
            assertEquals(1, pair.tapA.sent.size(), "only a RST: " + pair.tapA.sent);
            assertTrue(pair.tapA.sent.get(0).has(TcpFlyweight.RST));
            assertEquals(TcpLingerResult.ABORTED, s[0].lingerResult());
            assertEquals(TcpState.CLOSED, s[0].state());
            assertTrue(pair.runUntil(() -> s[1].state() == TcpState.CLOSED, SECOND));
            assertEquals(TcpError.RESET, s[1].error());
            assertEquals(0, s[1].readable(), "the unsent data was discarded");
            assertEquals(1, pair.a.counters().tcp().get(TcpCounter.LINGER_ABORTS).get());
        }
    }

    @Test
    void shouldResetWhenClosingWithUnreadData()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            assertEquals(10, s[1].write(new byte[10], 0, 10));
            assertTrue(pair.runUntil(() -> s[0].readable() == 10, SECOND));
            pair.tapA.sent.clear();
            s[0].close();
            pair.a.doWork();
            assertEquals(1, pair.tapA.sent.size(), "a RST, not a FIN (RFC 9293 §3.6.1 SHLD-3): " + pair.tapA.sent);
            assertTrue(pair.tapA.sent.get(0).has(TcpFlyweight.RST));
            assertTrue(pair.runUntil(() -> s[1].state() == TcpState.CLOSED, SECOND));
            assertEquals(TcpError.RESET, s[1].error());
            assertEquals(1, pair.a.counters().tcp().get(TcpCounter.ABORT_ON_CLOSE).get());
            assertEquals(TcpLingerResult.NONE, s[0].lingerResult(), "no SO_LINGER");
        }
    }

    @Test
    void shouldResetWhenDataArrivesAfterClose()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            s[0].close();
            assertTrue(pair.runUntil(() -> s[0].state() == TcpState.FIN_WAIT_2, SECOND));
            pair.tapA.sent.clear();
            assertEquals(10, s[1].write(new byte[10], 0, 10), "B may still send: it only received a FIN");
            assertTrue(pair.runUntil(() -> s[1].state() == TcpState.CLOSED, SECOND));
            assertEquals(TcpError.RESET, s[1].error(), "nobody can read it on A: a RST (RFC 9293 §3.6.1 SHLD-3)");
            assertTrue(last(pair.tapA.sent).has(TcpFlyweight.RST));
            assertEquals(1, pair.a.counters().tcp().get(TcpCounter.ABORT_ON_DATA).get());
            assertEquals(TcpState.CLOSED, s[0].state());
        }
    }

    @Test
    void shouldKeepReceivingAfterShutdownOutput()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            s[0].shutdownOutput();
            assertTrue(pair.runUntil(() -> s[0].state() == TcpState.FIN_WAIT_2, SECOND));
            assertEquals(10, s[1].write(new byte[10], 0, 10));
            assertTrue(pair.runUntil(() -> s[0].readable() == 10, SECOND), "a half-close keeps reading");
            assertEquals(0, pair.a.counters().tcp().get(TcpCounter.ABORT_ON_DATA).get());
        }
    }

    @Test
    void shouldReportThatTheDataWasAcknowledgedWithinTheLingerTime()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            s[0].linger(SECOND);
            assertEquals(TcpLingerResult.NONE, s[0].lingerResult());
            assertEquals(1000, s[0].write(new byte[1000], 0, 1000));
            s[0].close();
            assertEquals(TcpLingerResult.PENDING, s[0].lingerResult());
            assertTrue(pair.runUntil(() -> s[0].lingerResult() != TcpLingerResult.PENDING, 2 * SECOND));
            assertEquals(TcpLingerResult.ACKNOWLEDGED, s[0].lingerResult());
            assertEquals(TcpState.FIN_WAIT_2, s[0].state());
            assertEquals(1000, s[1].read(new byte[2000], 0, 2000));
        }
    }

    @Test
    void shouldReportALingerTimeoutAndGoOnInTheBackground()
    {
        try (TapPair pair = new TapPair(dir))
        {
            pair.idleStepNs = MS;
            final TcpSocket[] s = pair.connect(80);
            s[0].linger(SECOND);
            pair.tapB.drop = seg -> true;
            assertEquals(1000, s[0].write(new byte[1000], 0, 1000));
            s[0].close();
            pair.run(999 * MS);
            assertEquals(TcpLingerResult.PENDING, s[0].lingerResult());
            pair.run(2 * MS);
            assertEquals(TcpLingerResult.TIMED_OUT, s[0].lingerResult());
            assertEquals(TcpState.FIN_WAIT_1, s[0].state(), "the close goes on");
            pair.tapB.drop = seg -> false;
            assertTrue(pair.runUntil(() -> s[0].state() == TcpState.FIN_WAIT_2, 10 * SECOND));
            assertEquals(TcpLingerResult.TIMED_OUT, s[0].lingerResult(), "acknowledged too late");
        }
    }

    @Test
    void shouldReportAnAcknowledgedLingerAtOnceWhenTheFinWasAcknowledgedBeforeClose()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            s[0].linger(SECOND);
            s[0].shutdownOutput();
            assertTrue(pair.runUntil(() -> s[0].state() == TcpState.FIN_WAIT_2, SECOND));
            s[0].close();
            assertEquals(TcpLingerResult.ACKNOWLEDGED, s[0].lingerResult());
        }
    }

    @Test
    void shouldReportAFailedLingerWhenTheConnectionIsReset()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            s[0].linger(10 * SECOND);
            pair.tapB.drop = seg -> !seg.has(TcpFlyweight.RST);
            assertEquals(1000, s[0].write(new byte[1000], 0, 1000));
            s[0].close();
            s[1].abort();
            assertTrue(pair.runUntil(() -> s[0].lingerResult() != TcpLingerResult.PENDING, 5 * SECOND));
            assertEquals(TcpLingerResult.FAILED, s[0].lingerResult());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // TCP_INFO
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldFillTcpInfo()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            final TcpInfo info = new TcpInfo();
            final byte[] data = Frames.pattern(100_000, 3);
            int written = 0;
            final byte[] sink = new byte[data.length];
            final int[] got = new int[1];
            while (written < data.length)
            {
                written += s[0].write(data, written, data.length - written);
                pair.runUntil(() ->
                {
                    got[0] += s[1].read(sink, got[0], sink.length - got[0]);
                    return s[0].writable() > 0;
                }, SECOND);
            }
            assertTrue(pair.runUntil(() ->
            {
                got[0] += s[1].read(sink, got[0], sink.length - got[0]);
                return got[0] == data.length && s[0].bytesInFlight() == 0;
            }, 5 * SECOND));
            assertTrue(s[0].info(info) == info);
            assertEquals(TcpState.ESTABLISHED, info.state());
            assertEquals(TcpError.NONE, info.error());
            assertEquals(s[0].mss(), info.sndMss());
            assertEquals(1460, info.rcvMss(), "the MSS announced: MTU 1500 - 40");
            assertEquals(data.length, info.bytesAcked());
            assertEquals(data.length, info.bytesWritten());
            assertEquals(0, info.bytesInFlight());
            assertEquals(0, info.unsent());
            assertTrue(info.cwnd() > 10 * s[0].mss(), "cwnd grew: " + info);
            assertTrue(info.ssthresh() > 0);
            assertEquals(s[0].rtoNs(), info.rtoNs());
            assertEquals(s[0].srttNs(), info.srttNs());
            assertTrue(info.rtoNs() >= 200 * MS);
            assertTrue(info.sndWnd() > 0 && info.rcvWnd() > 0, info.toString());
            assertTrue(info.windowScaling() && info.sack() && info.timestamps());
            assertEquals(3, info.sndWscale());
            assertEquals(3, info.rcvWscale());
            assertEquals(0, info.totalRetransmits());
            final TcpInfo peer = s[1].info(new TcpInfo());
            assertEquals(data.length, peer.bytesReceived());
            assertEquals(0, peer.readable());

            pair.tapA.drop = seg -> seg.payload() > 0 && seg.payload() < 100;
            assertEquals(10, s[0].write(new byte[10], 0, 10));
            pair.run(300 * MS);
            s[0].info(info);
            assertEquals(1, info.retries(), "one unanswered retransmission");
            assertEquals(1, info.totalRetransmits());
            assertEquals(10, info.bytesInFlight());
            s[0].abort();
            s[0].info(info);
            assertEquals(TcpState.CLOSED, info.state());
            assertEquals(TcpError.ABORTED, info.error());
            assertEquals(1, info.totalRetransmits());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Buffer sizes, bind, SO_REUSEADDR
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldLimitTheSendAndReceiveBuffersPerSocket()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpListener listener = pair.b.tcp().listen(80, 4);
            final TcpSocket client = pair.a.tcp().open().receiveBufferSize(8192).sendBufferSize(4096);
            assertEquals(8192, client.receiveBufferSize());
            client.connect(Frames.IP_B, 80);
            final TcpSocket[] server = new TcpSocket[1];
            assertTrue(pair.runUntil(() -> (server[0] = server[0] != null ? server[0] : listener.accept()) != null
                && client.isEstablished(), SECOND));
            assertEquals(4096, client.write(new byte[100_000], 0, 100_000), "SO_SNDBUF bounds the write");
            assertEquals(0, client.write(new byte[1], 0, 1));
            assertEquals(100_000, server[0].write(new byte[100_000], 0, 100_000));
            pair.run(2 * SECOND);
            assertTrue(client.readable() > 0 && client.readable() <= 8192, "SO_RCVBUF bounds the window: "
                + client.readable());
            final byte[] sink = new byte[100_000];
            final int[] got = new int[1];
            assertTrue(pair.runUntil(() ->
            {
                got[0] += client.read(sink, got[0], sink.length - got[0]);
                return got[0] == sink.length;
            }, 10 * SECOND), "all data through the small window: " + got[0]);
            assertEquals(4096, server[0].readable());
        }
    }

    @Test
    void shouldBindALocalPortAndHonourReuseAddressWithTimeWait()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpListener listener = pair.b.tcp().listen(80, 4);
            pair.b.tcp().listen(81, 4);
            final TcpSocket first = pair.a.tcp().open().bind(40_000).connect(Frames.IP_B, 80);
            assertEquals(40_000, first.localPort());
            final TcpSocket[] server = new TcpSocket[1];
            assertTrue(pair.runUntil(() -> (server[0] = server[0] != null ? server[0] : listener.accept()) != null
                && first.isEstablished(), SECOND));
            first.close();
            assertTrue(pair.runUntil(() -> server[0].state() == TcpState.CLOSE_WAIT, SECOND));
            server[0].close();
            assertTrue(pair.runUntil(() -> first.state() == TcpState.TIME_WAIT, SECOND));

            final IllegalStateException inUse = assertThrows(IllegalStateException.class,
                () -> pair.a.tcp().open().bind(40_000));
            assertTrue(inUse.getMessage().contains("TIME_WAIT"), inUse.getMessage());
            final TcpSocket sameTuple = pair.a.tcp().open().reuseAddress(true).bind(40_000);
            final IllegalStateException tuple = assertThrows(IllegalStateException.class,
                () -> sameTuple.connect(Frames.IP_B, 80));
            assertTrue(tuple.getMessage().contains("EADDRNOTAVAIL"), tuple.getMessage());
            final TcpSocket other = pair.a.tcp().open().reuseAddress(true).bind(40_000).connect(Frames.IP_B, 81);
            assertTrue(pair.runUntil(other::isEstablished, SECOND));
            assertEquals(40_000, other.localPort());

            final TcpListener local = pair.a.tcp().listen(8080, 1);
            assertThrows(IllegalStateException.class, () -> pair.a.tcp().open().reuseAddress(true).bind(8080));
            local.close();
        }
    }

    @Test
    void shouldListenAgainOnAPortWithConnectionsInTimeWait()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpListener listener = pair.b.tcp().listen(80, 4);
            final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, 80);
            final TcpSocket[] server = new TcpSocket[1];
            assertTrue(pair.runUntil(() -> (server[0] = server[0] != null ? server[0] : listener.accept()) != null
                && client.isEstablished(), SECOND));
            server[0].close(); // the server closes first: its side goes to TIME-WAIT on port 80
            assertTrue(pair.runUntil(() -> client.state() == TcpState.CLOSE_WAIT, SECOND));
            client.close();
            assertTrue(pair.runUntil(() -> server[0].state() == TcpState.TIME_WAIT, SECOND));
            listener.close();
            final TcpListener again = pair.b.tcp().listen(80, 4);
            final TcpSocket next = pair.a.tcp().open().connect(Frames.IP_B, 80);
            final TcpSocket[] accepted = new TcpSocket[1];
            assertTrue(pair.runUntil(() -> (accepted[0] = accepted[0] != null ? accepted[0] : again.accept()) != null
                && next.isEstablished(), SECOND));
            assertEquals(TcpState.TIME_WAIT, server[0].state(), "the old connection is still in TIME-WAIT");
        }
    }

    @Test
    void shouldGiveAcceptedSocketsTheListenersOptions()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpSocketDefaults inherited = TcpSocketDefaults.LINUX.withNodelay(true).withLingerNs(SECOND)
                .withKeepalive(true, 30 * SECOND, 5 * SECOND, 4);
            final TcpListener queued = pair.b.tcp().listen(80, 4).acceptedSocketDefaults(inherited);
            final TcpSocket[] handed = new TcpSocket[1];
            pair.b.tcp().listen(81, 4).acceptedSocketDefaults(inherited).acceptHandler((l, s) -> handed[0] = s);
            final TcpSocket one = pair.a.tcp().open().connect(Frames.IP_B, 80);
            final TcpSocket two = pair.a.tcp().open().connect(Frames.IP_B, 81);
            final TcpSocket[] accepted = new TcpSocket[1];
            assertTrue(pair.runUntil(() -> (accepted[0] = accepted[0] != null ? accepted[0] : queued.accept()) != null
                && handed[0] != null && one.isEstablished() && two.isEstablished(), SECOND));
            for (final TcpSocket s : new TcpSocket[] {accepted[0], handed[0]})
            {
                assertTrue(s.nodelay());
                assertEquals(SECOND, s.lingerNs());
                assertTrue(s.keepalive());
                assertEquals(30 * SECOND, s.keepIdleNs());
                assertEquals(5 * SECOND, s.keepIntervalNs());
                assertEquals(4, s.keepCount());
            }
            assertFalse(one.keepalive(), "the client keeps the stack's defaults");
            pair.run(31 * SECOND);
            assertEquals(2, pair.b.counters().tcp().get(TcpCounter.KEEPALIVE_PROBES).get(), "both probe after 30 s");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Bad calls
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldRejectBadOptionValuesNamingThem()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpSocket socket = pair.a.tcp().open();
            assertMessage(IllegalArgumentException.class, "TCP_KEEPIDLE",
                () -> socket.keepalive(true, 0, SECOND, 1));
            assertMessage(IllegalArgumentException.class, "TCP_KEEPINTVL",
                () -> socket.keepalive(true, SECOND, 40_000 * SECOND, 1));
            assertMessage(IllegalArgumentException.class, "(TCP_KEEPCNT): 0",
                () -> socket.keepalive(true, SECOND, SECOND, 0));
            assertMessage(IllegalArgumentException.class, "-2", () -> socket.linger(-2));
            assertMessage(IllegalArgumentException.class, "1023", () -> socket.sendBufferSize(1023));
            assertMessage(IllegalArgumentException.class, "" + (TcpConfig.DEFAULT.receiveBufferBytes() + 1),
                () -> socket.receiveBufferSize(TcpConfig.DEFAULT.receiveBufferBytes() + 1));
            assertMessage(IllegalArgumentException.class, "65536", () -> socket.bind(65_536));
            assertMessage(IllegalArgumentException.class, "overrideTimeoutNs",
                () -> TcpSocketDefaults.LINUX.withTimeouts(50 * MS, 200 * MS));
            assertMessage(IllegalArgumentException.class, "corkCeilingNs",
                () -> TcpSocketDefaults.LINUX.withTimeouts(0, 0));
            assertMessage(IllegalArgumentException.class, "5000", () -> TcpChannelConfig.DEFAULT.withRings(5000, 4096));
            assertMessage(IllegalArgumentException.class, "timeoutNs",
                () -> TcpChannelConfig.DEFAULT.withTimeout(0, null));
            assertEquals(TcpSocketDefaults.NO_LINGER, socket.lingerNs(), "nothing changed");
            assertEquals(7200 * SECOND, socket.keepIdleNs(), "RFC 9293 MUST-28: at least two hours by default");
            assertEquals(75 * SECOND, socket.keepIntervalNs());
            assertEquals(9, socket.keepCount());
            assertFalse(socket.keepalive());
        }
    }

    @Test
    void shouldRejectBadCallsWithClearExceptions()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpListener listener = pair.b.tcp().listen(80, 4);
            final TcpSocket unconnected = pair.a.tcp().open();
            assertMessage(IllegalStateException.class, "unconnected", () -> unconnected.read(new byte[1], 0, 1));
            assertMessage(IllegalStateException.class, "unconnected", () -> unconnected.write(new byte[1], 0, 1));
            assertMessage(IllegalStateException.class, "unconnected", unconnected::shutdownOutput);

            final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, 80);
            assertMessage(IllegalStateException.class, "connect called twice", () -> client.connect(Frames.IP_B, 80));
            assertMessage(IllegalStateException.class, "bind after connect", () -> client.bind(5000));
            assertMessage(IllegalStateException.class, "reuseAddress after connect", () -> client.reuseAddress(true));
            final TcpSocket[] server = new TcpSocket[1];
            assertTrue(pair.runUntil(() -> (server[0] = server[0] != null ? server[0] : listener.accept()) != null
                && client.isEstablished(), SECOND));
            client.shutdownOutput();
            assertMessage(IllegalStateException.class, "write after shutdownOutput",
                () -> client.write(new byte[1], 0, 1));
            client.close();
            assertMessage(IllegalStateException.class, "write after close", () -> client.write(new byte[1], 0, 1));
            assertMessage(IllegalStateException.class, "read after close", () -> client.read(new byte[1], 0, 1));
            assertMessage(IllegalStateException.class, "closed", () -> client.cork(true));
            assertMessage(IllegalStateException.class, "closed", () -> client.linger(0));
            assertMessage(IllegalStateException.class, "closed", () -> client.keepalive(true));
            assertMessage(IllegalStateException.class, "connect on a closed", () -> client.connect(Frames.IP_B, 80));
            assertMessage(IllegalStateException.class, "already has a listener", () -> pair.b.tcp().listen(80, 4));
            listener.close();
            assertMessage(IllegalStateException.class, "closed listener", listener::accept);
            final TcpSocket bound = pair.a.tcp().open().bind(5000);
            assertMessage(IllegalStateException.class, "bind called twice", () -> bound.bind(5001));
        }
    }

    private static void assertMessage(final Class<? extends RuntimeException> type, final String part,
        final org.junit.jupiter.api.function.Executable call)
    {
        final RuntimeException ex = assertThrows(type, call);
        assertNotNull(ex.getMessage());
        assertTrue(ex.getMessage().contains(part), "message names " + part + ": " + ex.getMessage());
    }
}
