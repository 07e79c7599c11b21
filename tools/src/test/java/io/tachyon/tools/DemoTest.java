package io.tachyon.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTest
{
    @TempDir
    Path dir;

    @Test
    void shouldGiveTheSameRunForTheSameSeedAndADifferentOneForAnother()
    {
        final String first = run(0, args("a", "--frames", "2000", "--pings", "50", "--seed", "7"));
        final String again = run(0, args("a", "--frames", "2000", "--pings", "50", "--seed", "7"));
        final String other = run(0, args("b", "--frames", "2000", "--pings", "50", "--seed", "8"));
        assertEquals(first, again);
        assertNotEquals(first.replace(dir.resolve("a").toString(), ""), other.replace(dir.resolve("b").toString(), ""));
    }

    @Test
    void shouldShowEveryStepWithPlausibleNumbers()
    {
        final String out = run(0, args("c"));
        // 1. ARP: one request (the wire is seeded: this run loses none), B's MAC learned, B learned A's.
        assertTrue(out.contains("1. ARP: after both stacks announced themselves (gratuitous ARP), A broadcast 1 "
            + "who-has request for 10.0.0.2 and B sent 1 reply;"), out);
        assertTrue(out.contains("A learned 10.0.0.2 is-at 02:00:00:00:00:02 (REACHABLE)"), out);
        assertTrue(out.contains("B learned 10.0.0.1 is-at 02:00:00:00:00:01 from the request"), out);

        // 2. Ping: at 2% loss each way, at least 90% of 100 requests answered; RTTs of the order of the wire delay.
        final Matcher ping = find(out, "2\\. Ping A -> B: 100 echo requests of 56 bytes, one per ms: (\\d+) replies "
            + "\\(([0-9.]+)% loss\\).*rtt min/median/max ([0-9.]+)/([0-9.]+)/([0-9.]+) us\\.");
        assertTrue(Integer.parseInt(ping.group(1)) >= 90, ping.group());
        final double min = Double.parseDouble(ping.group(3));
        final double median = Double.parseDouble(ping.group(4));
        final double max = Double.parseDouble(ping.group(5));
        assertTrue(min >= 60 && min <= median && median <= max && max < 2_000, ping.group());

        // 3. UDP echo: at least 90% of 10000 echoed, some duplicates (1% duplication), p50 <= p99 <= max.
        final Matcher udp = find(out, "3\\. UDP echo: B's socket on port 7 echoes; A sent 10000 datagrams of 64 "
            + "bytes, one per 10 us \\([0-9.]+ ms\\): (\\d+) echoes back \\([0-9.]+% loss\\), (\\d+) duplicates "
            + "ignored\\.");
        assertTrue(Integer.parseInt(udp.group(1)) >= 9_000, udp.group());
        assertTrue(Integer.parseInt(udp.group(2)) > 0, udp.group());
        final Matcher rtt = find(out, "Round trip on the virtual clock: p50 ([0-9.]+) us, p99 ([0-9.]+) us, max "
            + "([0-9.]+) us");
        assertTrue(Double.parseDouble(rtt.group(1)) <= Double.parseDouble(rtt.group(2))
            && Double.parseDouble(rtt.group(2)) <= Double.parseDouble(rtt.group(3)), rtt.group());

        // 4. The 65507-byte datagram: 45 fragments, reassembled byte-exact on B and, echoed, on A.
        final Matcher big = find(out, "4\\. Fragmentation: one 65507-byte datagram A -> B:7 leaves A in 45 IPv4 "
            + "fragments \\(MTU 1500\\); B reassembled it byte-exact on attempt (\\d+); B's echo goes back in 45 "
            + "fragments and A reassembled it byte-exact on attempt (\\d+)\\.");
        assertTrue(Integer.parseInt(big.group(1)) <= Integer.parseInt(big.group(2)), big.group());
        final Matcher retries = find(out, "UDP has no retransmission .*, so the demo sent it (\\d+) times?: (\\d+) "
            + "fragments A -> B");
        assertEquals(45 * Integer.parseInt(retries.group(1)), Integer.parseInt(retries.group(2)), retries.group());

        // 5. Counters: both stacks, echo counts consistent with step 2, drops from the wire's corruption counted.
        assertTrue(out.contains("5. Counters, like netstat -s"), out);
        final Matcher a = find(out, "   A: IPv4 in (\\d+), out (\\d+); .*ICMP echo requests in 0/out 100, replies in "
            + "(\\d+)/out 0; UDP in (\\d+), out (\\d+); errors 0\\.");
        assertTrue(Long.parseLong(a.group(2)) > 10_000 && Long.parseLong(a.group(5)) > 10_000, a.group());
        final Matcher b = find(out, "   B: IPv4 in (\\d+), out (\\d+); .*ICMP echo requests in (\\d+)/out 0, "
            + "replies in 0/out (\\d+); UDP in (\\d+), out (\\d+); errors 0\\.");
        assertEquals(b.group(3), b.group(4), "B answers every echo request it receives: " + b.group());
        assertEquals(b.group(5), b.group(6), "B echoes every datagram it receives: " + b.group());
        final Matcher corrupted = find(out, "Wire A -> B .*corrupted (\\d+); B -> A .*corrupted (\\d+)\\.");
        final long corruptedTotal = Long.parseLong(corrupted.group(1)) + Long.parseLong(corrupted.group(2));
        final Matcher drops = Pattern.compile("drops: (\\d+) frames?: (\\d+) bad checksums?").matcher(out);
        long dropped = 0;
        long checksums = 0;
        while (drops.find())
        {
            dropped += Long.parseLong(drops.group(1));
            checksums += Long.parseLong(drops.group(2));
        }
        assertTrue(corruptedTotal > 0 && checksums > 0 && checksums <= dropped && dropped <= corruptedTotal,
            "corrupted frames are dropped, most for bad checksums: " + out);

        // Capture and counters files.
        assertTrue(out.contains("ARP, Request who-has 10.0.0.2 tell 10.0.0.1"), out);
        assertTrue(out.contains("ICMP echo request, id "), out);
        final Path capture = dir.resolve("c").resolve("demo.pcapng");
        assertTrue(out.contains("./tachyon decode " + capture + " prints them all."), out);
        assertTrue(out.contains("./tachyon stat demo-a --dir " + dir.resolve("c")), out);
    }

    @Test
    void shouldLeaveCountersFilesThatStatReads() throws Exception
    {
        run(0, args("d", "--frames", "300", "--pings", "5"));
        assertTrue(Files.isRegularFile(dir.resolve("d").resolve("demo.pcapng")));
        for (final String name : new String[] {"demo-a", "demo-b"})
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final int status = Stat.run(new String[] {name, "--dir", dir.resolve("d").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(),
                    true, StandardCharsets.UTF_8));
            final String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, status, text);
            assertTrue(text.contains("stack " + name) && text.contains("closed cleanly"), text);
            assertTrue(text.contains("datagrams reassembled") || text.contains("ReasmOKs"), text);
        }
    }

    @Test
    void shouldRejectBadArgumentsWithExitTwo()
    {
        assertTrue(run(2, "--frames", "0").isEmpty());
        assertTrue(run(2, "--pings", "-1").isEmpty());
        assertTrue(run(2, "--loss", "1.5").isEmpty());
        assertTrue(run(2, "--loss", "x").isEmpty());
        assertTrue(run(2, "--bogus").isEmpty());
        assertTrue(run(2, "--seed").isEmpty());
    }

    private String[] args(final String name, final String... more)
    {
        final Path base = dir.resolve(name);
        final String[] all = new String[more.length + 4];
        all[0] = "--capture";
        all[1] = base.resolve("demo.pcapng").toString();
        all[2] = "--counters";
        all[3] = base.toString();
        System.arraycopy(more, 0, all, 4, more.length);
        try
        {
            Files.createDirectories(base);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return all;
    }

    private static Matcher find(final String text, final String regex)
    {
        final Matcher matcher = Pattern.compile(regex).matcher(text);
        assertTrue(matcher.find(), "no match for /" + regex + "/ in:\n" + text);
        return matcher;
    }

    private static String run(final int expectedStatus, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = Demo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        final String error = err.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, error);
        if (expectedStatus == 2)
        {
            assertTrue(error.contains("usage: ./tachyon demo"), error);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
