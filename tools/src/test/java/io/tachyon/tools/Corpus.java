package io.tachyon.tools;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the external test data and tools. Where one is absent the test is skipped with the reason, except under
 * CI=true, where a missing prerequisite is a failure.
 */
final class Corpus
{
    private Corpus()
    {
    }

    /**
     * The external captures: {@code ${tachyon.shared}/pcaps}, or {@code ../shared/pcaps}.
     *
     * @return the directory.
     */
    static Path pcaps()
    {
        final String property = System.getProperty("tachyon.shared");
        final Path shared = property != null && !property.isBlank() ? Path.of(property) : Path.of("../shared");
        final Path pcaps = shared.resolve("pcaps");
        if (!Files.isDirectory(pcaps))
        {
            missing("external corpus not found at " + pcaps.toAbsolutePath() + " (set -Dtachyon.shared=DIR)");
        }
        return pcaps;
    }

    /**
     * The tshark binary.
     *
     * @return its path.
     */
    static String tshark()
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
        {
            final Path candidate = Path.of(dir, "tshark");
            if (Files.isExecutable(candidate))
            {
                return candidate.toString();
            }
        }
        missing("tshark not installed (Debian: apt-get install tshark; .ci/run installs it)");
        return null;
    }

    private static void missing(final String reason)
    {
        if ("true".equalsIgnoreCase(System.getenv("CI")))
        {
            Assertions.fail(reason);
        }
        Assumptions.abort(reason);
    }
}
