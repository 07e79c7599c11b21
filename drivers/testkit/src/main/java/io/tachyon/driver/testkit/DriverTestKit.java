package io.tachyon.driver.testkit;

import io.tachyon.time.SystemClock;
import io.tachyon.driver.DriverCapabilities;
import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The contract every {@link PacketDriver} must keep, as JUnit 5 tests. A driver module reuses them with a tiny
 * subclass that passes a {@link DriverHarnessFactory}:
 * <pre>
 *   class AfXdpDriverTest extends DriverTestKit
 *   {
 *       AfXdpDriverTest()
 *       {
 *           super(VethHarness::new);
 *       }
 *   }
 * </pre>
 * Each test gets a fresh harness and uses queue 0. Cases that a driver cannot exercise (no TX back-pressure, no
 * transmit of received frames, an unbounded pool) are skipped with the reason, never passed silently.
 */
public abstract class DriverTestKit
{
    /** Wall-clock time for bounding waits on real threads (the injected clock's production implementation). */
    private static final SystemClock WALL_CLOCK = new SystemClock();

    /** The most buffers the pool-draining cases take before deciding the pool is not bounded. */
    private static final int POOL_LIMIT = 1 << 18;
    /** Frames a file harness gets for the burst-receive case, which must inject before open knows maxBurst. */
    private static final int FILE_BURST_FRAMES = 1025;

    private final DriverHarnessFactory factory;
    private DriverHarness harness;

    /**
     * A kit that tests the drivers the factory makes.
     *
     * @param factory makes one harness per test.
     */
    protected DriverTestKit(final DriverHarnessFactory factory)
    {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * Makes this test's harness.
     *
     * @throws Exception when the factory fails.
     */
    @BeforeEach
    public final void createHarness() throws Exception
    {
        harness = factory.create();
        assertEquals(DriverState.CREATED, harness.driver().state(), "the harness hands over a CREATED driver");
    }

    /**
     * Closes this test's harness.
     */
    @AfterEach
    public final void closeHarness()
    {
        if (harness != null)
        {
            harness.close();
            harness = null;
        }
    }

    /**
     * The harness of the running test, for subclasses that add their own cases.
     *
     * @return the harness.
     */
    protected final DriverHarness harness()
    {
        return harness;
    }

    // ------------------------------------------------------------------------------------------------------ cases

    /**
     * Capabilities are sane, queues exist with their ids, and nothing changes on start.
     */
    @Test
    public void shouldReportSaneCapabilities()
    {
        final PacketDriver driver = harness.driver();
        driver.open();
        final DriverCapabilities caps = driver.capabilities();
        assertTrue(caps.mtu() >= 68, "mtu=" + caps.mtu());
        assertTrue(caps.maxFrameLength() >= caps.mtu() + 14, "maxFrameLength=" + caps.maxFrameLength());
        assertTrue(caps.maxBurst() >= 1, "maxBurst=" + caps.maxBurst());
        assertTrue(caps.queueCount() >= 1, "queueCount=" + caps.queueCount());
        for (int id = 0; id < caps.queueCount(); id++)
        {
            final DriverQueue q = driver.queue(id);
            assertEquals(id, q.queueId());
            assertSame(q, driver.queue(id), "the same queue object for the same id");
        }
        driver.start();
        assertEquals(DriverState.STARTED, driver.state());
        assertEquals(caps, driver.capabilities(), "capabilities are fixed once open");
    }

    /**
     * A burst of up to maxBurst frames goes out; the peer sees them all, in order, byte-exact.
     */
    @Test
    public void shouldSendABurstInOrderByteExact()
    {
        final DriverQueue q = openAndStart(List.of());
        final DriverCapabilities caps = harness.driver().capabilities();
        final List<byte[]> frames = frames(0, Math.min(caps.maxBurst(), 1024), caps);
        final FrameBatch batch = new FrameBatch(frames.size());
        final int got = q.acquire(batch, frames.size());
        assertTrue(got >= 1 && got <= frames.size(), "acquire returned " + got);
        int next = 0;
        for (int i = 0; i < got; i++)
        {
            write(batch, i, frames.get(next++));
        }
        final int accepted = q.transmit(batch);
        assertTrue(accepted >= 0 && accepted <= got, "transmit returned " + accepted + " for " + got + " frames");
        assertEquals(got - accepted, batch.size(), "transmit removes exactly the accepted frames");
        next = sendAll(q, batch, frames, next);
        assertEquals(frames.size(), next);
        assertFrames(frames, harness.transmitted(frames.size()));
    }

    /**
     * More than maxBurst frames arrive; receive returns at most min(maxBurst, batch.remaining()) per call, appends
     * after the frames already in the batch, and yields every frame in order, byte-exact, on the right queue.
     */
    @Test
    public void shouldReceiveInBurstsWithinBurstAndBatchLimits()
    {
        final DriverQueue q;
        final List<byte[]> frames;
        if (harness.injectsLive())
        {
            q = openAndStart(List.of());
            final DriverCapabilities caps = harness.driver().capabilities();
            frames = frames(0, Math.min(3 * caps.maxBurst() + 1, 2048), caps);
            harness.inject(frames);
        }
        else
        {
            frames = frames(0, FILE_BURST_FRAMES, capabilitiesBeforeInjection());
            q = openAndStart(frames);
        }
        final int count = frames.size();
        final int maxBurst = harness.driver().capabilities().maxBurst();
        final FrameBatch batch = new FrameBatch(maxBurst + 3);
        final List<byte[]> received = new ArrayList<>();
        final long deadline = deadline();
        int round = 0;
        while (received.size() < count)
        {
            checkDeadline(deadline, "received " + received.size() + " of " + count + " frames");
            final int keep = round++ % batch.capacity();
            if (batch.size() > keep)
            {
                final int drop = batch.size() - keep;
                for (int i = 0; i < drop; i++)
                {
                    q.release(batch, i);
                }
                batch.removeFirst(drop);
            }
            final int before = batch.size();
            final int room = batch.remaining();
            final int n = q.receive(batch);
            assertTrue(n >= 0 && n <= maxBurst && n <= room,
                "receive returned " + n + " with maxBurst=" + maxBurst + " and batch.remaining()=" + room);
            assertEquals(before + n, batch.size(), "receive appends exactly the frames it reports");
            for (int i = before; i < before + n; i++)
            {
                assertEquals(q.queueId(), batch.queue(i), "queue id of frame " + received.size());
                received.add(read(batch, i));
            }
            if (n == 0)
            {
                harness.pump();
            }
        }
        q.releaseAll(batch);
        assertFrames(frames, received);
    }

    /**
     * Acquiring until the pool is dry returns fewer and then 0 buffers, never throws; released buffers come back.
     */
    @Test
    public void shouldRunDryOnAcquireAndRecoverAfterRelease()
    {
        if (!harness.hasBoundedPool())
        {
            abort("the driver's TX pool is not bounded (DriverHarness.hasBoundedPool() is false)");
        }
        final DriverQueue q = openAndStart(List.of());
        final int maxBurst = harness.driver().capabilities().maxBurst();
        final List<FrameBatch> lent = acquireAll(q, maxBurst);
        final int total = count(lent);
        assertTrue(total >= 1, "the pool lends at least one buffer");
        final FrameBatch more = new FrameBatch(Math.max(1, Math.min(maxBurst, 8)));
        assertEquals(0, q.acquire(more, more.capacity()), "acquire on a dry pool returns 0");
        for (final FrameBatch b : lent)
        {
            q.releaseAll(b);
        }
        final List<FrameBatch> again = acquireAll(q, maxBurst);
        assertEquals(total, count(again), "every released buffer can be acquired again");
        for (final FrameBatch b : again)
        {
            q.releaseAll(b);
        }
    }

    /**
     * Under back-pressure transmit accepts a prefix k &lt; n; frames [k, n) stay in the batch, in order, and can be
     * retransmitted or released; in total nothing is lost or duplicated.
     */
    @Test
    public void shouldKeepTheUnacceptedFramesOnPartialTransmit()
    {
        if (!harness.canStallTx())
        {
            abort(harness.cannotStallTxReason() + "; shouldKeepTheUnacceptedFramesWhenOfferedMoreThanMaxBurst covers"
                + " partial transmit without back-pressure");
        }
        final DriverQueue q = openAndStart(List.of());
        final DriverCapabilities caps = harness.driver().capabilities();
        final int burst = Math.min(caps.maxBurst(), 1024);
        harness.stallTx();
        final List<Integer> sent = new ArrayList<>();
        FrameBatch batch = null;
        int[] left = null;
        int next = 0;
        final long deadline = deadline();
        while (batch == null)
        {
            checkDeadline(deadline, "stallTx() did not make transmit refuse frames after " + next + " frames");
            if (next > POOL_LIMIT)
            {
                fail("stallTx() did not make transmit refuse frames after " + next + " frames");
            }
            final FrameBatch offer = new FrameBatch(burst);
            final int got = q.acquire(offer, burst);
            if (got == 0)
            {
                harness.pump();
                continue;
            }
            final int[] sequences = new int[got];
            for (int i = 0; i < got; i++)
            {
                sequences[i] = next++;
                write(offer, i, harness.frame(sequences[i], lengthFor(sequences[i], caps)));
            }
            final int[] refused = transmitOnce(q, offer, sequences, sent, caps);
            if (refused.length > 0)
            {
                batch = offer;
                left = refused;
            }
            else
            {
                harness.pump();
            }
        }
        left = releaseLast(q, batch, left);
        harness.unstallTx();
        retransmitAndCheckPeer(q, batch, left, sent, caps, deadline);
    }

    /**
     * Offered more than maxBurst frames in one call (acquired over several calls into one big batch), transmit
     * accepts a prefix {@code 0 <= k <= n}; frames [k, n) stay in the batch, in order, and can be retransmitted or
     * released; in total nothing is lost or duplicated. Needs no back-pressure, so it runs for drivers whose TX cannot
     * be stalled (a driver that caps each call at maxBurst accepts a strict prefix); a driver that accepts the whole
     * batch passes it trivially. Skipped only when the TX pool cannot lend more than maxBurst buffers at once.
     */
    @Test
    public void shouldKeepTheUnacceptedFramesWhenOfferedMoreThanMaxBurst()
    {
        final DriverQueue q = openAndStart(List.of());
        final DriverCapabilities caps = harness.driver().capabilities();
        final int wanted = caps.maxBurst() + Math.min(caps.maxBurst(), 1024) + 1;
        final FrameBatch batch = new FrameBatch(wanted);
        while (batch.size() < wanted)
        {
            if (q.acquire(batch, batch.remaining()) == 0)
            {
                break;
            }
        }
        final int n = batch.size();
        if (n <= caps.maxBurst())
        {
            q.releaseAll(batch);
            abort("the TX pool lent only " + n + " buffers at once, not more than maxBurst=" + caps.maxBurst());
        }
        final int[] sequences = new int[n];
        for (int i = 0; i < n; i++)
        {
            sequences[i] = i;
            write(batch, i, harness.frame(i, lengthFor(i, caps)));
        }
        final List<Integer> sent = new ArrayList<>();
        final int[] left = releaseLast(q, batch, transmitOnce(q, batch, sequences, sent, caps));
        retransmitAndCheckPeer(q, batch, left, sent, caps, deadline());
    }

    /**
     * Receiving and releasing many times more frames than the pool holds leaks nothing.
     */
    @Test
    public void shouldNotLeakWhenReleasingManyMoreFramesThanThePoolHolds()
    {
        final DriverCapabilities pre = capabilitiesBeforeInjection();
        final int count = Math.min(4 * Math.max(1, harness.poolFramesHint()), 1 << 16);
        final List<byte[]> frames = frames(0, count, pre);
        final boolean live = harness.injectsLive();
        final DriverQueue q = openAndStart(live ? List.of() : frames);
        final int maxBurst = harness.driver().capabilities().maxBurst();
        final int baseline = harness.hasBoundedPool() ? freeBuffers(q, maxBurst) : -1;
        final FrameBatch batch = new FrameBatch(maxBurst);
        final long deadline = deadline();
        int received = 0;
        while (received < count)
        {
            if (live)
            {
                harness.inject(frames.subList(received, Math.min(count, received + maxBurst)));
            }
            final int target = live ? Math.min(count, received + maxBurst) : count;
            while (received < target)
            {
                checkDeadline(deadline, "received " + received + " of " + count + " frames");
                final int n = q.receive(batch);
                for (int i = 0; i < n; i++)
                {
                    assertArrayEquals(frames.get(received), read(batch, i), "frame " + received);
                    received++;
                }
                q.releaseAll(batch);
                if (n == 0)
                {
                    harness.pump();
                }
            }
        }
        if (baseline >= 0)
        {
            assertEquals(baseline, freeBuffers(q, maxBurst), "free buffers after cycling " + count + " frames");
        }
    }

    /**
     * A received frame is modified and transmitted in place, where the driver allows it.
     */
    @Test
    public void shouldTransmitAReceivedFrameInPlace()
    {
        final DriverCapabilities pre = capabilitiesBeforeInjection();
        final byte[] original = harness.frame(7, Math.min(100, pre.maxFrameLength()));
        final DriverQueue q;
        if (harness.injectsLive())
        {
            q = openAndStart(List.of());
        }
        else
        {
            q = openAndStart(List.of(original));
        }
        if (!harness.driver().capabilities().txFromRxFrame())
        {
            abort("the driver cannot transmit a received frame in place (capabilities().txFromRxFrame() is false)");
        }
        if (harness.injectsLive())
        {
            harness.inject(List.of(original));
        }
        final FrameBatch batch = new FrameBatch(1);
        receiveAtLeast(q, batch, 1);
        assertArrayEquals(original, read(batch, 0));
        final byte[] echo = original.clone();
        for (int i = 0; i < 6; i++)
        {
            echo[i] = original[6 + i];
            echo[6 + i] = original[i];
        }
        echo[echo.length - 1] ^= (byte) 0xFF;
        write(batch, 0, echo);
        final long deadline = deadline();
        while (q.transmit(batch) == 0)
        {
            checkDeadline(deadline, "transmitting the received frame");
            harness.pump();
        }
        assertTrue(batch.isEmpty());
        assertFrames(List.of(echo), harness.transmitted(1));
    }

    /**
     * Closing with frames received but unreleased and acquired but unsent throws nothing; afterwards every call
     * except close() and state() fails with ILLEGAL_STATE; closing again is fine.
     */
    @Test
    public void shouldCloseWhileBusyAndRefuseEverythingAfterwards()
    {
        final List<byte[]> frames = frames(0, 4, capabilitiesBeforeInjection());
        final DriverQueue q = openAndStart(frames);
        final PacketDriver driver = harness.driver();
        final FrameBatch rx = new FrameBatch(4);
        receiveAtLeast(q, rx, 1);
        final FrameBatch tx = new FrameBatch(4);
        q.acquire(tx, 2);
        driver.close();
        assertEquals(DriverState.CLOSED, driver.state());
        final FrameBatch fresh = new FrameBatch(4);
        assertIllegalState(driver::capabilities, "capabilities()");
        assertIllegalState(() -> driver.queue(0), "queue(0)");
        assertIllegalState(driver::open, "open()");
        assertIllegalState(driver::start, "start()");
        assertIllegalState(() -> q.receive(fresh), "receive");
        assertIllegalState(() -> q.acquire(fresh, 1), "acquire");
        assertIllegalState(() -> q.release(rx, 0), "release of a received frame");
        if (!tx.isEmpty())
        {
            tx.length(0, 60);
            assertIllegalState(() -> q.transmit(tx), "transmit of an acquired frame");
            assertIllegalState(() -> q.release(tx, 0), "release of an acquired frame");
        }
        driver.close();
        assertEquals(DriverState.CLOSED, driver.state());
    }

    /**
     * Releasing a frame twice is refused, naming the handle.
     */
    @Test
    public void shouldRejectReleasingAFrameTwice()
    {
        final DriverQueue q = openAndStart(List.of());
        final FrameBatch batch = new FrameBatch(1);
        assertEquals(1, acquireExactly(q, batch, 1));
        final long handle = batch.handle(0);
        q.release(batch, 0);
        assertBadArgument(() -> q.release(batch, 0), DriverException.Reason.BAD_ARGUMENT, handle);
    }

    /**
     * A handle the driver never lent out is refused by release and by transmit, naming the handle.
     */
    @Test
    public void shouldRejectAForgedHandle()
    {
        final DriverQueue q = openAndStart(List.of());
        final long forged = harness.forgedHandle();
        final int capacity = harness.driver().capabilities().maxFrameLength();
        final FrameBatch batch = new FrameBatch(1);
        batch.add(MemorySegment.ofArray(new byte[capacity]), 0L, 60, capacity, forged, q.queueId(),
            FrameBatch.NO_TIMESTAMP, 0);
        assertBadArgument(() -> q.release(batch, 0), DriverException.Reason.BAD_ARGUMENT, forged);
        assertBadArgument(() -> q.transmit(batch), DriverException.Reason.BAD_ARGUMENT, forged);
        assertEquals(1, batch.size(), "a refused transmit leaves the batch alone");
    }

    /**
     * Lengths 0, 13 and maxFrameLength + 1 are refused on transmit, naming the length, and nothing is sent: not
     * even the good frame before the bad one.
     */
    @Test
    public void shouldRejectBadTransmitLengthsAndSendNothing()
    {
        final DriverQueue q = openAndStart(List.of());
        final DriverCapabilities caps = harness.driver().capabilities();
        final FrameBatch batch = new FrameBatch(2);
        assertEquals(2, acquireExactly(q, batch, 2));
        final byte[] good = harness.frame(1, 60);
        final byte[] second = harness.frame(2, 64);
        write(batch, 0, good);
        write(batch, 1, second);
        final List<Integer> bad = new ArrayList<>(List.of(0, 13));
        if (batch.capacity(1) > caps.maxFrameLength())
        {
            bad.add(caps.maxFrameLength() + 1);
        }
        for (final int length : bad)
        {
            batch.length(1, length);
            assertBadArgument(() -> q.transmit(batch), DriverException.Reason.BAD_ARGUMENT, length);
            assertEquals(2, batch.size(), "nothing was accepted");
        }
        write(batch, 1, second);
        sendAll(q, batch, List.of(), 0);
        assertFrames(List.of(good, second), harness.transmitted(2));
    }

    /**
     * Acquire counts below 0 or above batch.remaining() are refused, naming the count.
     */
    @Test
    public void shouldRejectAcquireCountsOutOfRange()
    {
        final DriverQueue q = openAndStart(List.of());
        final FrameBatch batch = new FrameBatch(4);
        assertBadArgument(() -> q.acquire(batch, -1), DriverException.Reason.BAD_ARGUMENT, -1L);
        assertBadArgument(() -> q.acquire(batch, 5), DriverException.Reason.BAD_ARGUMENT, 5L);
        assertEquals(1, acquireExactly(q, batch, 1));
        assertBadArgument(() -> q.acquire(batch, 4), DriverException.Reason.BAD_ARGUMENT, 4L);
        assertEquals(1, batch.size(), "a refused acquire adds nothing");
        q.releaseAll(batch);
    }

    /**
     * Queue ids -1 and queueCount are refused with QUEUE_MISMATCH, naming the id.
     */
    @Test
    public void shouldRejectQueueIdsOutOfRange()
    {
        final PacketDriver driver = harness.driver();
        driver.open();
        final int count = driver.capabilities().queueCount();
        assertBadArgument(() -> driver.queue(-1), DriverException.Reason.QUEUE_MISMATCH, -1L);
        assertBadArgument(() -> driver.queue(count), DriverException.Reason.QUEUE_MISMATCH, count);
    }

    /**
     * Calls before open, and data-path calls before start, fail with ILLEGAL_STATE naming the state.
     */
    @Test
    public void shouldRejectCallsBeforeOpenAndStart()
    {
        final PacketDriver driver = harness.driver();
        assertIllegalState(driver::capabilities, "capabilities() before open");
        assertIllegalState(() -> driver.queue(0), "queue(0) before open");
        assertIllegalState(driver::start, "start() before open");
        driver.open();
        assertIllegalState(driver::open, "open() twice");
        final DriverQueue q = driver.queue(0);
        final FrameBatch batch = new FrameBatch(2);
        assertIllegalState(() -> q.receive(batch), "receive before start");
        assertIllegalState(() -> q.acquire(batch, 1), "acquire before start");
        assertIllegalState(() -> q.transmit(batch), "transmit before start");
        driver.start();
        assertIllegalState(driver::start, "start() twice");
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /**
     * Opens and starts the driver, injecting {@code toReceive} before open or after start as the harness requires.
     */
    private DriverQueue openAndStart(final List<byte[]> toReceive)
    {
        final PacketDriver driver = harness.driver();
        if (!harness.injectsLive() && !toReceive.isEmpty())
        {
            harness.inject(toReceive);
        }
        driver.open();
        driver.start();
        if (harness.injectsLive() && !toReceive.isEmpty())
        {
            harness.inject(toReceive);
        }
        return driver.queue(0);
    }

    /**
     * The capabilities a test needs to build frames before injecting them: a file harness must inject before open,
     * so this opens nothing and assumes an Ethernet MTU of 1500 (frames of 60 to 1514 bytes) and bursts of 32.
     */
    private DriverCapabilities capabilitiesBeforeInjection()
    {
        final PacketDriver driver = harness.driver();
        if (driver.state() == DriverState.OPEN || driver.state() == DriverState.STARTED)
        {
            return driver.capabilities();
        }
        return new DriverCapabilities(1500, 1514, 32, 1, false, false, false, false, false);
    }

    private List<byte[]> frames(final int first, final int count, final DriverCapabilities caps)
    {
        final List<byte[]> out = new ArrayList<>(count);
        for (int s = first; s < first + count; s++)
        {
            out.add(harness.frame(s, lengthFor(s, caps)));
        }
        return out;
    }

    /**
     * Offers {@code batch} once and checks the prefix contract: transmit returns {@code 0 <= k <= n} and leaves
     * exactly frames [k, n) in the batch, in order, with their handles and bytes.
     *
     * @param sequences the sequence numbers of the frames in the batch, in order.
     * @param sent      where the accepted frames' sequence numbers are appended.
     * @return the sequence numbers of the frames left in the batch.
     */
    private int[] transmitOnce(
        final DriverQueue q,
        final FrameBatch batch,
        final int[] sequences,
        final List<Integer> sent,
        final DriverCapabilities caps)
    {
        final int n = batch.size();
        assertEquals(sequences.length, n, "the batch holds the frames offered");
        final long[] handles = new long[n];
        for (int i = 0; i < n; i++)
        {
            handles[i] = batch.handle(i);
        }
        final int k = q.transmit(batch);
        assertTrue(k >= 0 && k <= n, "transmit returned " + k + " for " + n + " frames");
        assertEquals(n - k, batch.size(), "transmit removes exactly the accepted frames [0, k)");
        for (int i = 0; i < k; i++)
        {
            sent.add(sequences[i]);
        }
        for (int i = 0; i < n - k; i++)
        {
            assertEquals(handles[k + i], batch.handle(i), "unaccepted frame " + (k + i) + " keeps its place");
            assertArrayEquals(harness.frame(sequences[k + i], lengthFor(sequences[k + i], caps)), read(batch, i),
                "unaccepted frame " + (k + i) + " keeps its bytes");
        }
        return Arrays.copyOfRange(sequences, k, n);
    }

    /** Releases the last unaccepted frame when two or more are left; returns the sequence numbers still held. */
    private static int[] releaseLast(final DriverQueue q, final FrameBatch batch, final int[] left)
    {
        if (left.length < 2)
        {
            return left;
        }
        final int last = left.length - 1;
        q.release(batch, last);
        batch.remove(last);
        return Arrays.copyOf(left, last);
    }

    /**
     * Retransmits the frames left in {@code batch} until all are accepted (checking the prefix contract on every
     * call), then checks that the peer saw exactly the accepted frames, in order: nothing lost, nothing duplicated,
     * nothing released sent.
     */
    private void retransmitAndCheckPeer(
        final DriverQueue q,
        final FrameBatch batch,
        final int[] left,
        final List<Integer> sent,
        final DriverCapabilities caps,
        final long deadline)
    {
        int[] remaining = left;
        while (remaining.length > 0)
        {
            checkDeadline(deadline, "retransmitting " + remaining.length + " unaccepted frames");
            final int before = remaining.length;
            remaining = transmitOnce(q, batch, remaining, sent, caps);
            if (remaining.length == before)
            {
                harness.pump();
            }
        }
        final List<byte[]> expected = new ArrayList<>();
        for (final int s : sent)
        {
            expected.add(harness.frame(s, lengthFor(s, caps)));
        }
        assertFrames(expected, harness.transmitted(expected.size()));
    }

    /** Lengths from 60 to mtu + 14 (an untagged full-size frame), varying with the sequence number. */
    private static int lengthFor(final int sequence, final DriverCapabilities caps)
    {
        final int span = caps.mtu() + 14 - 60 + 1;
        return 60 + Math.floorMod(sequence * 97, span);
    }

    /**
     * Fills the rest of {@code frames} (from {@code next}) into acquired buffers and transmits until the batch and
     * the list are both done.
     *
     * @return the index after the last frame put in a buffer.
     */
    private int sendAll(final DriverQueue q, final FrameBatch batch, final List<byte[]> frames, final int first)
    {
        int next = first;
        final long deadline = deadline();
        while (next < frames.size() || !batch.isEmpty())
        {
            checkDeadline(deadline, "sent " + next + " of " + frames.size() + " frames");
            final int want = Math.min(batch.remaining(), frames.size() - next);
            if (want > 0)
            {
                final int start = batch.size();
                final int got = q.acquire(batch, want);
                for (int i = start; i < start + got; i++)
                {
                    write(batch, i, frames.get(next++));
                }
            }
            final int accepted = batch.isEmpty() ? 0 : q.transmit(batch);
            if (accepted == 0)
            {
                harness.pump();
            }
        }
        return next;
    }

    private int acquireExactly(final DriverQueue q, final FrameBatch batch, final int count)
    {
        final long deadline = deadline();
        int got = 0;
        while (got < count)
        {
            checkDeadline(deadline, "acquired " + got + " of " + count + " buffers");
            final int n = q.acquire(batch, count - got);
            got += n;
            if (n == 0)
            {
                harness.pump();
            }
        }
        return got;
    }

    private void receiveAtLeast(final DriverQueue q, final FrameBatch batch, final int count)
    {
        final long deadline = deadline();
        while (batch.size() < count)
        {
            checkDeadline(deadline, "received " + batch.size() + " of " + count + " frames");
            if (q.receive(batch) == 0)
            {
                harness.pump();
            }
        }
    }

    /** Acquires until acquire returns 0, in batches of {@code burst}. */
    private static List<FrameBatch> acquireAll(final DriverQueue q, final int burst)
    {
        final List<FrameBatch> lent = new ArrayList<>();
        int total = 0;
        while (true)
        {
            final FrameBatch b = new FrameBatch(Math.min(burst, 4096));
            final int n = q.acquire(b, b.capacity());
            assertTrue(n >= 0 && n <= b.capacity(), "acquire returned " + n);
            if (n == 0)
            {
                return lent;
            }
            lent.add(b);
            total += n;
            if (total > POOL_LIMIT)
            {
                fail("acquire lent more than " + POOL_LIMIT
                    + " buffers; if the pool is unbounded, make DriverHarness.hasBoundedPool() return false");
            }
        }
    }

    private static int count(final List<FrameBatch> batches)
    {
        int total = 0;
        for (final FrameBatch b : batches)
        {
            total += b.size();
        }
        return total;
    }

    private static int freeBuffers(final DriverQueue q, final int burst)
    {
        final List<FrameBatch> lent = acquireAll(q, burst);
        final int total = count(lent);
        for (final FrameBatch b : lent)
        {
            q.releaseAll(b);
        }
        return total;
    }

    private static void write(final FrameBatch batch, final int index, final byte[] frame)
    {
        MemorySegment.copy(MemorySegment.ofArray(frame), 0L, batch.segment(index), batch.offset(index), frame.length);
        batch.length(index, frame.length);
    }

    private static byte[] read(final FrameBatch batch, final int index)
    {
        final byte[] out = new byte[batch.length(index)];
        MemorySegment.copy(batch.segment(index), batch.offset(index), MemorySegment.ofArray(out), 0L, out.length);
        return out;
    }

    private static void assertFrames(final List<byte[]> expected, final List<byte[]> actual)
    {
        assertEquals(expected.size(), actual.size(), "frame count");
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), "frame " + i);
        }
    }

    private void assertIllegalState(final Executable call, final String what)
    {
        final DriverException e = assertThrows(DriverException.class, call, what);
        assertEquals(DriverException.Reason.ILLEGAL_STATE, e.reason(), what + ": " + e.getMessage());
        final String state = harness.driver().state().name();
        assertTrue(e.getMessage().contains(state), what + ": the message names the state " + state + ": "
            + e.getMessage());
    }

    private static void assertBadArgument(final Executable call, final DriverException.Reason reason, final long value)
    {
        final DriverException e = assertThrows(DriverException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
        final String message = e.getMessage().toLowerCase(Locale.ROOT);
        assertTrue(message.contains(Long.toString(value)) || message.contains(Long.toHexString(value)),
            "the message names " + value + ": " + e.getMessage());
    }

    private long deadline()
    {
        return WALL_CLOCK.nanoTime() + harness.pollTimeout().toNanos();
    }

    private static void checkDeadline(final long deadlineNs, final String progress)
    {
        if (WALL_CLOCK.nanoTime() - deadlineNs > 0L)
        {
            fail("timed out: " + progress);
        }
    }
}
