package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.pcap.LinkType;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.tachyon.driver.pcap.PcapDriverSupport.Out;
import static io.tachyon.driver.pcap.PcapDriverSupport.Rec;
import static io.tachyon.driver.pcap.PcapDriverSupport.T0;
import static io.tachyon.driver.pcap.PcapDriverSupport.bytes;
import static io.tachyon.driver.pcap.PcapDriverSupport.frame;
import static io.tachyon.driver.pcap.PcapDriverSupport.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CaptureDriver: the recorded files hold exactly the frames received and accepted, in order, byte-exact, with
 * their timestamps; everything else is the inner driver's.
 */
class CaptureDriverTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRecordBothDirectionsOfAMemoryWireToTwoFiles()
    {
        final VirtualClock clock = new VirtualClock();
        final Path rxFile = dir.resolve("rx.pcapng");
        final Path txFile = dir.resolve("tx.pcapng");
        try (MemoryWire wire = MemoryWire.of(clock))
        {
            final CaptureDriver a = CaptureDriver.twoFiles(wire.endpointA(), rxFile, txFile, PcapFormat.PCAPNG,
                clock);
            final PacketDriver b = wire.endpointB();
            a.open();
            a.start();
            b.open();
            b.start();
            final DriverQueue qa = a.queue(0);
            final DriverQueue qb = b.queue(0);
            assertSame(qa, a.queue(0));

            final List<byte[]> toA = new ArrayList<>();
            for (int i = 0; i < 40; i++)
            {
                toA.add(frame(i, 60 + 13 * i));
            }
            send(qb, toA, clock);
            final List<byte[]> receivedByA = new ArrayList<>();
            final List<Long> rxTimes = new ArrayList<>();
            final FrameBatch batch = new FrameBatch(7);
            while (receivedByA.size() < toA.size())
            {
                clock.advance(1_000);
                final int n = qa.receive(batch);
                for (int i = 0; i < n; i++)
                {
                    receivedByA.add(bytes(batch, i));
                    final long ts = batch.timestampNs(i);
                    rxTimes.add(ts == FrameBatch.NO_TIMESTAMP ? clock.nanoTime() : ts);
                }
                qa.releaseAll(batch);
            }

            final List<byte[]> fromA = new ArrayList<>();
            for (int i = 0; i < 25; i++)
            {
                fromA.add(frame(1000 + i, 100 + i));
            }
            final List<Long> txTimes = send(qa, fromA, clock);
            a.close();
            assertEquals(DriverState.CLOSED, wire.endpointA().state(), "close() closes the inner driver");

            assertRecorded(receivedByA, rxTimes, PcapDriverSupport.read(rxFile));
            assertRecorded(fromA, txTimes, PcapDriverSupport.read(txFile));
            assertEquals(40, a.framesCapturedRx());
            assertEquals(25, a.framesCapturedTx());
            assertNull(a.captureError());
        }
    }

    /** Sends every frame, a few per call; returns the clock time at the call that accepted each. */
    private static List<Long> send(final DriverQueue q, final List<byte[]> frames, final VirtualClock clock)
    {
        final List<Long> times = new ArrayList<>();
        final FrameBatch batch = new FrameBatch(5);
        int next = 0;
        while (next < frames.size() || !batch.isEmpty())
        {
            final int start = batch.size();
            final int got = q.acquire(batch, Math.min(batch.remaining(), frames.size() - next));
            for (int i = start; i < start + got; i++)
            {
                put(batch, i, frames.get(next++));
            }
            final int accepted = q.transmit(batch);
            for (int i = 0; i < accepted; i++)
            {
                times.add(clock.nanoTime());
            }
            clock.advance(500);
        }
        return times;
    }

    private static void assertRecorded(final List<byte[]> frames, final List<Long> times, final List<Rec> records)
    {
        assertEquals(frames.size(), records.size(), "recorded frame count");
        for (int i = 0; i < frames.size(); i++)
        {
            assertArrayEquals(frames.get(i), records.get(i).data(), "frame " + i);
            assertEquals(times.get(i), records.get(i).timestampNs(), "timestamp of frame " + i);
            assertEquals(LinkType.ETHERNET, records.get(i).linkType());
        }
    }

    @Test
    void shouldRecordOnlyTheAcceptedPrefixInCallOrderInOneFile()
    {
        final Path in = dir.resolve("in.pcap");
        final List<Out> replay = List.of(new Out(frame(0, 70), T0 + 100), new Out(frame(1, 71), T0 + 200),
            new Out(frame(2, 72), T0 + 300));
        PcapDriverSupport.write(in, PcapFormat.PCAP_NANOS, LinkType.ETHERNET, replay);
        final VirtualClock clock = new VirtualClock(T0);
        final PcapDriver inner = new PcapDriver(PcapDriverConfig.builder().input(in).maxBurst(4).build(), clock);
        final Path file = dir.resolve("both.pcap");
        final CaptureDriver capture = CaptureDriver.oneFile(inner, file, PcapFormat.PCAP_NANOS, clock);
        capture.open();
        capture.start();
        final DriverQueue q = capture.queue(0);
        final FrameBatch rx = new FrameBatch(2);
        assertEquals(2, q.receive(rx));
        final byte[] echo = bytes(rx, 1);
        q.release(rx, 0);
        rx.remove(0);
        final FrameBatch tx = new FrameBatch(6);
        assertEquals(6, q.acquire(tx, 4) + q.acquire(tx, 2));
        final List<byte[]> offered = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            offered.add(frame(50 + i, 64 + i));
            put(tx, i, offered.get(i));
        }
        final long txTime = clock.nanoTime();
        assertEquals(4, q.transmit(tx), "the inner driver accepts maxBurst = 4");
        q.releaseAll(tx);
        clock.advance(7);
        assertEquals(1, q.transmit(rx), "an echoed received frame");
        final FrameBatch last = new FrameBatch(4);
        assertEquals(1, q.receive(last));
        q.releaseAll(last);
        capture.close();

        final List<Rec> records = PcapDriverSupport.read(file);
        final List<byte[]> expected = List.of(frame(0, 70), frame(1, 71), offered.get(0), offered.get(1),
            offered.get(2), offered.get(3), echo, frame(2, 72));
        final List<Long> times = List.of(T0 + 100, T0 + 200, txTime, txTime, txTime, txTime, T0 + 207, T0 + 300);
        assertRecorded(expected, times, records);
    }

    @Test
    void shouldForwardStateCapabilitiesAndErrorsUntouched()
    {
        final VirtualClock clock = new VirtualClock();
        final PcapDriver inner = new PcapDriver(PcapDriverConfig.builder().name("pcap:inner").build(), clock);
        final Path file = dir.resolve("c.pcapng");
        final CaptureDriver capture = CaptureDriver.oneFile(inner, file, PcapFormat.PCAPNG, clock);
        assertEquals("pcap:inner", capture.name());
        assertSame(inner, capture.inner());
        final DriverException early = assertThrows(DriverException.class, capture::capabilities);
        assertEquals(DriverException.Reason.ILLEGAL_STATE, early.reason());
        capture.open();
        assertEquals(DriverState.OPEN, capture.state());
        assertSame(inner.capabilities(), capture.capabilities());
        final DriverException mismatch = assertThrows(DriverException.class, () -> capture.queue(3));
        assertEquals(DriverException.Reason.QUEUE_MISMATCH, mismatch.reason());
        assertTrue(mismatch.getMessage().contains("pcap:inner"), mismatch.getMessage());
        final DriverException notStarted = assertThrows(DriverException.class,
            () -> capture.queue(0).receive(new FrameBatch(1)));
        assertEquals(DriverException.Reason.ILLEGAL_STATE, notStarted.reason());
        capture.start();
        final FrameBatch batch = new FrameBatch(1);
        assertEquals(1, capture.queue(0).acquire(batch, 1));
        batch.length(0, 13);
        final DriverException badLength = assertThrows(DriverException.class, () -> capture.queue(0).transmit(batch));
        assertEquals(DriverException.Reason.BAD_ARGUMENT, badLength.reason());
        capture.queue(0).release(batch, 0);
        capture.close();
        capture.close();
        assertEquals(DriverState.CLOSED, inner.state());
        assertTrue(Files.exists(file));
        assertEquals(0, PcapDriverSupport.read(file).size());
    }

    @Test
    void shouldFailOpenWhenTheFileCannotBeCreatedAndCloseTheInnerDriver()
    {
        final VirtualClock clock = new VirtualClock();
        final PcapDriver inner = new PcapDriver(PcapDriverConfig.builder().build(), clock);
        final Path file = dir.resolve("missing/c.pcap");
        final CaptureDriver capture = CaptureDriver.oneFile(inner, file, PcapFormat.PCAP_NANOS, clock);
        final DriverException ex = assertThrows(DriverException.class, capture::open);
        assertEquals(DriverException.Reason.IO_ERROR, ex.reason());
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
        assertEquals(DriverState.CLOSED, inner.state());
        final DriverException same = assertThrows(DriverException.class,
            () -> CaptureDriver.twoFiles(inner, file, file, PcapFormat.PCAPNG, clock));
        assertEquals(DriverException.Reason.BAD_CONFIGURATION, same.reason());
    }
}
