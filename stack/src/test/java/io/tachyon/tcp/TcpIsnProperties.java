package io.tachyon.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Properties of the ISN, SYN cookie and timestamp components over arbitrary tuples, times and options. */
class TcpIsnProperties
{
    private static final long T0 = 1_795_305_600_000_000_000L;

    private final SynCookies cookies = new SynCookies(SipKey.fromSeed(1));
    private final InitialSequenceNumbers isns = new InitialSequenceNumbers(SipKey.fromSeed(2));

    @Property(seed = "20261122")
    void shouldValidateEveryFreshCookieAndRecoverItsMss(
        @ForAll final int localIp,
        @ForAll @IntRange(max = 65_535) final int localPort,
        @ForAll final int remoteIp,
        @ForAll @IntRange(max = 65_535) final int remotePort,
        @ForAll final int peerIsn,
        @ForAll @IntRange(max = 65_535) final int peerMss,
        @ForAll @LongRange(max = 1L << 50) final long issuedAfterT0,
        @ForAll @LongRange(max = 2 * SynCookies.PERIOD_NS) final long ageNs)
    {
        final long issued = T0 + issuedAfterT0;
        final int cookie = cookies.cookie(localIp, localPort, remoteIp, remotePort, peerIsn, peerMss, issued);
        final int result = cookies.check(
            localIp, localPort, remoteIp, remotePort, peerIsn + 1, cookie + 1, issued + ageNs);
        final boolean fresh = SynCookies.counter(issued + ageNs) - SynCookies.counter(issued) < SynCookies.MAX_AGE;
        assertEquals(fresh ? SynCookies.mss(SynCookies.mssIndex(peerMss)) : SynCookies.INVALID, result);
        assertTrue(result == SynCookies.INVALID || result <= Math.max(peerMss, 536));
    }

    @Property(seed = "20261123")
    void shouldFollowTheFourMicrosecondClockPerTuple(
        @ForAll final int localIp,
        @ForAll @IntRange(max = 65_535) final int localPort,
        @ForAll final int remoteIp,
        @ForAll @IntRange(max = 65_535) final int remotePort,
        @ForAll @LongRange(max = 1L << 50) final long startAfterT0,
        @ForAll @LongRange(max = 1L << 40) final long elapsedNs)
    {
        final long start = T0 + startAfterT0;
        final int first = isns.isn(localIp, localPort, remoteIp, remotePort, start);
        final int later = isns.isn(localIp, localPort, remoteIp, remotePort, start + elapsedNs);
        final long ticks = Math.floorDiv(start + elapsedNs, 4_000L) - Math.floorDiv(start, 4_000L);
        assertEquals((int)ticks, later - first);
    }

    @Property(seed = "20261124")
    void shouldCarryOptionsInATimestampNeverAheadOfTheClock(
        @ForAll final int tsvalNow,
        @ForAll @IntRange(min = -1, max = 14) final int windowScale,
        @ForAll final boolean sack,
        @ForAll final boolean ecn)
    {
        final int tsval = SynCookies.timestamp(tsvalNow, windowScale, sack, ecn);
        assertTrue(!TcpTimestamps.before(tsvalNow, tsval) && tsvalNow - tsval < 64);
        final int options = SynCookies.timestampOptions(tsval);
        assertEquals(windowScale, SynCookies.windowScale(options));
        assertEquals(sack, SynCookies.sackPermitted(options));
        assertEquals(ecn, SynCookies.ecn(options));
    }

    @Property(seed = "20261125")
    void shouldRejectWithPawsExactlyTheTimestampsBeforeAValidTsRecent(
        @ForAll final int segTsval,
        @ForAll final int tsRecent,
        @ForAll @LongRange(max = 48L * 86_400_000_000_000L) final long idleNs)
    {
        final int verdict = TcpTimestamps.paws(segTsval, tsRecent, T0, T0 + idleNs);
        final int behind = tsRecent - segTsval;
        if (behind <= 0)
        {
            assertEquals(TcpTimestamps.PAWS_ACCEPT, verdict);
        }
        else
        {
            assertEquals(idleNs > TcpTimestamps.TS_RECENT_VALIDITY_NS
                ? TcpTimestamps.PAWS_ACCEPT_STALE_RECENT : TcpTimestamps.PAWS_REJECT, verdict);
        }
    }
}
