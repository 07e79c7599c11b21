package io.tachyon.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

import org.HdrHistogram.Histogram;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Round-trip times of one benchmark trial in HdrHistogram form: every round trip is recorded into the iteration's
 * histogram ({@link #record(long)}, allocation-free); at the end of each measurement iteration it is folded into
 * the trial's histogram (each iteration's count and percentiles are printed, to show which iterations stalled);
 * at the end of the trial the percentiles are printed in microseconds and the full
 * distribution is written to {@code bench/target/hdr/NAME.hgrm} (the directory next to {@code benchmarks.jar}, or
 * the system property {@value #DIRECTORY_PROPERTY}).
 * <p>
 * Why these percentiles can differ from JMH's {@code SampleTime} ones: the histogram counts every round trip once,
 * while JMH samples every invocation at the start of an iteration and halves its sampling rate each time it has
 * collected 20 samples per millisecond of iteration time. An iteration with few, slow round trips (threads starved
 * of CPU) is therefore sampled in full, one with many fast round trips only in part, and stalls weigh far more in
 * JMH's upper percentiles than here. Both are closed-loop measurements (the next round trip waits for the last), so
 * neither shows what a stall would do to an open-loop sender (coordinated omission).
 * <p>
 * Not thread-safe: only the benchmark thread records.
 */
final class LatencyRecorder
{
    /** The system property naming the directory for {@code .hgrm} files. */
    static final String DIRECTORY_PROPERTY = "tachyon.bench.hdr";

    /** The largest value recorded (10 s); anything longer is clamped to it. */
    private static final long HIGHEST_NS = 10_000_000_000L;
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final double NS_PER_US = 1000.0;
    /** How long a round trip may take before {@link #overdue()} says so (5 s). */
    private static final long TIMEOUT_NS = 5_000_000_000L;
    /** Calls of {@link #overdue()} between two reads of the clock. */
    private static final int SPINS_PER_CLOCK_CHECK = 1024;

    private final String name;
    private final Histogram iteration = new Histogram(1, HIGHEST_NS, SIGNIFICANT_DIGITS);
    private final Histogram trial = new Histogram(1, HIGHEST_NS, SIGNIFICANT_DIGITS);
    private long start;
    private int spins;

    /**
     * A recorder for one trial.
     *
     * @param name the name of the trial, used for the printed summary and the {@code .hgrm} file name.
     */
    LatencyRecorder(final String name)
    {
        this.name = name;
    }

    /**
     * Starts an iteration: forgets what the previous one recorded.
     */
    void beginIteration()
    {
        iteration.reset();
    }

    /**
     * Starts timing one round trip.
     *
     * @return its start, {@link System#nanoTime()}.
     */
    long startRoundTrip()
    {
        spins = 0;
        start = System.nanoTime();
        return start;
    }

    /**
     * For the busy-wait of the round trip being timed: counts one spin and, every {@value #SPINS_PER_CLOCK_CHECK}
     * spins, reads the clock.
     *
     * @return true once the round trip has taken more than 5 s (seen at a clock check).
     */
    boolean overdue()
    {
        if (++spins == SPINS_PER_CLOCK_CHECK)
        {
            spins = 0;
            return System.nanoTime() - start > TIMEOUT_NS;
        }
        return false;
    }

    /**
     * Ends the round trip started by {@link #startRoundTrip()} and records its duration.
     */
    void endRoundTrip()
    {
        record(System.nanoTime() - start);
    }

    /**
     * Records one round trip.
     *
     * @param nanos its duration in nanoseconds.
     */
    void record(final long nanos)
    {
        iteration.recordValue(Math.max(1L, Math.min(HIGHEST_NS, nanos)));
    }

    /**
     * Ends an iteration.
     *
     * @param measured true for a measurement iteration (kept for the trial), false for a warm-up one (discarded).
     */
    void endIteration(final boolean measured)
    {
        final Histogram h = iteration;
        System.out.printf("%n[hdr] %s %s: n=%d p50=%.2f p99=%.2f p99.9=%.2f max=%.2f us", name,
            measured ? "iteration" : "warm-up", h.getTotalCount(), us(h.getValueAtPercentile(50.0)),
            us(h.getValueAtPercentile(99.0)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()));
        if (measured)
        {
            trial.add(h);
        }
    }

    /**
     * Ends a JMH iteration: kept for the trial if it was a measurement iteration.
     *
     * @param params the iteration, as JMH injects it into a {@code @TearDown(Level.Iteration)} method.
     */
    void endIteration(final IterationParams params)
    {
        endIteration(params.getType() == IterationType.MEASUREMENT);
    }

    /**
     * The number of round trips kept for the trial so far.
     *
     * @return the count.
     */
    long trialCount()
    {
        return trial.getTotalCount();
    }

    /**
     * Prints the trial's percentiles to standard output and writes its distribution to the {@code .hgrm} file.
     */
    void endTrial()
    {
        final Histogram h = trial;
        System.out.printf("%n[hdr] %s: n=%d p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f us%n", name,
            h.getTotalCount(), us(h.getValueAtPercentile(50.0)), us(h.getValueAtPercentile(90.0)),
            us(h.getValueAtPercentile(99.0)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()));
        final Path file = directory().resolve(name + ".hgrm");
        try
        {
            Files.createDirectories(file.getParent());
            try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8))
            {
                h.outputPercentileDistribution(out, NS_PER_US);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
        System.out.println("[hdr] distribution (us) written to " + file.toAbsolutePath());
    }

    private static double us(final long nanos)
    {
        return nanos / NS_PER_US;
    }

    /**
     * Where {@code .hgrm} files go: the system property, else {@code hdr/} beside the jar or classes directory
     * this class was loaded from ({@code bench/target/hdr}), else {@code hdr/} in the working directory.
     */
    private static Path directory()
    {
        final String property = System.getProperty(DIRECTORY_PROPERTY);
        if (property != null && !property.isEmpty())
        {
            return Path.of(property);
        }
        final CodeSource source = LatencyRecorder.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null)
        {
            try
            {
                final Path parent = Path.of(source.getLocation().toURI()).getParent();
                if (parent != null)
                {
                    return parent.resolve("hdr");
                }
            }
            catch (final URISyntaxException | IllegalArgumentException ex)
            {
                // fall through to the working directory
            }
        }
        return Path.of("hdr");
    }
}
