package io.tachyon.tools;

import io.tachyon.counters.CounterSnapshot;
import io.tachyon.counters.CountersFile;
import io.tachyon.counters.CountersFormatException;
import io.tachyon.counters.CountersLocation;
import io.tachyon.counters.CountersReader;
import io.tachyon.time.Clock;
import io.tachyon.time.SystemClock;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./tachyon stat [NAME|PATH] [--watch SECONDS] [--count N] [--all] [--dir DIR]}: prints a stack's counters
 * grouped by type, like {@code netstat -s}.
 * <p>
 * NAME is a stack name, looked up as {@code DIR/NAME/counters.dat} where DIR is {@code --dir}, else the default
 * root ({@link CountersLocation#defaultRoot()}); PATH (anything with a {@code /}, or an existing file or
 * directory) names a counters file or a stack's directory. With neither, the one stack under DIR is shown, or, if
 * there are several, they are listed. Only non-zero counters are printed unless {@code --all}. {@code --watch}
 * reprints every SECONDS (re-opening the file, so a restarted stack is followed), {@code --count} times or until
 * interrupted.
 * <p>
 * The header line says whether the stack is running: "running", or "not running (last update TIME: why)" where why
 * is a clean close, a dead owner process, or a heartbeat older than {@value #STALE_AFTER_SECONDS} seconds. The
 * file is mapped read-only: reading never writes to it.
 * <p>
 * Exit status: 0 when counters (or a list of stacks) were printed, whether the stack is running or not; 2 for bad
 * usage, a missing file, or a file that is not a counters file of this layout version.
 */
public final class Stat
{
    /** A heartbeat older than this many seconds means the owner is not running (it is hung or stopped). */
    public static final int STALE_AFTER_SECONDS = 5;

    private static final String USAGE =
        "usage: ./tachyon stat [NAME|PATH] [--watch SECONDS] [--count N] [--all] [--dir DIR]";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;
    private final boolean all;

    private Stat(final PrintStream out, final PrintStream err, final Clock clock, final boolean all)
    {
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.all = all;
    }

    /**
     * Runs the command.
     *
     * @param args {@code [NAME|PATH] [--watch SECONDS] [--count N] [--all] [--dir DIR]}.
     * @param out  where counters go.
     * @param err  where errors go.
     * @return the exit status: 0, or 2 for bad usage, a missing file or a file of the wrong format.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return run(args, out, err, new SystemClock());
    }

    /**
     * Runs the command with a given notion of "now" (tests use a virtual clock).
     *
     * @param args  as {@link #run(String[], PrintStream, PrintStream)}.
     * @param out   where counters go.
     * @param err   where errors go.
     * @param clock the current time, to judge the heartbeat.
     * @return the exit status.
     */
    static int run(final String[] args, final PrintStream out, final PrintStream err, final Clock clock)
    {
        String target = null;
        Path root = null;
        boolean all = false;
        double watchSeconds = 0;
        long count = -1;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            switch (arg)
            {
                case "--all" -> all = true;
                case "--watch", "--count", "--dir" ->
                {
                    if (i + 1 == args.length)
                    {
                        return usage(err, arg + " needs a value");
                    }
                    final String value = args[++i];
                    if ("--dir".equals(arg))
                    {
                        root = Path.of(value);
                    }
                    else if ("--watch".equals(arg))
                    {
                        watchSeconds = positiveNumber(value);
                        if (watchSeconds <= 0)
                        {
                            return usage(err, "--watch wants a positive number of seconds, not '" + value + "'");
                        }
                    }
                    else
                    {
                        count = (long)positiveNumber(value);
                        if (count <= 0 || count != positiveNumber(value))
                        {
                            return usage(err, "--count wants a positive whole number, not '" + value + "'");
                        }
                    }
                }
                default ->
                {
                    if (arg.startsWith("-"))
                    {
                        return usage(err, "unknown option '" + arg + "'");
                    }
                    if (target != null)
                    {
                        return usage(err, "one stack at a time");
                    }
                    target = arg;
                }
            }
        }
        final Path directory = root == null ? CountersLocation.defaultRoot() : root;
        final Path file;
        if (target == null)
        {
            final List<Path> stacks;
            try
            {
                stacks = stacksUnder(directory);
            }
            catch (final IOException ex)
            {
                err.println("tachyon stat: cannot list " + directory + ": " + ex.getMessage());
                return 2;
            }
            if (stacks.isEmpty())
            {
                err.println("tachyon stat: no stack counters under " + directory
                    + " (is a stack running? name one: ./tachyon stat NAME|PATH)");
                return 2;
            }
            if (stacks.size() > 1)
            {
                return new Stat(out, err, clock, all).list(directory, stacks);
            }
            file = stacks.getFirst();
        }
        else
        {
            final Path asPath = Path.of(target);
            if (target.contains("/") || Files.exists(asPath))
            {
                file = Files.isDirectory(asPath) ? asPath.resolve(CountersFile.FILE_NAME) : asPath;
            }
            else
            {
                try
                {
                    file = CountersLocation.counterFile(directory, target);
                }
                catch (final IllegalArgumentException ex)
                {
                    return usage(err, ex.getMessage());
                }
            }
        }
        final long times = count > 0 ? count : watchSeconds > 0 ? Long.MAX_VALUE : 1;
        return new Stat(out, err, clock, all).show(file, times, watchSeconds);
    }

    private int show(final Path file, final long times, final double watchSeconds)
    {
        for (long i = 0; i < times; i++)
        {
            if (i > 0)
            {
                out.println();
                out.flush();
                try
                {
                    Thread.sleep((long)(watchSeconds * 1000));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
            final int status = showOnce(file);
            if (status != 0)
            {
                return status;
            }
        }
        return 0;
    }

    private int showOnce(final Path file)
    {
        try (CountersReader reader = CountersReader.open(file))
        {
            final List<CounterSnapshot> counters = new ArrayList<>(reader.snapshot());
            out.println("stack " + stackName(file) + " (" + file + "): pid " + reader.pid() + ", started "
                + time(reader.startTimeNs()) + ", " + status(reader));
            counters.sort(Comparator.comparingInt(CounterSnapshot::typeId).thenComparingInt(CounterSnapshot::id));
            int printed = 0;
            int group = Integer.MIN_VALUE;
            for (final CounterSnapshot counter : counters)
            {
                if (counter.value() == 0 && !all)
                {
                    continue;
                }
                if (counter.typeId() != group || printed == 0)
                {
                    group = counter.typeId();
                    out.println(counter.typeName() + ":");
                }
                out.println("    " + counter.value() + " " + counter.label());
                printed++;
            }
            if (printed == 0)
            {
                out.println(counters.isEmpty() ? "    (no counters registered)"
                    : "    (all " + counters.size() + " counters are zero; --all prints them)");
            }
            return 0;
        }
        catch (final NoSuchFileException ex)
        {
            err.println("tachyon stat: " + file + ": no such file (is the stack running? ./tachyon stat lists them)");
            return 2;
        }
        catch (final CountersFormatException ex)
        {
            err.println("tachyon stat: " + ex.getMessage());
            return 2;
        }
        catch (final IOException ex)
        {
            err.println("tachyon stat: " + file + ": cannot read: " + ex.getMessage());
            return 2;
        }
    }

    private int list(final Path directory, final List<Path> stacks)
    {
        out.println("stacks under " + directory + ":");
        for (final Path file : stacks)
        {
            out.println("    " + stackName(file) + ": " + summary(file));
        }
        out.println("choose one: ./tachyon stat NAME");
        return 0;
    }

    private String summary(final Path file)
    {
        try (CountersReader reader = CountersReader.open(file))
        {
            return "pid " + reader.pid() + ", " + status(reader);
        }
        catch (final IOException ex)
        {
            return "unreadable: " + ex.getMessage();
        }
    }

    private String status(final CountersReader reader)
    {
        final long heartbeatNs = reader.heartbeatNs();
        final String why;
        if (reader.isClosed())
        {
            why = "closed cleanly";
        }
        else if (!ProcessHandle.of(reader.pid()).map(ProcessHandle::isAlive).orElse(false))
        {
            why = "process " + reader.pid() + " is gone";
        }
        else
        {
            final long ageNs = clock.nanoTime() - heartbeatNs;
            if (ageNs <= STALE_AFTER_SECONDS * NANOS_PER_SECOND)
            {
                return "running";
            }
            why = String.format(Locale.ROOT, "no heartbeat for %.1f s", ageNs / (double)NANOS_PER_SECOND);
        }
        return "not running (last update " + time(heartbeatNs) + ": " + why + ")";
    }

    private static List<Path> stacksUnder(final Path directory) throws IOException
    {
        final List<Path> stacks = new ArrayList<>();
        if (!Files.isDirectory(directory))
        {
            return stacks;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory))
        {
            for (final Path entry : entries)
            {
                final Path file = entry.resolve(CountersFile.FILE_NAME);
                if (Files.isRegularFile(file))
                {
                    stacks.add(file);
                }
            }
        }
        stacks.sort(Comparator.naturalOrder());
        return stacks;
    }

    private static String stackName(final Path file)
    {
        final Path parent = file.toAbsolutePath().getParent();
        return parent == null || parent.getFileName() == null ? file.toString() : parent.getFileName().toString();
    }

    private static String time(final long epochNs)
    {
        return Instant.ofEpochSecond(Math.floorDiv(epochNs, NANOS_PER_SECOND), Math.floorMod(epochNs,
            NANOS_PER_SECOND)).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static double positiveNumber(final String text)
    {
        try
        {
            final double value = Double.parseDouble(text);
            return Double.isFinite(value) ? value : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static int usage(final PrintStream err, final String problem)
    {
        err.println("tachyon stat: " + problem + " (" + USAGE + ")");
        return 2;
    }
}
