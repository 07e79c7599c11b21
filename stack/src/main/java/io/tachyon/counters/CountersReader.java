package io.tachyon.counters;

import static io.tachyon.counters.CountersLayout.CAPACITY_OFFSET;
import static io.tachyon.counters.CountersLayout.COUNT_OFFSET;
import static io.tachyon.counters.CountersLayout.HEADER_LENGTH;
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
import static io.tachyon.counters.CountersLayout.STATUS_CLOSED;
import static io.tachyon.counters.CountersLayout.STATUS_OFFSET;
import static io.tachyon.counters.CountersLayout.START_TIME_OFFSET;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a counters file written by another thread or process. The file is opened read-only and mapped read-only:
 * reading never writes to it. Values, the count and the heartbeat are read with acquire semantics, pairing with the
 * owner's release stores (see {@link CountersLayout}).
 * <p>
 * {@link #open(Path)} checks the magic, the layout version and that the file is as long as its capacity says,
 * and throws {@link CountersFormatException} naming the file and the problem otherwise. A reader is meant for one
 * thread.
 */
public final class CountersReader implements AutoCloseable
{
    private static final VarHandle LONG = Counter.LONG;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final int capacity;

    private CountersReader(final Path path, final Arena arena, final MemorySegment segment, final int capacity)
    {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.capacity = capacity;
    }

    /**
     * Opens and validates a counters file.
     *
     * @param path the file.
     * @return a reader.
     * @throws java.nio.file.NoSuchFileException if there is no such file.
     * @throws CountersFormatException if it is not a valid counters file of this layout version.
     * @throws IOException if it cannot be read.
     */
    public static CountersReader open(final Path path) throws IOException
    {
        final Arena arena = Arena.ofConfined();
        try
        {
            final MemorySegment segment;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
            {
                final long size = channel.size();
                if (size < HEADER_LENGTH)
                {
                    throw new CountersFormatException(path + ": truncated: " + size + " bytes, shorter than the "
                        + HEADER_LENGTH + "-byte header of a counters file");
                }
                segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            final int capacity = validate(path, segment);
            return new CountersReader(path, arena, segment, capacity);
        }
        catch (final IOException | RuntimeException ex)
        {
            arena.close();
            throw ex;
        }
    }

    private static int validate(final Path path, final MemorySegment segment) throws CountersFormatException
    {
        final long magic = (long)LONG.getAcquire(segment, (long)MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new CountersFormatException(path + ": not a Tachyon counters file (magic 0x"
                + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC) + ")");
        }
        final int version = (int)INT.get(segment, (long)LAYOUT_VERSION_OFFSET);
        if (version != LAYOUT_VERSION)
        {
            throw new CountersFormatException(path + ": counters layout version " + version
                + ", this reader understands version " + LAYOUT_VERSION);
        }
        final int capacity = (int)INT.get(segment, (long)CAPACITY_OFFSET);
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new CountersFormatException(path + ": corrupt: capacity " + capacity + " is not in 1.."
                + MAX_CAPACITY);
        }
        final long needed = CountersLayout.fileLength(capacity);
        if (segment.byteSize() < needed)
        {
            throw new CountersFormatException(path + ": truncated: capacity " + capacity + " needs " + needed
                + " bytes, the file has " + segment.byteSize());
        }
        return capacity;
    }

    /**
     * The file read.
     *
     * @return its path.
     */
    public Path path()
    {
        return path;
    }

    /**
     * The capacity declared in the header.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * The owner's process id.
     *
     * @return the pid.
     */
    public long pid()
    {
        return (long)LONG.get(segment, (long)PID_OFFSET);
    }

    /**
     * When the owner created the file.
     *
     * @return epoch nanoseconds.
     */
    public long startTimeNs()
    {
        return (long)LONG.get(segment, (long)START_TIME_OFFSET);
    }

    /**
     * The owner's last heartbeat (or close time).
     *
     * @return epoch nanoseconds.
     */
    public long heartbeatNs()
    {
        return (long)LONG.getAcquire(segment, (long)HEARTBEAT_OFFSET);
    }

    /**
     * Whether the owner closed the file cleanly.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return (int)INT.getAcquire(segment, (long)STATUS_OFFSET) == STATUS_CLOSED;
    }

    /**
     * How many counters are registered, clamped to the capacity.
     *
     * @return the count.
     */
    public int count()
    {
        final int count = (int)INT.getAcquire(segment, (long)COUNT_OFFSET);
        return Math.clamp(count, 0, capacity);
    }

    /**
     * A counter's current value, read with acquire semantics. No allocation: fit for polling.
     *
     * @param id a counter id below {@link #count()}.
     * @return its value.
     * @throws IllegalArgumentException if no counter has that id.
     */
    public long value(final int id)
    {
        if (id < 0 || id >= count())
        {
            throw new IllegalArgumentException("no counter " + id + " in " + path + " (" + count() + " registered)");
        }
        return (long)LONG.getAcquire(segment, CountersLayout.valueOffset(capacity, id));
    }

    /**
     * Finds a counter by type and key.
     *
     * @param typeId the type id.
     * @param key    the key.
     * @return its id, or -1 if none is registered.
     */
    public int find(final int typeId, final int key)
    {
        final int count = count();
        for (int id = 0; id < count; id++)
        {
            final long record = CountersLayout.metadataOffset(id);
            if ((int)INT.getAcquire(segment, record + RECORD_STATE_OFFSET) == STATE_ALLOCATED
                && (int)INT.get(segment, record + RECORD_TYPE_ID_OFFSET) == typeId
                && (int)INT.get(segment, record + RECORD_KEY_OFFSET) == key)
            {
                return id;
            }
        }
        return -1;
    }

    /**
     * Every registered counter with its current value, in id order.
     *
     * @return the counters.
     * @throws CountersFormatException if a metadata record is corrupt.
     */
    public List<CounterSnapshot> snapshot() throws CountersFormatException
    {
        final int count = (int)INT.getAcquire(segment, (long)COUNT_OFFSET);
        if (count < 0 || count > capacity)
        {
            throw new CountersFormatException(path + ": corrupt: " + count + " counters allocated, capacity "
                + capacity);
        }
        final List<CounterSnapshot> counters = new ArrayList<>(count);
        for (int id = 0; id < count; id++)
        {
            final long record = CountersLayout.metadataOffset(id);
            final int state = (int)INT.getAcquire(segment, record + RECORD_STATE_OFFSET);
            if (state != STATE_ALLOCATED)
            {
                throw new CountersFormatException(path + ": corrupt: counter " + id + " has state " + state);
            }
            final int recordId = (int)INT.get(segment, record + RECORD_ID_OFFSET);
            if (recordId != id)
            {
                throw new CountersFormatException(path + ": corrupt: record " + id + " holds id " + recordId);
            }
            final String typeName = text(id, "type name", record + RECORD_TYPE_NAME_LENGTH_OFFSET,
                record + RECORD_TYPE_NAME_OFFSET, MAX_TYPE_NAME_LENGTH);
            final String label = text(id, "label", record + RECORD_LABEL_LENGTH_OFFSET, record + RECORD_LABEL_OFFSET,
                MAX_LABEL_LENGTH);
            counters.add(new CounterSnapshot(id, (int)INT.get(segment, record + RECORD_TYPE_ID_OFFSET), typeName,
                (int)INT.get(segment, record + RECORD_KEY_OFFSET), label,
                (long)LONG.getAcquire(segment, CountersLayout.valueOffset(capacity, id))));
        }
        return counters;
    }

    private String text(final int id, final String what, final long lengthOffset, final long textOffset,
        final int maxLength) throws CountersFormatException
    {
        final int length = (int)INT.get(segment, lengthOffset);
        if (length < 0 || length > maxLength)
        {
            throw new CountersFormatException(path + ": corrupt: counter " + id + " has a " + what + " of " + length
                + " bytes (at most " + maxLength + ")");
        }
        final byte[] bytes = new byte[length];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, textOffset, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Unmaps the file.
     */
    @Override
    public void close()
    {
        arena.close();
    }
}
