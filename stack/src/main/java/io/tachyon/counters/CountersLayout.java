package io.tachyon.counters;

/**
 * The byte layout of a counters file, shared by the owner ({@link CountersFile}) and readers
 * ({@link CountersReader}). All multi-byte fields are in the machine's native byte order (writer and readers run
 * on the same host) and naturally aligned, so they can be accessed with aligned {@code JAVA_LONG}/{@code JAVA_INT}
 * var handles; the file is mapped from offset 0, which is page aligned.
 * <pre>
 *  Header, HEADER_LENGTH = 256 bytes
 *  0        8          12         16         24               32         36        40               128
 *  +--------+----------+----------+----------+----------------+----------+---------+----------------+
 *  | magic  | layout   | capacity | pid      | start time     | allocated| status  | reserved (0)   |
 *  | (8)    | version  | (4)      | (8)      | epoch ns (8)   | count (4)| (4)     |                |
 *  +--------+----------+----------+----------+----------------+----------+---------+----------------+
 *  128      136                                                                                      256
 *  +--------+---------------------------------------------------------------------------------------+
 *  |heartbeat| padding: the heartbeat, written every duty cycle, shares its 128 bytes with nothing   |
 *  |epoch ns |                                                                                       |
 *  +--------+---------------------------------------------------------------------------------------+
 *
 *  Metadata, at METADATA_OFFSET = 256: capacity records of METADATA_RECORD_LENGTH = 256 bytes
 *  0        4        8         12       16          20          24        32            64              256
 *  +--------+--------+---------+--------+-----------+-----------+---------+-------------+----------------+
 *  | state  | id     | type id | key    | type name | label     | reserved| type name   | label          |
 *  | (4)    | (4)    | (4)     | (4)    | length (4)| length (4)|         | UTF-8, 32   | UTF-8, 192     |
 *  +--------+--------+---------+--------+-----------+-----------+---------+-------------+----------------+
 *
 *  Values, at valuesOffset(capacity) = 256 + capacity * 256: capacity slots of VALUE_SLOT_LENGTH = 128 bytes
 *  0        8                                                                                        128
 *  +--------+-----------------------------------------------------------------------------------------+
 *  | value  | padding (0)                                                                             |
 *  | (8)    |                                                                                         |
 *  +--------+-----------------------------------------------------------------------------------------+
 * </pre>
 * <b>Publication.</b> The owner builds the whole file under a temporary name and renames it into place, so a
 * reader never sees a half-written header; a new start replaces the file (a reader of the old one keeps reading
 * the old inode and never faults on a truncated mapping). A counter is published by writing its metadata record
 * and zero value, then its {@link #STATE_ALLOCATED state} with release semantics, then the allocated count with
 * release semantics; a reader reads the count with acquire semantics and can then read every record below it.
 * <p>
 * <b>Why 128-byte value slots.</b> Each value sits alone in 128 bytes rather than one 64-byte cache line: Intel
 * cores prefetch the adjacent 64-byte line of a pair (the spatial prefetcher), so two values 64 bytes apart can
 * still interfere, and Apple silicon and some other ARM cores have 128-byte lines outright. The padding keeps a
 * reader polling one counter from invalidating the line of a neighbouring hot counter, and keeps counters owned
 * by different writer threads (say, a driver thread and the stack thread, each with its own counters) from false
 * sharing. The heartbeat gets its own 128 bytes for the same reason.
 */
public final class CountersLayout
{
    /** The file's magic number: the ASCII bytes {@code TACHYCNT} read as a little-endian long. */
    public static final long MAGIC = 0x544E_4359_4843_4154L;
    /** The layout version this code writes and reads; bumped on any incompatible change. */
    public static final int LAYOUT_VERSION = 1;

    /** Offset of the magic number (long). */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the layout version (int). */
    public static final int LAYOUT_VERSION_OFFSET = 8;
    /** Offset of the counter capacity (int): how many metadata records and value slots the file has. */
    public static final int CAPACITY_OFFSET = 12;
    /** Offset of the owner's process id (long). */
    public static final int PID_OFFSET = 16;
    /** Offset of the owner's start time (long, epoch nanoseconds). */
    public static final int START_TIME_OFFSET = 24;
    /** Offset of the count of allocated counters (int, written with release semantics). */
    public static final int COUNT_OFFSET = 32;
    /** Offset of the file status (int): {@link #STATUS_ACTIVE} or {@link #STATUS_CLOSED}. */
    public static final int STATUS_OFFSET = 36;
    /** Offset of the heartbeat (long, epoch nanoseconds), updated by the owner every duty cycle. */
    public static final int HEARTBEAT_OFFSET = 128;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 256;

    /** The owner is (or was, if it died) running. */
    public static final int STATUS_ACTIVE = 0;
    /** The owner closed the file cleanly; the values are final. */
    public static final int STATUS_CLOSED = 1;

    /** Offset of the first metadata record. */
    public static final int METADATA_OFFSET = HEADER_LENGTH;
    /** Length of one metadata record. */
    public static final int METADATA_RECORD_LENGTH = 256;
    /** Offset in a record of its state (int): {@link #STATE_UNUSED} or {@link #STATE_ALLOCATED}. */
    public static final int RECORD_STATE_OFFSET = 0;
    /** Offset in a record of the counter id (int): the record's index. */
    public static final int RECORD_ID_OFFSET = 4;
    /** Offset in a record of the type id (int): counters of one type are printed as one group. */
    public static final int RECORD_TYPE_ID_OFFSET = 8;
    /** Offset in a record of the key (int): a descriptor's stable id, or an enum constant's ordinal. */
    public static final int RECORD_KEY_OFFSET = 12;
    /** Offset in a record of the type name's length in bytes (int). */
    public static final int RECORD_TYPE_NAME_LENGTH_OFFSET = 16;
    /** Offset in a record of the label's length in bytes (int). */
    public static final int RECORD_LABEL_LENGTH_OFFSET = 20;
    /** Offset in a record of the type name (UTF-8). */
    public static final int RECORD_TYPE_NAME_OFFSET = 32;
    /** The longest type name, in UTF-8 bytes. */
    public static final int MAX_TYPE_NAME_LENGTH = 32;
    /** Offset in a record of the label (UTF-8). */
    public static final int RECORD_LABEL_OFFSET = RECORD_TYPE_NAME_OFFSET + MAX_TYPE_NAME_LENGTH;
    /** The longest label, in UTF-8 bytes. */
    public static final int MAX_LABEL_LENGTH = METADATA_RECORD_LENGTH - RECORD_LABEL_OFFSET;

    /** A record not (yet) allocated. */
    public static final int STATE_UNUSED = 0;
    /** A record describing a live counter. */
    public static final int STATE_ALLOCATED = 1;

    /** Length of one value slot: a 64-bit value padded to 128 bytes (see the class comment for why). */
    public static final int VALUE_SLOT_LENGTH = 128;
    /** The largest capacity a file may declare (keeps a file under 26 MB and offsets well inside an int). */
    public static final int MAX_CAPACITY = 65_536;

    private CountersLayout()
    {
    }

    /**
     * Offset of a counter's metadata record.
     *
     * @param id the counter id.
     * @return the byte offset of its record.
     */
    public static long metadataOffset(final int id)
    {
        return METADATA_OFFSET + (long)id * METADATA_RECORD_LENGTH;
    }

    /**
     * Offset of the first value slot.
     *
     * @param capacity the file's capacity.
     * @return the byte offset of value slot 0, a multiple of {@link #VALUE_SLOT_LENGTH}.
     */
    public static long valuesOffset(final int capacity)
    {
        return METADATA_OFFSET + (long)capacity * METADATA_RECORD_LENGTH;
    }

    /**
     * Offset of a counter's value.
     *
     * @param capacity the file's capacity.
     * @param id       the counter id.
     * @return the byte offset of its 64-bit value.
     */
    public static long valueOffset(final int capacity, final int id)
    {
        return valuesOffset(capacity) + (long)id * VALUE_SLOT_LENGTH;
    }

    /**
     * The length of a file of a given capacity.
     *
     * @param capacity the capacity.
     * @return the file length in bytes.
     */
    public static long fileLength(final int capacity)
    {
        return valuesOffset(capacity) + (long)capacity * VALUE_SLOT_LENGTH;
    }
}
