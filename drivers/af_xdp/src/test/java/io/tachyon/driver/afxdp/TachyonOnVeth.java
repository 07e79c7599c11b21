package io.tachyon.driver.afxdp;

import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.time.SystemClock;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * A Tachyon {@link Stack} on an {@link AfXdpDriver} on end {@code a} of a {@link VethPair}, steering only its own
 * address ({@code ipA}) and ARP about it, driven inline on the test thread by {@link #runUntil}.
 */
final class TachyonOnVeth implements AutoCloseable
{
    private static final SystemClock WALL_CLOCK = new SystemClock();

    final AfXdpDriver driver;
    final Stack stack;

    TachyonOnVeth(final VethPair pair, final Path countersDirectory, final AfXdpConfig.Builder config)
    {
        driver = new AfXdpDriver(config.ipv4Address(pair.ipA).build());
        Stack made = null;
        try
        {
            driver.open();
            made = new Stack(StackConfig.builder().name("xdp-" + pair.a).countersDirectory(countersDirectory)
                .mac(driver.macAddress()).address(pair.ipA, 24).build(), driver, 0, WALL_CLOCK);
            driver.start();
            made.onStart();
        }
        catch (final RuntimeException e)
        {
            if (made != null)
            {
                made.close();
            }
            driver.close();
            throw e;
        }
        stack = made;
    }

    TachyonOnVeth(final VethPair pair, final Path countersDirectory)
    {
        this(pair, countersDirectory, AfXdpConfig.builder(pair.a).frames(1024, 1024));
    }

    /** Runs the stack until {@code done} or {@code seconds} passed; returns whether done. */
    boolean runUntil(final BooleanSupplier done, final double seconds)
    {
        final long deadline = WALL_CLOCK.nanoTime() + (long) (seconds * 1e9);
        while (!done.getAsBoolean())
        {
            if (WALL_CLOCK.nanoTime() - deadline > 0L)
            {
                return false;
            }
            stack.doWork();
        }
        return true;
    }

    /** Runs the stack while a Linux command runs, then returns its result. */
    Sh.Result runWhile(final Sh.Started command, final double seconds)
    {
        runUntil(() -> !command.alive(), seconds);
        return command.await(5);
    }

    static long now()
    {
        return WALL_CLOCK.nanoTime();
    }

    @Override
    public void close()
    {
        try
        {
            stack.close();
        }
        finally
        {
            driver.close();
        }
    }
}
