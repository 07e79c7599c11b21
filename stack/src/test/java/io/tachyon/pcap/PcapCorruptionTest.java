package io.tachyon.pcap;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Truncated and corrupted files: the valid prefix is read, then a {@link PcapFormatException} names the damaged
 * record's offset; nothing hangs or allocates without bound.
 */
class PcapCorruptionTest
{
    /** One structural piece of a file: the file header / a record / a block. */
    private record Piece(int start, int end, boolean packet, ByteOrder order, int type)
    {
    }

    private static List<Captures.Packet> packets()
    {
        final List<Captures.Packet> packets = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            packets.add(new Captures.Packet(PcapngReaderTest.bytes(13 + i * 7, i), 13 + i * 7 + (i == 2 ? 100 : 0),
                1_700_000_000_123_456_789L + i * 1_000_000L));
        }
        return packets;
    }

    private static List<byte[]> smallFiles()
    {
        return List.of(
            Captures.write(PcapFormat.PCAP_MICROS, LinkType.ETHERNET, 65_535, ByteOrder.LITTLE_ENDIAN, packets()),
            Captures.write(PcapFormat.PCAP_NANOS, LinkType.LINUX_SLL, 65_535, ByteOrder.BIG_ENDIAN, packets()),
            Captures.write(PcapFormat.PCAPNG, LinkType.RAW, 65_535, ByteOrder.LITTLE_ENDIAN, packets()),
            Captures.write(PcapFormat.PCAPNG, LinkType.IPV4, 65_535, ByteOrder.BIG_ENDIAN, packets()),
            PcapngReaderTest.richFile());
    }

    /** Splits a well-formed file into its pieces, independently of the reader. */
    private static List<Piece> pieces(final byte[] file)
    {
        final List<Piece> pieces = new ArrayList<>();
        final ByteBuffer buf = ByteBuffer.wrap(file);
        final int magic = buf.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (magic == 0x0a0d0d0a)
        {
            ByteOrder order = ByteOrder.BIG_ENDIAN;
            int at = 0;
            while (at < file.length)
            {
                final int type = buf.order(ByteOrder.BIG_ENDIAN).getInt(at);
                if (type == 0x0a0d0d0a)
                {
                    order = buf.getInt(at + 8) == 0x1a2b3c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                }
                final int blockType = buf.order(order).getInt(at);
                final int length = buf.order(order).getInt(at + 4);
                pieces.add(new Piece(at, at + length, blockType == 2 || blockType == 3 || blockType == 6, order,
                    blockType));
                at += length;
            }
        }
        else
        {
            final ByteOrder order = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ?
                ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            pieces.add(new Piece(0, 24, false, order, -1));
            int at = 24;
            while (at < file.length)
            {
                final int length = 16 + buf.order(order).getInt(at + 8);
                pieces.add(new Piece(at, at + length, true, order, 0));
                at += length;
            }
        }
        return pieces;
    }

    private static int packetsBefore(final List<Piece> pieces, final int end)
    {
        int count = 0;
        for (final Piece piece : pieces)
        {
            if (piece.packet() && piece.end() <= end)
            {
                count++;
            }
        }
        return count;
    }

    private static void assertPrefix(final Captures.Result full, final Captures.Result partial, final int count)
    {
        assertEquals(count, partial.records().size());
        assertStartsWith(full, partial, count);
    }

    private static void assertStartsWith(final Captures.Result full, final Captures.Result partial, final int count)
    {
        assertTrue(partial.records().size() >= count, partial.records().size() + " < " + count);
        for (int i = 0; i < count; i++)
        {
            assertArrayEquals(full.records().get(i).data(), partial.records().get(i).data());
            assertEquals(full.records().get(i).timestampNs(), partial.records().get(i).timestampNs());
            assertEquals(full.records().get(i).byteOffset(), partial.records().get(i).byteOffset());
        }
    }

    @Test
    void shouldReadTheCompletePrefixOfAFileCutAtEveryLength()
    {
        for (final byte[] file : smallFiles())
        {
            final Captures.Result full = Captures.readAll(file);
            assertNull(full.error());
            final List<Piece> pieces = pieces(file);
            assertEquals(file.length, pieces.getLast().end());
            assertEquals(full.records().size(), packetsBefore(pieces, file.length));
            for (int cut = 0; cut < file.length; cut++)
            {
                final Captures.Result result = Captures.readAll(Arrays.copyOf(file, cut));
                final String where = "cut at " + cut + " of " + file.length;
                assertPrefix(full, result, packetsBefore(pieces, cut));
                final int length = cut;
                final boolean boundary = pieces.stream().anyMatch(p -> p.end() == length);
                if (boundary)
                {
                    assertNull(result.error(), () -> where + ": " + result.error());
                }
                else
                {
                    assertNotNull(result.error(), where);
                    final int damaged = pieces.stream().filter(p -> p.start() < length && length < p.end())
                        .findFirst().map(Piece::start).orElse(0);
                    assertEquals(damaged, result.error().byteOffset(), () -> where + ": " + result.error());
                    assertTrue(result.error().getMessage().contains("byte " + damaged) || cut == 0,
                        result.error().getMessage());
                }
            }
        }
    }

    @Test
    void shouldGiveClearErrorsForDamagedLengthFields()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final int[] masks = {0x01, 0x02, 0x04, 0x10, 0x80, 0x7f, 0xff};
            for (final byte[] file : smallFiles())
            {
                final Captures.Result full = Captures.readAll(file);
                final List<Piece> pieces = pieces(file);
                for (final Piece piece : pieces)
                {
                    final List<Integer> fields = new ArrayList<>();
                    if (piece.start() == 0 && piece.type() == -1)
                    {
                        continue;
                    }
                    if (piece.type() == 0)
                    {
                        fields.addAll(List.of(8, 12));
                    }
                    else
                    {
                        fields.addAll(List.of(4, piece.end() - piece.start() - 4));
                        if (piece.type() == 6 || piece.type() == 2)
                        {
                            fields.addAll(List.of(20, 24));
                        }
                        if (piece.type() == 3)
                        {
                            fields.add(8);
                        }
                    }
                    for (final int field : fields)
                    {
                        for (int b = 0; b < 4; b++)
                        {
                            for (final int mask : masks)
                            {
                                final byte[] damaged = file.clone();
                                damaged[piece.start() + field + b] ^= (byte) mask;
                                final Captures.Result result = Captures.readAll(damaged, 4096);
                                assertStartsWith(full, result, packetsBefore(pieces, piece.start()));
                                if (result.error() != null)
                                {
                                    final long offset = result.error().byteOffset();
                                    assertTrue(offset >= piece.start() && offset < file.length,
                                        () -> piece + ": " + result.error());
                                    assertTrue(result.error().getMessage().contains("at byte " + offset),
                                        result.error().getMessage());
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Test
    void shouldSurviveRandomDamage()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final SplittableRandom random = new SplittableRandom(20261122);
            final List<byte[]> files = smallFiles();
            int errors = 0;
            for (int i = 0; i < 5000; i++)
            {
                final byte[] file = files.get(i % files.size());
                final byte[] damaged = random.nextInt(4) == 0 ?
                    Arrays.copyOf(file, random.nextInt(file.length)) : file.clone();
                final int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips && damaged.length > 0; f++)
                {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
                final Captures.Result result = Captures.readAll(damaged, 4096);
                if (result.error() != null)
                {
                    errors++;
                    assertTrue(result.error().byteOffset() >= 0 && result.error().byteOffset() <= damaged.length);
                }
                assertTrue(result.records().size() <= damaged.length / 12);
            }
            assertTrue(errors > 1000, "errors " + errors);
        });
    }

    private static byte[] classic()
    {
        return Captures.write(PcapFormat.PCAP_MICROS, LinkType.ETHERNET, 100, ByteOrder.LITTLE_ENDIAN, packets());
    }

    private static byte[] pcapng()
    {
        return Captures.write(PcapFormat.PCAPNG, LinkType.ETHERNET, 100, ByteOrder.BIG_ENDIAN, packets());
    }

    private static PcapFormatException errorOf(final byte[] file)
    {
        final Captures.Result result = Captures.readAll(file);
        assertNotNull(result.error(), "expected an error");
        return result.error();
    }

    private static void setInt(final byte[] file, final int at, final ByteOrder order, final int value)
    {
        ByteBuffer.wrap(file).order(order).putInt(at, value);
    }

    @Test
    void shouldRejectBadMagic()
    {
        final PcapFormatException ex = errorOf(new byte[] {1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0});
        assertEquals("not a pcap or pcapng file (magic 0x01020304)", ex.getMessage());
        assertEquals(0, ex.byteOffset());
        assertEquals("empty file: not a pcap or pcapng file", errorOf(new byte[0]).getMessage());
    }

    @Test
    void shouldNameTruncatedRecordsLikeTheExample()
    {
        final byte[] file = classic();
        final List<Piece> pieces = pieces(file);
        final Piece third = pieces.get(3);
        final PcapFormatException ex = errorOf(Arrays.copyOf(file, third.start() + 16 + 5));
        assertEquals("truncated record at byte " + third.start() + ": header says " + (third.end() -
            third.start() - 16) + " captured bytes, file ends after 5", ex.getMessage());
        assertEquals(third.start(), ex.byteOffset());
    }

    @Test
    void shouldRejectClassicCapturedLengthsThatCannotBe()
    {
        final byte[] file = classic();
        final Piece second = pieces(file).get(2);
        final int at = second.start();

        final byte[] longer = file.clone();
        setInt(longer, at + 8, ByteOrder.LITTLE_ENDIAN, 21);
        setInt(longer, at + 12, ByteOrder.LITTLE_ENDIAN, 20);
        assertEquals("record at byte " + at + ": captured length 21 exceeds original length 20",
            errorOf(longer).getMessage());

        final byte[] huge = file.clone();
        setInt(huge, at + 8, ByteOrder.LITTLE_ENDIAN, 0x7fff_fff0);
        setInt(huge, at + 12, ByteOrder.LITTLE_ENDIAN, 0x7fff_fff0);
        assertEquals("record at byte " + at + ": captured length 2147483632 exceeds the maximum 262144",
            errorOf(huge).getMessage());

        final byte[] unsigned = file.clone();
        setInt(unsigned, at + 8, ByteOrder.LITTLE_ENDIAN, -8);
        setInt(unsigned, at + 12, ByteOrder.LITTLE_ENDIAN, -8);
        assertEquals(at, errorOf(unsigned).byteOffset());

        final byte[] beyondSnap = file.clone();
        setInt(beyondSnap, at + 8, ByteOrder.LITTLE_ENDIAN, 120);
        setInt(beyondSnap, at + 12, ByteOrder.LITTLE_ENDIAN, 120);
        assertEquals("record at byte " + at + ": captured length 120 exceeds the snap length 100",
            errorOf(beyondSnap).getMessage());
        assertEquals(1, Captures.readAll(beyondSnap).records().size());

        final byte[] version = file.clone();
        version[4] = 3;
        assertEquals("unsupported pcap version 3.4 at byte 0", errorOf(version).getMessage());
    }

    @Test
    void shouldRejectPcapngBlockLengthsThatCannotBe()
    {
        final byte[] file = pcapng();
        final Piece epb = pieces(file).get(3);
        final int at = epb.start();
        final int length = epb.end() - epb.start();
        final ByteOrder be = ByteOrder.BIG_ENDIAN;

        final byte[] odd = file.clone();
        setInt(odd, at + 4, be, length + 1);
        assertEquals("enhanced packet block at byte " + at + ": block length " + (length + 1) +
            " is not a multiple of 4", errorOf(odd).getMessage());
        assertEquals(at, errorOf(odd).byteOffset());

        final byte[] trailer = file.clone();
        setInt(trailer, epb.end() - 4, be, length + 4);
        assertEquals("enhanced packet block at byte " + at + ": trailing block length " + (length + 4) +
            " does not match the leading block length " + length, errorOf(trailer).getMessage());

        final byte[] room = file.clone();
        setInt(room, at + 20, be, length - 28);
        setInt(room, at + 24, be, length - 28);
        assertEquals("enhanced packet block at byte " + at + ": captured length " + (length - 28) +
            " exceeds the block's room of " + (length - 32) + " bytes", errorOf(room).getMessage());

        final byte[] original = file.clone();
        setInt(original, at + 24, be, ByteBuffer.wrap(file).getInt(at + 20) - 1);
        assertTrue(errorOf(original).getMessage().contains("exceeds original length"));

        final byte[] huge = file.clone();
        setInt(huge, at + 4, be, 0xffff_fff0);
        assertEquals("enhanced packet block at byte " + at + ": block length 4294967280 exceeds the maximum " +
            (PcapReader.DEFAULT_MAX_CAPTURED_LENGTH + 65_536), errorOf(huge).getMessage());

        final byte[] tiny = file.clone();
        setInt(tiny, at + 4, be, 8);
        assertEquals("enhanced packet block at byte " + at + ": block length 8 is less than the minimum 32",
            errorOf(tiny).getMessage());

        final byte[] unknownHuge = file.clone();
        setInt(unknownHuge, at, be, 0x7777);
        setInt(unknownHuge, at + 4, be, 0x7fff_fff0);
        assertEquals("truncated block at byte " + at + ": block length says 2147483632 bytes, file ends after " +
            (file.length - at), errorOf(unknownHuge).getMessage());

        final byte[] magic = file.clone();
        magic[9] = 0x77;
        assertEquals("section header block at byte 0: bad byte-order magic 0x1a773c4d", errorOf(magic).getMessage());
    }

    @Test
    void shouldKeepThrowingTheSameErrorAfterTheValidPrefix() throws IOException
    {
        final byte[] file = classic();
        final byte[] cut = Arrays.copyOf(file, file.length - 3);
        try (PcapReader reader = new PcapReader(Channels.newChannel(new ByteArrayInputStream(cut)), 4096))
        {
            for (int i = 0; i < 4; i++)
            {
                assertTrue(reader.next());
            }
            final PcapFormatException first = assertThrows(PcapFormatException.class, reader::next);
            final PcapFormatException second = assertThrows(PcapFormatException.class, reader::next);
            assertSame(first, second);
            assertThrows(IllegalStateException.class, reader::capturedLength);
        }
    }
}
