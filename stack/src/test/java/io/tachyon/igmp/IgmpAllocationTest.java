package io.tachyon.igmp;

import static io.tachyon.igmp.IgmpTestSupport.OTHER_HOST_IP;
import static io.tachyon.igmp.IgmpTestSupport.OUR_IP;
import static io.tachyon.igmp.IgmpTestSupport.ROUTER_IP;
import static io.tachyon.igmp.IgmpTestSupport.SECOND;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import io.tachyon.testing.Allocations;
import io.tachyon.time.VirtualClock;

/**
 * After warm-up, {@link Igmp} allocates nothing over 100k join/query/report/leave cycles, with compatibility mode
 * changes, retransmissions, suppression and general responses running alongside.
 */
class IgmpAllocationTest
{
    private static final int CYCLES = 100_000;
    private static final int GROUPS = 8;

    /** Counts the bytes sent; allocation-free. */
    private static final class CountingOutput implements IgmpOutput
    {
        long bytes;
        long datagrams;

        @Override
        public boolean transmit(final MemorySegment datagram, final long offset, final int length)
        {
            bytes += length + datagram.get(ValueLayout.JAVA_BYTE, offset + length - 1);
            datagrams++;
            return true;
        }
    }

    @Test
    void shouldAllocateNothingPerCycleAfterWarmUp() throws Exception
    {
        final VirtualClock clock = new VirtualClock();
        final CountingOutput out = new CountingOutput();
        final Igmp igmp = new Igmp(IgmpConfig.of(OUR_IP).withMaxGroups(GROUPS * 2).withRandomSeed(7), out);
        final int[] groups = new int[GROUPS];
        final MemorySegment[] groupQueries = new MemorySegment[GROUPS];
        final MemorySegment[] reports = new MemorySegment[GROUPS];
        for (int i = 0; i < GROUPS; i++)
        {
            groups[i] = 0xEF01_0000 | i;
            groupQueries[i] = MemorySegment.ofArray(IgmpTestSupport.v3Query(groups[i], 20, 2, 125));
            reports[i] = MemorySegment.ofArray(IgmpTestSupport.igmp(String.format("1600 0000 %08x", groups[i])));
        }
        final MemorySegment generalQuery = MemorySegment.ofArray(IgmpTestSupport.v3Query(0, 20, 2, 125));
        final MemorySegment v2Query = MemorySegment.ofArray(IgmpTestSupport.v2Query(0, 20));
        igmp.join(groups[0], clock.nanoTime());

        final long[] sum = new long[1];
        final Allocations.Round round = () ->
        {
            for (int i = 0; i < CYCLES; i++)
            {
                final int g = i % GROUPS;
                final long now = clock.advance(SECOND / 2);
                igmp.join(groups[g], now);
                igmp.onIgmp(groupQueries[g], 0, 12, ROUTER_IP, now);
                if (i % 5 == 0)
                {
                    igmp.onIgmp(generalQuery, 0, 12, ROUTER_IP, now);
                }
                if (i % 1000 == 0)
                {
                    igmp.onIgmp(v2Query, 0, 8, ROUTER_IP, now);
                }
                if (i % 2 == 0)
                {
                    igmp.onIgmp(reports[g], 0, 8, OTHER_HOST_IP, now);
                }
                if (igmp.nextDeadlineNs() != Igmp.NO_DEADLINE && now - igmp.nextDeadlineNs() >= 0)
                {
                    sum[0] += igmp.poll(now);
                }
                sum[0] += igmp.isMember(groups[g]) ? 1 : 0;
                igmp.leave(groups[g], now);
            }
        };
        Allocations.assertSteadyStateAllocatesNothing(CYCLES + " IGMP join/query/report/leave cycles", 2, 5, round);
        assertTrue(sum[0] > 0);
        assertTrue(out.datagrams > 4L * CYCLES, "every cycle sends: " + out.datagrams);
        for (final IgmpCounter counter : new IgmpCounter[] {IgmpCounter.TX_V3_REPORTS, IgmpCounter.TX_V2_REPORTS,
            IgmpCounter.TX_LEAVES, IgmpCounter.REPORTS_SUPPRESSED, IgmpCounter.COMPAT_V2_ENTERED,
            IgmpCounter.COMPAT_V3_ENTERED, IgmpCounter.GENERAL_RESPONSES_SCHEDULED})
        {
            assertTrue(igmp.counter(counter) > 0, counter + " ran during the test");
        }
        igmp.verify();
    }
}
