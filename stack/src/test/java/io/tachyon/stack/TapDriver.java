package io.tachyon.stack;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.time.Clock;

/**
 * Wraps a driver and records every TCP segment the stack transmits (with the clock's time), and drops the ones a
 * predicate selects by rewriting their Ethernet destination to an address nobody owns, so they are lost on the wire.
 */
public final class TapDriver extends DelegatingDriver
{
    /** One transmitted TCP segment. */
    public record Segment(long timeNs, int seq, int ack, int flags, int window, int payload, byte[] options,
        boolean dropped)
    {
        /** Whether a flag (a {@code TcpFlyweight} constant) is set. */
        public boolean has(final int flag)
        {
            return (flags & flag) != 0;
        }
    }

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Every TCP segment sent, in order. */
    public final List<Segment> sent = new ArrayList<>();
    /** Which segments to drop; receives the segment as recorded (with {@code dropped} false). */
    public Predicate<Segment> drop = s -> false;

    private final Clock clock;
    private final Queue queue = new Queue();

    /**
     * Wraps a driver.
     *
     * @param driver the driver.
     * @param clock  the clock stamped on each record.
     */
    public TapDriver(final PacketDriver driver, final Clock clock)
    {
        super(driver, c -> c);
        this.clock = clock;
    }

    @Override
    public DriverQueue queue(final int queueId)
    {
        return queue;
    }

    /** The segments sent that carry data or SYN/FIN, i.e. occupy sequence space. */
    public List<Segment> dataSegments()
    {
        final List<Segment> out = new ArrayList<>();
        for (final Segment s : sent)
        {
            if (s.payload() > 0)
            {
                out.add(s);
            }
        }
        return out;
    }

    private boolean inspect(final MemorySegment frame, final long offset, final int length)
    {
        if (length < 54 || (frame.get(U16, offset + 12) & 0xFFFF) != 0x0800
            || frame.get(ValueLayout.JAVA_BYTE, offset + 23) != 6)
        {
            return false;
        }
        final int ihl = (frame.get(ValueLayout.JAVA_BYTE, offset + 14) & 0xF) * 4;
        final int ipTotal = frame.get(U16, offset + 16) & 0xFFFF;
        final long tcp = offset + 14 + ihl;
        final int dataOffset = ((frame.get(ValueLayout.JAVA_BYTE, tcp + 12) & 0xFF) >>> 4) * 4;
        final byte[] options = frame.asSlice(tcp + 20, dataOffset - 20).toArray(ValueLayout.JAVA_BYTE);
        final Segment s = new Segment(clock.nanoTime(), frame.get(U32, tcp + 4), frame.get(U32, tcp + 8),
            frame.get(ValueLayout.JAVA_BYTE, tcp + 13) & 0xFF, frame.get(U16, tcp + 14) & 0xFFFF,
            ipTotal - ihl - dataOffset, options, false);
        final boolean lose = drop.test(s);
        sent.add(lose ? new Segment(s.timeNs(), s.seq(), s.ack(), s.flags(), s.window(), s.payload(), options, true)
            : s);
        if (lose)
        {
            frame.set(ValueLayout.JAVA_BYTE, offset, (byte)0x02);
            frame.set(ValueLayout.JAVA_BYTE, offset + 5, (byte)0x77);
        }
        return true;
    }

    private final class Queue extends DelegatingQueue
    {
        Queue()
        {
            super(driver);
        }

        @Override
        public int transmit(final FrameBatch batch)
        {
            final int size = batch.size();
            final boolean[] recorded = new boolean[size];
            for (int i = 0; i < size; i++)
            {
                recorded[i] = inspect(batch.segment(i), batch.offset(i), batch.length(i));
            }
            final int n = inner().transmit(batch);
            for (int i = size - 1; i >= n; i--)
            {
                if (recorded[i])
                {
                    sent.removeLast(); // refused: the stack offers it again
                }
            }
            return n;
        }
    }
}
