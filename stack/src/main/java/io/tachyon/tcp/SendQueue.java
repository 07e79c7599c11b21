package io.tachyon.tcp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The send side of one TCP connection: the send buffer (an off-heap byte ring of fixed capacity) holding the data
 * the application wrote until it is acknowledged. Single-threaded; no allocation after construction.
 * <p>
 * Sequence space (RFC 9293 §3.3.1): SND.UNA &le; SND.NXT &le; write end. Bytes [SND.UNA, SND.NXT) were sent and
 * wait for an acknowledgment; [SND.NXT, write end) were written and not sent yet. {@link #peek} copies any buffered
 * bytes from SND.UNA on, so the same call builds first transmissions and retransmissions. {@link #ack} releases
 * acknowledged bytes, {@link #sent} moves SND.NXT.
 * <p>
 * FIN: after {@link #queueFin()} no more data may be written; the FIN occupies the one sequence number after the
 * last data byte ({@link #finSeq()}, RFC 9293 §3.4: "the FIN ... consumes a sequence number"). Sending it is
 * {@code sent(finSeq() + 1)}, its acknowledgment {@code ack(finSeq() + 1)}; {@link #peek} never returns it (the
 * state machine sets the FIN flag on the segment that ends at {@link #finSeq()}).
 * <p>
 * The SYN is the state machine's: {@link #open} takes the sequence number of the first data byte (ISS + 1).
 * {@link #close()} frees the memory.
 */
public final class SendQueue implements AutoCloseable
{
    /** Largest send buffer accepted. */
    public static final int MAX_CAPACITY = 1 << 30;

    private final int capacity;
    private final Arena arena;
    private final MemorySegment ring;
    private final ByteBuffer ringBuffer;

    private long unaPos;
    private long nxtPos;
    private long writePos;
    private int unaSeq;
    private boolean finQueued;
    private boolean finSent;
    private boolean finAcked;

    private long bytesWritten;
    private long bytesAcked;
    private long acksIgnored;
    private int limit;

    /**
     * Allocates the send buffer; the queue starts open at sequence number 0.
     *
     * @param capacity SND.BUFF in bytes, 1 to {@value #MAX_CAPACITY}.
     * @throws IllegalArgumentException naming the bad value.
     */
    public SendQueue(final int capacity)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ": " + capacity);
        }
        this.capacity = capacity;
        this.limit = capacity;
        this.arena = Arena.ofShared();
        this.ring = arena.allocate(capacity, 64);
        this.ringBuffer = ring.asByteBuffer();
        open(0);
    }

    /**
     * Starts a connection: empties the queue and zeroes the counters; SND.UNA = SND.NXT = write end =
     * {@code firstDataSeq}.
     *
     * @param firstDataSeq the sequence number of the first data byte (ISS + 1).
     */
    public void open(final int firstDataSeq)
    {
        unaSeq = firstDataSeq;
        unaPos = 0;
        nxtPos = 0;
        writePos = 0;
        finQueued = false;
        finSent = false;
        finAcked = false;
        bytesWritten = 0;
        bytesAcked = 0;
        acksIgnored = 0;
    }

    /**
     * Appends application data, as much as fits.
     *
     * @param src    source memory.
     * @param offset where the data starts.
     * @param length bytes offered, at least 0.
     * @return bytes taken: min(length, writable()).
     * @throws IllegalArgumentException when the range is outside {@code src}.
     * @throws IllegalStateException    after {@link #queueFin()}.
     */
    public int write(final MemorySegment src, final long offset, final int length)
    {
        if (length < 0 || offset < 0 || offset > src.byteSize() - length)
        {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside a segment of "
                + src.byteSize() + " bytes");
        }
        checkOpenForWrites();
        final int n = Math.min(length, writable());
        final int index = (int)(writePos % capacity);
        final int first = Math.min(n, capacity - index);
        MemorySegment.copy(src, offset, ring, index, first);
        if (n > first)
        {
            MemorySegment.copy(src, offset + first, ring, 0, n - first);
        }
        writePos += n;
        bytesWritten += n;
        return n;
    }

    /**
     * Appends application data from an array, as much as fits. Copies straight from the array (no heap segment is
     * made for it, so nothing is allocated whatever the JIT inlines).
     *
     * @param src    source array.
     * @param offset where the data starts.
     * @param length bytes offered, at least 0.
     * @return bytes taken: min(length, writable()).
     * @throws IndexOutOfBoundsException when the range is outside {@code src}.
     * @throws IllegalStateException     after {@link #queueFin()}.
     */
    public int write(final byte[] src, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, src.length);
        checkOpenForWrites();
        final int n = Math.min(length, writable());
        final int index = (int)(writePos % capacity);
        final int first = Math.min(n, capacity - index);
        ringBuffer.put(index, src, offset, first);
        if (n > first)
        {
            ringBuffer.put(0, src, offset + first, n - first);
        }
        writePos += n;
        bytesWritten += n;
        return n;
    }

    /**
     * Appends application data from {@code src}'s position, as much as fits, advancing the position.
     *
     * @param src source buffer (heap or direct).
     * @return bytes taken.
     * @throws IllegalStateException after {@link #queueFin()}.
     */
    public int write(final ByteBuffer src)
    {
        Objects.requireNonNull(src, "src");
        checkOpenForWrites();
        final int n = Math.min(src.remaining(), writable());
        final int index = (int)(writePos % capacity);
        final int first = Math.min(n, capacity - index);
        final int at = src.position();
        ringBuffer.put(index, src, at, first);
        if (n > first)
        {
            ringBuffer.put(0, src, at + first, n - first);
        }
        src.position(at + n);
        writePos += n;
        bytesWritten += n;
        return n;
    }

    private void checkOpenForWrites()
    {
        if (finQueued)
        {
            throw new IllegalStateException("write after FIN was queued at sequence number "
                + Integer.toUnsignedString(finSeq()));
        }
    }

    /**
     * Copies buffered data starting at sequence number {@code seq}, to build a transmission or retransmission.
     *
     * @param seq    first sequence number wanted, from SND.UNA to the write end.
     * @param dst    destination memory.
     * @param offset where to write in {@code dst}.
     * @param length most bytes wanted, at least 0.
     * @return bytes copied: min(length, write end - seq).
     * @throws IllegalArgumentException when seq is not buffered or the range is outside {@code dst}.
     */
    public int peek(final int seq, final MemorySegment dst, final long offset, final int length)
    {
        if (length < 0 || offset < 0 || offset > dst.byteSize() - length)
        {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside a segment of "
                + dst.byteSize() + " bytes");
        }
        final long pos = unaPos + (seq - unaSeq);
        if (pos < unaPos || pos > writePos)
        {
            throw new IllegalArgumentException("sequence number " + Integer.toUnsignedString(seq)
                + " is not buffered: SND.UNA " + Integer.toUnsignedString(unaSeq) + ", write end "
                + Integer.toUnsignedString(writeEnd()));
        }
        final int n = (int)Math.min(length, writePos - pos);
        final int index = (int)(pos % capacity);
        final int first = Math.min(n, capacity - index);
        MemorySegment.copy(ring, index, dst, offset, first);
        if (n > first)
        {
            MemorySegment.copy(ring, 0, dst, offset + first, n - first);
        }
        return n;
    }

    /**
     * Records a transmission ending at {@code endSeq}: SND.NXT moves there if that is ahead of it (a
     * retransmission ending below SND.NXT changes nothing). {@code finSeq() + 1} records the FIN as sent.
     *
     * @param endSeq one past the last sequence number sent.
     * @throws IllegalArgumentException when endSeq is below SND.UNA or beyond what is queued.
     */
    public void sent(final int endSeq)
    {
        final int limit = writeEnd() + (finQueued ? 1 : 0);
        if (Seq.lt(endSeq, sndUna()) || Seq.gt(endSeq, limit))
        {
            throw new IllegalArgumentException("sent up to " + Integer.toUnsignedString(endSeq)
                + " outside SND.UNA " + Integer.toUnsignedString(sndUna()) + " .. "
                + Integer.toUnsignedString(limit));
        }
        if (Seq.leq(endSeq, sndNxt()))
        {
            return;
        }
        if (finQueued && endSeq == limit)
        {
            nxtPos = writePos;
            finSent = true;
        }
        else
        {
            nxtPos = unaPos + (endSeq - unaSeq);
        }
    }

    /**
     * Processes a cumulative acknowledgment: SND.UNA &lt; ack &le; SND.NXT releases the bytes below {@code ack}
     * (RFC 9293 §3.10.7.4); any other value changes nothing and is counted ({@link #acksIgnored()}).
     *
     * @param ack SEG.ACK.
     * @return sequence numbers newly acknowledged (data bytes, plus 1 for the FIN), 0 if none.
     */
    public int ack(final int ack)
    {
        final int una = sndUna();
        if (Seq.leq(ack, una) || Seq.gt(ack, sndNxt()))
        {
            acksIgnored++;
            return 0;
        }
        final int acked = ack - una;
        if (finSent && ack == finSeq() + 1)
        {
            finAcked = true;
            bytesAcked += writePos - unaPos;
            unaSeq += (int)(writePos - unaPos);
            unaPos = writePos;
        }
        else
        {
            unaPos += acked;
            unaSeq = ack;
            bytesAcked += acked;
        }
        return acked;
    }

    /**
     * Queues a FIN after the data written so far; later writes throw. Calling it again changes nothing.
     */
    public void queueFin()
    {
        finQueued = true;
    }

    /**
     * SND.UNA: the oldest unacknowledged sequence number (one past the FIN once it is acknowledged).
     *
     * @return SND.UNA.
     */
    public int sndUna()
    {
        return unaSeq + (finAcked ? 1 : 0);
    }

    /**
     * SND.NXT: the next sequence number to send (one past the FIN once it is sent).
     *
     * @return SND.NXT.
     */
    public int sndNxt()
    {
        return unaSeq + (int)(nxtPos - unaPos) + (finSent ? 1 : 0);
    }

    /**
     * One past the last data byte written.
     *
     * @return a sequence number.
     */
    public int writeEnd()
    {
        return unaSeq + (int)(writePos - unaPos);
    }

    /**
     * The FIN's sequence number: the write end (meaningful once {@link #finQueued()}).
     *
     * @return a sequence number.
     */
    public int finSeq()
    {
        return writeEnd();
    }

    /**
     * Whether a FIN was queued.
     *
     * @return true after {@link #queueFin()}.
     */
    public boolean finQueued()
    {
        return finQueued;
    }

    /**
     * Whether the FIN was sent.
     *
     * @return true after {@code sent(finSeq() + 1)}.
     */
    public boolean finSent()
    {
        return finSent;
    }

    /**
     * Whether the FIN was acknowledged.
     *
     * @return true after {@code ack(finSeq() + 1)}.
     */
    public boolean finAcked()
    {
        return finAcked;
    }

    /**
     * Room left for application data.
     *
     * @return bytes.
     */
    public int writable()
    {
        return (int)Math.max(0, limit - (writePos - unaPos));
    }

    /**
     * Data bytes buffered: sent and unacknowledged plus unsent.
     *
     * @return bytes.
     */
    public int buffered()
    {
        return (int)(writePos - unaPos);
    }

    /**
     * Data bytes written and not sent yet (SND.NXT to the write end).
     *
     * @return bytes.
     */
    public int unsent()
    {
        return (int)(writePos - nxtPos);
    }

    /**
     * Sequence numbers in flight: SND.NXT - SND.UNA (the FIN counts one).
     *
     * @return sequence numbers.
     */
    public int inFlight()
    {
        return sndNxt() - sndUna();
    }

    /**
     * The send buffer size.
     *
     * @return bytes.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Data bytes written since {@link #open}.
     *
     * @return bytes.
     */
    public long bytesWritten()
    {
        return bytesWritten;
    }

    /**
     * Data bytes acknowledged since {@link #open}.
     *
     * @return bytes.
     */
    public long bytesAcked()
    {
        return bytesAcked;
    }

    /**
     * Acknowledgments that acknowledged nothing new or something not yet sent.
     *
     * @return count.
     */
    public long acksIgnored()
    {
        return acksIgnored;
    }

    /** Frees the buffer memory; the queue must not be used afterwards. */
    @Override
    public void close()
    {
        arena.close();
    }

    /**
     * Limits the bytes buffered to less than the capacity (a socket's SO_SNDBUF); {@link #writable()} follows it.
     * Bytes already buffered stay.
     *
     * @param bytes the limit, 1 to {@link #capacity()}.
     * @throws IllegalArgumentException naming the bad value.
     */
    public void limit(final int bytes)
    {
        if (bytes < 1 || bytes > capacity)
        {
            throw new IllegalArgumentException("send buffer limit must be 1.." + capacity + ": " + bytes);
        }
        limit = bytes;
    }

    /**
     * The limit of {@link #limit(int)}.
     *
     * @return bytes, the capacity unless limited.
     */
    public int limit()
    {
        return limit;
    }

    /**
     * The memory of the ring (for the zero-copy views of the socket API).
     *
     * @return the ring.
     */
    MemorySegment ring()
    {
        return ring;
    }
}
