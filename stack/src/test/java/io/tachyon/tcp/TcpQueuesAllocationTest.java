package io.tachyon.tcp;

import io.tachyon.testing.Allocations;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queues and the scoreboard allocate nothing per segment once warmed up (see {@link Allocations}). */
class TcpQueuesAllocationTest
{
    private static final int SEGMENTS = 1_000_000;
    private static final int MSS = 100;

    @Test
    void shouldAllocateNothingReceivingAMillionReorderedAndDuplicatedSegments() throws Exception
    {
        try (Arena arena = Arena.ofConfined(); ReceiveQueue queue = new ReceiveQueue(8192, 16))
        {
            final MemorySegment wire = arena.allocate(4 * MSS);
            final MemorySegment out = arena.allocate(8192);
            final ByteBuffer direct = ByteBuffer.allocateDirect(8192);
            final int[] edges = new int[8];
            final long[] sum = new long[1];
            queue.open(-3_000_000, 2, MSS);
            Allocations.assertSteadyStateAllocatesNothing("receiving " + SEGMENTS + " segments", 2, 5, () ->
            {
                int seq = queue.rcvNxt();
                for (int i = 0; i < SEGMENTS; i += 4)
                {
                    // order: 2nd, 3rd, 2nd again (duplicate), 1st, then 4th: SACK, D-SACK, gap filled, in order
                    queue.offer(seq + MSS, wire, MSS, MSS);
                    sum[0] += queue.sackBlocks(edges, 3);
                    queue.offer(seq + 2 * MSS, wire, 2 * MSS, MSS);
                    queue.offer(seq + MSS, wire, MSS, MSS);
                    sum[0] += queue.sackBlocks(edges, 4);
                    queue.clearDsack();
                    queue.offer(seq, wire, 0, MSS);
                    queue.offer(seq + 3 * MSS, wire, 3 * MSS, MSS);
                    sum[0] += queue.advertiseWindow();
                    if ((i & 4) == 0)
                    {
                        sum[0] += queue.read(out, 0, 8192);
                    }
                    else
                    {
                        direct.clear();
                        sum[0] += queue.read(direct);
                    }
                    seq += 4 * MSS;
                }
            });
            assertTrue(sum[0] > 0);
            assertEquals(0, queue.outOfOrderBlocks());
            assertTrue(queue.duplicateSegments() >= SEGMENTS / 4);
        }
    }

    @Test
    void shouldAllocateNothingSendingAndAckingAMillionSegments() throws Exception
    {
        try (Arena arena = Arena.ofConfined(); SendQueue queue = new SendQueue(8192))
        {
            final MemorySegment app = arena.allocate(4 * MSS);
            final MemorySegment frame = arena.allocate(MSS);
            final ByteBuffer direct = ByteBuffer.allocateDirect(MSS);
            final long[] sum = new long[1];
            queue.open(-1_000_000);
            Allocations.assertSteadyStateAllocatesNothing("sending " + SEGMENTS + " segments", 2, 5, () ->
            {
                for (int i = 0; i < SEGMENTS; i += 2)
                {
                    queue.write(app, 0, MSS);
                    direct.clear();
                    queue.write(direct);
                    final int una = queue.sndUna();
                    sum[0] += queue.peek(una, frame, 0, MSS);
                    sum[0] += queue.peek(una + MSS, frame, 0, MSS);
                    queue.sent(una + 2 * MSS);
                    sum[0] += queue.peek(una, frame, 0, MSS);
                    sum[0] += queue.ack(una + 2 * MSS);
                }
            });
            assertTrue(sum[0] > 0);
            assertEquals(0, queue.buffered());
        }
    }

    @Test
    void shouldAllocateNothingScoringAMillionSackedAcks() throws Exception
    {
        final SackScoreboard board = new SackScoreboard(8, MSS);
        final int[] edges = new int[8];
        final long[] sum = new long[1];
        board.reset(-500_000, -500_000, MSS);
        Allocations.assertSteadyStateAllocatesNothing("scoring " + SEGMENTS + " ACKs", 2, 5, () ->
        {
            for (int i = 0; i < SEGMENTS; i += 4)
            {
                final int una = board.highAck();
                board.onTransmit(una + 10 * MSS);
                edges[0] = una + 2 * MSS;
                edges[1] = una + 3 * MSS;
                edges[2] = una + 4 * MSS;
                edges[3] = una + 6 * MSS;
                sum[0] += board.update(una, edges, 2);
                sum[0] += board.pipe();
                board.enterRecovery();
                sum[0] += board.nextSeg(0);
                board.onRetransmit(board.nextSeq(), board.nextLength());
                sum[0] += board.nextSeg(MSS) + board.nextSeg(0);
                sum[0] += board.isLost(una) ? 1 : 0;
                edges[0] = una;
                edges[1] = una + MSS;
                sum[0] += board.update(una + 4 * MSS, edges, 1);
                sum[0] += board.update(una + 10 * MSS, edges, 0);
            }
        });
        assertTrue(sum[0] > 0);
        assertEquals(0, board.rangeCount());
        assertTrue(board.dsacksReceived() >= SEGMENTS / 4);
    }
}
