package io.tachyon.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A veth pair for the veth benchmarks (root only): end {@code a} always in the benchmark's own network namespace;
 * end {@code b} there too or in a fresh namespace. Names come from the process id and a counter, so concurrent runs
 * never collide; {@link #close()} deletes the pair and the namespace. Kernel sockets are opened inside the
 * namespace by a thread that first calls {@code setns(2)} (a thread's sockets stay in the namespace it had when it
 * created them), see {@link #enterNamespace()}.
 */
final class VethLab implements AutoCloseable
{
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final int CLONE_NEWNET = 0x4000_0000;
    private static final int O_RDONLY = 0;

    /** End a (root namespace). */
    final String a;
    /** End b. */
    final String b;
    /** The namespace holding b, or null. */
    final String namespace;
    /** An address for side a, as dotted text (10.88.S.1). */
    final String addressA;
    /** An address for side b, as dotted text (10.88.S.2). */
    final String addressB;
    private boolean closed;

    private VethLab(final boolean bInNamespace)
    {
        final long pid = ProcessHandle.current().pid() % 1_000_000L;
        final int n = COUNTER.incrementAndGet();
        a = "tb" + pid + "n" + n + "a";
        b = "tb" + pid + "n" + n + "b";
        namespace = bInNamespace ? "tachyon-bench-" + pid + "-" + n : null;
        final int subnet = (int) ((pid * 7 + n) % 250) + 1;
        addressA = "10.88." + subnet + ".1";
        addressB = "10.88." + subnet + ".2";
    }

    /**
     * Why the veth benchmarks cannot run here, or null.
     *
     * @return the reason.
     */
    static String unavailableReason()
    {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"))
        {
            return "not Linux (AF_XDP and veth are Linux features)";
        }
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("Uid:") && !line.split("\\s+")[2].equals("0"))
                {
                    return "not root (AF_XDP needs CAP_NET_RAW, CAP_BPF, CAP_NET_ADMIN; veth and netns need root)";
                }
            }
        }
        catch (final IOException e)
        {
            return "cannot read /proc/self/status";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
            && !Files.isExecutable(Path.of("/usr/bin/ip")) && !Files.isExecutable(Path.of("/bin/ip")))
        {
            return "the 'ip' tool (iproute2) is missing";
        }
        return null;
    }

    /**
     * Creates a pair, both ends up, IPv6 off, one queue each, no addresses.
     *
     * @param bInNamespace whether b goes into a fresh namespace.
     * @return the pair.
     */
    static VethLab create(final boolean bInNamespace)
    {
        final VethLab lab = new VethLab(bInNamespace);
        try
        {
            if (bInNamespace)
            {
                sh("ip", "netns", "add", lab.namespace);
            }
            sh("ip", "link", "add", lab.a, "numtxqueues", "1", "numrxqueues", "1", "type", "veth", "peer", "name",
                lab.b, "numtxqueues", "1", "numrxqueues", "1");
            sh("sysctl", "-qw", "net.ipv6.conf." + lab.a + ".disable_ipv6=1");
            if (bInNamespace)
            {
                sh("ip", "link", "set", lab.b, "netns", lab.namespace);
                sh("ip", "-n", lab.namespace, "link", "set", "lo", "up");
                sh("ip", "netns", "exec", lab.namespace, "sysctl", "-qw", "net.ipv6.conf." + lab.b
                    + ".disable_ipv6=1");
                sh("ip", "-n", lab.namespace, "link", "set", lab.b, "up");
            }
            else
            {
                sh("sysctl", "-qw", "net.ipv6.conf." + lab.b + ".disable_ipv6=1");
                sh("ip", "link", "set", lab.b, "up");
            }
            sh("ip", "link", "set", lab.a, "up");
            return lab;
        }
        catch (final RuntimeException e)
        {
            lab.close();
            throw e;
        }
    }

    /**
     * Gives end a its kernel address ({@link #addressA}/24).
     */
    void addressOnA()
    {
        sh("ip", "addr", "add", addressA + "/24", "dev", a);
    }

    /**
     * Gives end b its kernel address ({@link #addressB}/24), in its namespace.
     */
    void addressOnB()
    {
        if (namespace == null)
        {
            sh("ip", "addr", "add", addressB + "/24", "dev", b);
        }
        else
        {
            sh("ip", "-n", namespace, "addr", "add", addressB + "/24", "dev", b);
        }
    }

    /**
     * Moves the calling thread into b's namespace (setns(2)); sockets it opens afterwards live there. Use a thread
     * of its own: it stays in the namespace.
     *
     * @throws IllegalStateException when setns fails.
     */
    @SuppressWarnings("restricted")
    void enterNamespace()
    {
        final Linker linker = Linker.nativeLinker();
        final MethodHandle open = linker.downcallHandle(linker.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        final MethodHandle setns = linker.downcallHandle(linker.defaultLookup().find("setns").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        final MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment path = arena.allocateFrom("/run/netns/" + namespace);
            final int fd = (int) open.invokeExact(path, O_RDONLY);
            if (fd < 0)
            {
                throw new IllegalStateException("cannot open /run/netns/" + namespace);
            }
            final int r = (int) setns.invokeExact(fd, CLONE_NEWNET);
            final int ignored = (int) close.invokeExact(fd);
            if (r != 0 || ignored < 0)
            {
                throw new IllegalStateException("setns into " + namespace + " failed (" + r + ")");
            }
        }
        catch (final RuntimeException | Error e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("setns into " + namespace + " failed", t);
        }
    }

    /**
     * Runs a command and fails with its output unless it exits 0 within 20 s.
     *
     * @param command the command.
     */
    static void sh(final String... command)
    {
        try
        {
            final Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            if (p.exitValue() != 0)
            {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                    + output.strip());
            }
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void quiet(final String... command)
    {
        try
        {
            sh(command);
        }
        catch (final IllegalStateException e)
        {
            // already gone
        }
    }

    /** Deletes the pair and the namespace; never throws, safe twice. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        quiet("ip", "link", "del", a);
        if (namespace != null)
        {
            quiet("ip", "netns", "del", namespace);
        }
    }
}
