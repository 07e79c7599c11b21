package io.tachyon.tcp;

import static io.tachyon.tcp.TcpTimestamps.NO_RTT_SAMPLE;
import static io.tachyon.tcp.TcpTimestamps.PAWS_ACCEPT;
import static io.tachyon.tcp.TcpTimestamps.PAWS_ACCEPT_STALE_RECENT;
import static io.tachyon.tcp.TcpTimestamps.PAWS_REJECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.tachyon.testing.Allocations;

/** RFC 7323's clock, PAWS, TS.Recent and RTT rules in {@link TcpTimestamps}, with exact values and wrap-around. */
class TcpTimestampsTest
{
    private static final long MS = 1_000_000L;
    private static final long DAY = 86_400_000_000_000L;
    /** 2026-11-22T00:00:00Z. */
    private static final long T0 = 1_795_305_600_000_000_000L;
    private static final int LOCAL = 0xC0A8_0101;
    private static final int REMOTE = 0x0A00_0002;

    @Test
    void shouldTickEveryMillisecondPlusTheOffset()
    {
        assertEquals(0, TcpTimestamps.clock(0, 0));
        assertEquals(0, TcpTimestamps.clock(999_999, 0));
        assertEquals(1, TcpTimestamps.clock(MS, 0));
        assertEquals(2, TcpTimestamps.clock(5 * MS, -3));
        // T0 / 1 ms = 1_795_305_600_000 = 0x1A2_008D_7400; modulo 2^32 0x008D_7400, plus the offset 0x100.
        assertEquals(0x1A2_008D_7400L, T0 / MS);
        assertEquals(0x008D_7500, TcpTimestamps.clock(T0, 0x100));
    }

    @Test
    void shouldWrapTheClockModuloTwoToThe32()
    {
        final long wrapNs = (1L << 32) * MS;
        assertEquals(-1, TcpTimestamps.clock(wrapNs - 1, 0));
        assertEquals(0, TcpTimestamps.clock(wrapNs, 0));
        assertEquals(0, TcpTimestamps.clock(wrapNs - MS, 1));
        assertEquals(0x7FFF_FFFF, TcpTimestamps.clock(0, Integer.MAX_VALUE));
        assertEquals(Integer.MIN_VALUE, TcpTimestamps.clock(MS, Integer.MAX_VALUE));
    }

    @Test
    void shouldKeyTheOffsetByTheFourTuple()
    {
        final TcpTimestamps timestamps = new TcpTimestamps(SipKey.fromSeed(7323));
        final long addresses = ((long)LOCAL << 32) | (REMOTE & 0xFFFF_FFFFL);
        final long ports = (80L << 16) | 443;
        assertEquals((int)new SipHash(SipKey.fromSeed(7323)).hash(addresses, ports),
            timestamps.offset(LOCAL, 80, REMOTE, 443));
        // Every incarnation of a 4-tuple gets the same offset (RFC 6191); other tuples and keys another one.
        assertEquals(timestamps.offset(LOCAL, 80, REMOTE, 443), timestamps.offset(LOCAL, 80, REMOTE, 443));
        assertNotEquals(timestamps.offset(LOCAL, 80, REMOTE, 443), timestamps.offset(LOCAL, 80, REMOTE, 444));
        assertNotEquals(timestamps.offset(LOCAL, 80, REMOTE, 443),
            new TcpTimestamps(SipKey.fromSeed(7324)).offset(LOCAL, 80, REMOTE, 443));
        assertThrows(IllegalArgumentException.class, () -> timestamps.offset(LOCAL, -1, REMOTE, 443));
    }

    @Test
    void shouldCompareModuloTwoToThe32()
    {
        assertTrue(TcpTimestamps.before(1, 2));
        assertFalse(TcpTimestamps.before(2, 2));
        assertFalse(TcpTimestamps.before(2, 1));
        assertTrue(TcpTimestamps.before(0xFFFF_FFFF, 0));
        assertTrue(TcpTimestamps.before(0, 0x7FFF_FFFF));
        // 0 < t - s < 2^31: values exactly 2^31 apart are not "before" either way.
        assertFalse(TcpTimestamps.before(0, 0x8000_0000));
        assertFalse(TcpTimestamps.before(0x8000_0000, 0));
        assertTrue(TcpTimestamps.before(0x8000_0001, 0));
    }

    @Test
    void shouldRejectOlderTimestampsWhileTsRecentIsValid()
    {
        assertEquals(PAWS_ACCEPT, TcpTimestamps.paws(100, 100, T0, T0));
        assertEquals(PAWS_ACCEPT, TcpTimestamps.paws(101, 100, T0, T0));
        assertEquals(PAWS_REJECT, TcpTimestamps.paws(99, 100, T0, T0));
        // Across the wrap: 5 is after 0xFFFFFFF0, and the other way round is older.
        assertEquals(PAWS_ACCEPT, TcpTimestamps.paws(5, 0xFFFF_FFF0, T0, T0));
        assertEquals(PAWS_REJECT, TcpTimestamps.paws(0xFFFF_FFF0, 5, T0, T0));
        // 2^31 - 1 behind is older; 2^31 - 1 ahead is newer.
        assertEquals(PAWS_REJECT, TcpTimestamps.paws(100 - 0x7FFF_FFFF, 100, T0, T0));
        assertEquals(PAWS_ACCEPT, TcpTimestamps.paws(100 + 0x7FFF_FFFF, 100, T0, T0));
    }

    @Test
    void shouldInvalidateTsRecentAfterMoreThanTwentyFourDaysIdle()
    {
        assertEquals(24 * DAY, TcpTimestamps.TS_RECENT_VALIDITY_NS);
        assertEquals(PAWS_REJECT, TcpTimestamps.paws(99, 100, T0, T0 + 24 * DAY));
        assertEquals(PAWS_ACCEPT_STALE_RECENT, TcpTimestamps.paws(99, 100, T0, T0 + 24 * DAY + 1));
        assertEquals(PAWS_ACCEPT_STALE_RECENT, TcpTimestamps.paws(99, 100, T0, T0 + 400 * DAY));
        // A newer TSval is simply accepted, however long the idle time.
        assertEquals(PAWS_ACCEPT, TcpTimestamps.paws(101, 100, T0, T0 + 400 * DAY));
    }

    @Test
    void shouldUpdateTsRecentOnlyWhenTheSegmentCoversLastAckSent()
    {
        // SEG.TSval >= TS.Recent and SEG.SEQ <= Last.ACK.sent.
        assertTrue(TcpTimestamps.updatesTsRecent(100, 1_000, 100, 1_000));
        assertTrue(TcpTimestamps.updatesTsRecent(101, 999, 100, 1_000));
        assertFalse(TcpTimestamps.updatesTsRecent(99, 1_000, 100, 1_000));
        // Out of order, beyond Last.ACK.sent: ignored even with a newer TSval.
        assertFalse(TcpTimestamps.updatesTsRecent(101, 1_001, 100, 1_000));
        // Delayed ACKs: A (seq 1000, TSval 1) set TS.Recent; B (seq 2000, TSval 2) arrives before our ACK of A,
        // with Last.ACK.sent still 1000, so TS.Recent stays 1 (RFC 7323 §4.3 case (A)).
        assertFalse(TcpTimestamps.updatesTsRecent(2, 2_000, 1, 1_000));
        // Both comparisons modulo 2^32.
        assertTrue(TcpTimestamps.updatesTsRecent(3, 0xFFFF_FFF0, 0xFFFF_FFFE, 4));
        assertFalse(TcpTimestamps.updatesTsRecent(0xFFFF_FFFE, 0xFFFF_FFF0, 3, 4));
        assertFalse(TcpTimestamps.updatesTsRecent(3, 5, 0xFFFF_FFFE, 0xFFFF_FFF0));
    }

    @Test
    void shouldSampleRttFromTsecr()
    {
        assertEquals(100, TcpTimestamps.rttSampleMs(1_000, 900));
        assertEquals(0, TcpTimestamps.rttSampleMs(1_000, 1_000));
        assertEquals(NO_RTT_SAMPLE, TcpTimestamps.rttSampleMs(1_000, 1_001));
        assertEquals(NO_RTT_SAMPLE, TcpTimestamps.rttSampleMs(1_000, 0));
        // Across the wrap: clock 5, echo 0xFFFFFFFB (-5) -> 10 ms.
        assertEquals(10, TcpTimestamps.rttSampleMs(5, 0xFFFF_FFFB));
        // From a real clock: sent at T0 + 3 ms, acknowledged at T0 + 45.9 ms -> 42 ticks.
        final int offset = 0x7654_3210;
        final int sent = TcpTimestamps.clock(T0 + 3 * MS, offset);
        assertEquals(42, TcpTimestamps.rttSampleMs(TcpTimestamps.clock(T0 + 45 * MS + 900_000, offset), sent));
    }

    @Test
    void shouldAllocateNothing() throws Exception
    {
        final TcpTimestamps timestamps = new TcpTimestamps(SipKey.fromSeed(1));
        final int[] sink = new int[1];
        Allocations.assertSteadyStateAllocatesNothing("100000 timestamp rounds", 20, 10, () ->
        {
            int acc = 0;
            for (int i = 0; i < 100_000; i++)
            {
                final int offset = timestamps.offset(LOCAL, i & 0xFFFF, REMOTE, 443);
                final int now = TcpTimestamps.clock(T0 + i * MS, offset);
                acc += TcpTimestamps.paws(now, now - 1, T0, T0 + i) + TcpTimestamps.rttSampleMs(now, now - 3);
                acc += TcpTimestamps.updatesTsRecent(now, i, now - 1, i + 1) ? 1 : 0;
            }
            sink[0] = acc;
        });
        assertNotEquals(0, sink[0]);
    }
}
