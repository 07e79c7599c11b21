package io.tachyon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the external test data (e.g. /work/shared/pcaps), which is never copied into the repository.
 * <p>
 * Where: the system property {@code tachyon.shared} (the build sets it), else {@code ../shared} next to the
 * repository root (the first ancestor of the working directory that holds a pom.xml and stack/). Where the data is
 * absent, a test that needs it is skipped with the reason ({@link #unavailable}), except when the environment variable
 * {@code CI=true}, where it fails: CI must never pass by skipping.
 */
public final class SharedData
{
    private SharedData()
    {
    }

    /**
     * Whether tests run under CI ({@code CI=true}), where a missing prerequisite is a failure.
     *
     * @return true under CI.
     */
    public static boolean isCi()
    {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Where the shared directory should be, whether or not it exists.
     *
     * @return the path the property names, else {@code ../shared} beside the repository root.
     */
    public static Path location()
    {
        final String property = System.getProperty("tachyon.shared");
        if (property != null && !property.isBlank())
        {
            return Path.of(property);
        }
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null)
        {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("stack")))
            {
                return dir.resolve("../shared").normalize();
            }
            dir = dir.getParent();
        }
        return Path.of("../shared").toAbsolutePath().normalize();
    }

    /**
     * Whether the pcaps corpus is present, for tests that use it only when it is there.
     *
     * @return true when {@code <shared>/pcaps} is a directory.
     */
    public static boolean hasPcaps()
    {
        return Files.isDirectory(location().resolve("pcaps"));
    }

    /**
     * The pcaps corpus directory; skips the test (fails it under CI=true) when it is absent.
     *
     * @return {@code <shared>/pcaps}.
     */
    public static Path pcaps()
    {
        final Path pcaps = location().resolve("pcaps");
        if (!Files.isDirectory(pcaps))
        {
            unavailable("external corpus not found at " + pcaps.toAbsolutePath()
                + " (set -Dtachyon.shared=/path/to/shared)");
        }
        return pcaps;
    }

    /**
     * A file of the pcaps corpus. Skips the test (fails it under CI=true) when the corpus is absent; fails it when
     * the corpus is there but lacks the file (a broken corpus, or a wrong name in the test).
     *
     * @param relative the path below pcaps/, e.g. {@code "zeek-btest-traces/arp-who-has.pcap"}.
     * @return the file.
     */
    public static Path require(final String relative)
    {
        final Path file = pcaps().resolve(relative);
        if (!Files.isRegularFile(file))
        {
            Assertions.fail("the shared corpus has no file pcaps/" + relative + " (looked at " + file + ")");
        }
        return file;
    }

    /**
     * A PcapPlusPlus {@code .dat} fixture: one frame as hexadecimal text, whitespace ignored.
     *
     * @param file the file.
     * @return the frame's bytes.
     */
    public static byte[] hexFrame(final Path file)
    {
        try
        {
            return HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).replaceAll("\\s+", ""));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Ends the test because a prerequisite (corpus, external tool) is missing: skipped with {@code reason}, or
     * failed under CI=true.
     *
     * @param reason what is missing and how to provide it.
     */
    public static void unavailable(final String reason)
    {
        if (isCi())
        {
            Assertions.fail("CI=true but " + reason);
        }
        Assumptions.abort(reason);
    }
}
