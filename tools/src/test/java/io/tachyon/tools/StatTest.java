package io.tachyon.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tachyon.counters.CounterFamily;
import io.tachyon.counters.CountersFile;
import io.tachyon.counters.CountersLayout;
import io.tachyon.counters.SystemCounterDescriptor;
import io.tachyon.time.VirtualClock;
import io.tachyon.wire.Malformed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./tachyon stat} on files with known contents. */
class StatTest
{
    private static final long START = VirtualClock.DEFAULT_START_NS;
    private static final long SECOND = 1_000_000_000L;
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path root;

    private final VirtualClock clock = new VirtualClock();
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private CountersFile open;

    @AfterEach
    void closeFile()
    {
        if (open != null)
        {
            open.close();
        }
    }

    @Test
    void shouldPrintNonZeroCountersGroupedByTypeLikeNetstat() throws IOException
    {
        final Path file = writeStack("edge-1");
        assertEquals(0, stat(START + SECOND, "edge-1", "--dir", root.toString()), err());
        assertEquals("""
            stack edge-1 (%s): pid %d, started 2024-01-01T00:00:00Z, running
            Stack:
                3 frames received
                180 bytes received
            Ipv4:
                2 IPv4 drops: IP version is not 4
                1 IPv4 drops: TCP option with an impossible length or running past the header
            """.formatted(file, PID), out());
        assertEquals("", err());
    }

    @Test
    void shouldPrintZeroCountersWithAll() throws IOException
    {
        writeStack("edge-1");
        assertEquals(0, stat(START + SECOND, "--all", "edge-1", "--dir", root.toString()), err());
        final String[] lines = out().split("\n");
        assertEquals(1 + 2 + SystemCounterDescriptor.values().length + Malformed.values().length, lines.length);
        assertEquals("Stack:", lines[1]);
        assertEquals("    0 duty cycles", lines[2]);
        assertTrue(out().contains("    0 IPv4 drops: IPv4 header length (IHL) below 5 words\n"), out());
    }

    @Test
    void shouldSayWhenAllCountersAreZero() throws IOException
    {
        open = CountersFile.create(root.resolve("quiet").resolve(CountersFile.FILE_NAME), 16, clock);
        SystemCounterDescriptor.allocateAll(open);
        assertEquals(0, stat(START, "quiet", "--dir", root.toString()), err());
        assertTrue(out().endsWith("running\n    (all 8 counters are zero; --all prints them)\n"), out());
    }

    @Test
    void shouldReportACleanlyClosedStackAsNotRunningWithItsFinalCounts() throws IOException
    {
        writeStack("edge-1");
        clock.advance(2 * SECOND + 500_000_000L);
        open.close();
        open = null;
        assertEquals(0, stat(START + 60 * SECOND, "edge-1", "--dir", root.toString()), err());
        assertTrue(out().contains(
            ", not running (last update 2024-01-01T00:00:02.500Z: closed cleanly)\n"), out());
        assertTrue(out().contains("    3 frames received\n"), out());
    }

    @Test
    void shouldReportAStaleHeartbeatAsNotRunning() throws IOException
    {
        writeStack("edge-1");
        assertEquals(0, stat(START + 12 * SECOND + 300_000_000L, "edge-1", "--dir", root.toString()), err());
        assertTrue(out().contains(
            ", not running (last update 2024-01-01T00:00:00Z: no heartbeat for 12.3 s)\n"), out());
    }

    @Test
    void shouldReportADeadOwnerAsNotRunning() throws IOException
    {
        writeStack("edge-1");
        final byte[] bytes = Files.readAllBytes(root.resolve("edge-1").resolve(CountersFile.FILE_NAME));
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putLong(CountersLayout.PID_OFFSET, 999_999_999L);
        final Path ghost = write("ghost", bytes);
        assertEquals(0, stat(START + SECOND, ghost.toString()), err());
        assertTrue(out().startsWith("stack ghost (" + ghost + "): pid 999999999, started 2024-01-01T00:00:00Z, "
            + "not running (last update 2024-01-01T00:00:00Z: process 999999999 is gone)\n"), out());
    }

    @Test
    void shouldAcceptAFilePathOrAStackDirectory() throws IOException
    {
        final Path file = writeStack("edge-1");
        assertEquals(0, stat(START, file.toString()), err());
        final String byFile = out();
        outBytes.reset();
        assertEquals(0, stat(START, file.getParent().toString()), err());
        assertEquals(byFile, out());
        assertTrue(byFile.contains("    3 frames received\n"), byFile);
    }

    @Test
    void shouldUseTheOnlyStackOrListSeveral() throws IOException
    {
        writeStack("edge-1");
        assertEquals(0, stat(START, "--dir", root.toString()), err());
        assertTrue(out().startsWith("stack edge-1 "), out());
        assertTrue(out().contains("    3 frames received\n"), out());

        outBytes.reset();
        try (CountersFile other = CountersFile.create(root.resolve("core-2").resolve(CountersFile.FILE_NAME), 4,
            clock))
        {
            assertEquals(0, stat(START, "--dir", root.toString()), err());
            assertEquals("""
                stacks under %s:
                    core-2: pid %d, running
                    edge-1: pid %d, running
                choose one: ./tachyon stat NAME
                """.formatted(root, PID, PID), out());
            assertEquals(4, other.capacity());
        }
    }

    @Test
    void shouldFailWithExitTwoWhenNothingIsThere() throws IOException
    {
        assertEquals(2, stat(START, "--dir", root.resolve("absent").toString()));
        assertTrue(err().contains("no stack counters under"), err());
        errBytes.reset();
        assertEquals(2, stat(START, "nobody", "--dir", root.toString()));
        assertTrue(err().contains(root.resolve("nobody").resolve(CountersFile.FILE_NAME) + ": no such file"),
            err());
        assertEquals("", out());
    }

    @Test
    void shouldFailWithExitTwoOnWrongMagicTruncatedOrCorruptFiles() throws IOException
    {
        writeStack("edge-1");
        final byte[] good = Files.readAllBytes(root.resolve("edge-1").resolve(CountersFile.FILE_NAME));

        final byte[] wrongMagic = good.clone();
        wrongMagic[3] ^= 0x20;
        assertFormatError(write("magic", wrongMagic), "not a Tachyon counters file");

        assertFormatError(write("empty", new byte[0]), "truncated: 0 bytes");
        assertFormatError(write("header-only", Arrays.copyOf(good, CountersLayout.HEADER_LENGTH)),
            "truncated: capacity 64 needs");

        final byte[] wrongVersion = good.clone();
        ByteBuffer.wrap(wrongVersion).order(ByteOrder.nativeOrder()).putInt(CountersLayout.LAYOUT_VERSION_OFFSET, 2);
        assertFormatError(write("version", wrongVersion), "layout version 2, this reader understands version 1");

        final byte[] corrupt = good.clone();
        ByteBuffer.wrap(corrupt).order(ByteOrder.nativeOrder())
            .putInt((int)CountersLayout.metadataOffset(1) + CountersLayout.RECORD_STATE_OFFSET, 77);
        assertFormatError(write("corrupt", corrupt), "corrupt: counter 1 has state 77");
    }

    @Test
    void shouldNotWriteToTheFile() throws IOException
    {
        final Path file = writeStack("edge-1");
        open.close();
        open = null;
        final byte[] before = Files.readAllBytes(file);
        final long modified = Files.getLastModifiedTime(file).toMillis();
        assertEquals(0, stat(START, "--all", file.toString()), err());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(modified, Files.getLastModifiedTime(file).toMillis());
    }

    @Test
    void shouldRefreshWithWatch() throws IOException
    {
        writeStack("edge-1");
        assertEquals(0, stat(START, "edge-1", "--dir", root.toString(), "--watch", "0.01", "--count", "3"), err());
        final String[] blocks = out().split("\n\n");
        assertEquals(3, blocks.length, out());
        assertEquals(blocks[0] + "\n", blocks[2]);
    }

    @Test
    void shouldRejectBadUsageWithExitTwo()
    {
        for (final String[] args : new String[][] {
            {"--bogus"}, {"a", "b"}, {"--watch"}, {"--watch", "0"}, {"--watch", "x"}, {"--count", "1.5"},
            {"bad name!", "--dir", "/nonexistent-dir"}})
        {
            errBytes.reset();
            assertEquals(2, stat(START, args), String.join(" ", args));
            assertTrue(err().startsWith("tachyon stat: "), err());
            assertTrue(err().contains("usage: ./tachyon stat"), err());
        }
        assertEquals("", out());
    }

    /** A live stack: system counters and a Malformed family, some counted, heartbeat at the start time. */
    private Path writeStack(final String name) throws IOException
    {
        final Path file = root.resolve(name).resolve(CountersFile.FILE_NAME);
        open = CountersFile.create(file, 64, clock);
        final CounterFamily<Malformed> drops =
            open.allocateFamily(2, "Ipv4", Malformed.class, m -> "IPv4 drops: " + m.description());
        final CounterFamily<SystemCounterDescriptor> system = SystemCounterDescriptor.allocateAll(open);
        for (int i = 0; i < 3; i++)
        {
            system.increment(SystemCounterDescriptor.FRAMES_RECEIVED);
            system.get(SystemCounterDescriptor.BYTES_RECEIVED).add(60);
        }
        drops.increment(Malformed.IPV4_BAD_VERSION);
        drops.increment(Malformed.IPV4_BAD_VERSION);
        drops.increment(Malformed.TCP_BAD_OPTION);
        open.heartbeat(START);
        return file;
    }

    private Path write(final String name, final byte[] bytes) throws IOException
    {
        final Path directory = Files.createDirectories(root.resolve("bad").resolve(name));
        return Files.write(directory.resolve(CountersFile.FILE_NAME), bytes);
    }

    private void assertFormatError(final Path file, final String expected)
    {
        errBytes.reset();
        outBytes.reset();
        assertEquals(2, stat(START, file.toString()), file.toString());
        assertTrue(err().startsWith("tachyon stat: " + file + ": "), err());
        assertTrue(err().contains(expected), err());
        assertEquals("", out());
    }

    private int stat(final long nowNs, final String... args)
    {
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        final int status = Stat.run(args, out, err, () -> nowNs);
        out.flush();
        err.flush();
        return status;
    }

    private String out()
    {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }
}
