package io.tachyon.stack;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.time.VirtualClock;

/**
 * One stack (A, 10.0.0.1/24, MAC 02:..:01, static ARP entry for B) on endpoint A of a MemoryWire whose endpoint B the
 * test drives by hand: it injects exact frames and reads what the stack sent.
 */
public final class Harness implements AutoCloseable
{
    /** The clock. */
    public final VirtualClock clock = new VirtualClock();
    /** The wire. */
    public final MemoryWire wire;
    /** The stack under test, on endpoint A. */
    public final Stack stack;
    /** Endpoint B, driven by the test. */
    public final PacketDriver peer;
    private final DriverQueue peerQueue;
    private final FrameBatch batch = new FrameBatch(64);

    /** A harness with configuration changes. */
    public Harness(final Path countersDirectory, final UnaryOperator<StackConfig.Builder> configure)
    {
        this(countersDirectory, MemoryWireConfig.DEFAULT, configure, d -> d);
    }

    /** A harness with a wire configuration, configuration changes, and a wrapper around the stack's driver. */
    public Harness(final Path countersDirectory, final MemoryWireConfig wireConfig,
        final UnaryOperator<StackConfig.Builder> configure, final UnaryOperator<PacketDriver> wrapDriver)
    {
        wire = new MemoryWire(wireConfig, clock);
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
        peer = wire.endpointB();
        peerQueue = peer.queue(0);
        stack = new Stack(configure.apply(StackConfig.builder().name("h").secretSeed(3).countersDirectory(countersDirectory)
            .mac(Frames.MAC_A).address(Frames.IP_A, 24).staticArp(Frames.IP_B, Frames.MAC_B)).build(),
            wrapDriver.apply(wire.endpointA()), 0, clock);
    }

    /** A harness with the defaults. */
    public Harness(final Path countersDirectory)
    {
        this(countersDirectory, c -> c);
    }

    /** Sends frames to the stack from the peer endpoint. */
    public void inject(final byte[]... frames)
    {
        for (final byte[] frame : frames)
        {
            if (peerQueue.acquire(batch, 1) != 1)
            {
                throw new IllegalStateException("peer has no TX buffer");
            }
            final int i = batch.size() - 1;
            MemorySegment.copy(frame, 0, batch.segment(i), ValueLayout.JAVA_BYTE, batch.offset(i), frame.length);
            batch.length(i, frame.length);
        }
        while (!batch.isEmpty())
        {
            if (peerQueue.transmit(batch) == 0)
            {
                throw new IllegalStateException("wire refused frames");
            }
        }
    }

    /** Runs the stack a few cycles and returns every frame it sent. */
    public List<byte[]> exchange()
    {
        for (int i = 0; i < 4; i++)
        {
            stack.doWork();
        }
        return drain();
    }

    /** Injects frames, runs the stack, returns what it sent. */
    public List<byte[]> exchange(final byte[]... frames)
    {
        inject(frames);
        return exchange();
    }

    /** Every frame waiting at the peer. */
    public List<byte[]> drain()
    {
        final List<byte[]> out = new ArrayList<>();
        while (true)
        {
            final int n = peerQueue.receive(batch);
            if (n == 0)
            {
                break;
            }
            for (int i = 0; i < n; i++)
            {
                out.add(batch.segment(i).asSlice(batch.offset(i), batch.length(i)).toArray(ValueLayout.JAVA_BYTE));
            }
            peerQueue.releaseAll(batch);
        }
        return out;
    }

    /** Closes the stack and the wire. */
    @Override
    public void close()
    {
        stack.close();
        wire.close();
    }
}
