package io.tachyon.counters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tachyon.time.VirtualClock;
import io.tachyon.wire.Malformed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating, registering, counting, closing, and reading back in the same process. */
class CountersFileTest
{
    @TempDir
    Path dir;

    private final VirtualClock clock = new VirtualClock();

    @Test
    void shouldWriteAHeaderAReaderUnderstands() throws IOException
    {
        final Path path = dir.resolve("stack-a").resolve(CountersFile.FILE_NAME);
        try (CountersFile file = CountersFile.create(path, 16, clock);
            CountersReader reader = CountersReader.open(path))
        {
            assertEquals(CountersLayout.fileLength(16), Files.size(path));
            assertEquals(16, reader.capacity());
            assertEquals(ProcessHandle.current().pid(), reader.pid());
            assertEquals(VirtualClock.DEFAULT_START_NS, reader.startTimeNs());
            assertEquals(VirtualClock.DEFAULT_START_NS, reader.heartbeatNs());
            assertEquals(0, reader.count());
            assertFalse(reader.isClosed());
            file.heartbeat(VirtualClock.DEFAULT_START_NS + 5);
            assertEquals(VirtualClock.DEFAULT_START_NS + 5, reader.heartbeatNs());
            assertFalse(Files.exists(path.resolveSibling(CountersFile.FILE_NAME + "." + file.pid() + ".tmp")));
        }
    }

    @Test
    void shouldCountAndPublishToAReader() throws IOException
    {
        final Path path = dir.resolve(CountersFile.FILE_NAME);
        try (CountersFile file = CountersFile.create(path, 8, clock);
            CountersReader reader = CountersReader.open(path))
        {
            final Counter rx = file.allocate(3, "Udp", 1, "datagrams received");
            final Counter gauge = file.allocate(3, "Udp", 2, "sockets open — ünïcode");
            for (int i = 0; i < 10; i++)
            {
                rx.increment();
            }
            rx.add(32);
            gauge.set(-4);
            assertEquals(42, rx.get());
            assertEquals(2, reader.count());
            assertEquals(42, reader.value(rx.id()));
            assertEquals(-4, reader.value(1));
            assertEquals(1, reader.find(3, 2));
            assertEquals(-1, reader.find(3, 9));
            assertEquals(List.of(new CounterSnapshot(0, 3, "Udp", 1, "datagrams received", 42),
                new CounterSnapshot(1, 3, "Udp", 2, "sockets open — ünïcode", -4)), reader.snapshot());
            assertThrows(IllegalArgumentException.class, () -> reader.value(2));
        }
    }

    @Test
    void shouldRegisterSystemDescriptorsByStableIdAndFamiliesByOrdinal() throws IOException
    {
        final Path path = dir.resolve(CountersFile.FILE_NAME);
        try (CountersFile file = CountersFile.create(path, 64, clock);
            CountersReader reader = CountersReader.open(path))
        {
            final CounterFamily<Malformed> drops =
                file.allocateFamily(2, "Ipv4", Malformed.class, m -> "IPv4 drops: " + m.description());
            final CounterFamily<SystemCounterDescriptor> system = SystemCounterDescriptor.allocateAll(file);
            assertEquals(Malformed.values().length, drops.size());
            drops.increment(Malformed.IPV4_BAD_VERSION);
            drops.increment(Malformed.IPV4_BAD_VERSION);
            final Counter[] byOrdinal = drops.toArray();
            byOrdinal[Malformed.TCP_BAD_OPTION.ordinal()].increment();
            system.increment(SystemCounterDescriptor.FRAMES_RECEIVED);

            final int badVersion = reader.find(2, Malformed.IPV4_BAD_VERSION.ordinal());
            assertEquals(2, reader.value(badVersion));
            assertEquals(1, reader.value(reader.find(2, Malformed.TCP_BAD_OPTION.ordinal())));
            final int framesReceived = reader.find(SystemCounterDescriptor.TYPE_ID,
                SystemCounterDescriptor.FRAMES_RECEIVED.id());
            assertEquals(1, reader.value(framesReceived));
            final CounterSnapshot snapshot = reader.snapshot().get(framesReceived);
            assertEquals("frames received", snapshot.label());
            assertEquals("Stack", snapshot.typeName());
            assertEquals("IPv4 drops: IP version is not 4", reader.snapshot().get(badVersion).label());
            assertEquals(Malformed.values().length + SystemCounterDescriptor.values().length, reader.count());
        }
    }

    @Test
    void shouldRefuseToRegisterBeyondCapacityNamingIt() throws IOException
    {
        try (CountersFile file = CountersFile.create(dir.resolve(CountersFile.FILE_NAME), 3, clock))
        {
            file.allocate(1, "T", 0, "a");
            file.allocate(1, "T", 1, "b");
            file.allocate(1, "T", 2, "c");
            final IllegalStateException full =
                assertThrows(IllegalStateException.class, () -> file.allocate(1, "T", 3, "d"));
            assertTrue(full.getMessage().contains("capacity is 3"), full.getMessage());
            assertEquals(3, file.count());
        }
        try (CountersFile file = CountersFile.create(dir.resolve(CountersFile.FILE_NAME), 5, clock))
        {
            final IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> file.allocateFamily(1, "T", Malformed.class, Malformed::description));
            assertTrue(full.getMessage().contains("capacity is 5"), full.getMessage());
            assertEquals(0, file.count(), "a family that does not fit registers nothing");
        }
    }

    @Test
    void shouldRejectBadRegistrationsNamingTheValue() throws IOException
    {
        try (CountersFile file = CountersFile.create(dir.resolve(CountersFile.FILE_NAME), 4, clock))
        {
            file.allocate(1, "T", 7, "x");
            final IllegalArgumentException duplicate =
                assertThrows(IllegalArgumentException.class, () -> file.allocate(1, "T", 7, "y"));
            assertTrue(duplicate.getMessage().contains("key 7"), duplicate.getMessage());
            final String longLabel = "l".repeat(CountersLayout.MAX_LABEL_LENGTH + 1);
            final IllegalArgumentException tooLong =
                assertThrows(IllegalArgumentException.class, () -> file.allocate(1, "T", 8, longLabel));
            assertTrue(tooLong.getMessage().contains("193 UTF-8 bytes"), tooLong.getMessage());
            assertThrows(IllegalArgumentException.class, () -> file.allocate(1, "", 8, "z"));
            assertThrows(IllegalArgumentException.class,
                () -> file.allocate(1, "t".repeat(CountersLayout.MAX_TYPE_NAME_LENGTH + 1), 8, "z"));
            assertThrows(IllegalArgumentException.class, () -> file.allocate(-1, "T", 8, "z"));
            file.allocate(1, "T", 8, "l".repeat(CountersLayout.MAX_LABEL_LENGTH));
            assertEquals(2, file.count());
        }
        final IllegalArgumentException capacity = assertThrows(IllegalArgumentException.class,
            () -> CountersFile.create(dir.resolve("c.dat"), 0, clock));
        assertTrue(capacity.getMessage().contains("capacity 0"), capacity.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> CountersFile.create(dir.resolve("c.dat"), CountersLayout.MAX_CAPACITY + 1, clock));
    }

    @Test
    void shouldMarkClosedAndKeepFinalValuesOnClose() throws IOException
    {
        final Path path = dir.resolve(CountersFile.FILE_NAME);
        final CountersFile file = CountersFile.create(path, 4, clock);
        final Counter counter = file.allocate(1, "T", 0, "events");
        counter.add(9);
        clock.advance(1_000);
        file.close();
        file.close();
        assertThrows(IllegalStateException.class, counter::increment);
        assertThrows(IllegalStateException.class, () -> file.allocate(1, "T", 1, "late"));
        try (CountersReader reader = CountersReader.open(path))
        {
            assertTrue(reader.isClosed());
            assertEquals(VirtualClock.DEFAULT_START_NS + 1_000, reader.heartbeatNs());
            assertEquals(9, reader.value(0));
        }
    }

    @Test
    void shouldReplaceAPreviousFileWhileAnOldReaderKeepsItsOwnCopy() throws IOException
    {
        final Path path = dir.resolve(CountersFile.FILE_NAME);
        try (CountersFile first = CountersFile.create(path, 4, clock))
        {
            first.allocate(1, "T", 0, "old").add(5);
            try (CountersReader oldReader = CountersReader.open(path);
                CountersFile second = CountersFile.create(path, 2, clock);
                CountersReader newReader = CountersReader.open(path))
            {
                assertEquals(0, newReader.count(), "a fresh file at every start");
                assertEquals(2, newReader.capacity());
                assertEquals(5, oldReader.value(0));
                assertEquals(CountersLayout.fileLength(2), Files.size(path));
                assertEquals(2, second.capacity());
            }
        }
    }

    @Test
    void shouldNotWriteWhileReading() throws IOException
    {
        final Path path = dir.resolve(CountersFile.FILE_NAME);
        try (CountersFile file = CountersFile.create(path, 4, clock))
        {
            file.allocate(1, "T", 0, "events").add(3);
        }
        final byte[] before = Files.readAllBytes(path);
        final long modified = Files.getLastModifiedTime(path).toMillis();
        try (CountersReader reader = CountersReader.open(path))
        {
            assertEquals(1, reader.snapshot().size());
            assertEquals(3, reader.value(0));
        }
        assertArrayEquals(before, Files.readAllBytes(path));
        assertEquals(modified, Files.getLastModifiedTime(path).toMillis());
    }

    @Test
    void shouldRejectMissingWrongMagicVersionAndTruncatedFiles() throws IOException
    {
        assertThrows(NoSuchFileException.class, () -> CountersReader.open(dir.resolve("absent.dat")));

        final Path shortFile = Files.write(dir.resolve("short.dat"), new byte[100]);
        assertFormatError(shortFile, "truncated: 100 bytes");

        final Path good = dir.resolve("good.dat");
        CountersFile.create(good, 4, clock).close();
        final byte[] bytes = Files.readAllBytes(good);

        final byte[] wrongMagic = bytes.clone();
        wrongMagic[0] = 'X';
        assertFormatError(Files.write(dir.resolve("magic.dat"), wrongMagic), "not a Tachyon counters file");

        final byte[] wrongVersion = bytes.clone();
        ByteBuffer.wrap(wrongVersion).order(ByteOrder.nativeOrder()).putInt(CountersLayout.LAYOUT_VERSION_OFFSET, 9);
        assertFormatError(Files.write(dir.resolve("version.dat"), wrongVersion), "layout version 9");

        final byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertFormatError(Files.write(dir.resolve("cut.dat"), cut), "truncated: capacity 4 needs");

        final byte[] badCapacity = bytes.clone();
        ByteBuffer.wrap(badCapacity).order(ByteOrder.nativeOrder()).putInt(CountersLayout.CAPACITY_OFFSET, -1);
        assertFormatError(Files.write(dir.resolve("capacity.dat"), badCapacity), "capacity -1");
    }

    @Test
    void shouldReportCorruptRecords() throws IOException
    {
        final Path good = dir.resolve("good.dat");
        try (CountersFile file = CountersFile.create(good, 4, clock))
        {
            file.allocate(1, "T", 0, "events");
        }
        final byte[] bytes = Files.readAllBytes(good);
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        buffer.putInt((int)CountersLayout.metadataOffset(0) + CountersLayout.RECORD_LABEL_LENGTH_OFFSET, 999);
        final Path bad = Files.write(dir.resolve("bad.dat"), bytes);
        try (CountersReader reader = CountersReader.open(bad))
        {
            final CountersFormatException ex = assertThrows(CountersFormatException.class, reader::snapshot);
            assertTrue(ex.getMessage().contains("label of 999 bytes"), ex.getMessage());
        }
        buffer.putInt(CountersLayout.COUNT_OFFSET, 5);
        final Path overfull = Files.write(dir.resolve("overfull.dat"), bytes);
        try (CountersReader reader = CountersReader.open(overfull))
        {
            final CountersFormatException ex = assertThrows(CountersFormatException.class, reader::snapshot);
            assertTrue(ex.getMessage().contains("5 counters allocated, capacity 4"), ex.getMessage());
        }
    }

    @Test
    void shouldPlaceFilesUnderOneDirectoryPerStack()
    {
        final Path root = CountersLocation.defaultRoot();
        assertTrue(root.getFileName().toString().startsWith("tachyon-"), root.toString());
        assertEquals(dir.resolve("edge-1").resolve("counters.dat"), CountersLocation.counterFile(dir, "edge-1"));
        assertNotEquals(CountersLocation.counterFile("a"), CountersLocation.counterFile("b"));
        for (final String bad : new String[] {"", ".", "..", "a/b", "x y", "n".repeat(65)})
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> CountersLocation.counterFile(dir, bad));
            assertTrue(ex.getMessage().contains("'" + bad + "'"), ex.getMessage());
        }
    }

    private static void assertFormatError(final Path path, final String expected)
    {
        final CountersFormatException ex =
            assertThrows(CountersFormatException.class, () -> CountersReader.open(path));
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
        assertTrue(ex.getMessage().contains(path.toString()), ex.getMessage());
    }
}
