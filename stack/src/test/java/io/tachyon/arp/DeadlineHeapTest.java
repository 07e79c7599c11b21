package io.tachyon.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The deadline heap against a brute-force model, including deadlines across the sign boundary of a long. */
class DeadlineHeapTest
{
    @Test
    void shouldAgreeWithBruteForceModel()
    {
        final int n = 64;
        final DeadlineHeap heap = new DeadlineHeap(n);
        final long[] model = new long[n];
        final boolean[] present = new boolean[n];
        final SplittableRandom random = new SplittableRandom(20261122);
        final long base = Long.MAX_VALUE - 1_000_000L; // deadlines wrap past Long.MAX_VALUE
        for (int step = 0; step < 200_000; step++)
        {
            final int id = random.nextInt(n);
            if (random.nextInt(3) == 0)
            {
                heap.cancel(id);
                present[id] = false;
            }
            else
            {
                final long deadline = base + random.nextLong(2_000_000L);
                heap.schedule(id, deadline);
                model[id] = deadline;
                present[id] = true;
            }
            int expectedFirst = -1;
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                if (present[i])
                {
                    count++;
                    if (expectedFirst == -1 || model[i] - model[expectedFirst] < 0)
                    {
                        expectedFirst = i;
                    }
                }
            }
            assertEquals(count, heap.size());
            if (count > 0)
            {
                assertEquals(model[expectedFirst], heap.firstDeadlineNs(), "step " + step);
            }
            if (step % 1000 == 0)
            {
                heap.verify();
            }
        }
    }
}
