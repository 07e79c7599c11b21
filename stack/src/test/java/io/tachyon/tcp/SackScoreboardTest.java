package io.tachyon.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6675 scenarios worked by hand. SMSS = 1000; ten segments S1..S10 = [1000, 2000) .. [10000, 11000) are in
 * flight (HighACK 1000, HighData 10999); S1 and S3 are lost.
 */
class SackScoreboardTest
{
    private static final int SMSS = 1000;

    private final SackScoreboard board = new SackScoreboard(8, SMSS);

    private int ack(final int cumulative, final int... edges)
    {
        return board.update(cumulative, edges, edges.length / 2);
    }

    private SackScoreboard flight(final int base)
    {
        board.reset(base + 1000, base + 11_000, SMSS);
        return board;
    }

    @Test
    void shouldDeclareLossAfterMoreThanTwoSegmentsSackedAbove()
    {
        flight(0);
        assertEquals(1000, ack(1000, 2000, 3000));
        assertFalse(board.isLost(1000), "1 range, 1000 octets above");
        assertEquals(1000, ack(1000, 4000, 5000, 2000, 3000));
        assertFalse(board.isLost(1000), "2 ranges, 2000 octets: not more than (DupThresh - 1) * SMSS");
        assertEquals(1000, ack(1000, 4000, 6000, 2000, 3000));
        assertTrue(board.isLost(1000), "3000 octets above > 2000");
        assertTrue(board.isLost(1999));
        assertFalse(board.isLost(3000), "1 range, 2000 octets above");
        assertEquals(2, board.rangeCount());
        assertEquals(3000, board.sackedOctets());
        // SetPipe: 1000-1999 lost (0); 3000-3999 not lost (1000); 6000-10999 not lost (5000).
        assertEquals(6000, board.pipe());
    }

    @Test
    void shouldDeclareLossAfterDupThreshDiscontiguousRanges()
    {
        flight(0);
        ack(1000, 2000, 2100, 3000, 3100, 4000, 4100);
        assertTrue(board.isLost(1000), "3 ranges above although only 300 octets");
        assertFalse(board.isLost(2100), "2 ranges above");
    }

    @Test
    void shouldChooseSegmentsByNextSegRulesAndCountRetransmissionsInPipe()
    {
        flight(0);
        ack(1000, 2000, 3000);
        ack(1000, 4000, 5000, 2000, 3000);
        ack(1000, 4000, 6000, 2000, 3000);
        board.enterRecovery();
        assertTrue(board.inRecovery());
        assertEquals(10_999, board.recoveryPoint());
        assertEquals(999, board.highRxt());

        assertEquals(SackScoreboard.RULE_LOST, board.nextSeg(0));
        assertEquals(1000, board.nextSeq());
        assertEquals(1000, board.nextLength());
        board.onRetransmit(1000, 1000);
        assertEquals(1999, board.highRxt());
        // 6000 as before plus the retransmitted 1000-1999 (at most HighRxt).
        assertEquals(7000, board.pipe());

        assertEquals(SackScoreboard.RULE_NEW_DATA, board.nextSeg(500), "no lost octet above HighRxt: new data");
        assertEquals(11_000, board.nextSeq());
        assertEquals(500, board.nextLength());
        assertEquals(SackScoreboard.RULE_NEW_DATA, board.nextSeg(5000));
        assertEquals(SMSS, board.nextLength());

        assertEquals(SackScoreboard.RULE_UNSACKED, board.nextSeg(0), "rule (3): 3000 is below the highest SACK");
        assertEquals(3000, board.nextSeq());
        assertEquals(1000, board.nextLength());

        ack(1000, 4000, 7000, 2000, 3000);
        assertTrue(board.isLost(3000));
        assertEquals(SackScoreboard.RULE_LOST, board.nextSeg(0));
        assertEquals(3000, board.nextSeq());
        // 1000-1999: lost, retransmitted (1000); 3000-3999: lost (0); 7000-10999 (4000).
        assertEquals(5000, board.pipe());
        board.onRetransmit(3000, 1000);
        assertEquals(3999, board.highRxt());
        assertEquals(6000, board.pipe());

        assertEquals(SackScoreboard.RULE_RESCUE, board.nextSeg(0), "rule (4): the highest unSACKed octet 10999");
        assertEquals(10_000, board.nextSeq());
        assertEquals(1000, board.nextLength());
        assertTrue(board.rescueRxtDefined());
        assertEquals(10_999, board.rescueRxt());
        assertEquals(3999, board.highRxt(), "rule (4) does not move HighRxt");
        assertEquals(SackScoreboard.NONE, board.nextSeg(0), "one rescue per recovery");
        assertEquals(0, board.nextLength());

        ack(7000);
        assertEquals(0, board.rangeCount());
        assertEquals(6999, board.highRxt());
        assertTrue(board.inRecovery());
        assertEquals(4000, board.pipe());
        ack(11_000);
        assertFalse(board.inRecovery(), "the cumulative ACK passed RecoveryPoint");
        assertEquals(0, board.pipe());
    }

    @Test
    void shouldRescueInsideTheHoleBelowARangeEndingAtHighData()
    {
        flight(0);
        ack(1000, 9000, 11_000);
        board.enterRecovery();
        board.onRetransmit(1000, 8000);
        assertEquals(SackScoreboard.RULE_RESCUE, board.nextSeg(0));
        assertEquals(8000, board.nextSeq());
        assertEquals(1000, board.nextLength());
    }

    @Test
    void shouldReportDsacksWithoutMarkingThem()
    {
        flight(0);
        assertEquals(0, ack(3000, 1000, 1500));
        assertTrue(board.lastAckHadDsack(), "first block below the cumulative ACK");
        assertEquals(1000, board.lastDsackLeft());
        assertEquals(1500, board.lastDsackRight());
        assertEquals(0, board.rangeCount());
        assertEquals(2000, ack(3000, 5000, 5500, 4000, 6000));
        assertTrue(board.lastAckHadDsack(), "first block inside the second");
        assertEquals(1, board.rangeCount());
        assertEquals(4000, board.rangeLeft(0));
        assertEquals(6000, board.rangeRight(0));
        ack(3000, 7000, 8000);
        assertFalse(board.lastAckHadDsack());
        assertEquals(2, board.dsacksReceived());
    }

    @Test
    void shouldIgnoreInvalidBlocksAndTrimPartlyAcknowledgedOnes()
    {
        flight(0);
        assertEquals(0, ack(1000, 6000, 6000));
        assertEquals(0, ack(1000, 7000, 6000));
        assertEquals(0, ack(1000, 10_000, 11_001));
        assertEquals(3, board.invalidBlocks());
        assertEquals(0, ack(11_001));
        assertEquals(1, board.invalidAcks());
        assertEquals(1000 + 500, ack(2000, 3000, 4000, 1500, 2500));
        assertEquals(2, board.rangeCount());
        assertEquals(2000, board.rangeLeft(0), "1500-2500 trimmed to the cumulative ACK 2000");
        assertEquals(1500, board.sackedOctets());
        assertEquals(0, ack(2000, 2000, 2500, 3000, 4000), "nothing new (the first block is inside nothing)");
    }

    @Test
    void shouldMergeOverlappingBlocksAndCountOnlyNewOctets()
    {
        flight(0);
        assertEquals(1000, ack(1000, 2000, 3000));
        assertEquals(1000, ack(1000, 4000, 5000));
        assertEquals(1000, ack(1000, 2500, 4500));
        assertEquals(1, board.rangeCount());
        assertEquals(2000, board.rangeLeft(0));
        assertEquals(5000, board.rangeRight(0));
        assertEquals(0, ack(1000, 2000, 5000));
    }

    @Test
    void shouldForgetTheSmallestRangeWhenFull()
    {
        final SackScoreboard small = new SackScoreboard(3, SMSS);
        small.reset(0, 100_000, SMSS);
        small.update(0, new int[] {1000, 3000}, 1);
        small.update(0, new int[] {4000, 4500}, 1);
        small.update(0, new int[] {5000, 6000}, 1);
        small.update(0, new int[] {7000, 9000}, 1);
        assertEquals(3, small.rangeCount());
        assertEquals(1, small.rangesDropped());
        assertEquals(1000, small.rangeLeft(0));
        assertEquals(5000, small.rangeLeft(1));
        assertEquals(7000, small.rangeLeft(2));
        assertEquals(0, small.update(0, new int[] {10_000, 10_100}, 1), "the new block is the smallest");
        assertEquals(2, small.rangesDropped());
        assertEquals(3, small.rangeCount());
        assertEquals(700, small.update(0, new int[] {3000, 3700}, 1), "touching a range needs no new slot");
        assertEquals(2, small.rangesDropped());
    }

    @Test
    void shouldWorkAcrossTheSequenceNumberWrap()
    {
        final int base = -5000;
        flight(base);
        ack(base + 1000, base + 2000, base + 3000);
        ack(base + 1000, base + 4000, base + 6000, base + 2000, base + 3000);
        assertTrue(board.isLost(base + 1000));
        assertFalse(board.isLost(base + 3000));
        assertEquals(6000, board.pipe());
        board.enterRecovery();
        assertEquals(SackScoreboard.RULE_LOST, board.nextSeg(0));
        assertEquals(base + 1000, board.nextSeq());
        board.onRetransmit(base + 1000, 1000);
        assertEquals(7000, board.pipe());
        ack(base + 6000);
        assertEquals(0, board.rangeCount());
        assertEquals(5000, board.pipe());
        assertEquals(base + 5999, board.highRxt());
    }

    @Test
    void shouldClearOrKeepSackInformationOnTimeout()
    {
        flight(0);
        ack(1000, 4000, 6000, 2000, 3000);
        board.enterRecovery();
        board.onRetransmit(1000, 1000);
        board.onRetransmissionTimeout(true);
        assertFalse(board.inRecovery());
        assertEquals(999, board.highRxt());
        assertEquals(2, board.rangeCount());
        board.onRetransmissionTimeout(false);
        assertEquals(0, board.rangeCount());
        assertEquals(10_000, board.pipe(), "everything outstanding counts again");
    }

    @Test
    void shouldRejectBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new SackScoreboard(0, 1000));
        assertThrows(IllegalArgumentException.class, () -> new SackScoreboard(4, 0));
        assertThrows(IllegalArgumentException.class, () -> board.reset(10, 5, 1000));
        flight(0);
        assertThrows(IllegalArgumentException.class, () -> board.update(1000, new int[2], 2));
        assertThrows(IllegalArgumentException.class, () -> board.onRetransmit(500, 100));
        assertThrows(IllegalArgumentException.class, () -> board.onRetransmit(10_500, 1000));
        assertThrows(IndexOutOfBoundsException.class, () -> board.rangeLeft(0));
    }
}
