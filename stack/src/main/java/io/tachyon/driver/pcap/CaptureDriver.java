package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverCapabilities;
import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.pcap.LinkType;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.pcap.PcapWriter;
import io.tachyon.time.Clock;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A decorator that records the traffic of any {@link PacketDriver} to capture files (Ethernet link type): every
 * frame {@code receive} returns and every frame {@code transmit} accepts (only the accepted prefix), in the order
 * of the calls.
 * <p>
 * <b>Files.</b> Made with {@link #oneFile}: received and transmitted frames go, interleaved in call order, to one
 * file (classic pcap and pcapng, as PcapWriter writes them, cannot mark the direction; filter on addresses to tell
 * them apart). Made with {@link #twoFiles}: received frames go to one file and transmitted frames to another. The
 * files are created by {@link #open()}, after the inner driver opened, and flushed and closed by {@link #close()}.
 * <p>
 * <b>Timestamps.</b> A received frame carries its RX timestamp when the inner driver gives one, else the injected
 * clock's time at the {@code receive} call; transmitted frames carry the clock's time at the {@code transmit} call.
 * <p>
 * <b>Transmit.</b> Once the inner driver accepts a frame it may reuse the buffer at once, so the decorator copies
 * the frames it offers (up to the burst) into a staging area allocated at open, and writes the accepted ones from
 * there. Nothing is allocated per frame.
 * <p>
 * <b>Forwarding.</b> Everything else (name, state, capabilities, lifecycle, ownership and argument checks, errors)
 * is the inner driver's, untouched: the decorator adds no checks of its own. {@link #close()} closes the inner
 * driver, then the files. A failed write does not disturb traffic: it is kept in {@link #captureError()} and
 * recording stops.
 */
public final class CaptureDriver implements PacketDriver
{
    private final PacketDriver inner;
    private final Path rxPath;
    private final Path txPath;
    private final PcapFormat format;
    private final Clock clock;

    private PcapWriter rxWriter;
    private PcapWriter txWriter;
    private Arena arena;
    private CaptureQueue[] queues = new CaptureQueue[0];
    private volatile IOException captureError;
    private volatile boolean closed;
    private long framesCapturedRx;
    private long framesCapturedTx;

    private CaptureDriver(
        final PacketDriver inner, final Path rxPath, final Path txPath, final PcapFormat format, final Clock clock)
    {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.rxPath = Objects.requireNonNull(rxPath, "rxPath");
        this.txPath = Objects.requireNonNull(txPath, "txPath");
        this.format = Objects.requireNonNull(format, "format");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Records both directions, interleaved in call order, to one file.
     *
     * @param inner  the driver to record.
     * @param file   the capture to create.
     * @param format its format.
     * @param clock  the time of TX frames and of RX frames without a timestamp.
     * @return the decorator, in the inner driver's state.
     */
    public static CaptureDriver oneFile(
        final PacketDriver inner, final Path file, final PcapFormat format, final Clock clock)
    {
        return new CaptureDriver(inner, file, file, format, clock);
    }

    /**
     * Records received frames to one file and transmitted frames to another.
     *
     * @param inner  the driver to record.
     * @param rxFile the capture of received frames.
     * @param txFile the capture of transmitted frames; a different file.
     * @param format the format of both.
     * @param clock  the time of TX frames and of RX frames without a timestamp.
     * @return the decorator, in the inner driver's state.
     * @throws DriverException BAD_CONFIGURATION if both paths are the same.
     */
    public static CaptureDriver twoFiles(
        final PacketDriver inner, final Path rxFile, final Path txFile, final PcapFormat format, final Clock clock)
    {
        if (Objects.requireNonNull(rxFile, "rxFile").equals(txFile))
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                "CaptureDriver: rx and tx captures are the same file " + rxFile + "; use oneFile()");
        }
        return new CaptureDriver(inner, rxFile, txFile, format, clock);
    }

    /**
     * The driver being recorded.
     *
     * @return the inner driver.
     */
    public PacketDriver inner()
    {
        return inner;
    }

    /**
     * The error that stopped recording (a file that could not be written), if any.
     *
     * @return the error, or null.
     */
    public IOException captureError()
    {
        return captureError;
    }

    /**
     * Received frames written so far.
     *
     * @return the count.
     */
    public long framesCapturedRx()
    {
        return framesCapturedRx;
    }

    /**
     * Transmitted frames written so far.
     *
     * @return the count.
     */
    public long framesCapturedTx()
    {
        return framesCapturedTx;
    }

    /**
     * The inner driver's name.
     *
     * @return the name.
     */
    @Override
    public String name()
    {
        return inner.name();
    }

    /**
     * The inner driver's state.
     *
     * @return the state.
     */
    @Override
    public DriverState state()
    {
        return inner.state();
    }

    /**
     * Opens the inner driver, then creates the capture files and the TX staging area. If the files cannot be
     * created, the inner driver is closed again.
     *
     * @throws DriverException whatever the inner driver throws, or {@link DriverException.Reason#IO_ERROR} naming a
     *                         file that cannot be created.
     */
    @Override
    public synchronized void open()
    {
        inner.open();
        try
        {
            final DriverCapabilities caps = inner.capabilities();
            rxWriter = create(rxPath);
            txWriter = rxPath.equals(txPath) ? rxWriter : create(txPath);
            arena = Arena.ofShared();
            final CaptureQueue[] made = new CaptureQueue[caps.queueCount()];
            for (int q = 0; q < made.length; q++)
            {
                made[q] = new CaptureQueue(inner.queue(q),
                    arena.allocate((long) caps.maxBurst() * caps.maxFrameLength(), 64L), caps.maxBurst(),
                    caps.maxFrameLength());
            }
            queues = made;
        }
        catch (final RuntimeException ex)
        {
            inner.close();
            closeFiles();
            throw ex;
        }
    }

    private PcapWriter create(final Path path)
    {
        try
        {
            return PcapWriter.create(path, format, LinkType.ETHERNET);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new DriverException(DriverException.Reason.IO_ERROR,
                inner.name() + ": cannot create capture " + path + ": " + ex, ex);
        }
    }

    /**
     * Starts the inner driver.
     */
    @Override
    public void start()
    {
        inner.start();
    }

    /**
     * The inner driver's capabilities.
     *
     * @return the capabilities.
     */
    @Override
    public DriverCapabilities capabilities()
    {
        return inner.capabilities();
    }

    /**
     * The inner driver's queue, recorded. The same object is returned for the same id.
     *
     * @param queueId the queue.
     * @return the recording queue.
     */
    @Override
    public DriverQueue queue(final int queueId)
    {
        inner.queue(queueId);
        final CaptureQueue[] known = queues;
        if (queueId < 0 || queueId >= known.length)
        {
            throw new DriverException(DriverException.Reason.QUEUE_MISMATCH,
                inner.name() + ": queue " + queueId + " is not recorded (queueCount=" + known.length + ")");
        }
        return known[queueId];
    }

    /**
     * Closes the inner driver, then flushes and closes the capture files. Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        inner.close();
        closeFiles();
    }

    private void closeFiles()
    {
        closeWriter(rxWriter);
        if (txWriter != rxWriter)
        {
            closeWriter(txWriter);
        }
        if (arena != null)
        {
            arena.close();
            arena = null;
        }
    }

    private void closeWriter(final PcapWriter writer)
    {
        if (writer != null)
        {
            try
            {
                writer.close();
            }
            catch (final IOException ex)
            {
                fail(ex);
            }
        }
    }

    private void fail(final IOException ex)
    {
        if (captureError == null)
        {
            captureError = ex;
        }
    }

    private RuntimeException translate(final RuntimeException ex)
    {
        if (closed && !(ex instanceof DriverException))
        {
            final DriverException closedEx = new DriverException(DriverException.Reason.ILLEGAL_STATE,
                inner.name() + ": the capture was closed while its queue was being polled");
            closedEx.initCause(ex);
            return closedEx;
        }
        return ex;
    }

    /**
     * One recorded queue.
     */
    private final class CaptureQueue implements DriverQueue
    {
        private final MemorySegment staging;
        private final int[] stagedLengths;
        private final int maxFrameLength;
        private final DriverQueue innerQueue;

        CaptureQueue(
            final DriverQueue innerQueue, final MemorySegment staging, final int maxBurst, final int maxFrameLength)
        {
            this.innerQueue = innerQueue;
            this.staging = staging;
            this.stagedLengths = new int[maxBurst];
            this.maxFrameLength = maxFrameLength;
        }

        @Override
        public int queueId()
        {
            return innerQueue.queueId();
        }

        @Override
        public int receive(final FrameBatch batch)
        {
            final int first = batch.size();
            final int received = innerQueue.receive(batch);
            if (received > 0 && captureError == null)
            {
                try
                {
                    final long nowNs = clock.nanoTime();
                    for (int i = first; i < first + received; i++)
                    {
                        final long rxNs = batch.timestampNs(i);
                        write(rxWriter, batch.segment(i), batch.offset(i), batch.length(i),
                            rxNs != FrameBatch.NO_TIMESTAMP ? rxNs : nowNs);
                        framesCapturedRx++;
                    }
                }
                catch (final RuntimeException ex)
                {
                    throw translate(ex);
                }
            }
            return received;
        }

        @Override
        public void release(final FrameBatch batch, final int index)
        {
            innerQueue.release(batch, index);
        }

        @Override
        public void releaseAll(final FrameBatch batch)
        {
            innerQueue.releaseAll(batch);
        }

        @Override
        public int acquire(final FrameBatch batch, final int count)
        {
            return innerQueue.acquire(batch, count);
        }

        @Override
        public int transmit(final FrameBatch batch)
        {
            final int staged = captureError == null ? stage(batch) : 0;
            final int accepted = innerQueue.transmit(batch);
            if (staged > 0 && captureError == null)
            {
                try
                {
                    final long nowNs = clock.nanoTime();
                    final int written = Math.min(accepted, staged);
                    for (int i = 0; i < written; i++)
                    {
                        write(txWriter, staging, (long) i * maxFrameLength, stagedLengths[i], nowNs);
                        framesCapturedTx++;
                    }
                }
                catch (final RuntimeException ex)
                {
                    throw translate(ex);
                }
            }
            return accepted;
        }

        /** Copies the frames the inner driver may accept; stops at a frame it will reject anyway. */
        private int stage(final FrameBatch batch)
        {
            final int count = Math.min(batch.size(), stagedLengths.length);
            for (int i = 0; i < count; i++)
            {
                final int length = batch.length(i);
                final MemorySegment segment = batch.segment(i);
                final long offset = batch.offset(i);
                if (length < 0 || length > maxFrameLength || segment == null || offset < 0 ||
                    offset > segment.byteSize() - length)
                {
                    return i;
                }
                try
                {
                    MemorySegment.copy(segment, offset, staging, (long) i * maxFrameLength, length);
                }
                catch (final IllegalStateException ex)
                {
                    return i;
                }
                stagedLengths[i] = length;
            }
            return count;
        }

        private void write(
            final PcapWriter writer, final MemorySegment segment, final long offset, final int length,
            final long timestampNs)
        {
            if (captureError != null)
            {
                return;
            }
            try
            {
                writer.write(segment, offset, length, timestampNs);
            }
            catch (final IOException ex)
            {
                fail(ex);
            }
            catch (final IllegalArgumentException ex)
            {
                fail(new IOException(inner.name() + ": cannot record a frame with timestamp " + timestampNs, ex));
            }
        }
    }
}
