package io.tachyon.driver.afxdp;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverLifecycle;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One AF_XDP socket bound to one device queue, with its own UMEM and its four rings: the data path of an
 * {@link AfXdpDriver}.
 * <p>
 * Memory: the UMEM is {@code rxFrames + txFrames} chunks of {@code frameSize} bytes, mmap'd anonymous and populated.
 * Chunks {@code [0, rxFrames)} are the RX pool: each is on the FILL ring (the kernel's), lent to the caller after
 * {@code receive}, or free waiting to go back on the FILL ring. Chunks {@code [rxFrames, rxFrames + txFrames)} are
 * the TX pool: free, lent after {@code acquire}, or on the TX ring until the COMPLETION ring returns them. A
 * received frame may be transmitted in place; its completion returns it to the RX pool. A frame's handle is its
 * chunk's UMEM address; its offset in the UMEM segment is where the Ethernet header starts (chunk + 256 + headroom).
 * <p>
 * The UMEM and the rings are mapped into a shared arena: {@link #close()} from another thread waits for an access in
 * progress and later accesses fail with {@link IllegalStateException}, turned into
 * {@link DriverException.Reason#ILLEGAL_STATE}, never a crash.
 */
final class AfXdpQueue implements DriverQueue
{
    private static final byte FREE = 0;
    private static final byte KERNEL = 1;
    private static final byte LENT = 2;
    private static final byte CHECKING = 4;
    private static final int MIN_FRAME = 14;
    private static final int BIND_RETRIES = 100;
    private static final long BIND_RETRY_PAUSE_NS = 10_000_000L;
    private static final int KICK_RETRIES = 8;

    private final AfXdpDriver driver;
    private final DriverLifecycle lifecycle;
    private final String name;
    private final int queueId;
    private final int deviceQueue;
    private final int frameSize;
    private final long frameMask;
    private final int frameOffset;
    private final int rxFrames;
    private final int totalFrames;
    private final int maxBurst;
    private final boolean needWakeup;
    private final boolean busyPoll;
    private final byte[] state;
    private final int[] rxFree;
    private final int[] txFree;
    private int rxFreeCount;
    private int txFreeCount;
    private int maxFrameLength;

    private final Arena arena;
    private final MemorySegment errno;
    private int fd = -1;
    private MemorySegment umem;
    private XskRing fill;
    private XskRing completion;
    private XskRing rx;
    private XskRing tx;
    private boolean zeroCopy;
    private String bindNote = "";

    private long rxCount;
    private long txCount;
    private long kicks;
    private long kickErrors;

    AfXdpQueue(final AfXdpDriver driver, final DriverLifecycle lifecycle, final AfXdpConfig config,
        final int queueId, final int ifindex)
    {
        this.driver = driver;
        this.lifecycle = lifecycle;
        this.queueId = queueId;
        this.deviceQueue = config.firstQueue() + queueId;
        this.name = config.name() + "#" + deviceQueue;
        frameSize = config.frameSize();
        frameMask = ~((long) frameSize - 1L);
        frameOffset = XdpAbi.XDP_PACKET_HEADROOM + config.headroom();
        rxFrames = config.rxFrames();
        totalFrames = config.rxFrames() + config.txFrames();
        maxBurst = config.maxBurst();
        needWakeup = config.needWakeup();
        busyPoll = config.busyPollMicros() > 0;
        state = new byte[totalFrames];
        rxFree = new int[rxFrames];
        txFree = new int[config.txFrames()];
        arena = Arena.ofShared();
        // not in the shared arena: a downcall in progress on the data path must not keep close() from unmapping
        errno = Native.newErrnoSlot(Arena.ofAuto());
        try
        {
            setUp(config, ifindex);
        }
        catch (final RuntimeException e)
        {
            close();
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------------- set-up

    @SuppressWarnings("restricted")
    private void setUp(final AfXdpConfig config, final int ifindex)
    {
        fd = Native.socket(errno, XdpAbi.AF_XDP, XdpAbi.SOCK_RAW | XdpAbi.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            final int e = Native.errno(errno);
            if (e == Native.EPERM || e == Native.EACCES)
            {
                throw new DriverException(DriverException.Reason.PERMISSION_DENIED, name
                    + ": socket(AF_XDP) failed with " + Native.errnoName(e) + ": needs CAP_NET_RAW (run as root)");
            }
            if (e == Native.EAFNOSUPPORT)
            {
                throw new DriverException(DriverException.Reason.NOT_AVAILABLE, name
                    + ": socket(AF_XDP) failed with " + Native.errnoName(e) + ": the kernel has no AF_XDP"
                    + " (CONFIG_XDP_SOCKETS)");
            }
            throw ioError("socket(AF_XDP)", e);
        }
        final long umemBytes = (long) totalFrames * frameSize;
        final long address = Native.mmap(errno, umemBytes, XdpAbi.PROT_READ | XdpAbi.PROT_WRITE,
            XdpAbi.MAP_PRIVATE | XdpAbi.MAP_ANONYMOUS | XdpAbi.MAP_POPULATE, -1, 0L);
        if (address == Native.MAP_FAILED)
        {
            throw new DriverException(DriverException.Reason.NOT_AVAILABLE, name + ": mmap of a " + umemBytes
                + "-byte UMEM failed with " + Native.errnoName(Native.errno(errno)));
        }
        umem = MemorySegment.ofAddress(address).reinterpret(umemBytes, arena, s -> Native.munmap(address, umemBytes));
        try (Arena scratch = Arena.ofConfined())
        {
            final MemorySegment reg = scratch.allocate(XdpAbi.XDP_UMEM_REG_LAYOUT);
            reg.set(JAVA_LONG, XdpAbi.offset(XdpAbi.XDP_UMEM_REG_LAYOUT, "addr"), address);
            reg.set(JAVA_LONG, XdpAbi.offset(XdpAbi.XDP_UMEM_REG_LAYOUT, "len"), umemBytes);
            reg.set(JAVA_INT, XdpAbi.offset(XdpAbi.XDP_UMEM_REG_LAYOUT, "chunk_size"), frameSize);
            reg.set(JAVA_INT, XdpAbi.offset(XdpAbi.XDP_UMEM_REG_LAYOUT, "headroom"), config.headroom());
            if (Native.setsockopt(errno, fd, XdpAbi.SOL_XDP, XdpAbi.XDP_UMEM_REG, reg, (int) reg.byteSize()) < 0)
            {
                final int e = Native.errno(errno);
                if (e == Native.ENOBUFS || e == Native.EPERM || e == Native.ENOMEM)
                {
                    throw new DriverException(DriverException.Reason.PERMISSION_DENIED, name
                        + ": XDP_UMEM_REG of " + umemBytes + " bytes failed with " + Native.errnoName(e)
                        + ": the UMEM exceeds RLIMIT_MEMLOCK; raise it (ulimit -l) or grant CAP_IPC_LOCK");
                }
                throw ioError("setsockopt(XDP_UMEM_REG, chunk " + frameSize + ", headroom " + config.headroom() + ")",
                    e);
            }
            final int fillSize = rxFrames;
            final int completionSize = Integer.highestOneBit(totalFrames - 1) << 1;
            ringSize(scratch, XdpAbi.XDP_UMEM_FILL_RING, fillSize, "FILL");
            ringSize(scratch, XdpAbi.XDP_UMEM_COMPLETION_RING, Math.max(1, completionSize), "COMPLETION");
            ringSize(scratch, XdpAbi.XDP_RX_RING, config.ringSize(), "RX");
            ringSize(scratch, XdpAbi.XDP_TX_RING, config.ringSize(), "TX");
            if (busyPoll)
            {
                socketOption(scratch, XdpAbi.SO_PREFER_BUSY_POLL, 1, "SO_PREFER_BUSY_POLL");
                socketOption(scratch, XdpAbi.SO_BUSY_POLL, config.busyPollMicros(), "SO_BUSY_POLL");
                if (config.busyPollBudget() > 0)
                {
                    socketOption(scratch, XdpAbi.SO_BUSY_POLL_BUDGET, config.busyPollBudget(), "SO_BUSY_POLL_BUDGET");
                }
            }
            final MemorySegment offsets = scratch.allocate(XdpAbi.XDP_MMAP_OFFSETS_LAYOUT);
            final MemorySegment length = scratch.allocateFrom(JAVA_INT, (int) offsets.byteSize());
            if (Native.getsockopt(errno, fd, XdpAbi.SOL_XDP, XdpAbi.XDP_MMAP_OFFSETS, offsets, length) < 0)
            {
                throw ioError("getsockopt(XDP_MMAP_OFFSETS)", Native.errno(errno));
            }
            if (length.get(JAVA_INT, 0L) < offsets.byteSize())
            {
                throw new DriverException(DriverException.Reason.NOT_AVAILABLE, name
                    + ": the kernel returned a " + length.get(JAVA_INT, 0L) + "-byte xdp_mmap_offsets (no ring flags);"
                    + " kernels before 5.4 are not supported");
            }
            fill = mapRing(offsets, "fr", fillSize, 8, XdpAbi.XDP_UMEM_PGOFF_FILL_RING);
            completion = mapRing(offsets, "cr", Math.max(1, completionSize), 8,
                XdpAbi.XDP_UMEM_PGOFF_COMPLETION_RING);
            rx = mapRing(offsets, "rx", config.ringSize(), 16, XdpAbi.XDP_PGOFF_RX_RING);
            tx = mapRing(offsets, "tx", config.ringSize(), 16, XdpAbi.XDP_PGOFF_TX_RING);
        }
        for (int i = 0; i < rxFrames; i++)
        {
            rxFree[rxFreeCount++] = rxFrames - 1 - i;
        }
        for (int i = 0; i < txFree.length; i++)
        {
            txFree[txFreeCount++] = totalFrames - 1 - i;
            state[totalFrames - 1 - i] = FREE;
        }
        refillFill();
        bind(config, ifindex);
        try (Arena scratch = Arena.ofConfined())
        {
            // best effort: one sendto sends the whole TX ring (kernels before 6.16 lack the option)
            final MemorySegment budget = scratch.allocateFrom(JAVA_INT, config.ringSize());
            if (config.ringSize() >= 32)
            {
                Native.setsockopt(errno, fd, XdpAbi.SOL_XDP, XdpAbi.XDP_MAX_TX_SKB_BUDGET, budget, 4);
            }
            final MemorySegment options = scratch.allocate(XdpAbi.XDP_OPTIONS_LAYOUT);
            final MemorySegment length = scratch.allocateFrom(JAVA_INT, 4);
            if (Native.getsockopt(errno, fd, XdpAbi.SOL_XDP, XdpAbi.XDP_OPTIONS, options, length) == 0)
            {
                zeroCopy = (options.get(JAVA_INT, 0L) & XdpAbi.XDP_OPTIONS_ZEROCOPY) != 0;
            }
        }
    }

    private void ringSize(final Arena scratch, final int option, final int size, final String ring)
    {
        final MemorySegment value = scratch.allocateFrom(JAVA_INT, size);
        if (Native.setsockopt(errno, fd, XdpAbi.SOL_XDP, option, value, 4) < 0)
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION, name + ": the kernel refused a "
                + ring + " ring of " + size + " entries: " + Native.errnoName(Native.errno(errno)));
        }
    }

    private void socketOption(final Arena scratch, final int option, final int value, final String what)
    {
        final MemorySegment v = scratch.allocateFrom(JAVA_INT, value);
        if (Native.setsockopt(errno, fd, XdpAbi.SOL_SOCKET, option, v, 4) < 0)
        {
            final int e = Native.errno(errno);
            throw new DriverException(e == Native.EPERM ? DriverException.Reason.PERMISSION_DENIED
                : DriverException.Reason.NOT_AVAILABLE, name + ": busy polling: setsockopt(" + what + ", " + value
                + ") failed with " + Native.errnoName(e)
                + (e == Native.EPERM ? " (raising SO_BUSY_POLL needs CAP_NET_ADMIN)" : " (kernel too old?)"));
        }
    }

    @SuppressWarnings("restricted")
    private XskRing mapRing(final MemorySegment offsets, final String ring, final int size, final int entrySize,
        final long pageOffset)
    {
        final long producer = offsets.get(JAVA_LONG, XdpAbi.offset(XdpAbi.XDP_MMAP_OFFSETS_LAYOUT, ring, "producer"));
        final long consumer = offsets.get(JAVA_LONG, XdpAbi.offset(XdpAbi.XDP_MMAP_OFFSETS_LAYOUT, ring, "consumer"));
        final long desc = offsets.get(JAVA_LONG, XdpAbi.offset(XdpAbi.XDP_MMAP_OFFSETS_LAYOUT, ring, "desc"));
        final long flags = offsets.get(JAVA_LONG, XdpAbi.offset(XdpAbi.XDP_MMAP_OFFSETS_LAYOUT, ring, "flags"));
        final long bytes = desc + (long) size * entrySize;
        final long address = Native.mmap(errno, bytes, XdpAbi.PROT_READ | XdpAbi.PROT_WRITE,
            XdpAbi.MAP_SHARED | XdpAbi.MAP_POPULATE, fd, pageOffset);
        if (address == Native.MAP_FAILED)
        {
            throw ioError("mmap of the " + ring + " ring (" + bytes + " bytes)", Native.errno(errno));
        }
        final MemorySegment memory = MemorySegment.ofAddress(address)
            .reinterpret(bytes, arena, s -> Native.munmap(address, bytes));
        return new XskRing(memory, size, entrySize, producer, consumer, flags, desc);
    }

    private void bind(final AfXdpConfig config, final int ifindex)
    {
        final int wakeup = needWakeup ? XdpAbi.XDP_USE_NEED_WAKEUP : 0;
        switch (config.bindMode())
        {
            case COPY -> bindRetrying(ifindex, XdpAbi.XDP_COPY | wakeup, true);
            case ZERO_COPY ->
            {
                final int e = bindRetrying(ifindex, XdpAbi.XDP_ZEROCOPY | wakeup, false);
                if (e != 0)
                {
                    throw new DriverException(DriverException.Reason.NOT_AVAILABLE, name + ": zero-copy bind to "
                        + config.interfaceName() + " queue " + deviceQueue + " failed with " + Native.errnoName(e)
                        + ": the device driver has no AF_XDP zero-copy support (veth never has); use BindMode.AUTO"
                        + " or COPY");
                }
            }
            case AUTO ->
            {
                final int e = bindRetrying(ifindex, XdpAbi.XDP_ZEROCOPY | wakeup, false);
                if (e == Native.EOPNOTSUPP || e == Native.EINVAL || e == Native.EPROTONOSUPPORT)
                {
                    bindNote = "zero-copy bind failed with " + Native.errnoName(e) + " (no AF_XDP zero-copy in the "
                        + config.interfaceName() + " driver); fell back to copy mode";
                    bindRetrying(ifindex, XdpAbi.XDP_COPY | wakeup, true);
                }
                else if (e != 0)
                {
                    throw bindFailure(config, e);
                }
            }
            default -> throw new IllegalStateException("bind mode " + config.bindMode());
        }
    }

    /** Binds, retrying EBUSY (a just-closed socket on the queue is freed from a workqueue). Returns 0 or errno. */
    private int bindRetrying(final int ifindex, final int flags, final boolean throwOnError)
    {
        try (Arena scratch = Arena.ofConfined())
        {
            final MemorySegment address = scratch.allocate(XdpAbi.SOCKADDR_XDP);
            address.set(JAVA_SHORT, XdpAbi.offset(XdpAbi.SOCKADDR_XDP, "sxdp_family"), (short) XdpAbi.AF_XDP);
            address.set(JAVA_SHORT, XdpAbi.offset(XdpAbi.SOCKADDR_XDP, "sxdp_flags"), (short) flags);
            address.set(JAVA_INT, XdpAbi.offset(XdpAbi.SOCKADDR_XDP, "sxdp_ifindex"), ifindex);
            address.set(JAVA_INT, XdpAbi.offset(XdpAbi.SOCKADDR_XDP, "sxdp_queue_id"), deviceQueue);
            int e = 0;
            for (int attempt = 0; attempt < BIND_RETRIES; attempt++)
            {
                if (Native.bind(errno, fd, address, (int) address.byteSize()) == 0)
                {
                    return 0;
                }
                e = Native.errno(errno);
                if (e != Native.EBUSY)
                {
                    break;
                }
                LockSupport.parkNanos(BIND_RETRY_PAUSE_NS);
            }
            if (throwOnError)
            {
                throw bindFailure(driver.config(), e);
            }
            return e;
        }
    }

    private DriverException bindFailure(final AfXdpConfig config, final int e)
    {
        final String where = config.interfaceName() + " queue " + deviceQueue;
        return switch (e)
        {
            case Native.EBUSY -> new DriverException(DriverException.Reason.BUSY, name + ": bind to " + where
                + " failed with EBUSY after " + BIND_RETRIES + " tries: another AF_XDP socket holds the queue");
            case Native.ENODEV -> new DriverException(DriverException.Reason.NO_SUCH_INTERFACE, name + ": bind to "
                + where + " failed with ENODEV: the interface vanished");
            case Native.EINVAL -> new DriverException(DriverException.Reason.QUEUE_MISMATCH, name + ": bind to "
                + where + " failed with EINVAL (a queue the device lacks, or flags it refuses)");
            default -> ioError("bind to " + where, e);
        };
    }

    private DriverException ioError(final String what, final int e)
    {
        return new DriverException(DriverException.Reason.IO_ERROR, name + ": " + what + " failed with "
            + Native.errnoName(e));
    }

    void maxFrameLength(final int value)
    {
        maxFrameLength = value;
    }

    int fd()
    {
        return fd;
    }

    int deviceQueue()
    {
        return deviceQueue;
    }

    boolean zeroCopy()
    {
        return zeroCopy;
    }

    String bindNote()
    {
        return bindNote;
    }

    // -------------------------------------------------------------------------------------------- data path

    @Override
    public int queueId()
    {
        return queueId;
    }

    @Override
    public int receive(final FrameBatch batch)
    {
        lifecycle.requireStarted("receive");
        try
        {
            reapCompletions();
            refillFill();
            final int limit = Math.min(batch.remaining(), maxBurst);
            if (limit == 0)
            {
                return 0;
            }
            final int n = rx.consumerAvailable(limit);
            if (n == 0)
            {
                wakeIdle();
                return 0;
            }
            final MemorySegment ring = rx.memory;
            final MemorySegment memory = umem;
            int index = rx.consumerIndex();
            for (int i = 0; i < n; i++, index++)
            {
                final long entry = rx.entry(index);
                final long address = ring.get(JAVA_LONG, entry);
                final int length = ring.get(JAVA_INT, entry + 8);
                final long chunk = address & frameMask;
                state[(int) (chunk / frameSize)] = LENT;
                batch.add(memory, address, length, (int) (chunk + frameSize - address), chunk, queueId,
                    FrameBatch.NO_TIMESTAMP, 0);
            }
            rx.consume(n);
            rxCount += n;
            return n;
        }
        catch (final IllegalStateException e)
        {
            throw lifecycle.closedUnderneath(name, "receive", e);
        }
    }

    /** With nothing received: kick the kernel where it asks for it (zero-copy, busy poll) or TX is still pending. */
    private void wakeIdle()
    {
        if (busyPoll || needWakeup && zeroCopy && fill.needsWakeup())
        {
            Native.recvfrom(errno, fd, MemorySegment.NULL, 0L, XdpAbi.MSG_DONTWAIT);
        }
        if (tx.producerPending())
        {
            kick();
        }
    }

    @Override
    public void release(final FrameBatch batch, final int index)
    {
        lifecycle.requireStarted("release");
        final long handle = batch.handle(index);
        final int chunk = chunkOf(handle);
        if (chunk < 0 || state[chunk] != LENT)
        {
            throw DriverLifecycle.notLent(name, "release", handle, index);
        }
        free(chunk);
    }

    private void free(final int chunk)
    {
        state[chunk] = FREE;
        if (chunk < rxFrames)
        {
            rxFree[rxFreeCount++] = chunk;
        }
        else
        {
            txFree[txFreeCount++] = chunk;
        }
    }

    @Override
    public int acquire(final FrameBatch batch, final int count)
    {
        lifecycle.requireStarted("acquire");
        if (count < 0 || count > batch.remaining())
        {
            throw new DriverException(DriverException.Reason.BAD_ARGUMENT,
                name + ": acquire count=" + count + " outside [0, batch.remaining()=" + batch.remaining() + "]");
        }
        try
        {
            reapCompletions();
            final int n = Math.min(Math.min(count, maxBurst), txFreeCount);
            final MemorySegment memory = umem;
            final int room = frameSize - frameOffset;
            for (int i = 0; i < n; i++)
            {
                final int chunk = txFree[--txFreeCount];
                state[chunk] = LENT;
                final long base = (long) chunk * frameSize;
                batch.add(memory, base + frameOffset, 0, room, base, queueId, FrameBatch.NO_TIMESTAMP, 0);
            }
            return n;
        }
        catch (final IllegalStateException e)
        {
            throw lifecycle.closedUnderneath(name, "acquire", e);
        }
    }

    @Override
    public int transmit(final FrameBatch batch)
    {
        lifecycle.requireStarted("transmit");
        final int n = Math.min(batch.size(), maxBurst);
        validate(batch, n);
        try
        {
            reapCompletions();
            final int k = tx.producerFree(n);
            if (k == 0)
            {
                kick();
                return 0;
            }
            final MemorySegment ring = tx.memory;
            int index = tx.producerIndex();
            for (int i = 0; i < k; i++, index++)
            {
                final long entry = tx.entry(index);
                ring.set(JAVA_LONG, entry, batch.offset(i));
                ring.set(JAVA_INT, entry + 8, batch.length(i));
                ring.set(JAVA_INT, entry + 12, 0);
                state[(int) (batch.handle(i) / frameSize)] = KERNEL;
            }
            tx.produce(k);
            batch.removeFirst(k);
            txCount += k;
            kick();
            return k;
        }
        catch (final IllegalStateException e)
        {
            throw lifecycle.closedUnderneath(name, "transmit", e);
        }
    }

    /** Tells the kernel about TX descriptors (copy mode sends only inside sendto or poll). */
    private void kick()
    {
        if (needWakeup && !tx.needsWakeup())
        {
            return;
        }
        for (int attempt = 0; attempt < KICK_RETRIES; attempt++)
        {
            kicks++;
            if (Native.sendto(errno, fd, MemorySegment.NULL, 0L, XdpAbi.MSG_DONTWAIT, MemorySegment.NULL, 0) >= 0)
            {
                return;
            }
            final int e = Native.errno(errno);
            if (e != Native.EAGAIN)
            {
                // EBUSY: the device dropped a frame (it still completes); ENETDOWN, ENOBUFS: counted, not thrown
                kickErrors++;
                return;
            }
            reapCompletions();
            if (!tx.producerPending())
            {
                return;
            }
        }
    }

    /** Returns chunks the kernel has finished sending to their pools. */
    private void reapCompletions()
    {
        final int n = completion.consumerAvailable(completion.size);
        if (n == 0)
        {
            return;
        }
        final MemorySegment ring = completion.memory;
        int index = completion.consumerIndex();
        for (int i = 0; i < n; i++, index++)
        {
            final long address = ring.get(JAVA_LONG, completion.entry(index));
            final long chunkAddress = address & frameMask;
            if (chunkAddress >= 0 && chunkAddress < (long) totalFrames * frameSize)
            {
                final int chunk = (int) (chunkAddress / frameSize);
                if (state[chunk] == KERNEL)
                {
                    free(chunk);
                }
            }
        }
        completion.consume(n);
    }

    /** Posts free RX chunks to the FILL ring. */
    private void refillFill()
    {
        if (rxFreeCount == 0)
        {
            return;
        }
        final int n = fill.producerFree(rxFreeCount);
        if (n == 0)
        {
            return;
        }
        final MemorySegment ring = fill.memory;
        int index = fill.producerIndex();
        for (int i = 0; i < n; i++, index++)
        {
            final int chunk = rxFree[--rxFreeCount];
            state[chunk] = KERNEL;
            ring.set(JAVA_LONG, fill.entry(index), (long) chunk * frameSize);
        }
        fill.produce(n);
    }

    /**
     * Checks frames {@code [0, n)} before any is sent: each lent out here and listed once, with its bytes inside its
     * chunk and a length in {@code [14, maxFrameLength]}.
     */
    private void validate(final FrameBatch batch, final int n)
    {
        int checked = 0;
        try
        {
            for (; checked < n; checked++)
            {
                final long handle = batch.handle(checked);
                final int chunk = chunkOf(handle);
                if (chunk < 0 || state[chunk] != LENT)
                {
                    throw DriverLifecycle.notLent(name, "transmit", handle, checked);
                }
                final int length = batch.length(checked);
                if (length < MIN_FRAME || length > maxFrameLength)
                {
                    throw new DriverException(DriverException.Reason.BAD_ARGUMENT,
                        name + ": transmit frame at index " + checked + " has length=" + length + " outside ["
                            + MIN_FRAME + ", maxFrameLength=" + maxFrameLength + "]; nothing was sent");
                }
                final long offset = batch.offset(checked);
                if (batch.segment(checked) != umem || offset < handle || offset + length > handle + frameSize)
                {
                    throw new DriverException(DriverException.Reason.BAD_ARGUMENT,
                        name + ": transmit frame at index " + checked + " (offset=" + offset + ", length=" + length
                            + ") does not lie inside its UMEM chunk " + handle + "; nothing was sent");
                }
                state[chunk] += CHECKING;
            }
        }
        finally
        {
            for (int i = 0; i < checked; i++)
            {
                state[(int) (batch.handle(i) / frameSize)] -= CHECKING;
            }
        }
    }

    private int chunkOf(final long handle)
    {
        if (handle < 0L || (handle & ~frameMask) != 0L || handle / frameSize >= totalFrames)
        {
            return -1;
        }
        return (int) (handle / frameSize);
    }

    // -------------------------------------------------------------------------------------------- statistics

    /**
     * The kernel's counters for this socket.
     *
     * @return the statistics.
     */
    XdpStatistics statistics()
    {
        try (Arena scratch = Arena.ofConfined())
        {
            final MemorySegment slot = Native.newErrnoSlot(scratch);
            final MemorySegment stats = scratch.allocate(XdpAbi.XDP_STATISTICS_LAYOUT);
            final MemorySegment length = scratch.allocateFrom(JAVA_INT, (int) stats.byteSize());
            if (Native.getsockopt(slot, fd, XdpAbi.SOL_XDP, XdpAbi.XDP_STATISTICS, stats, length) < 0)
            {
                throw ioError("getsockopt(XDP_STATISTICS)", Native.errno(slot));
            }
            return new XdpStatistics(stats.get(JAVA_LONG, 0L), stats.get(JAVA_LONG, 8L), stats.get(JAVA_LONG, 16L),
                stats.get(JAVA_LONG, 24L), stats.get(JAVA_LONG, 32L), stats.get(JAVA_LONG, 40L));
        }
    }

    long receivedFrames()
    {
        return rxCount;
    }

    long transmittedFrames()
    {
        return txCount;
    }

    long kicks()
    {
        return kicks;
    }

    long kickErrors()
    {
        return kickErrors;
    }

    // ------------------------------------------------------------------------------------------------ close

    /** Closes the socket, then unmaps the rings and the UMEM (waiting for a data-path access in progress). */
    void close()
    {
        final int socket = fd;
        fd = -1;
        Native.close(socket);
        if (arena.scope().isAlive())
        {
            arena.close();
        }
    }
}
