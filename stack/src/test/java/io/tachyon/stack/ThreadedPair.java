package io.tachyon.stack;

import java.nio.file.Path;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.YieldingIdleStrategy;

import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.testing.Allocations;
import io.tachyon.time.SystemClock;
import io.tachyon.time.VirtualClock;
import io.tachyon.udp.UdpChannelConfig;

/**
 * Two stacks, A (10.0.0.1) and B (10.0.0.2), on a lossless MemoryWire, both run by ONE AgentRunner thread (a test
 * agent that cycles A then B), with static ARP entries.
 * <p>
 * Time: the stacks and the wire share a {@link VirtualClock} that only the stack thread moves, by
 * {@link #IDLE_STEP_NS} after each cycle in which neither stack did anything. The stacks' behaviour (timers, wire
 * delivery) thus depends on the sequence of cycles, not on how the machine schedules the threads: a stalled
 * application thread cannot age ARP entries or reassembly timers mid-test. Application threads time their blocking
 * calls with a real {@link SystemClock} ({@link #channel}), so a broken stack fails a test in bounded wall time
 * instead of hanging it.
 * <p>
 * The agent can measure the bytes the stack thread allocates between {@link #startMeasuring()} and
 * {@link #stopMeasuring()}.
 */
final class ThreadedPair implements AutoCloseable
{
    static final long IDLE_STEP_NS = 1_000L;
    static final long WAIT_NS = 10_000_000_000L;

    final VirtualClock clock = new VirtualClock();
    final SystemClock wallClock = new SystemClock();
    final MemoryWire wire;
    final Stack a;
    final Stack b;
    final PairAgent agent = new PairAgent();
    final AgentRunner runner;

    ThreadedPair(final Path counters, final String name)
    {
        wire = new MemoryWire(MemoryWireConfig.DEFAULT.withInFlightFrames(4096).withPoolFrames(1024), clock);
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
        a = new Stack(StackConfig.builder().name(name + "-a").secretSeed(7).countersDirectory(counters).mac(Frames.MAC_A)
            .address(Frames.IP_A, 24).staticArp(Frames.IP_B, Frames.MAC_B).build(), wire.endpointA(), 0, clock);
        b = new Stack(StackConfig.builder().name(name + "-b").secretSeed(7).countersDirectory(counters).mac(Frames.MAC_B)
            .address(Frames.IP_B, 24).staticArp(Frames.IP_A, Frames.MAC_A).build(), wire.endpointB(), 0, clock);
        runner = new AgentRunner(new YieldingIdleStrategy(), Throwable::printStackTrace, null, agent);
        AgentRunner.startOnThread(runner);
    }

    /** A channel configuration timed by the wall clock, with bursts the wire's receive side keeps up with. */
    UdpChannelConfig channel(final int address, final int port)
    {
        return UdpChannelConfig.of(address, port).withTimeout(WAIT_NS, wallClock).withSendBurst(16);
    }

    void startMeasuring()
    {
        agent.measureRequested = true;
        awaitTrue(() -> agent.measuring, "the stack thread to start measuring");
    }

    /** Stops measuring; returns the bytes the stack thread allocated meanwhile. */
    long stopMeasuring()
    {
        agent.measureRequested = false;
        awaitTrue(() -> !agent.measuring, "the stack thread to stop measuring");
        return agent.measuredBytes;
    }

    /** Polls a condition with a wall-clock bound (no sleeping). */
    void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = wallClock.nanoTime() + WAIT_NS;
        while (!condition.getAsBoolean())
        {
            if (wallClock.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void close()
    {
        runner.close();
        a.close();
        b.close();
        wire.close();
    }

    /** Cycles both stacks; moves the virtual clock when idle; measures allocation on request. */
    final class PairAgent implements Agent
    {
        volatile boolean measureRequested;
        volatile boolean measuring;
        volatile long measuredBytes;
        private long startBytes;

        @Override
        public void onStart()
        {
            a.onStart();
            b.onStart();
        }

        @Override
        public int doWork()
        {
            final boolean request = measureRequested;
            if (request != measuring)
            {
                if (request)
                {
                    startBytes = Allocations.allocatedBytes();
                }
                else
                {
                    measuredBytes = Allocations.allocatedBytes() - startBytes;
                }
                measuring = request;
            }
            final int work = a.doWork() + b.doWork();
            if (work == 0)
            {
                clock.advance(IDLE_STEP_NS);
            }
            return work;
        }

        @Override
        public void onClose()
        {
            a.close();
            b.close();
        }

        @Override
        public String roleName()
        {
            return "pair";
        }
    }
}
