package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A bounded pool of equal off-heap frame buffers in one segment, with the lent/free state of each buffer.
 * A buffer's handle is its index. The pool owns a shared arena (so that {@code close()} may come from a thread
 * other than the poller's); {@link #close()} frees the memory. Used by one data-path thread.
 */
final class FramePool
{
    private static final byte FREE = 0;
    private static final byte LENT = 1;
    /** A lent buffer that {@code transmit} is validating; catches one buffer listed twice in a batch. */
    private static final byte CHECKING = 2;

    private final String owner;
    private final Arena arena;
    private final MemorySegment memory;
    private final int bufferCount;
    private final int bufferCapacity;
    private final long stride;
    private final byte[] states;
    private final int[] freeStack;
    private int freeCount;

    FramePool(final String owner, final int bufferCount, final int bufferCapacity)
    {
        this.owner = owner;
        this.bufferCount = bufferCount;
        this.bufferCapacity = bufferCapacity;
        this.stride = (bufferCapacity + 63L) & ~63L;
        final Arena newArena = Arena.ofShared();
        try
        {
            memory = newArena.allocate(stride * bufferCount, 64L);
        }
        catch (final OutOfMemoryError | IllegalArgumentException ex)
        {
            newArena.close();
            throw new DriverException(DriverException.Reason.NOT_AVAILABLE,
                owner + ": cannot allocate " + bufferCount + " buffers of " + bufferCapacity + " bytes", ex);
        }
        arena = newArena;
        states = new byte[bufferCount];
        freeStack = new int[bufferCount];
        for (int i = 0; i < bufferCount; i++)
        {
            freeStack[i] = bufferCount - 1 - i;
        }
        freeCount = bufferCount;
    }

    MemorySegment memory()
    {
        return memory;
    }

    int bufferCapacity()
    {
        return bufferCapacity;
    }

    int freeCount()
    {
        return freeCount;
    }

    long offset(final int index)
    {
        return index * stride;
    }

    /**
     * Takes a free buffer and marks it lent.
     *
     * @return its index, or -1 when the pool is exhausted.
     */
    int take()
    {
        if (freeCount == 0)
        {
            return -1;
        }
        final int index = freeStack[--freeCount];
        states[index] = LENT;
        return index;
    }

    /** Returns a buffer the driver itself took and did not lend out after all. */
    void giveBack(final int index)
    {
        states[index] = FREE;
        freeStack[freeCount++] = index;
    }

    /**
     * Checks that a frame descriptor names a buffer of this pool that is lent out.
     *
     * @throws DriverException BAD_ARGUMENT naming the handle and the operation otherwise.
     */
    int checkLent(final MemorySegment segment, final long offset, final long handle, final String operation)
    {
        if (handle < 0 || handle >= bufferCount || segment != memory || offset != handle * stride)
        {
            throw new DriverException(DriverException.Reason.BAD_ARGUMENT,
                owner + ": " + operation + " of handle " + handle + " at offset " + offset +
                    ", which is not a buffer of this driver");
        }
        final int index = (int) handle;
        final byte state = states[index];
        if (state == CHECKING)
        {
            throw new DriverException(DriverException.Reason.BAD_ARGUMENT,
                owner + ": " + operation + " of handle " + handle + ", which appears twice in the batch");
        }
        if (state != LENT)
        {
            throw new DriverException(DriverException.Reason.BAD_ARGUMENT,
                owner + ": " + operation + " of handle " + handle + ", which is not lent out (released twice, or " +
                    "never received or acquired here)");
        }
        return index;
    }

    /** Marks a lent buffer as being validated by {@code transmit}. */
    void markChecking(final int index)
    {
        states[index] = CHECKING;
    }

    /** Undoes {@link #markChecking(int)} after a failed validation. */
    void unmarkChecking(final int index)
    {
        states[index] = LENT;
    }

    /** Frees a lent (or checking) buffer. */
    void free(final int index)
    {
        states[index] = FREE;
        freeStack[freeCount++] = index;
    }

    void close()
    {
        arena.close();
    }
}
