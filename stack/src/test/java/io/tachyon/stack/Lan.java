package io.tachyon.stack;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.time.VirtualClock;

/**
 * An Ethernet hub: {@code n} stacks (10.0.0.1, .2, .3, ... /24, MACs 02:00:00:00:00:01, :02, ...) and one tap, each
 * on its own lossless MemoryWire whose other end is a hub port; every frame received on a port is copied to every
 * other port (a hub floods, like a switch without IGMP snooping). The tap is driven by the test: it injects frames
 * (as a third host or a querier) and records every frame any stack sent. Driven inline with a virtual clock; the
 * hub's forwarding allocates nothing.
 */
public final class Lan implements AutoCloseable
{
    /** The tap's MAC address (a querier, another host). */
    public static final long MAC_TAP = 0x02_00_00_00_00_FDL;
    /** The tap's IPv4 address. */
    public static final int IP_TAP = Ipv4Address.parse("10.0.0.253");

    public final VirtualClock clock = new VirtualClock();
    public final Stack[] stacks;
    private final MemoryWire[] wires;
    private final DriverQueue[] ports;
    private final DriverQueue tap;
    private final FrameBatch in = new FrameBatch(64);
    private final FrameBatch out = new FrameBatch(64);
    private final FrameBatch tapBatch = new FrameBatch(64);
    private final List<byte[]> captured = new ArrayList<>();
    private boolean capturing = true;

    public Lan(final Path countersDirectory, final int n)
    {
        this(countersDirectory, n, MemoryWireConfig.DEFAULT, c -> c);
    }

    public Lan(final Path countersDirectory, final int n, final MemoryWireConfig wireConfig,
        final UnaryOperator<StackConfig.Builder> configure)
    {
        stacks = new Stack[n];
        wires = new MemoryWire[n + 1];
        ports = new DriverQueue[n + 1];
        for (int i = 0; i <= n; i++)
        {
            wires[i] = new MemoryWire(wireConfig.withName("lan" + i), clock);
            wires[i].endpointA().open();
            wires[i].endpointB().open();
            wires[i].endpointA().start();
            wires[i].endpointB().start();
            ports[i] = wires[i].endpointB().queue(0);
        }
        for (int i = 0; i < n; i++)
        {
            stacks[i] = new Stack(configure.apply(StackConfig.builder().name("s" + i).secretSeed(7)
                .countersDirectory(countersDirectory).mac(mac(i)).address(ip(i), 24)).build(),
                wires[i].endpointA(), 0, clock);
        }
        tap = wires[n].endpointA().queue(0);
    }

    public static long mac(final int i)
    {
        return 0x02_00_00_00_00_01L + i;
    }

    public static int ip(final int i)
    {
        return Frames.IP_A + i;
    }

    /** Whether the tap keeps the frames it sees (off for allocation-free runs). */
    public void capture(final boolean value)
    {
        capturing = value;
    }

    /** One duty cycle of every stack, then the hub forwards; returns the work done. */
    public int cycle()
    {
        int work = 0;
        for (final Stack stack : stacks)
        {
            work += stack.doWork();
        }
        return work + forward() + readTap();
    }

    private int forward()
    {
        int moved = 0;
        for (int p = 0; p < ports.length; p++)
        {
            final int n = ports[p].receive(in);
            for (int i = 0; i < n; i++)
            {
                for (int q = 0; q < ports.length; q++)
                {
                    if (q != p)
                    {
                        copy(in, i, ports[q]);
                    }
                }
            }
            if (n > 0)
            {
                ports[p].releaseAll(in);
            }
            moved += n;
        }
        return moved;
    }

    private void copy(final FrameBatch from, final int i, final DriverQueue to)
    {
        if (to.acquire(out, 1) != 1)
        {
            throw new IllegalStateException("hub port has no TX buffer");
        }
        MemorySegment.copy(from.segment(i), from.offset(i), out.segment(0), out.offset(0), from.length(i));
        out.length(0, from.length(i));
        if (to.transmit(out) != 1)
        {
            throw new IllegalStateException("hub port refused a frame");
        }
    }

    private int readTap()
    {
        int seen = 0;
        while (true)
        {
            final int n = tap.receive(tapBatch);
            if (n == 0)
            {
                return seen;
            }
            if (capturing)
            {
                for (int i = 0; i < n; i++)
                {
                    captured.add(tapBatch.segment(i).asSlice(tapBatch.offset(i), tapBatch.length(i))
                        .toArray(ValueLayout.JAVA_BYTE));
                }
            }
            tap.releaseAll(tapBatch);
            seen += n;
        }
    }

    /** Sends a frame from the tap to every stack. */
    public void inject(final byte[] frame)
    {
        if (tap.acquire(tapBatch, 1) != 1)
        {
            throw new IllegalStateException("tap has no TX buffer");
        }
        MemorySegment.copy(frame, 0, tapBatch.segment(0), ValueLayout.JAVA_BYTE, tapBatch.offset(0), frame.length);
        tapBatch.length(0, frame.length);
        if (tap.transmit(tapBatch) != 1)
        {
            throw new IllegalStateException("tap wire refused a frame");
        }
    }

    /** The frames the tap saw since the last call, oldest first. */
    public List<byte[]> takeCaptured()
    {
        final List<byte[]> frames = new ArrayList<>(captured);
        captured.clear();
        return frames;
    }

    /** Cycles until nothing moves for a few cycles (every frame in flight delivered), moving the clock a little. */
    public void drain()
    {
        int quiet = 0;
        while (quiet < 3)
        {
            if (cycle() == 0)
            {
                quiet++;
                clock.advance(1_000L);
            }
            else
            {
                quiet = 0;
            }
        }
    }

    /** Cycles until {@code done}, moving the clock when idle; false if {@code maxNs} of virtual time passed. */
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
                clock.advance(StackPair.IDLE_STEP_NS);
            }
        }
        return true;
    }

    /** Cycles for {@code durationNs} of virtual time, in steps of {@code stepNs} when idle. */
    public void run(final long durationNs, final long stepNs)
    {
        final long end = clock.nanoTime() + durationNs;
        while (clock.nanoTime() - end < 0)
        {
            if (cycle() == 0)
            {
                clock.advance(stepNs);
            }
        }
    }

    @Override
    public void close()
    {
        for (final Stack stack : stacks)
        {
            stack.close();
        }
        for (final MemoryWire wire : wires)
        {
            wire.close();
        }
    }
}
