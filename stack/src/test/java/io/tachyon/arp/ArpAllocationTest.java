package io.tachyon.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import io.tachyon.testing.Allocations;
import io.tachyon.time.VirtualClock;
import io.tachyon.wire.FrameDissector;

/**
 * After warm-up, {@link Arp} allocates nothing over 100k request/reply exchanges, with the rest of the machinery
 * running alongside: resolution, pending queues, retries, FAILED with unresolved reports, aging, probing and GC
 * (measured by {@link Allocations}).
 */
class ArpAllocationTest
{
    private static final int EXCHANGES = 100_000;
    private static final long MAC_A = 0x02_00_00_00_0A_01L;
    private static final long MAC_B = 0x02_00_00_00_0B_02L;
    private static final int IP_A = 0x0A_01_00_01;
    private static final int IP_B = 0x0A_01_00_02;
    private static final int SILENT_BASE = 0x0A_01_01_00;

    /** Copies frames into a fixed mailbox; the loop delivers them to the other side. Allocation-free. */
    private static final class Mailbox implements ArpOutput
    {
        private static final int SLOT = 2048;
        private static final int SLOTS = 32;
        final MemorySegment memory = MemorySegment.ofArray(new byte[SLOT * SLOTS]);
        final int[] lengths = new int[SLOTS];
        int count;
        long unresolved;

        @Override
        public boolean transmit(final MemorySegment frame, final long offset, final int length)
        {
            if (count == SLOTS || length > SLOT)
            {
                return false;
            }
            MemorySegment.copy(frame, offset, memory, (long)count * SLOT, length);
            lengths[count++] = length;
            return true;
        }

        @Override
        public void unresolved(final int address, final MemorySegment frame, final long offset, final int length)
        {
            unresolved++;
        }

        void deliverTo(final Arp arp, final FrameDissector dissector, final long nowNs)
        {
            for (int i = 0; i < count; i++)
            {
                dissector.dissectEthernet(memory, (long)i * SLOT, lengths[i]);
                if (dissector.layer() == FrameDissector.Layer.ARP)
                {
                    arp.onArp(dissector.arp(), nowNs);
                }
            }
            count = 0;
        }
    }

    @Test
    void shouldAllocateNothingPerExchangeAfterWarmUp() throws Throwable
    {
        final VirtualClock clock = new VirtualClock();
        final Mailbox toB = new Mailbox();
        final Mailbox toA = new Mailbox();
        final Arp a = new Arp(ArpConfig.of(MAC_A, IP_A).withCapacity(64), toB);
        final Arp b = new Arp(ArpConfig.of(MAC_B, IP_B).withCapacity(64), toA);
        final FrameDissector dissectorA = new FrameDissector();
        final FrameDissector dissectorB = new FrameDissector();
        // A request from B for A, built once: the exchange is A answering it and B merging the reply.
        final MemorySegment request = MemorySegment.ofArray(ArpTestSupport.arpFrame(0xFFFF_FFFF_FFFFL, MAC_B, 1,
            MAC_B, IP_B, 0, IP_A));
        final MemorySegment packet = MemorySegment.ofArray(ArpTestSupport.payloadFrame(1, 200));

        final long[] checksum = new long[1];
        final long[] repliesBefore = new long[1];
        final long[] unresolvedBefore = new long[1];
        Allocations.assertSteadyStateAllocatesNothing(EXCHANGES + " exchanges", 2, 5, () ->
        {
            repliesBefore[0] = a.counter(ArpCounter.TX_REPLIES);
            unresolvedBefore[0] = toB.unresolved;
            checksum[0] += run(clock, a, b, toA, toB, dissectorA, dissectorB, request, packet);
        });

        // Checked on the last (the allocation-free) round.
        assertTrue(checksum[0] != 0);
        assertEquals(EXCHANGES, a.counter(ArpCounter.TX_REPLIES) - repliesBefore[0], "every request answered");
        assertTrue(b.counter(ArpCounter.ENTRIES_UPDATED) >= 3L * EXCHANGES, "every reply merged");
        assertTrue(toB.unresolved > unresolvedBefore[0], "the FAILED path ran during the measurement");
        assertTrue(a.counter(ArpCounter.TX_PROBES) > 0 && a.counter(ArpCounter.ENTRIES_EXPIRED) > 0);
    }

    private static long run(final VirtualClock clock, final Arp a, final Arp b, final Mailbox toA,
        final Mailbox toB, final FrameDissector dissectorA, final FrameDissector dissectorB,
        final MemorySegment request, final MemorySegment packet)
    {
        long sum = 0;
        for (int i = 0; i < EXCHANGES; i++)
        {
            final long now = clock.advance(1_000_000L);
            dissectorA.dissectEthernet(request, 0, 60);
            a.onArp(dissectorA.arp(), now);
            // A also uses its entry for B (STALE from the requests: DELAY, then a unicast probe B answers).
            sum += a.resolve(IP_B, now);
            if (i % 10 == 0)
            {
                // Packets for hosts that never answer: queued, retried, FAILED, reported, held down, freed.
                a.enqueue(SILENT_BASE + (i / 10) % 16, packet, 0, 200, now);
            }
            if (now - a.nextDeadlineNs() >= 0)
            {
                sum += a.poll(now);
            }
            if (b.nextDeadlineNs() != Arp.NO_DEADLINE && now - b.nextDeadlineNs() >= 0)
            {
                sum += b.poll(now);
            }
            toB.deliverTo(b, dissectorB, now);
            toA.deliverTo(a, dissectorA, now);
            toB.deliverTo(b, dissectorB, now);
            sum += b.peek(IP_A);
        }
        return sum;
    }
}
