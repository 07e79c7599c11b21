package io.tachyon.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packetdrill scripts listed in {@code conformance/baseline.tsv} (script and mode that passed when the
 * baseline was written) and fails when one of them no longer passes. The corpus is external (../shared): without it
 * the test is skipped, except under CI=true, where it fails.
 */
@Tag("corpus")
class CorpusBaselineTest
{
    @TempDir
    Path counters;

    private static Path corpus()
    {
        final String property = System.getProperty("tachyon.shared");
        final Path shared = property != null && !property.isBlank() ? Path.of(property)
            : ConformanceMain.sharedLocation();
        final Path dir = shared.resolve("conformance/packetdrill");
        if (!Files.isDirectory(dir))
        {
            final String reason = "corpus not found at " + dir.toAbsolutePath()
                + " (set -Dtachyon.shared=/path/to/shared)";
            if ("true".equalsIgnoreCase(System.getenv("CI")))
            {
                Assertions.fail("CI=true but " + reason);
            }
            Assumptions.abort(reason);
        }
        return dir;
    }

    private static Map<String, List<Mode>> baseline() throws IOException
    {
        Path file = Path.of("baseline.tsv");
        if (!Files.isRegularFile(file))
        {
            file = Path.of("conformance/baseline.tsv");
        }
        final Map<String, List<Mode>> map = new LinkedHashMap<>();
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final String[] f = line.split("\t");
            Mode mode = null;
            for (final Mode m : Mode.values())
            {
                if (f.length == 2 && m.label().equals(f[1]))
                {
                    mode = m;
                }
            }
            if (mode == null)
            {
                fail("bad baseline line: " + line);
            }
            map.computeIfAbsent(f[0], k -> new ArrayList<>()).add(mode);
        }
        return map;
    }

    @Test
    void shouldHaveAWellFormedBaselineThatCoversEveryMode() throws IOException
    {
        final Map<String, List<Mode>> baseline = baseline();
        assertFalse(baseline.isEmpty(), "the baseline lists no script");
        for (final Mode m : Mode.values())
        {
            assertTrue(baseline.values().stream().anyMatch(l -> l.contains(m)), "no baseline entry in " + m.label());
        }
    }

    @Test
    void shouldStillPassEveryScriptOfTheBaseline() throws IOException
    {
        final Path dir = corpus();
        final List<String> regressions = new ArrayList<>();
        int checked = 0;
        for (final Map.Entry<String, List<Mode>> e : baseline().entrySet())
        {
            final Path script = dir.resolve(e.getKey());
            if (!Files.isRegularFile(script))
            {
                regressions.add(e.getKey() + ": missing from the corpus");
                continue;
            }
            final String text = Files.readString(script, StandardCharsets.UTF_8);
            for (final Mode m : e.getValue())
            {
                final Outcome o = Corpus.runScript(text, e.getKey(), m, counters);
                checked++;
                if (o.result() != Outcome.Result.PASS)
                {
                    regressions.add(e.getKey() + " [" + m.label() + "] " + o.result().label() + " at line " + o.line()
                        + ": " + o.reason());
                }
            }
        }
        if (!regressions.isEmpty())
        {
            fail(regressions.size() + " of " + checked + " baseline runs no longer pass:\n"
                + String.join("\n", regressions));
        }
    }
}
