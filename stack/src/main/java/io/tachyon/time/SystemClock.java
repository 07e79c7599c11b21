package io.tachyon.time;

import java.time.Instant;

/**
 * The real clock: the wall-clock time read once at construction, advanced by the monotonic
 * {@link System#nanoTime()} counter, so it never jumps when the system time is changed.
 */
public final class SystemClock implements Clock
{
    private final long epochBaseNs;
    private final long monotonicBaseNs;

    /**
     * Anchors the clock to the current wall-clock time.
     */
    public SystemClock()
    {
        final Instant now = Instant.now();
        monotonicBaseNs = System.nanoTime();
        epochBaseNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long nanoTime()
    {
        return epochBaseNs + (System.nanoTime() - monotonicBaseNs);
    }
}
