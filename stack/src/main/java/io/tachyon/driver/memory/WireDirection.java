package io.tachyon.driver.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.SplittableRandom;

/**
 * One direction of a {@link MemoryWire}: the frames in flight from a sending endpoint to a receiving one, the
 * faults applied to them, and the counters that say what happened.
 * <p>
 * Memory: {@code inFlightFrames} slots of {@code frameSize} bytes in wire memory. The sender takes a free slot,
 * copies the frame in and writes its delivery time, sequence number and length, then publishes the slot number on
 * the {@code sent} ring; the receiver moves published slots into its own delivery-time heap, copies due frames out
 * and gives the slot numbers back on the {@code free} ring. Both rings are {@link SpscIntRing}s, so the sender and
 * the receiver may run on different threads with no lock. At most {@code inFlightFrames} frames are ever in flight.
 * <p>
 * Counters are written by one side each (sender: sent, lost, duplicated, corrupted, reordered, delayed by rate,
 * bytes sent; receiver: delivered, bytes delivered, no RX buffer) and may be read from any thread.
 */
public final class WireDirection
{
    private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(long[].class)
        .withInvokeExactBehavior();

    // Sender-side counters: one 128-byte stretch.
    private static final int SENT = 16;
    private static final int LOST = 17;
    private static final int DUPLICATED = 18;
    private static final int CORRUPTED = 19;
    private static final int REORDERED = 20;
    private static final int DELAYED_BY_RATE = 21;
    private static final int BYTES_SENT = 22;
    private static final int LAST_CORRUPT_OFFSET = 23;
    private static final int LAST_CORRUPT_MASK = 24;
    // Receiver-side counters: another 128-byte stretch.
    private static final int DELIVERED = 48;
    private static final int BYTES_DELIVERED = 49;
    private static final int NO_RX_BUFFER = 50;
    private static final int COUNTER_SLOTS = 64;

    private final String name;
    private final FaultProfile faults;
    private final int frameSize;
    private final int slotCount;
    private final MemorySegment slots;
    private final long[] deliveryNs;
    private final long[] sequence;
    private final int[] lengths;
    private final SpscIntRing sent;
    private final SpscIntRing free;
    private final long[] counters = new long[COUNTER_SLOTS];

    // Sender-owned.
    private final SplittableRandom random;
    private long nextSequence;
    private long linkFreeNs;
    private boolean linkUsed;

    // Receiver-owned: a binary min-heap of slot numbers ordered by (deliveryNs, sequence).
    private final int[] heap;
    private int heapSize;

    WireDirection(
        final String name,
        final FaultProfile faults,
        final int frameSize,
        final int slotCount,
        final MemorySegment slots,
        final SplittableRandom random)
    {
        this.name = name;
        this.faults = faults;
        this.frameSize = frameSize;
        this.slotCount = slotCount;
        this.slots = slots;
        this.random = random;
        deliveryNs = new long[slotCount];
        sequence = new long[slotCount];
        lengths = new int[slotCount];
        heap = new int[slotCount];
        sent = new SpscIntRing(slotCount);
        free = new SpscIntRing(slotCount);
        for (int slot = 0; slot < slotCount; slot++)
        {
            free.offer(slot);
        }
    }

    /**
     * The direction's name, e.g. {@code memory-wire:a->b}.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The faults this direction injects.
     *
     * @return the fault profile.
     */
    public FaultProfile faults()
    {
        return faults;
    }

    /**
     * How many frames the wire holds at most in this direction.
     *
     * @return the in-flight capacity.
     */
    public int inFlightCapacity()
    {
        return slotCount;
    }

    /**
     * Frames accepted by the sender's {@code transmit} (lost ones included, duplicates not).
     *
     * @return the count.
     */
    public long sent()
    {
        return read(SENT);
    }

    /**
     * Frames (copies included) handed to the receiver by {@code receive}.
     *
     * @return the count.
     */
    public long delivered()
    {
        return read(DELIVERED);
    }

    /**
     * Frames lost: chosen by the loss fault, or sent after the receiving endpoint closed.
     *
     * @return the count.
     */
    public long lost()
    {
        return read(LOST);
    }

    /**
     * Extra copies made by the duplication fault.
     *
     * @return the count.
     */
    public long duplicated()
    {
        return read(DUPLICATED);
    }

    /**
     * Frames whose bits the corruption fault flipped.
     *
     * @return the count.
     */
    public long corrupted()
    {
        return read(CORRUPTED);
    }

    /**
     * Frames held back by the reordering fault.
     *
     * @return the count.
     */
    public long reordered()
    {
        return read(REORDERED);
    }

    /**
     * Frames that had to wait for the link because an earlier frame was still being serialised.
     *
     * @return the count.
     */
    public long delayedByRate()
    {
        return read(DELAYED_BY_RATE);
    }

    /**
     * Times a frame that was due stayed in flight because the receiver had no free RX buffer. Such a frame is not
     * lost: it is delivered by a later {@code receive} once buffers are released, and meanwhile it takes an
     * in-flight slot, so the sender feels back-pressure.
     *
     * @return the count.
     */
    public long receiverNoBuffer()
    {
        return read(NO_RX_BUFFER);
    }

    /**
     * Bytes of the frames counted by {@link #sent()}.
     *
     * @return the byte count.
     */
    public long bytesSent()
    {
        return read(BYTES_SENT);
    }

    /**
     * Bytes of the frames counted by {@link #delivered()}.
     *
     * @return the byte count.
     */
    public long bytesDelivered()
    {
        return read(BYTES_DELIVERED);
    }

    /**
     * Where the corruption fault last struck: the byte offset in the frame.
     *
     * @return the offset, or -1 if no frame was corrupted.
     */
    public int lastCorruptionOffset()
    {
        return read(CORRUPTED) == 0L ? -1 : (int) read(LAST_CORRUPT_OFFSET);
    }

    /**
     * The bits the corruption fault last flipped (XORed into the byte at {@link #lastCorruptionOffset()}).
     *
     * @return the non-zero mask in {@code [1, 255]}, or 0 if no frame was corrupted.
     */
    public int lastCorruptionMask()
    {
        return read(CORRUPTED) == 0L ? 0 : (int) read(LAST_CORRUPT_MASK);
    }

    /**
     * Frames on the wire now (sent or duplicated, not yet delivered); exact when both endpoints are quiet.
     *
     * @return the count.
     */
    public int inFlight()
    {
        return slotCount - free.size();
    }

    // ---------------------------------------------------------------- sender side

    /**
     * Sender: whether a frame can go on the wire now.
     *
     * @return true when a slot is free.
     */
    boolean canSend()
    {
        return !free.isEmpty();
    }

    /**
     * Sender: counts a frame that vanished because the receiving endpoint is closed.
     *
     * @param length the frame's length.
     */
    void dropPeerClosed(final int length)
    {
        add(SENT, 1L);
        add(BYTES_SENT, length);
        add(LOST, 1L);
    }

    /**
     * Sender: puts one frame on the wire, applying the faults. Call only after {@link #canSend()} said true.
     *
     * @param source the frame's memory.
     * @param offset the frame's start.
     * @param length the frame's length.
     * @param nowNs  the sender's current time.
     */
    void send(final MemorySegment source, final long offset, final int length, final long nowNs)
    {
        add(SENT, 1L);
        add(BYTES_SENT, length);
        final FaultProfile f = faults;
        long departNs = nowNs;
        if (f.rateBitsPerSecond() > 0L)
        {
            final long serialisationNs = (length * 8L * 1_000_000_000L) / f.rateBitsPerSecond();
            long startNs = nowNs;
            if (linkUsed && linkFreeNs - nowNs > 0L)
            {
                startNs = linkFreeNs;
                add(DELAYED_BY_RATE, 1L);
            }
            linkUsed = true;
            linkFreeNs = startNs + serialisationNs;
            departNs = linkFreeNs;
        }
        if (f.lossProbability() > 0.0 && random.nextDouble() < f.lossProbability())
        {
            add(LOST, 1L);
            return;
        }
        long arriveNs = departNs + f.delayNs();
        if (f.jitterNs() > 0L)
        {
            arriveNs += random.nextLong(f.jitterNs() + 1L);
        }
        if (f.reorderProbability() > 0.0 && random.nextDouble() < f.reorderProbability())
        {
            arriveNs += f.reorderDelayNs();
            add(REORDERED, 1L);
        }
        final int slot = free.poll();
        final long slotOffset = (long) slot * frameSize;
        MemorySegment.copy(source, offset, slots, slotOffset, length);
        if (f.corruptProbability() > 0.0 && random.nextDouble() < f.corruptProbability())
        {
            final int at = random.nextInt(length);
            final int mask = 1 + random.nextInt(255);
            final long where = slotOffset + at;
            slots.set(ValueLayout.JAVA_BYTE, where, (byte) (slots.get(ValueLayout.JAVA_BYTE, where) ^ mask));
            COUNTERS.setOpaque(counters, LAST_CORRUPT_OFFSET, (long) at);
            COUNTERS.setOpaque(counters, LAST_CORRUPT_MASK, (long) mask);
            add(CORRUPTED, 1L);
        }
        publish(slot, arriveNs, length);
        if (f.duplicateProbability() > 0.0 && random.nextDouble() < f.duplicateProbability())
        {
            final int copy = free.poll();
            if (copy >= 0)
            {
                MemorySegment.copy(slots, slotOffset, slots, (long) copy * frameSize, length);
                publish(copy, arriveNs, length);
                add(DUPLICATED, 1L);
            }
        }
    }

    private void publish(final int slot, final long arriveNs, final int length)
    {
        deliveryNs[slot] = arriveNs;
        sequence[slot] = nextSequence++;
        lengths[slot] = length;
        sent.offer(slot); // never full: only slotCount slot numbers exist
    }

    // ---------------------------------------------------------------- receiver side

    /**
     * Receiver: the slot of the next frame to deliver if its time has come.
     *
     * @param nowNs the receiver's current time.
     * @return the slot, or -1 when no frame is due.
     */
    int nextDue(final long nowNs)
    {
        for (int slot = sent.poll(); slot >= 0; slot = sent.poll())
        {
            heapPush(slot);
        }
        if (heapSize == 0)
        {
            return -1;
        }
        final int top = heap[0];
        return deliveryNs[top] - nowNs > 0L ? -1 : top;
    }

    /**
     * Receiver: counts a due frame that stays in flight for want of an RX buffer.
     */
    void noRxBuffer()
    {
        add(NO_RX_BUFFER, 1L);
    }

    /**
     * Receiver: copies the due frame out, frees its slot and counts it.
     *
     * @param slot        the slot {@link #nextDue(long)} returned.
     * @param destination where to copy it.
     * @param offset      the start in {@code destination}.
     * @return the frame's length.
     */
    int take(final int slot, final MemorySegment destination, final long offset)
    {
        final int length = lengths[slot];
        MemorySegment.copy(slots, (long) slot * frameSize, destination, offset, length);
        heapPop();
        free.offer(slot); // never full
        add(DELIVERED, 1L);
        add(BYTES_DELIVERED, length);
        return length;
    }

    /**
     * Receiver: the delivery time of a slot.
     *
     * @param slot a slot {@link #nextDue(long)} returned.
     * @return epoch nanoseconds.
     */
    long deliveryNs(final int slot)
    {
        return deliveryNs[slot];
    }

    private boolean before(final int a, final int b)
    {
        final long d = deliveryNs[a] - deliveryNs[b];
        if (d != 0L)
        {
            return d < 0L;
        }
        return sequence[a] - sequence[b] < 0L;
    }

    private void heapPush(final int slot)
    {
        int i = heapSize++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!before(slot, heap[parent]))
            {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = slot;
    }

    private void heapPop()
    {
        final int last = heap[--heapSize];
        final int n = heapSize;
        int i = 0;
        while (true)
        {
            final int left = 2 * i + 1;
            if (left >= n)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < n && before(heap[right], heap[left]) ? right : left;
            if (!before(heap[child], last))
            {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (n > 0)
        {
            heap[i] = last;
        }
    }

    private void add(final int counter, final long delta)
    {
        COUNTERS.setOpaque(counters, counter, counters[counter] + delta);
    }

    private long read(final int counter)
    {
        return (long) COUNTERS.getOpaque(counters, counter);
    }
}
