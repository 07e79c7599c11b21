package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.testing.SharedData;
import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays real captures from the shared corpus (/work/shared/pcaps): the frames injected for a source filter are
 * exactly those an independent parser of the file selects, and SLL and raw-IP captures become Ethernet.
 * Skipped where the corpus is absent, failing under CI=true.
 */
class PcapDriverCorpusTest
{
    /** A classic pcap record as parsed by this test, independently of PcapReader. */
    private record Raw(byte[] data, int linkType)
    {
    }

    /** Parses a classic pcap file (either byte order, micro or nano) with a ByteBuffer. */
    private static List<Raw> parseClassic(final Path file) throws IOException
    {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        final int magic = b.getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)
        {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        final int linkType = b.getInt(20) & 0xffff;
        final List<Raw> out = new ArrayList<>();
        int at = 24;
        while (at + 16 <= b.limit())
        {
            final int captured = b.getInt(at + 8);
            final byte[] data = new byte[captured];
            b.get(at + 16, data);
            out.add(new Raw(data, linkType));
            at += 16 + captured;
        }
        return out;
    }

    /** The IPv4 source (or ARP sender) address of an Ethernet frame, or 0. */
    private static int source(final byte[] f)
    {
        final ByteBuffer b = ByteBuffer.wrap(f);
        if (f.length < 14)
        {
            return 0;
        }
        int type = b.getShort(12) & 0xffff;
        int l3 = 14;
        while ((type == 0x8100 || type == 0x88a8) && l3 + 4 <= f.length && l3 < 22)
        {
            type = b.getShort(l3 + 2) & 0xffff;
            l3 += 4;
        }
        if (type == 0x0800 && l3 + 20 <= f.length && (f[l3] & 0xf0) == 0x40 && (f[l3] & 0x0f) * 4 <= f.length - l3
            && (f[l3] & 0x0f) >= 5)
        {
            return b.getInt(l3 + 12);
        }
        if (type == 0x0806 && l3 + 28 <= f.length && b.getShort(l3 + 2) == 0x0800 && f[l3 + 4] == 6
            && f[l3 + 5] == 4)
        {
            return b.getInt(l3 + 14);
        }
        return 0;
    }

    private static List<byte[]> replayAll(final PcapDriverConfig config)
    {
        final PcapDriver driver = new PcapDriver(config, new VirtualClock(0));
        driver.open();
        driver.start();
        final DriverQueue q = driver.queue(0);
        final FrameBatch batch = new FrameBatch(16);
        final List<byte[]> out = new ArrayList<>();
        while (!driver.endOfCapture())
        {
            final int n = q.receive(batch);
            for (int i = 0; i < n; i++)
            {
                out.add(PcapDriverSupport.bytes(batch, i));
            }
            q.releaseAll(batch);
        }
        assertNull(driver.replayError());
        driver.close();
        return out;
    }

    @Test
    void shouldInjectExactlyTheFramesOfOneSourceFromARealCapture() throws IOException
    {
        final Path file = SharedData.require("tcpreplay-test/test.pcap");
        final List<Raw> records = parseClassic(file);
        assertEquals(179, records.size(), "INDEX.tsv lists 179 packets");
        final Map<Integer, Integer> bySource = new HashMap<>();
        int maxLength = 0;
        for (final Raw r : records)
        {
            maxLength = Math.max(maxLength, r.data().length);
            final int src = source(r.data());
            if (src != 0)
            {
                bySource.merge(src, 1, Integer::sum);
            }
        }
        final int busiest = bySource.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        final String spec = (busiest >>> 24) + "." + ((busiest >>> 16) & 0xff) + "." + ((busiest >>> 8) & 0xff) + "." +
            (busiest & 0xff);
        final List<byte[]> expected = new ArrayList<>();
        for (final Raw r : records)
        {
            if (r.data().length >= 14 && source(r.data()) == busiest)
            {
                expected.add(r.data());
            }
        }
        assertTrue(expected.size() > 10 && expected.size() < records.size(), spec + ": " + expected.size());

        final int frameRoom = Math.max(1518, maxLength);
        final List<byte[]> injected = replayAll(PcapDriverConfig.builder().input(file).filter(spec)
            .mtu(frameRoom - 18).maxFrameLength(frameRoom).bufferCount(8).build());
        assertEquals(expected.size(), injected.size(), "frames from " + spec);
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), injected.get(i), "frame " + i + " from " + spec);
        }
    }

    @Test
    void shouldConvertRealLinuxCookedAndRawIpCaptures() throws IOException
    {
        final Path sll = SharedData.require("tcpdump-tests/tcp-handshake-nano.pcap");
        final List<Raw> sllRecords = parseClassic(sll);
        final List<byte[]> sllFrames = replayAll(PcapDriverConfig.builder().input(sll).build());
        assertEquals(3, sllFrames.size());
        for (int i = 0; i < 3; i++)
        {
            final byte[] rec = sllRecords.get(i).data();
            final byte[] f = sllFrames.get(i);
            assertEquals(113, sllRecords.get(i).linkType());
            assertEquals(rec.length - 2, f.length);
            assertEquals(0x08, f[12]);
            assertEquals(0x00, f[13]);
            assertArrayEquals(java.util.Arrays.copyOfRange(rec, 16, rec.length),
                java.util.Arrays.copyOfRange(f, 14, f.length));
        }

        final Path raw = SharedData.require("suricata-verify/tcp-empty-sack/tcp-opt.pcap");
        final List<Raw> rawRecords = parseClassic(raw);
        final List<byte[]> rawFrames = replayAll(PcapDriverConfig.builder().input(raw).build());
        assertEquals(42, rawFrames.size());
        for (int i = 0; i < rawFrames.size(); i++)
        {
            final byte[] rec = rawRecords.get(i).data();
            assertEquals(101, rawRecords.get(i).linkType());
            assertArrayEquals(rec, java.util.Arrays.copyOfRange(rawFrames.get(i), 14, rawFrames.get(i).length));
        }
    }
}
