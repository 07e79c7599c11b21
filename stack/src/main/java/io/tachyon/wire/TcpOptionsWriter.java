package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * Writes TCP options into an options area, then pads them with NOPs to a 4-byte boundary. Allocation-free and
 * reusable.
 * <pre>
 *   writer.wrap(segment, tcpOffset + TcpFlyweight.OPTIONS_OFFSET, TcpOptions.MAX_OPTIONS_LENGTH)
 *         .mss(1460).sackPermitted().timestamps(tsVal, 0).nop().windowScale(7);
 *   int optionsLength = writer.finish();            // multiple of 4
 *   tcp.dataOffset(5 + optionsLength / 4);
 * </pre>
 * Writing past the capacity throws {@link IllegalStateException}: the caller chose too many options.
 */
public final class TcpOptionsWriter
{
    private MemorySegment segment;
    private long start;
    private int capacity;
    private int position;
    private long sackOffset = -1;

    /** A writer that wraps nothing yet. */
    public TcpOptionsWriter()
    {
    }

    /**
     * Starts writing at {@code offset}.
     *
     * @param segment the memory.
     * @param offset the first option byte (a TCP header's {@code optionsOffset()}).
     * @param capacity room in bytes, {@code [0, 40]}.
     * @return this.
     * @throws IllegalArgumentException if the capacity is out of range.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public TcpOptionsWriter wrap(final MemorySegment segment, final long offset, final int capacity)
    {
        Bytes.checkRange("TCP options capacity", capacity, 0, TcpOptions.MAX_OPTIONS_LENGTH);
        Bytes.checkWritable("TCP options", segment, offset, capacity, 0);
        this.segment = segment;
        this.start = offset;
        this.capacity = capacity;
        this.position = 0;
        this.sackOffset = -1;
        return this;
    }

    /**
     * Bytes written so far.
     *
     * @return the unpadded length.
     */
    public int length()
    {
        return position;
    }

    /**
     * Writes a NOP.
     *
     * @return this.
     */
    public TcpOptionsWriter nop()
    {
        room(1);
        put(TcpOptions.KIND_NOP);
        return this;
    }

    /**
     * Writes an EOL (end of option list).
     *
     * @return this.
     */
    public TcpOptionsWriter eol()
    {
        room(1);
        put(TcpOptions.KIND_EOL);
        return this;
    }

    /**
     * Writes an MSS option.
     *
     * @param mss {@code [0, 0xFFFF]}.
     * @return this.
     */
    public TcpOptionsWriter mss(final int mss)
    {
        Bytes.checkRange("MSS", mss, 0, 0xFFFF);
        room(TcpOptions.MSS_LENGTH);
        put(TcpOptions.KIND_MSS);
        put(TcpOptions.MSS_LENGTH);
        Bytes.putU16(segment, start + position, mss);
        position += 2;
        return this;
    }

    /**
     * Writes a window scale option.
     *
     * @param shift the shift count, {@code [0, 255]} (RFC 7323 receivers clamp above 14).
     * @return this.
     */
    public TcpOptionsWriter windowScale(final int shift)
    {
        Bytes.checkRange("window scale shift", shift, 0, 0xFF);
        room(TcpOptions.WINDOW_SCALE_LENGTH);
        put(TcpOptions.KIND_WINDOW_SCALE);
        put(TcpOptions.WINDOW_SCALE_LENGTH);
        put(shift);
        return this;
    }

    /**
     * Writes a SACK-permitted option.
     *
     * @return this.
     */
    public TcpOptionsWriter sackPermitted()
    {
        room(TcpOptions.SACK_PERMITTED_LENGTH);
        put(TcpOptions.KIND_SACK_PERMITTED);
        put(TcpOptions.SACK_PERMITTED_LENGTH);
        return this;
    }

    /**
     * Writes a timestamps option.
     *
     * @param value TSval.
     * @param echo TSecr.
     * @return this.
     */
    public TcpOptionsWriter timestamps(final int value, final int echo)
    {
        room(TcpOptions.TIMESTAMPS_LENGTH);
        put(TcpOptions.KIND_TIMESTAMPS);
        put(TcpOptions.TIMESTAMPS_LENGTH);
        Bytes.putI32(segment, start + position, value);
        Bytes.putI32(segment, start + position + 4, echo);
        position += 8;
        return this;
    }

    /**
     * Writes a SACK block, starting a SACK option if the previous call did not write a block.
     *
     * @param leftEdge the block's left edge.
     * @param rightEdge the block's right edge.
     * @return this.
     * @throws IllegalStateException if the SACK option already has 4 blocks or there is no room.
     */
    public TcpOptionsWriter sackBlock(final int leftEdge, final int rightEdge)
    {
        if (sackOffset < 0)
        {
            room(10, false);
            sackOffset = start + position;
            put(TcpOptions.KIND_SACK);
            put(2);
        }
        else
        {
            final int length = Bytes.u8(segment, sackOffset + 1);
            if (length >= 2 + 8 * TcpOptions.MAX_SACK_BLOCKS)
            {
                throw new IllegalStateException("a SACK option holds at most 4 blocks");
            }
            room(8, false);
        }
        Bytes.putU8(segment, sackOffset + 1, Bytes.u8(segment, sackOffset + 1) + 8);
        Bytes.putI32(segment, start + position, leftEdge);
        Bytes.putI32(segment, start + position + 4, rightEdge);
        position += 8;
        return this;
    }

    /**
     * Writes an option of any kind from its parts (for unknown kinds and byte-for-byte re-emission).
     *
     * @param kind {@code [2, 255]}.
     * @param data the memory holding the option data.
     * @param dataOffset where the data starts.
     * @param dataLength the data length, {@code [0, 38]}.
     * @return this.
     */
    public TcpOptionsWriter raw(final int kind, final MemorySegment data, final long dataOffset, final int dataLength)
    {
        Bytes.checkRange("TCP option kind", kind, 2, 0xFF);
        Bytes.checkRange("TCP option data length", dataLength, 0, TcpOptions.MAX_OPTIONS_LENGTH - 2);
        room(2 + dataLength);
        put(kind);
        put(2 + dataLength);
        MemorySegment.copy(data, dataOffset, segment, start + position, dataLength);
        position += dataLength;
        return this;
    }

    /**
     * Copies the cursor's current option byte for byte.
     *
     * @param options a cursor positioned on an option by {@link TcpOptions#next()}.
     * @return this.
     * @throws IllegalStateException if the cursor is not on an option.
     */
    public TcpOptionsWriter copy(final TcpOptions options)
    {
        final int length = options.optionLength();
        if (options.kind() < 0 || length < 1)
        {
            throw new IllegalStateException("the TCP options cursor is not on an option");
        }
        room(length);
        MemorySegment.copy(options.segment(), options.optionOffset(), segment, start + position, length);
        position += length;
        sackOffset = -1;
        return this;
    }

    /**
     * Pads with NOPs to a multiple of 4 bytes.
     *
     * @return the padded options length, a multiple of 4, {@code [0, 40]}.
     * @throws IllegalStateException if the padding does not fit.
     */
    public int finish()
    {
        while ((position & 3) != 0)
        {
            nop();
        }
        return position;
    }

    private void room(final int needed)
    {
        room(needed, true);
    }

    private void room(final int needed, final boolean endsSack)
    {
        if (endsSack)
        {
            sackOffset = -1;
        }
        if (segment == null)
        {
            throw new IllegalStateException("TcpOptionsWriter is not wrapped");
        }
        if (position + needed > capacity)
        {
            throw new IllegalStateException("TCP options overflow: " + needed + " more bytes after " + position
                + " exceed the capacity of " + capacity);
        }
    }

    private void put(final int value)
    {
        Bytes.putU8(segment, start + position, value);
        position++;
    }
}
