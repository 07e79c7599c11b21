package io.tachyon.arp;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;

/**
 * An {@link ArpOutput} over one {@link DriverQueue}: each frame is copied into a TX buffer acquired into a
 * batch, and {@link #flush()} hands the batch to the driver. A full batch is flushed before the next frame is
 * added. Frames the driver does not accept on flush are released and counted as dropped (ARP and the upper layers
 * retransmit). Allocation-free after construction; used by the queue's thread.
 */
public final class QueueArpOutput implements ArpOutput
{
    private final DriverQueue queue;
    private final FrameBatch batch;
    private long sent;
    private long dropped;

    /**
     * An output over a started queue.
     *
     * @param queue         the TX queue.
     * @param batchCapacity how many frames a flush sends at most, at least 1.
     */
    public QueueArpOutput(final DriverQueue queue, final int batchCapacity)
    {
        this.queue = Objects.requireNonNull(queue, "queue");
        batch = new FrameBatch(batchCapacity);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Returns false when no TX buffer is available or the frame does not fit in one.
     */
    @Override
    public boolean transmit(final MemorySegment frame, final long offset, final int length)
    {
        if (batch.remaining() == 0)
        {
            flush();
        }
        if (queue.acquire(batch, 1) != 1)
        {
            dropped++;
            return false;
        }
        final int i = batch.size() - 1;
        if (batch.capacity(i) < length)
        {
            queue.release(batch, i);
            batch.remove(i);
            dropped++;
            return false;
        }
        MemorySegment.copy(frame, offset, batch.segment(i), batch.offset(i), length);
        batch.length(i, length);
        return true;
    }

    /**
     * Transmits the frames gathered so far; those the driver does not accept are released.
     *
     * @return how many frames the driver accepted.
     */
    public int flush()
    {
        if (batch.isEmpty())
        {
            return 0;
        }
        final int accepted = queue.transmit(batch);
        sent += accepted;
        dropped += batch.size();
        queue.releaseAll(batch);
        return accepted;
    }

    /**
     * How many frames are waiting for {@link #flush()}.
     *
     * @return the batch size.
     */
    public int waiting()
    {
        return batch.size();
    }

    /**
     * Frames the driver accepted.
     *
     * @return the count since construction.
     */
    public long sent()
    {
        return sent;
    }

    /**
     * Frames dropped: no TX buffer, too long for one, or not accepted on flush.
     *
     * @return the count since construction.
     */
    public long dropped()
    {
        return dropped;
    }
}
