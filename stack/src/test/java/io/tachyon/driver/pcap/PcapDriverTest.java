package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.FrameBatch;
import io.tachyon.pcap.LinkType;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.pcap.PcapFormatException;
import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.tachyon.driver.pcap.PcapDriverSupport.Out;
import static io.tachyon.driver.pcap.PcapDriverSupport.Rec;
import static io.tachyon.driver.pcap.PcapDriverSupport.T0;
import static io.tachyon.driver.pcap.PcapDriverSupport.bytes;
import static io.tachyon.driver.pcap.PcapDriverSupport.frame;
import static io.tachyon.driver.pcap.PcapDriverSupport.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PcapDriver: timing modes on a virtual clock, link-type conversion, truncated and corrupt captures, the pool and
 * its ownership checks, and the output capture.
 */
class PcapDriverTest
{
    @TempDir
    Path dir;

    private Path capture(final int linkType, final List<Out> records)
    {
        final Path file = dir.resolve("in-" + System.identityHashCode(records) + ".pcap");
        PcapDriverSupport.write(file, PcapFormat.PCAP_NANOS, linkType, records);
        return file;
    }

    private static PcapDriver started(final PcapDriverConfig config, final VirtualClock clock)
    {
        final PcapDriver driver = new PcapDriver(config, clock);
        driver.open();
        driver.start();
        return driver;
    }

    /** Receives one call's worth into a fresh batch, copies the frames out, releases them. */
    private static List<byte[]> receiveOnce(final DriverQueue q, final FrameBatch batch, final List<Long> timestamps)
    {
        batch.clear();
        final int n = q.receive(batch);
        final List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            out.add(bytes(batch, i));
            timestamps.add(batch.timestampNs(i));
        }
        q.releaseAll(batch);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ timing

    @Test
    void shouldDeliverAsFastAsPossibleAndAdvanceTheVirtualClockToCaptureTime()
    {
        final long[] offsets = {0, 10_000, 30_000, 30_000, 100_000, 50_000};
        final List<Out> records = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++)
        {
            records.add(new Out(frame(i, 60 + i), T0 + offsets[i]));
        }
        final VirtualClock clock = new VirtualClock(T0 - 1_000_000);
        final PcapDriver driver = started(PcapDriverConfig.builder().input(capture(LinkType.ETHERNET, records))
            .maxBurst(2).build(), clock);
        final DriverQueue q = driver.queue(0);
        final FrameBatch batch = new FrameBatch(8);
        final List<Long> ts = new ArrayList<>();

        List<byte[]> got = receiveOnce(q, batch, ts);
        assertEquals(2, got.size(), "a receive delivers up to maxBurst");
        assertArrayEquals(frame(0, 60), got.get(0));
        assertArrayEquals(frame(1, 61), got.get(1));
        assertEquals(T0 + 10_000, clock.nanoTime(), "the clock follows the last delivered frame");
        got = receiveOnce(q, batch, ts);
        assertEquals(2, got.size());
        assertEquals(T0 + 30_000, clock.nanoTime());
        got = receiveOnce(q, batch, ts);
        assertEquals(2, got.size());
        assertEquals(T0 + 100_000, clock.nanoTime(), "a frame stamped earlier does not move the clock back");
        assertArrayEquals(frame(5, 65), got.get(1));
        assertEquals(List.of(T0, T0 + 10_000, T0 + 30_000, T0 + 30_000, T0 + 100_000, T0 + 50_000), ts,
            "RX timestamps are the capture timestamps");
        assertTrue(driver.endOfCapture());
        assertEquals(0, q.receive(batch));
        assertEquals(6, driver.framesRead());
        assertEquals(6, driver.framesInjected());
        assertNull(driver.replayError());
        driver.close();
    }

    @Test
    void shouldDeliverAtTheOriginalPace()
    {
        final List<Out> records = List.of(new Out(frame(0, 60), T0 + 5), new Out(frame(1, 60), T0 + 10_005),
            new Out(frame(2, 60), T0 + 30_005), new Out(frame(3, 60), T0 + 30_005));
        final long start = 42_000_000L;
        final VirtualClock clock = new VirtualClock(start);
        final PcapDriver driver = started(PcapDriverConfig.builder().input(capture(LinkType.ETHERNET, records))
            .timing(PcapTiming.ORIGINAL_PACE).build(), clock);
        final DriverQueue q = driver.queue(0);
        final FrameBatch batch = new FrameBatch(8);
        final List<Long> ts = new ArrayList<>();

        assertEquals(1, receiveOnce(q, batch, ts).size(), "the first frame is due at start");
        assertEquals(start, clock.nanoTime(), "paced modes never move the clock");
        assertEquals(0, receiveOnce(q, batch, ts).size());
        clock.advance(9_999);
        assertEquals(0, receiveOnce(q, batch, ts).size(), "one nanosecond early");
        clock.advance(1);
        assertEquals(1, receiveOnce(q, batch, ts).size(), "due at start + 10 us");
        clock.advance(19_999);
        assertEquals(0, receiveOnce(q, batch, ts).size());
        assertFalse(driver.endOfCapture());
        clock.advance(1);
        assertEquals(2, receiveOnce(q, batch, ts).size(), "two frames due at start + 30 us");
        assertEquals(List.of(start, start + 10_000, start + 30_000, start + 30_000), ts,
            "RX timestamps are the due times");
        assertTrue(driver.endOfCapture());
        driver.close();
    }

    @Test
    void shouldDeliverAtAScaledPace()
    {
        final List<Out> records = List.of(new Out(frame(0, 60), T0), new Out(frame(1, 60), T0 + 10_000),
            new Out(frame(2, 60), T0 + 30_000));
        for (final double speed : new double[] {2.0, 0.5})
        {
            final long start = 1_000L;
            final VirtualClock clock = new VirtualClock(start);
            final PcapDriver driver = started(PcapDriverConfig.builder()
                .input(capture(LinkType.ETHERNET, records)).scaledPace(speed).build(), clock);
            final DriverQueue q = driver.queue(0);
            final FrameBatch batch = new FrameBatch(8);
            final List<Long> ts = new ArrayList<>();
            final long second = (long) (10_000 / speed);
            final long third = (long) (30_000 / speed);
            assertEquals(1, receiveOnce(q, batch, ts).size());
            clock.advanceTo(start + second - 1);
            assertEquals(0, receiveOnce(q, batch, ts).size(), "speed " + speed);
            clock.advance(1);
            assertEquals(1, receiveOnce(q, batch, ts).size(), "speed " + speed);
            clock.advanceTo(start + third - 1);
            assertEquals(0, receiveOnce(q, batch, ts).size(), "speed " + speed);
            clock.advance(1);
            assertEquals(1, receiveOnce(q, batch, ts).size(), "speed " + speed);
            assertEquals(List.of(start, start + second, start + third), ts);
            assertTrue(driver.endOfCapture());
            driver.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ filter

    @Test
    void shouldInjectOnlyTheFramesTheFilterChooses()
    {
        final byte[] a1 = PcapDriverSupport.udpFrame("10.0.0.1", 80, "10.0.0.2", 5000, 10);
        final byte[] b1 = PcapDriverSupport.udpFrame("10.0.0.2", 5000, "10.0.0.1", 80, 10);
        final byte[] a2 = PcapDriverSupport.udpFrame("10.0.0.1", 81, "10.0.0.2", 5000, 20);
        final byte[] arp = PcapDriverSupport.arpFrame(0x02_00_00_00_00_0cL, "10.0.0.1", "10.0.0.2");
        final List<Out> records = new ArrayList<>();
        for (final byte[] f : List.of(a1, b1, a2, arp, b1, a1))
        {
            records.add(new Out(f, T0 + records.size()));
        }
        final Path in = capture(LinkType.ETHERNET, records);
        assertFrames(List.of(a1, a2, arp, a1), replay(in, "10.0.0.1"));
        assertFrames(List.of(a1, a1), replay(in, "src 10.0.0.1:80"));
        assertFrames(List.of(b1, b1), replay(in, "10.0.0.2"));
        assertFrames(List.of(b1, b1), replay(in, "dst 10.0.0.1:80"));
        assertFrames(List.of(arp), replay(in, "02:00:00:00:00:0c"));
        assertFrames(List.of(a1, b1, a2, arp, b1, a1), replay(in, "all"));

        final PcapDriver driver = started(PcapDriverConfig.builder().input(in).filter("10.0.0.1:80").build(),
            new VirtualClock(T0));
        final FrameBatch batch = new FrameBatch(16);
        assertEquals(2, driver.queue(0).receive(batch));
        assertEquals(6, driver.framesRead());
        assertEquals(2, driver.framesInjected());
        assertEquals(4, driver.framesFilteredOut());
        assertEquals(T0, batch.timestampNs(0));
        assertEquals(T0 + 5, batch.timestampNs(1));
        assertEquals(0, driver.queue(0).receive(batch));
        assertTrue(driver.endOfCapture());
        driver.close();
    }

    private List<byte[]> replay(final Path in, final String filter)
    {
        final PcapDriver driver = started(PcapDriverConfig.builder().input(in).filter(filter).build(),
            new VirtualClock(T0));
        final List<byte[]> out = new ArrayList<>();
        final FrameBatch batch = new FrameBatch(4);
        while (!driver.endOfCapture())
        {
            out.addAll(receiveOnce(driver.queue(0), batch, new ArrayList<>()));
        }
        driver.close();
        return out;
    }

    private static void assertFrames(final List<byte[]> expected, final List<byte[]> actual)
    {
        assertEquals(expected.size(), actual.size(), "frame count");
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), "frame " + i);
        }
    }

    // ------------------------------------------------------------------------------------------------ link types

    @Test
    void shouldConvertRawIpCapturesToEthernet()
    {
        final byte[] v4 = PcapDriverSupport.ipv4(17, "10.0.0.1", 1, "10.0.0.2", 2, 5);
        final byte[] v6 = new byte[48];
        v6[0] = 0x60;
        final byte[] bad = {0x10, 1, 2, 3};
        final List<Out> records = List.of(new Out(v4, T0), new Out(v6, T0 + 1), new Out(bad, T0 + 2),
            new Out(new byte[0], T0 + 3));
        final PcapDriver driver = started(PcapDriverConfig.builder().input(capture(LinkType.RAW, records))
            .sourceMac("0a:0b:0c:0d:0e:0f").destinationMac("02:00:00:00:00:99").build(), new VirtualClock(T0));
        final List<byte[]> got = receiveOnce(driver.queue(0), new FrameBatch(8), new ArrayList<>());
        assertEquals(2, got.size(), "IP versions other than 4 and 6, and empty records, are dropped");
        assertArrayEquals(PcapDriverSupport.ethernet(0x02_00_00_00_00_99L, 0x0a_0b_0c_0d_0e_0fL, 0x0800, v4),
            got.get(0));
        assertArrayEquals(PcapDriverSupport.ethernet(0x02_00_00_00_00_99L, 0x0a_0b_0c_0d_0e_0fL, 0x86dd, v6),
            got.get(1));
        assertEquals(4, driver.framesRead());
        assertEquals(2, driver.framesConverted());
        assertEquals(2, driver.framesDropped());
        assertTrue(driver.endOfCapture());
        driver.close();

        final PcapDriver ipv4Only = started(PcapDriverConfig.builder()
            .input(capture(LinkType.IPV4, List.of(new Out(v4, T0)))).build(), new VirtualClock(T0));
        final List<byte[]> one = receiveOnce(ipv4Only.queue(0), new FrameBatch(8), new ArrayList<>());
        assertArrayEquals(PcapDriverSupport.ethernet(PcapDriverConfig.DEFAULT_DESTINATION_MAC,
            PcapDriverConfig.DEFAULT_SOURCE_MAC, 0x0800, v4), one.get(0));
        assertEquals(1, ipv4Only.framesConverted());
        ipv4Only.close();
    }

    @Test
    void shouldRewriteLinuxCookedCapturesToEthernet()
    {
        final byte[] ip = PcapDriverSupport.ipv4(6, "192.168.1.1", 443, "192.168.1.2", 5555, 3);
        final byte[] withMac = sll(0, 1, 6, 0x00_11_22_33_44_55L, 0x0800, ip);
        final byte[] noMac = sll(4, 772, 0, 0L, 0x0800, ip);
        final byte[] llc = sll(0, 1, 6, 0x00_11_22_33_44_55L, 0x0004, ip);
        final byte[] shortRecord = Arrays.copyOf(withMac, 15);
        final List<Out> records = List.of(new Out(withMac, T0), new Out(noMac, T0 + 1), new Out(llc, T0 + 2),
            new Out(shortRecord, T0 + 3));
        final PcapDriver driver = started(PcapDriverConfig.builder().input(capture(LinkType.LINUX_SLL, records))
            .build(), new VirtualClock(T0));
        final List<byte[]> got = receiveOnce(driver.queue(0), new FrameBatch(8), new ArrayList<>());
        assertEquals(2, got.size());
        assertArrayEquals(PcapDriverSupport.ethernet(PcapDriverConfig.DEFAULT_DESTINATION_MAC, 0x00_11_22_33_44_55L,
            0x0800, ip), got.get(0), "the SLL address becomes the source MAC");
        assertArrayEquals(PcapDriverSupport.ethernet(PcapDriverConfig.DEFAULT_DESTINATION_MAC,
            PcapDriverConfig.DEFAULT_SOURCE_MAC, 0x0800, ip), got.get(1));
        assertEquals(2, driver.framesConverted());
        assertEquals(2, driver.framesDropped(), "a non-ethertype protocol and a record shorter than 16 bytes");
        driver.close();
    }

    private static byte[] sll(
        final int packetType, final int arphrd, final int addressLength, final long mac, final int protocol,
        final byte[] payload)
    {
        final ByteBuffer b = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) packetType).putShort((short) arphrd).putShort((short) addressLength);
        b.putShort((short) (mac >>> 32)).putInt((int) mac).putShort((short) 0);
        b.putShort((short) protocol).put(payload);
        return b.array();
    }

    @Test
    void shouldRefuseToOpenACaptureOfAnotherLinkType()
    {
        for (final int linkType : new int[] {LinkType.NULL, LinkType.PPP, LinkType.IPV6, 147})
        {
            final Path in = capture(linkType, List.of(new Out(new byte[40], T0)));
            final PcapDriver driver = new PcapDriver(PcapDriverConfig.builder().input(in).build(),
                new VirtualClock());
            final DriverException ex = assertThrows(DriverException.class, driver::open);
            assertEquals(DriverException.Reason.BAD_CONFIGURATION, ex.reason());
            assertTrue(ex.getMessage().contains("link type " + linkType), ex.getMessage());
            assertTrue(ex.getMessage().contains(in.toString()), ex.getMessage());
            assertEquals(DriverState.CREATED, driver.state());
            driver.close();
            assertEquals(DriverState.CLOSED, driver.state());
        }
    }

    // ------------------------------------------------------------------------------------------------ records

    @Test
    void shouldDeliverTruncatedRecordsWithTheirCapturedLengthAndDropFramesThatDoNotFit()
    {
        final byte[] whole = frame(1, 100);
        final byte[] cut = Arrays.copyOf(frame(2, 1400), 64);
        final List<Out> records = List.of(new Out(whole, T0), new Out(cut, 1400, T0 + 1),
            new Out(frame(3, 1519), T0 + 2), new Out(new byte[13], T0 + 3), new Out(frame(4, 1518), T0 + 4));
        final PcapDriver driver = started(PcapDriverConfig.builder().input(capture(LinkType.ETHERNET, records))
            .build(), new VirtualClock(T0));
        final List<byte[]> got = receiveOnce(driver.queue(0), new FrameBatch(8), new ArrayList<>());
        assertEquals(3, got.size());
        assertArrayEquals(whole, got.get(0));
        assertArrayEquals(cut, got.get(1));
        assertArrayEquals(frame(4, 1518), got.get(2));
        assertEquals(1, driver.framesTruncated());
        assertEquals(2, driver.framesDropped(), "1519 bytes > maxFrameLength 1518, and 13 bytes < 14");
        assertEquals(5, driver.framesRead());
        driver.close();
    }

    @Test
    void shouldDeliverTheValidPrefixOfACorruptCaptureAndExposeTheError() throws IOException
    {
        final List<Out> records = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            records.add(new Out(frame(i, 80), T0 + i));
        }
        final Path in = capture(LinkType.ETHERNET, records);
        // classic pcap: 24-byte header, then 16 + 80 bytes per record; record 3 (0-based) starts at 24 + 3 * 96.
        final long fourth = 24 + 3 * 96;
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.WRITE))
        {
            ch.truncate(fourth + 16 + 40);
        }
        assertPrefixThenError(in, 3, fourth);

        final Path damaged = capture(LinkType.ETHERNET, records);
        final long third = 24 + 2 * 96;
        try (FileChannel ch = FileChannel.open(damaged, StandardOpenOption.WRITE))
        {
            final ByteBuffer huge = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0x7fff_0000);
            ch.write(huge.flip(), third + 8);
        }
        assertPrefixThenError(damaged, 2, third);
    }

    private static void assertPrefixThenError(final Path in, final int valid, final long offset)
    {
        final PcapDriver driver = started(PcapDriverConfig.builder().input(in).build(), new VirtualClock(T0));
        final FrameBatch batch = new FrameBatch(16);
        final DriverQueue q = driver.queue(0);
        assertEquals(valid, q.receive(batch));
        for (int i = 0; i < valid; i++)
        {
            assertArrayEquals(frame(i, 80), bytes(batch, i));
        }
        q.releaseAll(batch);
        assertEquals(0, q.receive(batch), "receive never throws for a corrupt record");
        assertTrue(driver.endOfCapture());
        final PcapFormatException error = assertInstanceOf(PcapFormatException.class, driver.replayError());
        assertEquals(offset, error.byteOffset());
        driver.close();
    }

    @Test
    void shouldFailToOpenUnreadableFilesNamingTheFileAndOffset() throws IOException
    {
        final Path missing = dir.resolve("missing.pcap");
        final PcapDriver absent = new PcapDriver(PcapDriverConfig.builder().input(missing).build(),
            new VirtualClock());
        DriverException ex = assertThrows(DriverException.class, absent::open);
        assertEquals(DriverException.Reason.IO_ERROR, ex.reason());
        assertTrue(ex.getMessage().contains(missing.toString()), ex.getMessage());
        absent.close();

        final Path garbage = dir.resolve("garbage.pcap");
        Files.write(garbage, "this is not a capture file at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        final PcapDriver bad = new PcapDriver(PcapDriverConfig.builder().input(garbage).build(), new VirtualClock());
        ex = assertThrows(DriverException.class, bad::open);
        assertEquals(DriverException.Reason.IO_ERROR, ex.reason());
        assertTrue(ex.getMessage().contains(garbage.toString()) && ex.getMessage().contains("byte offset 0"),
            ex.getMessage());
        bad.close();

        final Path firstBroken = capture(LinkType.ETHERNET, List.of(new Out(frame(0, 80), T0)));
        try (FileChannel ch = FileChannel.open(firstBroken, StandardOpenOption.WRITE))
        {
            ch.truncate(24 + 16 + 10);
        }
        final PcapDriver broken = new PcapDriver(PcapDriverConfig.builder().input(firstBroken).build(),
            new VirtualClock());
        ex = assertThrows(DriverException.class, broken::open);
        assertEquals(DriverException.Reason.IO_ERROR, ex.reason());
        assertTrue(ex.getMessage().contains("byte offset 24"), ex.getMessage());
        broken.close();
    }

    @Test
    void shouldEndAtOnceForAnEmptyCaptureOrNoInput()
    {
        final PcapDriver empty = started(PcapDriverConfig.builder().input(capture(LinkType.ETHERNET, List.of()))
            .build(), new VirtualClock());
        assertTrue(empty.endOfCapture());
        assertEquals(0, empty.queue(0).receive(new FrameBatch(4)));
        empty.close();
        final PcapDriver none = started(PcapDriverConfig.builder().build(), new VirtualClock());
        assertTrue(none.endOfCapture());
        assertEquals(0, none.queue(0).receive(new FrameBatch(4)));
        assertEquals("pcap:-", none.name());
        none.close();
    }

    // ------------------------------------------------------------------------------------------------ pool

    @Test
    void shouldLendFromABoundedPoolAndHoldAFrameBackUntilABufferIsFree()
    {
        final List<Out> records = List.of(new Out(frame(0, 60), T0), new Out(frame(1, 61), T0 + 1));
        final PcapDriver driver = started(PcapDriverConfig.builder().input(capture(LinkType.ETHERNET, records))
            .bufferCount(3).build(), new VirtualClock(T0));
        final DriverQueue q = driver.queue(0);
        final FrameBatch tx = new FrameBatch(8);
        assertEquals(3, q.acquire(tx, 8));
        assertEquals(0, q.acquire(tx, 5), "the pool is dry");
        final FrameBatch rx = new FrameBatch(8);
        assertEquals(0, q.receive(rx), "no buffer to copy into: the frame waits");
        assertFalse(driver.endOfCapture());
        q.release(tx, 0);
        assertEquals(1, q.receive(rx));
        assertArrayEquals(frame(0, 60), bytes(rx, 0));
        q.release(tx, 1);
        assertEquals(1, q.receive(rx));
        assertArrayEquals(frame(1, 61), bytes(rx, 1));
        assertTrue(driver.endOfCapture());
        assertEquals(2, rx.size(), "several received frames are held at once");
        q.releaseAll(rx);
        q.release(tx, 2);
        final FrameBatch all = new FrameBatch(8);
        assertEquals(3, q.acquire(all, 8), "every buffer came back");
        driver.close();
    }

    @Test
    void shouldRejectFramesNotLentOutNamingTheHandle()
    {
        final PcapDriver driver = started(PcapDriverConfig.builder().build(), new VirtualClock());
        final DriverQueue q = driver.queue(0);
        final FrameBatch batch = new FrameBatch(4);
        assertEquals(2, q.acquire(batch, 2));
        final long h0 = batch.handle(0);
        final long h1 = batch.handle(1);
        q.release(batch, 0);
        DriverException ex = assertThrows(DriverException.class, () -> q.release(batch, 0));
        assertEquals(DriverException.Reason.BAD_ARGUMENT, ex.reason());
        assertTrue(ex.getMessage().contains("handle " + h0), ex.getMessage());

        put(batch, 1, frame(1, 60));
        final FrameBatch twice = new FrameBatch(4);
        twice.add(batch.segment(1), batch.offset(1), 60, batch.capacity(1), h1, 0, FrameBatch.NO_TIMESTAMP, 0);
        twice.add(batch.segment(1), batch.offset(1), 60, batch.capacity(1), h1, 0, FrameBatch.NO_TIMESTAMP, 0);
        ex = assertThrows(DriverException.class, () -> q.transmit(twice));
        assertEquals(DriverException.Reason.BAD_ARGUMENT, ex.reason());
        assertTrue(ex.getMessage().contains("twice") && ex.getMessage().contains("handle " + h1), ex.getMessage());
        assertEquals(2, twice.size(), "nothing was sent");

        final FrameBatch tooLong = new FrameBatch(1);
        tooLong.add(batch.segment(1), batch.offset(1), 1519, 1519, h1, 0, FrameBatch.NO_TIMESTAMP, 0);
        ex = assertThrows(DriverException.class, () -> q.transmit(tooLong));
        assertEquals(DriverException.Reason.BAD_ARGUMENT, ex.reason());
        assertTrue(ex.getMessage().contains("length 1519") && ex.getMessage().contains("handle " + h1),
            ex.getMessage());

        final FrameBatch foreign = new FrameBatch(1);
        foreign.add(java.lang.foreign.MemorySegment.ofArray(new byte[2048]), 0, 60, 2048, h1, 0,
            FrameBatch.NO_TIMESTAMP, 0);
        ex = assertThrows(DriverException.class, () -> q.release(foreign, 0));
        assertTrue(ex.getMessage().contains("not a buffer of this driver"), ex.getMessage());

        batch.removeFirst(1);
        assertEquals(1, q.transmit(batch), "the failed validations left the frame lent and sendable");
        assertEquals(1, driver.framesTransmitted());
        driver.close();
    }

    // ------------------------------------------------------------------------------------------------ output

    @Test
    void shouldRecordEveryTransmittedFrameToTheOutputCapture()
    {
        for (final PcapFormat format : PcapFormat.values())
        {
            final Path out = dir.resolve("out-" + format);
            final Path in = capture(LinkType.ETHERNET, List.of(new Out(frame(100, 90), T0)));
            final VirtualClock clock = new VirtualClock(T0 + 1_000_000);
            final PcapDriver driver = started(PcapDriverConfig.builder().input(in).output(out, format).maxBurst(4)
                .build(), clock);
            final DriverQueue q = driver.queue(0);
            final List<byte[]> sent = new ArrayList<>();
            final List<Long> times = new ArrayList<>();
            final FrameBatch batch = new FrameBatch(6);
            assertEquals(6, q.acquire(batch, 6) + q.acquire(batch, 2));
            for (int i = 0; i < 6; i++)
            {
                final byte[] f = frame(i, 60 + 100 * i);
                put(batch, i, f);
                sent.add(f);
            }
            assertEquals(4, q.transmit(batch), "at most maxBurst per call");
            times.addAll(List.of(clock.nanoTime(), clock.nanoTime(), clock.nanoTime(), clock.nanoTime()));
            clock.advance(2_000);
            assertEquals(2, q.transmit(batch));
            times.addAll(List.of(clock.nanoTime(), clock.nanoTime()));
            clock.advance(3_000);
            final FrameBatch rx = new FrameBatch(1);
            assertEquals(1, q.receive(rx));
            final byte[] echo = bytes(rx, 0);
            echo[0] = 9;
            put(rx, 0, echo);
            assertEquals(1, q.transmit(rx), "a received frame is transmitted in place");
            sent.add(echo);
            times.add(clock.nanoTime());
            driver.close();

            final List<Rec> recorded = PcapDriverSupport.read(out);
            assertEquals(sent.size(), recorded.size(), format.toString());
            for (int i = 0; i < sent.size(); i++)
            {
                assertArrayEquals(sent.get(i), recorded.get(i).data(), format + " frame " + i);
                final long expected = format == PcapFormat.PCAP_MICROS ? times.get(i) / 1000 * 1000 : times.get(i);
                assertEquals(expected, recorded.get(i).timestampNs(), format + " frame " + i);
                assertEquals(LinkType.ETHERNET, recorded.get(i).linkType());
            }
            assertEquals(7, driver.framesTransmitted());
            assertEquals(7, driver.framesRecorded());
            assertNull(driver.outputError());
        }
    }

    @Test
    void shouldRefuseAnOutputThatCannotBeCreated()
    {
        final Path out = dir.resolve("no-such-dir/out.pcap");
        final PcapDriver driver = new PcapDriver(PcapDriverConfig.builder().output(out, PcapFormat.PCAP_NANOS)
            .build(), new VirtualClock());
        final DriverException ex = assertThrows(DriverException.class, driver::open);
        assertEquals(DriverException.Reason.IO_ERROR, ex.reason());
        assertTrue(ex.getMessage().contains(out.toString()), ex.getMessage());
        assertEquals(DriverState.CREATED, driver.state());
        driver.close();
    }

    @Test
    void shouldGiveAPollerIllegalStateWhenClosedFromAnotherThread() throws Exception
    {
        final List<Out> records = new ArrayList<>();
        for (int i = 0; i < 50_000; i++)
        {
            records.add(new Out(frame(i, 200), T0 + i));
        }
        final Path in = capture(LinkType.ETHERNET, records);
        int interrupted = 0;
        for (int round = 0; round < 5; round++)
        {
            final PcapDriver driver = started(PcapDriverConfig.builder().input(in)
                .output(dir.resolve("close-" + round + ".pcap"), PcapFormat.PCAP_NANOS).build(), new VirtualClock(T0));
            final DriverQueue q = driver.queue(0);
            final java.util.concurrent.CountDownLatch polling = new java.util.concurrent.CountDownLatch(1);
            final java.util.concurrent.atomic.AtomicReference<Throwable> seen =
                new java.util.concurrent.atomic.AtomicReference<>();
            final Thread poller = new Thread(() ->
            {
                final FrameBatch batch = new FrameBatch(32);
                try
                {
                    while (true)
                    {
                        q.receive(batch);
                        while (!batch.isEmpty())
                        {
                            q.transmit(batch);
                        }
                        polling.countDown();
                        if (driver.endOfCapture())
                        {
                            return;
                        }
                    }
                }
                catch (final Throwable t)
                {
                    seen.set(t);
                }
            });
            poller.start();
            polling.await();
            driver.close();
            poller.join(10_000);
            assertFalse(poller.isAlive());
            final Throwable t = seen.get();
            if (t != null)
            {
                final DriverException ex = assertInstanceOf(DriverException.class, t, String.valueOf(t));
                assertEquals(DriverException.Reason.ILLEGAL_STATE, ex.reason(), ex.getMessage());
                interrupted++;
            }
        }
        assertTrue(interrupted > 0, "close() came after the replay ended in every round; nothing was tested");
    }

    // ------------------------------------------------------------------------------------------------ config

    @Test
    void shouldRejectBadConfigurationNamingTheValue()
    {
        assertBadConfig(() -> PcapDriverConfig.builder().scaledPace(0.0), "0.0");
        assertBadConfig(() -> PcapDriverConfig.builder().scaledPace(Double.NaN), "NaN");
        assertBadConfig(() -> PcapDriverConfig.builder().scaledPace(Double.POSITIVE_INFINITY), "Infinity");
        assertBadConfig(() -> PcapDriverConfig.builder().timing(PcapTiming.SCALED_PACE), "scaledPace");
        assertBadConfig(() -> PcapDriverConfig.builder().filter("10.0.0.300"), "10.0.0.300");
        assertBadConfig(() -> PcapDriverConfig.builder().sourceMac("02:00:00:00:00"), "02:00:00:00:00");
        assertBadConfig(() -> PcapDriverConfig.builder().mtu(67).build(), "mtu=67");
        assertBadConfig(() -> PcapDriverConfig.builder().maxFrameLength(1513).build(), "maxFrameLength=1513");
        assertBadConfig(() -> PcapDriverConfig.builder().maxBurst(0).build(), "maxBurst=0");
        assertBadConfig(() -> PcapDriverConfig.builder().bufferCount(0).build(), "bufferCount=0");
        final Path same = dir.resolve("same.pcap");
        assertBadConfig(() -> PcapDriverConfig.builder().input(same).output(same, PcapFormat.PCAPNG).build(),
            same.toString());
    }

    private static void assertBadConfig(final org.junit.jupiter.api.function.Executable call, final String named)
    {
        final DriverException ex = assertThrows(DriverException.class, call);
        assertEquals(DriverException.Reason.BAD_CONFIGURATION, ex.reason());
        assertTrue(ex.getMessage().contains(named), ex.getMessage());
    }
}
