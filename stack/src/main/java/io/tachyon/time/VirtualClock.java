package io.tachyon.time;

/**
 * A clock that moves only when told to: tests, replays and simulations advance it by hand.
 * <p>
 * Not thread-safe for writers: one thread advances it. Readers on other threads see a value published with
 * release/acquire ordering, so a reader never sees time go backwards.
 */
public final class VirtualClock implements Clock
{
    /** The default start: 2024-01-01T00:00:00Z, so captures written on a virtual clock carry plausible dates. */
    public static final long DEFAULT_START_NS = 1_704_067_200L * 1_000_000_000L;

    private volatile long nowNs;

    /**
     * A virtual clock starting at {@link #DEFAULT_START_NS}.
     */
    public VirtualClock()
    {
        this(DEFAULT_START_NS);
    }

    /**
     * A virtual clock starting at the given time.
     *
     * @param startNs nanoseconds since the Unix epoch.
     */
    public VirtualClock(final long startNs)
    {
        nowNs = startNs;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long nanoTime()
    {
        return nowNs;
    }

    /**
     * Moves time forward.
     *
     * @param durationNs how far, in nanoseconds; must not be negative.
     * @return the new time.
     * @throws IllegalArgumentException if {@code durationNs} is negative.
     */
    public long advance(final long durationNs)
    {
        if (durationNs < 0)
        {
            throw new IllegalArgumentException("a virtual clock cannot go backwards: advance(" + durationNs + ")");
        }
        final long newNs = nowNs + durationNs;
        nowNs = newNs;
        return newNs;
    }

    /**
     * Moves time forward to an absolute instant; an instant in the past leaves the clock where it is.
     *
     * @param targetNs nanoseconds since the Unix epoch.
     * @return the new time, which is {@code max(now, targetNs)}.
     */
    public long advanceTo(final long targetNs)
    {
        final long current = nowNs;
        if (targetNs - current > 0)
        {
            nowNs = targetNs;
            return targetNs;
        }
        return current;
    }
}
