package io.tachyon.pcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapngReaderTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L;

    static byte[] bytes(final int length, final int seed)
    {
        final byte[] data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte) (seed * 31 + i * 7);
        }
        return data;
    }

    /** Two sections in different byte orders, with every block kind the reader understands or skips. */
    static byte[] richFile()
    {
        return new PcapngBuilder(ByteOrder.LITTLE_ENDIAN)
            .section(ByteOrder.LITTLE_ENDIAN)
            .iface(LinkType.ETHERNET, 0, -1, 0)
            .enhanced(0, T0 * 1_000_000L + 123_456L, bytes(60, 1), 60)
            .other(4, new byte[] {1, 0, 4, 0, 10, 0, 0, 1, 'h', 'o', 's', 't', 0, 0, 0, 0, 0, 0, 0, 0})
            .other(5, new byte[16])
            .other(0xbad, bytes(37, 9))
            .section(ByteOrder.BIG_ENDIAN)
            .iface(LinkType.RAW, 1500, 0x80 | 20, 0)
            .iface(LinkType.LINUX_SLL, 64, 3, 10)
            .iface(LinkType.IPV4, 0, 9, 0)
            .enhanced(0, (T0 << 20) | (1 << 19), bytes(41, 2), 41)
            .simple(bytes(100, 3), 100)
            .obsoletePacket(1, T0 * 1000 + 7, bytes(64, 4), 1000)
            .enhanced(1, T0 * 1000 + 8, bytes(10, 5), 10)
            .simple(bytes(20, 6), 30)
            .enhanced(2, T0 * SECOND + 5, bytes(0, 7), 0)
            .other(0x40000bad, new byte[8])
            .bytes();
    }

    @Test
    void shouldReadSectionsInterfacesAndEveryPacketBlockKind()
    {
        final Captures.Result result = Captures.readAll(richFile());

        assertNull(result.error(), () -> "" + result.error());
        assertEquals(PcapFormat.PCAPNG, result.format());
        final List<Captures.Rec> recs = result.records();
        assertEquals(7, recs.size());

        assertArrayEquals(bytes(60, 1), recs.get(0).data());
        assertEquals(LinkType.ETHERNET, recs.get(0).linkType());
        assertEquals(T0 * SECOND + 123_456_000L, recs.get(0).timestampNs());
        assertEquals(28 + 24, recs.get(0).byteOffset());

        assertEquals(LinkType.RAW, recs.get(1).linkType());
        assertEquals(0, recs.get(1).interfaceId());
        assertEquals(T0 * SECOND + 500_000_000L, recs.get(1).timestampNs());
        assertArrayEquals(bytes(41, 2), recs.get(1).data());

        assertEquals(PcapReader.NO_TIMESTAMP, recs.get(2).timestampNs());
        assertEquals(LinkType.RAW, recs.get(2).linkType());
        assertEquals(100, recs.get(2).originalLength());
        assertArrayEquals(bytes(100, 3), recs.get(2).data());

        assertEquals(LinkType.LINUX_SLL, recs.get(3).linkType());
        assertEquals(1, recs.get(3).interfaceId());
        assertEquals((T0 + 10) * SECOND + 7_000_000L, recs.get(3).timestampNs());
        assertEquals(1000, recs.get(3).originalLength());
        assertArrayEquals(bytes(64, 4), recs.get(3).data());

        assertEquals((T0 + 10) * SECOND + 8_000_000L, recs.get(4).timestampNs());

        assertEquals(30, recs.get(5).originalLength());
        assertArrayEquals(bytes(20, 6), recs.get(5).data());

        assertEquals(LinkType.IPV4, recs.get(6).linkType());
        assertEquals(2, recs.get(6).interfaceId());
        assertEquals(T0 * SECOND + 5, recs.get(6).timestampNs());
        assertEquals(0, recs.get(6).data().length);
        for (int i = 0; i < recs.size(); i++)
        {
            assertEquals(i + 1, recs.get(i).number());
        }
    }

    @Test
    void shouldLimitSimplePacketToTheSnapLength()
    {
        final byte[] file = new PcapngBuilder(ByteOrder.BIG_ENDIAN)
            .section(ByteOrder.BIG_ENDIAN)
            .iface(LinkType.ETHERNET, 64, -1, 0)
            .simple(bytes(100, 1), 100)
            .simple(bytes(64, 2), 1500)
            .bytes();

        final Captures.Result result = Captures.readAll(file);

        assertNull(result.error());
        assertEquals(2, result.records().size());
        assertArrayEquals(bytes(64, 1), result.records().get(0).data());
        assertEquals(100, result.records().get(0).originalLength());
        assertArrayEquals(bytes(64, 2), result.records().get(1).data());
        assertEquals(1500, result.records().get(1).originalLength());
    }

    @Test
    void shouldConvertDecimalAndBinaryTimestampResolutions()
    {
        final PcapngBuilder builder = new PcapngBuilder(ByteOrder.LITTLE_ENDIAN).section(ByteOrder.LITTLE_ENDIAN);
        final int[] resolutions = {0, 3, 6, 9, 12, 0x80, 0x80 | 10, 0x80 | 32, 0x80 | 63};
        for (final int resolution : resolutions)
        {
            builder.iface(LinkType.ETHERNET, 0, resolution, 0);
        }
        builder.enhanced(0, T0, bytes(1, 0), 1);
        builder.enhanced(1, T0 * 1000 + 1, bytes(1, 0), 1);
        builder.enhanced(2, T0 * 1_000_000 + 1, bytes(1, 0), 1);
        builder.enhanced(3, T0 * SECOND + 1, bytes(1, 0), 1);
        builder.enhanced(4, 5_000_000_000_000L + 1999, bytes(1, 0), 1);
        builder.enhanced(5, T0, bytes(1, 0), 1);
        builder.enhanced(6, (T0 << 10) | 512, bytes(1, 0), 1);
        builder.enhanced(7, 3L << 31, bytes(1, 0), 1);
        builder.enhanced(8, 1L << 62, bytes(1, 0), 1);

        final Captures.Result result = Captures.readAll(builder.bytes());

        assertNull(result.error());
        final long[] expected = {
            T0 * SECOND,
            T0 * SECOND + 1_000_000,
            T0 * SECOND + 1_000,
            T0 * SECOND + 1,
            5 * SECOND + 1,
            T0 * SECOND,
            T0 * SECOND + 500_000_000,
            1_500_000_000L,
            500_000_000L,
        };
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], result.records().get(i).timestampNs(), "interface " + i);
        }
    }

    @Test
    void shouldSkipBlocksLargerThanTheBufferFromFilesAndStreams(@TempDir final Path dir) throws IOException
    {
        final byte[] file = new PcapngBuilder(ByteOrder.LITTLE_ENDIAN)
            .section(ByteOrder.LITTLE_ENDIAN)
            .iface(LinkType.ETHERNET, 0, 9, 0)
            .enhanced(0, 1, bytes(100, 1), 100)
            .other(0xbad, bytes(300_000, 2))
            .enhanced(0, 2, bytes(200, 3), 200)
            .bytes();
        final Path path = dir.resolve("big-skip.pcapng");
        Files.write(path, file);

        try (PcapReader reader = PcapReader.open(path, 1024))
        {
            assertTrue(reader.next());
            assertTrue(reader.next());
            assertEquals(200, reader.capturedLength());
            assertEquals(2, reader.timestampNs());
            assertEquals(file.length - 32 - 200, reader.recordByteOffset());
            assertFalse(reader.next());
        }
        final Captures.Result streamed = Captures.readAll(file, 1024);
        assertNull(streamed.error());
        assertEquals(2, streamed.records().size());

        final byte[] cut = java.util.Arrays.copyOf(file, file.length - 300);
        Files.write(path, cut);
        try (PcapReader reader = PcapReader.open(path, 1024))
        {
            assertTrue(reader.next());
            final PcapFormatException ex = assertThrows(PcapFormatException.class, reader::next);
            assertEquals(28 + 32 + 32 + 100, ex.byteOffset());
            assertTrue(ex.getMessage().startsWith("truncated block at byte 192"), ex.getMessage());
        }
        final Captures.Result streamedCut = Captures.readAll(cut, 1024);
        assertNotNull(streamedCut.error());
        assertEquals(192, streamedCut.error().byteOffset());
    }

    @Test
    void shouldRejectPacketBeforeAnyInterface()
    {
        final byte[] file = new PcapngBuilder(ByteOrder.BIG_ENDIAN)
            .section(ByteOrder.BIG_ENDIAN)
            .enhanced(0, 1, bytes(10, 1), 10)
            .bytes();

        final Captures.Result result = Captures.readAll(file);

        assertEquals(28, result.error().byteOffset());
        assertTrue(result.error().getMessage().contains("interface 0 is not described"), result.error().getMessage());
    }

    @Test
    void shouldForgetInterfacesAtANewSection()
    {
        final byte[] file = new PcapngBuilder(ByteOrder.BIG_ENDIAN)
            .section(ByteOrder.BIG_ENDIAN)
            .iface(LinkType.ETHERNET, 0, -1, 0)
            .section(ByteOrder.LITTLE_ENDIAN)
            .enhanced(0, 1, bytes(10, 1), 10)
            .bytes();

        final Captures.Result result = Captures.readAll(file);

        assertEquals(0, result.records().size());
        assertEquals(28 + 24 + 28, result.error().byteOffset());
    }

    @Test
    void shouldRefuseAccessorsWithoutACurrentRecord() throws IOException
    {
        final byte[] file = Captures.write(PcapFormat.PCAP_NANOS, LinkType.ETHERNET, 100, ByteOrder.BIG_ENDIAN,
            List.of(new Captures.Packet(bytes(10, 1), 10, 5)));
        final PcapReader reader = new PcapReader(
            java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(file)), 4096);
        assertThrows(IllegalStateException.class, reader::capturedLength);
        assertTrue(reader.next());
        assertEquals(5, reader.timestampNs());
        assertEquals(100, reader.snapLength());
        assertFalse(reader.next());
        assertThrows(IllegalStateException.class, reader::segment);
        reader.close();
        assertThrows(IllegalStateException.class, reader::next);
        assertThrows(IllegalArgumentException.class, () -> PcapReader.open(Path.of("x"), 0));
    }
}
