package io.tachyon.tcp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A bounded lock-free single-producer single-consumer byte ring (off-heap, a power of two in size) carrying a byte
 * stream between an application thread and the stack thread. The producer publishes its position with a release
 * store after copying, the consumer reads it with an acquire load (and the other way round), so each side sees
 * whole bytes only. No allocation after construction; the memory is freed by the garbage collector.
 */
final class ByteRing
{
    /** The smallest ring. */
    static final int MIN_CAPACITY = 4096;
    /** The largest ring. */
    static final int MAX_CAPACITY = 1 << 30;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(ByteRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(ByteRing.class, "tail", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int capacity;
    private final int mask;
    private final MemorySegment memory;
    private final ByteBuffer view;
    @SuppressWarnings("unused")
    private long head;
    @SuppressWarnings("unused")
    private long tail;

    ByteRing(final int capacity)
    {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("ring size " + capacity + " is not a power of two in ["
                + MIN_CAPACITY + ", " + MAX_CAPACITY + "]");
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.memory = Arena.ofAuto().allocate(capacity, 64);
        this.view = memory.asByteBuffer();
    }

    int capacity()
    {
        return capacity;
    }

    MemorySegment memory()
    {
        return memory;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Producer
    // ---------------------------------------------------------------------------------------------------------------

    /** Room for the producer. */
    int free()
    {
        return capacity - (int)((long)TAIL.get(this) - (long)HEAD.getAcquire(this));
    }

    /** Copies up to {@code length} bytes in; returns how many. Producer only. */
    int write(final MemorySegment src, final long offset, final int length)
    {
        final long t = (long)TAIL.get(this);
        final int n = Math.min(length, capacity - (int)(t - (long)HEAD.getAcquire(this)));
        if (n <= 0)
        {
            return 0;
        }
        final int index = (int)(t & mask);
        final int first = Math.min(n, capacity - index);
        MemorySegment.copy(src, offset, memory, index, first);
        if (n > first)
        {
            MemorySegment.copy(src, offset + first, memory, 0, n - first);
        }
        TAIL.setRelease(this, t + n);
        return n;
    }

    /** Copies up to {@code length} bytes of an array in. Producer only. */
    int write(final byte[] src, final int offset, final int length)
    {
        final long t = (long)TAIL.get(this);
        final int n = Math.min(length, capacity - (int)(t - (long)HEAD.getAcquire(this)));
        if (n <= 0)
        {
            return 0;
        }
        final int index = (int)(t & mask);
        final int first = Math.min(n, capacity - index);
        MemorySegment.copy(src, offset, memory, ValueLayout.JAVA_BYTE, index, first);
        if (n > first)
        {
            MemorySegment.copy(src, offset + first, memory, ValueLayout.JAVA_BYTE, 0, n - first);
        }
        TAIL.setRelease(this, t + n);
        return n;
    }

    /** Copies the buffer's remaining bytes in, as many as fit; its position advances. Producer only. */
    int write(final ByteBuffer src)
    {
        final long t = (long)TAIL.get(this);
        final int n = Math.min(src.remaining(), capacity - (int)(t - (long)HEAD.getAcquire(this)));
        if (n <= 0)
        {
            return 0;
        }
        final int index = (int)(t & mask);
        final int first = Math.min(n, capacity - index);
        final int at = src.position();
        view.put(index, src, at, first);
        if (n > first)
        {
            view.put(0, src, at + first, n - first);
        }
        src.position(at + n);
        TAIL.setRelease(this, t + n);
        return n;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Consumer
    // ---------------------------------------------------------------------------------------------------------------

    /** Bytes the consumer can take. */
    int available()
    {
        return (int)((long)TAIL.getAcquire(this) - (long)HEAD.get(this));
    }

    /** Available bytes lying contiguously from {@link #readOffset()}. Consumer only. */
    int contiguous()
    {
        final long h = (long)HEAD.get(this);
        final int index = (int)(h & mask);
        return Math.min(available(), capacity - index);
    }

    /** Where the consumer's next byte lies in {@link #memory()}. Consumer only. */
    long readOffset()
    {
        return (long)HEAD.get(this) & mask;
    }

    /** Releases bytes the consumer took in place. Consumer only. */
    void consume(final int n)
    {
        HEAD.setRelease(this, (long)HEAD.get(this) + n);
    }

    /** Copies up to {@code length} bytes out into an array; returns how many. Consumer only. */
    int read(final byte[] dst, final int offset, final int length)
    {
        final long h = (long)HEAD.get(this);
        final int n = Math.min(length, (int)((long)TAIL.getAcquire(this) - h));
        if (n <= 0)
        {
            return 0;
        }
        final int index = (int)(h & mask);
        final int first = Math.min(n, capacity - index);
        MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, index, dst, offset, first);
        if (n > first)
        {
            MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, 0, dst, offset + first, n - first);
        }
        HEAD.setRelease(this, h + n);
        return n;
    }

    /** Copies bytes out into the buffer's remaining space; its position advances. Consumer only. */
    int read(final ByteBuffer dst)
    {
        final long h = (long)HEAD.get(this);
        final int n = Math.min(dst.remaining(), (int)((long)TAIL.getAcquire(this) - h));
        if (n <= 0)
        {
            return 0;
        }
        final int index = (int)(h & mask);
        final int first = Math.min(n, capacity - index);
        final int at = dst.position();
        dst.put(at, view, index, first);
        if (n > first)
        {
            dst.put(at + first, view, 0, n - first);
        }
        dst.position(at + n);
        HEAD.setRelease(this, h + n);
        return n;
    }

    /** Drops everything available. Consumer only. */
    void clear()
    {
        HEAD.setRelease(this, (long)TAIL.getAcquire(this));
    }
}
