package io.tachyon.pcap;

import io.tachyon.driver.FrameBatch;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A streaming reader of classic pcap (microsecond and nanosecond, either byte order) and pcapng capture files.
 * <p>
 * The format is detected from the first bytes. Records are pulled one at a time with {@link #next()}; the accessors
 * then describe the current record. The captured bytes are a view into the reader's reusable read buffer:
 * {@link #segment()} from {@link #dataOffset()} for {@link #capturedLength()} bytes, valid until the next call to
 * {@link #next()} or {@link #close()}. Reading a record allocates nothing.
 * <p>
 * Memory is bounded for files of any size: one read buffer of {@code maxCapturedLength} plus 64 KiB. A record whose
 * captured length exceeds the maximum (or its snap length, or its original length) is a
 * {@link PcapFormatException}, as is a truncated or corrupt file. Every complete record before the damage is
 * returned first; then {@code next()} throws, and keeps throwing the same exception.
 * <p>
 * pcapng: Section Header Blocks (several sections, either byte order), Interface Description Blocks (link type,
 * snap length, {@code if_tsresol} in both forms, {@code if_tsoffset}), Enhanced Packet Blocks, Simple Packet
 * Blocks and the obsolete Packet Block are understood; every other block is skipped by its length, however long.
 * <p>
 * A reader is used by one thread.
 */
public final class PcapReader implements AutoCloseable
{
    /** The default most captured bytes accepted in one record: 256 KiB. */
    public static final int DEFAULT_MAX_CAPTURED_LENGTH = 256 * 1024;

    /** The largest maximum captured length a reader accepts: 64 MiB. */
    public static final int LIMIT_MAX_CAPTURED_LENGTH = 64 * 1024 * 1024;

    /** {@link #timestampNs()} of a record without a timestamp (a pcapng Simple Packet Block). */
    public static final long NO_TIMESTAMP = FrameBatch.NO_TIMESTAMP;

    private static final int OPTION_ROOM = 64 * 1024;
    private static final int MAX_INTERFACES = 65_536;
    private static final long NS_PER_SECOND = 1_000_000_000L;

    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_MICROS_SWAPPED = 0xd4c3b2a1;
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int MAGIC_NANOS_SWAPPED = 0x4d3cb2a1;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

    private static final int BLOCK_SECTION_HEADER = 0x0a0d0d0a;
    private static final int BLOCK_INTERFACE_DESCRIPTION = 1;
    private static final int BLOCK_PACKET = 2;
    private static final int BLOCK_SIMPLE_PACKET = 3;
    private static final int BLOCK_ENHANCED_PACKET = 6;

    private static final int CLASSIC_HEADER_LENGTH = 24;
    private static final int CLASSIC_RECORD_HEADER_LENGTH = 16;

    private static final int OPTION_END = 0;
    private static final int OPTION_IF_TSRESOL = 9;
    private static final int OPTION_IF_TSOFFSET = 14;

    private static final int TS_MULTIPLY = 0;
    private static final int TS_DIVIDE = 1;
    private static final int TS_BINARY = 2;

    private static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32_LE =
        ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_BE =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16_LE =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_BE =
        ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong I64_LE =
        ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ReadableByteChannel channel;
    private final FileChannel fileChannel;
    private final ByteBuffer buffer;
    private final MemorySegment memory;
    private final int maxCapturedLength;
    private final int capacity;

    private int start;
    private int end;
    private long startFileOffset;
    private boolean endOfInput;

    private PcapFormat format;
    private ByteOrder byteOrder;
    private ValueLayout.OfInt u32;
    private ValueLayout.OfShort u16;
    private ValueLayout.OfLong i64;

    private int classicLinkType;
    private long classicSnapLength;

    private int interfaceCount;
    private int[] interfaceLinkTypes = new int[4];
    private long[] interfaceSnapLengths = new long[4];
    private int[] interfaceTsKinds = new int[4];
    private long[] interfaceTsParams = new long[4];
    private long[] interfaceTsOffsetsNs = new long[4];

    private boolean hasRecord;
    private long recordNumber;
    private long recordByteOffset;
    private long dataOffset;
    private int capturedLength;
    private int originalLength;
    private long timestampNs;
    private int linkType;
    private int interfaceId;
    private long snapLength;

    private PcapFormatException failure;
    private boolean finished;
    private boolean closed;

    /**
     * Opens a capture file with the {@link #DEFAULT_MAX_CAPTURED_LENGTH default maximum} record size.
     *
     * @param path the file.
     * @return a reader positioned before the first record.
     * @throws PcapFormatException if the file header is missing, truncated or not a pcap/pcapng header.
     * @throws IOException         if the file cannot be opened or read.
     */
    public static PcapReader open(final Path path) throws IOException
    {
        return open(path, DEFAULT_MAX_CAPTURED_LENGTH);
    }

    /**
     * Opens a capture file.
     *
     * @param path              the file.
     * @param maxCapturedLength the most captured bytes accepted in one record, 1 to
     *                          {@link #LIMIT_MAX_CAPTURED_LENGTH}.
     * @return a reader positioned before the first record.
     * @throws PcapFormatException      if the file header is missing, truncated or not a pcap/pcapng header.
     * @throws IOException              if the file cannot be opened or read.
     * @throws IllegalArgumentException if {@code maxCapturedLength} is out of range.
     */
    public static PcapReader open(final Path path, final int maxCapturedLength) throws IOException
    {
        checkMaxCapturedLength(maxCapturedLength);
        return new PcapReader(FileChannel.open(path, StandardOpenOption.READ), maxCapturedLength);
    }

    /**
     * A reader of a capture read from a channel (a {@link FileChannel} skips long blocks without reading them).
     * The reader owns the channel: {@link #close()} closes it, and so does a failure of this constructor.
     *
     * @param channel           where the capture comes from, positioned at its first byte.
     * @param maxCapturedLength the most captured bytes accepted in one record, 1 to
     *                          {@link #LIMIT_MAX_CAPTURED_LENGTH}.
     * @throws PcapFormatException      if the file header is missing, truncated or not a pcap/pcapng header.
     * @throws IOException              if the channel cannot be read.
     * @throws IllegalArgumentException if {@code maxCapturedLength} is out of range.
     */
    public PcapReader(final ReadableByteChannel channel, final int maxCapturedLength) throws IOException
    {
        if (channel == null)
        {
            throw new IllegalArgumentException("channel must not be null");
        }
        try
        {
            checkMaxCapturedLength(maxCapturedLength);
            this.channel = channel;
            this.fileChannel = channel instanceof FileChannel fc ? fc : null;
            this.maxCapturedLength = maxCapturedLength;
            this.capacity = maxCapturedLength + OPTION_ROOM;
            this.buffer = ByteBuffer.allocateDirect(capacity);
            this.memory = MemorySegment.ofBuffer(buffer);
            this.startFileOffset = fileChannel != null ? fileChannel.position() : 0;
            readFileHeader();
        }
        catch (final IOException | RuntimeException ex)
        {
            try
            {
                channel.close();
            }
            catch (final IOException closeEx)
            {
                ex.addSuppressed(closeEx);
            }
            throw ex;
        }
    }

    private static void checkMaxCapturedLength(final int maxCapturedLength)
    {
        if (maxCapturedLength < 1 || maxCapturedLength > LIMIT_MAX_CAPTURED_LENGTH)
        {
            throw new IllegalArgumentException("maxCapturedLength must be 1.." + LIMIT_MAX_CAPTURED_LENGTH +
                ", was " + maxCapturedLength);
        }
    }

    /**
     * The file's format.
     *
     * @return {@link PcapFormat#PCAP_MICROS}, {@link PcapFormat#PCAP_NANOS} or {@link PcapFormat#PCAPNG}.
     */
    public PcapFormat format()
    {
        return format;
    }

    /**
     * The byte order of the file (classic pcap) or of the current section (pcapng).
     *
     * @return the byte order the headers are read in.
     */
    public ByteOrder byteOrder()
    {
        return byteOrder;
    }

    /**
     * The most captured bytes this reader accepts in one record.
     *
     * @return the configured maximum.
     */
    public int maxCapturedLength()
    {
        return maxCapturedLength;
    }

    /**
     * Advances to the next packet record.
     *
     * @return true if there is a current record; false at a clean end of the file.
     * @throws PcapFormatException if the file is truncated or corrupt at the next record; thrown again by every
     *                             later call.
     * @throws IOException         if reading fails.
     * @throws IllegalStateException if the reader is closed.
     */
    public boolean next() throws IOException
    {
        if (closed)
        {
            throw new IllegalStateException("PcapReader is closed");
        }
        hasRecord = false;
        if (failure != null)
        {
            throw failure;
        }
        if (finished)
        {
            return false;
        }
        try
        {
            final boolean found = format == PcapFormat.PCAPNG ? nextBlockRecord() : nextClassicRecord();
            if (found)
            {
                hasRecord = true;
                recordNumber++;
            }
            else
            {
                finished = true;
            }
            return found;
        }
        catch (final PcapFormatException ex)
        {
            failure = ex;
            throw ex;
        }
    }

    /**
     * The memory holding the current record's captured bytes (the reader's read buffer): read
     * {@link #capturedLength()} bytes from {@link #dataOffset()}. Valid until the next call to {@link #next()}.
     *
     * @return the read buffer's segment.
     * @throws IllegalStateException if there is no current record.
     */
    public MemorySegment segment()
    {
        checkRecord();
        return memory;
    }

    /**
     * Where the current record's captured bytes start in {@link #segment()}.
     *
     * @return the offset of the first captured byte.
     * @throws IllegalStateException if there is no current record.
     */
    public long dataOffset()
    {
        checkRecord();
        return dataOffset;
    }

    /**
     * How many bytes of the current packet were captured.
     *
     * @return the captured length, at most {@link #originalLength()} and {@link #maxCapturedLength()}.
     * @throws IllegalStateException if there is no current record.
     */
    public int capturedLength()
    {
        checkRecord();
        return capturedLength;
    }

    /**
     * How long the current packet was on the wire.
     *
     * @return the original length; more than {@link #capturedLength()} for a truncated capture.
     * @throws IllegalStateException if there is no current record.
     */
    public int originalLength()
    {
        checkRecord();
        return originalLength;
    }

    /**
     * When the current packet was captured.
     *
     * @return nanoseconds since the Unix epoch, or {@link #NO_TIMESTAMP} for a record without one.
     * @throws IllegalStateException if there is no current record.
     */
    public long timestampNs()
    {
        checkRecord();
        return timestampNs;
    }

    /**
     * The link-layer header type of the current record (of the file, or of the record's pcapng interface).
     *
     * @return a LINKTYPE_* value, see {@link LinkType}; unknown values are reported as they are.
     * @throws IllegalStateException if there is no current record.
     */
    public int linkType()
    {
        checkRecord();
        return linkType;
    }

    /**
     * The pcapng interface of the current record, numbered from 0 within its section; 0 for classic pcap.
     *
     * @return the interface id.
     * @throws IllegalStateException if there is no current record.
     */
    public int interfaceId()
    {
        checkRecord();
        return interfaceId;
    }

    /**
     * The snap length of the current record's file or interface.
     *
     * @return the snap length in bytes; 0 means no limit.
     * @throws IllegalStateException if there is no current record.
     */
    public long snapLength()
    {
        checkRecord();
        return snapLength;
    }

    /**
     * The ordinal of the current packet record in the file, counting from 1 (as tshark's frame.number).
     *
     * @return the record number.
     * @throws IllegalStateException if there is no current record.
     */
    public long recordNumber()
    {
        checkRecord();
        return recordNumber;
    }

    /**
     * Where the current record (classic record header, or pcapng block) starts in the file.
     *
     * @return the byte offset from the start of the file.
     * @throws IllegalStateException if there is no current record.
     */
    public long recordByteOffset()
    {
        checkRecord();
        return recordByteOffset;
    }

    /**
     * Closes the reader and its channel. Idempotent.
     *
     * @throws IOException if closing the channel fails.
     */
    @Override
    public void close() throws IOException
    {
        if (!closed)
        {
            closed = true;
            hasRecord = false;
            channel.close();
        }
    }

    private void checkRecord()
    {
        if (!hasRecord)
        {
            throw new IllegalStateException(closed ? "PcapReader is closed" : "no current record: call next() first");
        }
    }

    private void setOrder(final ByteOrder order)
    {
        byteOrder = order;
        final boolean big = order == ByteOrder.BIG_ENDIAN;
        u32 = big ? U32_BE : U32_LE;
        u16 = big ? U16_BE : U16_LE;
        i64 = big ? I64_BE : I64_LE;
    }

    private long u32(final int at)
    {
        return Integer.toUnsignedLong(memory.get(u32, start + at));
    }

    private int u16(final int at)
    {
        return Short.toUnsignedInt(memory.get(u16, start + at));
    }

    private void readFileHeader() throws IOException
    {
        if (!fill(4))
        {
            throw new PcapFormatException(available() == 0 ? "empty file: not a pcap or pcapng file" :
                "truncated file header at byte 0: file ends after " + available() + " bytes", 0);
        }
        final int magic = memory.get(U32_BE, start);
        switch (magic)
        {
            case MAGIC_MICROS -> openClassic(PcapFormat.PCAP_MICROS, ByteOrder.BIG_ENDIAN);
            case MAGIC_MICROS_SWAPPED -> openClassic(PcapFormat.PCAP_MICROS, ByteOrder.LITTLE_ENDIAN);
            case MAGIC_NANOS -> openClassic(PcapFormat.PCAP_NANOS, ByteOrder.BIG_ENDIAN);
            case MAGIC_NANOS_SWAPPED -> openClassic(PcapFormat.PCAP_NANOS, ByteOrder.LITTLE_ENDIAN);
            case BLOCK_SECTION_HEADER ->
            {
                format = PcapFormat.PCAPNG;
                readSectionHeader();
            }
            default -> throw new PcapFormatException("not a pcap or pcapng file (magic 0x" +
                String.format("%08x", magic) + ")", 0);
        }
    }

    private void openClassic(final PcapFormat classicFormat, final ByteOrder order) throws IOException
    {
        format = classicFormat;
        setOrder(order);
        if (!fill(CLASSIC_HEADER_LENGTH))
        {
            throw new PcapFormatException("truncated file header at byte 0: a pcap file header is " +
                CLASSIC_HEADER_LENGTH + " bytes, file ends after " + available(), 0);
        }
        final int major = u16(4);
        final int minor = u16(6);
        if (major != 2)
        {
            throw new PcapFormatException("unsupported pcap version " + major + "." + minor + " at byte 0", 0);
        }
        classicSnapLength = u32(16);
        classicLinkType = (int) (u32(20) & 0xffff);
        consume(CLASSIC_HEADER_LENGTH);
    }

    private boolean nextClassicRecord() throws IOException
    {
        final long at = startFileOffset;
        if (!fill(CLASSIC_RECORD_HEADER_LENGTH))
        {
            if (available() == 0)
            {
                return false;
            }
            throw new PcapFormatException("truncated record header at byte " + at + ": a record header is " +
                CLASSIC_RECORD_HEADER_LENGTH + " bytes, file ends after " + available(), at);
        }
        final long seconds = u32(0);
        final long fraction = u32(4);
        final long captured = u32(8);
        final long original = u32(12);
        checkCaptured(at, "record", captured, original, classicSnapLength);
        final int total = CLASSIC_RECORD_HEADER_LENGTH + (int) captured;
        if (!fill(total))
        {
            throw new PcapFormatException("truncated record at byte " + at + ": header says " + captured +
                " captured bytes, file ends after " + (available() - CLASSIC_RECORD_HEADER_LENGTH), at);
        }
        timestampNs = seconds * NS_PER_SECOND + (format == PcapFormat.PCAP_NANOS ? fraction : fraction * 1000L);
        setRecord(at, CLASSIC_RECORD_HEADER_LENGTH, (int) captured, original, classicLinkType, 0, classicSnapLength);
        consume(total);
        return true;
    }

    private void checkCaptured(
        final long at, final String what, final long captured, final long original, final long snap)
        throws PcapFormatException
    {
        if (captured > original)
        {
            throw new PcapFormatException(what + " at byte " + at + ": captured length " + captured +
                " exceeds original length " + original, at);
        }
        if (captured > maxCapturedLength)
        {
            throw new PcapFormatException(what + " at byte " + at + ": captured length " + captured +
                " exceeds the maximum " + maxCapturedLength, at);
        }
        if (snap != 0 && captured > snap)
        {
            throw new PcapFormatException(what + " at byte " + at + ": captured length " + captured +
                " exceeds the snap length " + snap, at);
        }
    }

    private void setRecord(
        final long at,
        final int dataAt,
        final int captured,
        final long original,
        final int recordLinkType,
        final int recordInterface,
        final long snap)
    {
        recordByteOffset = at;
        dataOffset = start + dataAt;
        capturedLength = captured;
        originalLength = (int) Math.min(original, Integer.MAX_VALUE);
        linkType = recordLinkType;
        interfaceId = recordInterface;
        snapLength = snap;
    }

    private boolean nextBlockRecord() throws IOException
    {
        while (true)
        {
            final long at = startFileOffset;
            if (!fill(8))
            {
                if (available() == 0)
                {
                    return false;
                }
                throw new PcapFormatException("truncated block header at byte " + at +
                    ": a block header is 8 bytes, file ends after " + available(), at);
            }
            final int type = memory.get(u32, start);
            switch (type)
            {
                case BLOCK_SECTION_HEADER -> readSectionHeader();
                case BLOCK_INTERFACE_DESCRIPTION -> readInterfaceDescription(at);
                case BLOCK_ENHANCED_PACKET ->
                {
                    readPacketBlock(at, true);
                    return true;
                }
                case BLOCK_PACKET ->
                {
                    readPacketBlock(at, false);
                    return true;
                }
                case BLOCK_SIMPLE_PACKET ->
                {
                    readSimplePacket(at);
                    return true;
                }
                default -> skipBlock(at);
            }
        }
    }

    private long blockLength(final long at, final String name, final int minimum) throws PcapFormatException
    {
        final long length = u32(4);
        if (length < minimum)
        {
            throw new PcapFormatException(name + " at byte " + at + ": block length " + length +
                " is less than the minimum " + minimum, at);
        }
        if ((length & 3) != 0)
        {
            throw new PcapFormatException(name + " at byte " + at + ": block length " + length +
                " is not a multiple of 4", at);
        }
        return length;
    }

    /** Brings a whole block (that must fit the buffer) into the buffer and checks its trailing length. */
    private int loadBlock(final long at, final String name, final long length) throws IOException
    {
        if (length > capacity)
        {
            throw new PcapFormatException(name + " at byte " + at + ": block length " + length +
                " exceeds the maximum " + capacity, at);
        }
        final int len = (int) length;
        if (!fill(len))
        {
            throw new PcapFormatException("truncated " + name + " at byte " + at + ": block length says " + len +
                " bytes, file ends after " + available(), at);
        }
        checkTrailer(at, name, length, u32(len - 4));
        return len;
    }

    private static void checkTrailer(final long at, final String name, final long length, final long trailer)
        throws PcapFormatException
    {
        if (trailer != length)
        {
            throw new PcapFormatException(name + " at byte " + at + ": trailing block length " + trailer +
                " does not match the leading block length " + length, at);
        }
    }

    private void readSectionHeader() throws IOException
    {
        final String name = "section header block";
        final long at = startFileOffset;
        if (!fill(12))
        {
            throw new PcapFormatException("truncated " + name + " at byte " + at + ": file ends after " +
                available() + " bytes", at);
        }
        final int byteOrderMagic = memory.get(U32_BE, start + 8);
        if (byteOrderMagic == BYTE_ORDER_MAGIC)
        {
            setOrder(ByteOrder.BIG_ENDIAN);
        }
        else if (byteOrderMagic == BYTE_ORDER_MAGIC_SWAPPED)
        {
            setOrder(ByteOrder.LITTLE_ENDIAN);
        }
        else
        {
            throw new PcapFormatException(name + " at byte " + at + ": bad byte-order magic 0x" +
                String.format("%08x", byteOrderMagic), at);
        }
        final long length = blockLength(at, name, 28);
        final int len = loadBlock(at, name, length);
        final int major = u16(12);
        if (major != 1)
        {
            throw new PcapFormatException(name + " at byte " + at + ": unsupported pcapng version " + major + "." +
                u16(14), at);
        }
        interfaceCount = 0;
        consume(len);
    }

    private void readInterfaceDescription(final long at) throws IOException
    {
        final String name = "interface description block";
        final int len = loadBlock(at, name, blockLength(at, name, 20));
        final int ifLinkType = u16(8);
        final long snap = u32(12);
        int tsKind = TS_MULTIPLY;
        long tsParam = 1000L;
        long tsOffsetNs = 0;
        int pos = 16;
        final int optionsEnd = len - 4;
        while (pos + 4 <= optionsEnd)
        {
            final int code = u16(pos);
            final int optionLength = u16(pos + 2);
            if (code == OPTION_END)
            {
                break;
            }
            if (pos + 4 + optionLength > optionsEnd)
            {
                throw new PcapFormatException(name + " at byte " + at + ": option " + code + " at byte " +
                    (at + pos) + " of " + optionLength + " bytes overruns the block", at);
            }
            if (code == OPTION_IF_TSRESOL && optionLength >= 1)
            {
                final int resolution = memory.get(ValueLayout.JAVA_BYTE, start + pos + 4) & 0xff;
                final int exponent = resolution & 0x7f;
                if ((resolution & 0x80) == 0)
                {
                    if (exponent <= 9)
                    {
                        tsKind = TS_MULTIPLY;
                        tsParam = pow10(9 - exponent);
                    }
                    else if (exponent <= 27)
                    {
                        tsKind = TS_DIVIDE;
                        tsParam = pow10(exponent - 9);
                    }
                    else
                    {
                        throw new PcapFormatException(name + " at byte " + at + ": unsupported if_tsresol 10^-" +
                            exponent, at);
                    }
                }
                else
                {
                    if (exponent > 63)
                    {
                        throw new PcapFormatException(name + " at byte " + at + ": unsupported if_tsresol 2^-" +
                            exponent, at);
                    }
                    tsKind = TS_BINARY;
                    tsParam = exponent;
                }
            }
            else if (code == OPTION_IF_TSOFFSET && optionLength >= 8)
            {
                tsOffsetNs = memory.get(i64, start + pos + 4) * NS_PER_SECOND;
            }
            pos += 4 + ((optionLength + 3) & ~3);
        }
        if (interfaceCount == MAX_INTERFACES)
        {
            throw new PcapFormatException(name + " at byte " + at + ": more than " + MAX_INTERFACES +
                " interfaces in one section", at);
        }
        if (interfaceCount == interfaceLinkTypes.length)
        {
            final int grown = interfaceCount * 2;
            interfaceLinkTypes = Arrays.copyOf(interfaceLinkTypes, grown);
            interfaceSnapLengths = Arrays.copyOf(interfaceSnapLengths, grown);
            interfaceTsKinds = Arrays.copyOf(interfaceTsKinds, grown);
            interfaceTsParams = Arrays.copyOf(interfaceTsParams, grown);
            interfaceTsOffsetsNs = Arrays.copyOf(interfaceTsOffsetsNs, grown);
        }
        interfaceLinkTypes[interfaceCount] = ifLinkType;
        interfaceSnapLengths[interfaceCount] = snap;
        interfaceTsKinds[interfaceCount] = tsKind;
        interfaceTsParams[interfaceCount] = tsParam;
        interfaceTsOffsetsNs[interfaceCount] = tsOffsetNs;
        interfaceCount++;
        consume(len);
    }

    private static long pow10(final int exponent)
    {
        long value = 1;
        for (int i = 0; i < exponent; i++)
        {
            value *= 10;
        }
        return value;
    }

    private void readPacketBlock(final long at, final boolean enhanced) throws IOException
    {
        final String name = enhanced ? "enhanced packet block" : "packet block";
        final long length = blockLength(at, name, 32);
        if (!fill(28))
        {
            throw new PcapFormatException("truncated " + name + " at byte " + at + ": block length says " +
                length + " bytes, file ends after " + available(), at);
        }
        final long iface = enhanced ? u32(8) : u16(8);
        if (iface >= interfaceCount)
        {
            throw new PcapFormatException(name + " at byte " + at + ": interface " + iface +
                " is not described (the section has " + interfaceCount + " interfaces)", at);
        }
        final int id = (int) iface;
        final long captured = u32(20);
        final long original = u32(24);
        if (captured > length - 32)
        {
            throw new PcapFormatException(name + " at byte " + at + ": captured length " + captured +
                " exceeds the block's room of " + (length - 32) + " bytes", at);
        }
        checkCaptured(at, name, captured, original, interfaceSnapLengths[id]);
        final int len = loadBlock(at, name, length);
        final long units = (u32(12) << 32) | u32(16);
        timestampNs = toNanos(interfaceTsKinds[id], interfaceTsParams[id], units) + interfaceTsOffsetsNs[id];
        setRecord(at, 28, (int) captured, original, interfaceLinkTypes[id], id, interfaceSnapLengths[id]);
        consume(len);
    }

    private void readSimplePacket(final long at) throws IOException
    {
        final String name = "simple packet block";
        final long length = blockLength(at, name, 16);
        if (interfaceCount == 0)
        {
            throw new PcapFormatException(name + " at byte " + at + ": no interface is described", at);
        }
        if (!fill(12))
        {
            throw new PcapFormatException("truncated " + name + " at byte " + at + ": block length says " +
                length + " bytes, file ends after " + available(), at);
        }
        final long original = u32(8);
        final long snap = interfaceSnapLengths[0];
        long captured = Math.min(original, length - 16);
        if (snap != 0)
        {
            captured = Math.min(captured, snap);
        }
        checkCaptured(at, name, captured, original, snap);
        final int len = loadBlock(at, name, length);
        timestampNs = NO_TIMESTAMP;
        setRecord(at, 12, (int) captured, original, interfaceLinkTypes[0], 0, snap);
        consume(len);
    }

    private void skipBlock(final long at) throws IOException
    {
        final String name = "block";
        final long length = blockLength(at, name, 12);
        if (length <= capacity)
        {
            consume(loadBlock(at, name, length));
            return;
        }
        final long skipped = skip(length - 4);
        if (skipped < length - 4 || !fill(4))
        {
            throw new PcapFormatException("truncated " + name + " at byte " + at + ": block length says " +
                length + " bytes, file ends after " + (skipped + available()), at);
        }
        checkTrailer(at, name, length, u32(0));
        consume(4);
    }

    private static long toNanos(final int kind, final long param, final long units)
    {
        switch (kind)
        {
            case TS_MULTIPLY:
                return units * param;
            case TS_DIVIDE:
                return Long.divideUnsigned(units, param);
            default:
                final int shift = (int) param;
                if (shift == 0)
                {
                    return units * NS_PER_SECOND;
                }
                final long seconds = units >>> shift;
                final long fraction = units & ((1L << shift) - 1);
                final long high = Math.unsignedMultiplyHigh(fraction, NS_PER_SECOND);
                final long low = fraction * NS_PER_SECOND;
                return seconds * NS_PER_SECOND + ((high << (64 - shift)) | (low >>> shift));
        }
    }

    private int available()
    {
        return end - start;
    }

    private void consume(final int count)
    {
        start += count;
        startFileOffset += count;
    }

    /** Makes {@code count} (at most the capacity) bytes available from {@code start}; false at end of input. */
    private boolean fill(final int count) throws IOException
    {
        if (end - start >= count)
        {
            return true;
        }
        if (start + count > capacity)
        {
            final int kept = end - start;
            MemorySegment.copy(memory, start, memory, 0, kept);
            start = 0;
            end = kept;
        }
        while (end - start < count && !endOfInput)
        {
            buffer.limit(capacity).position(end);
            final int read = channel.read(buffer);
            if (read < 0)
            {
                endOfInput = true;
            }
            else
            {
                end += read;
            }
        }
        return end - start >= count;
    }

    /** Skips {@code count} bytes, which may exceed the buffer; returns how many could be skipped. */
    private long skip(final long count) throws IOException
    {
        final int buffered = available();
        if (count <= buffered)
        {
            consume((int) count);
            return count;
        }
        long skipped = buffered;
        startFileOffset += buffered;
        start = 0;
        end = 0;
        if (fileChannel != null)
        {
            final long position = fileChannel.position();
            final long wanted = count - skipped;
            final long room = Math.max(0, fileChannel.size() - position);
            final long step = Math.min(wanted, room);
            fileChannel.position(position + step);
            startFileOffset += step;
            return skipped + step;
        }
        while (skipped < count)
        {
            final int step = (int) Math.min(capacity, count - skipped);
            if (!fill(step))
            {
                final int partial = available();
                consume(partial);
                return skipped + partial;
            }
            consume(step);
            skipped += step;
        }
        return skipped;
    }
}
