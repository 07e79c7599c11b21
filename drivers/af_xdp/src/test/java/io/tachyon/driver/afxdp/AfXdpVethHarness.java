package io.tachyon.driver.afxdp;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.driver.testkit.DriverHarness;
import io.tachyon.time.SystemClock;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver test kit's harness over a veth pair: the driver under test is an {@link AfXdpDriver} on end
 * {@code a}; the live peer is a second {@link AfXdpDriver} on end {@code b} (both ends in the root namespace, no
 * addresses, IPv6 off, so the kernel sends nothing on them). Both steer every frame to their socket. The peer
 * injects frames by transmitting them and observes the driver's frames by receiving them; {@link #pump()} does both.
 * <p>
 * A second AF_XDP driver as the peer (rather than an AF_PACKET socket) needs no extra native code and exercises
 * the driver from both sides. TX cannot be stalled: a peer that stops receiving makes the kernel drop frames
 * (rx_ring_full), not push back on the sender.
 */
final class AfXdpVethHarness implements DriverHarness
{
    private static final SystemClock WALL_CLOCK = new SystemClock();
    /** Frames per pool: small, so that the kit's leak check cycles many times the pool quickly. */
    static final int FRAMES = 256;

    private final AfXdpDriver driver;
    private final AfXdpDriver peer;
    private final DriverQueue peerQueue;
    private final FrameBatch peerBatch;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private final List<byte[]> observed = new ArrayList<>();

    AfXdpVethHarness(final VethPair pair)
    {
        driver = new AfXdpDriver(AfXdpConfig.builder(pair.a).frames(FRAMES, FRAMES).ringSize(1024).build());
        peer = new AfXdpDriver(AfXdpConfig.builder(pair.b).name("peer").frames(4096, 1024).ringSize(4096).build());
        try
        {
            peer.open();
            peer.start();
        }
        catch (final RuntimeException e)
        {
            peer.close();
            throw e;
        }
        peerQueue = peer.queue(0);
        peerBatch = new FrameBatch(64);
    }

    @Override
    public PacketDriver driver()
    {
        return driver;
    }

    @Override
    public boolean injectsLive()
    {
        return true;
    }

    @Override
    public boolean observesLive()
    {
        return true;
    }

    @Override
    public void inject(final List<byte[]> frames)
    {
        for (final byte[] f : frames)
        {
            pending.add(f.clone());
        }
        pump();
    }

    @Override
    public List<byte[]> transmitted(final int expected)
    {
        final long deadline = WALL_CLOCK.nanoTime() + pollTimeout().toNanos();
        while (observed.size() < expected && WALL_CLOCK.nanoTime() - deadline < 0L)
        {
            pump();
        }
        final long settle = WALL_CLOCK.nanoTime() + 20_000_000L;
        while (WALL_CLOCK.nanoTime() - settle < 0L)
        {
            pump(); // stragglers (duplicates, if any) show up
        }
        return new ArrayList<>(observed);
    }

    @Override
    public void pump()
    {
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
        for (int n = peerQueue.receive(peerBatch); n > 0; n = peerQueue.receive(peerBatch))
        {
            for (int i = 0; i < n; i++)
            {
                final byte[] f = new byte[peerBatch.length(i)];
                MemorySegment.copy(peerBatch.segment(i), peerBatch.offset(i), MemorySegment.ofArray(f), 0L,
                    f.length);
                if (f.length >= 14 && (f[12] & 0xFF) == 0x88 && (f[13] & 0xFF) == 0xB5)
                {
                    observed.add(f);
                }
            }
            peerQueue.releaseAll(peerBatch);
        }
    }

    @Override
    public boolean canStallTx()
    {
        return false;
    }

    @Override
    public String cannotStallTxReason()
    {
        return "a veth peer that stops receiving makes the kernel drop frames (rx_ring_full), it never pushes back";
    }

    @Override
    public int poolFramesHint()
    {
        return FRAMES;
    }

    @Override
    public void close()
    {
        driver.close();
        peer.close();
    }
}
