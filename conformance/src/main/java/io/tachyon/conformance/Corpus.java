package io.tachyon.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs every {@code .pkt} script under a directory in every {@link Mode} and summarises the outcomes.
 */
public final class Corpus
{
    /**
     * One row of the report.
     *
     * @param path     the script path relative to the corpus directory ('/' separated).
     * @param source   the first path component (the source folder).
     * @param category the INDEX.tsv category ("?" when the index lacks it).
     * @param mode     the mode.
     * @param outcome  the outcome.
     */
    public record Row(String path, String source, String category, Mode mode, Outcome outcome)
    {
    }

    private Corpus()
    {
    }

    /**
     * Runs one script text in one mode.
     *
     * @param text              the script.
     * @param path              its path relative to the corpus (decides the OS dialect: FreeBSD when it contains
     *                          "freebsd").
     * @param mode              the mode.
     * @param countersDirectory where the stack may create its counters file.
     * @return the outcome.
     */
    public static Outcome runScript(final String text, final String path, final Mode mode,
        final Path countersDirectory)
    {
        return runScript(text, path, mode, countersDirectory, null);
    }

    /**
     * Runs one script text in one mode, printing a trace of events and captured segments.
     *
     * @param text              the script.
     * @param path              its path relative to the corpus.
     * @param mode              the mode.
     * @param countersDirectory where the stack may create its counters file.
     * @param trace             where to print the trace (null: no trace).
     * @return the outcome.
     */
    public static Outcome runScript(final String text, final String path, final Mode mode,
        final Path countersDirectory, final java.io.PrintStream trace)
    {
        final Script script;
        try
        {
            script = ScriptParser.parse(text);
        }
        catch (final ScriptParser.ParseException ex)
        {
            final Outcome unsupported = Interpreter.unsupported(new Script(ScriptParser.options(text), List.of()));
            return unsupported != null ? unsupported
                : new Outcome(Outcome.Result.ERROR, ex.line, "parse error: " + ex.getMessage());
        }
        try
        {
            return new Interpreter(script, mode, path.contains("freebsd"), countersDirectory).trace(trace).run();
        }
        catch (final RuntimeException ex)
        {
            return new Outcome(Outcome.Result.ERROR, 0, "interpreter error: " + ex);
        }
    }

    /**
     * Runs every script under {@code dir} in every mode.
     *
     * @param dir the corpus directory (with INDEX.tsv when available).
     * @return the rows, sorted by path then mode.
     */
    public static List<Row> run(final Path dir)
    {
        return run(dir, "");
    }

    /**
     * Runs the scripts under {@code dir} whose relative path contains {@code only}, in every mode.
     *
     * @param dir  the corpus directory (with INDEX.tsv when available).
     * @param only a substring of the paths to run ("" for all).
     * @return the rows, sorted by path then mode.
     */
    public static List<Row> run(final Path dir, final String only)
    {
        final Map<String, String> categories = categories(dir);
        final List<Path> scripts;
        try (Stream<Path> walk = Files.walk(dir))
        {
            scripts = walk.filter(p -> p.toString().endsWith(".pkt") && Files.isRegularFile(p)
                && dir.relativize(p).toString().replace('\\', '/').contains(only))
                .sorted(Comparator.comparing(Path::toString)).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final Path counters;
        try
        {
            counters = Files.createTempDirectory("tachyon-pdrill");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final List<Row> rows = new ArrayList<>();
        try
        {
            for (final Path p : scripts)
            {
                final String rel = dir.relativize(p).toString().replace('\\', '/');
                final String text;
                try
                {
                    text = Files.readString(p, StandardCharsets.UTF_8);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
                final String source = rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : "";
                final String category = categories.getOrDefault(rel, "?");
                for (final Mode m : Mode.values())
                {
                    rows.add(new Row(rel, source, category, m, runScript(text, rel, m, counters)));
                }
            }
        }
        finally
        {
            deleteTree(counters);
        }
        return rows;
    }

    private static void deleteTree(final Path dir)
    {
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path p : walk.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
        catch (final IOException ignored)
        {
            // a temporary directory left behind is harmless
        }
    }

    private static Map<String, String> categories(final Path dir)
    {
        final Map<String, String> map = new HashMap<>();
        final Path index = dir.resolve("INDEX.tsv");
        if (!Files.isRegularFile(index))
        {
            return map;
        }
        try
        {
            for (final String line : Files.readAllLines(index, StandardCharsets.UTF_8))
            {
                final String[] f = line.split("\t");
                if (f.length >= 2 && !f[0].equals("path"))
                {
                    map.put(f[0], f[1]);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return map;
    }

    /**
     * Counts outcomes per group and mode.
     *
     * @param rows the rows.
     * @param key  "source", "category" or "source/category".
     * @return group to mode to counts per result.
     */
    public static Map<String, Map<Mode, EnumMap<Outcome.Result, Integer>>> summary(final List<Row> rows,
        final String key)
    {
        final Map<String, Map<Mode, EnumMap<Outcome.Result, Integer>>> out = new TreeMap<>();
        for (final Row r : rows)
        {
            final String group = switch (key)
            {
                case "source" -> r.source();
                case "category" -> r.category();
                default -> r.source() + " / " + r.category();
            };
            out.computeIfAbsent(group, g -> new EnumMap<>(Mode.class))
                .computeIfAbsent(r.mode(), m -> new EnumMap<>(Outcome.Result.class))
                .merge(r.outcome().result(), 1, Integer::sum);
        }
        return out;
    }

    /**
     * One summary cell: "pass/run (rate%)" where run excludes unsupported scripts, plus the unsupported count.
     *
     * @param counts counts per result.
     * @return the text.
     */
    public static String cell(final EnumMap<Outcome.Result, Integer> counts)
    {
        final int pass = counts.getOrDefault(Outcome.Result.PASS, 0);
        final int fail = counts.getOrDefault(Outcome.Result.FAIL, 0);
        final int error = counts.getOrDefault(Outcome.Result.ERROR, 0);
        final int unsupported = counts.getOrDefault(Outcome.Result.UNSUPPORTED, 0);
        final int run = pass + fail + error;
        return String.format(Locale.ROOT, "%d/%d run (%s), %d unsupported", pass, run,
            run == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * pass / run), unsupported);
    }
}
