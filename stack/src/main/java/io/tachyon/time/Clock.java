package io.tachyon.time;

/**
 * The only source of time in the stack.
 * <p>
 * {@link #nanoTime()} returns nanoseconds since the Unix epoch and never goes backwards. One value serves both
 * uses the stack has for time: deadlines (compared by subtraction, {@code deadlineNs - nowNs < 0}) and
 * timestamps written to capture files. A signed 64-bit count of epoch nanoseconds lasts until the year 2262.
 * <p>
 * Production uses {@link SystemClock}; tests and replays use {@link VirtualClock}, which only moves when told to,
 * so a test run given the same seed is the same run. Nothing in the stack reads {@code System.nanoTime()} or
 * {@code System.currentTimeMillis()} directly.
 */
@FunctionalInterface
public interface Clock
{
    /**
     * The current time.
     *
     * @return nanoseconds since 1970-01-01T00:00:00Z, monotonic non-decreasing.
     */
    long nanoTime();
}
