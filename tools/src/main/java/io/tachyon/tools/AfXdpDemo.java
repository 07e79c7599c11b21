package io.tachyon.tools;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.afxdp.AfXdpConfig;
import io.tachyon.driver.afxdp.AfXdpDriver;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.time.SystemClock;
import io.tachyon.udp.UdpSocket;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code ./tachyon demo-afxdp}: a Tachyon stack on the AF_XDP driver talking to the real Linux stack. As root it
 * creates a network namespace and a veth pair (Tachyon on the root-namespace end, 10.99.0.1, no kernel address;
 * Linux in the namespace, 10.99.0.2), then runs Linux's arping, ping, socat (UDP and TCP echo) against Tachyon and
 * pings Linux from Tachyon, printing what each side saw. The namespace and the veth pair are removed at the end,
 * also on failure.
 */
public final class AfXdpDemo
{
    private static final String USAGE = "usage: ./tachyon demo-afxdp [--counters DIR]  (as root)";
    private static final SystemClock CLOCK = new SystemClock();
    private static final int TACHYON_IP = 10 << 24 | 99 << 16 | 1;
    private static final int LINUX_IP = 10 << 24 | 99 << 16 | 2;

    private final PrintStream out;
    private final String namespace;
    private final String tachyonIf;
    private final String linuxIf;
    private Stack stack;
    private Path temporaryCounters;

    private AfXdpDemo(final PrintStream out)
    {
        this.out = out;
        final long pid = ProcessHandle.current().pid() % 100_000L;
        namespace = "tachyon-demo-" + pid;
        tachyonIf = "tdm" + pid + "a";
        linuxIf = "tdm" + pid + "b";
    }

    /**
     * Runs the demo.
     *
     * @param args options.
     * @param out  standard output.
     * @param err  standard error.
     * @return the exit status: 0 when every step worked.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        Path counters = null;
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].equals("--counters") && i + 1 < args.length)
            {
                counters = Path.of(args[++i]);
            }
            else
            {
                err.println("tachyon demo-afxdp: unknown option '" + args[i] + "'\n" + USAGE);
                return 2;
            }
        }
        if (!isRoot())
        {
            err.println("tachyon demo-afxdp: needs root (AF_XDP needs CAP_NET_RAW, CAP_BPF, CAP_NET_ADMIN; the demo"
                + " creates a network namespace)\n" + USAGE);
            return 2;
        }
        for (final String tool : new String[] {"ip", "ping", "arping", "socat", "ethtool"})
        {
            if (!onPath(tool))
            {
                err.println("tachyon demo-afxdp: needs '" + tool + "' (apt-get install iproute2 iputils-ping arping"
                    + " socat ethtool)");
                return 2;
            }
        }
        final AfXdpDemo demo = new AfXdpDemo(out);
        try
        {
            return demo.run(counters);
        }
        catch (final DriverException | IOException | IllegalStateException e)
        {
            err.println("tachyon demo-afxdp: " + e.getMessage());
            return 1;
        }
        finally
        {
            demo.cleanUp();
        }
    }

    private int run(final Path countersOrNull) throws IOException
    {
        out.println("== setting up: namespace " + namespace + ", veth " + tachyonIf + " (Tachyon, "
            + Ipv4Address.toString(TACHYON_IP) + ") <-> " + linuxIf + " (Linux, " + Ipv4Address.toString(LINUX_IP)
            + ")");
        sh("ip", "netns", "add", namespace);
        sh("ip", "link", "add", tachyonIf, "numtxqueues", "1", "numrxqueues", "1", "type", "veth", "peer", "name",
            linuxIf, "numtxqueues", "1", "numrxqueues", "1");
        final Path ipv6 = Path.of("/proc/sys/net/ipv6/conf", tachyonIf, "disable_ipv6");
        if (Files.exists(ipv6))
        {
            Files.writeString(ipv6, "1");
        }
        sh("ip", "link", "set", linuxIf, "netns", namespace);
        sh("ip", "-n", namespace, "addr", "add", Ipv4Address.toString(LINUX_IP) + "/24", "dev", linuxIf);
        sh("ip", "-n", namespace, "link", "set", linuxIf, "up");
        sh("ip", "netns", "exec", namespace, "ethtool", "-K", linuxIf, "tx", "off");
        out.println("   (TX checksum offload off on the Linux end: partial checksums do not survive into XDP)");
        sh("ip", "link", "set", tachyonIf, "up");

        if (countersOrNull == null)
        {
            temporaryCounters = Files.createTempDirectory("tachyon-demo");
        }
        final Path counters = countersOrNull != null ? countersOrNull : temporaryCounters;
        try (AfXdpDriver driver = new AfXdpDriver(AfXdpConfig.builder(tachyonIf).ipv4Address(TACHYON_IP)
            .frames(1024, 1024).build()))
        {
            driver.open();
            stack = new Stack(StackConfig.builder().name("demo-afxdp").countersDirectory(counters)
                .mac(driver.macAddress()).address(TACHYON_IP, 24).build(), driver, 0, CLOCK);
            driver.start();
            stack.onStart();
            out.println("== AF_XDP driver on " + tachyonIf + ": " + driver.modeDescription());
            int failures = 0;
            failures += step("Linux arpings Tachyon", linux("arping", "-c", "2", "-w", "5", "-i", linuxIf,
                Ipv4Address.toString(TACHYON_IP)));
            failures += step("Linux pings Tachyon", linux("ping", "-c", "3", "-i", "0.2", "-W", "2",
                Ipv4Address.toString(TACHYON_IP)));
            failures += pingLinux();
            failures += udpEcho();
            failures += tcpEcho();
            out.println("== statistics of the AF_XDP socket: " + driver.statistics(0));
            stack.close();
            out.println(failures == 0 ? "== all steps worked" : "== " + failures + " step(s) failed");
            return failures == 0 ? 0 : 1;
        }
    }

    private List<String> linux(final String... command)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return full;
    }

    /** Runs a Linux command in the namespace while the stack runs; prints its output. Returns 1 on failure. */
    private int step(final String title, final List<String> command) throws IOException
    {
        out.println("== " + title + ": " + String.join(" ", command.subList(4, command.size())));
        final Path output = Files.createTempFile("tachyon-demo", ".out");
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
            runUntil(() -> !p.isAlive(), 20);
            final int exit = waitFor(p);
            for (final String line : Files.readAllLines(output, StandardCharsets.ISO_8859_1))
            {
                out.println("   " + line);
            }
            return exit == 0 ? 0 : 1;
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    private int pingLinux()
    {
        out.println("== Tachyon pings Linux (3 echo requests)");
        final int[] replies = {0};
        final long[] sent = new long[4];
        stack.icmp().echoListener((source, id, sequence, segment, offset, length, nowNs) ->
        {
            if (source == LINUX_IP && id == 0x7ac && sequence >= 1 && sequence <= 3)
            {
                replies[0]++;
                out.printf("   reply from %s: icmp_seq=%d time=%.1f us%n", Ipv4Address.toString(source), sequence,
                    (CLOCK.nanoTime() - sent[sequence]) / 1e3);
            }
        });
        final MemorySegment data = MemorySegment.ofArray(new byte[56]);
        final int[] sequence = {0};
        final long[] next = {0L};
        runUntil(() ->
        {
            if (sequence[0] < 3 && CLOCK.nanoTime() - next[0] > 0L)
            {
                sequence[0]++;
                sent[sequence[0]] = CLOCK.nanoTime();
                stack.icmp().ping(LINUX_IP, 0x7ac, sequence[0], data, 0L, 56, stack.nowNs());
                next[0] = CLOCK.nanoTime() + 200_000_000L;
            }
            return replies[0] >= 3;
        }, 5);
        return replies[0] >= 3 ? 0 : 1;
    }

    private int udpEcho() throws IOException
    {
        final UdpSocket echo = stack.openUdpSocket().bind(7);
        final byte[] buffer = new byte[2048];
        final BooleanSupplier serve = () ->
        {
            final int n = echo.receive(buffer, 0, buffer.length);
            if (n > 0)
            {
                echo.send(buffer, 0, n, echo.lastSourceAddress(), echo.lastSourcePort());
            }
            return false;
        };
        final String message = "hello over AF_XDP";
        out.println("== Linux sends a UDP datagram to Tachyon's echo port 7 and prints the answer");
        final Path output = Files.createTempFile("tachyon-demo", ".out");
        try
        {
            final Process p = new ProcessBuilder(linux("sh", "-c", "printf '" + message + "' | socat -t 2 - UDP4:"
                + Ipv4Address.toString(TACHYON_IP) + ":7")).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
            runUntil(() -> serve.getAsBoolean() || !p.isAlive(), 10);
            waitFor(p);
            final String got = Files.readString(output, StandardCharsets.ISO_8859_1);
            out.println("   socat printed: " + got.strip());
            echo.close();
            return got.contains(message) ? 0 : 1;
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    private int tcpEcho() throws IOException
    {
        final TcpListener listener = stack.tcp().listen(7, 4);
        final TcpSocket[] socket = {null};
        final byte[] buffer = new byte[4096];
        final int[] pending = {0};
        final BooleanSupplier serve = () ->
        {
            if (socket[0] == null)
            {
                socket[0] = listener.accept();
                return false;
            }
            if (pending[0] > 0)
            {
                pending[0] -= socket[0].write(buffer, 0, pending[0]);
                return false;
            }
            final int n = socket[0].read(buffer, 0, buffer.length);
            if (n > 0)
            {
                pending[0] = n;
            }
            else if (n < 0)
            {
                socket[0].close();
                socket[0] = null;
            }
            return false;
        };
        final String message = "a TCP stream through Tachyon";
        out.println("== Linux connects to Tachyon's TCP echo port 7, sends a line and prints the echo");
        final Path output = Files.createTempFile("tachyon-demo", ".out");
        try
        {
            final Process p = new ProcessBuilder(linux("sh", "-c", "printf '" + message + "' | socat -t 3 - TCP4:"
                + Ipv4Address.toString(TACHYON_IP) + ":7")).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
            runUntil(() -> serve.getAsBoolean() || !p.isAlive(), 15);
            waitFor(p);
            final String got = Files.readString(output, StandardCharsets.ISO_8859_1);
            out.println("   socat printed: " + got.strip());
            listener.close();
            return got.contains(message) ? 0 : 1;
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    private void runUntil(final BooleanSupplier done, final int seconds)
    {
        final long deadline = CLOCK.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean() && CLOCK.nanoTime() - deadline < 0L)
        {
            stack.doWork();
        }
    }

    private static int waitFor(final Process p)
    {
        try
        {
            if (!p.waitFor(5, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }

    private static void sh(final String... command) throws IOException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        final int exit = waitFor(p);
        if (exit != 0)
        {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + exit + "): " + output.strip());
        }
    }

    private void cleanUp()
    {
        if (stack != null && !stack.isClosed())
        {
            stack.close();
        }
        if (temporaryCounters != null)
        {
            try (java.util.stream.Stream<Path> files = Files.walk(temporaryCounters))
            {
                for (final Path f : files.sorted(java.util.Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(f);
                }
            }
            catch (final IOException e)
            {
                out.println("   could not delete " + temporaryCounters + ": " + e.getMessage());
            }
        }
        for (final String[] command : new String[][] {{"ip", "link", "del", tachyonIf}, {"ip", "netns", "del",
            namespace}})
        {
            try
            {
                final Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                waitFor(p);
            }
            catch (final IOException e)
            {
                out.println("   could not run " + String.join(" ", command) + ": " + e.getMessage());
            }
        }
    }

    private static boolean isRoot()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("Uid:"))
                {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        }
        catch (final IOException e)
        {
            return false;
        }
        return false;
    }

    private static boolean onPath(final String tool)
    {
        for (final String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin")
            .split(":"))
        {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)))
            {
                return true;
            }
        }
        return false;
    }
}
