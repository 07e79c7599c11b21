package io.tachyon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tachyon.time.VirtualClock;
import io.tachyon.wire.Malformed;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counting allocates nothing once warmed up. */
class CounterAllocationTest
{
    private static final int INCREMENTS = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void shouldAllocateNothingForAMillionIncrements() throws Throwable
    {
        final MethodHandle allocatedBytes = allocatedBytesOfCurrentThread();
        try (CountersFile file = CountersFile.create(dir.resolve(CountersFile.FILE_NAME), 64, new VirtualClock()))
        {
            final Counter counter = file.allocate(1, "T", 0, "events");
            final CounterFamily<Malformed> drops = file.allocateFamily(2, "Ipv4", Malformed.class, Malformed::name);
            final Malformed[] reasons = Malformed.values();

            run(counter, drops, file, reasons); // warm-up: lets the JIT compile the path
            run(counter, drops, file, reasons);

            final long emptyStart = (long)allocatedBytes.invokeExact();
            final long emptyEnd = (long)allocatedBytes.invokeExact();
            final long overhead = emptyEnd - emptyStart;

            final long before = (long)allocatedBytes.invokeExact();
            run(counter, drops, file, reasons);
            final long after = (long)allocatedBytes.invokeExact();
            final long allocated = after - before - overhead;
            assertTrue(before > 0, "the allocation counter is running");
            assertEquals(3L * INCREMENTS + 3L * 5 * INCREMENTS, counter.get());
            assertTrue(allocated <= 0, INCREMENTS + " increments allocated " + allocated + " bytes");
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

    /**
     * com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes as a method handle returning a primitive long
     * (no boxing inside the measured interval), looked up reflectively as in DissectorAllocationTest.
     */
    private static MethodHandle allocatedBytesOfCurrentThread() throws ReflectiveOperationException
    {
        final Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
            .invoke(null);
        final Class<?> sunBean = Class.forName("com.sun.management.ThreadMXBean");
        Assumptions.assumeTrue(sunBean.isInstance(bean), "needs com.sun.management.ThreadMXBean");
        final boolean supported = (Boolean)sunBean.getMethod("isThreadAllocatedMemorySupported").invoke(bean);
        Assumptions.assumeTrue(supported, "per-thread allocation counting unsupported");
        sunBean.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(bean, true);
        return MethodHandles.publicLookup()
            .findVirtual(sunBean, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
            .bindTo(bean);
    }
}
