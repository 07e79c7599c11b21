package io.tachyon.tcp;

import java.util.concurrent.locks.LockSupport;

/**
 * A stateless back-off for the blocking channel calls: the caller keeps the step in a local, so nothing allocates
 * and threads share nothing. Spins, then yields, then parks for growing periods up to {@value #MAX_PARK_NS} ns.
 */
final class TcpBackoff
{
    static final long MAX_PARK_NS = 100_000L;

    private static final int SPINS = 100;
    private static final int YIELDS = 100;
    private static final int MAX_SHIFT = 20;

    private TcpBackoff()
    {
    }

    static int idle(final int step)
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
