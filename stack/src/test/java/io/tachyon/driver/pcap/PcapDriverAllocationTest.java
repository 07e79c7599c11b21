package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.pcap.LinkType;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.pcap.PcapWriter;
import io.tachyon.testing.Allocations;
import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static io.tachyon.driver.pcap.PcapDriverSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Nothing is allocated per frame: PcapDriver.receive (with a filter, on a virtual clock) and a CaptureDriver
 * recording receive and transmit, in rounds of 20 000 frames after a warm-up (measured by {@link Allocations}).
 */
class PcapDriverAllocationTest
{
    private static final int ROUND = 20_000;
    private static final int WARM_UP_ROUNDS = 1;
    private static final int MAX_MEASURED_ROUNDS = 5;
    /** Frames the capture must hold for every round that may run. */
    private static final int FRAMES = ROUND * (WARM_UP_ROUNDS + MAX_MEASURED_ROUNDS);

    @TempDir
    Path dir;

    /** Twice the frames needed, alternating sources 10.0.0.1 and 10.0.0.2, one microsecond apart. */
    private Path capture(final int injected) throws IOException
    {
        final Path file = dir.resolve("alloc.pcap");
        final byte[] fromA = PcapDriverSupport.udpFrame("10.0.0.1", 1000, "10.0.0.2", 2000, 18);
        final byte[] fromB = PcapDriverSupport.udpFrame("10.0.0.2", 2000, "10.0.0.1", 1000, 18);
        try (PcapWriter writer = PcapWriter.create(file, PcapFormat.PCAP_NANOS, LinkType.ETHERNET))
        {
            for (int i = 0; i < 2 * injected; i++)
            {
                writer.write((i & 1) == 0 ? fromA : fromB, T0 + i * 1_000L);
            }
        }
        return file;
    }

    @Test
    void shouldReceiveWithoutAllocating() throws Exception
    {
        final Path in = capture(FRAMES);
        final VirtualClock clock = new VirtualClock(T0);
        final PcapDriver driver = new PcapDriver(PcapDriverConfig.builder().input(in).filter("10.0.0.1:1000")
            .build(), clock);
        driver.open();
        driver.start();
        final DriverQueue q = driver.queue(0);
        final FrameBatch batch = new FrameBatch(32);
        final long[] bytes = new long[1];
        final int[] rounds = new int[1];
        Allocations.assertSteadyStateAllocatesNothing("receiving " + ROUND + " frames", WARM_UP_ROUNDS,
            MAX_MEASURED_ROUNDS, () ->
            {
                bytes[0] += receive(q, batch, ROUND);
                rounds[0]++;
            });
        assertEquals((long) rounds[0] * ROUND * 60, bytes[0], "every frame received whole");
        assertEquals((long) rounds[0] * ROUND, driver.framesInjected());
        driver.close();
    }

    private static long receive(final DriverQueue q, final FrameBatch batch, final int count)
    {
        long bytes = 0;
        int received = 0;
        while (received < count)
        {
            final int n = q.receive(batch);
            for (int i = 0; i < n; i++)
            {
                bytes += batch.length(i);
            }
            received += n;
            q.releaseAll(batch);
        }
        return bytes;
    }

    @Test
    void shouldRecordReceiveAndTransmitWithoutAllocating() throws Exception
    {
        final Path in = capture(FRAMES);
        final VirtualClock clock = new VirtualClock(T0);
        final PcapDriver inner = new PcapDriver(PcapDriverConfig.builder().input(in).filter("10.0.0.1")
            .output(dir.resolve("inner-tx.pcap"), PcapFormat.PCAP_NANOS).build(), clock);
        final CaptureDriver capture = CaptureDriver.twoFiles(inner, dir.resolve("rx.pcapng"),
            dir.resolve("tx.pcapng"), PcapFormat.PCAPNG, clock);
        capture.open();
        capture.start();
        final DriverQueue q = capture.queue(0);
        final FrameBatch batch = new FrameBatch(32);
        final int[] rounds = new int[1];
        Allocations.assertSteadyStateAllocatesNothing("capturing " + ROUND + " frames each way", WARM_UP_ROUNDS,
            MAX_MEASURED_ROUNDS, () ->
            {
                echo(q, batch, ROUND);
                rounds[0]++;
            });
        final long frames = (long) rounds[0] * ROUND;
        assertEquals(frames, capture.framesCapturedRx());
        assertEquals(frames, capture.framesCapturedTx());
        capture.close();
        assertEquals(frames, PcapDriverSupport.read(dir.resolve("tx.pcapng")).size());
    }

    /** Receives frames and transmits each back in place, with its addresses swapped. */
    private static void echo(final DriverQueue q, final FrameBatch batch, final int count)
    {
        int done = 0;
        while (done < count)
        {
            final int n = q.receive(batch);
            for (int i = 0; i < n; i++)
            {
                final MemorySegment s = batch.segment(i);
                final long o = batch.offset(i);
                final long mac = s.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, o);
                s.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, o, mac ^ 1L);
            }
            while (!batch.isEmpty())
            {
                q.transmit(batch);
            }
            done += n;
        }
    }
}
