package io.tachyon.counters;

import static io.tachyon.counters.CountersLayout.CAPACITY_OFFSET;
import static io.tachyon.counters.CountersLayout.COUNT_OFFSET;
import static io.tachyon.counters.CountersLayout.HEARTBEAT_OFFSET;
import static io.tachyon.counters.CountersLayout.LAYOUT_VERSION;
import static io.tachyon.counters.CountersLayout.LAYOUT_VERSION_OFFSET;
import static io.tachyon.counters.CountersLayout.MAGIC;
import static io.tachyon.counters.CountersLayout.MAGIC_OFFSET;
import static io.tachyon.counters.CountersLayout.MAX_CAPACITY;
import static io.tachyon.counters.CountersLayout.MAX_LABEL_LENGTH;
import static io.tachyon.counters.CountersLayout.MAX_TYPE_NAME_LENGTH;
import static io.tachyon.counters.CountersLayout.PID_OFFSET;
import static io.tachyon.counters.CountersLayout.RECORD_ID_OFFSET;
import static io.tachyon.counters.CountersLayout.RECORD_KEY_OFFSET;
import static io.tachyon.counters.CountersLayout.RECORD_LABEL_LENGTH_OFFSET;
import static io.tachyon.counters.CountersLayout.RECORD_LABEL_OFFSET;
import static io.tachyon.counters.CountersLayout.RECORD_STATE_OFFSET;
import static io.tachyon.counters.CountersLayout.RECORD_TYPE_ID_OFFSET;
import static io.tachyon.counters.CountersLayout.RECORD_TYPE_NAME_LENGTH_OFFSET;
import static io.tachyon.counters.CountersLayout.RECORD_TYPE_NAME_OFFSET;
import static io.tachyon.counters.CountersLayout.STATE_ALLOCATED;
import static io.tachyon.counters.CountersLayout.STATUS_ACTIVE;
import static io.tachyon.counters.CountersLayout.STATUS_CLOSED;
import static io.tachyon.counters.CountersLayout.STATUS_OFFSET;
import static io.tachyon.counters.CountersLayout.START_TIME_OFFSET;

import io.tachyon.time.Clock;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The owner's side of a counters file: creates the memory-mapped file (layout in {@link CountersLayout}), registers
 * counters off the hot path, and updates the heartbeat every duty cycle. Other threads and processes read the file
 * with {@link CountersReader}.
 * <p>
 * <b>Lifecycle.</b> {@link #create} builds a fresh file under a temporary name in the target directory and renames
 * it over any previous file (the old counters of a previous run are discarded; a reader still holding the old file
 * keeps its old inode). {@link #close()} does <em>not</em> delete the file: it writes a last heartbeat, marks the
 * file {@link CountersLayout#STATUS_CLOSED closed} and unmaps it, so the final counts of a stopped stack stay
 * readable ({@code ./tachyon stat} reports it as not running) until the next start with the same name replaces the
 * file, or until {@code /dev/shm} is cleared at reboot.
 * <p>
 * <b>Threads.</b> Registration ({@code allocate...}) is synchronized and may happen on any thread; each
 * {@link Counter} then has one writer thread. {@link #heartbeat(long)} belongs to the owner's duty-cycle thread.
 * The mapping lives in a shared arena, so the thread that creates the file need not be the one that counts.
 */
public final class CountersFile implements AutoCloseable
{
    /** The name of the counters file inside a stack's directory. */
    public static final String FILE_NAME = "counters.dat";

    private static final VarHandle LONG = Counter.LONG;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final int capacity;
    private final Clock clock;
    private final long pid;
    private final long startTimeNs;
    private final Set<Long> typeKeys = new HashSet<>();
    private int count;
    private boolean closed;

    private CountersFile(final Path path, final Arena arena, final MemorySegment segment, final int capacity,
        final Clock clock, final long pid, final long startTimeNs)
    {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.capacity = capacity;
        this.clock = clock;
        this.pid = pid;
        this.startTimeNs = startTimeNs;
    }

    /**
     * Creates a fresh counters file (creating its directory if needed), replacing any previous file at that path.
     *
     * @param path     the file, normally {@link CountersLocation#counterFile(String)}.
     * @param capacity how many counters it can hold, 1 to {@link CountersLayout#MAX_CAPACITY}.
     * @param clock    the source of the start time and of the final heartbeat at close.
     * @return the open file, with no counters registered and the heartbeat at the start time.
     * @throws IOException if the file cannot be created.
     * @throws IllegalArgumentException if the capacity is out of range.
     */
    public static CountersFile create(final Path path, final int capacity, final Clock clock) throws IOException
    {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(clock, "clock");
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("counters capacity " + capacity + " is not in 1.." + MAX_CAPACITY);
        }
        final Path absolute = path.toAbsolutePath();
        final Path directory = absolute.getParent();
        Files.createDirectories(directory);
        final long pid = ProcessHandle.current().pid();
        final Path temporary = directory.resolve(absolute.getFileName() + "." + pid + ".tmp");
        final long length = CountersLayout.fileLength(capacity);
        final Arena arena = Arena.ofShared();
        try
        {
            final MemorySegment segment;
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                channel.write(ByteBuffer.wrap(new byte[1]), length - 1); // sized, all zeros (sparse)
                segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, length, arena);
            }
            final long startTimeNs = clock.nanoTime();
            INT.set(segment, (long)LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
            INT.set(segment, (long)CAPACITY_OFFSET, capacity);
            LONG.set(segment, (long)PID_OFFSET, pid);
            LONG.set(segment, (long)START_TIME_OFFSET, startTimeNs);
            INT.set(segment, (long)COUNT_OFFSET, 0);
            INT.set(segment, (long)STATUS_OFFSET, STATUS_ACTIVE);
            LONG.set(segment, (long)HEARTBEAT_OFFSET, startTimeNs);
            LONG.setRelease(segment, (long)MAGIC_OFFSET, MAGIC);
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new CountersFile(absolute, arena, segment, capacity, clock, pid, startTimeNs);
        }
        catch (final IOException | RuntimeException ex)
        {
            arena.close();
            Files.deleteIfExists(temporary);
            throw ex;
        }
    }

    /**
     * Registers a counter, starting at zero. Off the hot path: it encodes strings and takes a lock.
     *
     * @param typeId   the type (group) id, zero or more; {@code ./tachyon stat} prints one group per type.
     * @param typeName the type's name, the group heading (e.g. "Ipv4"), 1 to
     *                 {@link CountersLayout#MAX_TYPE_NAME_LENGTH} UTF-8 bytes.
     * @param key      identifies the counter within its type (a descriptor id, an ordinal); unique per type.
     * @param label    what the counter counts (e.g. "IPv4 drops: bad version"), 1 to
     *                 {@link CountersLayout#MAX_LABEL_LENGTH} UTF-8 bytes.
     * @return the counter.
     * @throws IllegalStateException if the file is full (the message names the capacity) or closed.
     * @throws IllegalArgumentException if an argument is out of range or (type id, key) is already registered.
     */
    public synchronized Counter allocate(final int typeId, final String typeName, final int key, final String label)
    {
        if (closed)
        {
            throw new IllegalStateException("counters file " + path + " is closed");
        }
        if (typeId < 0)
        {
            throw new IllegalArgumentException("counter type id " + typeId + " is negative");
        }
        final byte[] typeBytes = utf8("type name", typeName, MAX_TYPE_NAME_LENGTH);
        final byte[] labelBytes = utf8("label", label, MAX_LABEL_LENGTH);
        if (count == capacity)
        {
            throw new IllegalStateException("counters file " + path + " is full: its capacity is " + capacity
                + " counters; cannot register '" + label + "'");
        }
        final long typeKey = ((long)typeId << 32) | (key & 0xFFFF_FFFFL);
        if (!typeKeys.add(typeKey))
        {
            throw new IllegalArgumentException("counter type " + typeId + " key " + key + " is already registered"
                + " (registering '" + label + "')");
        }
        final int id = count;
        final long record = CountersLayout.metadataOffset(id);
        final long valueOffset = CountersLayout.valueOffset(capacity, id);
        INT.set(segment, record + RECORD_ID_OFFSET, id);
        INT.set(segment, record + RECORD_TYPE_ID_OFFSET, typeId);
        INT.set(segment, record + RECORD_KEY_OFFSET, key);
        INT.set(segment, record + RECORD_TYPE_NAME_LENGTH_OFFSET, typeBytes.length);
        INT.set(segment, record + RECORD_LABEL_LENGTH_OFFSET, labelBytes.length);
        MemorySegment.copy(typeBytes, 0, segment, ValueLayout.JAVA_BYTE, record + RECORD_TYPE_NAME_OFFSET,
            typeBytes.length);
        MemorySegment.copy(labelBytes, 0, segment, ValueLayout.JAVA_BYTE, record + RECORD_LABEL_OFFSET,
            labelBytes.length);
        LONG.set(segment, valueOffset, 0L);
        INT.setRelease(segment, record + RECORD_STATE_OFFSET, STATE_ALLOCATED);
        count = id + 1;
        INT.setRelease(segment, (long)COUNT_OFFSET, count);
        return new Counter(segment, valueOffset, id, typeId, key, label);
    }

    /**
     * Registers a counter described by a descriptor; its key is the descriptor's id.
     *
     * @param typeId     the type id.
     * @param typeName   the type name.
     * @param descriptor the counter.
     * @return the counter.
     * @throws IllegalStateException if the file is full or closed.
     * @throws IllegalArgumentException as {@link #allocate(int, String, int, String)}.
     */
    public Counter allocate(final int typeId, final String typeName, final CounterDescriptor descriptor)
    {
        return allocate(typeId, typeName, descriptor.id(), descriptor.label());
    }

    /**
     * Registers one counter per constant of a descriptor enum, keyed by each descriptor's id.
     *
     * @param typeId      the type id.
     * @param typeName    the type name.
     * @param descriptors the enum.
     * @param <E>         the enum type.
     * @return the counters, indexed by ordinal.
     * @throws IllegalStateException if the file has too little capacity left (nothing is registered then).
     * @throws IllegalArgumentException as {@link #allocate(int, String, int, String)}.
     */
    public synchronized <E extends Enum<E> & CounterDescriptor> CounterFamily<E> allocateDescriptors(
        final int typeId, final String typeName, final Class<E> descriptors)
    {
        final E[] constants = descriptors.getEnumConstants();
        requireRoom(constants.length, descriptors);
        final Counter[] counters = new Counter[constants.length];
        for (final E constant : constants)
        {
            counters[constant.ordinal()] = allocate(typeId, typeName, constant.id(), constant.label());
        }
        return new CounterFamily<>(descriptors, counters);
    }

    /**
     * Registers one counter per constant of any enum (e.g. one per {@code io.tachyon.wire.Malformed} reason), keyed
     * by ordinal, so the stack counts with {@code family.increment(reason)}.
     *
     * @param typeId    the type id.
     * @param typeName  the type name.
     * @param constants the enum.
     * @param labeller  the label of each constant, e.g. {@code m -> "IPv4 drops: " + m.description()}.
     * @param <E>       the enum type.
     * @return the counters, indexed by ordinal.
     * @throws IllegalStateException if the file has too little capacity left (nothing is registered then).
     * @throws IllegalArgumentException as {@link #allocate(int, String, int, String)}.
     */
    public synchronized <E extends Enum<E>> CounterFamily<E> allocateFamily(final int typeId, final String typeName,
        final Class<E> constants, final Function<? super E, String> labeller)
    {
        final E[] values = constants.getEnumConstants();
        requireRoom(values.length, constants);
        final Counter[] counters = new Counter[values.length];
        for (final E constant : values)
        {
            counters[constant.ordinal()] = allocate(typeId, typeName, constant.ordinal(), labeller.apply(constant));
        }
        return new CounterFamily<>(constants, counters);
    }

    /**
     * Publishes that the owner is alive: call once per duty cycle with the cycle's time. A store with release
     * semantics, no allocation.
     *
     * @param nowNs the current time, epoch nanoseconds (from the stack's {@link Clock}).
     */
    public void heartbeat(final long nowNs)
    {
        LONG.setRelease(segment, (long)HEARTBEAT_OFFSET, nowNs);
    }

    /**
     * The file.
     *
     * @return its absolute path.
     */
    public Path path()
    {
        return path;
    }

    /**
     * The capacity set at creation.
     *
     * @return the most counters this file can hold.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * How many counters are registered.
     *
     * @return the count.
     */
    public synchronized int count()
    {
        return count;
    }

    /**
     * The owner's process id, as written in the header.
     *
     * @return the pid.
     */
    public long pid()
    {
        return pid;
    }

    /**
     * The start time written in the header.
     *
     * @return epoch nanoseconds.
     */
    public long startTimeNs()
    {
        return startTimeNs;
    }

    /**
     * Writes a last heartbeat, marks the file closed and unmaps it; the file stays on disk with its final values.
     * Counters of this file must not be used afterwards (they throw {@link IllegalStateException}). Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        heartbeat(clock.nanoTime());
        INT.setRelease(segment, (long)STATUS_OFFSET, STATUS_CLOSED);
        segment.force();
        arena.close();
    }

    private void requireRoom(final int wanted, final Class<?> constants)
    {
        if (capacity - count < wanted)
        {
            throw new IllegalStateException("counters file " + path + " is full: its capacity is " + capacity
                + " counters, " + count + " in use, and " + constants.getSimpleName() + " needs " + wanted);
        }
    }

    private static byte[] utf8(final String what, final String text, final int maxLength)
    {
        if (text == null || text.isEmpty())
        {
            throw new IllegalArgumentException("counter " + what + " must not be empty: '" + text + "'");
        }
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxLength)
        {
            throw new IllegalArgumentException("counter " + what + " '" + text + "' is " + bytes.length
                + " UTF-8 bytes, more than " + maxLength);
        }
        return bytes;
    }
}
