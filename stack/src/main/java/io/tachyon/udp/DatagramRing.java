package io.tachyon.udp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A bounded lock-free ring of datagram records in off-heap memory: many producers (or one), one consumer. The
 * hand-over between application threads and a stack thread used by {@link UdpChannel}.
 *
 * <h2>Layout</h2>
 * The ring is a power-of-two number of bytes. A record is a 16-byte header and the payload, padded to a multiple
 * of 8 bytes, so every record starts 8-byte aligned:
 * <pre>
 *   0: int state    0 = not yet published; &gt; 0 = a datagram record of that many bytes; &lt; 0 = padding of
 *                   -state bytes (skipped by the consumer)
 *   4: int length   the payload length
 *   8: int address  the destination (send) or source (receive) address
 *  12: int port     the destination or source port
 *  16: payload
 * </pre>
 * A record never wraps: when it does not fit before the end of the ring, the producer first claims the rest of
 * the ring as a padding record and then tries again at offset 0.
 *
 * <h2>Protocol</h2>
 * Head and tail are byte positions that only grow (the offset is {@code position & mask}), each on its own cache
 * line. A producer reads the tail and the head, checks for room, claims its bytes by a CAS on the tail, writes the
 * header fields and the payload with plain stores and publishes the record with a release store of {@code state}.
 * The consumer reads {@code state} at the head with an acquire load; 0 means nothing published yet (a producer may
 * still be writing). Having read a record, the consumer zeroes its bytes (so that any 8-byte aligned word of the
 * freed space reads 0 as the state of a future record) and then moves the head with a release store; producers
 * read the head with an acquire load before writing into freed space.
 * <p>
 * Threads: {@link #claim} and {@link #publish}/{@link #abort} from any thread (they are multi-producer); everything
 * else from the one consumer. Nothing allocates after construction. The memory is freed by the garbage collector
 * once the ring is unreachable (an automatic arena), so no thread can touch freed memory whatever the order in which
 * the two sides stop.
 */
final class DatagramRing
{
    /** The record header's size. */
    static final int HEADER = 16;
    /** The smallest ring. */
    static final int MIN_CAPACITY = 4096;
    /** The largest ring. */
    static final int MAX_CAPACITY = 1 << 30;

    private static final VarHandle STATE = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle POSITIONS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final int TAIL = 16;
    private static final int HEAD = 32;
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final MemorySegment memory;
    private final ByteBuffer view;
    private final int capacity;
    private final int mask;
    private final long[] positions = new long[48];

    /**
     * A ring of {@code bytes} bytes.
     *
     * @param bytes a power of two in {@code [MIN_CAPACITY, MAX_CAPACITY]} (checked by the caller).
     */
    DatagramRing(final int bytes)
    {
        capacity = bytes;
        mask = bytes - 1;
        memory = Arena.ofAuto().allocate(bytes, 64);
        view = memory.asByteBuffer();
    }

    /**
     * The room a record takes.
     *
     * @param payloadLength the payload length.
     * @return header plus payload, rounded up to 8.
     */
    static int recordLength(final int payloadLength)
    {
        return HEADER + ((payloadLength + 7) & ~7);
    }

    /**
     * The largest payload a record can carry in this ring.
     *
     * @return bytes.
     */
    int maxPayload()
    {
        return capacity - HEADER;
    }

    int capacity()
    {
        return capacity;
    }

    MemorySegment memory()
    {
        return memory;
    }

    /**
     * A byte-buffer view of the whole ring. Use only its absolute bulk methods from producers (they do not change
     * the buffer's state, so several threads may use them on disjoint records).
     */
    ByteBuffer view()
    {
        return view;
    }

    /**
     * Claims room for a record. Any thread. On success the caller writes the payload at {@code offset + HEADER}
     * and then calls {@link #publish} (or {@link #abort}) exactly once: until then the consumer waits at this record.
     *
     * @param payloadLength the payload length, at most {@link #maxPayload()}.
     * @return the record's offset in {@link #memory()}, or -1 when the ring has no room now.
     */
    long claim(final int payloadLength)
    {
        final int record = recordLength(payloadLength);
        while (true)
        {
            final long tail = (long)POSITIONS.getVolatile(positions, TAIL);
            final long head = (long)POSITIONS.getAcquire(positions, HEAD);
            final int offset = (int)tail & mask;
            final int toEnd = capacity - offset;
            if (record > toEnd)
            {
                if (tail + toEnd - head > capacity)
                {
                    return -1;
                }
                if (POSITIONS.compareAndSet(positions, TAIL, tail, tail + toEnd))
                {
                    STATE.setRelease(memory, (long)offset, -toEnd);
                }
                continue;
            }
            if (tail + record - head > capacity)
            {
                return -1;
            }
            if (POSITIONS.compareAndSet(positions, TAIL, tail, tail + record))
            {
                return offset;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Publishes a claimed record. Any thread (the one that claimed it).
     *
     * @param offset        the record's offset from {@link #claim}.
     * @param payloadLength the payload length given to {@link #claim}.
     * @param address       the address field.
     * @param port          the port field.
     */
    void publish(final long offset, final int payloadLength, final int address, final int port)
    {
        memory.set(INT, offset + 4, payloadLength);
        memory.set(INT, offset + 8, address);
        memory.set(INT, offset + 12, port);
        STATE.setRelease(memory, offset, recordLength(payloadLength));
    }

    /**
     * Turns a claimed record into padding (the payload copy failed). Any thread (the one that claimed it).
     *
     * @param offset        the record's offset.
     * @param payloadLength the payload length given to {@link #claim}.
     */
    void abort(final long offset, final int payloadLength)
    {
        STATE.setRelease(memory, offset, -recordLength(payloadLength));
    }

    /**
     * Finds the oldest published record, consuming padding on the way. Consumer only.
     *
     * @return its offset, or -1 when none is published.
     */
    long peek()
    {
        while (true)
        {
            final long head = (long)POSITIONS.get(positions, HEAD);
            final int offset = (int)head & mask;
            final int state = (int)STATE.getAcquire(memory, (long)offset);
            if (state == 0)
            {
                return -1;
            }
            if (state > 0)
            {
                return offset;
            }
            free(head, offset, -state);
        }
    }

    /** The payload length of the record at {@code offset}. Consumer only. */
    int length(final long offset)
    {
        return memory.get(INT, offset + 4);
    }

    /** The address field of the record at {@code offset}. Consumer only. */
    int address(final long offset)
    {
        return memory.get(INT, offset + 8);
    }

    /** The port field of the record at {@code offset}. Consumer only. */
    int port(final long offset)
    {
        return memory.get(INT, offset + 12);
    }

    /**
     * Frees the record {@link #peek()} returned. Consumer only.
     *
     * @param offset its offset.
     */
    void consume(final long offset)
    {
        final long head = (long)POSITIONS.get(positions, HEAD);
        free(head, (int)offset, memory.get(INT, offset));
    }

    private void free(final long head, final int offset, final int length)
    {
        for (int done = 0; done < length; done += ZEROS.length)
        {
            MemorySegment.copy(ZEROS, 0, memory, ValueLayout.JAVA_BYTE, offset + done,
                Math.min(ZEROS.length, length - done));
        }
        POSITIONS.setRelease(positions, HEAD, head + length);
    }

    /**
     * Whether nothing is claimed or waiting. Any thread; exact only when no producer is active.
     *
     * @return true when empty.
     */
    boolean isEmpty()
    {
        return (long)POSITIONS.getAcquire(positions, HEAD) == (long)POSITIONS.getVolatile(positions, TAIL);
    }

    /**
     * Bytes claimed and not yet freed (padding included). Any thread; approximate while the sides are active.
     *
     * @return bytes.
     */
    long usedBytes()
    {
        final long head = (long)POSITIONS.getAcquire(positions, HEAD);
        final long tail = (long)POSITIONS.getVolatile(positions, TAIL);
        return Math.max(0, Math.min(capacity, tail - head));
    }
}
