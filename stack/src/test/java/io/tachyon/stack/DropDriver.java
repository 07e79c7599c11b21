package io.tachyon.stack;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntPredicate;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;

/**
 * Wraps a driver and drops chosen received TCP data frames (frames with TCP payload), numbered from 0 in order of
 * arrival: a dropped frame is released back to the driver and never reaches the stack.
 */
public final class DropDriver extends DelegatingDriver
{
    /** Which data-frame arrival numbers to drop; none by default. */
    public IntPredicate drop = n -> false;
    /** TCP data frames seen. */
    public int dataFrames;
    /** TCP data frames dropped. */
    public int dropped;
    /** A copy of the last TCP frame without payload received, or null. */
    public byte[] lastEmptyTcpFrame;

    private final Queue queue = new Queue();

    /**
     * Wraps a driver.
     *
     * @param driver the driver.
     */
    public DropDriver(final PacketDriver driver)
    {
        super(driver, c -> c);
    }

    @Override
    public DriverQueue queue(final int queueId)
    {
        return queue;
    }

    /** The TCP payload length of an Ethernet/IPv4 frame, or -1 when it is not TCP over IPv4. */
    static int tcpPayload(final MemorySegment segment, final long offset, final int length)
    {
        if (length < 14 + 20 + 20 || segment.get(ValueLayout.JAVA_BYTE, offset + 12) != 0x08
            || segment.get(ValueLayout.JAVA_BYTE, offset + 13) != 0x00
            || segment.get(ValueLayout.JAVA_BYTE, offset + 14 + 9) != 6)
        {
            return -1;
        }
        final int ihl = (segment.get(ValueLayout.JAVA_BYTE, offset + 14) & 0x0F) * 4;
        final int total = (segment.get(ValueLayout.JAVA_BYTE, offset + 16) & 0xFF) << 8
            | segment.get(ValueLayout.JAVA_BYTE, offset + 17) & 0xFF;
        final int doff = ((segment.get(ValueLayout.JAVA_BYTE, offset + 14 + ihl + 12) & 0xFF) >>> 4) * 4;
        return total - ihl - doff;
    }

    private final class Queue extends DelegatingQueue
    {
        Queue()
        {
            super(driver);
        }

        @Override
        public int receive(final FrameBatch batch)
        {
            final int before = batch.size();
            final int n = inner().receive(batch);
            int kept = n;
            int i = before;
            while (i < before + kept)
            {
                final int payload = tcpPayload(batch.segment(i), batch.offset(i), batch.length(i));
                if (payload == 0)
                {
                    lastEmptyTcpFrame = batch.segment(i).asSlice(batch.offset(i), batch.length(i))
                        .toArray(ValueLayout.JAVA_BYTE);
                }
                if (payload > 0 && drop.test(dataFrames++))
                {
                    dropped++;
                    inner().release(batch, i);
                    batch.remove(i);
                    kept--;
                }
                else
                {
                    i++;
                }
            }
            return kept;
        }
    }
}
