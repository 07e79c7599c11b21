package io.tachyon.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the external pcaps corpus (/work/shared/pcaps) through the {@code tachyon.shared} system property, falling
 * back to {@code ../shared}. Absent corpus: tests are skipped, unless CI=true, where they fail.
 */
final class SharedCorpus
{
    private SharedCorpus()
    {
    }

    /** The pcaps directory; skips (or fails under CI=true) if it is absent. */
    static Path pcaps()
    {
        final String property = System.getProperty("tachyon.shared");
        final Path shared = property != null && !property.isBlank() ? Path.of(property) : Path.of("../shared");
        final Path pcaps = shared.resolve("pcaps");
        if (!Files.isDirectory(pcaps))
        {
            final String reason = "external corpus not found at " + pcaps.toAbsolutePath()
                + " (set -Dtachyon.shared=/path/to/shared)";
            if ("true".equalsIgnoreCase(System.getenv("CI")))
            {
                Assertions.fail(reason);
            }
            Assumptions.abort(reason);
        }
        return pcaps;
    }

    /** A PcapPlusPlus .dat file: hex text of one Ethernet frame. */
    static byte[] hexFrame(final Path file)
    {
        try
        {
            final String text = Files.readString(file, StandardCharsets.US_ASCII).replaceAll("\\s+", "");
            return HexFormat.of().parseHex(text);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Every .dat fixture, sorted by name. */
    static List<Path> datFiles()
    {
        return list(pcaps().resolve("pcapplusplus"), ".dat");
    }

    /** Every raw-frame .bin fixture (smoltcp and lwIP seeds), sorted by name. */
    static List<Path> binFiles()
    {
        final List<Path> files = new ArrayList<>(list(pcaps().resolve("smoltcp-fuzz-corpus"), ".bin"));
        files.addAll(list(pcaps().resolve("lwip-fuzz-inputs"), ".bin"));
        return files;
    }

    /** All fixture frames (dat and bin). */
    static List<byte[]> allFrames()
    {
        final List<byte[]> frames = new ArrayList<>();
        for (final Path dat : datFiles())
        {
            frames.add(hexFrame(dat));
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
