package io.tachyon.pcap;

import io.tachyon.testing.Allocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A file of 200 000 records streams through a writer and a reader with fixed buffers; once warm, writing and reading
 * allocate nothing (measured by {@link Allocations} on chunks of the stream).
 */
class PcapStreamingTest
{
    private static final int CHUNK = 20_000;
    private static final int CHUNKS = 10;
    private static final int RECORDS = CHUNK * CHUNKS;
    private static final int WARM_UP_CHUNKS = 2;
    /** Warm-up plus measured chunks must fit in the stream, so every measured chunk is real work. */
    private static final int MEASURED_CHUNKS = CHUNKS - WARM_UP_CHUNKS;

    /** What has been written or read so far. */
    private static final class Progress
    {
        final SplittableRandom random = new SplittableRandom(20261122);
        final MemorySegment frame = MemorySegment.ofArray(new byte[2048]);
        long records;
        long sum;
        long bytes;
    }

    @Test
    void shouldStreamManyRecordsThroughEveryFormat(@TempDir final Path dir) throws Exception
    {
        for (final PcapFormat format : PcapFormat.values())
        {
            final Path file = dir.resolve("stream-" + format);
            final Progress written = new Progress();
            try (PcapWriter writer = PcapWriter.create(file, format, LinkType.ETHERNET, 1514, ByteOrder.nativeOrder()))
            {
                Allocations.assertSteadyStateAllocatesNothing("writing " + CHUNK + " records as " + format,
                    WARM_UP_CHUNKS, MEASURED_CHUNKS, () -> write(writer, written));
                while (written.records < RECORDS)
                {
                    write(writer, written);
                }
                assertEquals(RECORDS, writer.recordCount());
                writer.flush();
                assertEquals(Files.size(file), writer.bytesWritten());
            }

            final Progress read = new Progress();
            try (PcapReader reader = PcapReader.open(file))
            {
                assertEquals(format, reader.format());
                Allocations.assertSteadyStateAllocatesNothing("reading " + CHUNK + " records of " + format,
                    WARM_UP_CHUNKS, MEASURED_CHUNKS, () -> read(reader, read));
                while (read.records < RECORDS)
                {
                    read(reader, read);
                }
                assertFalse(reader.next());
            }
            assertEquals(RECORDS, read.records, format.toString());
            assertEquals(written.bytes, read.bytes);
            assertEquals(written.sum, read.sum);
            assertTrue(written.bytes > 10_000_000L);
        }
    }

    /** Writes the next chunk of random records. */
    private static void write(final PcapWriter writer, final Progress p) throws IOException
    {
        for (int n = 0; n < CHUNK; n++)
        {
            final long i = p.records++;
            final int length = 14 + p.random.nextInt(i % 1000 == 0 ? 2000 : 200);
            for (int b = 0; b < length; b += 8)
            {
                p.frame.set(ValueLayout.JAVA_LONG_UNALIGNED, b, p.random.nextLong());
            }
            final int kept = Math.min(length, 1514);
            p.sum = checksum(p.sum, p.frame, 0, kept);
            p.bytes += kept;
            writer.write(p.frame, 0, length, 1_700_000_000_000_000_000L + i * 1000L);
        }
    }

    /** Reads the next chunk of records, checking their timestamps and numbers. */
    private static void read(final PcapReader reader, final Progress p) throws IOException
    {
        for (int n = 0; n < CHUNK; n++)
        {
            if (!reader.next())
            {
                fail("the stream ended after " + p.records + " records");
            }
            p.sum = checksum(p.sum, reader.segment(), reader.dataOffset(), reader.capturedLength());
            p.bytes += reader.capturedLength();
            assertEquals(1_700_000_000_000_000_000L + p.records * 1000L, reader.timestampNs());
            p.records++;
            assertEquals(p.records, reader.recordNumber());
        }
    }

    private static long checksum(final long sum, final MemorySegment segment, final long offset, final int length)
    {
        long h = sum * 31 + length;
        for (int i = 0; i < length; i++)
        {
            h = h * 1_000_003L + segment.get(ValueLayout.JAVA_BYTE, offset + i);
        }
        return h;
    }
}
