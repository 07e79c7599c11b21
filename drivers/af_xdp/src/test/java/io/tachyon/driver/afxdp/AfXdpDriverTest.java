package io.tachyon.driver.afxdp;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.time.SystemClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AF_XDP specifics on a veth pair (both ends in the root namespace): the copy-mode fallback, attach and detach by
 * both methods and both modes, busy polling, and errors that name their cause. Needs root.
 */
@Tag("privileged")
class AfXdpDriverTest
{
    private static final SystemClock WALL_CLOCK = new SystemClock();
    private static VethPair pair;

    @BeforeAll
    static void createPair()
    {
        Privileged.require();
        pair = VethPair.create(false);
    }

    @AfterAll
    static void deletePair()
    {
        if (pair != null)
        {
            pair.close();
        }
    }

    private static String xdpOf(final String ifName)
    {
        final String out = Sh.check("ip", "-d", "link", "show", "dev", ifName);
        return out.contains("prog/xdp") || out.contains(" xdp") ? out : "";
    }

    private static AfXdpConfig.Builder small(final String ifName)
    {
        return AfXdpConfig.builder(ifName).frames(64, 64).ringSize(64).maxBurst(16);
    }

    /** Sends one frame from {@code from} and waits until {@code to} receives it. */
    private static void exchange(final AfXdpDriver from, final AfXdpDriver to)
    {
        exchange(from, to, 0);
    }

    /** Sends one frame from queue {@code queue} of {@code from} and waits until the same queue of {@code to} has it. */
    private static void exchange(final AfXdpDriver from, final AfXdpDriver to, final int queue)
    {
        final DriverQueue tx = from.queue(queue);
        final DriverQueue rx = to.queue(queue);
        final FrameBatch batch = new FrameBatch(16);
        assertEquals(1, tx.acquire(batch, 1));
        final byte[] frame = new byte[60];
        frame[12] = (byte) 0x88;
        frame[13] = (byte) 0xB5;
        frame[20] = 42;
        MemorySegment.copy(MemorySegment.ofArray(frame), 0L, batch.segment(0), batch.offset(0), frame.length);
        batch.length(0, frame.length);
        assertEquals(1, tx.transmit(batch));
        final long deadline = WALL_CLOCK.nanoTime() + 5_000_000_000L;
        while (batch.isEmpty() && WALL_CLOCK.nanoTime() - deadline < 0L)
        {
            rx.receive(batch);
        }
        assertFalse(batch.isEmpty(), "the frame arrived");
        assertEquals(60, batch.length(0));
        assertEquals(queue, batch.queue(0));
        assertEquals(42, batch.segment(0).get(java.lang.foreign.ValueLayout.JAVA_BYTE, batch.offset(0) + 20));
        rx.releaseAll(batch);
    }

    @Test
    void shouldFallBackToCopyModeOnVethAndSayWhy()
    {
        try (AfXdpDriver driver = new AfXdpDriver(small(pair.a).build()))
        {
            driver.open();
            assertFalse(driver.capabilities().zeroCopy());
            assertTrue(driver.modeDescription().startsWith("copy"), driver.modeDescription());
            assertTrue(driver.modeDescription().contains("fell back to copy mode"), driver.modeDescription());
            assertTrue(driver.modeDescription().contains("EOPNOTSUPP"), driver.modeDescription());
        }
    }

    private static long count(final java.util.stream.Stream<String> lines, final String needle)
    {
        try (lines)
        {
            return lines.filter(l -> l.contains(needle)).count();
        }
    }

    private static long openFds() throws java.io.IOException
    {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of(
            "/proc/self/fd")))
        {
            return fds.count();
        }
    }

    private static long socketMappings() throws java.io.IOException
    {
        return count(java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/maps")), "socket:[");
    }

    @Test
    void shouldReleaseEveryFdAndMappingOnClose() throws java.io.IOException
    {
        final long fdsBefore = openFds();
        final long mapsBefore = socketMappings();
        for (int i = 0; i < 3; i++)
        {
            try (AfXdpDriver a = new AfXdpDriver(small(pair.a).build());
                AfXdpDriver b = new AfXdpDriver(small(pair.b).build()))
            {
                a.open();
                b.open();
                assertTrue(openFds() >= fdsBefore + 8, "each driver holds a map, a program, a link and a socket");
                assertEquals(mapsBefore + 8, socketMappings(), "each driver maps four rings");
                a.start();
                b.start();
                exchange(a, b);
            }
            assertEquals(fdsBefore, openFds(), "round " + i + ": every fd is closed");
            assertEquals(mapsBefore, socketMappings(), "round " + i + ": every ring is unmapped");
        }
    }

    @Test
    void shouldLetAPollerSeeIllegalStateWhenClosedUnderneath() throws InterruptedException
    {
        final AfXdpDriver driver = new AfXdpDriver(small(pair.a).build());
        driver.open();
        driver.start();
        final DriverQueue q = driver.queue(0);
        final java.util.concurrent.atomic.AtomicLong loops = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
            new java.util.concurrent.atomic.AtomicReference<>();
        final Thread poller = new Thread(() ->
        {
            final FrameBatch batch = new FrameBatch(16);
            try
            {
                while (true)
                {
                    q.receive(batch);
                    q.releaseAll(batch);
                    if (q.acquire(batch, 4) > 0)
                    {
                        q.releaseAll(batch);
                    }
                    loops.incrementAndGet();
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        }, "poller");
        poller.start();
        final long deadline = WALL_CLOCK.nanoTime() + 5_000_000_000L;
        while (loops.get() < 10_000 && WALL_CLOCK.nanoTime() - deadline < 0L)
        {
            Thread.onSpinWait();
        }
        driver.close();
        poller.join(5_000L);
        assertFalse(poller.isAlive(), "the poller stopped");
        assertTrue(failure.get() instanceof DriverException, String.valueOf(failure.get()));
        assertEquals(DriverException.Reason.ILLEGAL_STATE, ((DriverException) failure.get()).reason());
        assertEquals("", xdpOf(pair.a));
    }

    /** One round: A acquires, fills and transmits a burst; B receives it and releases it. Returns frames moved. */
    private static int round(final DriverQueue tx, final DriverQueue rx, final FrameBatch txBatch,
        final FrameBatch rxBatch)
    {
        final int got = tx.acquire(txBatch, txBatch.remaining());
        for (int i = 0; i < got; i++)
        {
            txBatch.segment(i).set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, txBatch.offset(i) + 12,
                (short) 0xB588);
            txBatch.length(i, 64);
        }
        while (!txBatch.isEmpty())
        {
            if (tx.transmit(txBatch) == 0)
            {
                rx.receive(rxBatch);
                rx.releaseAll(rxBatch);
            }
        }
        int moved = 0;
        for (int spins = 0; moved < got && spins < 1_000_000; spins++)
        {
            final int n = rx.receive(rxBatch);
            moved += n;
            rx.releaseAll(rxBatch);
        }
        return moved;
    }

    @Test
    void shouldNotAllocateOnTheDataPathInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (AfXdpDriver a = new AfXdpDriver(small(pair.a).build());
            AfXdpDriver b = new AfXdpDriver(small(pair.b).build()))
        {
            a.open();
            b.open();
            a.start();
            b.start();
            final DriverQueue tx = a.queue(0);
            final DriverQueue rx = b.queue(0);
            final FrameBatch txBatch = new FrameBatch(16);
            final FrameBatch rxBatch = new FrameBatch(16);
            for (int i = 0; i < 20_000; i++)
            {
                round(tx, rx, txBatch, rxBatch); // warm up: the JIT compiles the data path
            }
            final long thread = Thread.currentThread().threadId();
            final long before = threads.getThreadAllocatedBytes(thread);
            long moved = 0;
            for (int i = 0; i < 5_000; i++)
            {
                moved += round(tx, rx, txBatch, rxBatch);
            }
            final long allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertTrue(moved > 10_000, "frames moved: " + moved);
            assertTrue(allocated < 4_096, allocated + " bytes allocated while moving " + moved + " frames");
        }
    }

    @Test
    void shouldRunOneSocketPerQueue()
    {
        try (VethPair two = VethPair.create(false, 2);
            AfXdpDriver a = new AfXdpDriver(small(two.a).queues(0, 2).xdpMode(AfXdpConfig.XdpMode.NATIVE).build());
            AfXdpDriver b = new AfXdpDriver(small(two.b).queues(0, 2).build()))
        {
            a.open();
            b.open();
            assertEquals(2, a.capabilities().queueCount());
            a.start();
            b.start();
            for (int q = 1; q >= 0; q--)
            {
                exchange(a, b, q);
                exchange(b, a, q);
            }
            final DriverException e = assertThrows(DriverException.class, () -> a.queue(2));
            assertEquals(DriverException.Reason.QUEUE_MISMATCH, e.reason());
        }
    }

    @Test
    void shouldNameTheMissingCapability() throws InterruptedException
    {
        final AfXdpDriver noBpf = new AfXdpDriver(small(pair.a).build());
        final Throwable bpf = ThreadCapabilities.runWithout(noBpf::open, ThreadCapabilities.CAP_BPF,
            ThreadCapabilities.CAP_SYS_ADMIN);
        assertTrue(bpf instanceof DriverException, String.valueOf(bpf));
        assertEquals(DriverException.Reason.PERMISSION_DENIED, ((DriverException) bpf).reason(), bpf.getMessage());
        assertTrue(bpf.getMessage().contains("CAP_BPF"), bpf.getMessage());
        noBpf.close();

        final AfXdpDriver noRaw = new AfXdpDriver(small(pair.a).build());
        final Throwable raw = ThreadCapabilities.runWithout(noRaw::open, ThreadCapabilities.CAP_NET_RAW);
        assertTrue(raw instanceof DriverException, String.valueOf(raw));
        assertEquals(DriverException.Reason.PERMISSION_DENIED, ((DriverException) raw).reason(), raw.getMessage());
        assertTrue(raw.getMessage().contains("CAP_NET_RAW"), raw.getMessage());
        noRaw.close();
        assertEquals("", xdpOf(pair.a), "a failed open leaves no program behind");
    }

    @Test
    void shouldRefuseZeroCopyOnVethNamingTheCause()
    {
        try (AfXdpDriver driver = new AfXdpDriver(small(pair.a).bindMode(AfXdpConfig.BindMode.ZERO_COPY).build()))
        {
            final DriverException e = assertThrows(DriverException.class, driver::open);
            assertEquals(DriverException.Reason.NOT_AVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("zero-copy") && e.getMessage().contains("EOPNOTSUPP"), e.getMessage());
        }
        assertEquals("", xdpOf(pair.a), "a failed open leaves no program behind");
    }

    @Test
    void shouldDetachTheBpfLinkOnClose()
    {
        try (AfXdpDriver driver = new AfXdpDriver(small(pair.a).build()))
        {
            driver.open();
            assertFalse(xdpOf(pair.a).isEmpty(), "a program is attached while open");
        }
        assertEquals("", xdpOf(pair.a), "close detaches the program");
    }

    @Test
    void shouldAttachWithNetlinkInEitherModeAndDetachOnClose()
    {
        for (final AfXdpConfig.XdpMode mode : new AfXdpConfig.XdpMode[] {AfXdpConfig.XdpMode.NATIVE,
            AfXdpConfig.XdpMode.GENERIC})
        {
            try (AfXdpDriver a = new AfXdpDriver(small(pair.a).attachMethod(AfXdpConfig.AttachMethod.NETLINK)
                .xdpMode(mode).build());
                AfXdpDriver b = new AfXdpDriver(small(pair.b).build()))
            {
                a.open();
                b.open();
                final String shown = xdpOf(pair.a);
                assertTrue(shown.contains(mode == AfXdpConfig.XdpMode.NATIVE ? "xdp " : "xdpgeneric"),
                    mode + ": " + shown);
                a.start();
                b.start();
                exchange(a, b);
                exchange(b, a);
            }
            assertEquals("", xdpOf(pair.a), mode + ": close detaches the netlink-attached program");
        }
    }

    @Test
    void shouldExchangeFramesWithAGenericModeLinkAndBusyPolling()
    {
        try (AfXdpDriver a = new AfXdpDriver(small(pair.a).xdpMode(AfXdpConfig.XdpMode.GENERIC).busyPoll(20, 16)
            .needWakeup(false).build());
            AfXdpDriver b = new AfXdpDriver(small(pair.b).frame(4096, 128).build()))
        {
            a.open();
            b.open();
            a.start();
            b.start();
            for (int i = 0; i < 3; i++)
            {
                exchange(a, b);
                exchange(b, a);
            }
            final XdpStatistics stats = a.statistics(0);
            assertEquals(0L, stats.rxInvalidDescs(), stats.toString());
            assertEquals(0L, stats.txInvalidDescs(), stats.toString());
        }
    }

    @Test
    void shouldReportBusyWhenTheInterfaceAlreadyHasAProgram()
    {
        try (AfXdpDriver first = new AfXdpDriver(small(pair.a).build()))
        {
            first.open();
            // a second driver on another queue would need another queue; the same queue is held by the first
            // socket, so bind reports EBUSY after its retries
            try (AfXdpDriver second = new AfXdpDriver(small(pair.a).name("second").build()))
            {
                final DriverException e = assertThrows(DriverException.class, second::open);
                assertEquals(DriverException.Reason.BUSY, e.reason(), e.getMessage());
            }
            assertFalse(xdpOf(pair.a).isEmpty(), "the first driver's program is still attached");
        }
    }

    @Test
    void shouldNameAQueueTheDeviceLacks()
    {
        try (AfXdpDriver driver = new AfXdpDriver(small(pair.a).queues(1, 1).build()))
        {
            final DriverException e = assertThrows(DriverException.class, driver::open);
            assertEquals(DriverException.Reason.QUEUE_MISMATCH, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("1 RX queue"), e.getMessage());
        }
    }

    @Test
    void shouldNameAnMtuTooLargeForTheChunk()
    {
        Sh.check("ip", "link", "set", "dev", pair.a, "mtu", "3000");
        try (AfXdpDriver driver = new AfXdpDriver(small(pair.a).build()))
        {
            final DriverException e = assertThrows(DriverException.class, driver::open);
            assertEquals(DriverException.Reason.MTU_TOO_LARGE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("3000"), e.getMessage());
        }
        finally
        {
            Sh.check("ip", "link", "set", "dev", pair.a, "mtu", "1500");
        }
    }

    @Test
    void shouldNameTheCauseWhenNativeXdpRefusesThePeerMtu()
    {
        Sh.check("ip", "link", "set", "dev", pair.b, "mtu", "4000");
        try (AfXdpDriver driver = new AfXdpDriver(small(pair.a).xdpMode(AfXdpConfig.XdpMode.NATIVE).build()))
        {
            final DriverException e = assertThrows(DriverException.class, driver::open);
            assertEquals(DriverException.Reason.MTU_TOO_LARGE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("ERANGE"), e.getMessage());
        }
        finally
        {
            Sh.check("ip", "link", "set", "dev", pair.b, "mtu", "1500");
        }
        assertEquals("", xdpOf(pair.a), "a failed open leaves no program behind");
    }
}
