package io.tachyon.counters;

import java.util.Arrays;

/**
 * One counter per constant of an enum, indexed by ordinal: the stack counts a drop with
 * {@code family.increment(reason)}, which is {@code counters[reason.ordinal()].increment()} and allocates nothing.
 *
 * @param <E> the enum.
 */
public final class CounterFamily<E extends Enum<E>>
{
    private final Class<E> constants;
    private final Counter[] counters;

    CounterFamily(final Class<E> constants, final Counter[] counters)
    {
        this.constants = constants;
        this.counters = counters;
    }

    /**
     * Adds one to the constant's counter. Call only from the family's writer thread.
     *
     * @param constant which counter.
     */
    public void increment(final E constant)
    {
        counters[constant.ordinal()].increment();
    }

    /**
     * The constant's counter.
     *
     * @param constant which counter.
     * @return its counter.
     */
    public Counter get(final E constant)
    {
        return counters[constant.ordinal()];
    }

    /**
     * The counter of an ordinal.
     *
     * @param ordinal an ordinal of the enum.
     * @return its counter.
     * @throws IndexOutOfBoundsException if no constant has that ordinal.
     */
    public Counter get(final int ordinal)
    {
        return counters[ordinal];
    }

    /**
     * How many counters: the number of constants.
     *
     * @return the size.
     */
    public int size()
    {
        return counters.length;
    }

    /**
     * The counters as an array indexed by ordinal, for a hot path that prefers
     * {@code counterArray[reason.ordinal()].increment()}.
     *
     * @return a new array (the counters themselves are shared).
     */
    public Counter[] toArray()
    {
        return Arrays.copyOf(counters, counters.length);
    }

    /**
     * The enum.
     *
     * @return its class.
     */
    public Class<E> constants()
    {
        return constants;
    }
}
