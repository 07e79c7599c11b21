package io.tachyon.stack;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.time.VirtualClock;

/**
 * Two stacks as in {@link StackPair} (A 10.0.0.1, B 10.0.0.2) whose drivers are {@link TapDriver}s: every TCP segment
 * each side sends is recorded with its virtual time and may be dropped.
 */
public final class TapPair implements AutoCloseable
{
    /** The clock. */
    public final VirtualClock clock = new VirtualClock();
    /** How far the clock moves when a cycle of both stacks did nothing. */
    public long idleStepNs = 100_000L;
    /** The wire. */
    public final MemoryWire wire;
    /** What A sends. */
    public final TapDriver tapA;
    /** What B sends. */
    public final TapDriver tapB;
    /** Stack A. */
    public final Stack a;
    /** Stack B. */
    public final Stack b;

    /** Two tapped stacks with configuration changes. */
    public TapPair(final Path dir, final UnaryOperator<StackConfig.Builder> configureA,
        final UnaryOperator<StackConfig.Builder> configureB)
    {
        wire = new MemoryWire(MemoryWireConfig.DEFAULT, clock);
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
        tapA = new TapDriver(wire.endpointA(), clock);
        tapB = new TapDriver(wire.endpointB(), clock);
        a = new Stack(configureA.apply(StackConfig.builder().name("a").secretSeed(1).countersDirectory(dir)
            .mac(Frames.MAC_A).address(Frames.IP_A, 24).staticArp(Frames.IP_B, Frames.MAC_B)).build(), tapA, 0,
            clock);
        b = new Stack(configureB.apply(StackConfig.builder().name("b").secretSeed(2).countersDirectory(dir)
            .mac(Frames.MAC_B).address(Frames.IP_B, 24).staticArp(Frames.IP_A, Frames.MAC_A)).build(), tapB, 0,
            clock);
    }

    /** Two tapped stacks with the defaults. */
    public TapPair(final Path dir)
    {
        this(dir, c -> c, c -> c);
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
            if (a.doWork() + b.doWork() == 0)
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
        runUntil(() -> clock.nanoTime() - end >= 0, durationNs + 1);
    }

    /** Connects A to a listener on B; returns {client, server}, both ESTABLISHED. */
    public TcpSocket[] connect(final int port)
    {
        final TcpListener listener = b.tcp().listen(port, 4);
        final TcpSocket client = a.tcp().open().nodelay(true).connect(Frames.IP_B, port);
        final TcpSocket[] server = new TcpSocket[1];
        if (!runUntil(() ->
        {
            if (server[0] == null)
            {
                server[0] = listener.accept();
            }
            return server[0] != null && client.isEstablished() && server[0].isEstablished();
        }, 30_000_000_000L))
        {
            throw new AssertionError("no connection: " + client.state());
        }
        return new TcpSocket[] {client, server[0]};
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
