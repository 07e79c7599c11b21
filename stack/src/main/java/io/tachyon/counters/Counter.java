package io.tachyon.counters;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One 64-bit counter in a counters file: a flyweight over its value slot, created once by
 * {@link CountersFile#allocate(int, String, int, String)} and then used on the hot path without allocating.
 * <p>
 * <b>Single writer.</b> A counter has exactly one writing thread (normally the stack thread). With one writer an
 * increment needs no atomic read-modify-write: {@link #increment()} is a plain read of the value (the writer's own
 * last write) followed by a store with release semantics, which on x86 and ARMv8 compiles to an ordinary store
 * (plus {@code stlr} on ARM) instead of a {@code lock xadd} / LL-SC loop. Release ordering means a reader that
 * sees a value with acquire semantics also sees everything the writer did before it, and a reader never sees a
 * torn value (the slot is 8-byte aligned). Two threads incrementing the same counter would lose updates: give each
 * writer thread its own counters.
 * <p>
 * After the owning {@link CountersFile} is closed, every method throws {@link IllegalStateException} (the memory is
 * unmapped).
 */
public final class Counter
{
    /** Aligned native-order long access with coordinates (segment, offset). */
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment segment;
    private final long offset;
    private final int id;
    private final int typeId;
    private final int key;
    private final String label;

    Counter(final MemorySegment segment, final long offset, final int id, final int typeId, final int key,
        final String label)
    {
        this.segment = segment;
        this.offset = offset;
        this.id = id;
        this.typeId = typeId;
        this.key = key;
        this.label = label;
    }

    /**
     * Adds one. Call only from this counter's writer thread.
     */
    public void increment()
    {
        final long value = (long)LONG.get(segment, offset);
        LONG.setRelease(segment, offset, value + 1);
    }

    /**
     * Adds an amount. Call only from this counter's writer thread.
     *
     * @param amount what to add (may be negative for a gauge).
     */
    public void add(final long amount)
    {
        final long value = (long)LONG.get(segment, offset);
        LONG.setRelease(segment, offset, value + amount);
    }

    /**
     * Sets the value, for gauges (a queue depth, a window size). Call only from this counter's writer thread.
     *
     * @param value the new value.
     */
    public void set(final long value)
    {
        LONG.setRelease(segment, offset, value);
    }

    /**
     * The current value, read with acquire semantics; any thread may call it.
     *
     * @return the value.
     */
    public long get()
    {
        return (long)LONG.getAcquire(segment, offset);
    }

    /**
     * The counter id: its index in the file.
     *
     * @return the id.
     */
    public int id()
    {
        return id;
    }

    /**
     * The type id the counter was registered with.
     *
     * @return the type id.
     */
    public int typeId()
    {
        return typeId;
    }

    /**
     * The key the counter was registered with: a descriptor's stable id or an enum constant's ordinal.
     *
     * @return the key.
     */
    public int key()
    {
        return key;
    }

    /**
     * The human label.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * The byte offset of the value in the file.
     *
     * @return the offset.
     */
    public long valueOffset()
    {
        return offset;
    }

    @Override
    public String toString()
    {
        return "Counter[" + id + " " + label + "=" + get() + "]";
    }
}
