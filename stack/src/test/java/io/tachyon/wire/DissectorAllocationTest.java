package io.tachyon.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.tachyon.testing.Allocations;
import io.tachyon.wire.FrameDissector.Layer;

/** The dissector allocates nothing per frame once warmed up (measured by {@link Allocations}). */
class DissectorAllocationTest
{
    private static final int FRAMES = 100_000;

    @Test
    void shouldAllocateNothingPerFrameAfterWarmUp() throws Throwable
    {
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
        final int frameLength = length;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment umem = arena.allocate(4096);
            MemorySegment.copy(scratch, 0, umem, 256, frameLength);
            final long[] checksum = new long[1];
            Allocations.assertSteadyStateAllocatesNothing("dissecting " + FRAMES + " frames", 2, 5,
                () -> checksum[0] += run(dissector, umem, frameLength, FRAMES));
            assertEquals(Layer.TCP, dissector.layer());
            assertEquals(ChecksumVerdict.GOOD, dissector.transportChecksum());
            assertTrue(checksum[0] != 0);
        }
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
