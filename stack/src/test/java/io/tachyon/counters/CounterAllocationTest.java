package io.tachyon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tachyon.testing.Allocations;
import io.tachyon.time.VirtualClock;
import io.tachyon.wire.Malformed;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counting allocates nothing once warmed up (measured by {@link Allocations}). */
class CounterAllocationTest
{
    private static final int INCREMENTS = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void shouldAllocateNothingForAMillionIncrements() throws Throwable
    {
        try (CountersFile file = CountersFile.create(dir.resolve(CountersFile.FILE_NAME), 64, new VirtualClock()))
        {
            final Counter counter = file.allocate(1, "T", 0, "events");
            final CounterFamily<Malformed> drops = file.allocateFamily(2, "Ipv4", Malformed.class, Malformed::name);
            final Malformed[] reasons = Malformed.values();

            final int[] rounds = new int[1];
            Allocations.assertSteadyStateAllocatesNothing(INCREMENTS + " increments", 2, 5, () ->
            {
                run(counter, drops, file, reasons);
                rounds[0]++;
            });
            assertEquals(rounds[0] * 6L * INCREMENTS, counter.get(), "every increment and add counted");
        }
    }

    private static void run(final Counter counter, final CounterFamily<Malformed> drops, final CountersFile file,
        final Malformed[] reasons)
    {
        for (int i = 0; i < INCREMENTS; i++)
        {
            counter.increment();
            counter.add(5);
            drops.increment(reasons[i % reasons.length]);
            file.heartbeat(i);
        }
    }
}
