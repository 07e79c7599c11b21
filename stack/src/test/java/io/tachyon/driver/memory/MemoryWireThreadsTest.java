package io.tachyon.driver.memory;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.time.SystemClock;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each endpoint polled by its own thread: a million frames each way, every one delivered once, in order, intact.
 */
class MemoryWireThreadsTest
{
    /** Wall-clock time for bounding waits on real threads (the injected clock's production implementation). */
    private static final SystemClock WALL_CLOCK = new SystemClock();

    private static final int FRAMES = 1_000_000;
    private static final long DEADLINE_NS = 60_000_000_000L;
    private static final ValueLayout.OfLong SEQ = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Test
    void shouldExchangeAMillionFramesEachWayBetweenTwoThreads() throws InterruptedException
    {
        // A small in-flight queue and pool so that both the full and the empty cases happen often.
        final MemoryWireConfig config = MemoryWireConfig.DEFAULT.withInFlightFrames(64).withPoolFrames(128);
        try (MemoryWire wire = new MemoryWire(config, new SystemClock()))
        {
            WireTestSupport.startBoth(wire);
            final Peer a = new Peer(wire.endpointA(), 1);
            final Peer b = new Peer(wire.endpointB(), 2);
            final Thread ta = new Thread(a, "wire-a");
            final Thread tb = new Thread(b, "wire-b");
            ta.start();
            tb.start();
            final boolean aDone = ta.join(Duration.ofSeconds(90));
            final boolean bDone = tb.join(Duration.ofSeconds(90));
            if (!aDone || !bDone)
            {
                a.stop = true;
                b.stop = true;
                ta.join(Duration.ofSeconds(5));
                tb.join(Duration.ofSeconds(5));
            }
            assertTrue(aDone && bDone, "both threads finished in time");
            assertNull(a.failure.get(), () -> "thread a: " + a.failure.get());
            assertNull(b.failure.get(), () -> "thread b: " + b.failure.get());
            assertEquals(FRAMES, a.received);
            assertEquals(FRAMES, b.received);
            assertEquals(FRAMES, wire.aToB().delivered());
            assertEquals(FRAMES, wire.bToA().delivered());
            assertEquals(0L, wire.aToB().lost());
            assertEquals(0, wire.aToB().inFlight());
        }
    }

    @Test
    void shouldGiveAPollerIllegalStateWhenItsEndpointClosesUnderIt() throws InterruptedException
    {
        try (MemoryWire wire = MemoryWire.of(new SystemClock()))
        {
            WireTestSupport.startBoth(wire);
            final DriverQueue q = wire.endpointA().queue(0);
            final AtomicReference<String> outcome = new AtomicReference<>();
            final AtomicLong rounds = new AtomicLong();
            final Thread poller = new Thread(() ->
            {
                final FrameBatch batch = new FrameBatch(32);
                final long deadline = WALL_CLOCK.nanoTime() + DEADLINE_NS;
                try
                {
                    while (WALL_CLOCK.nanoTime() - deadline < 0L)
                    {
                        final int got = q.acquire(batch, batch.remaining());
                        for (int i = 0; i < got; i++)
                        {
                            batch.length(i, 60);
                        }
                        q.transmit(batch);
                        q.receive(batch);
                        q.releaseAll(batch);
                        rounds.incrementAndGet();
                    }
                    outcome.set("the poller never saw the close");
                }
                catch (final DriverException e)
                {
                    outcome.set(e.reason().name());
                }
                catch (final RuntimeException e)
                {
                    outcome.set(e.toString());
                }
            }, "poller");
            poller.start();
            final long deadline = WALL_CLOCK.nanoTime() + DEADLINE_NS;
            while (rounds.get() < 10_000 && WALL_CLOCK.nanoTime() - deadline < 0L)
            {
                Thread.onSpinWait();
            }
            wire.endpointA().close();
            assertTrue(poller.join(Duration.ofSeconds(30)), "the poller stopped");
            assertEquals("ILLEGAL_STATE", outcome.get());
            // B keeps working: what it sends to the closed A is counted as lost.
            final long lostBefore = wire.bToA().lost();
            WireTestSupport.send(wire.endpointB(), WireTestSupport.frame(1, 60));
            assertEquals(lostBefore + 1L, wire.bToA().lost());
        }
    }

    /** Frame {@code seq} from sender {@code id}: length and every byte derive from them. */
    private static int lengthOf(final long seq)
    {
        return 60 + (int) (seq % 67);
    }

    private static byte byteAt(final int id, final long seq, final int i)
    {
        return (byte) (id * 13 + seq * 7 + i);
    }

    /** Sends FRAMES frames and receives FRAMES frames on one endpoint, bounded by a deadline. */
    private static final class Peer implements Runnable
    {
        private final PacketDriver driver;
        private final int id;
        private final int peerId;
        private final AtomicReference<String> failure = new AtomicReference<>();
        private volatile boolean stop;
        private long sent;
        private long received;

        Peer(final PacketDriver driver, final int id)
        {
            this.driver = driver;
            this.id = id;
            peerId = 3 - id;
        }

        @Override
        public void run()
        {
            final DriverQueue q = driver.queue(0);
            final FrameBatch tx = new FrameBatch(32);
            final FrameBatch rx = new FrameBatch(32);
            final long deadline = WALL_CLOCK.nanoTime() + DEADLINE_NS;
            try
            {
                while ((sent < FRAMES || received < FRAMES) && !stop)
                {
                    if (WALL_CLOCK.nanoTime() - deadline > 0L)
                    {
                        failure.set("deadline passed: sent=" + sent + " received=" + received);
                        return;
                    }
                    if (sent + tx.size() < FRAMES)
                    {
                        final int want = (int) Math.min(tx.remaining(), FRAMES - sent - tx.size());
                        final int first = tx.size();
                        final int got = q.acquire(tx, want);
                        for (int i = first; i < first + got; i++)
                        {
                            fill(tx, i, sent + i);
                        }
                    }
                    if (!tx.isEmpty())
                    {
                        sent += q.transmit(tx);
                    }
                    final int n = q.receive(rx);
                    for (int i = 0; i < n; i++)
                    {
                        if (!check(rx, i))
                        {
                            return;
                        }
                        received++;
                    }
                    q.releaseAll(rx);
                }
            }
            catch (final RuntimeException e)
            {
                failure.set(e.toString());
            }
        }

        private void fill(final FrameBatch batch, final int index, final long seq)
        {
            final MemorySegment s = batch.segment(index);
            final long base = batch.offset(index);
            final int length = lengthOf(seq);
            for (int i = 0; i < length; i++)
            {
                s.set(ValueLayout.JAVA_BYTE, base + i, byteAt(id, seq, i));
            }
            s.set(SEQ, base + 14, seq);
            batch.length(index, length);
        }

        private boolean check(final FrameBatch batch, final int index)
        {
            final MemorySegment s = batch.segment(index);
            final long base = batch.offset(index);
            final long seq = s.get(SEQ, base + 14);
            if (seq != received)
            {
                failure.set("expected frame " + received + ", got " + seq);
                return false;
            }
            if (batch.length(index) != lengthOf(seq))
            {
                failure.set("frame " + seq + " has length " + batch.length(index));
                return false;
            }
            for (int i = 0; i < batch.length(index); i++)
            {
                if ((i < 14 || i >= 22) && s.get(ValueLayout.JAVA_BYTE, base + i) != byteAt(peerId, seq, i))
                {
                    failure.set("frame " + seq + " differs at byte " + i);
                    return false;
                }
            }
            return true;
        }
    }
}
