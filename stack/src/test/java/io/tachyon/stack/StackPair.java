package io.tachyon.stack;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.time.VirtualClock;

/**
 * Two stacks, A (10.0.0.1) and B (10.0.0.2) on 10.0.0.0/24, joined by a MemoryWire and driven inline on one thread
 * with a virtual clock.
 */
public final class StackPair implements AutoCloseable
{
    /** How far the clock moves when a cycle of both stacks did nothing. */
    public static final long IDLE_STEP_NS = 10_000L;

    /** The clock both stacks and the wire use. */
    public final VirtualClock clock = new VirtualClock();
    /** How far the clock moves when a cycle of both stacks did nothing; {@link #IDLE_STEP_NS} by default. */
    public long idleStepNs = IDLE_STEP_NS;
    /** The wire between A (endpoint A) and B (endpoint B). */
    public final MemoryWire wire;
    /** Stack A, 10.0.0.1. */
    public final Stack a;
    /** Stack B, 10.0.0.2. */
    public final Stack b;

    /** Two stacks with configuration changes applied to each. */
    public StackPair(final Path countersDirectory, final MemoryWireConfig wireConfig,
        final UnaryOperator<StackConfig.Builder> configureA, final UnaryOperator<StackConfig.Builder> configureB)
    {
        wire = new MemoryWire(wireConfig, clock);
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
        a = new Stack(configureA.apply(StackConfig.builder().name("a").secretSeed(1).countersDirectory(countersDirectory)
            .mac(Frames.MAC_A).address(Frames.IP_A, 24)).build(), wire.endpointA(), 0, clock);
        b = new Stack(configureB.apply(StackConfig.builder().name("b").secretSeed(2).countersDirectory(countersDirectory)
            .mac(Frames.MAC_B).address(Frames.IP_B, 24)).build(), wire.endpointB(), 0, clock);
    }

    /** Two stacks on a clean default wire. */
    public StackPair(final Path countersDirectory)
    {
        this(countersDirectory, MemoryWireConfig.DEFAULT, c -> c, c -> c);
    }

    /** Two stacks on a wire of this configuration. */
    public StackPair(final Path countersDirectory, final MemoryWireConfig wireConfig)
    {
        this(countersDirectory, wireConfig, c -> c, c -> c);
    }

    /** One duty cycle of each stack. */
    public int cycle()
    {
        return a.doWork() + b.doWork();
    }

    /** Cycles until {@code done}, moving the clock when idle; false if {@code maxNs} of virtual time passed first. */
    public boolean runUntil(final BooleanSupplier done, final long maxNs)
    {
        final long end = clock.nanoTime() + maxNs;
        while (!done.getAsBoolean())
        {
            if (clock.nanoTime() - end > 0)
            {
                return false;
            }
            if (cycle() == 0)
            {
                clock.advance(idleStepNs);
            }
        }
        return true;
    }

    /** Cycles for {@code durationNs} of virtual time. */
    public void run(final long durationNs)
    {
        final long end = clock.nanoTime() + durationNs;
        while (clock.nanoTime() - end < 0)
        {
            if (cycle() == 0)
            {
                clock.advance(idleStepNs);
            }
        }
    }

    /** Closes both stacks and the wire. */
    @Override
    public void close()
    {
        a.close();
        b.close();
        wire.close();
    }
}
