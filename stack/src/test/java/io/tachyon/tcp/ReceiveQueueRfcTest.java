package io.tachyon.tcp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SACK blocks of every ACK in the examples of RFC 2018 §4 and RFC 2883 §4, block for block, and the other
 * receive-side rules worked by hand.
 */
class ReceiveQueueRfcTest
{
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment wire = arena.allocate(1 << 16);
    private final int[] edges = new int[8];
    private ReceiveQueue queue;

    @AfterEach
    void tearDown()
    {
        if (queue != null)
        {
            queue.close();
        }
        arena.close();
    }

    /** The byte every sender puts at sequence number seq, so content can be checked. */
    static byte pattern(final int seq)
    {
        return (byte)(seq * 31 + (seq >>> 8) * 7 + 3);
    }

    /** Offers [from, to) with the pattern content; returns RCV.NXT. */
    private int receive(final int from, final int to)
    {
        final int length = to - from;
        for (int i = 0; i < length; i++)
        {
            wire.set(ValueLayout.JAVA_BYTE, 100 + i, pattern(from + i));
        }
        queue.offer(from, wire, 100, length);
        return queue.rcvNxt();
    }

    /** The SACK blocks the next ACK carries, as {left, right, left, right, ...}. */
    private int[] sack(final int maxBlocks)
    {
        final int n = queue.sackBlocks(edges, maxBlocks);
        return Arrays.copyOf(edges, 2 * n);
    }

    private void expectAck(final int from, final int to, final int ack, final int... blocks)
    {
        assertEquals(ack, receive(from, to), "ACK after " + from + "-" + (to - 1));
        assertArrayEquals(blocks, sack(4), "SACK blocks after " + from + "-" + (to - 1) + ": "
            + Arrays.toString(sack(4)));
    }

    @Test
    void shouldSendNoSackWhenOnlyTheTailIsLostRfc2018Case1()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(5000, 0, 500);
        expectAck(5000, 5500, 5500);
        expectAck(5500, 6000, 6000);
        expectAck(6000, 6500, 6500);
        expectAck(6500, 7000, 7000);
    }

    @Test
    void shouldGrowOneBlockWhenTheFirstSegmentIsLostRfc2018Case2()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(5000, 0, 500);
        expectAck(5500, 6000, 5000, 5500, 6000);
        expectAck(6000, 6500, 5000, 5500, 6500);
        expectAck(6500, 7000, 5000, 5500, 7000);
        expectAck(7000, 7500, 5000, 5500, 7500);
        expectAck(7500, 8000, 5000, 5500, 8000);
        expectAck(8000, 8500, 5000, 5500, 8500);
        expectAck(8500, 9000, 5000, 5500, 9000);
        expectAck(5000, 5500, 9000);
        assertEquals(4000, queue.readable());
    }

    @Test
    void shouldReportMostRecentBlocksFirstRfc2018Case3()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(5000, 0, 500);
        expectAck(5000, 5500, 5500);
        expectAck(6000, 6500, 5500, 6000, 6500);
        expectAck(7000, 7500, 5500, 7000, 7500, 6000, 6500);
        expectAck(8000, 8500, 5500, 8000, 8500, 7000, 7500, 6000, 6500);
        // "Suppose at this point, the 4th packet is received out of order."
        expectAck(6500, 7000, 5500, 6000, 7500, 8000, 8500);
        // "Suppose at this point, the 2nd segment is received."
        expectAck(5500, 6000, 7500, 8000, 8500);
        final MemorySegment out = arena.allocate(4096);
        assertEquals(2500, queue.read(out, 0, 4096));
        for (int i = 0; i < 2500; i++)
        {
            assertEquals(pattern(5000 + i), out.get(ValueLayout.JAVA_BYTE, i));
        }
    }

    @Test
    void shouldReportOnlyThreeBlocksNextToTimestamps()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(5000, 0, 500);
        receive(6000, 6500);
        receive(7000, 7500);
        receive(8000, 8500);
        receive(9000, 9500);
        assertArrayEquals(new int[] {9000, 9500, 8000, 8500, 7000, 7500}, sack(3));
        assertArrayEquals(new int[] {9000, 9500, 8000, 8500, 7000, 7500, 6000, 6500}, sack(4));
        assertArrayEquals(new int[] {9000, 9500}, sack(1));
    }

    @Test
    void shouldReportADuplicateSegmentRfc2883Example1()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(3000, 0, 500);
        expectAck(3000, 3500, 3500);
        expectAck(3500, 4000, 4000);
        expectAck(3000, 3500, 4000, 3000, 3500);
        assertTrue(queue.dsackPending());
        assertEquals(500, queue.lastDuplicate());
        assertEquals(1, queue.duplicateSegments());
    }

    @Test
    void shouldReportAnOutOfOrderSegmentAndADuplicateSegmentRfc2883Example2()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(3000, 0, 500);
        expectAck(3000, 3500, 3500);
        expectAck(3500, 4000, 4000);
        expectAck(4500, 5000, 4000, 4500, 5000);
        expectAck(3000, 3500, 4000, 3000, 3500, 4500, 5000);
    }

    @Test
    void shouldReportADuplicateOfAnOutOfOrderSegmentRfc2883Example3()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(3500, 0, 500);
        expectAck(3500, 4000, 4000);
        expectAck(4500, 5000, 4000, 4500, 5000);
        expectAck(5000, 5500, 4000, 4500, 5500);
        expectAck(5000, 5500, 4000, 5000, 5500, 4500, 5500);
    }

    @Test
    void shouldReportASingleDuplicateSubsegmentRfc2883Example4()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(500, 0, 500);
        expectAck(500, 1000, 1000);
        expectAck(2000, 2500, 1000, 2000, 2500);
        expectAck(1000, 1500, 1500, 2000, 2500);
        expectAck(1000, 2000, 2500, 1000, 1500);
        assertEquals(500, queue.lastInOrder());
        assertEquals(500, queue.lastDuplicate());
    }

    @Test
    void shouldReportTheFirstOfTwoDuplicateSubsegmentsCoveredByTheAckRfc2883Example5()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(500, 0, 500);
        expectAck(500, 1000, 1000);
        expectAck(3000, 3500, 1000, 3000, 3500);
        expectAck(1000, 1500, 1500, 3000, 3500);
        expectAck(2000, 2500, 1500, 2000, 2500, 3000, 3500);
        expectAck(1000, 2500, 2500, 1000, 1500, 3000, 3500);
        assertEquals(1000, queue.lastDuplicate());
        assertEquals(500, queue.lastInOrder());
    }

    @Test
    void shouldReportTheFirstDuplicateRunInsideHeldDataThenItsBlock()
    {
        // Worked from RFC 2883 §4: two held blocks, a retransmission covering both and the gap between them.
        queue = new ReceiveQueue(65_536, 16);
        queue.open(1000, 0, 500);
        expectAck(1500, 2000, 1000, 1500, 2000);
        expectAck(2500, 3000, 1000, 2500, 3000, 1500, 2000);
        expectAck(1500, 3000, 1000, 1500, 2000, 1500, 3000);
        assertEquals(1000, queue.lastDuplicate());
        assertEquals(500, queue.lastOutOfOrder());
        queue.clearDsack();
        assertArrayEquals(new int[] {1500, 3000}, sack(4));
    }

    @Test
    void shouldForgetTheDsackAtTheNextSegment()
    {
        queue = new ReceiveQueue(65_536, 16);
        queue.open(3000, 0, 500);
        receive(3000, 3500);
        receive(3000, 3500);
        assertTrue(queue.dsackPending());
        receive(3500, 4000);
        assertFalse(queue.dsackPending());
        assertArrayEquals(new int[0], sack(4));
    }

    @Test
    void shouldClassifyEveryByteOfASegment()
    {
        queue = new ReceiveQueue(1000, 2);
        queue.open(10_000, 0, 100);
        receive(10_000, 10_100);
        receive(10_200, 10_300);
        // 50 old, 100 new in order, 100 duplicate held, 700 new, 50 beyond the buffer end (11000)
        assertEquals(11_000, receive(10_050, 11_050));
        assertEquals(50 + 100, queue.lastDuplicate());
        assertEquals(800, queue.lastInOrder());
        assertEquals(0, queue.lastOutOfOrder());
        assertEquals(50, queue.lastOutsideWindow());
        assertEquals(0, queue.outOfOrderBlocks());
        assertArrayEquals(new int[] {10_050, 10_100}, sack(4), "the first duplicate run only");
        assertEquals(900, queue.bytesInOrder());
        assertEquals(100, queue.bytesOutOfOrder());
    }

    @Test
    void shouldDropNewOutOfOrderDataWhenEveryIntervalSlotIsTaken()
    {
        queue = new ReceiveQueue(10_000, 2);
        queue.open(0, 0, 100);
        receive(100, 200);
        receive(300, 400);
        receive(500, 600);
        assertEquals(100, queue.lastDropped());
        assertEquals(2, queue.outOfOrderBlocks());
        receive(200, 300);
        assertEquals(1, queue.outOfOrderBlocks());
        assertEquals(0, queue.lastDropped());
        receive(0, 100);
        assertEquals(400, queue.rcvNxt());
        assertEquals(100, queue.droppedBytes());
    }

    @Test
    void shouldAssembleAcrossTheSequenceNumberWrap()
    {
        queue = new ReceiveQueue(4096, 8);
        final int base = -700; // 2^32 - 700
        queue.open(base, 0, 500);
        receive(base + 500, base + 1000);
        receive(base + 1000, base + 1200);
        assertArrayEquals(new int[] {base + 500, base + 1200}, sack(4));
        assertEquals(-200, queue.outOfOrderLeft(0));
        assertEquals(500, queue.outOfOrderRight(0));
        assertEquals(base + 1200, receive(base, base + 500));
        final ByteBuffer out = ByteBuffer.allocate(2000);
        assertEquals(1200, queue.read(out));
        for (int i = 0; i < 1200; i++)
        {
            assertEquals(pattern(base + i), out.get(i));
        }
        receive(base - 100, base + 10);
        assertArrayEquals(new int[] {base - 100, base + 10}, sack(4));
    }

    @Test
    void shouldKeepTheRightEdgeUntilTheWindowCanGrowByOneMss()
    {
        // RFC 9293 §3.8.6.2.2: RCV.BUFF = 4096, Eff.snd.MSS = 1000, threshold min(2048, 1000) = 1000.
        queue = new ReceiveQueue(4096, 8);
        queue.open(1000, 0, 1000);
        assertEquals(4096, queue.freeSpace());
        assertEquals(4096, queue.advertiseWindow());
        assertEquals(1000 + 4096, queue.advertisedRightEdge());
        receive(1000, 2000);
        assertEquals(3096, queue.freeSpace());
        assertEquals(3096, queue.advertiseWindow());
        final MemorySegment out = arena.allocate(4096);
        queue.read(out, 0, 500);
        assertEquals(3596, queue.freeSpace());
        assertEquals(3096, queue.receiveWindow(), "a 500-byte increase is below the threshold: edge kept");
        queue.read(out, 0, 499);
        assertEquals(3096, queue.advertiseWindow(), "999 bytes: still below");
        queue.read(out, 0, 1);
        assertEquals(4096, queue.advertiseWindow(), "1000 bytes: the window opens to the free space");
        assertEquals(2000 + 4096, queue.advertisedRightEdge());
    }

    @Test
    void shouldHoldAZeroWindowUntilHalfTheBufferIsFreeForSmallBuffers()
    {
        // RCV.BUFF 1000 < MSS 1460: threshold min(500, 1460) = 500.
        queue = new ReceiveQueue(1000, 8);
        queue.open(0, 0, 1460);
        assertEquals(1000, queue.advertiseWindow());
        receive(0, 1000);
        assertEquals(0, queue.advertiseWindow());
        final MemorySegment out = arena.allocate(1000);
        queue.read(out, 0, 499);
        assertEquals(0, queue.advertiseWindow());
        queue.read(out, 0, 1);
        assertEquals(500, queue.advertiseWindow());
    }

    @Test
    void shouldAlignTheWindowToTheScaleWithoutMovingTheEdgeLeft()
    {
        // RFC 7323: shift 3, so windows are multiples of 8.
        queue = new ReceiveQueue(4096, 8);
        queue.open(0, 3, 1000);
        assertEquals(4096, queue.advertiseWindow());
        receive(0, 3);
        assertEquals(4093, queue.freeSpace());
        assertEquals(4096, queue.advertiseWindow(), "4093 rounded down would move the edge left: rounded up");
        assertEquals(4099, queue.advertisedRightEdge());
        receive(3, 4099);
        assertEquals(3, queue.lastOutsideWindow(), "the 3 bytes past the buffer end");
        assertEquals(0, queue.freeSpace());
        assertEquals(8, queue.advertiseWindow(), "3 bytes left of the edge: 0 would shrink it, so one unit");
        assertEquals(4104, queue.advertisedRightEdge());
        assertEquals(8, queue.advertiseWindow(), "stable while nothing is read");
        final MemorySegment out = arena.allocate(4096);
        queue.read(out, 0, 1001);
        assertEquals(8, queue.advertiseWindow(), "1001 free is 993 more than the window: below the MSS");
        queue.read(out, 0, 10);
        assertEquals(1008, queue.advertiseWindow(), "1011 free, rounded down to 1008");
    }

    @Test
    void shouldCapTheWindowAtTheLargestFieldValue()
    {
        queue = new ReceiveQueue(1 << 20, 8);
        queue.open(0, 0, 1460);
        assertEquals(65_535, queue.advertiseWindow());
        queue.open(0, 4, 1460);
        assertEquals(65_535 << 4, queue.advertiseWindow());
        queue.open(0, 5, 1460);
        assertEquals(1 << 20, queue.advertiseWindow());
        queue.open(0, 2, 1460);
        assertEquals(65_535 << 2, queue.advertiseWindow());
    }

    @Test
    void shouldReadThroughTheRingWrap()
    {
        queue = new ReceiveQueue(100, 4);
        queue.open(0, 0, 10);
        final MemorySegment out = arena.allocate(100);
        int seq = 0;
        for (int round = 0; round < 50; round++)
        {
            receive(seq + 30, seq + 70);
            receive(seq, seq + 30);
            assertEquals(70, queue.read(out, 0, 100));
            for (int i = 0; i < 70; i++)
            {
                assertEquals(pattern(seq + i), out.get(ValueLayout.JAVA_BYTE, i));
            }
            seq += 70;
        }
        assertEquals(3500, queue.bytesRead());
    }

    @Test
    void shouldRejectBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new ReceiveQueue(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReceiveQueue(10, 0));
        queue = new ReceiveQueue(100, 4);
        assertThrows(IllegalArgumentException.class, () -> queue.open(0, 15, 100));
        assertThrows(IllegalArgumentException.class, () -> queue.open(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> queue.offer(0, wire, wire.byteSize() - 1, 2));
        assertThrows(IllegalArgumentException.class, () -> queue.sackBlocks(new int[8], 5));
        assertThrows(IllegalArgumentException.class, () -> queue.sackBlocks(new int[4], 3));
        assertThrows(IndexOutOfBoundsException.class, () -> queue.outOfOrderLeft(0));
    }
}
