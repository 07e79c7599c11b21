package io.tachyon.tcp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The receive side of one TCP connection: the receive buffer (an off-heap byte ring of fixed capacity), assembly
 * of out-of-order segments, the receive window to advertise, and the SACK (RFC 2018) and D-SACK (RFC 2883) blocks to
 * send. Single-threaded (the stack thread); no allocation after construction; bounded memory.
 * <p>
 * <b>Sequence space and buffer.</b> The ring holds the bytes from the application's read point up to
 * {@code capacity} bytes further. In-order data (below RCV.NXT) waits there for {@link #read}; out-of-order data
 * (above RCV.NXT) is copied straight to its final place in the same ring, so holding it costs no memory beyond the
 * receive buffer: the only extra state is a bounded list of at most {@code maxOutOfOrderBlocks} held intervals.
 * When a gap fills, RCV.NXT moves over every contiguous held interval at once and that data is readable.
 * <p>
 * <b>Offering a segment</b> ({@link #offer}). Each byte falls in exactly one class, reported for the last call by
 * {@link #lastInOrder()}, {@link #lastOutOfOrder()}, {@link #lastDuplicate()}, {@link #lastOutsideWindow()} and
 * {@link #lastDropped()} (they add up to the length), and summed by counters:
 * <ul>
 *   <li><em>duplicate</em>: below RCV.NXT, or inside an interval already held. The first copy wins (RFC 9293
 *       §3.10.7.4 trims data already received; the bytes are not compared).</li>
 *   <li><em>outside the window</em>: beyond the end of the receive buffer. The state machine applies RFC 9293's
 *       acceptance test against RCV.WND before offering; this queue's limit is memory, so bytes between the
 *       advertised right edge and the buffer end are kept.</li>
 *   <li><em>dropped</em>: new out-of-order bytes that would need a new interval when {@code maxOutOfOrderBlocks}
 *       are held and touch none of them. RFC 9293 §3.10.7.4 lets a receiver keep or drop out-of-order data; the
 *       held intervals are never reneged, so their SACKs stay true.</li>
 *   <li><em>in order</em> / <em>out of order</em>: new bytes copied; in order when the segment moved RCV.NXT.</li>
 * </ul>
 * <p>
 * <b>Window</b>. {@link #freeSpace()} is the raw room, RCV.BUFF - RCV.USER, where RCV.USER counts in-order bytes not
 * yet read (held out-of-order bytes lie inside the window and do not reduce it). {@link #receiveWindow()} is what to
 * advertise, following the receiver's silly window syndrome avoidance of RFC 9293 §3.8.6.2.2 (with Fr = 1/2): the
 * right edge RCV.NXT + RCV.WND stays where it was advertised until the window could grow by at least
 * min(RCV.BUFF / 2, Eff.snd.MSS), then it jumps to the whole free space. The right edge is never moved left
 * (RFC 9293 §3.8.6 strongly discourages shrinking the window): it is tracked as a 64-bit byte position of the
 * stream, {@link #advertisedRightEdge()} being its sequence number; {@link #advertiseWindow()} records it. With
 * window scaling (RFC 7323 §2) the window is a multiple of 2^shift, so the header field {@code window >>> shift} is
 * exact: the free space is rounded down, except when that would move the right edge left, where the window kept is
 * rounded up instead, as Linux does: the right edge may then lie up to 2^shift bytes beyond the buffer end, and
 * data the peer sends there is counted as outside the window. The window is capped at 65535 &lt;&lt; shift.
 * <p>
 * <b>SACK</b> ({@link #sackBlocks}). RFC 2018 §4: the first block is the block holding the segment that triggered
 * the ACK, unless that segment advanced RCV.NXT; the next are the other held blocks, most recently reported first
 * (each held interval carries the stamp of the last segment that landed in it, and every out-of-order segment is
 * expected to be ACKed at once, RFC 5681 §4.2, so most recently received is most recently reported). RFC 2883 §4:
 * when the last segment held duplicate bytes, the first block is a D-SACK block reporting the first contiguous run
 * of them; when that run lies in a held interval, that interval follows (it is the most recent). The D-SACK is for
 * the last segment only: the next {@link #offer} or {@link #clearDsack()} forgets it.
 * <p>
 * Receiving a FIN is the state machine's affair (it occupies a sequence number after the last byte); this queue
 * holds data only. {@link #close()} frees the memory.
 */
public final class ReceiveQueue implements AutoCloseable
{
    /** SACK blocks that fit in the TCP option space with no other option (RFC 2018 §3: 40 bytes, 8n + 2). */
    public static final int MAX_SACK_BLOCKS = 4;
    /** SACK blocks that fit next to the timestamps option (RFC 2018 §3: "at most 3 SACK blocks"). */
    public static final int MAX_SACK_BLOCKS_WITH_TIMESTAMPS = 3;
    /** Largest receive buffer accepted. */
    public static final int MAX_CAPACITY = 1 << 30;
    /** Largest window shift (RFC 7323 §2.3). */
    public static final int MAX_WINDOW_SHIFT = 14;
    /** Eff.snd.MSS assumed until {@link #open} says otherwise (RFC 9293 §3.7.1 default MSS). */
    public static final int DEFAULT_MSS = 536;

    private final int capacity;
    private final int maxBlocks;
    private final Arena arena;
    private final MemorySegment ring;
    private final ByteBuffer ringBuffer;
    private final long[] blockStart;
    private final long[] blockEnd;
    private final long[] blockStamp;
    private int blockCount;
    private long stamp;

    private long readPos;
    private long rcvNxtPos;
    private int rcvNxt;
    private long advertisedEdgePos;
    private int windowShift;
    private int mss;

    private boolean dsackPending;
    private long dsackStart;
    private long dsackEnd;

    private int lastInOrder;
    private int lastOutOfOrder;
    private int lastDuplicate;
    private int lastOutside;
    private int lastDropped;

    private long segmentsOffered;
    private long bytesInOrder;
    private long bytesOutOfOrder;
    private long duplicateBytes;
    private long duplicateSegments;
    private long outsideWindowBytes;
    private long droppedBytes;
    private long bytesRead;
    private int limit;

    /**
     * Allocates the receive buffer and the interval list; the queue starts {@link #open open} at sequence number 0,
     * shift 0 and the default MSS.
     *
     * @param capacity            RCV.BUFF in bytes, 1 to {@value #MAX_CAPACITY}.
     * @param maxOutOfOrderBlocks most disjoint out-of-order intervals held, 1 to 65536.
     * @throws IllegalArgumentException naming the bad value.
     */
    public ReceiveQueue(final int capacity, final int maxOutOfOrderBlocks)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ": " + capacity);
        }
        if (maxOutOfOrderBlocks < 1 || maxOutOfOrderBlocks > 65_536)
        {
            throw new IllegalArgumentException("maxOutOfOrderBlocks must be 1..65536: " + maxOutOfOrderBlocks);
        }
        this.capacity = capacity;
        this.limit = capacity;
        this.maxBlocks = maxOutOfOrderBlocks;
        this.arena = Arena.ofShared();
        this.ring = arena.allocate(capacity, 64);
        this.ringBuffer = ring.asByteBuffer();
        this.blockStart = new long[maxOutOfOrderBlocks];
        this.blockEnd = new long[maxOutOfOrderBlocks];
        this.blockStamp = new long[maxOutOfOrderBlocks];
        open(0, 0, DEFAULT_MSS);
    }

    /**
     * Starts a connection: empties the queue, zeroes the counters and sets RCV.NXT (IRS + 1 after the SYN).
     * Nothing is advertised yet: the next {@link #advertiseWindow()} sets the first right edge.
     *
     * @param initialRcvNxt the first data sequence number expected.
     * @param shift         Rcv.Wind.Shift, 0 to {@value #MAX_WINDOW_SHIFT} (0 without window scaling).
     * @param effSndMss     Eff.snd.MSS for silly window syndrome avoidance, at least 1.
     * @throws IllegalArgumentException naming the bad value.
     */
    public void open(final int initialRcvNxt, final int shift, final int effSndMss)
    {
        if (shift < 0 || shift > MAX_WINDOW_SHIFT)
        {
            throw new IllegalArgumentException("window shift must be 0.." + MAX_WINDOW_SHIFT + ": " + shift);
        }
        if (effSndMss < 1)
        {
            throw new IllegalArgumentException("effective MSS must be positive: " + effSndMss);
        }
        windowShift = shift;
        mss = effSndMss;
        rcvNxt = initialRcvNxt;
        readPos = 0;
        rcvNxtPos = 0;
        advertisedEdgePos = 0;
        blockCount = 0;
        stamp = 0;
        dsackPending = false;
        lastInOrder = 0;
        lastOutOfOrder = 0;
        lastDuplicate = 0;
        lastOutside = 0;
        lastDropped = 0;
        segmentsOffered = 0;
        bytesInOrder = 0;
        bytesOutOfOrder = 0;
        duplicateBytes = 0;
        duplicateSegments = 0;
        outsideWindowBytes = 0;
        droppedBytes = 0;
        bytesRead = 0;
    }

    /**
     * Offers the data of a received segment (already found acceptable by the state machine, or not: every byte is
     * classified). Copies the new bytes into the buffer; see the class comment for the classes.
     *
     * @param seq     SEG.SEQ of the first data byte.
     * @param segment memory holding the data.
     * @param offset  where the data starts in {@code segment}.
     * @param length  data bytes, at least 0.
     * @return how far RCV.NXT moved: the bytes that became readable, including held data the segment joined.
     * @throws IllegalArgumentException when offset and length do not lie inside {@code segment}.
     */
    public int offer(final int seq, final MemorySegment segment, final long offset, final int length)
    {
        if (length < 0 || offset < 0 || offset > segment.byteSize() - length)
        {
            throw new IllegalArgumentException("data [" + offset + ", +" + length + ") outside a segment of "
                + segment.byteSize() + " bytes");
        }
        lastInOrder = 0;
        lastOutOfOrder = 0;
        lastDuplicate = 0;
        lastOutside = 0;
        lastDropped = 0;
        dsackPending = false;
        segmentsOffered++;
        if (length == 0)
        {
            return 0;
        }
        final long oldNxt = rcvNxtPos;
        final long start = rcvNxtPos + (seq - rcvNxt);
        final long end = start + length;
        final long limit = readPos + capacity;
        if (start < rcvNxtPos)
        {
            final long dupEnd = Math.min(end, rcvNxtPos);
            lastDuplicate += (int)(dupEnd - start);
            dsack(start, dupEnd);
        }
        if (end > limit)
        {
            lastOutside = (int)(end - Math.max(start, limit));
        }
        final long a = Math.max(start, rcvNxtPos);
        final long b = Math.min(end, limit);
        if (a < b)
        {
            place(segment, offset + (a - start), a, b);
        }
        if (lastDuplicate > 0)
        {
            duplicateSegments++;
            duplicateBytes += lastDuplicate;
        }
        outsideWindowBytes += lastOutside;
        droppedBytes += lastDropped;
        bytesInOrder += lastInOrder;
        bytesOutOfOrder += lastOutOfOrder;
        return (int)(rcvNxtPos - oldNxt);
    }

    private void place(final MemorySegment segment, final long offsetOfA, final long a, final long b)
    {
        int i = 0;
        while (i < blockCount && blockEnd[i] < a)
        {
            i++;
        }
        int j = i - 1;
        while (j + 1 < blockCount && blockStart[j + 1] <= b)
        {
            j++;
        }
        final boolean touchesNothing = j < i;
        if (touchesNothing && a != rcvNxtPos && blockCount == maxBlocks)
        {
            lastDropped = (int)(b - a);
            return;
        }
        long cursor = a;
        int copied = 0;
        for (int k = i; k <= j; k++)
        {
            final long gapEnd = Math.min(blockStart[k], b);
            if (cursor < gapEnd)
            {
                copyIn(segment, offsetOfA + (cursor - a), cursor, (int)(gapEnd - cursor));
                copied += (int)(gapEnd - cursor);
            }
            final long dupStart = Math.max(blockStart[k], a);
            final long dupEnd = Math.min(blockEnd[k], b);
            if (dupStart < dupEnd)
            {
                lastDuplicate += (int)(dupEnd - dupStart);
                dsack(dupStart, dupEnd);
            }
            cursor = Math.max(cursor, blockEnd[k]);
        }
        if (cursor < b)
        {
            copyIn(segment, offsetOfA + (cursor - a), cursor, (int)(b - cursor));
            copied += (int)(b - cursor);
        }
        final long mergedStart = touchesNothing ? a : Math.min(a, blockStart[i]);
        final long mergedEnd = touchesNothing ? b : Math.max(b, blockEnd[j]);
        stamp++;
        if (mergedStart == rcvNxtPos)
        {
            if (!touchesNothing)
            {
                removeBlocks(i, j);
            }
            rcvNxt += (int)(mergedEnd - rcvNxtPos);
            rcvNxtPos = mergedEnd;
            lastInOrder = copied;
        }
        else
        {
            if (touchesNothing)
            {
                System.arraycopy(blockStart, i, blockStart, i + 1, blockCount - i);
                System.arraycopy(blockEnd, i, blockEnd, i + 1, blockCount - i);
                System.arraycopy(blockStamp, i, blockStamp, i + 1, blockCount - i);
                blockCount++;
            }
            else
            {
                removeBlocks(i + 1, j);
            }
            blockStart[i] = mergedStart;
            blockEnd[i] = mergedEnd;
            blockStamp[i] = stamp;
            lastOutOfOrder = copied;
        }
    }

    private void dsack(final long start, final long end)
    {
        if (!dsackPending)
        {
            dsackPending = true;
            dsackStart = start;
            dsackEnd = end;
        }
    }

    private void removeBlocks(final int from, final int to)
    {
        final int n = to - from + 1;
        if (n <= 0)
        {
            return;
        }
        final int tail = blockCount - to - 1;
        System.arraycopy(blockStart, to + 1, blockStart, from, tail);
        System.arraycopy(blockEnd, to + 1, blockEnd, from, tail);
        System.arraycopy(blockStamp, to + 1, blockStamp, from, tail);
        blockCount -= n;
    }

    private void copyIn(final MemorySegment src, final long srcOffset, final long pos, final int length)
    {
        final int index = (int)(pos % capacity);
        final int first = Math.min(length, capacity - index);
        MemorySegment.copy(src, srcOffset, ring, index, first);
        if (length > first)
        {
            MemorySegment.copy(src, srcOffset + first, ring, 0, length - first);
        }
    }

    /**
     * Bytes the application can read now (RCV.NXT minus the read point).
     *
     * @return readable bytes.
     */
    public int readable()
    {
        return (int)(rcvNxtPos - readPos);
    }

    /**
     * Moves readable bytes to {@code dst}, freeing buffer space.
     *
     * @param dst    destination memory.
     * @param offset where to write in {@code dst}.
     * @param length most bytes wanted, at least 0.
     * @return bytes copied: min(length, readable()).
     * @throws IllegalArgumentException when offset and length do not lie inside {@code dst}.
     */
    public int read(final MemorySegment dst, final long offset, final int length)
    {
        if (length < 0 || offset < 0 || offset > dst.byteSize() - length)
        {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside a segment of "
                + dst.byteSize() + " bytes");
        }
        final int n = Math.min(length, readable());
        final int index = (int)(readPos % capacity);
        final int first = Math.min(n, capacity - index);
        MemorySegment.copy(ring, index, dst, offset, first);
        if (n > first)
        {
            MemorySegment.copy(ring, 0, dst, offset + first, n - first);
        }
        readPos += n;
        bytesRead += n;
        return n;
    }

    /**
     * Moves readable bytes into an array, freeing buffer space. Copies straight into the array (no heap segment is
     * made for it, so nothing is allocated whatever the JIT inlines).
     *
     * @param dst    destination array.
     * @param offset where to write in {@code dst}.
     * @param length most bytes wanted, at least 0.
     * @return bytes copied: min(length, readable()).
     * @throws IndexOutOfBoundsException when offset and length do not lie inside {@code dst}.
     */
    public int read(final byte[] dst, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, dst.length);
        final int n = Math.min(length, readable());
        final int index = (int)(readPos % capacity);
        final int first = Math.min(n, capacity - index);
        ringBuffer.get(index, dst, offset, first);
        if (n > first)
        {
            ringBuffer.get(0, dst, offset + first, n - first);
        }
        readPos += n;
        bytesRead += n;
        return n;
    }

    /**
     * Moves readable bytes into {@code dst} from its position, advancing the position.
     *
     * @param dst destination buffer (heap or direct).
     * @return bytes copied: min(dst.remaining(), readable()).
     */
    public int read(final ByteBuffer dst)
    {
        Objects.requireNonNull(dst, "dst");
        final int n = Math.min(dst.remaining(), readable());
        final int index = (int)(readPos % capacity);
        final int first = Math.min(n, capacity - index);
        final int at = dst.position();
        dst.put(at, ringBuffer, index, first);
        if (n > first)
        {
            dst.put(at + first, ringBuffer, 0, n - first);
        }
        dst.position(at + n);
        readPos += n;
        bytesRead += n;
        return n;
    }

    /**
     * RCV.NXT: the next sequence number expected.
     *
     * @return RCV.NXT.
     */
    public int rcvNxt()
    {
        return rcvNxt;
    }

    /**
     * Raw free space RCV.BUFF - RCV.USER: capacity minus in-order bytes not yet read.
     *
     * @return bytes, 0 to capacity.
     */
    public int freeSpace()
    {
        return (int)Math.max(0, limit - (rcvNxtPos - readPos));
    }

    /**
     * The window to advertise now (bytes, a multiple of 2^shift; put {@code receiveWindow() >>> windowShift()} in
     * the header), by the rules of the class comment. Changes nothing; {@link #advertiseWindow()} records it.
     *
     * @return RCV.WND in bytes.
     */
    public int receiveWindow()
    {
        final long maxWindow = 65_535L << windowShift;
        final long available = Math.min(freeSpace(), maxWindow);
        final long current = Math.max(0, advertisedEdgePos - rcvNxtPos);
        final long threshold = Math.min(limit / 2, mss);
        final long window = available - current >= threshold ? available : current;
        final long unit = 1L << windowShift;
        long aligned = window & -unit;
        if (rcvNxtPos + aligned < advertisedEdgePos)
        {
            aligned = (current + unit - 1) & -unit;
        }
        return (int)Math.min(aligned, maxWindow);
    }

    /**
     * Returns {@link #receiveWindow()} and records its right edge as advertised (call it for each segment sent).
     *
     * @return RCV.WND in bytes.
     */
    public int advertiseWindow()
    {
        final int window = receiveWindow();
        advertisedEdgePos = Math.max(advertisedEdgePos, rcvNxtPos + window);
        return window;
    }

    /**
     * The right edge advertised so far: RCV.NXT + RCV.WND of the largest edge sent; never moves left.
     *
     * @return a sequence number.
     */
    public int advertisedRightEdge()
    {
        return rcvNxt + (int)(advertisedEdgePos - rcvNxtPos);
    }

    /**
     * The window shift (Rcv.Wind.Shift) given to {@link #open}.
     *
     * @return 0 to 14.
     */
    public int windowShift()
    {
        return windowShift;
    }

    /**
     * Writes the SACK blocks to send with the next ACK (RFC 2018 §4, RFC 2883 §4): a D-SACK block first if the
     * last segment held duplicates, then held blocks, most recent first.
     *
     * @param edges     receives left edge, right edge pairs: {@code edges[2i]}, {@code edges[2i + 1]}.
     * @param maxBlocks room in the option: {@value #MAX_SACK_BLOCKS}, or
     *                  {@value #MAX_SACK_BLOCKS_WITH_TIMESTAMPS} next to timestamps (1 to 4).
     * @return blocks written, 0 when there is nothing to report.
     * @throws IllegalArgumentException when maxBlocks is not 1 to 4 or edges is too short.
     */
    public int sackBlocks(final int[] edges, final int maxBlocks)
    {
        if (maxBlocks < 1 || maxBlocks > MAX_SACK_BLOCKS || edges.length < 2 * maxBlocks)
        {
            throw new IllegalArgumentException("maxBlocks must be 1.." + MAX_SACK_BLOCKS
                + " with room for 2 edges each: " + maxBlocks + " in " + edges.length);
        }
        int n = 0;
        if (dsackPending)
        {
            edges[0] = seqOf(dsackStart);
            edges[1] = seqOf(dsackEnd);
            n = 1;
        }
        long below = Long.MAX_VALUE;
        while (n < maxBlocks)
        {
            int best = -1;
            long bestStamp = Long.MIN_VALUE;
            for (int k = 0; k < blockCount; k++)
            {
                final long s = blockStamp[k];
                if (s < below && s > bestStamp)
                {
                    bestStamp = s;
                    best = k;
                }
            }
            if (best < 0)
            {
                break;
            }
            edges[2 * n] = seqOf(blockStart[best]);
            edges[2 * n + 1] = seqOf(blockEnd[best]);
            below = bestStamp;
            n++;
        }
        return n;
    }

    private int seqOf(final long pos)
    {
        return rcvNxt + (int)(pos - rcvNxtPos);
    }

    /**
     * Whether the next SACK option starts with a D-SACK block (the last segment held duplicate bytes).
     *
     * @return true while a D-SACK is pending.
     */
    public boolean dsackPending()
    {
        return dsackPending;
    }

    /** Forgets the pending D-SACK (call once it has been sent: RFC 2883 §4 reports a duplicate once). */
    public void clearDsack()
    {
        dsackPending = false;
    }

    /**
     * Disjoint out-of-order intervals held now.
     *
     * @return 0 to {@link #maxOutOfOrderBlocks()}.
     */
    public int outOfOrderBlocks()
    {
        return blockCount;
    }

    /**
     * The bound on held intervals.
     *
     * @return the configured maximum.
     */
    public int maxOutOfOrderBlocks()
    {
        return maxBlocks;
    }

    /**
     * Bytes held above RCV.NXT.
     *
     * @return bytes.
     */
    public long outOfOrderBytes()
    {
        long sum = 0;
        for (int k = 0; k < blockCount; k++)
        {
            sum += blockEnd[k] - blockStart[k];
        }
        return sum;
    }

    /**
     * Left edge of held interval {@code i}, intervals in ascending sequence order.
     *
     * @param i 0 to outOfOrderBlocks() - 1.
     * @return a sequence number.
     * @throws IndexOutOfBoundsException for a bad index.
     */
    public int outOfOrderLeft(final int i)
    {
        return seqOf(blockStart[Objects.checkIndex(i, blockCount)]);
    }

    /**
     * Right edge (exclusive) of held interval {@code i}.
     *
     * @param i 0 to outOfOrderBlocks() - 1.
     * @return a sequence number.
     * @throws IndexOutOfBoundsException for a bad index.
     */
    public int outOfOrderRight(final int i)
    {
        return seqOf(blockEnd[Objects.checkIndex(i, blockCount)]);
    }

    /**
     * The receive buffer size, RCV.BUFF.
     *
     * @return bytes.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * New bytes of the last offer that moved RCV.NXT.
     *
     * @return bytes.
     */
    public int lastInOrder()
    {
        return lastInOrder;
    }

    /**
     * New bytes of the last offer held out of order.
     *
     * @return bytes.
     */
    public int lastOutOfOrder()
    {
        return lastOutOfOrder;
    }

    /**
     * Duplicate bytes of the last offer.
     *
     * @return bytes.
     */
    public int lastDuplicate()
    {
        return lastDuplicate;
    }

    /**
     * Bytes of the last offer beyond the receive buffer.
     *
     * @return bytes.
     */
    public int lastOutsideWindow()
    {
        return lastOutside;
    }

    /**
     * New out-of-order bytes of the last offer dropped because every interval slot was taken.
     *
     * @return bytes.
     */
    public int lastDropped()
    {
        return lastDropped;
    }

    /**
     * Segments offered since {@link #open}.
     *
     * @return count.
     */
    public long segmentsOffered()
    {
        return segmentsOffered;
    }

    /**
     * New bytes received in order.
     *
     * @return bytes.
     */
    public long bytesInOrder()
    {
        return bytesInOrder;
    }

    /**
     * New bytes received out of order.
     *
     * @return bytes.
     */
    public long bytesOutOfOrder()
    {
        return bytesOutOfOrder;
    }

    /**
     * Duplicate bytes received.
     *
     * @return bytes.
     */
    public long duplicateBytes()
    {
        return duplicateBytes;
    }

    /**
     * Segments that carried at least one duplicate byte.
     *
     * @return count.
     */
    public long duplicateSegments()
    {
        return duplicateSegments;
    }

    /**
     * Bytes received beyond the receive buffer.
     *
     * @return bytes.
     */
    public long outsideWindowBytes()
    {
        return outsideWindowBytes;
    }

    /**
     * New out-of-order bytes dropped for lack of an interval slot.
     *
     * @return bytes.
     */
    public long droppedBytes()
    {
        return droppedBytes;
    }

    /**
     * Bytes the application has read.
     *
     * @return bytes.
     */
    public long bytesRead()
    {
        return bytesRead;
    }

    /** Frees the buffer memory; the queue must not be used afterwards. */
    @Override
    public void close()
    {
        arena.close();
    }

    /**
     * Limits the window to less than the capacity (a socket's SO_RCVBUF): {@link #freeSpace()} and so the advertised
     * window follow it (the right edge never moves left, so a lower limit takes effect as data is read).
     *
     * @param bytes the limit, 1 to {@link #capacity()}.
     * @throws IllegalArgumentException naming the bad value.
     */
    public void limit(final int bytes)
    {
        if (bytes < 1 || bytes > capacity)
        {
            throw new IllegalArgumentException("receive buffer limit must be 1.." + capacity + ": " + bytes);
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
     * Accepts {@code length} in-order bytes at RCV.NXT that the application consumed straight from the frame: RCV.NXT
     * and the read point move together, nothing is copied. Only when nothing is readable and nothing is held out of
     * order.
     *
     * @param length bytes, at least 0.
     * @throws IllegalStateException when data is queued.
     */
    public void skip(final int length)
    {
        if (readable() != 0 || blockCount != 0)
        {
            throw new IllegalStateException("skip with " + readable() + " bytes readable and " + blockCount
                + " out-of-order blocks");
        }
        lastInOrder = length;
        lastOutOfOrder = 0;
        lastDuplicate = 0;
        lastOutside = 0;
        lastDropped = 0;
        dsackPending = false;
        segmentsOffered++;
        rcvNxtPos += length;
        readPos += length;
        rcvNxt += length;
        bytesInOrder += length;
        bytesRead += length;
    }

    /**
     * Readable bytes lying contiguously in the ring from the read point (the first part when they wrap).
     *
     * @return bytes, at most {@link #readable()}.
     */
    int contiguousReadable()
    {
        final int index = (int)(readPos % capacity);
        return Math.min(readable(), capacity - index);
    }

    /**
     * Where the read point lies in {@link #ring()}.
     *
     * @return the offset.
     */
    long readOffset()
    {
        return readPos % capacity;
    }

    /**
     * The ring's memory (for the zero-copy callback API).
     *
     * @return the ring.
     */
    MemorySegment ring()
    {
        return ring;
    }

    /**
     * Releases bytes the application consumed in place (from {@link #ring()} at {@link #readOffset()}).
     *
     * @param length bytes, at most {@link #readable()}.
     */
    void consume(final int length)
    {
        if (length < 0 || length > readable())
        {
            throw new IllegalArgumentException("consume " + length + " of " + readable() + " readable bytes");
        }
        readPos += length;
        bytesRead += length;
    }
}
