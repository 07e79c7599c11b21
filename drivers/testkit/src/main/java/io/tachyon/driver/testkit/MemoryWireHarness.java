package io.tachyon.driver.testkit;

import io.tachyon.time.SystemClock;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.time.VirtualClock;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DriverHarness} over a {@link MemoryWire}: endpoint A is the driver under test, endpoint B the live peer
 * that injects frames (B transmits them) and observes what A sends (B receives it). Everything runs on the test's
 * thread; {@link #pump()} moves injected frames onto the wire as its in-flight queue allows, drains B unless TX is
 * stalled, and advances the virtual clock by a microsecond.
 * <p>
 * {@link #stallTx()} stops draining B, so the A-to-B in-flight queue fills and A's {@code transmit} accepts a prefix.
 * <p>
 * {@link #asFileDriver()} makes a harness that behaves like one over a file driver (a PcapDriver): frames may be
 * injected only before open, and what A sent is observed only after A is closed. It exercises the kit's file path.
 */
public final class MemoryWireHarness implements DriverHarness
{
    /** Wall-clock time for bounding waits on real threads (the injected clock's production implementation). */
    private static final SystemClock WALL_CLOCK = new SystemClock();

    /**
     * The default wire for the kit: 100 frames in flight (not a multiple of the burst of 32, so back-pressure splits
     * a batch), 256 buffers per pool, no faults.
     */
    public static final MemoryWireConfig KIT_CONFIG = MemoryWireConfig.DEFAULT.withName("kit").withInFlightFrames(100);

    private static final long PUMP_STEP_NS = 1_000L;

    private final VirtualClock clock = new VirtualClock();
    private final MemoryWire wire;
    private final PacketDriver peer;
    private final DriverQueue peerQueue;
    private final FrameBatch peerBatch;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private final List<byte[]> observed = new ArrayList<>();
    private final boolean live;
    private boolean stalled;

    /**
     * A harness over a wire built from {@link #KIT_CONFIG}.
     */
    public MemoryWireHarness()
    {
        this(KIT_CONFIG);
    }

    /**
     * A harness over a wire built from {@code config}; the config must have no loss, duplication, corruption or
     * reordering, or the kit's exact expectations fail.
     *
     * @param config the wire's configuration.
     */
    public MemoryWireHarness(final MemoryWireConfig config)
    {
        this(config, true);
    }

    private MemoryWireHarness(final MemoryWireConfig config, final boolean live)
    {
        this.live = live;
        wire = new MemoryWire(config, clock);
        peer = wire.endpointB();
        peer.open();
        peer.start();
        peerQueue = peer.queue(0);
        peerBatch = new FrameBatch(config.maxBurst());
    }

    /**
     * A harness over a wire built from {@link #KIT_CONFIG} that behaves like one over a file driver:
     * {@link #injectsLive()} and {@link #observesLive()} are false, {@link #inject(List)} refuses to run once the
     * driver is open, and {@link #transmitted(int)} closes the driver before reporting.
     *
     * @return the harness.
     */
    public static MemoryWireHarness asFileDriver()
    {
        return new MemoryWireHarness(KIT_CONFIG, false);
    }

    /**
     * The wire, for counters.
     *
     * @return the wire.
     */
    public MemoryWire wire()
    {
        return wire;
    }

    @Override
    public PacketDriver driver()
    {
        return wire.endpointA();
    }

    @Override
    public boolean injectsLive()
    {
        return live;
    }

    @Override
    public boolean observesLive()
    {
        return live;
    }

    @Override
    public void inject(final List<byte[]> frames)
    {
        if (!live && driver().state() != DriverState.CREATED)
        {
            throw new IllegalStateException("a file-style harness injects only before open; the driver is "
                + driver().state());
        }
        for (final byte[] f : frames)
        {
            pending.add(f.clone());
        }
        pump();
    }

    @Override
    public List<byte[]> transmitted(final int expected)
    {
        if (!live)
        {
            driver().close(); // frames already on the wire still reach B
        }
        final long deadline = WALL_CLOCK.nanoTime() + pollTimeout().toNanos();
        while (observed.size() < expected && WALL_CLOCK.nanoTime() - deadline < 0L)
        {
            pump();
        }
        for (int i = 0; i < 4; i++)
        {
            pump(); // let stragglers (duplicates, if any) show up
        }
        return new ArrayList<>(observed);
    }

    @Override
    public void pump()
    {
        clock.advance(PUMP_STEP_NS);
        while (!pending.isEmpty())
        {
            final int got = peerQueue.acquire(peerBatch, Math.min(peerBatch.remaining(), pending.size()));
            if (got == 0)
            {
                break;
            }
            int i = 0;
            for (final byte[] f : pending)
            {
                if (i == got)
                {
                    break;
                }
                MemorySegment.copy(MemorySegment.ofArray(f), 0L, peerBatch.segment(i), peerBatch.offset(i), f.length);
                peerBatch.length(i, f.length);
                i++;
            }
            final int accepted = peerQueue.transmit(peerBatch);
            for (int k = 0; k < accepted; k++)
            {
                pending.poll();
            }
            peerQueue.releaseAll(peerBatch);
            if (accepted < got)
            {
                break;
            }
        }
        if (!stalled)
        {
            for (int n = peerQueue.receive(peerBatch); n > 0; n = peerQueue.receive(peerBatch))
            {
                for (int i = 0; i < n; i++)
                {
                    final byte[] f = new byte[peerBatch.length(i)];
                    MemorySegment.copy(peerBatch.segment(i), peerBatch.offset(i), MemorySegment.ofArray(f), 0L,
                        f.length);
                    observed.add(f);
                }
                peerQueue.releaseAll(peerBatch);
            }
        }
    }

    @Override
    public boolean canStallTx()
    {
        return true;
    }

    @Override
    public void stallTx()
    {
        stalled = true;
    }

    @Override
    public void unstallTx()
    {
        stalled = false;
    }

    @Override
    public int poolFramesHint()
    {
        return wire.config().poolFrames();
    }

    @Override
    public void close()
    {
        wire.close();
    }
}
