package io.tachyon.counters;

/**
 * A {@link CounterDescriptor} enum whose id is its ordinal: a counter type that numbers its counters from zero in
 * declaration order. Implementing enums declare only their labels; {@link #id()} comes from here.
 * <p>
 * Since the id is stored in the counters file, such an enum only ever gains constants at its end: reordering or
 * removing a constant would renumber the ones after it.
 */
public interface OrdinalCounterDescriptor extends CounterDescriptor
{
    /**
     * The constant's position in its enum; supplied by {@link Enum#ordinal()}.
     *
     * @return the ordinal.
     */
    int ordinal();

    /**
     * The counter's key in its type: the ordinal.
     *
     * @return the id.
     */
    @Override
    default int id()
    {
        return ordinal();
    }
}
