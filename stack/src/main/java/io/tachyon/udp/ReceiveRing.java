package io.tachyon.udp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A socket's bounded receive queue: datagrams copied into one off-heap ring allocated when the socket opens, at
 * most {@code maxDatagrams} of them and at most {@code bytes} bytes of ring.
 * <p>
 * Each record is a 16-byte header (payload length, source address, source port) and the payload, padded to 8
 * bytes. A record that does not fit before the end of the ring starts again at its beginning; the tail end it
 * skips is marked with a length of -1 and counts as used until the consumer passes it. Single-threaded (the stack
 * thread); nothing allocates after construction.
 */
final class ReceiveRing implements AutoCloseable
{
    private static final int HEADER = 16;
    private static final int WRAP = -1;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private final Arena arena;
    private final MemorySegment memory;
    private final int capacity;
    private final int maxDatagrams;
    private int head;
    private int tail;
    private int used;
    private int count;
    private long payloadBytes;

    private int headLength;
    private int headSource;
    private int headPort;

    ReceiveRing(final int bytes, final int maxDatagrams)
    {
        capacity = bytes & ~7;
        this.maxDatagrams = maxDatagrams;
        arena = Arena.ofShared();
        memory = arena.allocate(capacity, 64);
    }

    /** Copies a datagram in; false when it does not fit (queue full in datagrams or bytes). */
    boolean offer(final MemorySegment source, final long offset, final int length, final int sourceAddress,
        final int sourcePort)
    {
        final int record = HEADER + ((length + 7) & ~7);
        if (count == maxDatagrams || record > capacity)
        {
            return false;
        }
        if (count == 0)
        {
            head = 0;
            tail = 0;
            used = 0;
        }
        int at = tail;
        if (at + record > capacity)
        {
            final int waste = capacity - at;
            if (used + waste + record > capacity)
            {
                return false;
            }
            memory.set(INT, at, WRAP);
            used += waste;
            at = 0;
        }
        else if (used + record > capacity)
        {
            return false;
        }
        memory.set(INT, at, length);
        memory.set(INT, at + 4, sourceAddress);
        memory.set(INT, at + 8, sourcePort);
        MemorySegment.copy(source, offset, memory, at + HEADER, length);
        at += record;
        tail = at == capacity ? 0 : at;
        used += record;
        count++;
        payloadBytes += length;
        return true;
    }

    /** Positions on the oldest datagram; false when empty. Then read {@link #headLength()} etc. and consume. */
    boolean peek()
    {
        if (count == 0)
        {
            return false;
        }
        if (capacity - head < HEADER || memory.get(INT, head) == WRAP)
        {
            used -= capacity - head;
            head = 0;
        }
        headLength = memory.get(INT, head);
        headSource = memory.get(INT, head + 4);
        headPort = memory.get(INT, head + 8);
        return true;
    }

    MemorySegment memory()
    {
        return memory;
    }

    long headPayloadOffset()
    {
        return head + HEADER;
    }

    int headLength()
    {
        return headLength;
    }

    int headSource()
    {
        return headSource;
    }

    int headPort()
    {
        return headPort;
    }

    /** Drops the datagram {@link #peek()} positioned on. */
    void consume()
    {
        final int record = HEADER + ((headLength + 7) & ~7);
        head += record;
        if (head == capacity)
        {
            head = 0;
        }
        used -= record;
        count--;
        payloadBytes -= headLength;
    }

    int count()
    {
        return count;
    }

    long payloadBytes()
    {
        return payloadBytes;
    }

    int capacity()
    {
        return capacity;
    }

    @Override
    public void close()
    {
        arena.close();
    }
}
