package io.tachyon.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SND.UNA / SND.NXT / write end bookkeeping, peeks for retransmission, FIN accounting, wrap-around. */
class SendQueueTest
{
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment src = arena.allocate(1 << 16);
    private final MemorySegment dst = arena.allocate(1 << 16);
    private final SendQueue queue = new SendQueue(1000);

    @AfterEach
    void tearDown()
    {
        queue.close();
        arena.close();
    }

    private void fill(final long streamOffset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            src.set(ValueLayout.JAVA_BYTE, i, ReceiveQueueRfcTest.pattern((int)(streamOffset + i)));
        }
    }

    private void assertPeek(final int seq, final int length, final int streamOffsetOfSeq)
    {
        assertEquals(length, queue.peek(seq, dst, 0, length));
        for (int i = 0; i < length; i++)
        {
            assertEquals(ReceiveQueueRfcTest.pattern(streamOffsetOfSeq + i), dst.get(ValueLayout.JAVA_BYTE, i));
        }
    }

    @Test
    void shouldTrackTheSendSequenceSpace()
    {
        queue.open(5001);
        fill(0, 1200);
        assertEquals(1000, queue.write(src, 0, 1200), "bounded by the send buffer");
        assertEquals(0, queue.writable());
        assertEquals(6001, queue.writeEnd());
        assertEquals(1000, queue.unsent());
        queue.sent(5501);
        assertEquals(5501, queue.sndNxt());
        assertEquals(500, queue.inFlight());
        assertPeek(5001, 300, 0);
        assertPeek(5301, 300, 300);
        assertEquals(300, queue.ack(5301));
        assertEquals(300, queue.writable());
        assertEquals(0, queue.ack(5301), "old ACK");
        assertEquals(0, queue.ack(5502), "ACK of unsent data");
        assertEquals(2, queue.acksIgnored());
        queue.sent(5401);
        assertEquals(5501, queue.sndNxt(), "a retransmission does not move SND.NXT back");
        fill(1000, 300);
        assertEquals(300, queue.write(src, 0, 300));
        assertPeek(5301, 1000, 300);
        assertEquals(1000, queue.peek(5301, dst, 0, 5000), "limited by the write end");
        assertEquals(0, queue.peek(6301, dst, 0, 10), "nothing at the write end");
    }

    @Test
    void shouldCountTheFinAsOneSequenceNumber()
    {
        queue.open(100);
        queue.write(src, 0, 10);
        queue.queueFin();
        assertTrue(queue.finQueued());
        assertEquals(110, queue.finSeq());
        assertThrows(IllegalStateException.class, () -> queue.write(src, 0, 1));
        queue.sent(110);
        assertFalse(queue.finSent());
        queue.sent(111);
        assertTrue(queue.finSent());
        assertEquals(111, queue.sndNxt());
        assertEquals(11, queue.inFlight());
        assertEquals(10, queue.ack(110));
        assertFalse(queue.finAcked());
        assertEquals(1, queue.ack(111));
        assertTrue(queue.finAcked());
        assertEquals(111, queue.sndUna());
        assertEquals(0, queue.inFlight());
        assertEquals(10, queue.bytesAcked());
        assertThrows(IllegalArgumentException.class, () -> queue.sent(112));
    }

    @Test
    void shouldWrapTheRingAndTheSequenceSpace()
    {
        final int first = -250;
        queue.open(first);
        long stream = 0;
        long acked = 0;
        for (int round = 0; round < 40; round++)
        {
            final int n = queue.writable();
            fill(stream, n);
            final ByteBuffer heap = ByteBuffer.allocate(n);
            MemorySegment.copy(src, 0, MemorySegment.ofBuffer(heap), 0, n);
            assertEquals(n, round % 2 == 0 ? queue.write(heap) : queue.write(src, 0, n));
            stream += n;
            queue.sent(queue.writeEnd());
            assertPeek(queue.sndUna(), 700, (int)acked);
            assertEquals(700, queue.ack(queue.sndUna() + 700));
            acked += 700;
        }
        assertEquals(first + (int)acked, queue.sndUna());
        assertEquals(acked, queue.bytesAcked());
    }

    @Test
    void shouldRejectBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new SendQueue(0));
        queue.open(0);
        queue.write(src, 0, 10);
        assertThrows(IllegalArgumentException.class, () -> queue.peek(11, dst, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> queue.peek(-1, dst, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> queue.sent(11));
        assertThrows(IllegalArgumentException.class, () -> queue.write(src, src.byteSize(), 1));
    }
}
