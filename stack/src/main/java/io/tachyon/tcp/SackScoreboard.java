package io.tachyon.tcp;

import java.util.Objects;

/**
 * The sender's SACK scoreboard and the conservative loss recovery bookkeeping of RFC 6675. Single-threaded; no
 * allocation after construction; at most {@code maxRanges} SACKed ranges.
 * <p>
 * <b>Variables</b> (RFC 6675 §2), all sequence numbers compared modulo 2^32:
 * <ul>
 *   <li>HighACK = {@link #highAck()}: the cumulative ACK, i.e. SND.UNA, the first unacknowledged octet.</li>
 *   <li>HighData = {@link #highData()}: the highest octet sent, SND.NXT - 1 ({@link #onTransmit(int)}).</li>
 *   <li>HighRxt = {@link #highRxt()}: the highest octet retransmitted in this recovery; HighACK - 1 when none.</li>
 *   <li>RescueRxt = {@link #rescueRxt()}, defined once rule (4) of NextSeg fired ({@link #rescueRxtDefined()}).</li>
 *   <li>RecoveryPoint = {@link #recoveryPoint()}: HighData when recovery began ({@link #enterRecovery()}).</li>
 *   <li>DupThresh = {@value #DUP_THRESH}.</li>
 * </ul>
 * <b>Update</b> ({@link #update}). The cumulative ACK removes ranges below it; then each SACK block is validated:
 * the first block is a D-SACK (RFC 2883 §4) when it lies below the cumulative ACK or inside the second block; it is
 * counted and reported ({@link #lastAckHadDsack()}, {@link #lastDsackLeft()}, {@link #lastDsackRight()}) but never
 * marks anything SACKed. Any other block must have left &lt; right and right &le; SND.NXT; a block partly below
 * the cumulative ACK is trimmed to it, one wholly below is ignored; invalid blocks are counted
 * ({@link #invalidBlocks()}) and ignored. Valid blocks are merged into the sorted, disjoint ranges.
 * <p>
 * <b>Bound</b>. When a block needs a new range and {@code maxRanges} are held, the smallest range (fewest octets;
 * the new block included, the higher one on a tie) is forgotten and counted ({@link #rangesDropped()}). Forgetting
 * a SACK is safe: those octets only look un-SACKed, so they may be retransmitted needlessly and the pipe is
 * overestimated (more conservative), never the reverse. The smallest range carries the least information.
 * <p>
 * <b>IsLost</b> ({@link #isLost(int)}, RFC 6675 §4): true when at least DupThresh discontiguous SACKed ranges lie
 * wholly above the octet, or more than (DupThresh - 1) * SMSS SACKed octets lie above it. "Discontiguous SACKed
 * sequences" are counted as the ranges of this scoreboard (RFC 6675 leaves the unit open).
 * <p>
 * <b>Pipe</b> ({@link #pipe()}, SetPipe of RFC 6675 §4): for every octet from HighACK to HighData not SACKed, one if
 * IsLost is false, plus one if it is at most HighRxt. IsLost is constant across a hole between two ranges, so this
 * is computed per hole.
 * <p>
 * <b>NextSeg</b> ({@link #nextSeg(int)}, RFC 6675 §4): rules (1) to (4), segments of at most SMSS octets, never
 * crossing into SACKed octets. Rule (4), the rescue retransmission, fires once per recovery (only in recovery) and
 * sets RescueRxt = RecoveryPoint itself; after sending a rule (1) or (3) segment, call {@link #onRetransmit} to
 * raise HighRxt (RFC 6675 §5 step (C.3); not for rule (4)).
 * <p>
 * <b>Retransmission timeout</b> ({@link #onRetransmissionTimeout(boolean)}, RFC 6675 §5.1): recovery ends, HighRxt
 * and RescueRxt are reset, and the SACK information is either expunged (RFC 2018 §8's advice, since the receiver may
 * have reneged) or kept, as the caller chooses (RFC 6675 §5.1 allows keeping it).
 */
public final class SackScoreboard
{
    /** DupThresh (RFC 6675 §2, RFC 5681). */
    public static final int DUP_THRESH = 3;
    /** No segment: {@link #nextSeg(int)} found nothing to send. */
    public static final int NONE = 0;
    /** NextSeg rule (1): a lost octet above HighRxt. */
    public static final int RULE_LOST = 1;
    /** NextSeg rule (2): new data. */
    public static final int RULE_NEW_DATA = 2;
    /** NextSeg rule (3): an un-SACKed octet above HighRxt not yet deemed lost. */
    public static final int RULE_UNSACKED = 3;
    /** NextSeg rule (4): the rescue retransmission. */
    public static final int RULE_RESCUE = 4;

    private final int maxRanges;
    private final int[] left;
    private final int[] right;
    private int count;
    private int smss;

    private int highAck;
    private int sndNxt;
    private int highRxt;
    private int rescueRxt;
    private boolean rescueDefined;
    private int recoveryPoint;
    private boolean inRecovery;

    private int nextSeq;
    private int nextLength;

    private boolean lastDsack;
    private int dsackLeft;
    private int dsackRight;

    private long blocksAccepted;
    private long dsacksReceived;
    private long invalidBlocks;
    private long invalidAcks;
    private long rangesDropped;
    private long rescues;

    /**
     * Creates an empty scoreboard with SND.UNA = SND.NXT = 0.
     *
     * @param maxRanges most disjoint SACKed ranges kept, 1 to 65536.
     * @param smss      SMSS in octets, at least 1.
     * @throws IllegalArgumentException naming the bad value.
     */
    public SackScoreboard(final int maxRanges, final int smss)
    {
        if (maxRanges < 1 || maxRanges > 65_536)
        {
            throw new IllegalArgumentException("maxRanges must be 1..65536: " + maxRanges);
        }
        this.maxRanges = maxRanges;
        this.left = new int[maxRanges];
        this.right = new int[maxRanges];
        reset(0, 0, smss);
    }

    /**
     * Starts a connection: forgets everything, leaves recovery and zeroes the counters.
     *
     * @param sndUna   SND.UNA.
     * @param sndNxt   SND.NXT.
     * @param sendMss  SMSS in octets, at least 1.
     * @throws IllegalArgumentException naming the bad value.
     */
    public void reset(final int sndUna, final int sndNxt, final int sendMss)
    {
        if (sendMss < 1)
        {
            throw new IllegalArgumentException("SMSS must be positive: " + sendMss);
        }
        if (Seq.lt(sndNxt, sndUna))
        {
            throw new IllegalArgumentException("SND.NXT " + Integer.toUnsignedString(sndNxt) + " before SND.UNA "
                + Integer.toUnsignedString(sndUna));
        }
        smss = sendMss;
        count = 0;
        highAck = sndUna;
        this.sndNxt = sndNxt;
        highRxt = sndUna - 1;
        rescueDefined = false;
        rescueRxt = 0;
        recoveryPoint = sndUna - 1;
        inRecovery = false;
        nextSeq = 0;
        nextLength = 0;
        lastDsack = false;
        blocksAccepted = 0;
        dsacksReceived = 0;
        invalidBlocks = 0;
        invalidAcks = 0;
        rangesDropped = 0;
        rescues = 0;
    }

    /**
     * Records that data up to {@code newSndNxt} was sent (HighData = newSndNxt - 1). Going backwards is ignored.
     *
     * @param newSndNxt SND.NXT after the transmission.
     */
    public void onTransmit(final int newSndNxt)
    {
        if (Seq.gt(newSndNxt, sndNxt))
        {
            sndNxt = newSndNxt;
        }
    }

    /**
     * RFC 6675 Update(): processes an acknowledgment's cumulative ACK and SACK blocks (see the class comment).
     * An ACK beyond SND.NXT is ignored whole ({@link #invalidAcks()}); one below HighACK moves nothing back.
     *
     * @param ack        SEG.ACK.
     * @param edges      left, right edge pairs as received: {@code edges[2i]}, {@code edges[2i + 1]}.
     * @param blockCount blocks in {@code edges}, 0 to edges.length / 2.
     * @return octets newly SACKed by this acknowledgment (D-SACKs excluded).
     * @throws IllegalArgumentException when blockCount does not fit {@code edges}.
     */
    public int update(final int ack, final int[] edges, final int blockCount)
    {
        if (blockCount < 0 || 2 * blockCount > edges.length)
        {
            throw new IllegalArgumentException("blockCount " + blockCount + " does not fit " + edges.length
                + " edges");
        }
        lastDsack = false;
        if (Seq.gt(ack, sndNxt))
        {
            invalidAcks++;
            return 0;
        }
        if (Seq.gt(ack, highAck))
        {
            advanceAck(ack);
        }
        int newlySacked = 0;
        for (int b = 0; b < blockCount; b++)
        {
            final int l = edges[2 * b];
            final int r = edges[2 * b + 1];
            if (b == 0 && Seq.lt(l, r) && (Seq.leq(r, ack) || blockCount > 1
                && Seq.leq(edges[2], l) && Seq.geq(edges[3], r) && Seq.lt(edges[2], edges[3])))
            {
                lastDsack = true;
                dsackLeft = l;
                dsackRight = r;
                dsacksReceived++;
                continue;
            }
            if (!Seq.lt(l, r) || Seq.gt(r, sndNxt) || Seq.leq(r, highAck))
            {
                invalidBlocks++;
                continue;
            }
            blocksAccepted++;
            newlySacked += insert(Seq.max(l, highAck), r);
        }
        return newlySacked;
    }

    private void advanceAck(final int ack)
    {
        highAck = ack;
        int drop = 0;
        while (drop < count && Seq.leq(right[drop], ack))
        {
            drop++;
        }
        if (drop > 0)
        {
            System.arraycopy(left, drop, left, 0, count - drop);
            System.arraycopy(right, drop, right, 0, count - drop);
            count -= drop;
        }
        if (count > 0 && Seq.lt(left[0], ack))
        {
            left[0] = ack;
        }
        if (Seq.lt(highRxt, ack - 1))
        {
            highRxt = ack - 1;
        }
        if (inRecovery && Seq.gt(ack, recoveryPoint))
        {
            inRecovery = false;
        }
        if (rescueDefined && Seq.lt(rescueRxt, ack - 1))
        {
            rescueRxt = ack - 1;
        }
        if (Seq.lt(recoveryPoint, ack - 1))
        {
            recoveryPoint = ack - 1;
        }
    }

    private int insert(final int l, final int r)
    {
        int i = 0;
        while (i < count && Seq.lt(right[i], l))
        {
            i++;
        }
        int j = i - 1;
        while (j + 1 < count && Seq.leq(left[j + 1], r))
        {
            j++;
        }
        if (j < i)
        {
            if (count == maxRanges)
            {
                int smallest = 0;
                for (int k = 1; k < count; k++)
                {
                    if (right[k] - left[k] <= right[smallest] - left[smallest])
                    {
                        smallest = k;
                    }
                }
                rangesDropped++;
                if (r - l < right[smallest] - left[smallest])
                {
                    return 0;
                }
                System.arraycopy(left, smallest + 1, left, smallest, count - smallest - 1);
                System.arraycopy(right, smallest + 1, right, smallest, count - smallest - 1);
                count--;
                if (smallest < i)
                {
                    i--;
                }
            }
            System.arraycopy(left, i, left, i + 1, count - i);
            System.arraycopy(right, i, right, i + 1, count - i);
            left[i] = l;
            right[i] = r;
            count++;
            return r - l;
        }
        int covered = 0;
        for (int k = i; k <= j; k++)
        {
            final int s = Seq.max(left[k], l);
            final int e = Seq.min(right[k], r);
            if (Seq.lt(s, e))
            {
                covered += e - s;
            }
        }
        final int mergedLeft = Seq.min(left[i], l);
        final int mergedRight = Seq.max(right[j], r);
        System.arraycopy(left, j + 1, left, i + 1, count - j - 1);
        System.arraycopy(right, j + 1, right, i + 1, count - j - 1);
        count -= j - i;
        left[i] = mergedLeft;
        right[i] = mergedRight;
        return r - l - covered;
    }

    /**
     * RFC 6675 IsLost(SeqNum).
     *
     * @param seq an octet's sequence number.
     * @return whether the octet is deemed lost.
     */
    public boolean isLost(final int seq)
    {
        int rangesAbove = 0;
        long octetsAbove = 0;
        for (int k = 0; k < count; k++)
        {
            if (Seq.gt(left[k], seq))
            {
                rangesAbove++;
                octetsAbove += right[k] - left[k];
            }
            else if (Seq.gt(right[k], seq + 1))
            {
                octetsAbove += right[k] - (seq + 1);
            }
        }
        return lost(rangesAbove, octetsAbove);
    }

    private boolean lost(final int rangesAbove, final long octetsAbove)
    {
        return rangesAbove >= DUP_THRESH || octetsAbove > (long)(DUP_THRESH - 1) * smss;
    }

    /**
     * RFC 6675 SetPipe(): the octets estimated in flight.
     *
     * @return pipe in octets.
     */
    public long pipe()
    {
        long pipe = 0;
        long above = 0;
        int end = sndNxt;
        for (int k = count; k >= 0; k--)
        {
            final int holeStart = k == 0 ? highAck : right[k - 1];
            final int holeEnd = end;
            if (Seq.lt(holeStart, holeEnd))
            {
                if (!lost(count - k, above))
                {
                    pipe += holeEnd - holeStart;
                }
                final int rxEnd = Seq.min(holeEnd, highRxt + 1);
                if (Seq.lt(holeStart, rxEnd))
                {
                    pipe += rxEnd - holeStart;
                }
            }
            if (k > 0)
            {
                above += right[k - 1] - left[k - 1];
                end = left[k - 1];
            }
        }
        return pipe;
    }

    /**
     * RFC 6675 NextSeg(): chooses the next segment to send in loss recovery. The result is in {@link #nextSeq()}
     * and {@link #nextLength()}.
     *
     * @param sendableNew octets of unsent data the receiver's window (and the send buffer) allow now, for rule (2).
     * @return {@link #RULE_LOST}, {@link #RULE_NEW_DATA}, {@link #RULE_UNSACKED}, {@link #RULE_RESCUE}, or
     *     {@link #NONE}.
     */
    public int nextSeg(final int sendableNew)
    {
        nextLength = 0;
        if (count > 0)
        {
            long above = 0;
            for (int k = 0; k < count; k++)
            {
                above += right[k] - left[k];
            }
            int holeStart = highAck;
            for (int k = 0; k < count; k++)
            {
                final int s2 = Seq.max(holeStart, highRxt + 1);
                if (!lost(count - k, above))
                {
                    break;
                }
                if (Seq.lt(s2, left[k]))
                {
                    return choose(RULE_LOST, s2, left[k] - s2);
                }
                above -= right[k] - left[k];
                holeStart = right[k];
            }
        }
        if (sendableNew > 0)
        {
            return choose(RULE_NEW_DATA, sndNxt, sendableNew);
        }
        int holeStart = highAck;
        for (int k = 0; k < count; k++)
        {
            final int s3 = Seq.max(holeStart, highRxt + 1);
            if (Seq.lt(s3, left[k]))
            {
                return choose(RULE_UNSACKED, s3, left[k] - s3);
            }
            holeStart = right[k];
        }
        if (inRecovery && (!rescueDefined || Seq.gt(highAck, rescueRxt)))
        {
            final int top = count > 0 && right[count - 1] == sndNxt ? left[count - 1] : sndNxt;
            final int bottom = count > 0 && right[count - 1] == sndNxt
                ? (count > 1 ? right[count - 2] : highAck)
                : (count > 0 ? right[count - 1] : highAck);
            if (Seq.lt(bottom, top))
            {
                final int start = top - bottom > smss ? top - smss : bottom;
                rescueRxt = recoveryPoint;
                rescueDefined = true;
                rescues++;
                return choose(RULE_RESCUE, start, top - start);
            }
        }
        return NONE;
    }

    private int choose(final int rule, final int seq, final int room)
    {
        nextSeq = seq;
        nextLength = Math.min(room, smss);
        return rule;
    }

    /**
     * First sequence number of the segment {@link #nextSeg(int)} chose.
     *
     * @return a sequence number.
     */
    public int nextSeq()
    {
        return nextSeq;
    }

    /**
     * Length of the segment {@link #nextSeg(int)} chose (0 when it returned {@link #NONE}).
     *
     * @return octets, at most SMSS.
     */
    public int nextLength()
    {
        return nextLength;
    }

    /**
     * Records a retransmission of [seq, seq + length) chosen by rule (1) or (3): HighRxt becomes its highest octet
     * if that is higher (RFC 6675 §5 (C.3)). Not for rule (4), nor for new data.
     *
     * @param seq    first octet retransmitted.
     * @param length octets, at least 1.
     * @throws IllegalArgumentException when the range is not inside HighACK .. SND.NXT.
     */
    public void onRetransmit(final int seq, final int length)
    {
        if (length < 1 || Seq.lt(seq, highAck) || Seq.gt(seq + length, sndNxt))
        {
            throw new IllegalArgumentException("retransmission [" + Integer.toUnsignedString(seq) + ", +" + length
                + ") outside HighACK " + Integer.toUnsignedString(highAck) + " .. SND.NXT "
                + Integer.toUnsignedString(sndNxt));
        }
        final int last = seq + length - 1;
        if (Seq.gt(last, highRxt))
        {
            highRxt = last;
        }
    }

    /**
     * Enters loss recovery (RFC 6675 §5 step (4.1)): RecoveryPoint = HighData, HighRxt = HighACK - 1 (nothing
     * retransmitted yet), RescueRxt undefined. Recovery ends when a cumulative ACK passes RecoveryPoint.
     */
    public void enterRecovery()
    {
        inRecovery = true;
        recoveryPoint = sndNxt - 1;
        highRxt = highAck - 1;
        rescueDefined = false;
    }

    /**
     * A retransmission timeout (RFC 6675 §5.1): leaves recovery, resets HighRxt and RescueRxt, and expunges the
     * SACKed ranges unless {@code keepSackInformation}.
     *
     * @param keepSackInformation true to keep the ranges (RFC 6675 §5.1), false to clear them (RFC 2018 §8).
     */
    public void onRetransmissionTimeout(final boolean keepSackInformation)
    {
        inRecovery = false;
        highRxt = highAck - 1;
        rescueDefined = false;
        if (!keepSackInformation)
        {
            count = 0;
        }
    }

    /**
     * Whether loss recovery is in progress.
     *
     * @return true between {@link #enterRecovery()} and the ACK past RecoveryPoint or a timeout.
     */
    public boolean inRecovery()
    {
        return inRecovery;
    }

    /**
     * HighACK: the cumulative ACK (SND.UNA).
     *
     * @return a sequence number.
     */
    public int highAck()
    {
        return highAck;
    }

    /**
     * HighData: SND.NXT - 1.
     *
     * @return a sequence number.
     */
    public int highData()
    {
        return sndNxt - 1;
    }

    /**
     * HighRxt: the highest octet retransmitted in this recovery (HighACK - 1 or less when none).
     *
     * @return a sequence number.
     */
    public int highRxt()
    {
        return highRxt;
    }

    /**
     * RescueRxt (meaningful when {@link #rescueRxtDefined()}).
     *
     * @return a sequence number.
     */
    public int rescueRxt()
    {
        return rescueRxt;
    }

    /**
     * Whether RescueRxt is defined (rule (4) fired in this recovery).
     *
     * @return true once rescued.
     */
    public boolean rescueRxtDefined()
    {
        return rescueDefined;
    }

    /**
     * RecoveryPoint: HighData when recovery began.
     *
     * @return a sequence number.
     */
    public int recoveryPoint()
    {
        return recoveryPoint;
    }

    /**
     * SACKed ranges held.
     *
     * @return 0 to maxRanges.
     */
    public int rangeCount()
    {
        return count;
    }

    /**
     * Left edge of range {@code i}, ranges in ascending order.
     *
     * @param i 0 to rangeCount() - 1.
     * @return a sequence number.
     * @throws IndexOutOfBoundsException for a bad index.
     */
    public int rangeLeft(final int i)
    {
        return left[Objects.checkIndex(i, count)];
    }

    /**
     * Right edge (exclusive) of range {@code i}.
     *
     * @param i 0 to rangeCount() - 1.
     * @return a sequence number.
     * @throws IndexOutOfBoundsException for a bad index.
     */
    public int rangeRight(final int i)
    {
        return right[Objects.checkIndex(i, count)];
    }

    /**
     * Octets SACKed above HighACK.
     *
     * @return octets.
     */
    public long sackedOctets()
    {
        long sum = 0;
        for (int k = 0; k < count; k++)
        {
            sum += right[k] - left[k];
        }
        return sum;
    }

    /**
     * Whether the last {@link #update} carried a D-SACK first block.
     *
     * @return true if so.
     */
    public boolean lastAckHadDsack()
    {
        return lastDsack;
    }

    /**
     * Left edge of the last D-SACK block reported.
     *
     * @return a sequence number.
     */
    public int lastDsackLeft()
    {
        return dsackLeft;
    }

    /**
     * Right edge of the last D-SACK block reported.
     *
     * @return a sequence number.
     */
    public int lastDsackRight()
    {
        return dsackRight;
    }

    /**
     * SACK blocks accepted for marking.
     *
     * @return count.
     */
    public long blocksAccepted()
    {
        return blocksAccepted;
    }

    /**
     * D-SACK blocks received.
     *
     * @return count.
     */
    public long dsacksReceived()
    {
        return dsacksReceived;
    }

    /**
     * SACK blocks ignored as invalid (empty, reversed, beyond SND.NXT or wholly acknowledged).
     *
     * @return count.
     */
    public long invalidBlocks()
    {
        return invalidBlocks;
    }

    /**
     * Acknowledgments ignored because they acknowledged beyond SND.NXT.
     *
     * @return count.
     */
    public long invalidAcks()
    {
        return invalidAcks;
    }

    /**
     * Ranges forgotten because the scoreboard was full.
     *
     * @return count.
     */
    public long rangesDropped()
    {
        return rangesDropped;
    }

    /**
     * Rescue retransmissions chosen (rule (4)).
     *
     * @return count.
     */
    public long rescues()
    {
        return rescues;
    }
}
