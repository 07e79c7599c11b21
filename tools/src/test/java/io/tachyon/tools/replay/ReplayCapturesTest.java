package io.tachyon.tools.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays every capture committed in pcaps/ (Linux reference sessions, see pcaps/README.md), once with Tachyon as
 * the server (the default side) and once as the client 10.77.0.2, and asserts that Tachyon diverges from Linux
 * exactly where pcaps/expected-divergences.tsv says, each with a reason. Client-side entries name the capture as
 * {@code CAPTURE@10.77.0.2}.
 */
@Timeout(120)
class ReplayCapturesTest
{
    static Path pcaps()
    {
        final Path fromModule = Path.of("..", "pcaps");
        final Path dir = Files.isDirectory(fromModule) ? fromModule : Path.of("pcaps");
        assertTrue(Files.isDirectory(dir), "the repository's pcaps/ directory is missing: " + dir.toAbsolutePath());
        return dir;
    }

    static final String CLIENT = "10.77.0.2";

    static Stream<Arguments> capturesAndSides() throws IOException
    {
        final List<Arguments> cases = new ArrayList<>();
        captures().forEach(p ->
        {
            cases.add(Arguments.of(p, null));
            cases.add(Arguments.of(p, CLIENT));
        });
        return cases.stream();
    }

    static Stream<Path> captures() throws IOException
    {
        try (Stream<Path> files = Files.list(pcaps()))
        {
            final List<Path> list = files.filter(p -> p.getFileName().toString().endsWith(".pcap")).sorted().toList();
            assertFalse(list.isEmpty(), "no captures in " + pcaps());
            return list.stream();
        }
    }

    /** Capture name to the set of "packet code" keys expected, read from the TSV. */
    static Map<String, TreeSet<String>> expected() throws IOException
    {
        final Map<String, TreeSet<String>> result = new TreeMap<>();
        for (final String line : Files.readAllLines(pcaps().resolve("expected-divergences.tsv"),
            StandardCharsets.UTF_8))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\t");
            assertEquals(4, fields.length, "expected-divergences.tsv: 4 tab-separated fields: " + line);
            assertFalse(fields[3].isBlank(), "expected-divergences.tsv: every entry needs a reason: " + line);
            result.computeIfAbsent(fields[0], k -> new TreeSet<>()).add(fields[1] + " " + fields[2]);
        }
        return result;
    }

    @ParameterizedTest(name = "{0} side {1}")
    @MethodSource("capturesAndSides")
    void shouldDivergeFromLinuxOnlyWhereExpected(final Path capture, final String side) throws IOException
    {
        final ReplayReport report = ReplayEngine.replay(capture, side);
        final String key = capture.getFileName() + (side == null ? "" : "@" + side);
        final TreeSet<String> actual = new TreeSet<>();
        for (final Divergence d : report.divergences())
        {
            actual.add(d.packet() + " " + d.code());
        }
        final TreeSet<String> wanted = expected().getOrDefault(key, new TreeSet<>());
        assertEquals(wanted, actual, "divergences of " + key + " (update "
            + "pcaps/expected-divergences.tsv only with a reason):\n" + report.format());
        assertTrue(report.tachyonFrames() > 0 || !wanted.isEmpty(), "Tachyon sent nothing:\n" + report.format());
        assertTrue(report.injected() > 0, "nothing was injected:\n" + report.format());
    }

    @Test
    void shouldListOnlyCapturesThatExist() throws IOException
    {
        final List<String> names = new ArrayList<>();
        captures().forEach(p -> names.add(p.getFileName().toString()));
        for (final String listed : expected().keySet())
        {
            final String name = listed.contains("@") ? listed.substring(0, listed.indexOf('@')) : listed;
            assertTrue(names.contains(name), "expected-divergences.tsv names a missing capture: " + listed);
        }
    }

    @Test
    void shouldReportADivergenceWhenLinuxOfferedOtherOptions() throws IOException
    {
        // The recorded SYN-ACK offers SACK; make it offer an unknown kind 30 instead: Tachyon's SYN-ACK now differs.
        final byte[] file = Files.readAllBytes(pcaps().resolve("tcp-handshake-default.pcap"));
        final ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0), "a little-endian microsecond pcap");
        final int first = 24 + 16 + b.getInt(24 + 8);
        final int synAck = first + 16;
        final int options = synAck + 14 + 20 + 20;
        int at = -1;
        for (int i = options; i < options + 20; i++)
        {
            if (file[i] == 4 && file[i + 1] == 2)
            {
                at = i;
                break;
            }
        }
        assertTrue(at > 0, "SACK-permitted option found in the recorded SYN-ACK");
        file[at] = 30;
        final Path changed = Files.createTempFile("tachyon-replay", ".pcap");
        try
        {
            Files.write(changed, file);
            final ReplayReport report = ReplayEngine.replay(changed, null);
            assertEquals(1, report.divergences().size(), report.format());
            final Divergence d = report.divergences().get(0);
            assertEquals(2, d.packet());
            assertEquals("tcp-synack-options", d.code());
            assertTrue(d.detail().contains("opt30"), d.detail());
        }
        finally
        {
            Files.deleteIfExists(changed);
        }
    }

    /** The offset of packet {@code number}'s data (1-based) in a little-endian classic pcap. */
    private static int packetData(final byte[] file, final int number)
    {
        final ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int at = 24;
        for (int i = 1; i < number; i++)
        {
            at += 16 + b.getInt(at + 8);
        }
        return at + 16;
    }

    @Test
    void shouldReportADivergenceWhenLinuxAcknowledgedOtherwiseInItsData() throws IOException
    {
        // Packet 6 is the server's echo (14 bytes, ack 15): make Linux's ack one more; Tachyon's echo now differs.
        final byte[] file = Files.readAllBytes(pcaps().resolve("tcp-handshake-default.pcap"));
        final int ackAt = packetData(file, 6) + 14 + 20 + 8;
        file[ackAt + 3]++;
        final Path changed = Files.createTempFile("tachyon-replay", ".pcap");
        try
        {
            Files.write(changed, file);
            final ReplayReport report = ReplayEngine.replay(changed, null);
            assertEquals(1, report.divergences().size(), report.format());
            assertEquals(6, report.divergences().get(0).packet());
            assertEquals("tcp-data-ack", report.divergences().get(0).code());
        }
        finally
        {
            Files.deleteIfExists(changed);
        }
    }

    @Test
    void shouldParseAnExplicitSide()
    {
        final long[] side = ReplayEngine.chooseSide(List.of(), "10.0.0.9:80");
        assertEquals(0x0a000009L, side[0]);
        assertEquals(80, side[1]);
    }

    @Test
    void shouldPlayTheServerOfTheFirstConnectionByDefault() throws IOException
    {
        assertEquals("10.77.0.1:5999", ReplayEngine.replay(pcaps().resolve("tcp-rst-closed-port.pcap"), null).side());
        assertEquals("10.77.0.1", ReplayEngine.replay(pcaps().resolve("udp-echo.pcap"), null).side());
    }
}
