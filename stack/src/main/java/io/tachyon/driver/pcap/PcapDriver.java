package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverCapabilities;
import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverLifecycle;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.pcap.LinkType;
import io.tachyon.pcap.PcapFormatException;
import io.tachyon.pcap.PcapReader;
import io.tachyon.pcap.PcapWriter;
import io.tachyon.time.Clock;
import io.tachyon.time.VirtualClock;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A driver backed by capture files, with one queue: it replays a capture as received frames and records
 * transmitted frames to another capture. For tests, replays of recorded traffic, and debugging a stack offline.
 * <p>
 * <b>Receive.</b> The input capture (pcap or pcapng, see {@link PcapReader}) is streamed one record at a time, so
 * memory is bounded for any file size. The stack only ever sees Ethernet: records of link type
 * {@link LinkType#RAW} (101) or {@link LinkType#IPV4} (228) get a 14-byte Ethernet header prefixed (the configured
 * MACs; ethertype 0x0800 or 0x86dd from the IP version nibble; a raw record of another version is dropped), and
 * records of link type {@link LinkType#LINUX_SLL} (113) have their 16-byte pseudo-header rewritten into one (the
 * configured destination MAC; the SLL link-layer address as source when it is 6 bytes long, else the configured
 * source MAC; the SLL protocol as ethertype, a protocol below 0x0600 is dropped). A capture whose first record
 * has another link type fails {@link #open()} with {@link DriverException.Reason#BAD_CONFIGURATION}; later
 * records of another link type (pcapng with several interfaces) are dropped. Records whose frame would be shorter
 * than 14 bytes or longer than {@code maxFrameLength} are dropped. Records captured truncated (captured length
 * below the original length) are delivered with their captured length. Every frame is copied into a buffer of the
 * driver's pool ({@code zeroCopy = false}), so the stack may hold several; a frame the {@link PcapFilter} rejects is
 * not delivered. RX timestamps: the capture timestamp in {@link PcapTiming#AS_FAST_AS_POSSIBLE} mode (the clock
 * when the record has none), the frame's due time in the paced modes.
 * <p>
 * <b>Timing</b> (see {@link PcapTiming}). A frame's capture offset is its timestamp minus the first timestamp of
 * the capture (a record without a timestamp, a pcapng Simple Packet Block, takes the offset of the record before).
 * In the paced modes frame {@code i} is due at {@code startNs + offset_i / speed}, where {@code startNs} is the
 * clock at {@link #start()}; a receive delivers the frames that are due, in file order. In
 * {@code AS_FAST_AS_POSSIBLE} mode every receive delivers up to the burst and, when the clock is a
 * {@link VirtualClock}, advances it to each delivered frame's capture timestamp (never backwards): start such a
 * clock at or before the capture's first timestamp for the stack's timers to follow capture time.
 * <p>
 * <b>End and errors.</b> {@link #endOfCapture()} says when every record has been read and delivered or skipped.
 * A file that cannot be opened, has a bad header or a corrupt first record fails {@code open()} with
 * {@link DriverException.Reason#IO_ERROR} naming the file and the byte offset. A corrupt record later ends the
 * replay: the records before it are delivered, {@link #replayError()} holds the error, and {@code receive} never
 * throws for it.
 * <p>
 * <b>Transmit.</b> Buffers come from the same bounded off-heap pool (an arena the driver owns, freed by
 * {@link #close()}). {@code transmit} accepts up to the burst, writes each accepted frame to the output capture
 * (when configured) with the clock's time as its timestamp, and returns its buffer to the pool at once. A write
 * failure does not stop traffic: it is kept in {@link #outputError()} and recording stops. A received frame may be
 * transmitted as it is ({@code txFromRxFrame = true}).
 * <p>
 * <b>Threads.</b> The queue is driven by one thread; the counters and {@link #endOfCapture()} are meant to be read
 * by that thread or after {@code close()}. {@code close()} may come from another thread: the poller then gets
 * {@link DriverException.Reason#ILLEGAL_STATE} (the tail of the output capture may then be incomplete).
 * Nothing on the data path allocates.
 */
public final class PcapDriver implements PacketDriver
{
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ETHERNET_HEADER = 14;
    private static final int SLL_HEADER = 16;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private final PcapDriverConfig config;
    private final Clock clock;
    private final VirtualClock virtualClock;
    private final String name;
    private final DriverCapabilities capabilities;
    private final PcapFilter filter;
    private final PcapTiming timing;
    private final double speed;
    private final int maxBurst;
    private final int maxFrameLength;
    private final Queue queue = new Queue();

    private final DriverLifecycle lifecycle;
    private FramePool pool;
    private PcapReader reader;
    private PcapWriter writer;

    private boolean pending;
    private boolean exhausted;
    private int pendingLinkType;
    private int pendingLength;
    private boolean pendingTruncated;
    private long pendingTimestampNs;
    private long pendingOffsetNs;
    private boolean haveFirstTimestamp;
    private long firstTimestampNs;
    private long lastOffsetNs;
    private long startNs;
    private IOException replayError;
    private IOException outputError;

    private long framesRead;
    private long framesInjected;
    private long framesFilteredOut;
    private long framesTruncated;
    private long framesConverted;
    private long framesDropped;
    private long framesTransmitted;
    private long framesRecorded;

    /**
     * A driver in {@link DriverState#CREATED}; files are opened by {@link #open()}.
     *
     * @param config the configuration.
     * @param clock  the source of time for pacing, TX timestamps, and (when virtual) the clock to advance.
     */
    public PcapDriver(final PcapDriverConfig config, final Clock clock)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.virtualClock = clock instanceof VirtualClock vc ? vc : null;
        name = config.name();
        lifecycle = new DriverLifecycle(name);
        filter = config.filter();
        timing = config.timing();
        speed = config.speed();
        maxBurst = config.maxBurst();
        maxFrameLength = config.maxFrameLength();
        capabilities = new DriverCapabilities(config.mtu(), maxFrameLength, maxBurst, 1,
            false, false, true, false, true);
    }

    /**
     * The configuration the driver was built from.
     *
     * @return the configuration.
     */
    public PcapDriverConfig config()
    {
        return config;
    }

    // ---------------------------------------------------------------- control plane

    /**
     * {@inheritDoc}
     */
    @Override
    public String name()
    {
        return name;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DriverState state()
    {
        return lifecycle.state();
    }

    /**
     * Allocates the pool, opens the input capture and reads its first record (to check its link type), and
     * creates the output capture. On failure everything acquired is released and the driver stays
     * {@link DriverState#CREATED}.
     *
     * @throws DriverException {@link DriverException.Reason#IO_ERROR} naming the file (and byte offset) for an
     *                         unreadable input or an output that cannot be created,
     *                         {@link DriverException.Reason#BAD_CONFIGURATION} for an input of an unsupported
     *                         link type, {@link DriverException.Reason#ILLEGAL_STATE} unless CREATED.
     */
    @Override
    public synchronized void open()
    {
        lifecycle.require(DriverState.CREATED, "open()");
        try
        {
            pool = new FramePool(name, config.bufferCount(), maxFrameLength);
            if (config.input() != null)
            {
                openInput();
            }
            else
            {
                exhausted = true;
            }
            if (config.output() != null)
            {
                try
                {
                    writer = PcapWriter.create(config.output(), config.outputFormat(), LinkType.ETHERNET);
                }
                catch (final IOException | RuntimeException ex)
                {
                    throw new DriverException(DriverException.Reason.IO_ERROR,
                        name + ": cannot create output capture " + config.output() + ": " + ex, ex);
                }
            }
            lifecycle.moveTo(DriverState.OPEN);
        }
        catch (final RuntimeException ex)
        {
            releaseResources();
            pool = null;
            reader = null;
            writer = null;
            pending = false;
            exhausted = false;
            throw ex;
        }
    }

    private void openInput()
    {
        final var input = config.input();
        try
        {
            reader = PcapReader.open(input);
            if (reader.next())
            {
                final int linkType = reader.linkType();
                if (!supported(linkType))
                {
                    throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                        name + ": capture " + input + " has link type " + linkType + " (" + linkTypeName(linkType) +
                            "); PcapDriver replays only Ethernet (1), raw IP (101), raw IPv4 (228) and " +
                            "Linux SLL (113)");
                }
                pending = classify();
            }
            else
            {
                exhausted = true;
            }
        }
        catch (final PcapFormatException ex)
        {
            throw new DriverException(DriverException.Reason.IO_ERROR,
                name + ": capture " + input + " is unreadable at byte offset " + ex.byteOffset() + ": " +
                    ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new DriverException(DriverException.Reason.IO_ERROR,
                name + ": cannot read capture " + input + ": " + ex, ex);
        }
    }

    /**
     * Starts the replay: the paced modes measure time from now.
     *
     * @throws DriverException {@link DriverException.Reason#ILLEGAL_STATE} unless OPEN.
     */
    @Override
    public synchronized void start()
    {
        lifecycle.require(DriverState.OPEN, "start()");
        startNs = clock.nanoTime();
        lifecycle.moveTo(DriverState.STARTED);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DriverCapabilities capabilities()
    {
        lifecycle.requireOpenOrStarted("capabilities()");
        return capabilities;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public DriverQueue queue(final int queueId)
    {
        lifecycle.requireQueueAccess(queueId);
        if (queueId != 0)
        {
            throw new DriverException(DriverException.Reason.QUEUE_MISMATCH,
                name + ": queue " + queueId + " does not exist; queueCount=1");
        }
        return queue;
    }

    /**
     * Closes the input, flushes and closes the output capture, and frees the pool. Idempotent; an output that
     * cannot be flushed is reported by {@link #outputError()}, not thrown.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (!lifecycle.close())
            {
                return;
            }
        }
        releaseResources();
    }

    private void releaseResources()
    {
        if (reader != null)
        {
            try
            {
                reader.close();
            }
            catch (final IOException ignored)
            {
                // the input is only read; nothing is lost
            }
        }
        if (writer != null)
        {
            try
            {
                writer.close();
            }
            catch (final IOException ex)
            {
                if (outputError == null)
                {
                    outputError = ex;
                }
            }
        }
        if (pool != null)
        {
            pool.close();
        }
    }

    // ---------------------------------------------------------------- replay state and counters

    /**
     * Whether the replay is over: every record of the input was read and delivered, filtered out or dropped (or a
     * corrupt record ended it, see {@link #replayError()}). Always true without an input once open.
     *
     * @return true when no more frame will be received.
     */
    public boolean endOfCapture()
    {
        return exhausted && !pending;
    }

    /**
     * The error that ended the replay early: a corrupt or truncated record (a {@link PcapFormatException} with its
     * byte offset) or a failed read.
     *
     * @return the error, or null while the replay is healthy or after a clean end.
     */
    public IOException replayError()
    {
        return replayError;
    }

    /**
     * The error that stopped recording transmitted frames, if any.
     *
     * @return the error, or null.
     */
    public IOException outputError()
    {
        return outputError;
    }

    /**
     * Packet records read from the input, whatever became of them.
     *
     * @return the count.
     */
    public long framesRead()
    {
        return framesRead;
    }

    /**
     * Frames delivered by {@code receive}.
     *
     * @return the count.
     */
    public long framesInjected()
    {
        return framesInjected;
    }

    /**
     * Records the filter rejected.
     *
     * @return the count.
     */
    public long framesFilteredOut()
    {
        return framesFilteredOut;
    }

    /**
     * Records dropped because they cannot be Ethernet frames of 14 to {@code maxFrameLength} bytes (too short, too
     * long, an unsupported link type or IP version, an SLL protocol that is not an ethertype).
     *
     * @return the count. {@code framesRead = framesInjected + framesFilteredOut + framesDropped} (plus one while a
     *         record waits for its time or a free buffer).
     */
    public long framesDropped()
    {
        return framesDropped;
    }

    /**
     * Delivered frames that were captured truncated (captured length below the original length).
     *
     * @return the count.
     */
    public long framesTruncated()
    {
        return framesTruncated;
    }

    /**
     * Delivered frames converted to Ethernet from raw IP or Linux SLL.
     *
     * @return the count.
     */
    public long framesConverted()
    {
        return framesConverted;
    }

    /**
     * Frames accepted by {@code transmit}.
     *
     * @return the count.
     */
    public long framesTransmitted()
    {
        return framesTransmitted;
    }

    /**
     * Transmitted frames written to the output capture.
     *
     * @return the count.
     */
    public long framesRecorded()
    {
        return framesRecorded;
    }

    // ---------------------------------------------------------------- reading

    private static boolean supported(final int linkType)
    {
        return linkType == LinkType.ETHERNET || linkType == LinkType.RAW || linkType == LinkType.IPV4 ||
            linkType == LinkType.LINUX_SLL;
    }

    private static String linkTypeName(final int linkType)
    {
        return switch (linkType)
        {
            case LinkType.NULL -> "BSD loopback";
            case LinkType.PPP -> "PPP";
            case LinkType.IPV6 -> "raw IPv6";
            default -> "unsupported";
        };
    }

    /** Makes sure a deliverable record is pending; false at the end of the input. */
    private boolean fetch()
    {
        while (!pending)
        {
            if (exhausted)
            {
                return false;
            }
            try
            {
                if (!reader.next())
                {
                    exhausted = true;
                    return false;
                }
            }
            catch (final IOException ex)
            {
                if (lifecycle.isClosed())
                {
                    throw closedWhilePolling();
                }
                replayError = ex;
                exhausted = true;
                return false;
            }
            pending = classify();
        }
        return true;
    }

    /** Counts the current record and works out its frame; false if it is dropped. */
    private boolean classify()
    {
        framesRead++;
        final int linkType = reader.linkType();
        final int captured = reader.capturedLength();
        final int length = frameLength(linkType, captured);
        if (length < ETHERNET_HEADER || length > maxFrameLength)
        {
            framesDropped++;
            return false;
        }
        final long timestampNs = reader.timestampNs();
        if (timestampNs != PcapReader.NO_TIMESTAMP)
        {
            if (!haveFirstTimestamp)
            {
                haveFirstTimestamp = true;
                firstTimestampNs = timestampNs;
            }
            lastOffsetNs = timestampNs - firstTimestampNs;
        }
        pendingLinkType = linkType;
        pendingLength = length;
        pendingTruncated = captured < reader.originalLength();
        pendingTimestampNs = timestampNs;
        pendingOffsetNs = lastOffsetNs;
        return true;
    }

    /** The Ethernet frame length the current record becomes, or -1 if it cannot become one. */
    private int frameLength(final int linkType, final int captured)
    {
        final MemorySegment data = reader.segment();
        final long at = reader.dataOffset();
        switch (linkType)
        {
            case LinkType.ETHERNET:
                return captured;
            case LinkType.IPV4:
                return captured + ETHERNET_HEADER;
            case LinkType.RAW:
                if (captured < 1)
                {
                    return -1;
                }
                final int version = (data.get(ValueLayout.JAVA_BYTE, at) >>> 4) & 0x0f;
                return version == 4 || version == 6 ? captured + ETHERNET_HEADER : -1;
            case LinkType.LINUX_SLL:
                if (captured < SLL_HEADER || (data.get(U16, at + 14) & 0xffff) < 0x0600)
                {
                    return -1;
                }
                return captured - SLL_HEADER + ETHERNET_HEADER;
            default:
                return -1;
        }
    }

    /** Writes the pending record into {@code memory} at {@code at} as an Ethernet frame. */
    private void convert(final MemorySegment memory, final long at)
    {
        final MemorySegment data = reader.segment();
        final long from = reader.dataOffset();
        final int captured = reader.capturedLength();
        switch (pendingLinkType)
        {
            case LinkType.ETHERNET -> MemorySegment.copy(data, from, memory, at, captured);
            case LinkType.IPV4, LinkType.RAW ->
            {
                final int version = (data.get(ValueLayout.JAVA_BYTE, from) >>> 4) & 0x0f;
                putMac(memory, at, config.destinationMac());
                putMac(memory, at + 6, config.sourceMac());
                final int etherType =
                    pendingLinkType == LinkType.RAW && version == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
                memory.set(U16, at + 12, (short) etherType);
                MemorySegment.copy(data, from, memory, at + ETHERNET_HEADER, captured);
            }
            default ->
            {
                putMac(memory, at, config.destinationMac());
                if ((data.get(U16, from + 4) & 0xffff) == 6)
                {
                    MemorySegment.copy(data, from + 6, memory, at + 6, 6);
                }
                else
                {
                    putMac(memory, at + 6, config.sourceMac());
                }
                memory.set(U16, at + 12, data.get(U16, from + 14));
                MemorySegment.copy(data, from + SLL_HEADER, memory, at + ETHERNET_HEADER, captured - SLL_HEADER);
            }
        }
    }

    private static void putMac(final MemorySegment memory, final long at, final long mac)
    {
        memory.set(U16, at, (short) (mac >>> 32));
        memory.set(U32, at + 2, (int) mac);
    }

    private long dueNs(final long offsetNs)
    {
        return startNs + (timing == PcapTiming.SCALED_PACE ? (long) (offsetNs / speed) : offsetNs);
    }

    // ---------------------------------------------------------------- helpers

    private DriverException closedWhilePolling()
    {
        return new DriverException(DriverException.Reason.ILLEGAL_STATE,
            name + ": the driver was closed while its queue was being polled");
    }

    private RuntimeException translate(final RuntimeException ex)
    {
        if (lifecycle.isClosed() && !(ex instanceof DriverException))
        {
            final DriverException closed = closedWhilePolling();
            closed.initCause(ex);
            return closed;
        }
        return ex;
    }

    // ---------------------------------------------------------------- data path

    /**
     * Queue 0: receive from the input capture, transmit to the output capture.
     */
    private final class Queue implements DriverQueue
    {
        @Override
        public int queueId()
        {
            return 0;
        }

        @Override
        public int receive(final FrameBatch batch)
        {
            lifecycle.requireStarted("receive()");
            try
            {
                final int limit = Math.min(batch.remaining(), maxBurst);
                int received = 0;
                while (received < limit && fetch())
                {
                    final long rxTimestampNs;
                    if (timing == PcapTiming.AS_FAST_AS_POSSIBLE)
                    {
                        rxTimestampNs = pendingTimestampNs != PcapReader.NO_TIMESTAMP
                            ? pendingTimestampNs : clock.nanoTime();
                    }
                    else
                    {
                        rxTimestampNs = dueNs(pendingOffsetNs);
                        if (clock.nanoTime() - rxTimestampNs < 0)
                        {
                            break;
                        }
                    }
                    final int index = pool.take();
                    if (index < 0)
                    {
                        break;
                    }
                    final MemorySegment memory = pool.memory();
                    final long at = pool.offset(index);
                    convert(memory, at);
                    pending = false;
                    if (!filter.matches(memory, at, pendingLength))
                    {
                        pool.giveBack(index);
                        framesFilteredOut++;
                        continue;
                    }
                    if (virtualClock != null && timing == PcapTiming.AS_FAST_AS_POSSIBLE &&
                        pendingTimestampNs != PcapReader.NO_TIMESTAMP)
                    {
                        virtualClock.advanceTo(pendingTimestampNs);
                    }
                    if (pendingTruncated)
                    {
                        framesTruncated++;
                    }
                    if (pendingLinkType != LinkType.ETHERNET)
                    {
                        framesConverted++;
                    }
                    batch.add(memory, at, pendingLength, pool.bufferCapacity(), index, 0, rxTimestampNs, 0);
                    framesInjected++;
                    received++;
                }
                fetch();
                return received;
            }
            catch (final RuntimeException ex)
            {
                throw translate(ex);
            }
        }

        @Override
        public void release(final FrameBatch batch, final int index)
        {
            lifecycle.requireStarted("release()");
            try
            {
                final int buffer = pool.checkLent(batch.segment(index), batch.offset(index), batch.handle(index),
                    "release");
                pool.free(buffer);
            }
            catch (final RuntimeException ex)
            {
                throw translate(ex);
            }
        }

        @Override
        public int acquire(final FrameBatch batch, final int count)
        {
            lifecycle.requireStarted("acquire()");
            if (count < 0 || count > batch.remaining())
            {
                throw new DriverException(DriverException.Reason.BAD_ARGUMENT,
                    name + ": acquire count " + count + " outside 0.." + batch.remaining() + " (batch room)");
            }
            try
            {
                final int wanted = Math.min(count, maxBurst);
                final MemorySegment memory = pool.memory();
                int acquired = 0;
                while (acquired < wanted)
                {
                    final int index = pool.take();
                    if (index < 0)
                    {
                        break;
                    }
                    batch.add(memory, pool.offset(index), 0, pool.bufferCapacity(), index, 0, FrameBatch.NO_TIMESTAMP,
                        0);
                    acquired++;
                }
                return acquired;
            }
            catch (final RuntimeException ex)
            {
                throw translate(ex);
            }
        }

        @Override
        public int transmit(final FrameBatch batch)
        {
            lifecycle.requireStarted("transmit()");
            try
            {
                final int count = Math.min(batch.size(), maxBurst);
                validate(batch, count);
                final long nowNs = clock.nanoTime();
                for (int i = 0; i < count; i++)
                {
                    if (writer != null && outputError == null)
                    {
                        record(batch.segment(i), batch.offset(i), batch.length(i), nowNs);
                    }
                    pool.free((int) batch.handle(i));
                }
                framesTransmitted += count;
                batch.removeFirst(count);
                return count;
            }
            catch (final RuntimeException ex)
            {
                throw translate(ex);
            }
        }

        private void validate(final FrameBatch batch, final int count)
        {
            int checked = 0;
            try
            {
                for (int i = 0; i < count; i++)
                {
                    final long handle = batch.handle(i);
                    final int buffer = pool.checkLent(batch.segment(i), batch.offset(i), handle, "transmit");
                    final int length = batch.length(i);
                    if (length < ETHERNET_HEADER || length > maxFrameLength)
                    {
                        throw new DriverException(DriverException.Reason.BAD_ARGUMENT,
                            name + ": transmit of handle " + handle + " with length " + length + " outside [" +
                                ETHERNET_HEADER + ", " + maxFrameLength + "]");
                    }
                    pool.markChecking(buffer);
                    checked++;
                }
            }
            catch (final DriverException ex)
            {
                for (int i = 0; i < checked; i++)
                {
                    pool.unmarkChecking((int) batch.handle(i));
                }
                throw ex;
            }
        }

        private void record(final MemorySegment segment, final long offset, final int length, final long nowNs)
        {
            try
            {
                writer.write(segment, offset, length, nowNs);
                framesRecorded++;
            }
            catch (final IOException ex)
            {
                if (lifecycle.isClosed())
                {
                    throw closedWhilePolling();
                }
                outputError = ex;
            }
            catch (final IllegalArgumentException ex)
            {
                outputError = new IOException(name + ": cannot record a frame at clock time " + nowNs, ex);
            }
        }
    }
}
