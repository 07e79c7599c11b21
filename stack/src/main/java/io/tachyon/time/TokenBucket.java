package io.tachyon.time;

/**
 * A token bucket rate limiter on nanosecond time: {@code ratePerSecond} tokens a second, at most {@code burst}
 * held. The bucket starts full at the first {@link #tryTake} and refills with the time that passes between calls.
 * <p>
 * The credit is kept in nanoseconds (one token costs {@code 1e9 / ratePerSecond} ns), so the arithmetic is integer
 * and exact, and a call allocates nothing. Time that goes backwards adds no credit. Not thread-safe: one thread
 * (the stack's) uses a bucket.
 */
public final class TokenBucket
{
    private static final long SECOND_NS = 1_000_000_000L;

    private final long tokenCostNs;
    private final long capacityNs;
    private long creditNs;
    private long updatedNs;
    private boolean started;

    /**
     * An unused bucket; it fills to {@code burst} tokens at its first use.
     *
     * @param ratePerSecond the refill rate, tokens per second, at least 1.
     * @param burst         the depth, tokens, at least 1.
     * @throws IllegalArgumentException naming the value if either is below 1.
     */
    public TokenBucket(final int ratePerSecond, final int burst)
    {
        if (ratePerSecond < 1)
        {
            throw new IllegalArgumentException("ratePerSecond " + ratePerSecond + " must be >= 1");
        }
        if (burst < 1)
        {
            throw new IllegalArgumentException("burst " + burst + " must be >= 1");
        }
        tokenCostNs = SECOND_NS / ratePerSecond;
        capacityNs = tokenCostNs * burst;
    }

    /**
     * Takes one token if one is available at {@code nowNs}.
     *
     * @param nowNs the current time, nanoseconds (from a {@link Clock}).
     * @return {@code true} if a token was taken (the event may go ahead), {@code false} if the bucket is empty.
     */
    public boolean tryTake(final long nowNs)
    {
        if (!started)
        {
            started = true;
            creditNs = capacityNs;
            updatedNs = nowNs;
        }
        final long elapsed = nowNs - updatedNs;
        if (elapsed > 0)
        {
            creditNs = elapsed >= capacityNs - creditNs ? capacityNs : creditNs + elapsed;
            updatedNs = nowNs;
        }
        if (creditNs >= tokenCostNs)
        {
            creditNs -= tokenCostNs;
            return true;
        }
        return false;
    }
}
