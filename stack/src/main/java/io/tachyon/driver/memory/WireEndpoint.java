package io.tachyon.driver.memory;

import io.tachyon.driver.DriverCapabilities;
import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverLifecycle;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.time.Clock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One end of a {@link MemoryWire}: a copy-mode driver with one queue (the endpoint is its own queue 0).
 * <p>
 * Memory: an off-heap pool of {@code poolFrames} buffers of {@code frameSize} bytes, allocated by {@link #open()}
 * in an arena the endpoint owns and freed by {@link #close()}. A buffer's handle is its byte offset in the pool
 * (like an AF_XDP UMEM address). Each buffer is free, lent for RX, or lent for TX; RX and TX share the pool.
 * <p>
 * Threads: the data path is driven by one thread; the two endpoints of a wire may be driven by two threads.
 * {@code close()} may run on another thread while the data path is polled: the poller then gets
 * {@link DriverException.Reason#ILLEGAL_STATE}.
 */
final class WireEndpoint implements PacketDriver, DriverQueue
{
    private static final byte FREE = 0;
    private static final byte LENT_RX = 1;
    private static final byte LENT_TX = 2;
    /** Added to a lent state while {@code transmit} validates a batch, to catch one buffer listed twice. */
    private static final byte CHECKING = 4;
    private static final int MIN_FRAME = 14;

    private final MemoryWire wire;
    private final String name;
    private final Clock clock;
    private final WireDirection out;
    private final WireDirection in;
    private final int frameSize;
    private final int poolFrames;
    private final int maxBurst;
    private final int maxFrameLength;
    private final DriverCapabilities capabilities;
    private final byte[] bufferState;
    private final int[] freeStack;

    private final DriverLifecycle lifecycle;
    private WireEndpoint peer;
    private Arena arena;
    private MemorySegment pool;
    private int freeCount;

    WireEndpoint(
        final MemoryWire wire,
        final String name,
        final MemoryWireConfig config,
        final Clock clock,
        final WireDirection out,
        final WireDirection in)
    {
        this.wire = wire;
        this.name = name;
        this.lifecycle = new DriverLifecycle(name);
        this.clock = clock;
        this.out = out;
        this.in = in;
        frameSize = config.frameSize();
        poolFrames = config.poolFrames();
        maxBurst = config.maxBurst();
        maxFrameLength = config.maxFrameLength();
        capabilities = new DriverCapabilities(config.mtu(), maxFrameLength, maxBurst, 1,
            false, false, true, false, true);
        bufferState = new byte[poolFrames];
        freeStack = new int[poolFrames];
    }

    void peer(final WireEndpoint other)
    {
        peer = other;
    }

    // ---------------------------------------------------------------- control plane

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public DriverState state()
    {
        return lifecycle.state();
    }

    @Override
    public synchronized void open()
    {
        lifecycle.require(DriverState.CREATED, "open()");
        final Arena newArena = Arena.ofShared();
        try
        {
            pool = newArena.allocate((long) poolFrames * frameSize, 64L);
        }
        catch (final OutOfMemoryError e)
        {
            newArena.close();
            throw new DriverException(DriverException.Reason.NOT_AVAILABLE,
                name + ": cannot allocate " + poolFrames + " buffers of " + frameSize + " bytes", e);
        }
        arena = newArena;
        for (int i = 0; i < poolFrames; i++)
        {
            bufferState[i] = FREE;
            freeStack[i] = poolFrames - 1 - i;
        }
        freeCount = poolFrames;
        lifecycle.moveTo(DriverState.OPEN);
    }

    @Override
    public synchronized void start()
    {
        lifecycle.require(DriverState.OPEN, "start()");
        lifecycle.moveTo(DriverState.STARTED);
    }

    @Override
    public DriverCapabilities capabilities()
    {
        lifecycle.requireOpenOrStarted("capabilities()");
        return capabilities;
    }

    @Override
    public DriverQueue queue(final int queueId)
    {
        lifecycle.requireQueueAccess(queueId);
        if (queueId != 0)
        {
            throw new DriverException(DriverException.Reason.QUEUE_MISMATCH,
                name + ": queue " + queueId + " does not exist; queueCount=1");
        }
        return this;
    }

    @Override
    public void close()
    {
        final Arena toClose;
        synchronized (this)
        {
            if (!lifecycle.close())
            {
                return;
            }
            toClose = arena;
            arena = null;
        }
        if (toClose != null)
        {
            toClose.close(); // a poller still touching the pool gets IllegalStateException, turned into ours
        }
        wire.endpointClosed();
    }

    // ---------------------------------------------------------------- data path

    @Override
    public int queueId()
    {
        return 0;
    }

    @Override
    public int receive(final FrameBatch batch)
    {
        lifecycle.requireStarted("receive");
        try
        {
            final int limit = Math.min(batch.remaining(), maxBurst);
            if (limit == 0)
            {
                return 0;
            }
            final long nowNs = clock.nanoTime();
            final MemorySegment memory = pool;
            int n = 0;
            while (n < limit)
            {
                final int slot = in.nextDue(nowNs);
                if (slot < 0)
                {
                    break;
                }
                if (freeCount == 0)
                {
                    in.noRxBuffer();
                    break;
                }
                final int buffer = freeStack[--freeCount];
                bufferState[buffer] = LENT_RX;
                final long offset = (long) buffer * frameSize;
                final long arrivedNs = in.deliveryNs(slot);
                final int length = in.take(slot, memory, offset);
                batch.add(memory, offset, length, frameSize, offset, 0, arrivedNs, 0);
                n++;
            }
            return n;
        }
        catch (final IllegalStateException e)
        {
            throw lifecycle.closedUnderneath(name, "receive", e);
        }
    }

    @Override
    public void release(final FrameBatch batch, final int index)
    {
        lifecycle.requireStarted("release");
        final long handle = batch.handle(index);
        final int buffer = bufferOf(handle);
        if (buffer < 0 || (bufferState[buffer] != LENT_RX && bufferState[buffer] != LENT_TX))
        {
            throw DriverLifecycle.notLent(name, "release", handle, index);
        }
        bufferState[buffer] = FREE;
        freeStack[freeCount++] = buffer;
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
            final int n = Math.min(Math.min(count, maxBurst), freeCount);
            final MemorySegment memory = pool;
            for (int i = 0; i < n; i++)
            {
                final int buffer = freeStack[--freeCount];
                bufferState[buffer] = LENT_TX;
                final long offset = (long) buffer * frameSize;
                batch.add(memory, offset, 0, frameSize, offset, 0, FrameBatch.NO_TIMESTAMP, 0);
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
            final boolean peerClosed = peer.lifecycle.isClosed();
            final long nowNs = clock.nanoTime();
            final MemorySegment memory = pool;
            int k = 0;
            while (k < n)
            {
                final int buffer = (int) (batch.handle(k) / frameSize);
                final int length = batch.length(k);
                if (peerClosed)
                {
                    out.dropPeerClosed(length);
                }
                else if (out.canSend())
                {
                    out.send(memory, (long) buffer * frameSize, length, nowNs);
                }
                else
                {
                    break;
                }
                bufferState[buffer] = FREE; // the copy is made: the TX completion is immediate
                freeStack[freeCount++] = buffer;
                k++;
            }
            batch.removeFirst(k);
            return k;
        }
        catch (final IllegalStateException e)
        {
            throw lifecycle.closedUnderneath(name, "transmit", e);
        }
    }

    /**
     * Checks frames {@code [0, n)} before any is sent: each lent out here (RX frames too: txFromRxFrame), listed
     * once, with a length in {@code [14, maxFrameLength]}.
     */
    private void validate(final FrameBatch batch, final int n)
    {
        int checked = 0;
        try
        {
            for (; checked < n; checked++)
            {
                final long handle = batch.handle(checked);
                final int buffer = bufferOf(handle);
                if (buffer < 0 || (bufferState[buffer] != LENT_RX && bufferState[buffer] != LENT_TX))
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
                bufferState[buffer] += CHECKING;
            }
        }
        finally
        {
            for (int i = 0; i < checked; i++)
            {
                bufferState[(int) (batch.handle(i) / frameSize)] -= CHECKING;
            }
        }
    }

    private int bufferOf(final long handle)
    {
        if (handle < 0L || handle % frameSize != 0L || handle / frameSize >= poolFrames)
        {
            return -1;
        }
        return (int) (handle / frameSize);
    }
}
