package io.tachyon.stack;

import java.util.Arrays;

/**
 * A hashed timer wheel (Varghese and Lauck) on the stack's clock: bounded, allocation-free, single-threaded.
 * <p>
 * Time is cut into ticks of {@code tickNs} counted from {@code startNs}; a timer lives in the bucket of its
 * deadline's tick modulo the number of buckets, in a doubly linked list threaded through preallocated arrays.
 * Scheduling and cancelling are O(1). {@link #poll(long, Handler)} visits the buckets of the ticks that passed since
 * the last poll (or, after a jump of a whole turn of the wheel or more, every bucket once), collects the timers
 * whose deadline is at or before now, sorts them by deadline (ties in scheduling order) and fires them in that
 * order. A timer is never fired early; it fires at the first poll at or after its deadline.
 * <p>
 * Handles: {@link #schedule} returns a {@code long} handle, {@code generation << 32 | slot}; the generation changes
 * whenever the slot is freed, so a stale handle cancels nothing. {@link #NULL_HANDLE} is never a valid handle.
 * <p>
 * Timers scheduled from inside a handler with a deadline at or before now fire at the next poll, not during the
 * current one, so a handler that reschedules itself cannot loop forever. Capacity is fixed: when every slot is in
 * use {@code schedule} returns {@link #NULL_HANDLE}.
 * <p>
 * Threading: the stack thread only.
 */
public final class TimerWheel
{
    /** Never a valid handle: returned by {@link #schedule} when the wheel is full. */
    public static final long NULL_HANDLE = 0L;

    private static final int NONE = -1;

    /**
     * Told when a timer fires. Implementations should be non-capturing objects created once.
     */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * A timer is due. The timer is already removed; its handle is stale.
         *
         * @param handle  the handle {@link #schedule} returned.
         * @param kind    the kind given at scheduling.
         * @param payload the payload given at scheduling.
         * @param nowNs   the time of the poll.
         */
        void onTimer(long handle, int kind, long payload, long nowNs);
    }

    private final long startNs;
    private final long tickNs;
    private final int mask;
    private final int capacity;
    private final int[] heads;
    private final int[] next;
    private final int[] prev;
    private final int[] bucket;
    private final int[] generation;
    private final int[] kinds;
    private final long[] deadlines;
    private final long[] payloads;
    private final long[] sequences;
    private final int[] freeSlots;
    private final long[] scratch;
    private int freeCount;
    private long currentTick;
    private long nextSequence;

    /**
     * A wheel with every structure allocated.
     *
     * @param startNs  the origin of tick 0, normally the clock's time at construction.
     * @param tickNs   the resolution in nanoseconds, at least 1.
     * @param buckets  the number of buckets, a power of two in {@code [1, 1 << 20]}.
     * @param capacity the most timers scheduled at once, in {@code [1, 1 << 20]}.
     * @throws IllegalArgumentException naming the bad value.
     */
    public TimerWheel(final long startNs, final long tickNs, final int buckets, final int capacity)
    {
        if (tickNs < 1)
        {
            throw new IllegalArgumentException("timer wheel tickNs must be >= 1, was " + tickNs);
        }
        if (buckets < 1 || buckets > 1 << 20 || Integer.bitCount(buckets) != 1)
        {
            throw new IllegalArgumentException("timer wheel buckets must be a power of two in [1, 1048576], was "
                + buckets);
        }
        if (capacity < 1 || capacity > 1 << 20)
        {
            throw new IllegalArgumentException("timer wheel capacity must be in [1, 1048576], was " + capacity);
        }
        this.startNs = startNs;
        this.tickNs = tickNs;
        this.mask = buckets - 1;
        this.capacity = capacity;
        heads = new int[buckets];
        Arrays.fill(heads, NONE);
        next = new int[capacity];
        prev = new int[capacity];
        bucket = new int[capacity];
        generation = new int[capacity];
        kinds = new int[capacity];
        deadlines = new long[capacity];
        payloads = new long[capacity];
        sequences = new long[capacity];
        freeSlots = new int[capacity];
        scratch = new long[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
            bucket[i] = NONE;
            generation[i] = 1;
        }
        freeCount = capacity;
    }

    /**
     * Schedules a timer.
     *
     * @param deadlineNs when it is due, epoch nanoseconds; a deadline in the past fires at the next poll.
     * @param kind       a value given back to the handler (what the timer is for).
     * @param payload    a value given back to the handler (which object it is for).
     * @return the handle, or {@link #NULL_HANDLE} when the wheel is full.
     */
    public long schedule(final long deadlineNs, final int kind, final long payload)
    {
        if (freeCount == 0)
        {
            return NULL_HANDLE;
        }
        final int slot = freeSlots[--freeCount];
        deadlines[slot] = deadlineNs;
        kinds[slot] = kind;
        payloads[slot] = payload;
        sequences[slot] = nextSequence++;
        final long tick = Math.max(tickOf(deadlineNs), currentTick);
        final int b = (int)(tick & mask);
        bucket[slot] = b;
        prev[slot] = NONE;
        next[slot] = heads[b];
        if (heads[b] != NONE)
        {
            prev[heads[b]] = slot;
        }
        heads[b] = slot;
        return handleOf(slot);
    }

    /**
     * Cancels a timer.
     *
     * @param handle a handle from {@link #schedule}.
     * @return true if it was scheduled and is now cancelled; false for a stale, fired or null handle.
     */
    public boolean cancel(final long handle)
    {
        final int slot = liveSlot(handle);
        if (slot == NONE)
        {
            return false;
        }
        unlink(slot);
        release(slot);
        return true;
    }

    /**
     * Whether a handle names a timer that is still scheduled.
     *
     * @param handle a handle.
     * @return true until it fires or is cancelled.
     */
    public boolean isScheduled(final long handle)
    {
        return liveSlot(handle) != NONE;
    }

    /**
     * The deadline of a scheduled timer.
     *
     * @param handle a live handle.
     * @return its deadline in epoch nanoseconds.
     * @throws IllegalArgumentException if the handle is not scheduled.
     */
    public long deadlineNs(final long handle)
    {
        final int slot = liveSlot(handle);
        if (slot == NONE)
        {
            throw new IllegalArgumentException("timer handle 0x" + Long.toHexString(handle) + " is not scheduled");
        }
        return deadlines[slot];
    }

    /**
     * How many timers are scheduled.
     *
     * @return the count.
     */
    public int size()
    {
        return capacity - freeCount;
    }

    /**
     * The most timers that can be scheduled at once.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * The resolution.
     *
     * @return nanoseconds per tick.
     */
    public long tickNs()
    {
        return tickNs;
    }

    /**
     * Fires every timer whose deadline is at or before {@code nowNs}, in deadline order (ties in scheduling order).
     *
     * @param nowNs   the current time; never earlier than a previous poll's.
     * @param handler told about each timer.
     * @return how many timers fired.
     */
    public int poll(final long nowNs, final Handler handler)
    {
        final long nowTick = Math.max(tickOf(nowNs), currentTick);
        if (freeCount == capacity)
        {
            currentTick = nowTick;
            return 0;
        }
        int count = 0;
        if (nowTick - currentTick > mask)
        {
            for (int b = 0; b <= mask; b++)
            {
                count = collect(b, nowNs, count);
            }
        }
        else
        {
            for (long t = currentTick; t <= nowTick; t++)
            {
                count = collect((int)(t & mask), nowNs, count);
            }
        }
        currentTick = nowTick;
        sort(count);
        int fired = 0;
        for (int i = 0; i < count; i++)
        {
            final long handle = scratch[i];
            final int slot = liveSlot(handle);
            if (slot == NONE)
            {
                continue;
            }
            final int kind = kinds[slot];
            final long payload = payloads[slot];
            unlink(slot);
            release(slot);
            fired++;
            handler.onTimer(handle, kind, payload, nowNs);
        }
        return fired;
    }

    private int collect(final int b, final long nowNs, final int count)
    {
        int n = count;
        for (int slot = heads[b]; slot != NONE; slot = next[slot])
        {
            if (deadlines[slot] - nowNs <= 0)
            {
                scratch[n++] = handleOf(slot);
            }
        }
        return n;
    }

    /** Insertion sort of the collected handles by (deadline, sequence): few timers are due at once. */
    private void sort(final int count)
    {
        for (int i = 1; i < count; i++)
        {
            final long handle = scratch[i];
            final int slot = (int)handle;
            int j = i - 1;
            while (j >= 0 && before(slot, (int)scratch[j]))
            {
                scratch[j + 1] = scratch[j];
                j--;
            }
            scratch[j + 1] = handle;
        }
    }

    private boolean before(final int a, final int b)
    {
        final long d = deadlines[a] - deadlines[b];
        return d != 0 ? d < 0 : sequences[a] < sequences[b];
    }

    private long tickOf(final long timeNs)
    {
        final long elapsed = timeNs - startNs;
        return elapsed <= 0 ? 0 : elapsed / tickNs;
    }

    private long handleOf(final int slot)
    {
        return (long)generation[slot] << 32 | slot;
    }

    private int liveSlot(final long handle)
    {
        final int slot = (int)handle;
        if (slot < 0 || slot >= capacity || bucket[slot] == NONE || generation[slot] != (int)(handle >>> 32))
        {
            return NONE;
        }
        return slot;
    }

    private void unlink(final int slot)
    {
        final int b = bucket[slot];
        final int p = prev[slot];
        final int n = next[slot];
        if (p == NONE)
        {
            heads[b] = n;
        }
        else
        {
            next[p] = n;
        }
        if (n != NONE)
        {
            prev[n] = p;
        }
    }

    private void release(final int slot)
    {
        bucket[slot] = NONE;
        final int g = generation[slot] + 1;
        generation[slot] = g == 0 ? 1 : g;
        freeSlots[freeCount++] = slot;
    }
}
