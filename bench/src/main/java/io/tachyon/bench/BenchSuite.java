package io.tachyon.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

/**
 * The benchmark suite behind {@code ./tachyon bench} without JMH arguments: runs the UDP echo and TCP ping-pong
 * round trips and TCP bulk throughput of Tachyon and their kernel baselines with a short JMH configuration, prints a
 * table and writes {@code bench-results.json}.
 * <p>
 * Options: {@code --out PATH} (default {@code bench-results.json} in the working directory), {@code --forks N}
 * (default 1), {@code --warmup N} warm-up iterations (default 3: TCP bulk needs a few hundred MiB before the JIT
 * has compiled its path), {@code --iterations N} measured iterations (default 3), {@code --time S} seconds per
 * iteration (default 1). With the defaults the eleven runs take about two minutes.
 * <p>
 * The JSON holds one record per Tachyon metric: {@code name}, {@code unit}, {@code value} (JMH's score: the mean
 * round trip, or the throughput), {@code percentiles} ({@code p50}, {@code p90}, {@code p99}, {@code p999}: JMH's
 * sampled round trips; null for throughput), {@code baseline} ({@code name}, {@code value}: the kernel's figure for
 * the same work, and its {@code percentiles}), {@code ratio} = value / baseline value (below 1 is better for a
 * latency, above 1 for a throughput) and {@code ratioP50}, the ratio of the medians (latencies; null otherwise),
 * which the tails of a noisy machine disturb less. The veth metrics ({@link VethRttBenchmark},
 * {@link VethUdpRxRateBenchmark}: Tachyon on AF_XDP against the kernel over a veth pair) need root; elsewhere their
 * records have null values and {@code skipped}, the reason (the table says it too).
 */
public final class BenchSuite
{
    private static final double MB_PER_TRANSFER = TcpBulkBenchmark.TRANSFER_BYTES / 1e6;

    private BenchSuite()
    {
    }

    /** One measured figure. */
    private record Figure(String name, String unit, double value, double[] percentiles)
    {
    }

    /** A Tachyon figure and its kernel baseline; {@code skipped} is why neither was measured (else null). */
    private record Metric(Figure tachyon, Figure kernel, String skipped)
    {
        Metric(final Figure tachyon, final Figure kernel)
        {
            this(tachyon, kernel, null);
        }

        /** A metric that could not be measured here, and why. */
        static Metric skipped(final String name, final String kernelName, final String unit, final String reason)
        {
            return new Metric(new Figure(name, unit, Double.NaN, null), new Figure(kernelName, unit, Double.NaN,
                null), reason);
        }

        double ratio()
        {
            return tachyon.value / kernel.value;
        }

        /** The ratio of the medians (latencies only; NaN for a throughput): robust to a noisy machine's tails. */
        double medianRatio()
        {
            return tachyon.percentiles == null || kernel.percentiles == null ? Double.NaN
                : tachyon.percentiles[0] / kernel.percentiles[0];
        }
    }

    /**
     * Runs the suite.
     *
     * @param args the options of the class comment.
     * @throws RunnerException if a benchmark fails.
     * @throws IOException if the JSON file cannot be written.
     */
    @SuppressWarnings("exports") // JMH's RunnerException; jmh.core is not required transitively
    public static void main(final String[] args) throws RunnerException, IOException
    {
        Path out = Path.of("bench-results.json");
        int forks = 1;
        int warmup = 3;
        int iterations = 3;
        int seconds = 1;
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            final String value = args[++i];
            switch (option)
            {
                case "--out" -> out = Path.of(value);
                case "--forks" -> forks = positive(option, value);
                case "--warmup" -> warmup = positive(option, value);
                case "--iterations" -> iterations = positive(option, value);
                case "--time" -> seconds = positive(option, value);
                default -> throw new IllegalArgumentException("unknown option " + option
                    + " (known: --out PATH, --forks N, --warmup N, --iterations N, --time SECONDS)");
            }
        }
        final BenchSuite.Settings settings = new Settings(forks, warmup, iterations, seconds);
        final Figure kernelUdp = latency("kernel-udp-echo-rtt-64", KernelUdpEchoBenchmark.class, settings,
            Map.of("size", "64"));
        final Figure kernelPingInline = latency("kernel-tcp-pingpong-rtt-inline-64", KernelTcpPingPongBenchmark.class,
            settings, Map.of("mode", "inline", "size", "64"));
        final Figure kernelPingThreaded = latency("kernel-tcp-pingpong-rtt-threaded-64",
            KernelTcpPingPongBenchmark.class, settings, Map.of("mode", "threaded", "size", "64"));
        final Figure kernelBulkInline = throughput("kernel-tcp-bulk-inline", KernelTcpBulkBenchmark.class, settings,
            Map.of("mode", "inline"));
        final Figure kernelBulkThreaded = throughput("kernel-tcp-bulk-threaded", KernelTcpBulkBenchmark.class,
            settings, Map.of("mode", "threaded"));
        final List<Metric> metrics = new ArrayList<>();
        metrics.add(new Metric(latency("udp-echo-rtt-inline-64", UdpEchoBenchmark.class, settings,
            Map.of("mode", "inline", "size", "64")), kernelUdp));
        metrics.add(new Metric(latency("udp-echo-rtt-threaded-64", UdpEchoBenchmark.class, settings,
            Map.of("mode", "threaded", "size", "64")), kernelUdp));
        metrics.add(new Metric(latency("tcp-pingpong-rtt-inline-64", TcpPingPongBenchmark.class, settings,
            Map.of("mode", "inline", "size", "64")), kernelPingInline));
        metrics.add(new Metric(latency("tcp-pingpong-rtt-threaded-64", TcpPingPongBenchmark.class, settings,
            Map.of("mode", "threaded", "size", "64")), kernelPingThreaded));
        metrics.add(new Metric(throughput("tcp-bulk-inline", TcpBulkBenchmark.class, settings,
            Map.of("mode", "inline")), kernelBulkInline));
        metrics.add(new Metric(throughput("tcp-bulk-threaded", TcpBulkBenchmark.class, settings,
            Map.of("mode", "threaded")), kernelBulkThreaded));
        addVeth(metrics, settings);
        System.out.println();
        System.out.print(table(metrics));
        Files.writeString(out, json(metrics, settings), StandardCharsets.UTF_8);
        System.out.println("results written to " + out.toAbsolutePath());
    }

    /**
     * The veth metrics (root only): Tachyon on AF_XDP at both ends of a veth pair against the kernel's sockets
     * (UDP and TCP ping-pong round trips), and the UDP receive rate of one thread. Where they cannot run (not root,
     * AF_XDP not usable) they are recorded as skipped with the reason.
     */
    private static void addVeth(final List<Metric> metrics, final Settings settings)
    {
        final String[][] rows = {
            {"veth-udp-rtt-64", "kernel-veth-udp-rtt-64", "us"},
            {"veth-tcp-rtt-64", "kernel-veth-tcp-rtt-64", "us"},
            {"veth-udp-rx-rate-64", "kernel-veth-udp-rx-rate-64", "datagrams/s"},
        };
        final String unavailable = VethLab.unavailableReason();
        for (final String[] row : rows)
        {
            if (unavailable != null)
            {
                metrics.add(Metric.skipped(row[0], row[1], row[2], unavailable));
                continue;
            }
            try
            {
                if (row[2].equals("us"))
                {
                    final String transport = row[0].contains("udp") ? "udp" : "tcp";
                    metrics.add(new Metric(latency(row[0], VethRttBenchmark.class, settings, Map.of("stack",
                        "tachyon", "transport", transport, "size", "64")), latency(row[1], VethRttBenchmark.class,
                        settings, Map.of("stack", "kernel", "transport", transport, "size", "64"))));
                }
                else
                {
                    metrics.add(new Metric(throughput(row[0], VethUdpRxRateBenchmark.class, settings,
                        Map.of("receiver", "tachyon", "size", "64"), row[2], 1.0), throughput(row[1],
                        VethUdpRxRateBenchmark.class, settings, Map.of("receiver", "kernel", "size", "64"), row[2],
                        1.0)));
                }
            }
            catch (final RunnerException | RuntimeException ex)
            {
                System.out.println(row[0] + " failed: " + ex.getMessage());
                metrics.add(Metric.skipped(row[0], row[1], row[2], "failed: " + ex.getMessage()));
            }
        }
    }

    /** The JMH run configuration. */
    private record Settings(int forks, int warmup, int iterations, int seconds)
    {
    }

    private static int positive(final String option, final String value)
    {
        final int n;
        try
        {
            n = Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " must be a positive integer: " + value, ex);
        }
        if (n < 1)
        {
            throw new IllegalArgumentException(option + " must be a positive integer: " + value);
        }
        return n;
    }

    private static Result<?> run(final String name, final Class<?> benchmark, final Settings settings,
        final Map<String, String> params) throws RunnerException
    {
        System.out.println("running " + name + " (" + benchmark.getSimpleName() + " " + params + ")...");
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
            .forks(settings.forks())
            .warmupIterations(settings.warmup())
            .warmupTime(TimeValue.seconds(settings.seconds()))
            .measurementIterations(settings.iterations())
            .measurementTime(TimeValue.seconds(settings.seconds()))
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT);
        for (final Map.Entry<String, String> param : params.entrySet())
        {
            options.param(param.getKey(), param.getValue());
        }
        final Collection<RunResult> results = new Runner(options.build()).run();
        if (results.size() != 1)
        {
            throw new IllegalStateException(name + ": expected one result, got " + results.size());
        }
        return results.iterator().next().getPrimaryResult();
    }

    private static Figure latency(final String name, final Class<?> benchmark, final Settings settings,
        final Map<String, String> params) throws RunnerException
    {
        final Result<?> result = run(name, benchmark, settings, params);
        final Statistics s = result.getStatistics();
        final double[] percentiles = {s.getPercentile(50.0), s.getPercentile(90.0), s.getPercentile(99.0),
            s.getPercentile(99.9)};
        if (!"us/op".equals(result.getScoreUnit()))
        {
            throw new IllegalStateException(name + ": unit " + result.getScoreUnit() + ", expected us/op");
        }
        return new Figure(name, "us", result.getScore(), percentiles);
    }

    private static Figure throughput(final String name, final Class<?> benchmark, final Settings settings,
        final Map<String, String> params) throws RunnerException
    {
        return throughput(name, benchmark, settings, params, "MB/s", MB_PER_TRANSFER);
    }

    private static Figure throughput(final String name, final Class<?> benchmark, final Settings settings,
        final Map<String, String> params, final String unit, final double perOperation) throws RunnerException
    {
        final Result<?> result = run(name, benchmark, settings, params);
        if (!"ops/s".equals(result.getScoreUnit()))
        {
            throw new IllegalStateException(name + ": unit " + result.getScoreUnit() + ", expected ops/s");
        }
        return new Figure(name, unit, result.getScore() * perOperation, null);
    }

    private static String table(final List<Metric> metrics)
    {
        final StringBuilder s = new StringBuilder();
        final String format = "%-30s %-5s %10s %9s %9s %9s %10s %10s %7s %9s%n";
        s.append(String.format(Locale.ROOT, format, "metric", "unit", "tachyon", "p50", "p99", "p99.9", "kernel",
            "kernel p50", "ratio", "p50 ratio"));
        for (final Metric m : metrics)
        {
            if (m.skipped() != null)
            {
                s.append(String.format(Locale.ROOT, "%-30s %-5s skipped: %s%n", m.tachyon().name(),
                    m.tachyon().unit(), m.skipped()));
                continue;
            }
            final double[] p = m.tachyon().percentiles();
            final double[] k = m.kernel().percentiles();
            s.append(String.format(Locale.ROOT, format, m.tachyon().name(), m.tachyon().unit(),
                number(m.tachyon().value()), p == null ? "-" : number(p[0]), p == null ? "-" : number(p[2]),
                p == null ? "-" : number(p[3]), number(m.kernel().value()), k == null ? "-" : number(k[0]),
                number(m.ratio()), p == null || k == null ? "-" : number(m.medianRatio())));
        }
        s.append("tachyon, kernel: JMH's score (mean round trip or throughput); ratio = tachyon / kernel, p50 ratio ="
            + " the medians' (a latency: below 1 is better; a throughput: above 1 is better)\n");
        return s.toString();
    }

    private static String number(final double value)
    {
        return String.format(Locale.ROOT, value >= 100 ? "%.1f" : "%.3f", value);
    }

    private static String json(final List<Metric> metrics, final Settings settings)
    {
        final StringBuilder s = new StringBuilder("{\n  \"settings\": ");
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("forks", settings.forks());
        config.put("warmupIterations", settings.warmup());
        config.put("measurementIterations", settings.iterations());
        config.put("iterationSeconds", settings.seconds());
        s.append('{');
        boolean first = true;
        for (final Map.Entry<String, Object> e : config.entrySet())
        {
            s.append(first ? "" : ", ").append(string(e.getKey())).append(": ").append(e.getValue());
            first = false;
        }
        s.append("},\n  \"metrics\": [\n");
        for (int i = 0; i < metrics.size(); i++)
        {
            final Metric m = metrics.get(i);
            final double[] p = m.tachyon().percentiles();
            s.append("    {\"name\": ").append(string(m.tachyon().name()))
                .append(", \"unit\": ").append(string(m.tachyon().unit()))
                .append(", \"value\": ").append(value(m.tachyon().value()))
                .append(", \"percentiles\": ");
            percentiles(s, p);
            s.append(", \"baseline\": {\"name\": ").append(string(m.kernel().name())).append(", \"value\": ")
                .append(value(m.kernel().value())).append(", \"percentiles\": ");
            percentiles(s, m.kernel().percentiles());
            s.append("}, \"ratio\": ").append(value(m.ratio())).append(", \"ratioP50\": ")
                .append(value(m.medianRatio()));
            if (m.skipped() != null)
            {
                s.append(", \"skipped\": ").append(string(m.skipped()));
            }
            s.append('}').append(i + 1 < metrics.size() ? ",\n" : "\n");
        }
        return s.append("  ]\n}\n").toString();
    }

    private static void percentiles(final StringBuilder s, final double[] p)
    {
        if (p == null)
        {
            s.append("null");
        }
        else
        {
            s.append("{\"p50\": ").append(value(p[0])).append(", \"p90\": ").append(value(p[1]))
                .append(", \"p99\": ").append(value(p[2])).append(", \"p999\": ").append(value(p[3])).append('}');
        }
    }

    private static String value(final double v)
    {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "null";
    }

    private static String string(final String text)
    {
        final StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default ->
                {
                    if (c < 0x20)
                    {
                        s.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
