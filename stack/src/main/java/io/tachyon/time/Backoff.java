package io.tachyon.time;

import java.util.concurrent.locks.LockSupport;

/**
 * A stateless back-off for the blocking channel calls of TCP and UDP: the caller keeps the step in a local
 * variable, so several threads may back off at once without sharing state and nothing allocates. Spins first, then
 * yields, then parks for growing periods up to {@value #MAX_PARK_NS} ns (like Agrona's {@code BackoffIdleStrategy}).
 * <p>
 * Usage: {@code int step = 0; while (!ready()) { step = Backoff.idle(step); }}
 */
public final class Backoff
{
    /** The longest park, in nanoseconds. */
    public static final long MAX_PARK_NS = 100_000L;

    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    private static final int MAX_SHIFT = 20;

    private Backoff()
    {
    }

    /**
     * Idles once: spins while {@code step < 100}, yields while {@code step < 200}, else parks for
     * {@code min(MAX_PARK_NS, 1 us << (step - 200))}.
     *
     * @param step how many times the caller has idled in this wait (0 at first).
     * @return the next step.
     */
    public static int idle(final int step)
    {
        if (step < SPINS)
        {
            Thread.onSpinWait();
        }
        else if (step < SPINS + YIELDS)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(Math.min(MAX_PARK_NS, 1_000L << Math.min(MAX_SHIFT, step - SPINS - YIELDS)));
            return Math.min(step + 1, SPINS + YIELDS + MAX_SHIFT);
        }
        return step + 1;
    }
}
