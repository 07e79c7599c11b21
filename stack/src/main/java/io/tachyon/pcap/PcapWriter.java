package io.tachyon.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A streaming writer of capture files: classic pcap with microsecond or nanosecond timestamps, or pcapng with one
 * section, one interface ({@code if_tsresol} = 9, nanoseconds) and Enhanced Packet Blocks.
 * <p>
 * Records are copied into one reused direct buffer (64 KiB) and written to the channel when it fills, on
 * {@link #flush()} and on {@link #close()}. Writing a record allocates nothing. Packets longer than the snap
 * length are truncated to it, keeping their original length.
 * <p>
 * A writer is used by one thread.
 */
public final class PcapWriter implements AutoCloseable
{
    /** The default snap length: 262 144 bytes, libpcap's maximum, equal to the reader's default maximum. */
    public static final int DEFAULT_SNAP_LENGTH = 262_144;

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final long NS_PER_SECOND = 1_000_000_000L;
    private static final long MAX_CLASSIC_SECONDS = 0xffff_ffffL;

    private final WritableByteChannel channel;
    private final PcapFormat format;
    private final int linkType;
    private final int snapLength;
    private final ByteOrder byteOrder;
    private final ByteBuffer buffer;
    private final MemorySegment memory;
    private final ValueLayout.OfInt u32;
    private final ValueLayout.OfShort u16;
    private final ValueLayout.OfLong i64;

    private int position;
    private long recordCount;
    private long bytesWritten;
    private boolean closed;

    /**
     * Creates (or truncates) a capture file in the platform's byte order with the default snap length.
     *
     * @param path     the file.
     * @param format   the file format.
     * @param linkType the LINKTYPE_* of every record, 0 to 65535 (see {@link LinkType}).
     * @return a writer that has written the file header (to its buffer).
     * @throws IOException              if the file cannot be created.
     * @throws IllegalArgumentException if an argument is out of range.
     */
    public static PcapWriter create(final Path path, final PcapFormat format, final int linkType) throws IOException
    {
        return create(path, format, linkType, DEFAULT_SNAP_LENGTH, ByteOrder.nativeOrder());
    }

    /**
     * Creates (or truncates) a capture file.
     *
     * @param path       the file.
     * @param format     the file format.
     * @param linkType   the LINKTYPE_* of every record, 0 to 65535 (see {@link LinkType}).
     * @param snapLength the most bytes kept of a packet, at least 1.
     * @param byteOrder  the byte order of the file's headers.
     * @return a writer that has written the file header (to its buffer).
     * @throws IOException              if the file cannot be created.
     * @throws IllegalArgumentException if an argument is out of range.
     */
    public static PcapWriter create(
        final Path path, final PcapFormat format, final int linkType, final int snapLength, final ByteOrder byteOrder)
        throws IOException
    {
        checkArguments(format, linkType, snapLength, byteOrder);
        final FileChannel fileChannel = FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        return new PcapWriter(fileChannel, format, linkType, snapLength, byteOrder);
    }

    /**
     * A writer to an output stream (for example an in-memory one). Closing the writer closes the stream.
     *
     * @param out        where the file's bytes go.
     * @param format     the file format.
     * @param linkType   the LINKTYPE_* of every record, 0 to 65535 (see {@link LinkType}).
     * @param snapLength the most bytes kept of a packet, at least 1.
     * @param byteOrder  the byte order of the file's headers.
     * @return a writer that has written the file header (to its buffer).
     * @throws IllegalArgumentException if an argument is out of range.
     */
    public static PcapWriter create(
        final OutputStream out,
        final PcapFormat format,
        final int linkType,
        final int snapLength,
        final ByteOrder byteOrder)
    {
        if (out == null)
        {
            throw new IllegalArgumentException("output stream must not be null");
        }
        return new PcapWriter(Channels.newChannel(out), format, linkType, snapLength, byteOrder);
    }

    /**
     * A writer to a channel. The writer owns the channel: closing the writer closes it.
     *
     * @param channel    where the file's bytes go.
     * @param format     the file format.
     * @param linkType   the LINKTYPE_* of every record, 0 to 65535 (see {@link LinkType}).
     * @param snapLength the most bytes kept of a packet, at least 1.
     * @param byteOrder  the byte order of the file's headers.
     * @throws IllegalArgumentException if an argument is out of range.
     */
    public PcapWriter(
        final WritableByteChannel channel,
        final PcapFormat format,
        final int linkType,
        final int snapLength,
        final ByteOrder byteOrder)
    {
        if (channel == null)
        {
            throw new IllegalArgumentException("channel must not be null");
        }
        checkArguments(format, linkType, snapLength, byteOrder);
        this.channel = channel;
        this.format = format;
        this.linkType = linkType;
        this.snapLength = snapLength;
        this.byteOrder = byteOrder;
        this.buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        this.memory = MemorySegment.ofBuffer(buffer);
        this.u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(byteOrder);
        this.u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(byteOrder);
        this.i64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(byteOrder);
        writeFileHeader();
    }

    private static void checkArguments(
        final PcapFormat format, final int linkType, final int snapLength, final ByteOrder byteOrder)
    {
        if (format == null)
        {
            throw new IllegalArgumentException("format must not be null");
        }
        if (byteOrder == null)
        {
            throw new IllegalArgumentException("byteOrder must not be null");
        }
        if (linkType < 0 || linkType > 0xffff)
        {
            throw new IllegalArgumentException("linkType must be 0..65535, was " + linkType);
        }
        if (snapLength < 1)
        {
            throw new IllegalArgumentException("snapLength must be >= 1, was " + snapLength);
        }
    }

    /**
     * The file format being written.
     *
     * @return the format.
     */
    public PcapFormat format()
    {
        return format;
    }

    /**
     * The link type of every record.
     *
     * @return the LINKTYPE_* value.
     */
    public int linkType()
    {
        return linkType;
    }

    /**
     * The most bytes kept of a packet.
     *
     * @return the snap length.
     */
    public int snapLength()
    {
        return snapLength;
    }

    /**
     * The byte order of the file's headers.
     *
     * @return the byte order.
     */
    public ByteOrder byteOrder()
    {
        return byteOrder;
    }

    /**
     * How many packet records were written.
     *
     * @return the record count.
     */
    public long recordCount()
    {
        return recordCount;
    }

    /**
     * How many bytes of file were produced so far, including bytes still in the buffer.
     *
     * @return the file length after the next flush.
     */
    public long bytesWritten()
    {
        return bytesWritten + position;
    }

    /**
     * Writes a whole packet (truncated to the snap length if longer).
     *
     * @param segment     memory holding the packet.
     * @param offset      where the packet starts in {@code segment}.
     * @param length      the packet's length, its original length.
     * @param timestampNs when it was captured, in nanoseconds since the Unix epoch (not negative; for classic pcap
     *                    before 2106-02-07).
     * @throws IOException               if writing to the channel fails.
     * @throws IllegalArgumentException  if the length or the timestamp is out of range.
     * @throws IndexOutOfBoundsException if the bytes are outside {@code segment}.
     * @throws IllegalStateException     if the writer is closed.
     */
    public void write(final MemorySegment segment, final long offset, final int length, final long timestampNs)
        throws IOException
    {
        write(segment, offset, length, length, timestampNs);
    }

    /**
     * Writes a packet of which {@code capturedLength} bytes are available (truncated further to the snap length).
     *
     * @param segment        memory holding the captured bytes.
     * @param offset         where they start in {@code segment}.
     * @param capturedLength how many bytes are available, 0 to {@code originalLength}.
     * @param originalLength the packet's length on the wire.
     * @param timestampNs    when it was captured, in nanoseconds since the Unix epoch (not negative; for classic
     *                       pcap before 2106-02-07).
     * @throws IOException               if writing to the channel fails.
     * @throws IllegalArgumentException  if a length or the timestamp is out of range.
     * @throws IndexOutOfBoundsException if the bytes are outside {@code segment}.
     * @throws IllegalStateException     if the writer is closed.
     */
    public void write(
        final MemorySegment segment,
        final long offset,
        final int capturedLength,
        final int originalLength,
        final long timestampNs)
        throws IOException
    {
        checkOpen();
        if (capturedLength < 0 || capturedLength > originalLength)
        {
            throw new IllegalArgumentException("capturedLength must be 0..originalLength (" + originalLength +
                "), was " + capturedLength);
        }
        checkTimestamp(timestampNs);
        final int kept = Math.min(capturedLength, snapLength);
        if (format == PcapFormat.PCAPNG)
        {
            final int padded = (kept + 3) & ~3;
            final int total = 32 + padded;
            room(28);
            putInt(6);
            putInt(total);
            putInt(0);
            putInt((int) (timestampNs >>> 32));
            putInt((int) timestampNs);
            putInt(kept);
            putInt(originalLength);
            putBytes(segment, offset, kept);
            room(padded - kept + 4);
            for (int i = kept; i < padded; i++)
            {
                memory.set(ValueLayout.JAVA_BYTE, position++, (byte) 0);
            }
            putInt(total);
        }
        else
        {
            final long seconds = timestampNs / NS_PER_SECOND;
            final long nanos = timestampNs % NS_PER_SECOND;
            room(16);
            putInt((int) seconds);
            putInt((int) (format == PcapFormat.PCAP_NANOS ? nanos : nanos / 1000));
            putInt(kept);
            putInt(originalLength);
            putBytes(segment, offset, kept);
        }
        recordCount++;
    }

    /**
     * Writes a whole packet held in an array (truncated to the snap length if longer). A convenience for tests
     * and tools.
     *
     * @param packet      the packet's bytes; its length is the original length.
     * @param timestampNs when it was captured, in nanoseconds since the Unix epoch.
     * @throws IOException              if writing to the channel fails.
     * @throws IllegalArgumentException if the timestamp is out of range.
     * @throws IllegalStateException    if the writer is closed.
     */
    public void write(final byte[] packet, final long timestampNs) throws IOException
    {
        write(MemorySegment.ofArray(packet), 0, packet.length, timestampNs);
    }

    /**
     * Writes the buffered bytes to the channel.
     *
     * @throws IOException           if writing fails.
     * @throws IllegalStateException if the writer is closed.
     */
    public void flush() throws IOException
    {
        checkOpen();
        drain();
    }

    /**
     * Flushes and closes the writer and its channel. Idempotent.
     *
     * @throws IOException if writing or closing fails (the channel is closed anyway).
     */
    @Override
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            drain();
        }
        finally
        {
            channel.close();
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("PcapWriter is closed");
        }
    }

    private void checkTimestamp(final long timestampNs)
    {
        if (timestampNs < 0)
        {
            throw new IllegalArgumentException("timestampNs must be >= 0, was " + timestampNs);
        }
        if (format != PcapFormat.PCAPNG && timestampNs / NS_PER_SECOND > MAX_CLASSIC_SECONDS)
        {
            throw new IllegalArgumentException("timestampNs " + timestampNs +
                " is beyond classic pcap's 32-bit seconds");
        }
    }

    private void writeFileHeader()
    {
        switch (format)
        {
            case PCAP_MICROS, PCAP_NANOS ->
            {
                putInt(format == PcapFormat.PCAP_NANOS ? 0xa1b23c4d : 0xa1b2c3d4);
                putShort(2);
                putShort(4);
                putInt(0);
                putInt(0);
                putInt(snapLength);
                putInt(linkType);
            }
            case PCAPNG ->
            {
                putInt(0x0a0d0d0a);
                putInt(28);
                putInt(0x1a2b3c4d);
                putShort(1);
                putShort(0);
                memory.set(i64, position, -1L);
                position += 8;
                putInt(28);

                putInt(1);
                putInt(32);
                putShort(linkType);
                putShort(0);
                putInt(snapLength);
                putShort(9);
                putShort(1);
                putInt(0);
                memory.set(ValueLayout.JAVA_BYTE, position - 4, (byte) 9);
                putInt(0);
                putInt(32);
            }
            default -> throw new IllegalArgumentException("unknown format " + format);
        }
    }

    private void putInt(final int value)
    {
        memory.set(u32, position, value);
        position += 4;
    }

    private void putShort(final int value)
    {
        memory.set(u16, position, (short) value);
        position += 2;
    }

    private void putBytes(final MemorySegment segment, final long offset, final int length) throws IOException
    {
        long from = offset;
        int left = length;
        while (left > 0)
        {
            if (position == BUFFER_SIZE)
            {
                drain();
            }
            final int step = Math.min(left, BUFFER_SIZE - position);
            MemorySegment.copy(segment, from, memory, position, step);
            position += step;
            from += step;
            left -= step;
        }
    }

    private void room(final int count) throws IOException
    {
        if (position + count > BUFFER_SIZE)
        {
            drain();
        }
    }

    private void drain() throws IOException
    {
        buffer.limit(position).position(0);
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
        bytesWritten += position;
        position = 0;
        buffer.clear();
    }
}
