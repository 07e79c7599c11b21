package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.memory.FaultProfile;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.tcp.TcpConfig;
import io.tachyon.tcp.TcpCounter;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.time.VirtualClock;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** TCP loss recovery over a MemoryWire whose receivers drop chosen data frames: SACK (RFC 6675) and NewReno. */
class StackTcpRecoveryTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long DELAY_NS = 1_000_000L;

    @TempDir
    Path dir;

    /** Two stacks whose receive paths can drop data frames. */
    static final class LossyPair implements AutoCloseable
    {
        final VirtualClock clock = new VirtualClock();
        final MemoryWire wire;
        final DropDriver driverA;
        final DropDriver driverB;
        final Stack a;
        final Stack b;

        LossyPair(final Path counters, final TcpConfig tcp)
        {
            this(counters, tcp, DELAY_NS);
        }

        LossyPair(final Path counters, final TcpConfig tcp, final long delayNs)
        {
            wire = new MemoryWire(delayNs == 0 ? MemoryWireConfig.DEFAULT
                : MemoryWireConfig.DEFAULT.withFaults(FaultProfile.NONE.withDelay(delayNs, 0)), clock);
            driverA = new DropDriver(wire.endpointA());
            driverB = new DropDriver(wire.endpointB());
            driverA.open();
            driverB.open();
            driverA.start();
            driverB.start();
            a = new Stack(StackConfig.builder().name("a").secretSeed(1).countersDirectory(counters)
                .mac(Frames.MAC_A).address(Frames.IP_A, 24).tcp(tcp).build(), driverA, 0, clock);
            b = new Stack(StackConfig.builder().name("b").secretSeed(2).countersDirectory(counters)
                .mac(Frames.MAC_B).address(Frames.IP_B, 24).tcp(tcp).build(), driverB, 0, clock);
        }

        boolean runUntil(final BooleanSupplier done, final long maxNs)
        {
            final long end = clock.nanoTime() + maxNs;
            while (!done.getAsBoolean())
            {
                if (clock.nanoTime() - end > 0)
                {
                    return false;
                }
                if (a.doWork() + b.doWork() == 0)
                {
                    clock.advance(StackPair.IDLE_STEP_NS);
                }
            }
            return true;
        }

        TcpSocket[] connect(final int port)
        {
            final TcpListener listener = b.tcp().listen(port, 4);
            final TcpSocket client = a.tcp().open().connect(Frames.IP_B, port);
            final TcpSocket[] server = new TcpSocket[1];
            assertTrue(runUntil(() ->
            {
                if (server[0] == null)
                {
                    server[0] = listener.accept();
                }
                return server[0] != null && client.isEstablished();
            }, 10 * SECOND));
            return new TcpSocket[] {client, server[0]};
        }

        long counter(final Stack stack, final TcpCounter counter)
        {
            return stack.counters().tcp().get(counter).get();
        }

        @Override
        public void close()
        {
            a.close();
            b.close();
            wire.close();
        }
    }

    /** Result of one one-way transfer: retransmissions, timeouts, virtual nanoseconds taken. */
    private record Outcome(long retransmits, long timeouts, long sackRecoveries, long elapsedNs)
    {
    }

    /** A sends n bytes to B, B's receive path dropping the data frames {@code drop} selects. */
    private Outcome oneWay(final Path counters, final TcpConfig tcp, final int n, final IntPredicate drop)
    {
        try (LossyPair pair = new LossyPair(counters, tcp))
        {
            final TcpSocket[] s = pair.connect(80);
            pair.driverB.drop = drop;
            final byte[] data = new byte[n];
            new SplittableRandom(7).nextBytes(data);
            final ByteArrayOutputStream got = new ByteArrayOutputStream();
            final byte[] buffer = new byte[65536];
            final int[] sent = new int[1];
            final long start = pair.clock.nanoTime();
            assertTrue(pair.runUntil(() ->
            {
                if (sent[0] < n)
                {
                    sent[0] += s[0].write(data, sent[0], n - sent[0]);
                }
                final int r = s[1].read(buffer, 0, buffer.length);
                if (r > 0)
                {
                    got.write(buffer, 0, r);
                }
                return got.size() == n;
            }, 120 * SECOND), "incomplete: got " + got.size());
            final long elapsed = pair.clock.nanoTime() - start;
            assertArrayEquals(data, got.toByteArray());
            return new Outcome(s[0].retransmits(), pair.counter(pair.a, TcpCounter.TIMEOUTS),
                pair.counter(pair.a, TcpCounter.SACK_RECOVERIES), elapsed);
        }
    }

    @Test
    void shouldRecoverSeveralLossesInOneWindowWithSackWithoutTimeout() throws Exception
    {
        final IntPredicate drop = i -> i == 40 || i == 42 || i == 44 || i == 46;
        final Outcome sack = oneWay(Files.createDirectory(dir.resolve("sack")), TcpConfig.DEFAULT, 400_000, drop);
        final Outcome newReno = oneWay(Files.createDirectory(dir.resolve("nosack")),
            TcpConfig.DEFAULT.withOptions(true, false, true), 400_000, drop);
        assertEquals(0, sack.timeouts(), "no RTO with SACK");
        assertEquals(1, sack.sackRecoveries(), "one SACK recovery");
        assertEquals(4, sack.retransmits(), "only the four lost segments are retransmitted");
        assertEquals(0, newReno.sackRecoveries());
        assertTrue(sack.retransmits() <= newReno.retransmits(), "SACK retransmits no more: " + sack + " " + newReno);
        assertTrue(newReno.elapsedNs() > sack.elapsedNs(), "NewReno needs more time: " + newReno + " vs " + sack);
    }

    @Test
    void shouldFastRetransmitThanksToLimitedTransmitWhenOnlyTwoSegmentsArrive() throws Exception
    {
        // cwnd is 10 segments: 12 are written, the first 8 dropped, so only 2 duplicate ACKs come back; limited
        // transmit sends segments 11 and 12, whose duplicate ACKs make the third: fast retransmit, no timeout.
        try (LossyPair pair = new LossyPair(dir, TcpConfig.DEFAULT.withOptions(true, false, true)))
        {
            final TcpSocket[] s = pair.connect(80);
            final int n = 12 * s[0].mss();
            pair.driverB.drop = i -> i < 8;
            final byte[] data = new byte[n];
            new SplittableRandom(3).nextBytes(data);
            assertEquals(n, s[0].write(data, 0, n));
            final ByteArrayOutputStream got = new ByteArrayOutputStream();
            final byte[] buffer = new byte[65536];
            assertTrue(pair.runUntil(() ->
            {
                final int r = s[1].read(buffer, 0, buffer.length);
                if (r > 0)
                {
                    got.write(buffer, 0, r);
                }
                return got.size() == n;
            }, 60 * SECOND));
            assertArrayEquals(data, got.toByteArray());
            assertEquals(2, pair.counter(pair.a, TcpCounter.LIMITED_TRANSMITS));
            assertEquals(0, pair.counter(pair.a, TcpCounter.TIMEOUTS));
            assertEquals(1, pair.counter(pair.a, TcpCounter.FAST_RETRANS));
        }
    }

    @Test
    void shouldRateLimitChallengeAcksAcrossTheStack()
    {
        try (LossyPair pair = new LossyPair(dir, TcpConfig.DEFAULT, 0))
        {
            final TcpSocket[] s = pair.connect(80);
            // data both ways, so B has advertised a window in a non-SYN segment and A's ACK is captured
            assertEquals(3, s[0].write(new byte[] {1, 2, 3}, 0, 3));
            assertEquals(3, s[1].write(new byte[] {1, 2, 3}, 0, 3));
            assertTrue(pair.runUntil(() -> s[1].read(new byte[8], 0, 8) == 3, SECOND));
            assertTrue(pair.runUntil(() -> s[0].read(new byte[8], 0, 8) == 3, SECOND));
            pair.driverB.lastEmptyTcpFrame = null;
            assertTrue(pair.runUntil(() -> pair.driverB.lastEmptyTcpFrame != null, SECOND));
            // an in-window RST whose sequence number is not RCV.NXT: a challenge ACK each (RFC 5961 §3.2)
            final byte[] rst = pair.driverB.lastEmptyTcpFrame.clone();
            final int tcp = 14 + (rst[14] & 0x0F) * 4;
            final int seq = readInt(rst, tcp + 4) + 100;
            writeInt(rst, tcp + 4, seq);
            rst[tcp + 13] = 0x04;
            tcpChecksum(rst, tcp);
            final long before = pair.counter(pair.b, TcpCounter.CHALLENGE_ACKS);
            for (int i = 0; i < 1500; i++)
            {
                inject(pair, rst);
            }
            assertEquals(1000, pair.counter(pair.b, TcpCounter.CHALLENGE_ACKS) - before, "challenge ACKs");
            assertEquals(500, pair.counter(pair.b, TcpCounter.CHALLENGE_ACKS_RATE_LIMITED));
            pair.clock.advance(SECOND / 100);
            for (int i = 0; i < 20; i++)
            {
                inject(pair, rst);
            }
            assertEquals(1010, pair.counter(pair.b, TcpCounter.CHALLENGE_ACKS) - before, "10 tokens in 10 ms");
            assertTrue(s[1].isEstablished(), "the RSTs did not reset the connection");
        }
    }

    private static void inject(final LossyPair pair, final byte[] frame)
    {
        final FrameBatch batch = new FrameBatch(1);
        assertEquals(1, pair.wire.endpointA().queue(0).acquire(batch, 1));
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, batch.segment(0), batch.offset(0), frame.length);
        batch.length(0, frame.length);
        assertEquals(1, pair.wire.endpointA().queue(0).transmit(batch));
        pair.b.doWork();
        pair.a.doWork();
    }

    private static int readInt(final byte[] b, final int at)
    {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    private static void writeInt(final byte[] b, final int at, final int v)
    {
        b[at] = (byte)(v >>> 24);
        b[at + 1] = (byte)(v >>> 16);
        b[at + 2] = (byte)(v >>> 8);
        b[at + 3] = (byte)v;
    }

    private static void tcpChecksum(final byte[] f, final int tcp)
    {
        final int total = (f[16] & 0xFF) << 8 | f[17] & 0xFF;
        final int length = total - (tcp - 14);
        f[tcp + 16] = 0;
        f[tcp + 17] = 0;
        long sum = 6 + length;
        for (int i = 26; i < 34; i += 2)
        {
            sum += (f[i] & 0xFF) << 8 | f[i + 1] & 0xFF;
        }
        for (int i = 0; i < length; i += 2)
        {
            sum += (f[tcp + i] & 0xFF) << 8 | (i + 1 < length ? f[tcp + i + 1] & 0xFF : 0);
        }
        while (sum >>> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        final int c = (int)~sum & 0xFFFF;
        f[tcp + 16] = (byte)(c >>> 8);
        f[tcp + 17] = (byte)c;
    }

    @Property(seed = "20261122", tries = 30)
    void shouldCompleteByteExactWithSackUnderTenPercentLossBothWays(
        @ForAll @IntRange(min = 1, max = 60_000) final int n, @ForAll final long seed) throws Exception
    {
        final Path counters = Files.createTempDirectory("tcp-sack");
        final SplittableRandom dropsAtoB = new SplittableRandom(seed);
        final SplittableRandom dropsBtoA = new SplittableRandom(~seed);
        try (LossyPair pair = new LossyPair(counters, TcpConfig.DEFAULT))
        {
            final TcpSocket[] s = pair.connect(80);
            pair.driverB.drop = i -> dropsAtoB.nextInt(10) == 0;
            pair.driverA.drop = i -> dropsBtoA.nextInt(10) == 0;
            final byte[][] data = {new byte[n], new byte[n]};
            new SplittableRandom(seed).nextBytes(data[0]);
            new SplittableRandom(seed + 1).nextBytes(data[1]);
            final ByteArrayOutputStream[] got = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            final byte[] buffer = new byte[65536];
            final int[] sent = new int[2];
            assertTrue(pair.runUntil(() ->
            {
                for (int i = 0; i < 2; i++)
                {
                    if (sent[i] < n)
                    {
                        sent[i] += s[i].write(data[i], sent[i], n - sent[i]);
                    }
                    final int r = s[1 - i].read(buffer, 0, buffer.length);
                    if (r > 0)
                    {
                        got[i].write(buffer, 0, r);
                    }
                }
                return got[0].size() == n && got[1].size() == n;
            }, 120 * SECOND), "incomplete: " + got[0].size() + "/" + got[1].size() + " of " + n);
            assertArrayEquals(data[0], got[0].toByteArray());
            assertArrayEquals(data[1], got[1].toByteArray());
        }
    }
}
