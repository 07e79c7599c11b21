package io.tachyon.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A scratch directory for the counters files of a property test's stacks, created once per test class and deleted
 * after it.
 */
public final class CountersDirectory
{
    private CountersDirectory()
    {
    }

    /**
     * Creates a temporary directory, on tmpfs where there is one: closing a counters file syncs it, which is slow on
     * a disk, and property tests close many.
     *
     * @param prefix the directory name's prefix.
     * @return the new directory.
     * @throws UncheckedIOException if it cannot be created.
     */
    public static Path create(final String prefix)
    {
        try
        {
            final Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, prefix)
                : Files.createTempDirectory(prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Deletes a directory and everything in it.
     *
     * @param directory the directory.
     * @throws IOException if something cannot be deleted.
     */
    public static void delete(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path path : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
