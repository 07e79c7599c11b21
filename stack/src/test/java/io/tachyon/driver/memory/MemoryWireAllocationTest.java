package io.tachyon.driver.memory;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.testing.Allocations;
import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data path allocates nothing per frame, faults included (measured by {@link Allocations}).
 */
class MemoryWireAllocationTest
{
    private static final int FRAMES = 100_000;

    @Test
    void shouldAllocateNothingPerFrame() throws Throwable
    {
        final VirtualClock clock = new VirtualClock();
        final FaultProfile faults = new FaultProfile(0.05, 0.05, 0.05, 2_000L, 0.05, 1_000L, 1_000L, 10_000_000_000L);
        try (MemoryWire wire = new MemoryWire(MemoryWireConfig.DEFAULT.withFaults(faults), clock))
        {
            WireTestSupport.startBoth(wire);
            final DriverQueue a = wire.endpointA().queue(0);
            final DriverQueue b = wire.endpointB().queue(0);
            final FrameBatch tx = new FrameBatch(32);
            final FrameBatch rx = new FrameBatch(32);
            final long[] received = new long[1];
            Allocations.assertSteadyStateAllocatesNothing("moving " + FRAMES + " frames with every fault on", 2, 5,
                () -> received[0] = run(clock, a, b, tx, rx, FRAMES));
            assertTrue(received[0] > FRAMES / 2, "frames flowed: " + received[0]);
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
