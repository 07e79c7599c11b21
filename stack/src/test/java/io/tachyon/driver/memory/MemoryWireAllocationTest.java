package io.tachyon.driver.memory;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data path allocates nothing per frame, faults included. Measured with
 * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}, reached through a method handle typed
 * {@code (Object)long} because these tests compile inside module io.tachyon.stack, which does not read
 * jdk.management (and a reflective call would box the result).
 */
class MemoryWireAllocationTest
{
    private static final int FRAMES = 100_000;

    @Test
    void shouldAllocateNothingPerFrame() throws Throwable
    {
        final Object threads = Class.forName("java.lang.management.ManagementFactory")
            .getMethod("getThreadMXBean").invoke(null);
        final Class<?> beanType = Class.forName("com.sun.management.ThreadMXBean");
        final MethodHandle allocated = MethodHandles.publicLookup()
            .findVirtual(beanType, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
            .asType(MethodType.methodType(long.class, Object.class));
        assertTrue((boolean) beanType.getMethod("isThreadAllocatedMemoryEnabled").invoke(threads),
            "the JVM measures allocation per thread");
        for (int i = 0; i < 1_000; i++)
        {
            final long ignored = (long) allocated.invokeExact(threads); // link the call site
            assertTrue(ignored >= 0L);
        }
        final long start = (long) allocated.invokeExact(threads);
        assertEquals(0L, (long) allocated.invokeExact(threads) - start, "measuring itself allocates nothing");
        final VirtualClock clock = new VirtualClock();
        final FaultProfile faults = new FaultProfile(0.05, 0.05, 0.05, 2_000L, 0.05, 1_000L, 1_000L, 10_000_000_000L);
        try (MemoryWire wire = new MemoryWire(MemoryWireConfig.DEFAULT.withFaults(faults), clock))
        {
            WireTestSupport.startBoth(wire);
            final DriverQueue a = wire.endpointA().queue(0);
            final DriverQueue b = wire.endpointB().queue(0);
            final FrameBatch tx = new FrameBatch(32);
            final FrameBatch rx = new FrameBatch(32);
            long moved = run(clock, a, b, tx, rx, FRAMES); // warm-up: interpreter, C1, C2
            moved += run(clock, a, b, tx, rx, FRAMES);
            final long before = (long) allocated.invokeExact(threads);
            final long measured = run(clock, a, b, tx, rx, FRAMES);
            final long after = (long) allocated.invokeExact(threads);
            assertEquals(0L, after - before, "bytes allocated while moving " + FRAMES + " frames");
            assertTrue(measured > FRAMES / 2 && moved > FRAMES, "frames flowed: " + measured);
        }
    }

    /** Sends {@code frames} frames from a to b in bursts and receives them; returns how many b received. */
    private static long run(
        final VirtualClock clock,
        final DriverQueue a,
        final DriverQueue b,
        final FrameBatch tx,
        final FrameBatch rx,
        final int frames)
    {
        long sent = 0;
        long received = 0;
        while (sent < frames)
        {
            final int got = a.acquire(tx, tx.remaining());
            for (int i = tx.size() - got; i < tx.size(); i++)
            {
                tx.segment(i).set(ValueLayout.JAVA_LONG_UNALIGNED, tx.offset(i) + 14, sent + i);
                tx.length(i, 64 + (i & 63));
            }
            sent += a.transmit(tx);
            clock.advance(5_000L);
            for (int n = b.receive(rx); n > 0; n = b.receive(rx))
            {
                received += n;
                b.releaseAll(rx);
            }
        }
        b.releaseAll(tx);
        return received;
    }
}
