package io.tachyon.tools;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.afxdp.AfXdpConfig;
import io.tachyon.driver.afxdp.AfXdpDriver;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;
import io.tachyon.time.SystemClock;
import io.tachyon.tools.http.GeneratedContent;
import io.tachyon.tools.http.HttpServer;
import io.tachyon.udp.UdpSocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * {@code ./tachyon demo}: as root, a Tachyon stack on the AF_XDP driver serving the real Linux stack over a veth
 * pair. It creates a network namespace and a veth pair (Tachyon on the root-namespace end, {@value #TACHYON_TEXT},
 * no kernel address; Linux in the namespace, {@value #LINUX_TEXT}), runs the stack on its own thread with a UDP
 * echo and a TCP echo service (port 7) and an HTTP/1.1 server (port 80, {@link HttpServer}), then lets Linux's
 * arping, ping, nc and curl talk to it and Tachyon ping, UDP-ping-pong and TCP-ping-pong Linux (socat echo
 * servers), printing each step with its round-trip times. The namespace and veth pair are removed at the end, on
 * failure, and on Ctrl-C (a shutdown hook). {@code --keep} leaves everything running until Ctrl-C and prints the
 * commands to try by hand.
 * <p>
 * Without root, or where AF_XDP or network namespaces do not work, it says so in one line and runs the in-process
 * {@link Demo} instead ({@code --in-process} forces that). As root it installs missing Linux tools with apt-get
 * (after {@code apt-get update}) unless {@code --no-install}, and names what is still missing.
 */
public final class VethDemo
{
    /** Tachyon's address. */
    static final String TACHYON_TEXT = "10.99.0.1";
    /** Linux's address in the namespace. */
    static final String LINUX_TEXT = "10.99.0.2";
    private static final String USAGE = "usage: ./tachyon demo [--keep] [--in-process] [--udp-port N] [--tcp-port N]"
        + " [--http-port N] [--download-mib N] [--counters DIR] [--capture FILE] [--no-install]  (options of the"
        + " in-process demo go after --in-process)";
    private static final int TACHYON_IP = Ipv4Address.parse(TACHYON_TEXT);
    private static final int LINUX_IP = Ipv4Address.parse(LINUX_TEXT);
    private static final int LINUX_ECHO_PORT = 9007;
    private static final int PING_IDENTIFIER = 0x7ac;
    private static final SystemClock CLOCK = new SystemClock();
    private static final long SECOND = 1_000_000_000L;

    /** Each Linux tool the demo uses, and the Debian package that has it. */
    static final Map<String, String> TOOLS = tools();

    private final PrintStream out;
    private final Options options;
    private final String namespace;
    private final String tachyonIf;
    private final String linuxIf;
    private final List<String> missing;
    private AfXdpDriver driver;
    private Stack stack;
    private Runner runner;
    private Thread stackThread;
    private boolean cleanedUp;
    private boolean vethCreated;
    private boolean namespaceCreated;

    /** The parsed options. */
    record Options(boolean keep, boolean inProcess, int udpPort, int tcpPort, int httpPort, int downloadMib,
        Path counters, boolean install, List<String> inProcessArgs)
    {
    }

    private VethDemo(final PrintStream out, final Options options, final List<String> missing)
    {
        this.out = out;
        this.options = options;
        this.missing = missing;
        final long pid = ProcessHandle.current().pid() % 10_000_000L;
        namespace = "tachyon-demo-" + pid;
        tachyonIf = "td" + pid + "a";
        linuxIf = "td" + pid + "b";
    }

    private static Map<String, String> tools()
    {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("ip", "iproute2");
        m.put("ethtool", "ethtool");
        m.put("ping", "iputils-ping");
        m.put("arping", "arping");
        m.put("curl", "curl");
        m.put("nc", "netcat-openbsd");
        m.put("socat", "socat");
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Runs the demo: on AF_XDP against Linux when it can, else the in-process demo.
     *
     * @param args options (see the usage line).
     * @param out  standard output.
     * @param err  standard error.
     * @return 0 when every step worked; 1 when a step failed; 2 for bad options.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return run(args, out, err, null);
    }

    /**
     * Runs the demo; {@code forcedReason} (tests) pretends the veth demo cannot run, for that reason.
     */
    static int run(final String[] args, final PrintStream out, final PrintStream err, final String forcedReason)
    {
        final Options options;
        try
        {
            options = parse(args);
        }
        catch (final IllegalArgumentException e)
        {
            err.println("tachyon demo: " + e.getMessage() + "\n" + USAGE);
            return 2;
        }
        if (options.inProcess())
        {
            return Demo.run(options.inProcessArgs().toArray(new String[0]), out, err);
        }
        String reason = forcedReason != null ? forcedReason : unavailableReason();
        List<String> missing = List.of();
        if (reason == null)
        {
            missing = missingTools(VethDemo::onPath);
            if (!missing.isEmpty() && options.install())
            {
                install(missing, out);
                missing = missingTools(VethDemo::onPath);
            }
            if (missing.contains("ip") || missing.contains("ethtool"))
            {
                reason = "the tools 'ip' and 'ethtool' are needed (apt-get install iproute2 ethtool)";
            }
        }
        if (reason != null)
        {
            return fallBack(reason, options, out, err);
        }
        final VethDemo demo = new VethDemo(out, options, missing);
        final Thread hook = new Thread(demo::cleanUp, "tachyon-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            return demo.run();
        }
        catch (final Unusable e)
        {
            demo.cleanUp();
            return fallBack(e.getMessage(), options, out, err);
        }
        catch (final DriverException | IOException | IllegalStateException e)
        {
            err.println("tachyon demo: " + e.getMessage());
            return 1;
        }
        finally
        {
            demo.cleanUp();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException e)
            {
                // the JVM is shutting down (Ctrl-C): the hook runs or ran
            }
        }
    }

    private static int fallBack(final String reason, final Options options, final PrintStream out,
        final PrintStream err)
    {
        out.println("tachyon demo: " + reason + ", so the AF_XDP demo against Linux cannot run here; running the"
            + " in-process demo instead.");
        return Demo.run(options.inProcessArgs().toArray(new String[0]), out, err);
    }

    /** Parses the options. */
    static Options parse(final String[] args)
    {
        boolean keep = false;
        boolean inProcess = false;
        boolean install = true;
        int udpPort = 7;
        int tcpPort = 7;
        int httpPort = 80;
        int downloadMib = 10;
        Path counters = null;
        final List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            if (inProcess)
            {
                rest.add(args[i]);
                continue;
            }
            switch (args[i])
            {
                case "--keep" -> keep = true;
                case "--in-process" -> inProcess = true;
                case "--no-install" -> install = false;
                case "--udp-port" -> udpPort = port(args, ++i, "--udp-port");
                case "--tcp-port" -> tcpPort = port(args, ++i, "--tcp-port");
                case "--http-port" -> httpPort = port(args, ++i, "--http-port");
                case "--download-mib" ->
                {
                    downloadMib = number(args, ++i, "--download-mib");
                    if (downloadMib < 1 || downloadMib > 4096)
                    {
                        throw new IllegalArgumentException("--download-mib must be 1..4096, was " + downloadMib);
                    }
                }
                case "--counters" ->
                {
                    counters = Path.of(value(args, ++i, "--counters"));
                    rest.add("--counters");
                    rest.add(counters.toString());
                }
                case "--capture" ->
                {
                    // only the in-process demo records a capture
                    rest.add("--capture");
                    rest.add(value(args, ++i, "--capture"));
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (tcpPort == httpPort)
        {
            throw new IllegalArgumentException("--tcp-port and --http-port must differ, both were " + tcpPort);
        }
        return new Options(keep, inProcess, udpPort, tcpPort, httpPort, downloadMib, counters, install,
            List.copyOf(rest));
    }

    private static String value(final String[] args, final int index, final String option)
    {
        if (index >= args.length)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static int number(final String[] args, final int index, final String option)
    {
        final String text = value(args, index, option);
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(option + " needs a number, was '" + text + "'", e);
        }
    }

    private static int port(final String[] args, final int index, final String option)
    {
        final int port = number(args, index, option);
        if (port < 1 || port > 65_535)
        {
            throw new IllegalArgumentException(option + " must be 1..65535, was " + port);
        }
        return port;
    }

    /** Why the veth demo cannot run here, or null when it can (root on Linux with network namespaces). */
    static String unavailableReason()
    {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"))
        {
            return "this is not Linux (AF_XDP is a Linux feature)";
        }
        if (!isRoot())
        {
            return "not running as root (AF_XDP needs CAP_NET_RAW, CAP_BPF and CAP_NET_ADMIN, and the demo creates"
                + " a network namespace; try: sudo ./tachyon demo)";
        }
        if (!Files.exists(Path.of("/proc/self/ns/net")))
        {
            return "this kernel has no network namespaces";
        }
        return null;
    }

    /** The tools (keys of {@link #TOOLS}) for which {@code onPath} is false. */
    static List<String> missingTools(final Predicate<String> onPath)
    {
        final List<String> missing = new ArrayList<>();
        for (final String tool : TOOLS.keySet())
        {
            if (!onPath.test(tool))
            {
                missing.add(tool);
            }
        }
        return missing;
    }

    /** The apt-get command line that installs the packages of the missing tools. */
    static List<String> installCommand(final List<String> missingTools)
    {
        final List<String> command = new ArrayList<>(List.of("apt-get", "install", "-y", "-q",
            "--no-install-recommends"));
        for (final String tool : missingTools)
        {
            final String pkg = TOOLS.get(tool);
            if (pkg != null && !command.contains(pkg))
            {
                command.add(pkg);
            }
        }
        return command;
    }

    private static void install(final List<String> missingTools, final PrintStream out)
    {
        final List<String> command = installCommand(missingTools);
        if (!onPath("apt-get"))
        {
            out.println("tachyon demo: missing tools " + missingTools + "; no apt-get here, install the packages "
                + command.subList(5, command.size()) + " yourself");
            return;
        }
        out.println("== installing missing tools " + missingTools + ": apt-get update && " + String.join(" ",
            command));
        final int update = quiet(List.of("apt-get", "update", "-q"), 300);
        final int exit = update == 0 ? quiet(command, 600) : update;
        if (exit != 0)
        {
            out.println("   apt-get failed (exit " + exit + "); steps that need " + missingTools + " are skipped");
        }
    }

    private static int quiet(final List<String> command, final int seconds)
    {
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return waitFor(p, seconds);
        }
        catch (final IOException e)
        {
            return -1;
        }
    }

    /** A reason to fall back to the in-process demo, found while setting up. */
    private static final class Unusable extends Exception
    {
        private static final long serialVersionUID = 1L;

        Unusable(final String message)
        {
            super(message);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The run
    // ------------------------------------------------------------------------------------------------------------

    private int run() throws IOException, Unusable
    {
        setUp();
        out.println("== AF_XDP driver on " + tachyonIf + ": " + driver.modeDescription());
        out.println("== Tachyon serves UDP echo on port " + options.udpPort() + ", TCP echo on port "
            + options.tcpPort() + " and HTTP/1.1 on port " + options.httpPort() + " (stack thread "
            + stackThread.getName() + ")");
        int failures = 0;
        int steps = 0;
        final List<Step> plan = plan();
        for (final Step step : plan)
        {
            final String tool = step.tool();
            if (tool != null && missing.contains(tool))
            {
                out.println("== " + step.title() + ": skipped, '" + tool + "' is not installed (apt-get install "
                    + TOOLS.get(tool) + ")");
                continue;
            }
            out.println("== " + step.title());
            steps++;
            boolean ok;
            try
            {
                ok = step.action().run();
            }
            catch (final IOException | RuntimeException e)
            {
                out.println("   failed: " + e);
                ok = false;
            }
            if (!ok)
            {
                failures++;
                out.println("   FAILED");
            }
            if (runner.failure != null)
            {
                out.println("   the stack thread failed: " + runner.failure);
                failures++;
                break;
            }
        }
        out.println("== statistics of the AF_XDP socket: " + driver.statistics(0));
        out.println(failures == 0 ? "== all " + steps + " steps worked" : "== " + failures + " of " + steps
            + " steps failed");
        if (options.keep())
        {
            keep();
        }
        return failures == 0 ? 0 : 1;
    }

    /** One step of the demo. */
    private record Step(String title, String tool, Action action)
    {
    }

    /** What a step does; true when it worked. */
    @FunctionalInterface
    private interface Action
    {
        boolean run() throws IOException;
    }

    private List<Step> plan()
    {
        final String t = TACHYON_TEXT;
        final long download = (long) options.downloadMib() << 20;
        final String url = "http://" + t + (options.httpPort() == 80 ? "" : ":" + options.httpPort());
        final List<Step> plan = new ArrayList<>();
        plan.add(new Step("Linux arpings Tachyon: arping -c 3 -w 5 -i " + linuxIf + " " + t, "arping",
            () -> linux(10, "arping", "-c", "3", "-w", "5", "-i", linuxIf, t).exit() == 0));
        plan.add(new Step("Linux pings Tachyon: ping -c 5 -i 0.2 " + t, "ping",
            () -> linux(15, "ping", "-c", "5", "-i", "0.2", "-W", "2", t).exit() == 0));
        plan.add(new Step("Tachyon pings Linux (5 echo requests of 56 bytes, 200 ms apart)", null, this::pingLinux));
        final String udpMessage = "hello over AF_XDP";
        plan.add(new Step("Linux sends a UDP datagram to Tachyon's echo port: echo '" + udpMessage + "' | nc -u -w 1 "
            + t + " " + options.udpPort(), "nc", () -> linux(10, "sh", "-c", "echo '" + udpMessage + "' | nc -u -w 1 "
            + t + " " + options.udpPort()).output().contains(udpMessage)));
        final String tcpMessage = "a TCP stream through Tachyon";
        plan.add(new Step("Linux connects to Tachyon's TCP echo port: echo '" + tcpMessage + "' | nc -N -w 3 " + t
            + " " + options.tcpPort(), "nc", () -> linux(10, "sh", "-c", "echo '" + tcpMessage + "' | nc -N -w 3 "
            + t + " " + options.tcpPort()).output().contains(tcpMessage)));
        plan.add(new Step("Linux fetches a page: curl -sS " + url + "/", "curl",
            () -> linux(15, "curl", "-sS", "--max-time", "10", url + "/").output().contains("Tachyon")));
        plan.add(new Step("Linux fetches /hello twice on one kept-alive connection: curl -sS -w 'new connections:"
            + " %{num_connects}\\n' " + url + "/hello " + url + "/hello", "curl", () -> linux(15, "curl", "-sS",
            "--max-time", "10", "-w", "new connections: %{num_connects}\n", url + "/hello", url + "/hello")
            .output().contains("new connections: 1\nhello\nnew connections: 0")));
        plan.add(new Step("Linux asks for a missing page: curl -sS -w 'HTTP %{http_code}\\n' " + url + "/nope",
            "curl", () -> linux(15, "curl", "-sS", "--max-time", "10", "-w", "HTTP %{http_code}\\n", url + "/nope")
            .output().contains("HTTP 404")));
        plan.add(new Step("Linux downloads " + options.downloadMib() + " MiB over HTTP: curl -o FILE " + url
            + "/bytes/" + options.downloadMib() + "M, then sha256sum", "curl", () -> download(url + "/bytes/"
            + options.downloadMib() + "M", download)));
        plan.add(new Step("Tachyon sends 1000 UDP datagrams of 64 bytes to a Linux echo server (socat, port "
            + LINUX_ECHO_PORT + "), one at a time", "socat", () -> pingPong(false)));
        plan.add(new Step("Tachyon connects to a Linux TCP echo server (socat, port " + LINUX_ECHO_PORT + ") and"
            + " ping-pongs 1000 messages of 64 bytes", "socat", () -> pingPong(true)));
        return plan;
    }

    private void setUp() throws IOException, Unusable
    {
        out.println("== setting up: namespace " + namespace + ", veth " + tachyonIf + " (Tachyon, " + TACHYON_TEXT
            + ", no kernel address) <-> " + linuxIf + " (Linux, " + LINUX_TEXT + "/24, in the namespace)");
        final Result ns = sh(20, "ip", "netns", "add", namespace);
        if (ns.exit() != 0)
        {
            throw new Unusable("network namespaces do not work here (ip netns add: " + ns.output().strip() + ")");
        }
        namespaceCreated = true;
        final Result veth = sh(20, "ip", "link", "add", tachyonIf, "numtxqueues", "1", "numrxqueues", "1", "type",
            "veth", "peer", "name", linuxIf, "numtxqueues", "1", "numrxqueues", "1");
        if (veth.exit() != 0)
        {
            throw new Unusable("veth pairs cannot be created here (" + veth.output().strip() + ")");
        }
        vethCreated = true;
        final Path ipv6 = Path.of("/proc/sys/net/ipv6/conf", tachyonIf, "disable_ipv6");
        if (Files.exists(ipv6))
        {
            Files.writeString(ipv6, "1");
        }
        check("ip", "link", "set", linuxIf, "netns", namespace);
        check("ip", "-n", namespace, "link", "set", "lo", "up");
        sh(20, "ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf." + linuxIf + ".disable_ipv6=1");
        check("ip", "-n", namespace, "addr", "add", LINUX_TEXT + "/24", "dev", linuxIf);
        check("ip", "-n", namespace, "link", "set", linuxIf, "up");
        check("ip", "netns", "exec", namespace, "ethtool", "-K", linuxIf, "tx", "off");
        out.println("   (TX checksum offload off on the Linux end: partial checksums do not survive into XDP)");
        check("ip", "link", "set", tachyonIf, "up");
        try
        {
            driver = new AfXdpDriver(AfXdpConfig.builder(tachyonIf).ipv4Address(TACHYON_IP).frames(2048, 2048)
                .build());
            driver.open();
        }
        catch (final DriverException | UnsatisfiedLinkError | IllegalCallerException e)
        {
            throw new Unusable("AF_XDP is not usable here (" + e.getMessage() + ")");
        }
        final StackConfig.Builder config = StackConfig.builder().name("demo").mac(driver.macAddress())
            .address(TACHYON_IP, 24);
        if (options.counters() != null)
        {
            config.countersDirectory(options.counters());
        }
        stack = new Stack(config.build(), driver, 0, CLOCK);
        driver.start();
        stack.onStart();
        runner = new Runner(stack, options);
        stackThread = new Thread(runner, "tachyon-stack");
        stackThread.setDaemon(true);
        stackThread.start();
        final CompletableFuture<String> ready = runner.submit(Job.NONE);
        await(ready, 10);
    }

    private void keep()
    {
        final String x = "ip netns exec " + namespace + " ";
        final String url = "http://" + TACHYON_TEXT + (options.httpPort() == 80 ? "" : ":" + options.httpPort());
        out.println("== running until Ctrl-C; try, from another terminal (as root):");
        out.println("   " + x + "ping " + TACHYON_TEXT);
        out.println("   " + x + "arping -c 3 -i " + linuxIf + " " + TACHYON_TEXT);
        out.println("   " + x + "curl " + url + "/");
        out.println("   " + x + "curl -o /dev/null " + url + "/bytes/100M");
        out.println("   echo hello | " + x + "nc -u -w 1 " + TACHYON_TEXT + " " + options.udpPort());
        out.println("   " + x + "nc " + TACHYON_TEXT + " " + options.tcpPort() + "     (type lines; Ctrl-D ends)");
        out.println("   " + x + "bash     (a shell on the Linux side)");
        out.println("   ./tachyon stat demo" + (options.counters() == null ? "" : " --dir " + options.counters())
            + "     (Tachyon's counters)");
        out.flush();
        runner.idleBackOff = true;
        try
        {
            stackThread.join();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the stack thread, closes the stack and the driver, deletes the veth pair and the namespace. */
    private synchronized void cleanUp()
    {
        if (cleanedUp)
        {
            return;
        }
        cleanedUp = true;
        if (runner != null)
        {
            runner.running = false;
            try
            {
                stackThread.join(5_000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (stack != null && !stack.isClosed())
        {
            stack.close();
        }
        if (driver != null)
        {
            driver.close();
        }
        if (vethCreated)
        {
            sh(20, "ip", "link", "del", tachyonIf);
        }
        if (namespaceCreated)
        {
            sh(20, "ip", "netns", "del", namespace);
        }
        if (vethCreated || namespaceCreated)
        {
            out.println("== cleaned up: veth " + tachyonIf + " and namespace " + namespace + " deleted");
            out.flush();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Steps
    // ------------------------------------------------------------------------------------------------------------

    private Result linux(final int seconds, final String... command)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        final Result r = sh(seconds, full.toArray(new String[0]));
        for (final String line : r.output().split("\n"))
        {
            if (!line.isBlank())
            {
                out.println("   " + line);
            }
        }
        if (r.exit() != 0)
        {
            out.println("   (exit status " + r.exit() + ")");
        }
        return r;
    }

    private boolean pingLinux() throws IOException
    {
        final PingJob job = new PingJob(5);
        final String text = await(runner.submit(job), 10);
        out.print(text);
        return job.replies == 5;
    }

    private boolean download(final String url, final long length) throws IOException
    {
        final Path file = Files.createTempFile("tachyon-demo", ".bin");
        try
        {
            final Result r = linux(120, "curl", "-sS", "--max-time", "100", "-o", file.toString(), "-w",
                "HTTP %{http_code}, %{size_download} bytes in %{time_total} s (connect %{time_connect} s, first"
                + " byte %{time_starttransfer} s), %{speed_download} bytes/s\\n", url);
            if (r.exit() != 0)
            {
                return false;
            }
            final String got = sha256(file);
            final String expected = expectedSha256(length);
            out.println("   sha256 of the file: " + got + (got.equals(expected) ? " = " : " != ") + "that of the "
                + length + " generated bytes");
            return got.equals(expected) && Files.size(file) == length;
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    private boolean pingPong(final boolean tcp) throws IOException
    {
        final String address = tcp ? "TCP4-LISTEN:" + LINUX_ECHO_PORT + ",reuseaddr" : "UDP4-LISTEN:"
            + LINUX_ECHO_PORT + ",reuseaddr";
        final Started server = start("ip", "netns", "exec", namespace, "socat", "-T", "10", address, "PIPE");
        try
        {
            final PingPongJob job = new PingPongJob(tcp, 1000, 64);
            final String text = await(runner.submit(job), 30);
            out.print(text);
            return job.done == job.count;
        }
        finally
        {
            server.process().destroy();
            waitFor(server.process(), 5);
            Files.deleteIfExists(server.output());
        }
    }

    private static String sha256(final Path file) throws IOException
    {
        try (InputStream in = Files.newInputStream(file))
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer))
            {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
    }

    /**
     * The SHA-256 (hex) of the first {@code length} bytes of {@link GeneratedContent}: what a download of
     * {@code /bytes/length} must hash to.
     */
    static String expectedSha256(final long length)
    {
        try
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final byte[] buffer = new byte[1 << 16];
            for (long done = 0; done < length; )
            {
                final int n = (int) Math.min(buffer.length, length - done);
                GeneratedContent.fill(done, buffer, 0, n);
                digest.update(buffer, 0, n);
                done += n;
            }
            return HexFormat.of().formatHex(digest.digest());
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
    }

    private static String await(final CompletableFuture<String> result, final int seconds)
    {
        try
        {
            return result.get(seconds, TimeUnit.SECONDS);
        }
        catch (final TimeoutException e)
        {
            throw new IllegalStateException("the stack thread did not finish a step within " + seconds + " s", e);
        }
        catch (final ExecutionException e)
        {
            throw new IllegalStateException("the stack thread failed: " + e.getCause(), e.getCause());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Formats round-trip times (ns) as min/p50/p99/max in microseconds. */
    static String rtts(final long[] ns, final int count)
    {
        if (count == 0)
        {
            return "no round trips";
        }
        final long[] sorted = Arrays.copyOf(ns, count);
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "rtt min/p50/p99/max %.1f/%.1f/%.1f/%.1f us", sorted[0] / 1e3,
            sorted[(count - 1) / 2] / 1e3, sorted[(int) Math.min(count - 1, Math.ceil(count * 0.99) - 1)] / 1e3,
            sorted[count - 1] / 1e3);
    }

    // ------------------------------------------------------------------------------------------------------------
    // The stack thread
    // ------------------------------------------------------------------------------------------------------------

    /** Something the stack thread does for the main thread, step by step, until it says it is done. */
    private abstract static class Job
    {
        /** A job that finishes at once (to learn that the stack thread runs). */
        static final Job NONE = new Job()
        {
            @Override
            boolean step(final Stack stack, final long now)
            {
                return true;
            }

            @Override
            String report()
            {
                return "";
            }
        };

        /** One step on the stack thread; true when finished. */
        abstract boolean step(Stack stack, long now);

        /** The text to print, called on the stack thread once {@link #step} returned true. */
        abstract String report();
    }

    /** A job handed to the stack thread and where its report goes. */
    private record Submitted(Job job, CompletableFuture<String> result)
    {
    }

    /** The stack thread: the stack, the services, and the jobs of the main thread. */
    private static final class Runner implements Runnable
    {
        private final Stack stack;
        private final Options options;
        private final ConcurrentLinkedQueue<Submitted> jobs = new ConcurrentLinkedQueue<>();
        volatile boolean running = true;
        volatile boolean idleBackOff;
        volatile Throwable failure;

        Runner(final Stack stack, final Options options)
        {
            this.stack = stack;
            this.options = options;
        }

        CompletableFuture<String> submit(final Job job)
        {
            final CompletableFuture<String> result = new CompletableFuture<>();
            jobs.add(new Submitted(job, result));
            return result;
        }

        @Override
        public void run()
        {
            final UdpEcho udp = new UdpEcho(stack.openUdpSocket().bind(options.udpPort()));
            final TcpEcho tcp = new TcpEcho(stack.tcp().listen(options.tcpPort(), 16));
            final HttpServer http = new HttpServer(stack.tcp().listen(options.httpPort(), 16), 32, 4L << 30);
            http.page("/", "text/plain; charset=utf-8", () -> "Hello from Tachyon, a Java TCP/IP stack on AF_XDP.\n"
                + "Try /bytes/N (N bytes, e.g. /bytes/10M) and /hello.\n"
                + "Before this one, this server answered " + http.requests() + " requests with " + http.bodyBytes()
                + " body bytes.\n");
            http.page("/hello", "text/plain; charset=utf-8", () -> "hello\n");
            Submitted current = null;
            long lastWork = CLOCK.nanoTime();
            try
            {
                while (running)
                {
                    boolean worked = stack.doWork() > 0;
                    worked |= udp.poll();
                    worked |= tcp.poll();
                    worked |= http.poll();
                    if (current == null)
                    {
                        current = jobs.poll();
                    }
                    if (current != null)
                    {
                        if (current.job().step(stack, stack.nowNs()))
                        {
                            current.result().complete(current.job().report());
                            current = null;
                        }
                        worked = true;
                    }
                    final long now = CLOCK.nanoTime();
                    if (worked)
                    {
                        lastWork = now;
                    }
                    else if (idleBackOff && now - lastWork > SECOND)
                    {
                        LockSupport.parkNanos(50_000L);
                    }
                }
            }
            catch (final RuntimeException | Error e)
            {
                failure = e;
                if (current != null)
                {
                    current.result().completeExceptionally(e);
                }
            }
            finally
            {
                http.close();
                tcp.close();
                udp.socket.close();
            }
        }
    }

    /** UDP echo: every datagram goes back to its sender. */
    private static final class UdpEcho
    {
        final UdpSocket socket;
        private final byte[] buffer = new byte[65_536];

        UdpEcho(final UdpSocket socket)
        {
            this.socket = socket;
        }

        boolean poll()
        {
            boolean worked = false;
            for (int n = socket.receive(buffer, 0, buffer.length); n >= 0; n = socket.receive(buffer, 0,
                buffer.length))
            {
                socket.send(buffer, 0, n, socket.lastSourceAddress(), socket.lastSourcePort());
                worked = true;
            }
            return worked;
        }
    }

    /** TCP echo for up to 16 connections; each is closed after the peer's FIN once all is echoed. */
    private static final class TcpEcho
    {
        private final TcpListener listener;
        private final List<TcpSocket> sockets = new ArrayList<>();
        private final List<int[]> pending = new ArrayList<>();
        private final List<byte[]> buffers = new ArrayList<>();

        TcpEcho(final TcpListener listener)
        {
            this.listener = listener;
        }

        boolean poll()
        {
            boolean worked = false;
            for (TcpSocket s = listener.accept(); s != null; s = listener.accept())
            {
                sockets.add(s.nodelay(true));
                pending.add(new int[2]);
                buffers.add(new byte[16_384]);
                worked = true;
            }
            for (int i = sockets.size() - 1; i >= 0; i--)
            {
                final TcpSocket s = sockets.get(i);
                final int[] p = pending.get(i);
                final byte[] buffer = buffers.get(i);
                if (s.state() == TcpState.CLOSED)
                {
                    s.close();
                    remove(i);
                    continue;
                }
                if (p[1] > 0)
                {
                    final int w = s.write(buffer, p[0], p[1]);
                    p[0] += w;
                    p[1] -= w;
                    worked |= w > 0;
                    continue;
                }
                final int n = s.read(buffer, 0, buffer.length);
                if (n > 0)
                {
                    p[0] = 0;
                    p[1] = n;
                    worked = true;
                }
                else if (n < 0)
                {
                    s.close();
                    remove(i);
                    worked = true;
                }
            }
            return worked;
        }

        private void remove(final int i)
        {
            sockets.remove(i);
            pending.remove(i);
            buffers.remove(i);
        }

        void close()
        {
            for (final TcpSocket s : sockets)
            {
                s.close();
            }
            listener.close();
        }
    }

    /** Tachyon pings Linux. */
    private static final class PingJob extends Job
    {
        private final int count;
        private final long[] sent;
        private final long[] rtt;
        private final StringBuilder text = new StringBuilder();
        private final MemorySegment data = MemorySegment.ofArray(new byte[56]);
        private int sequence;
        private long next;
        private long deadline;
        int replies;

        PingJob(final int count)
        {
            this.count = count;
            sent = new long[count + 1];
            rtt = new long[count];
        }

        @Override
        boolean step(final Stack stack, final long now)
        {
            if (sequence == 0 && deadline == 0)
            {
                deadline = now + 5 * SECOND;
                stack.icmp().echoListener((source, id, seq, segment, offset, length, nowNs) ->
                {
                    if (source == LINUX_IP && id == PING_IDENTIFIER && seq >= 1 && seq <= count && rtt[seq - 1] == 0)
                    {
                        rtt[seq - 1] = nowNs - sent[seq];
                        text.append(String.format(Locale.ROOT, "   %d bytes from %s: icmp_seq=%d time=%.1f us%n",
                            length + 8, Ipv4Address.toString(source), seq, rtt[seq - 1] / 1e3));
                        replies++;
                    }
                });
            }
            if (sequence < count && now - next >= 0)
            {
                sequence++;
                sent[sequence] = now;
                stack.icmp().ping(LINUX_IP, PING_IDENTIFIER, sequence, data, 0L, 56, now);
                next = now + SECOND / 5;
            }
            if (replies == count || now - deadline > 0)
            {
                stack.icmp().echoListener(null);
                return true;
            }
            return false;
        }

        @Override
        String report()
        {
            final long[] got = new long[replies];
            int n = 0;
            for (final long r : rtt)
            {
                if (r != 0 && n < got.length)
                {
                    got[n++] = r;
                }
            }
            return text + "   " + count + " sent, " + replies + " received; " + rtts(got, n) + "\n";
        }
    }

    /** Tachyon ping-pongs UDP datagrams or TCP messages with a Linux echo server. */
    private static final class PingPongJob extends Job
    {
        private final boolean tcp;
        final int count;
        private final int size;
        private final byte[] message;
        private final byte[] reply;
        private final long[] rtt;
        private UdpSocket udp;
        private TcpSocket socket;
        private long deadline;
        private long sentAt;
        private long nextTry;
        private int got;
        private boolean inFlight;
        int done;
        private String problem = "";

        PingPongJob(final boolean tcp, final int count, final int size)
        {
            this.tcp = tcp;
            this.count = count;
            this.size = size;
            message = new byte[size];
            reply = new byte[size];
            rtt = new long[count];
        }

        @Override
        boolean step(final Stack stack, final long now)
        {
            if (deadline == 0)
            {
                deadline = now + 20 * SECOND;
                if (!tcp)
                {
                    udp = stack.openUdpSocket().bind(0);
                }
            }
            if (now - deadline > 0)
            {
                problem = " (timed out)";
                return finish();
            }
            if (tcp)
            {
                return stepTcp(stack, now);
            }
            return stepUdp(now);
        }

        private boolean stepUdp(final long now)
        {
            if (inFlight)
            {
                final int n = udp.receive(reply, 0, reply.length);
                if (n == size && udp.lastSourceAddress() == LINUX_IP && reply[0] == message[0])
                {
                    rtt[done++] = now - sentAt;
                    inFlight = false;
                }
                else if (now - sentAt > SECOND / 2)
                {
                    inFlight = false;
                }
            }
            if (!inFlight && done < count && now - nextTry >= 0)
            {
                message[0] = (byte) done;
                sentAt = now;
                inFlight = udp.send(message, 0, size, LINUX_IP, LINUX_ECHO_PORT);
                // socat may not listen yet, or ARP may be pending: retry a little later
                nextTry = now + SECOND / 1000;
            }
            return done == count && finish();
        }

        private boolean stepTcp(final Stack stack, final long now)
        {
            if (socket == null)
            {
                if (now - nextTry >= 0)
                {
                    socket = stack.tcp().open().nodelay(true).connect(LINUX_IP, LINUX_ECHO_PORT);
                    nextTry = now + SECOND / 10;
                }
                return false;
            }
            if (socket.state() == TcpState.CLOSED)
            {
                if (done > 0)
                {
                    problem = " (connection ended: " + socket.error() + ")";
                    return finish();
                }
                // socat may not be listening yet (refused): connect again 100 ms after the last try
                socket.close();
                socket = null;
                return false;
            }
            if (!socket.isEstablished())
            {
                return false;
            }
            if (!inFlight)
            {
                if (done == count)
                {
                    return finish();
                }
                sentAt = now;
                got = 0;
                inFlight = socket.write(message, 0, size) == size;
                return false;
            }
            final int n = socket.read(reply, got, size - got);
            if (n > 0)
            {
                got += n;
                if (got == size)
                {
                    rtt[done++] = now - sentAt;
                    inFlight = false;
                }
            }
            return false;
        }

        private boolean finish()
        {
            if (socket != null)
            {
                socket.close();
            }
            if (udp != null)
            {
                udp.close();
            }
            return true;
        }

        @Override
        String report()
        {
            return "   " + done + " of " + count + " round trips of " + size + " bytes" + problem + "; " + rtts(rtt,
                done) + "\n";
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Processes
    // ------------------------------------------------------------------------------------------------------------

    /** What a command did: exit status (-1 when killed at its time limit) and output (stdout and stderr). */
    record Result(int exit, String output)
    {
    }

    /** A command started in the background, its output going to a file. */
    private record Started(Process process, Path output)
    {
    }

    private static Started start(final String... command) throws IOException
    {
        final Path output = Files.createTempFile("tachyon-demo", ".out");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(output.toFile());
        // curl in the namespace must talk to Tachyon directly, never through the user's proxy
        builder.environment().keySet().removeIf(name -> name.toLowerCase(Locale.ROOT).endsWith("_proxy"));
        return new Started(builder.start(), output);
    }

    private static Result sh(final int seconds, final String... command)
    {
        try
        {
            final Started s = start(command);
            try
            {
                final int exit = waitFor(s.process(), seconds);
                return new Result(exit, Files.readString(s.output(), StandardCharsets.ISO_8859_1));
            }
            finally
            {
                Files.deleteIfExists(s.output());
            }
        }
        catch (final IOException e)
        {
            return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        }
    }

    private static void check(final String... command)
    {
        final Result r = sh(20, command);
        if (r.exit() != 0)
        {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit() + "): "
                + r.output().strip());
        }
    }

    private static int waitFor(final Process p, final int seconds)
    {
        try
        {
            if (!p.waitFor(seconds, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
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

    static boolean isRoot()
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

    static boolean onPath(final String tool)
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
