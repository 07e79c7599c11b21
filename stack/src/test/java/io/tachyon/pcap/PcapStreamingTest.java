package io.tachyon.pcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file of 200 000 records streams through a writer and a reader with fixed buffers.
 */
class PcapStreamingTest
{
    private static final int RECORDS = 200_000;

    @Test
    void shouldStreamManyRecordsThroughEveryFormat(@TempDir final Path dir) throws IOException
    {
        for (final PcapFormat format : PcapFormat.values())
        {
            final Path file = dir.resolve("stream-" + format);
            final SplittableRandom random = new SplittableRandom(20261122);
            final MemorySegment frame = MemorySegment.ofArray(new byte[2048]);
            long writtenSum = 0;
            long writtenBytes = 0;
            try (PcapWriter writer = PcapWriter.create(file, format, LinkType.ETHERNET, 1514, ByteOrder.nativeOrder()))
            {
                final long allocatedBefore = allocatedBytes();
                for (int i = 0; i < RECORDS; i++)
                {
                    final int length = 14 + random.nextInt(i % 1000 == 0 ? 2000 : 200);
                    for (int b = 0; b < length; b += 8)
                    {
                        frame.set(ValueLayout.JAVA_LONG_UNALIGNED, b, random.nextLong());
                    }
                    final int kept = Math.min(length, 1514);
                    writtenSum = checksum(writtenSum, frame, 0, kept);
                    writtenBytes += kept;
                    writer.write(frame, 0, length, 1_700_000_000_000_000_000L + i * 1000L);
                }
                assertAllocationFree(allocatedBefore, "writing " + format);
                assertEquals(RECORDS, writer.recordCount());
                writer.flush();
                assertEquals(Files.size(file), writer.bytesWritten());
            }

            long readSum = 0;
            long readBytes = 0;
            long count = 0;
            try (PcapReader reader = PcapReader.open(file))
            {
                assertEquals(format, reader.format());
                final long allocatedBefore = allocatedBytes();
                while (reader.next())
                {
                    readSum = checksum(readSum, reader.segment(), reader.dataOffset(), reader.capturedLength());
                    readBytes += reader.capturedLength();
                    assertEquals(1_700_000_000_000_000_000L + count * 1000L, reader.timestampNs());
                    count++;
                    assertEquals(count, reader.recordNumber());
                }
                assertFalse(reader.next());
                assertAllocationFree(allocatedBefore, "reading " + format);
            }
            assertEquals(RECORDS, count, format.toString());
            assertEquals(writtenBytes, readBytes);
            assertEquals(writtenSum, readSum);
            assertTrue(writtenBytes > 10_000_000L);
        }
    }

    private static final Object THREAD_BEAN;
    private static final Method ALLOCATED_BYTES;

    static
    {
        // Reflection: the test sources compile inside the io.tachyon.stack module, which does not read
        // java.management; the tests themselves run on the class path.
        try
        {
            THREAD_BEAN = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getThreadMXBean").invoke(null);
            ALLOCATED_BYTES = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
            allocatedBytes();
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static long allocatedBytes()
    {
        try
        {
            return (Long) ALLOCATED_BYTES.invoke(THREAD_BEAN);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Under one byte per record (any per-record object is 16+): nothing is allocated per record. */
    private static void assertAllocationFree(final long before, final String what)
    {
        final long allocated = allocatedBytes() - before;
        assertTrue(allocated < RECORDS, what + " allocated " + allocated + " bytes for " + RECORDS + " records");
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
