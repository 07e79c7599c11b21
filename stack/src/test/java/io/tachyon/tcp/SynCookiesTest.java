package io.tachyon.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.tachyon.testing.Allocations;

/** {@link SynCookies}: layout, round trips, expiry, forgeries and the options carried in the timestamp. */
class SynCookiesTest
{
    private static final SipKey KEY = SipKey.fromSeed(4987);
    private static final int LOCAL = 0xC0A8_0101;
    private static final int REMOTE = 0x0A00_0002;
    private static final int LPORT = 80;
    private static final int RPORT = 40_000;
    private static final long PERIOD = SynCookies.PERIOD_NS;
    /** The start of counter step 28_051_650 (2026-11-22T00:00:00Z is 1_795_305_600 s = 28_051_650 * 64 s). */
    private static final long T0 = 1_795_305_600_000_000_000L;

    private final SynCookies cookies = new SynCookies(KEY);

    private int check(final int peerIsn, final int cookie, final long nowNs)
    {
        return cookies.check(LOCAL, LPORT, REMOTE, RPORT, peerIsn + 1, cookie + 1, nowNs);
    }

    @Test
    void shouldCountInSixtyFourSecondSteps()
    {
        assertEquals(0, SynCookies.counter(0));
        assertEquals(0, SynCookies.counter(PERIOD - 1));
        assertEquals(1, SynCookies.counter(PERIOD));
        assertEquals(28_051_650, SynCookies.counter(T0));
    }

    @Test
    void shouldLayOutTheCookieAsDocumented()
    {
        final SipHash sip = new SipHash(KEY);
        final long addresses = ((long)LOCAL << 32) | (REMOTE & 0xFFFF_FFFFL);
        final long ports = ((long)LPORT << 16) | RPORT;
        final int count = 28_051_650;
        final int index = 2;
        final int h1 = (int)sip.hash(addresses, ports);
        final int h2 = (int)sip.hash(addresses, ports, ((long)count << 32) | index);
        final int peerIsn = 0x1234_5678;
        final int expected = h1 + peerIsn + (count << 24) + (((h2 & 0x3F_FFFF) << 2) | index);
        assertEquals(expected, cookies.cookie(LOCAL, LPORT, REMOTE, RPORT, peerIsn, 1448, T0));
        // The counter's low 8 bits sit in the top byte: 28_051_650 mod 256 = 0xC2.
        assertEquals(0xC2, (expected - h1 - peerIsn) >>> 24);
    }

    @Test
    void shouldRoundTripEveryMssTableEntry()
    {
        final int[] table = {536, 1300, 1440, 1460};
        for (int i = 0; i < SynCookies.MSS_TABLE_SIZE; i++)
        {
            assertEquals(table[i], SynCookies.mss(i));
            assertEquals(i, SynCookies.mssIndex(table[i]));
            final int peerIsn = 1_000 * i - 7;
            final int cookie = cookies.cookie(LOCAL, LPORT, REMOTE, RPORT, peerIsn, table[i], T0);
            assertEquals(table[i], check(peerIsn, cookie, T0), "MSS " + table[i]);
        }
    }

    @Test
    void shouldRoundDownThePeerMssToATableEntry()
    {
        assertEquals(0, SynCookies.mssIndex(0));
        assertEquals(0, SynCookies.mssIndex(535));
        assertEquals(0, SynCookies.mssIndex(1299));
        assertEquals(1, SynCookies.mssIndex(1439));
        assertEquals(2, SynCookies.mssIndex(1452));
        assertEquals(2, SynCookies.mssIndex(1459));
        assertEquals(3, SynCookies.mssIndex(8960));
        assertEquals(3, SynCookies.mssIndex(65_535));
        final int[] peer = {100, 1000, 1400, 1450, 9000};
        final int[] expected = {536, 536, 1300, 1440, 1460};
        for (int i = 0; i < peer.length; i++)
        {
            final int cookie = cookies.cookie(LOCAL, LPORT, REMOTE, RPORT, 99, peer[i], T0);
            assertEquals(expected[i], check(99, cookie, T0 + 1));
        }
    }

    @Test
    void shouldAcceptForOneFurtherCounterStepOnly()
    {
        // Issued at the very start of a step: valid to the end of the next step (128 s less 1 ns).
        final int early = cookies.cookie(LOCAL, LPORT, REMOTE, RPORT, 5, 1460, T0);
        assertEquals(1460, check(5, early, T0));
        assertEquals(1460, check(5, early, T0 + PERIOD));
        assertEquals(1460, check(5, early, T0 + 2 * PERIOD - 1));
        assertEquals(SynCookies.INVALID, check(5, early, T0 + 2 * PERIOD));
        // Issued at the very end of a step: only 64 s and 1 ns.
        final long late = T0 + PERIOD - 1;
        final int lateCookie = cookies.cookie(LOCAL, LPORT, REMOTE, RPORT, 5, 1460, late);
        assertEquals(1460, check(5, lateCookie, T0 + 2 * PERIOD - 1));
        assertEquals(SynCookies.INVALID, check(5, lateCookie, T0 + 2 * PERIOD));
    }

    @Test
    void shouldRejectCookiesFromTheFutureAndAfterTheCounterWraps()
    {
        final int cookie = cookies.cookie(LOCAL, LPORT, REMOTE, RPORT, 5, 1460, T0);
        assertEquals(SynCookies.INVALID, check(5, cookie, T0 - 1));
        // 256 steps later the 8 counter bits match again, but H2 is computed for the present counter.
        assertEquals(SynCookies.INVALID, check(5, cookie, T0 + 256 * PERIOD));
        assertEquals(SynCookies.INVALID, check(5, cookie, T0 + 257 * PERIOD));
    }

    @Test
    void shouldCountCookiesSentAcceptedAndRejected()
    {
        final int cookie = cookies.cookie(LOCAL, LPORT, REMOTE, RPORT, 5, 1460, T0);
        check(5, cookie, T0);
        check(5, cookie, T0);
        check(5, cookie + 1, T0);
        check(5, cookie, T0 + 3 * PERIOD);
        assertEquals(1, cookies.cookiesSent());
        assertEquals(2, cookies.cookiesAccepted());
        assertEquals(2, cookies.cookiesRejected());
    }

    @Test
    void shouldRejectEveryModifiedTupleOrAck()
    {
        final SplittableRandom random = new SplittableRandom(20261122L);
        int accepted = 0;
        for (int i = 0; i < 100_000; i++)
        {
            final int local = random.nextInt();
            final int remote = random.nextInt();
            final int lport = random.nextInt(65_536);
            final int rport = random.nextInt(65_536);
            final int peerIsn = random.nextInt();
            final int mss = SynCookies.mss(random.nextInt(4));
            final long issued = T0 + random.nextLong(1L << 45);
            final long checked = issued + random.nextLong(PERIOD);
            final int cookie = cookies.cookie(local, lport, remote, rport, peerIsn, mss, issued);
            assertEquals(mss, cookies.check(local, lport, remote, rport, peerIsn + 1, cookie + 1, checked));
            final int flip = nonZero(random);
            final int result = switch (i % 7)
            {
                case 0 -> cookies.check(local ^ flip, lport, remote, rport, peerIsn + 1, cookie + 1, checked);
                case 1 -> cookies.check(local, lport, remote ^ flip, rport, peerIsn + 1, cookie + 1, checked);
                case 2 -> cookies.check(local, (lport + 1 + random.nextInt(65_535)) & 0xFFFF, remote, rport,
                    peerIsn + 1, cookie + 1, checked);
                case 3 -> cookies.check(local, lport, remote, (rport + 1 + random.nextInt(65_535)) & 0xFFFF,
                    peerIsn + 1, cookie + 1, checked);
                case 4 -> cookies.check(local, lport, remote, rport, peerIsn + 1 + flip, cookie + 1, checked);
                case 5 -> cookies.check(local, lport, remote, rport, peerIsn + 1, cookie + 1 + flip, checked);
                // Small changes of the ACK (Linux's additive MSS index would accept ack+1 with the next MSS).
                default -> cookies.check(local, lport, remote, rport, peerIsn + 1,
                    cookie + 1 + (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(1024)), checked);
            };
            accepted += result == SynCookies.INVALID ? 0 : 1;
        }
        assertEquals(0, accepted, "forged or modified ACKs accepted out of 100000");
    }

    @Test
    void shouldRejectRandomAcksAndOtherKeysCookies()
    {
        final SynCookies other = new SynCookies(SipKey.fromSeed(4988));
        final SplittableRandom random = new SplittableRandom(20261123L);
        int accepted = 0;
        for (int i = 0; i < 100_000; i++)
        {
            final int peerIsn = random.nextInt();
            final int theirs = other.cookie(LOCAL, LPORT, REMOTE, RPORT, peerIsn, 1460, T0);
            accepted += check(peerIsn, theirs, T0) == SynCookies.INVALID ? 0 : 1;
            accepted += cookies.check(LOCAL, LPORT, REMOTE, RPORT, random.nextInt(), random.nextInt(), T0)
                == SynCookies.INVALID ? 0 : 1;
        }
        assertEquals(0, accepted);
        assertNotEquals(other.cookie(LOCAL, LPORT, REMOTE, RPORT, 1, 1460, T0),
            cookies.cookie(LOCAL, LPORT, REMOTE, RPORT, 1, 1460, T0));
    }

    private static int nonZero(final SplittableRandom random)
    {
        int value;
        do
        {
            value = random.nextInt();
        }
        while (value == 0);
        return value;
    }

    @Test
    void shouldPutTheOptionsInTheLowSixBitsOfTheTimestamp()
    {
        // now = 0x12345678: low bits 0x38; options ws 7 + SACK = 0x17 fit below: 0x12345640 | 0x17.
        assertEquals(0x1234_5657, SynCookies.timestamp(0x1234_5678, 7, true, false));
        // now = 0x12345640: low bits 0; 0x17 would be ahead of the clock, so 64 ticks back.
        assertEquals(0x1234_5617, SynCookies.timestamp(0x1234_5640, 7, true, false));
        // No window scale: the field is 15; with ECN: 0x2F.
        assertEquals(0x1234_566F, SynCookies.timestamp(0x1234_567F, SynCookies.NO_WINDOW_SCALE, false, true));
        // Equal to the clock is fine.
        assertEquals(0x1234_567F, SynCookies.timestamp(0x1234_567F, SynCookies.NO_WINDOW_SCALE, true, true));
        // Across the wrap at 2^32: clock 5, options 0x3F, so 0x3F - 64 = 0xFFFFFFFF.
        assertEquals(0xFFFF_FFFF, SynCookies.timestamp(5, SynCookies.NO_WINDOW_SCALE, true, true));
        assertEquals(0, SynCookies.timestamp(0, 0, false, false));
    }

    @Test
    void shouldRoundTripEveryWindowScaleWithSackAndEcnOnAndOff()
    {
        final SplittableRandom random = new SplittableRandom(7323L);
        for (int ws = SynCookies.NO_WINDOW_SCALE; ws <= SynCookies.MAX_WINDOW_SCALE; ws++)
        {
            for (int flags = 0; flags < 4; flags++)
            {
                final boolean sack = (flags & 1) != 0;
                final boolean ecn = (flags & 2) != 0;
                for (int i = 0; i < 200; i++)
                {
                    final int now = i < 2 ? (i == 0 ? 0 : -1) : random.nextInt();
                    final int tsval = SynCookies.timestamp(now, ws, sack, ecn);
                    final int behind = now - tsval;
                    assertTrue(behind >= 0 && behind < 64, "TSval at most 63 ticks behind the clock: " + behind);
                    final int options = SynCookies.timestampOptions(tsval);
                    assertEquals(ws, SynCookies.windowScale(options));
                    assertEquals(sack, SynCookies.sackPermitted(options));
                    assertEquals(ecn, SynCookies.ecn(options));
                }
            }
        }
        assertEquals(0, SynCookies.windowScale(SynCookies.timestampOptions(0x40)));
        assertFalse(SynCookies.sackPermitted(0x2F));
    }

    @Test
    void shouldRejectBadArguments()
    {
        assertEquals("window scale must be -1 (none) or 0..14: 15",
            assertThrows(IllegalArgumentException.class, () -> SynCookies.timestamp(0, 15, false, false))
                .getMessage());
        assertEquals("window scale must be -1 (none) or 0..14: -2",
            assertThrows(IllegalArgumentException.class, () -> SynCookies.timestamp(0, -2, false, false))
                .getMessage());
        assertEquals("peer MSS must be 0..65535: 65536",
            assertThrows(IllegalArgumentException.class,
                () -> cookies.cookie(LOCAL, LPORT, REMOTE, RPORT, 0, 65_536, T0)).getMessage());
        assertEquals("MSS table index must be 0..3: 4",
            assertThrows(IllegalArgumentException.class, () -> SynCookies.mss(4)).getMessage());
        assertEquals("remote port must be 0..65535: 70000",
            assertThrows(IllegalArgumentException.class,
                () -> cookies.check(LOCAL, LPORT, REMOTE, 70_000, 0, 0, T0)).getMessage());
        assertEquals(0, cookies.cookiesSent());
    }

    @Test
    void shouldAllocateNothing() throws Exception
    {
        final int[] sink = new int[1];
        Allocations.assertSteadyStateAllocatesNothing("making and checking 100000 cookies", 20, 10, () ->
        {
            int acc = 0;
            for (int i = 0; i < 100_000; i++)
            {
                final long now = T0 + i * 1_000_000L;
                final int cookie = cookies.cookie(LOCAL + i, LPORT, REMOTE, RPORT, i, 1460, now);
                acc += cookies.check(LOCAL + i, LPORT, REMOTE, RPORT, i + 1, cookie + 1, now + 1_000_000L);
                acc += SynCookies.timestampOptions(SynCookies.timestamp(i, i % 15, true, false));
            }
            sink[0] = acc;
        });
        assertNotEquals(0, sink[0]);
    }
}
