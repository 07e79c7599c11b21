package io.tachyon.driver;

import java.lang.foreign.MemorySegment;

/**
 * A reusable, pre-sized batch of frame descriptors: the unit of exchange between a stack and a
 * {@link DriverQueue}. It holds no frame bytes, only where each frame lives in driver memory.
 * <p>
 * For each frame {@code i < size()}:
 * <pre>
 *   segment(i)     the driver memory region that holds the frame (a UMEM, a mempool area, a registered
 *                  buffer region, or a heap array for test drivers)
 *   offset(i)      where the frame's first byte (the Ethernet destination address) is in that segment
 *   length(i)      bytes of frame: set by the driver on receive, by the caller before transmit
 *   capacity(i)    bytes that may be written from offset(i): the buffer's room, for building or reusing a frame
 *   handle(i)      the driver's own name for the buffer (UMEM address, mbuf pointer, DMA id); opaque to callers
 *   queue(i)       the queue the frame arrived on
 *   timestampNs(i) the driver's receive timestamp in epoch nanoseconds, or {@link #NO_TIMESTAMP}
 *   flags(i)       RX_* checksum verdicts from the device, or TX_* offload requests from the caller
 * </pre>
 * The arrays are allocated once, at construction; filling, compacting and clearing a batch allocates nothing.
 * A batch is used by one thread.
 * <p>
 * Ownership: a frame in a batch that came from {@code receive} or {@code acquire} belongs to the caller until it
 * is handed back with {@code release} or accepted by {@code transmit}. A driver rejects a handle that it does not
 * consider lent out, with {@link DriverException.Reason#BAD_ARGUMENT}.
 */
public final class FrameBatch
{
    /** {@link #timestampNs(int)} value for a frame without a timestamp. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** RX: the device verified the IPv4 header checksum and found it good. */
    public static final int RX_IP_CHECKSUM_GOOD = 1;
    /** RX: the device verified the IPv4 header checksum and found it bad. */
    public static final int RX_IP_CHECKSUM_BAD = 1 << 1;
    /** RX: the device verified the TCP/UDP checksum and found it good. */
    public static final int RX_L4_CHECKSUM_GOOD = 1 << 2;
    /** RX: the device verified the TCP/UDP checksum and found it bad. */
    public static final int RX_L4_CHECKSUM_BAD = 1 << 3;
    /** TX: ask the device to fill the IPv4 header checksum (only when it offers TX checksum offload). */
    public static final int TX_IP_CHECKSUM = 1 << 4;
    /** TX: ask the device to fill the TCP/UDP checksum (only when it offers TX checksum offload). */
    public static final int TX_L4_CHECKSUM = 1 << 5;

    private final MemorySegment[] segments;
    private final long[] offsets;
    private final long[] handles;
    private final long[] timestampsNs;
    private final int[] lengths;
    private final int[] capacities;
    private final int[] queues;
    private final int[] flags;
    private int size;

    /**
     * A batch that holds up to {@code capacity} frames.
     *
     * @param capacity the most frames the batch holds; at least 1.
     * @throws IllegalArgumentException if {@code capacity < 1}.
     */
    public FrameBatch(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("FrameBatch capacity must be >= 1, was " + capacity);
        }
        segments = new MemorySegment[capacity];
        offsets = new long[capacity];
        handles = new long[capacity];
        timestampsNs = new long[capacity];
        lengths = new int[capacity];
        capacities = new int[capacity];
        queues = new int[capacity];
        flags = new int[capacity];
    }

    /**
     * The most frames this batch holds.
     *
     * @return the fixed capacity.
     */
    public int capacity()
    {
        return offsets.length;
    }

    /**
     * How many frames the batch holds now.
     *
     * @return the number of frames, {@code 0 <= size() <= capacity()}.
     */
    public int size()
    {
        return size;
    }

    /**
     * How many more frames fit.
     *
     * @return {@code capacity() - size()}.
     */
    public int remaining()
    {
        return offsets.length - size;
    }

    /**
     * Whether the batch holds no frame.
     *
     * @return true when {@code size() == 0}.
     */
    public boolean isEmpty()
    {
        return size == 0;
    }

    /**
     * Forgets every frame. It does not release them: a caller that owns frames releases them first.
     */
    public void clear()
    {
        for (int i = 0; i < size; i++)
        {
            segments[i] = null;
        }
        size = 0;
    }

    /**
     * Appends a frame descriptor. Drivers call this from {@code receive} and {@code acquire}.
     *
     * @param segment     the memory region holding the frame.
     * @param offset      the frame's start in {@code segment}.
     * @param length      bytes of frame data.
     * @param capacity    bytes writable from {@code offset}.
     * @param handle      the driver's name for the buffer.
     * @param queue       the queue id.
     * @param timestampNs the receive timestamp, or {@link #NO_TIMESTAMP}.
     * @param frameFlags  RX verdict or TX request bits.
     * @return the index of the new frame.
     * @throws IllegalStateException if the batch is full.
     */
    public int add(
        final MemorySegment segment,
        final long offset,
        final int length,
        final int capacity,
        final long handle,
        final int queue,
        final long timestampNs,
        final int frameFlags)
    {
        final int i = size;
        if (i == offsets.length)
        {
            throw new IllegalStateException("FrameBatch is full (capacity " + offsets.length + ")");
        }
        segments[i] = segment;
        offsets[i] = offset;
        lengths[i] = length;
        capacities[i] = capacity;
        handles[i] = handle;
        queues[i] = queue;
        timestampsNs[i] = timestampNs;
        flags[i] = frameFlags;
        size = i + 1;
        return i;
    }

    /**
     * Removes the first {@code count} frames and moves the rest to the front, keeping their order.
     * {@code transmit} uses this to drop the frames it accepted.
     *
     * @param count how many frames to remove from the front, {@code 0 <= count <= size()}.
     * @throws IndexOutOfBoundsException if {@code count} is out of range.
     */
    public void removeFirst(final int count)
    {
        if (count < 0 || count > size)
        {
            throw new IndexOutOfBoundsException("removeFirst(" + count + ") on a batch of size " + size);
        }
        if (count == 0)
        {
            return;
        }
        final int rest = size - count;
        System.arraycopy(segments, count, segments, 0, rest);
        System.arraycopy(offsets, count, offsets, 0, rest);
        System.arraycopy(lengths, count, lengths, 0, rest);
        System.arraycopy(capacities, count, capacities, 0, rest);
        System.arraycopy(handles, count, handles, 0, rest);
        System.arraycopy(queues, count, queues, 0, rest);
        System.arraycopy(timestampsNs, count, timestampsNs, 0, rest);
        System.arraycopy(flags, count, flags, 0, rest);
        for (int i = rest; i < size; i++)
        {
            segments[i] = null;
        }
        size = rest;
    }

    /**
     * Removes the frame at {@code index}, moving the frames after it forward.
     *
     * @param index the frame to remove.
     * @throws IndexOutOfBoundsException if {@code index} is out of range.
     */
    public void remove(final int index)
    {
        check(index);
        final int tail = size - index - 1;
        if (tail > 0)
        {
            System.arraycopy(segments, index + 1, segments, index, tail);
            System.arraycopy(offsets, index + 1, offsets, index, tail);
            System.arraycopy(lengths, index + 1, lengths, index, tail);
            System.arraycopy(capacities, index + 1, capacities, index, tail);
            System.arraycopy(handles, index + 1, handles, index, tail);
            System.arraycopy(queues, index + 1, queues, index, tail);
            System.arraycopy(timestampsNs, index + 1, timestampsNs, index, tail);
            System.arraycopy(flags, index + 1, flags, index, tail);
        }
        size--;
        segments[size] = null;
    }

    /**
     * The memory region holding frame {@code index}.
     *
     * @param index the frame.
     * @return its segment.
     */
    public MemorySegment segment(final int index)
    {
        check(index);
        return segments[index];
    }

    /**
     * Where frame {@code index} starts in its segment.
     *
     * @param index the frame.
     * @return the byte offset.
     */
    public long offset(final int index)
    {
        check(index);
        return offsets[index];
    }

    /**
     * Bytes of frame data.
     *
     * @param index the frame.
     * @return the length.
     */
    public int length(final int index)
    {
        check(index);
        return lengths[index];
    }

    /**
     * Sets the number of bytes to transmit for a frame the caller built.
     *
     * @param index  the frame.
     * @param length bytes of frame data, {@code 0 <= length <= capacity(index)}.
     * @return this batch.
     * @throws IllegalArgumentException if {@code length} does not fit the buffer.
     */
    public FrameBatch length(final int index, final int length)
    {
        check(index);
        if (length < 0 || length > capacities[index])
        {
            throw new IllegalArgumentException(
                "frame length " + length + " does not fit buffer capacity " + capacities[index] + " at index " + index);
        }
        lengths[index] = length;
        return this;
    }

    /**
     * Bytes that may be written from {@link #offset(int)}.
     *
     * @param index the frame.
     * @return the buffer's room.
     */
    public int capacity(final int index)
    {
        check(index);
        return capacities[index];
    }

    /**
     * The driver's name for the buffer.
     *
     * @param index the frame.
     * @return the opaque handle.
     */
    public long handle(final int index)
    {
        check(index);
        return handles[index];
    }

    /**
     * The queue the frame arrived on, or will leave by.
     *
     * @param index the frame.
     * @return the queue id.
     */
    public int queue(final int index)
    {
        check(index);
        return queues[index];
    }

    /**
     * The receive timestamp.
     *
     * @param index the frame.
     * @return epoch nanoseconds, or {@link #NO_TIMESTAMP}.
     */
    public long timestampNs(final int index)
    {
        check(index);
        return timestampsNs[index];
    }

    /**
     * RX checksum verdicts or TX offload requests.
     *
     * @param index the frame.
     * @return the {@code RX_*}/{@code TX_*} bits.
     */
    public int flags(final int index)
    {
        check(index);
        return flags[index];
    }

    /**
     * Sets the TX offload request bits of a frame.
     *
     * @param index      the frame.
     * @param frameFlags {@code TX_*} bits.
     * @return this batch.
     */
    public FrameBatch flags(final int index, final int frameFlags)
    {
        check(index);
        flags[index] = frameFlags;
        return this;
    }

    private void check(final int index)
    {
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("frame index " + index + " outside batch of size " + size);
        }
    }
}
