package io.tachyon.conformance;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.tachyon.time.SystemClock;

/**
 * {@code ./tachyon conformance [DIR] [--out OUTDIR]}: runs the packetdrill corpus in-process and writes
 * {@code OUTDIR/report.tsv} and {@code OUTDIR/report.md}.
 */
public final class ConformanceMain
{
    private ConformanceMain()
    {
    }

    /**
     * Runs the command and exits with its status.
     *
     * @param args the arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Where the shared data is: the system property {@code tachyon.shared}, else {@code ../shared} beside the
     * repository root (the first ancestor of the working directory with a pom.xml and stack/).
     *
     * @return the path, which may not exist.
     */
    public static Path sharedLocation()
    {
        final String property = System.getProperty("tachyon.shared");
        if (property != null && !property.isBlank())
        {
            return Path.of(property);
        }
        return repositoryRoot().resolve("../shared").normalize();
    }

    private static Path repositoryRoot()
    {
        final Path fromWorkingDirectory = rootAbove(Path.of(System.getProperty("user.dir")).toAbsolutePath());
        if (fromWorkingDirectory != null)
        {
            return fromWorkingDirectory;
        }
        try
        {
            final Path code = Path.of(ConformanceMain.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
            final Path fromCode = rootAbove(code.toAbsolutePath());
            if (fromCode != null)
            {
                return fromCode;
            }
        }
        catch (final java.net.URISyntaxException | RuntimeException ignored)
        {
            // no code source: fall back to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    private static Path rootAbove(final Path start)
    {
        Path dir = start;
        while (dir != null)
        {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("stack")))
            {
                return dir;
            }
            dir = dir.getParent();
        }
        return null;
    }

    /**
     * Runs the command.
     *
     * @param args [DIR] [--out OUTDIR].
     * @param out  standard output (the summary).
     * @param err  standard error.
     * @return 0 when the run completed, 2 on bad arguments or a missing corpus.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        Path dir = null;
        Path outDir = repositoryRoot().resolve("conformance/target/report");
        String only = "";
        String trace = null;
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].equals("--out") && i + 1 < args.length)
            {
                outDir = Path.of(args[++i]);
            }
            else if (args[i].equals("--only") && i + 1 < args.length)
            {
                only = args[++i];
            }
            else if (args[i].equals("--trace") && i + 1 < args.length)
            {
                trace = args[++i];
            }
            else if (args[i].equals("-h") || args[i].equals("--help"))
            {
                out.println("usage: ./tachyon conformance [DIR] [--out OUTDIR] [--only PATH-SUBSTRING]"
                    + " [--trace SCRIPT (path below DIR; prints events and sent segments in every mode)]");
                return 0;
            }
            else if (dir == null && !args[i].startsWith("--"))
            {
                dir = Path.of(args[i]);
            }
            else
            {
                err.println("tachyon conformance: unexpected argument '" + args[i] + "'");
                return 2;
            }
        }
        if (dir == null)
        {
            dir = sharedLocation().resolve("conformance/packetdrill");
        }
        if (!Files.isDirectory(dir))
        {
            err.println("tachyon conformance: corpus not found at " + dir.toAbsolutePath()
                + " (pass DIR or set -Dtachyon.shared)");
            return 2;
        }
        if (trace != null)
        {
            return trace(dir, trace, out, err);
        }
        final SystemClock wallClock = new SystemClock();
        final long started = wallClock.nanoTime();
        final List<Corpus.Row> rows = Corpus.run(dir, only);
        final double seconds = (wallClock.nanoTime() - started) / 1e9;
        try
        {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve("report.tsv"), tsv(rows), StandardCharsets.UTF_8);
            Files.writeString(outDir.resolve("report.md"), markdown(rows, dir), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            err.println("tachyon conformance: cannot write the report to " + outDir + ": " + ex.getMessage());
            return 2;
        }
        out.printf("%d scripts x %d modes in %.1f s; report in %s%n", rows.size() / Mode.values().length,
            Mode.values().length, seconds, outDir.toAbsolutePath());
        out.print(table(Corpus.summary(rows, "source/category"), "source / category"));
        return 0;
    }

    private static int trace(final Path dir, final String script, final PrintStream out, final PrintStream err)
    {
        final Path file = dir.resolve(script);
        try
        {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            final Path counters = Files.createTempDirectory("tachyon-pdrill");
            for (final Mode m : Mode.values())
            {
                out.println("== " + script + " [" + m.label() + "]");
                final Outcome o = Corpus.runScript(text, script, m, counters, out);
                out.println("== " + o.result().label() + (o.line() > 0 ? " at line " + o.line() : "") + " "
                    + o.reason());
            }
            return 0;
        }
        catch (final IOException ex)
        {
            err.println("tachyon conformance: cannot read " + file + ": " + ex.getMessage());
            return 2;
        }
    }

    /**
     * The TSV report: path, mode, result, first diverging line, reason.
     *
     * @param rows the rows.
     * @return the text.
     */
    public static String tsv(final List<Corpus.Row> rows)
    {
        final StringBuilder b = new StringBuilder("path\tmode\tresult\tline\treason\n");
        for (final Corpus.Row r : rows)
        {
            b.append(r.path()).append('\t').append(r.mode().label()).append('\t')
                .append(r.outcome().result().label()).append('\t').append(r.outcome().line()).append('\t')
                .append(r.outcome().reason().replace('\t', ' ').replace('\n', ' ')).append('\n');
        }
        return b.toString();
    }

    private static String table(final Map<String, Map<Mode, EnumMap<Outcome.Result, Integer>>> summary,
        final String title)
    {
        final StringBuilder b = new StringBuilder("| " + title + " |");
        for (final Mode m : Mode.values())
        {
            b.append(' ').append(m.label()).append(" |");
        }
        b.append("\n|---|");
        for (int i = 0; i < Mode.values().length; i++)
        {
            b.append("---|");
        }
        b.append('\n');
        for (final Map.Entry<String, Map<Mode, EnumMap<Outcome.Result, Integer>>> e : summary.entrySet())
        {
            b.append("| ").append(e.getKey()).append(" |");
            for (final Mode m : Mode.values())
            {
                b.append(' ').append(Corpus.cell(e.getValue().getOrDefault(m, new EnumMap<>(Outcome.Result.class))))
                    .append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String markdown(final List<Corpus.Row> rows, final Path dir)
    {
        final StringBuilder b = new StringBuilder("# packetdrill conformance report\n\nCorpus: `" + dir.toAbsolutePath()
            + "`. Pass rates count scripts that ran (pass + fail + error); unsupported scripts are listed apart.\n\n");
        b.append("## By source\n\n").append(table(Corpus.summary(rows, "source"), "source")).append('\n');
        b.append("## By category\n\n").append(table(Corpus.summary(rows, "category"), "category")).append('\n');
        b.append("## By source and category\n\n").append(table(Corpus.summary(rows, "source/category"),
            "source / category")).append('\n');
        b.append("## Scripts that did not pass (relaxed mode), with the first diverging line\n\n");
        b.append("| script | result | line | reason |\n|---|---|---|---|\n");
        for (final Corpus.Row r : rows)
        {
            if (r.mode() == Mode.RELAXED && r.outcome().result() != Outcome.Result.PASS)
            {
                b.append("| ").append(r.path()).append(" | ").append(r.outcome().result().label()).append(" | ")
                    .append(r.outcome().line()).append(" | ").append(r.outcome().reason().replace("|", "\\|"))
                    .append(" |\n");
            }
        }
        return b.toString();
    }
}
