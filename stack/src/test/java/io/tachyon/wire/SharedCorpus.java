package io.tachyon.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;

import io.tachyon.testing.SharedData;

/**
 * The raw-frame fixtures of the shared corpus (PcapPlusPlus .dat hex frames, smoltcp and lwIP .bin seeds), found
 * through {@link SharedData} (skipped where absent, failing under CI=true).
 */
final class SharedCorpus
{
    private SharedCorpus()
    {
    }

    /** Every .dat fixture, sorted by name. */
    static List<Path> datFiles()
    {
        return list(SharedData.pcaps().resolve("pcapplusplus"), ".dat");
    }

    /** Every raw-frame .bin fixture (smoltcp and lwIP seeds), sorted by name. */
    static List<Path> binFiles()
    {
        final List<Path> files = new ArrayList<>(list(SharedData.pcaps().resolve("smoltcp-fuzz-corpus"), ".bin"));
        files.addAll(list(SharedData.pcaps().resolve("lwip-fuzz-inputs"), ".bin"));
        return files;
    }

    /** All fixture frames (dat and bin). */
    static List<byte[]> allFrames()
    {
        final List<byte[]> frames = new ArrayList<>();
        for (final Path dat : datFiles())
        {
            frames.add(SharedData.hexFrame(dat));
        }
        for (final Path bin : binFiles())
        {
            frames.add(read(bin));
        }
        return frames;
    }

    static byte[] read(final Path file)
    {
        try
        {
            return Files.readAllBytes(file);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(final Path directory, final String suffix)
    {
        if (!Files.isDirectory(directory))
        {
            Assertions.fail("corpus directory missing: " + directory);
        }
        try (Stream<Path> files = Files.walk(directory))
        {
            final List<Path> result = files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
            Assertions.assertFalse(result.isEmpty(), "no " + suffix + " files in " + directory);
            return result;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
