package io.tachyon.counters;

/**
 * One counter as a reader saw it at one moment.
 *
 * @param id       the counter id (its index in the file).
 * @param typeId   the type (group) id.
 * @param typeName the type name, the group heading.
 * @param key      the key within the type: a descriptor id or an enum ordinal.
 * @param label    what the counter counts.
 * @param value    the value read.
 */
public record CounterSnapshot(int id, int typeId, String typeName, int key, String label, long value)
{
}
