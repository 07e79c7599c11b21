package io.tachyon.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * {@link Seq}: hand-picked wrap-around cases and properties against 64-bit arithmetic.
 */
class SeqTest
{
    private static final long TWO_31 = 1L << 31;
    private static final long TWO_32 = 1L << 32;

    @Example
    void shouldOrderAcrossTheWrap()
    {
        final int high = 0xFFFF_FFF0;
        final int low = 0x0000_0010;
        assertTrue(Seq.lt(high, low));
        assertTrue(Seq.leq(high, low));
        assertTrue(Seq.gt(low, high));
        assertTrue(Seq.geq(low, high));
        assertFalse(Seq.lt(low, high));
        assertEquals(0x20, Seq.diff(low, high));
        assertEquals(-0x20, Seq.diff(high, low));
        assertEquals(0x20L, Seq.distance(high, low));
        assertEquals(TWO_32 - 0x20, Seq.distance(low, high));
        assertEquals(low, Seq.max(high, low));
        assertEquals(high, Seq.min(high, low));
        assertEquals(0xFFFF_FFF0L, Seq.toUnsigned(high));
    }

    @Example
    void shouldTreatEqualNumbersAsEqual()
    {
        assertFalse(Seq.lt(7, 7));
        assertTrue(Seq.leq(7, 7));
        assertFalse(Seq.gt(7, 7));
        assertTrue(Seq.geq(7, 7));
        assertTrue(Seq.between(7, 7, 7));
        assertFalse(Seq.between(7, 8, 7));
        assertFalse(Seq.betweenOpenClosed(7, 7, 7));
        assertFalse(Seq.betweenClosedOpen(7, 7, 7));
    }

    @Example
    void shouldFollowTheDocumentedRuleAtExactlyHalfTheSpace()
    {
        final int a = 5;
        final int b = (int)(5 + TWO_31);
        assertTrue(Seq.lt(a, b));
        assertTrue(Seq.lt(b, a));
    }

    @Example
    void shouldApplyRfc9293WindowTestsAcrossTheWrap()
    {
        // SND.UNA < SEG.ACK =< SND.NXT with SND.UNA = 2^32 - 100, SND.NXT = 100.
        final int una = -100;
        final int nxt = 100;
        assertFalse(Seq.betweenOpenClosed(una, una, nxt));
        assertTrue(Seq.betweenOpenClosed(una, una + 1, nxt));
        assertTrue(Seq.betweenOpenClosed(una, 0, nxt));
        assertTrue(Seq.betweenOpenClosed(una, nxt, nxt));
        assertFalse(Seq.betweenOpenClosed(una, nxt + 1, nxt));
        // RCV.NXT =< SEG.SEQ < RCV.NXT + RCV.WND with RCV.NXT = 2^32 - 10, RCV.WND = 20.
        final int rcvNxt = -10;
        final int right = rcvNxt + 20;
        assertTrue(Seq.betweenClosedOpen(rcvNxt, rcvNxt, right));
        assertTrue(Seq.betweenClosedOpen(rcvNxt, 9, right));
        assertFalse(Seq.betweenClosedOpen(rcvNxt, 10, right));
        assertFalse(Seq.betweenClosedOpen(rcvNxt, rcvNxt - 1, right));
        // A window of 2^32 - 1 (wider than any comparison could handle) is still exact.
        assertTrue(Seq.between(1, 0, 0));
        assertTrue(Seq.between(1, (int)TWO_31, 0));
        assertFalse(Seq.betweenClosedOpen(1, 0, 0));
    }

    @Property(seed = "20261122")
    void shouldBeAntisymmetricAndTotalBelowHalfTheSpace(@ForAll final int a, @ForAll final int b)
    {
        Assume.that(a - b != Integer.MIN_VALUE);
        assertEquals(Seq.lt(a, b), Seq.gt(b, a));
        assertEquals(Seq.leq(a, b), Seq.geq(b, a));
        assertFalse(Seq.lt(a, b) && Seq.lt(b, a));
        assertTrue(Seq.lt(a, b) || Seq.lt(b, a) || a == b);
        assertEquals(Seq.leq(a, b), Seq.lt(a, b) || a == b);
        assertEquals(!Seq.lt(a, b), Seq.geq(a, b));
        assertEquals(Seq.lt(a, b) ? b : a, Seq.max(a, b));
        assertEquals(Seq.lt(a, b) ? a : b, Seq.min(a, b));
        assertEquals(Seq.max(a, b), Seq.max(b, a));
        assertEquals(Seq.min(a, b), Seq.min(b, a));
    }

    @Property(seed = "20261122")
    void shouldAgreeWithLongArithmeticWithinHalfTheSpace(
        @ForAll @LongRange(min = 0, max = (1L << 32) - 1) final long base,
        @ForAll @LongRange(min = -(1L << 31) + 1, max = (1L << 31) - 1) final long delta)
    {
        final int a = (int)base;
        final int b = (int)(base + delta);
        // b = a + delta in the unbounded integers: the modular order must be the order of delta's sign.
        assertEquals(delta > 0, Seq.lt(a, b));
        assertEquals(delta >= 0, Seq.leq(a, b));
        assertEquals(delta < 0, Seq.gt(a, b));
        assertEquals(delta <= 0, Seq.geq(a, b));
        assertEquals(delta, Seq.diff(b, a));
        assertEquals(Math.floorMod(delta, TWO_32), Seq.distance(a, b));
        assertEquals(Math.floorMod(base + delta, TWO_32), Seq.toUnsigned(b));
    }

    @Property(seed = "20261122")
    void shouldWrapAt2To32(@ForAll final int a, @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) final int n)
    {
        final int wrapped = (int)((a & 0xFFFF_FFFFL) + (n & 0xFFFF_FFFFL) + TWO_32);
        assertEquals(a + n, wrapped);
        assertTrue(Seq.lt(a, a + n));
        assertTrue(Seq.gt(a + n, a));
        assertEquals(n, Seq.diff(a + n, a));
        assertEquals(n, Seq.distance(a, a + n));
    }

    @Property(seed = "20261122")
    void shouldMatchWindowTestsAgainstUnsignedOffsets(
        @ForAll final int left,
        @ForAll @LongRange(min = 0, max = (1L << 32) - 1) final long length,
        @ForAll @LongRange(min = 0, max = (1L << 32) - 1) final long offset)
    {
        final int right = (int)(left + length);
        final int b = (int)(left + offset);
        assertEquals(offset <= length, Seq.between(left, b, right));
        assertEquals(offset > 0 && offset <= length, Seq.betweenOpenClosed(left, b, right));
        assertEquals(offset < length, Seq.betweenClosedOpen(left, b, right));
    }

    @Property(seed = "20261122")
    void shouldBeTransitiveInsideAHalfSpaceWindow(
        @ForAll final int a,
        @ForAll @LongRange(min = 0, max = (1L << 30)) final long x,
        @ForAll @LongRange(min = 0, max = (1L << 30)) final long y)
    {
        final int b = (int)(a + x);
        final int c = (int)(a + x + y);
        assertTrue(Seq.leq(a, b) && Seq.leq(b, c) && Seq.leq(a, c));
        assertTrue(Seq.between(a, b, c));
        assertEquals(x + y, Seq.distance(a, c));
    }
}
