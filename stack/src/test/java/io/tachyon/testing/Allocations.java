package io.tachyon.testing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Proves that a piece of steady-state work allocates nothing, by counting the bytes the current thread allocates
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}).
 * <p>
 * Method: run the work {@code warmUpRounds} times so the JIT compiles it, then measure up to {@code maxRounds}
 * rounds and pass as soon as one round allocates 0 bytes. A real per-message allocation shows in every round
 * (each round handles thousands of messages), so it always fails. A one-off event does not repeat: a
 * deoptimisation that sends compiled code back to the interpreter for a moment, where FFM memory access and escape
 * analysis differ and a few objects may be allocated, must not fail the test. Every round's figure is reported.
 * <p>
 * The test module does not read {@code java.management}, so the bean is reached by reflection and called through a
 * typed {@link MethodHandle} (no boxing, no allocation when measuring).
 */
public final class Allocations
{
    private static final Object THREADS;
    private static final MethodHandle ALLOCATED;

    static
    {
        try
        {
            THREADS = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
            final Class<?> beanType = Class.forName("com.sun.management.ThreadMXBean");
            ALLOCATED = MethodHandles.publicLookup()
                .findVirtual(beanType, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                .asType(MethodType.methodType(long.class, Object.class));
            if (!(boolean)beanType.getMethod("isThreadAllocatedMemoryEnabled").invoke(THREADS))
            {
                throw new IllegalStateException("this JVM does not count allocated bytes per thread");
            }
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private Allocations()
    {
    }

    /**
     * Work measured for allocation.
     */
    @FunctionalInterface
    public interface Round
    {
        /**
         * Does one round of work.
         *
         * @throws Exception when the work fails.
         */
        void run() throws Exception;
    }

    /**
     * Bytes the current thread has allocated so far.
     *
     * @return a monotonic count of bytes.
     */
    public static long allocatedBytes()
    {
        try
        {
            return (long)ALLOCATED.invokeExact(THREADS);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("cannot read the thread's allocated bytes", ex);
        }
    }

    /**
     * Asserts that {@code round} allocates nothing once warm.
     *
     * @param what         what the round does, for the failure message (e.g. "moving 100000 frames").
     * @param warmUpRounds rounds run before measuring.
     * @param maxRounds    measured rounds allowed before failing; the first one at 0 bytes passes.
     * @param round        the work.
     * @throws Exception when the work fails.
     */
    public static void assertSteadyStateAllocatesNothing(
        final String what, final int warmUpRounds, final int maxRounds, final Round round) throws Exception
    {
        for (int i = 0; i < 1_000; i++)
        {
            assertTrue(allocatedBytes() >= 0);
        }
        final long probe = allocatedBytes();
        assertTrue(allocatedBytes() - probe == 0, "measuring itself allocates nothing");
        for (int i = 0; i < warmUpRounds; i++)
        {
            round.run();
        }
        final StringBuilder seen = new StringBuilder();
        for (int i = 0; i < maxRounds; i++)
        {
            final long before = allocatedBytes();
            round.run();
            final long bytes = allocatedBytes() - before;
            if (bytes == 0)
            {
                return;
            }
            seen.append(i == 0 ? "" : ", ").append(bytes);
        }
        fail("allocated bytes while " + what + " in each of " + maxRounds + " measured rounds: " + seen);
    }
}
