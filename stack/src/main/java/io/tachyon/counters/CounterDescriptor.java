package io.tachyon.counters;

/**
 * Describes a counter known at compile time: a stable numeric id and a human label. Implemented by enums (see
 * {@link SystemCounterDescriptor}); the id is stored in the counter's key, so a reader finds the counter by
 * (type id, descriptor id) whatever order the counters were registered in. Ids are never reused or renumbered:
 * new counters are appended with new ids.
 */
public interface CounterDescriptor
{
    /**
     * The stable id, unique within the descriptor's type.
     *
     * @return the id, zero or more.
     */
    int id();

    /**
     * The human label, as {@code ./tachyon stat} prints it after the value (e.g. "frames received").
     *
     * @return the label, at most {@link CountersLayout#MAX_LABEL_LENGTH} UTF-8 bytes.
     */
    String label();
}
