package io.tachyon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Setup and teardown steps shared by the benchmarks: the {@code mode} parameter, the payload pattern, deleting a
 * counters directory.
 */
final class BenchSetup
{
    private BenchSetup()
    {
    }

    /**
     * Parses the {@code mode} parameter of the in-process and kernel-baseline benchmarks.
     *
     * @param mode {@code inline} or {@code threaded}.
     * @return true for {@code inline}.
     * @throws IllegalArgumentException for anything else.
     */
    static boolean inline(final String mode)
    {
        return switch (mode)
        {
            case "inline" -> true;
            case "threaded" -> false;
            default -> throw new IllegalArgumentException("mode must be inline or threaded: " + mode);
        };
    }

    /**
     * The payload byte at an index (the same pattern in every benchmark).
     *
     * @param index the index.
     * @return the byte.
     */
    static byte patternByte(final int index)
    {
        return (byte)(index * 31 + 7);
    }

    /**
     * Fills the first {@code length} bytes of a buffer with the payload pattern (absolute puts: the position and
     * limit are unchanged).
     *
     * @param buffer the buffer.
     * @param length how many bytes.
     */
    static void fill(final ByteBuffer buffer, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.put(i, patternByte(i));
        }
    }

    /**
     * Fills the first {@code length} bytes of a segment with the payload pattern.
     *
     * @param segment the segment.
     * @param length how many bytes.
     */
    static void fill(final MemorySegment segment, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            segment.set(ValueLayout.JAVA_BYTE, i, patternByte(i));
        }
    }

    /**
     * Fills the first {@code length} bytes of an array with the payload pattern.
     *
     * @param array the array.
     * @param length how many bytes.
     */
    static void fill(final byte[] array, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            array[i] = patternByte(i);
        }
    }

    /**
     * Deletes a directory and everything below it.
     *
     * @param root the directory.
     * @throws IOException if it cannot be listed.
     * @throws UncheckedIOException if something in it cannot be deleted.
     */
    static void deleteRecursively(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path ->
            {
                try
                {
                    Files.delete(path);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
    }
}
