package io.tachyon.tools;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * {@code ./tachyon demo}: its options, the fallback to the in-process demo, the tool list, and (privileged, as
 * root) the whole AF_XDP demo against Linux end to end.
 */
class VethDemoTest
{
    @TempDir
    Path dir;

    private record Run(int status, String out, String err)
    {
    }

    private static Run run(final String forcedReason, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = VethDemo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err,
            true, StandardCharsets.UTF_8), forcedReason);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldSayWhyInOneLineAndRunTheInProcessDemoWhenTheVethDemoCannotRun()
    {
        final Run r = run("not running as root (test)", "--counters", dir.toString(), "--capture",
            dir.resolve("demo.pcapng").toString());
        assertEquals(0, r.status(), r.err());
        final String first = r.out().lines().findFirst().orElseThrow();
        assertEquals("tachyon demo: not running as root (test), so the AF_XDP demo against Linux cannot run here;"
            + " running the in-process demo instead.", first);
        assertTrue(r.out().contains("Tachyon demo: two Tachyon stacks on 10.0.0.0/24"), r.out());
        assertTrue(r.out().contains("3. UDP echo"), r.out());
        assertTrue(Files.exists(dir.resolve("demo.pcapng")), "the in-process demo got --capture");
    }

    @Test
    void shouldRunTheInProcessDemoWithItsOwnOptionsAfterInProcess()
    {
        final Run r = run(null, "--in-process", "--frames", "200", "--pings", "5", "--counters", dir.toString(),
            "--capture", dir.resolve("p.pcapng").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Tachyon demo: two Tachyon stacks"), r.out());
        assertTrue(r.out().contains("A sent 200 datagrams"), r.out());
    }

    @Test
    void shouldRefuseBadOptionsWithTheUsage()
    {
        final Run unknown = run("x", "--frames", "10");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown option '--frames'") && unknown.err().contains("usage:"),
            unknown.err());
        assertEquals(2, run("x", "--http-port", "0").status());
        assertEquals(2, run("x", "--udp-port").status());
        assertEquals(2, run("x", "--tcp-port", "8080", "--http-port", "8080").status());
        assertTrue(run("x", "--download-mib", "ten").err().contains("--download-mib needs a number, was 'ten'"));
    }

    @Test
    void shouldParsePortsAndFlags()
    {
        final VethDemo.Options o = VethDemo.parse(new String[] {"--keep", "--udp-port", "7007", "--tcp-port", "7008",
            "--http-port", "8080", "--download-mib", "3", "--no-install"});
        assertTrue(o.keep());
        assertFalse(o.install());
        assertEquals(7007, o.udpPort());
        assertEquals(7008, o.tcpPort());
        assertEquals(8080, o.httpPort());
        assertEquals(3, o.downloadMib());
        final VethDemo.Options d = VethDemo.parse(new String[0]);
        assertEquals(7, d.udpPort());
        assertEquals(7, d.tcpPort());
        assertEquals(80, d.httpPort());
        assertTrue(d.install());
        assertThrows(IllegalArgumentException.class, () -> VethDemo.parse(new String[] {"--udp-port", "70000"}));
    }

    @Test
    void shouldNameTheDebianPackagesOfTheMissingTools()
    {
        final List<String> missing = VethDemo.missingTools(tool -> !tool.equals("nc") && !tool.equals("arping"));
        assertEquals(List.of("arping", "nc"), missing);
        assertEquals(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "arping",
            "netcat-openbsd"), VethDemo.installCommand(missing));
        assertEquals(List.of(), VethDemo.missingTools(tool -> true));
        assertEquals(7, VethDemo.missingTools(tool -> false).size());
        assertTrue(VethDemo.installCommand(VethDemo.missingTools(tool -> false)).containsAll(List.of("iproute2",
            "iputils-ping", "arping", "curl", "netcat-openbsd", "socat", "ethtool")));
    }

    @Test
    void shouldFormatRoundTripTimes()
    {
        assertEquals("rtt min/p50/p99/max 1.0/3.0/5.0/5.0 us", VethDemo.rtts(new long[] {5_000, 1_000, 3_000,
            2_000, 4_000}, 5));
        assertEquals("no round trips", VethDemo.rtts(new long[3], 0));
    }

    /** As root: the whole demo (namespace, veth, AF_XDP, every Linux tool), then nothing left behind. */
    @Test
    @Tag("privileged")
    void shouldRunTheAfXdpDemoAgainstLinuxEndToEndAndCleanUp() throws java.io.IOException
    {
        final String reason = VethDemo.unavailableReason();
        if (reason != null)
        {
            refuse(reason);
        }
        final List<String> missing = VethDemo.missingTools(VethDemo::onPath);
        if (!missing.isEmpty())
        {
            refuse("missing tools " + missing + " (" + String.join(" ", VethDemo.installCommand(missing)) + ")");
        }
        final Run r = run(null, "--no-install", "--counters", dir.toString(), "--http-port", "8080",
            "--download-mib", "10");
        final String out = r.out();
        assertEquals(0, r.status(), out + r.err());
        assertTrue(out.contains("== all 11 steps worked"), out);
        assertTrue(out.contains("3 packets transmitted, 3 packets received"), out);
        assertTrue(out.contains("5 packets transmitted, 5 received, 0% packet loss"), out);
        assertTrue(out.contains("5 sent, 5 received; rtt min/p50/p99/max"), out);
        assertTrue(out.contains("   hello over AF_XDP"), out);
        assertTrue(out.contains("   a TCP stream through Tachyon"), out);
        assertTrue(out.contains("Hello from Tachyon"), out);
        assertTrue(out.contains("HTTP 404"), out);
        assertTrue(out.contains("new connections: 1\n   hello\n   new connections: 0"), "keep-alive: " + out);
        assertTrue(out.contains("HTTP 200, 10485760 bytes in "), out);
        assertTrue(out.contains(" = that of the 10485760 generated bytes"), out);
        final Matcher pingPong = Pattern.compile("1000 of 1000 round trips of 64 bytes; rtt min/p50/p99/max "
            + "([0-9.]+)/([0-9.]+)/").matcher(out);
        assertTrue(pingPong.find() && pingPong.find(), "UDP and TCP ping-pong: " + out);
        final Matcher setUp = Pattern.compile("namespace (tachyon-demo-\\d+), veth (td\\d+a)").matcher(out);
        assertTrue(setUp.find(), out);
        assertTrue(out.contains("== cleaned up: veth " + setUp.group(2) + " and namespace " + setUp.group(1)
            + " deleted"), out);
        assertFalse(Files.exists(Path.of("/sys/class/net", setUp.group(2))), "veth deleted");
        assertFalse(Files.exists(Path.of("/run/netns", setUp.group(1))), "namespace deleted");
    }

    private static void refuse(final String reason)
    {
        if ("true".equals(System.getenv("CI")))
        {
            fail("privileged test cannot run although CI=true: " + reason);
        }
        abort("privileged test skipped: " + reason);
    }
}
