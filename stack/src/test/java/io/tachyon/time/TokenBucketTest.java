package io.tachyon.time;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest
{
    private static final long START_NS = VirtualClock.DEFAULT_START_NS;

    @Test
    void shouldStartFullAndAllowExactlyBurstAtOnce()
    {
        final TokenBucket bucket = new TokenBucket(10, 3);
        assertTrue(bucket.tryTake(START_NS));
        assertTrue(bucket.tryTake(START_NS));
        assertTrue(bucket.tryTake(START_NS));
        assertFalse(bucket.tryTake(START_NS), "the fourth in the same instant exceeds the burst of 3");
    }

    @Test
    void shouldRefillOneTokenPerCostOfTime()
    {
        final TokenBucket bucket = new TokenBucket(10, 1); // one token per 100 ms
        assertTrue(bucket.tryTake(START_NS));
        assertFalse(bucket.tryTake(START_NS + 99_999_999L), "1 ns short of a token");
        assertTrue(bucket.tryTake(START_NS + 100_000_000L), "a token after exactly 100 ms");
        assertFalse(bucket.tryTake(START_NS + 100_000_000L));
    }

    @Test
    void shouldNeverHoldMoreThanBurstAfterALongIdle()
    {
        final TokenBucket bucket = new TokenBucket(1_000, 2);
        assertTrue(bucket.tryTake(START_NS));
        final long later = START_NS + 3_600_000_000_000L;
        int taken = 0;
        while (bucket.tryTake(later))
        {
            taken++;
        }
        assertEquals(2, taken, "an hour idle refills only to the burst");
    }

    @Test
    void shouldAddNoCreditWhenTimeGoesBackwards()
    {
        final TokenBucket bucket = new TokenBucket(10, 1);
        assertTrue(bucket.tryTake(START_NS));
        assertFalse(bucket.tryTake(START_NS - 1_000_000_000L));
        assertFalse(bucket.tryTake(START_NS + 50_000_000L), "the step back did not move the refill reference");
        assertTrue(bucket.tryTake(START_NS + 100_000_000L));
    }

    @Test
    void shouldLetThroughTheRateOverASteadyStream()
    {
        final TokenBucket bucket = new TokenBucket(100, 5);
        int allowed = 0;
        for (long t = 0; t < 10_000_000_000L; t += 1_000_000L) // one attempt a millisecond for 10 s
        {
            if (bucket.tryTake(START_NS + t))
            {
                allowed++;
            }
        }
        assertEquals(5 + 999, allowed, "the initial burst plus 100/s over the 9.999 s after the first attempt");
    }

    @Test
    void shouldRejectRateOrBurstBelowOneNamingTheValue()
    {
        final IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
            () -> new TokenBucket(0, 1));
        assertTrue(rate.getMessage().contains("ratePerSecond 0"), rate.getMessage());
        final IllegalArgumentException burst = assertThrows(IllegalArgumentException.class,
            () -> new TokenBucket(1, -2));
        assertTrue(burst.getMessage().contains("burst -2"), burst.getMessage());
    }
}
