package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.pcap.LinkType;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.pcap.PcapWriter;
import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static io.tachyon.driver.pcap.PcapDriverSupport.T0;
import static io.tachyon.driver.pcap.PcapDriverSupport.allocatedBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing is allocated per frame: PcapDriver.receive (with a filter, on a virtual clock) and a CaptureDriver
 * recording receive and transmit, over 100 000 frames after a warm-up.
 */
class PcapDriverAllocationTest
{
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 100_000;

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
    void shouldReceiveWithoutAllocating() throws IOException
    {
        final Path in = capture(WARM_UP + MEASURED);
        final VirtualClock clock = new VirtualClock(T0);
        final PcapDriver driver = new PcapDriver(PcapDriverConfig.builder().input(in).filter("10.0.0.1:1000")
            .build(), clock);
        driver.open();
        driver.start();
        final DriverQueue q = driver.queue(0);
        final FrameBatch batch = new FrameBatch(32);
        long sum = receive(q, batch, WARM_UP);
        final long before = allocatedBytes();
        assertTrue(before > 0, "per-thread allocation accounting is enabled");
        sum += receive(q, batch, MEASURED);
        final long allocated = allocatedBytes() - before;
        assertTrue(allocated < MEASURED, "receive allocated " + allocated + " bytes for " + MEASURED + " frames");
        assertEquals((long) (WARM_UP + MEASURED) * 60, sum);
        assertEquals(WARM_UP + MEASURED, driver.framesInjected());
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
    void shouldRecordReceiveAndTransmitWithoutAllocating() throws IOException
    {
        final Path in = capture(WARM_UP + MEASURED);
        final VirtualClock clock = new VirtualClock(T0);
        final PcapDriver inner = new PcapDriver(PcapDriverConfig.builder().input(in).filter("10.0.0.1")
            .output(dir.resolve("inner-tx.pcap"), PcapFormat.PCAP_NANOS).build(), clock);
        final CaptureDriver capture = CaptureDriver.twoFiles(inner, dir.resolve("rx.pcapng"),
            dir.resolve("tx.pcapng"), PcapFormat.PCAPNG, clock);
        capture.open();
        capture.start();
        final DriverQueue q = capture.queue(0);
        final FrameBatch batch = new FrameBatch(32);
        echo(q, batch, WARM_UP);
        final long before = allocatedBytes();
        assertTrue(before > 0, "per-thread allocation accounting is enabled");
        echo(q, batch, MEASURED);
        final long allocated = allocatedBytes() - before;
        assertTrue(allocated < MEASURED, "capture allocated " + allocated + " bytes for " + MEASURED + " frames");
        assertEquals(WARM_UP + MEASURED, capture.framesCapturedRx());
        assertEquals(WARM_UP + MEASURED, capture.framesCapturedTx());
        capture.close();
        assertEquals(WARM_UP + MEASURED, PcapDriverSupport.read(dir.resolve("tx.pcapng")).size());
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
