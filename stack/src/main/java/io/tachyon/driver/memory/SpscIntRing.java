package io.tachyon.driver.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded lock-free single-producer/single-consumer queue of non-negative ints (slot numbers).
 * <p>
 * One thread calls {@link #offer(int)}, one (possibly other) thread calls {@link #poll()} and {@link #isEmpty()}.
 * The producer writes an element with a plain store and publishes it by a release store of the tail; the consumer
 * reads the tail with an acquire load before reading the element, and frees the cell by a release store of the
 * head. Each side keeps a plain cached copy of the other side's index so that it reads the shared line only when
 * the cached copy says full (producer) or empty (consumer). The indices live in one {@code long[]}, each on its own
 * 128-byte stretch, so the two sides never write the same cache line.
 */
final class SpscIntRing
{
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class).withInvokeExactBehavior();

    /** Producer line: the tail (next cell to write) and the producer's cached copy of the head. */
    private static final int TAIL = 16;
    private static final int HEAD_CACHE = 17;
    /** Consumer line: the head (next cell to read) and the consumer's cached copy of the tail. */
    private static final int HEAD = 32;
    private static final int TAIL_CACHE = 33;
    private static final int INDEX_SLOTS = 48;

    private final int[] cells;
    private final int mask;
    private final long[] indices = new long[INDEX_SLOTS];

    /**
     * A ring that holds at least {@code minCapacity} elements (rounded up to a power of two).
     *
     * @param minCapacity the least number of elements it must hold; at least 1.
     */
    SpscIntRing(final int minCapacity)
    {
        final int capacity = Math.max(1, Integer.highestOneBit(Math.max(1, minCapacity - 1)) << 1);
        cells = new int[capacity];
        mask = capacity - 1;
    }

    /**
     * The number of cells.
     *
     * @return the capacity, a power of two.
     */
    int capacity()
    {
        return cells.length;
    }

    /**
     * Producer: appends a value.
     *
     * @param value a non-negative value.
     * @return false when the ring is full.
     */
    boolean offer(final int value)
    {
        final long tail = indices[TAIL];
        if (tail - indices[HEAD_CACHE] >= cells.length)
        {
            final long head = (long) LONGS.getAcquire(indices, HEAD);
            indices[HEAD_CACHE] = head;
            if (tail - head >= cells.length)
            {
                return false;
            }
        }
        cells[(int) tail & mask] = value;
        LONGS.setRelease(indices, TAIL, tail + 1L);
        return true;
    }

    /**
     * Consumer: removes the oldest value.
     *
     * @return the value, or -1 when the ring is empty.
     */
    int poll()
    {
        final long head = indices[HEAD];
        if (head >= indices[TAIL_CACHE])
        {
            final long tail = (long) LONGS.getAcquire(indices, TAIL);
            indices[TAIL_CACHE] = tail;
            if (head >= tail)
            {
                return -1;
            }
        }
        final int value = cells[(int) head & mask];
        LONGS.setRelease(indices, HEAD, head + 1L);
        return value;
    }

    /**
     * Consumer: whether nothing is waiting.
     *
     * @return true when {@link #poll()} would return -1.
     */
    boolean isEmpty()
    {
        final long head = indices[HEAD];
        if (head < indices[TAIL_CACHE])
        {
            return false;
        }
        final long tail = (long) LONGS.getAcquire(indices, TAIL);
        indices[TAIL_CACHE] = tail;
        return head >= tail;
    }

    /**
     * Either side: an estimate of how many values are queued (exact when both sides are quiet).
     *
     * @return the number of queued values.
     */
    int size()
    {
        final long head = (long) LONGS.getAcquire(indices, HEAD);
        final long tail = (long) LONGS.getAcquire(indices, TAIL);
        return (int) Math.max(0L, tail - head);
    }
}
