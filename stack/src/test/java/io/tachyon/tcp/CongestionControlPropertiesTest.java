package io.tachyon.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import io.tachyon.testing.Allocations;

/**
 * For both algorithms, under any sequence of events (in or out of order, any sizes, time moving or not): nothing
 * throws, cwnd stays in [SMSS, maxCwnd], ssthresh is at least 2 * SMSS after any loss event, inSlowStart agrees
 * with cwnd &lt; ssthresh; and a million events allocate nothing.
 */
class CongestionControlPropertiesTest
{
    private static final int EVENTS = 6;

    @Property(seed = "20261122")
    void shouldKeepWindowsBoundedUnderAnyEvents(
        @ForAll final long seed,
        @ForAll @IntRange(min = 1, max = 9000) final int smss,
        @ForAll @IntRange(min = 2, max = 5000) final int maxSegments,
        @ForAll final boolean cubic)
    {
        final long max = (long)smss * maxSegments + new SplittableRandom(seed).nextInt(smss);
        final CongestionControl cc = CongestionControlFactory.forName(cubic ? "cubic" : "newreno").create(smss, max);
        final SplittableRandom random = new SplittableRandom(seed);
        long now = random.nextLong();
        boolean lossSeen = false;
        for (int i = 0; i < 300; i++)
        {
            now += random.nextInt(4) == 0 ? 0 : random.nextLong(2_000_000_000L);
            final long flight = bytes(random, cc);
            switch (random.nextInt(EVENTS))
            {
                case 0, 1 -> cc.onAck(bytes(random, cc), random.nextInt(3) == 0 ? CongestionControl.NO_RTT
                    : random.nextLong(1_000_000_000L), now, flight);
                case 2 -> cc.onDuplicateAck(now);
                case 3 ->
                {
                    lossSeen |= !cc.inRecovery();
                    cc.enterRecovery(now, flight);
                }
                case 4 ->
                {
                    if (random.nextBoolean())
                    {
                        cc.exitRecovery(now, flight);
                    }
                    else
                    {
                        lossSeen |= !cc.inRecovery();
                        cc.onEcnCe(now, flight);
                    }
                }
                default ->
                {
                    lossSeen = true;
                    cc.onRetransmissionTimeout(now, flight);
                }
            }
            assertTrue(cc.cwnd() >= smss && cc.cwnd() <= max, "cwnd " + cc.cwnd() + " outside [" + smss + ", "
                + max + "] after event " + i + ": " + cc);
            if (lossSeen)
            {
                assertTrue(cc.ssthresh() >= 2L * smss, "ssthresh " + cc.ssthresh() + ": " + cc);
            }
            else
            {
                assertEquals(CongestionControl.INFINITE_SSTHRESH, cc.ssthresh());
            }
            assertEquals(cc.cwnd() < cc.ssthresh(), cc.inSlowStart());
        }
    }

    /** Byte counts from 0 through a few windows, with now and then an absurdly large one. */
    private static long bytes(final SplittableRandom random, final CongestionControl cc)
    {
        return switch (random.nextInt(8))
        {
            case 0 -> 0;
            case 1 -> random.nextLong(Long.MAX_VALUE);
            case 2 -> random.nextInt(cc.smss() + 1);
            default -> random.nextLong(3 * cc.cwnd() + 1);
        };
    }

    @Example
    void shouldAllocateNothingOverAMillionEvents() throws Exception
    {
        final int mask = (1 << 12) - 1;
        final int[] kinds = new int[mask + 1];
        final long[] sizes = new long[mask + 1];
        final long[] rtts = new long[mask + 1];
        final SplittableRandom random = new SplittableRandom(20261122);
        for (int i = 0; i <= mask; i++)
        {
            final int roll = random.nextInt(100);
            kinds[i] = roll < 85 ? 0 : roll < 93 ? 1 : roll < 96 ? 2 : roll < 98 ? 3 : roll < 99 ? 4 : 5;
            sizes[i] = random.nextLong(200_000);
            rtts[i] = random.nextBoolean() ? CongestionControl.NO_RTT : random.nextLong(200_000_000L);
        }
        final CongestionControl[] algorithms = {new NewReno(1448, 1L << 26), new Cubic(1448, 1L << 26)};
        final long[] now = {0};
        Allocations.assertSteadyStateAllocatesNothing("running 1M congestion events", 3, 5, () ->
        {
            long t = now[0];
            for (int i = 0; i < 1_000_000; i++)
            {
                final CongestionControl cc = algorithms[i & 1];
                final int slot = (i >>> 1) & mask;
                t += 50_000;
                switch (kinds[slot])
                {
                    case 0 -> cc.onAck(1448, rtts[slot], t, cc.cwnd() - Math.min(cc.cwnd(), 1448));
                    case 1 -> cc.onDuplicateAck(t);
                    case 2 -> cc.enterRecovery(t, sizes[slot]);
                    case 3 -> cc.exitRecovery(t, sizes[slot]);
                    case 4 -> cc.onEcnCe(t, sizes[slot]);
                    default -> cc.onRetransmissionTimeout(t, sizes[slot]);
                }
            }
            now[0] = t;
        });
        assertTrue(algorithms[0].cwnd() >= 1448 && algorithms[1].cwnd() >= 1448);
    }
}
