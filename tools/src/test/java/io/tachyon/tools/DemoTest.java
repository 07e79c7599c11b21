package io.tachyon.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
        final String first = run(0, "--frames", "2000", "--seed", "7", "--capture", dir.resolve("a.pcapng").toString());
        final String again = run(0, "--frames", "2000", "--seed", "7", "--capture", dir.resolve("a.pcapng").toString());
        final String other = run(0, "--frames", "2000", "--seed", "8", "--capture", dir.resolve("b.pcapng").toString());
        assertEquals(first.replace("a.pcapng", ""), again.replace("a.pcapng", ""));
        assertNotEquals(first.replace("a.pcapng", ""), other.replace("b.pcapng", ""));
        assertTrue(first.contains("Wire A -> B: sent 2000,"), first);
        assertTrue(first.contains("IP 10.0.0.1.40000 > 10.0.0.2.7: UDP, length 64"), first);
    }

    @Test
    void shouldDeliverEveryEchoOnALosslessWire()
    {
        final String out = run(0, "--frames", "500", "--loss", "0", "--capture", dir.resolve("c.pcapng").toString());
        // Duplication and corruption stay on, so only count what must hold: nothing lost on the wire.
        assertTrue(out.contains("Wire A -> B: sent 500,") && out.contains(" lost 0,"), out);
    }

    @Test
    void shouldRejectBadArgumentsWithExitTwo()
    {
        assertTrue(run(2, "--frames", "0").isEmpty());
        assertTrue(run(2, "--loss", "1.5").isEmpty());
        assertTrue(run(2, "--bogus").isEmpty());
        assertTrue(run(2, "--seed").isEmpty());
    }

    private static String run(final int expectedStatus, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = Demo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(expectedStatus, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
