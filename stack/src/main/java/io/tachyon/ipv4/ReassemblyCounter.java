package io.tachyon.ipv4;

import io.tachyon.counters.CounterFamily;
import io.tachyon.counters.OrdinalCounterDescriptor;

/**
 * The reassembler's detailed counts, type {@code Reassembly}: copied from {@link Ipv4Reassembly}'s own counters by
 * {@link #sync}.
 */
public enum ReassemblyCounter implements OrdinalCounterDescriptor
{
    /** {@link Ipv4Reassembly#fragmentsReceived()}. */
    FRAGMENTS_RECEIVED("fragments received"),
    /** {@link Ipv4Reassembly#datagramsReassembled()}. */
    DATAGRAMS_REASSEMBLED("datagrams reassembled"),
    /** {@link Ipv4Reassembly#duplicates()}. */
    DUPLICATES("duplicate fragments ignored"),
    /** {@link Ipv4Reassembly#overlapsDropped()}. */
    OVERLAPS("datagrams dropped: overlapping fragments"),
    /** {@link Ipv4Reassembly#tooBigDropped()}. */
    TOO_BIG("datagrams dropped: larger than the reassembly limit"),
    /** {@link Ipv4Reassembly#badLengthDropped()}. */
    BAD_LENGTH("fragments dropped: length not a multiple of 8"),
    /** {@link Ipv4Reassembly#malformedDropped()}. */
    MALFORMED("fragments dropped: malformed"),
    /** {@link Ipv4Reassembly#inconsistentDropped()}. */
    INCONSISTENT("datagrams dropped: inconsistent last fragment"),
    /** {@link Ipv4Reassembly#tooManyFragmentsDropped()}. */
    TOO_MANY_FRAGMENTS("datagrams dropped: too many fragments"),
    /** {@link Ipv4Reassembly#poisonedDropped()}. */
    POISONED("fragments dropped: datagram already abandoned"),
    /** {@link Ipv4Reassembly#timeouts()}. */
    TIMEOUTS("datagrams timed out"),
    /** {@link Ipv4Reassembly#timeoutsReported()}. */
    TIMEOUTS_REPORTED("timeouts answered with ICMP time exceeded"),
    /** {@link Ipv4Reassembly#evictions()}. */
    EVICTIONS("datagrams evicted to make room"),
    /** {@link Ipv4Reassembly#memoryInUse()}, a gauge. */
    MEMORY_IN_USE("bytes of fragment memory in use (gauge)"),
    /** {@link Ipv4Reassembly#datagramsInProgress()}, a gauge. */
    DATAGRAMS_IN_PROGRESS("datagrams in progress (gauge)");

    private final String label;

    ReassemblyCounter(final String label)
    {
        this.label = label;
    }

    /**
     * What the counter counts, as {@code ./tachyon stat} prints it.
     *
     * @return the label.
     */
    @Override
    public String label()
    {
        return label;
    }

    /**
     * Copies the reassembler's own counts into the counters file. Allocation-free; the stack calls it from a
     * periodic timer and at close.
     *
     * @param reassembly the reassembler.
     * @param counters   this type's counters.
     */
    public static void sync(final Ipv4Reassembly reassembly,
        final CounterFamily<ReassemblyCounter> counters)
    {
        counters.get(FRAGMENTS_RECEIVED).set(reassembly.fragmentsReceived());
        counters.get(DATAGRAMS_REASSEMBLED).set(reassembly.datagramsReassembled());
        counters.get(DUPLICATES).set(reassembly.duplicates());
        counters.get(OVERLAPS).set(reassembly.overlapsDropped());
        counters.get(TOO_BIG).set(reassembly.tooBigDropped());
        counters.get(BAD_LENGTH).set(reassembly.badLengthDropped());
        counters.get(MALFORMED).set(reassembly.malformedDropped());
        counters.get(INCONSISTENT).set(reassembly.inconsistentDropped());
        counters.get(TOO_MANY_FRAGMENTS).set(reassembly.tooManyFragmentsDropped());
        counters.get(POISONED).set(reassembly.poisonedDropped());
        counters.get(TIMEOUTS).set(reassembly.timeouts());
        counters.get(TIMEOUTS_REPORTED).set(reassembly.timeoutsReported());
        counters.get(EVICTIONS).set(reassembly.evictions());
        counters.get(MEMORY_IN_USE).set(reassembly.memoryInUse());
        counters.get(DATAGRAMS_IN_PROGRESS).set(reassembly.datagramsInProgress());
    }
}
