package io.tachyon.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.tachyon.testing.Allocations;

/** RFC 6528's ISN = M + F(4-tuple, key) as {@link InitialSequenceNumbers} computes it. */
class InitialSequenceNumbersTest
{
    private static final SipKey KEY = SipKey.fromSeed(6528);
    private static final int LOCAL = 0xC0A8_0101;
    private static final int REMOTE = 0x0A00_0002;
    /** 2026-11-22T00:00:00Z in epoch nanoseconds. */
    private static final long T0 = 1_795_305_600_000_000_000L;

    private final InitialSequenceNumbers isns = new InitialSequenceNumbers(KEY);

    @Test
    void shouldTickTheTimerEveryFourMicroseconds()
    {
        assertEquals(0, InitialSequenceNumbers.timer(0));
        assertEquals(0, InitialSequenceNumbers.timer(3_999));
        assertEquals(1, InitialSequenceNumbers.timer(4_000));
        assertEquals(250_000, InitialSequenceNumbers.timer(1_000_000_000L));
        // T0 / 4000 = 448_826_400_000_000 = 0x1_9834_8A23_4800; modulo 2^32:
        assertEquals((int)(T0 / 4_000L), InitialSequenceNumbers.timer(T0));
        assertEquals(0x8A23_4800, InitialSequenceNumbers.timer(T0));
    }

    @Test
    void shouldWrapTheTimerModuloTwoToThe32()
    {
        final long wrapNs = (1L << 32) * 4_000L;
        assertEquals(-1, InitialSequenceNumbers.timer(wrapNs - 1));
        assertEquals(0, InitialSequenceNumbers.timer(wrapNs));
        assertEquals(1, InitialSequenceNumbers.timer(wrapNs + 4_000));
    }

    @Test
    void shouldComputeFAsSipHashOfTheDocumentedSixteenBytes()
    {
        // Message: localip<<32 | remoteip, then localport<<16 | remoteport, each as 8 little-endian bytes.
        final byte[] message = {
            0x02, 0x00, 0x00, 0x0A, 0x01, 0x01, (byte)0xA8, (byte)0xC0,
            (byte)0xBB, 0x01, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00,
        };
        final int f = (int)new SipHash(KEY).hash(message, 0, 16);
        assertEquals(f, isns.secretOffset(LOCAL, 80, REMOTE, 443));
        assertEquals(InitialSequenceNumbers.timer(T0) + f, isns.isn(LOCAL, 80, REMOTE, 443, T0));
    }

    @Test
    void shouldGiveTheSameIsnForTheSameTupleAtTheSameTime()
    {
        assertEquals(isns.isn(LOCAL, 80, REMOTE, 443, T0), isns.isn(LOCAL, 80, REMOTE, 443, T0));
        assertEquals(isns.isn(LOCAL, 80, REMOTE, 443, T0),
            new InitialSequenceNumbers(SipKey.fromSeed(6528)).isn(LOCAL, 80, REMOTE, 443, T0));
    }

    @Test
    void shouldAdvanceByOneEveryFourMicrosecondsForOneTuple()
    {
        final int start = isns.isn(LOCAL, 80, REMOTE, 443, T0);
        assertEquals(start, isns.isn(LOCAL, 80, REMOTE, 443, T0 + 3_999));
        assertEquals(start + 1, isns.isn(LOCAL, 80, REMOTE, 443, T0 + 4_000));
        assertEquals(start + 250_000, isns.isn(LOCAL, 80, REMOTE, 443, T0 + 1_000_000_000L));
        int previous = start;
        for (long t = T0 + 4_000; t < T0 + 4_000_000L; t += 4_000)
        {
            final int isn = isns.isn(LOCAL, 80, REMOTE, 443, t);
            assertEquals(1, isn - previous, "one tick per 4 us");
            previous = isn;
        }
        // After 4.77 hours the ISN space wraps: 2^32 ticks later the same value again.
        assertEquals(start, isns.isn(LOCAL, 80, REMOTE, 443, T0 + (1L << 32) * 4_000L));
    }

    @Test
    void shouldSeparateTuplesAndSecrets()
    {
        final InitialSequenceNumbers other = new InitialSequenceNumbers(SipKey.fromSeed(6529));
        final SplittableRandom random = new SplittableRandom(20261122L);
        int sameAcrossKeys = 0;
        int sameAcrossPorts = 0;
        for (int i = 0; i < 10_000; i++)
        {
            final int local = random.nextInt();
            final int remote = random.nextInt();
            final int port = random.nextInt(65_536);
            final long now = T0 + random.nextLong(1L << 40);
            final int isn = isns.isn(local, port, remote, 443, now);
            sameAcrossKeys += isn == other.isn(local, port, remote, 443, now) ? 1 : 0;
            sameAcrossPorts += isn == isns.isn(local, port ^ 1, remote, 443, now) ? 1 : 0;
        }
        assertEquals(0, sameAcrossKeys);
        assertEquals(0, sameAcrossPorts);
        assertNotEquals(isns.secretOffset(LOCAL, 80, REMOTE, 443), isns.secretOffset(REMOTE, 443, LOCAL, 80));
    }

    @Test
    void shouldRejectPortsOutOfRange()
    {
        final IllegalArgumentException local =
            assertThrows(IllegalArgumentException.class, () -> isns.isn(LOCAL, 65_536, REMOTE, 1, T0));
        assertEquals("local port must be 0..65535: 65536", local.getMessage());
        final IllegalArgumentException remote =
            assertThrows(IllegalArgumentException.class, () -> isns.isn(LOCAL, 1, REMOTE, -1, T0));
        assertEquals("remote port must be 0..65535: -1", remote.getMessage());
    }

    @Test
    void shouldAllocateNothing() throws Exception
    {
        final int[] sink = new int[1];
        Allocations.assertSteadyStateAllocatesNothing("computing 100000 ISNs", 20, 10, () ->
        {
            int acc = 0;
            for (int i = 0; i < 100_000; i++)
            {
                acc += isns.isn(LOCAL + i, i & 0xFFFF, REMOTE, 443, T0 + i * 1_000L);
            }
            sink[0] = acc;
        });
        assertNotEquals(0, sink[0]);
    }
}
