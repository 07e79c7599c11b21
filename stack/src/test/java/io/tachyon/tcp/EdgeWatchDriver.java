package io.tachyon.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HexFormat;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.stack.DelegatingDriver;
import io.tachyon.stack.DelegatingQueue;
import io.tachyon.wire.TcpFlyweight;

/**
 * A driver that watches the TCP segments a stack transmits (before the wire impairs them) and checks that the
 * receive window's right edge it advertises, SEG.ACK + (SEG.WND &lt;&lt; shift), never moves left (RFC 9293 §3.8.6,
 * RFC 7323 §2.4), and that no TCP segment leaves in IP fragments. Meant for a stack with one connection; SYN and RST
 * segments are not looked at. Frames are inspected as the wire accepts them, in the order it accepts them.
 */
final class EdgeWatchDriver extends DelegatingDriver
{
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final boolean TRACE = Boolean.getBoolean("tachyon.tcp.trace");
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The window shift of this stack's segments (0 when window scaling is not in use). */
    private final int shift;
    private final Queue queue = new Queue();
    /** The largest right edge advertised so far. */
    int maxEdge;
    /** Whether a right edge has been advertised. */
    boolean edgeKnown;
    /** The first violation seen, or null. */
    String violation;
    /** The last 40 segments sent, when tracing ({@code -Dtachyon.tcp.trace=true}; frames in hex with traceHex). */
    final ArrayDeque<String> trace = new ArrayDeque<>();

    EdgeWatchDriver(final PacketDriver driver, final int shift)
    {
        super(driver, c -> c);
        this.shift = shift;
    }

    @Override
    public DriverQueue queue(final int queueId)
    {
        return queue;
    }

    private void inspect(final MemorySegment s, final long at, final int length)
    {
        if (length < 14 + 20 + 20 || s.get(ValueLayout.JAVA_BYTE, at + 12) != 0x08
            || s.get(ValueLayout.JAVA_BYTE, at + 13) != 0x00 || s.get(ValueLayout.JAVA_BYTE, at + 14 + 9) != 6)
        {
            return;
        }
        if ((s.get(U16, at + 14 + 6) & 0x3FFF) != 0)
        {
            if (violation == null)
            {
                violation = "sent a TCP segment in IP fragments (MF or a fragment offset set): segments must fit the"
                    + " MTU";
            }
            return;
        }
        final long tcp = at + 14 + (s.get(ValueLayout.JAVA_BYTE, at + 14) & 0x0F) * 4L;
        final int flags = s.get(ValueLayout.JAVA_BYTE, tcp + 13) & 0xFF;
        if (TRACE)
        {
            trace(s, at, length, tcp, flags);
        }
        if ((flags & TcpFlyweight.ACK) == 0 || (flags & (TcpFlyweight.SYN | TcpFlyweight.RST)) != 0)
        {
            return;
        }
        final int ack = s.get(U32, tcp + 8);
        final int window = s.get(U16, tcp + 14) & 0xFFFF;
        final int edge = ack + (window << shift);
        if (edgeKnown && Seq.lt(edge, maxEdge) && violation == null)
        {
            violation = "advertised right edge moved left from " + Integer.toUnsignedString(maxEdge) + " to "
                + Integer.toUnsignedString(edge) + " (ACK " + Integer.toUnsignedString(ack) + ", window " + window
                + " << " + shift + ")";
        }
        if (!edgeKnown || Seq.gt(edge, maxEdge))
        {
            maxEdge = edge;
            edgeKnown = true;
        }
    }

    private void trace(final MemorySegment s, final long at, final int length, final long tcp, final int flags)
    {
        final int total = s.get(U16, at + 16) & 0xFFFF;
        final int header = ((s.get(ValueLayout.JAVA_BYTE, tcp + 12) & 0xFF) >>> 4) * 4;
        final int payload = total - (int)(tcp - at - 14) - header;
        final String hex = Boolean.getBoolean("tachyon.tcp.traceHex")
            ? " frame " + HexFormat.of().formatHex(s.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE)) : "";
        trace.add("seq " + Integer.toUnsignedString(s.get(U32, tcp + 4)) + " len " + payload + " ack "
            + Integer.toUnsignedString(s.get(U32, tcp + 8)) + " win " + (s.get(U16, tcp + 14) & 0xFFFF) + " flags "
            + Integer.toHexString(flags) + hex);
        if (trace.size() > 40)
        {
            trace.removeFirst();
        }
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
            // copies first (the wire owns and may corrupt what it accepts), then only the accepted prefix, in order
            final byte[][] frames = new byte[batch.size()][];
            for (int i = 0; i < frames.length; i++)
            {
                frames[i] = batch.segment(i).asSlice(batch.offset(i), batch.length(i)).toArray(ValueLayout.JAVA_BYTE);
            }
            final int accepted = inner().transmit(batch);
            for (int i = 0; i < accepted; i++)
            {
                inspect(MemorySegment.ofArray(frames[i]), 0, frames[i].length);
            }
            return accepted;
        }
    }
}
