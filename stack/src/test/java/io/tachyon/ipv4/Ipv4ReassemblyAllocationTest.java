package io.tachyon.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.tachyon.ipv4.Ipv4Reassembly.Outcome;
import io.tachyon.testing.Allocations;
import io.tachyon.wire.Ipv4Flyweight;

/** Fragmenting, reassembling, duplicates and timeouts allocate nothing once warmed up (see {@link Allocations}). */
class Ipv4ReassemblyAllocationTest
{
    private static final int ROUNDS = 100_000;
    private static final int MTU = 1500;
    private static final long STEP_NS = 300_000_000L; // 100 stray fragments in flight at a 30 s timeout

    private static long timeoutsSeen;

    private static void onTimeout(final MemorySegment segment, final long offset, final int length)
    {
        timeoutsSeen += length;
    }

    @Test
    void shouldAllocateNothingPerFragmentAfterWarmUp() throws Throwable
    {
        final byte[] original = Datagrams.datagram(0x4242, Datagrams.randomBytes(new SplittableRandom(5), 4000));
        final byte[] stray = Datagrams.fragment(Datagrams.SOURCE + 1, 17, 1, new byte[0], new byte[16], 0, 16, true);
        try (Arena arena = Arena.ofConfined();
            Ipv4Reassembly reassembly = new Ipv4Reassembly(Ipv4ReassemblyConfig.defaults(),
                Ipv4ReassemblyAllocationTest::onTimeout))
        {
            final MemorySegment memory = arena.allocate(16_384);
            MemorySegment.copy(MemorySegment.ofArray(original), 0, memory, 0, original.length);
            MemorySegment.copy(MemorySegment.ofArray(stray), 0, memory, 4096, stray.length);
            final State state = new State(reassembly, memory, original.length, stray.length);

            final long[] checksum = new long[1];
            final int[] rounds = new int[1];
            Allocations.assertSteadyStateAllocatesNothing("reassembling " + ROUNDS + " fragmented datagrams",
                2, 5, () ->
                {
                    checksum[0] += run(state, ROUNDS);
                    rounds[0]++;
                });
            assertTrue(checksum[0] != 0);
            assertEquals((long)ROUNDS * rounds[0], reassembly.datagramsReassembled());
            assertEquals((long)ROUNDS * rounds[0], reassembly.duplicates());
            assertTrue(reassembly.timeouts() > (rounds[0] - 1L) * ROUNDS, "stray fragments time out: "
                + reassembly.timeouts());
            assertEquals(reassembly.timeouts(), reassembly.timeoutsReported(), "every stray had offset 0");
            assertTrue(timeoutsSeen >= 28L * (rounds[0] - 1L) * ROUNDS);
        }
    }

    /** Everything one round needs, made before measuring. */
    private static final class State
    {
        final Ipv4Reassembly reassembly;
        final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();
        final Ipv4Flyweight header = new Ipv4Flyweight();
        final MemorySegment memory;
        final int length;
        final int strayLength;
        final long[] offsets = new long[3];
        final int[] lengths = new int[3];
        long nowNs = 1_000_000_000_000L;
        int id;

        State(final Ipv4Reassembly reassembly, final MemorySegment memory, final int length, final int strayLength)
        {
            this.reassembly = reassembly;
            this.memory = memory;
            this.length = length;
            this.strayLength = strayLength;
        }
    }

    private static long run(final State state, final int rounds)
    {
        long sum = 0;
        for (int round = 0; round < rounds; round++)
        {
            final int count = state.fragmenter.start(state.memory, 0, state.length, MTU);
            long at = 8192;
            for (int i = 0; i < count; i++)
            {
                state.offsets[i] = at;
                state.lengths[i] = state.fragmenter.next(state.memory, at, MTU);
                at += state.lengths[i];
            }
            // Out of order with a duplicate: 2, 0, 0, 1.
            sum += state.reassembly.accept(state.memory, state.offsets[2], state.lengths[2], state.nowNs).ordinal();
            sum += state.reassembly.accept(state.memory, state.offsets[0], state.lengths[0], state.nowNs).ordinal();
            sum += state.reassembly.accept(state.memory, state.offsets[0], state.lengths[0], state.nowNs).ordinal();
            if (state.reassembly.accept(state.memory, state.offsets[1], state.lengths[1], state.nowNs)
                == Outcome.COMPLETE)
            {
                sum += state.reassembly.datagramLength();
            }
            // A stray first fragment under a new key, which will time out and be reported.
            state.id = (state.id + 1) & 0xFFFF;
            state.header.wrapForWrite(state.memory, 4096, state.strayLength);
            state.header.identification(state.id).headerChecksum(0).updateHeaderChecksum();
            sum += state.reassembly.accept(state.memory, 4096, state.strayLength, state.nowNs).ordinal();
            state.nowNs += STEP_NS;
        }
        return sum + timeoutsSeen;
    }
}
