package io.tachyon.tools;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./tachyon replay}: exit status and report.
 */
class ReplayTest
{
    private static Path capture(final String name)
    {
        final Path fromModule = Path.of("..", "pcaps", name);
        return Files.exists(fromModule) ? fromModule : Path.of("pcaps", name);
    }

    private static int run(final ByteArrayOutputStream out, final String... args)
    {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldExitZeroWhenTachyonSentWhatLinuxSent()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, run(out, "replay", capture("tcp-handshake-default.pcap").toString()));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Tachyon played 10.77.0.1:5001") && text.contains("0 divergences"), text);
    }

    @Test
    void shouldExitOneAndNameThePacketOnDivergence()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, run(out, "replay", capture("tcp-rst-abort.pcap").toString(), "--side", "10.77.0.1:5001"));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("packet 6 tcp-rst-flags"), text);
    }

    @Test
    void shouldExitTwoForBadArguments()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(2, run(out, "replay"));
        assertEquals(2, run(out, "replay", capture("arp.pcap").toString(), "--side", "10.77.0.300"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("not an IPv4 address"));
    }
}
