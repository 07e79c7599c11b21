package io.tachyon.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.tachyon.wire.FrameDissector.Layer;

/** The dissector allocates nothing per frame once warmed up. */
class DissectorAllocationTest
{
    private static final int FRAMES = 100_000;

    @Test
    void shouldAllocateNothingPerFrameAfterWarmUp() throws Throwable
    {
        final MethodHandle allocatedBytes = allocatedBytesOfCurrentThread();
        // A TCP frame with options in off-heap memory, as a driver would hand it over (at an offset).
        final TestFrames frames = new TestFrames();
        frames.allowQinq = false;
        final MemorySegment scratch = MemorySegment.ofArray(new byte[TestFrames.MAX_FRAME]);
        final SplittableRandom random = new SplittableRandom(3);
        final FrameDissector dissector = new FrameDissector();
        int length;
        do
        {
            length = frames.frame(random, scratch, TestFrames.Kind.TCP);
            dissector.dissectEthernet(scratch, 0, length);
        }
        while (dissector.tcp().optionsLength() < 12 || dissector.tcp().payloadLength() < 100);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment umem = arena.allocate(4096);
            MemorySegment.copy(scratch, 0, umem, 256, length);

            long checksum = run(dissector, umem, length, FRAMES); // warm-up: lets the JIT compile the path
            checksum += run(dissector, umem, length, FRAMES);
            assertEquals(Layer.TCP, dissector.layer());
            assertEquals(ChecksumVerdict.GOOD, dissector.transportChecksum());

            // The measurement calls themselves may allocate a little (first-call bookkeeping); measure that
            // constant with an empty interval and allow only it.
            final long emptyStart = (long)allocatedBytes.invokeExact();
            final long emptyEnd = (long)allocatedBytes.invokeExact();
            final long overhead = emptyEnd - emptyStart;

            final long before = (long)allocatedBytes.invokeExact();
            checksum += run(dissector, umem, length, FRAMES);
            final long after = (long)allocatedBytes.invokeExact();
            final long allocated = after - before - overhead;
            assertTrue(before > 0, "the allocation counter is running");
            assertTrue(checksum != 0);
            assertTrue(allocated <= 0, "dissecting " + FRAMES + " frames allocated " + allocated + " bytes");
        }
    }

    /**
     * com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes as a method handle returning a primitive long
     * (no boxing inside the measured interval). Looked up reflectively because this test is compiled inside the
     * io.tachyon.stack module, which does not read java.management / jdk.management.
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

    private static long run(final FrameDissector dissector, final MemorySegment memory, final int length,
        final int frames)
    {
        long sum = 0;
        for (int i = 0; i < frames; i++)
        {
            if (dissector.dissectEthernet(memory, 256, length) == Malformed.OK)
            {
                sum += dissector.tcp().sequenceNumber() + dissector.transportChecksum().ordinal();
                final TcpOptions options = dissector.tcpOptions();
                while (options.next())
                {
                    sum += options.kind();
                }
            }
        }
        return sum;
    }
}
