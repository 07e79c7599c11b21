package io.tachyon.driver.afxdp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Whether this machine can run the privileged tests: root (for CAP_NET_ADMIN, CAP_BPF, CAP_NET_RAW), {@code ip}
 * with network namespaces, AF_XDP sockets, and the Linux tools a test needs. A test that cannot run is SKIPPED with
 * the reason, except when the environment variable {@code CI=true}, where it FAILS: CI must provide all of it.
 */
final class Privileged
{
    private static String unavailable;
    private static boolean checked;

    private Privileged()
    {
    }

    /** Skips (or, with CI=true, fails) the calling test unless root, netns and veth work here. */
    static synchronized void require()
    {
        if (!checked)
        {
            checked = true;
            unavailable = probe();
        }
        if (unavailable != null)
        {
            refuse(unavailable);
        }
    }

    /** Skips (or fails with CI=true) unless every named tool is on the PATH. */
    static void requireTools(final String... tools)
    {
        require();
        for (final String tool : tools)
        {
            if (which(tool) == null)
            {
                refuse("the tool '" + tool + "' is not installed (.ci/run installs iproute2 iputils-ping arping"
                    + " netcat-openbsd socat ethtool)");
            }
        }
    }

    private static void refuse(final String reason)
    {
        if ("true".equals(System.getenv("CI")))
        {
            fail("privileged test cannot run although CI=true: " + reason);
        }
        abort("privileged test skipped: " + reason);
    }

    private static String probe()
    {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux"))
        {
            return "not Linux";
        }
        try
        {
            final List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
            for (final String line : status)
            {
                if (line.startsWith("Uid:") && !line.split("\\s+")[2].equals("0"))
                {
                    return "not running as root (AF_XDP needs CAP_NET_RAW, CAP_BPF and CAP_NET_ADMIN)";
                }
            }
        }
        catch (final IOException e)
        {
            return "cannot read /proc/self/status: " + e;
        }
        if (which("ip") == null)
        {
            return "the 'ip' tool (iproute2) is missing";
        }
        final String probe = "tprobe" + ProcessHandle.current().pid();
        final Sh.Result r = Sh.run(10, "ip", "netns", "add", probe);
        if (r.exit() != 0)
        {
            return "cannot create a network namespace: " + r.output().strip();
        }
        Sh.run(10, "ip", "netns", "del", probe);
        return null;
    }

    static String which(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
        {
            final Path p = Path.of(dir, tool);
            if (Files.isExecutable(p))
            {
                return p.toString();
            }
        }
        for (final String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"})
        {
            final Path p = Path.of(dir, tool);
            if (Files.isExecutable(p))
            {
                return p.toString();
            }
        }
        return null;
    }
}
