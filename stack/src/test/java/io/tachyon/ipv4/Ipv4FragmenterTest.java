package io.tachyon.ipv4;

import static io.tachyon.ipv4.Datagrams.datagram;
import static io.tachyon.ipv4.Datagrams.segment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

/** The fragmenter's rules, with exact expected fragments. */
class Ipv4FragmenterTest
{
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();
    private final MemorySegment out = MemorySegment.ofArray(new byte[70_000]);
    private final Ipv4Flyweight ip = new Ipv4Flyweight();

    private static byte[] payload(final int length)
    {
        return Datagrams.randomBytes(new SplittableRandom(length), length);
    }

    @Test
    void shouldSplitOnEightByteBoundariesAndSetFlagsOffsetsAndChecksums()
    {
        final byte[] payload = payload(3000);
        final byte[] whole = datagram(0x1234, payload);
        assertEquals(3, fragmenter.start(segment(whole), 0, whole.length, 1500));
        final int[] expectedPayload = {1480, 1480, 40};
        final int[] expectedOffset = {0, 185, 370};
        for (int i = 0; i < 3; i++)
        {
            assertTrue(fragmenter.hasNext());
            assertEquals(3 - i, fragmenter.remaining());
            assertEquals(20 + expectedPayload[i], fragmenter.nextLength());
            final int length = fragmenter.next(out, 100, 1500);
            assertEquals(20 + expectedPayload[i], length);
            assertEquals(Malformed.OK, ip.wrap(out, 100, length));
            assertTrue(ip.verifyHeaderChecksum());
            assertEquals(0x1234, ip.identification());
            assertEquals(64, ip.ttl());
            assertEquals(0x10, ip.tos());
            assertEquals(expectedOffset[i], ip.fragmentOffset());
            assertEquals(i < 2, ip.moreFragments());
            assertFalse(ip.dontFragment());
            final byte[] data = out.asSlice(120, expectedPayload[i]).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(java.util.Arrays.copyOfRange(payload, expectedOffset[i] * 8,
                expectedOffset[i] * 8 + expectedPayload[i]), data);
        }
        assertFalse(fragmenter.hasNext());
        assertThrows(IllegalStateException.class, () -> fragmenter.next(out, 0, 1500));
    }

    @Test
    void shouldRefuseToFragmentWhenDontFragmentIsSet()
    {
        final byte[] whole = datagram(Datagrams.SOURCE, 17, 1, new byte[0], payload(2000), true);
        assertEquals(Ipv4Fragmenter.DONT_FRAGMENT, fragmenter.start(segment(whole), 0, whole.length, 1500));
        assertFalse(fragmenter.hasNext());
    }

    @Test
    void shouldCopyADatagramThatFitsUnchangedEvenWithDontFragment()
    {
        final byte[] whole = datagram(Datagrams.SOURCE, 17, 2, new byte[0], payload(1480), true);
        assertEquals(1, fragmenter.start(segment(whole), 0, whole.length, 1500));
        final int length = fragmenter.next(out, 0, 1500);
        assertArrayEquals(whole, out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
        assertFalse(fragmenter.hasNext());
    }

    @Test
    void shouldCarryOnlyCopiedOptionsInLaterFragments()
    {
        // Record route (type 7, not copied, 7 bytes), router alert (0x94, copied, 4 bytes), end of list.
        final byte[] options = {7, 7, 4, 0, 0, 0, 0, (byte)0x94, 4, 0, 0, 0};
        final byte[] payload = payload(200);
        final byte[] whole = datagram(Datagrams.SOURCE, 17, 3, options, payload, false);
        // MTU 100: first carries (100 - 32) & ~7 = 64, later ones (100 - 24) & ~7 = 72.
        assertEquals(3, fragmenter.start(segment(whole), 0, whole.length, 100));
        int length = fragmenter.next(out, 0, 100);
        assertEquals(32 + 64, length);
        assertArrayEquals(java.util.Arrays.copyOf(options, 12), out.asSlice(20, 12).toArray(ValueLayout.JAVA_BYTE));
        length = fragmenter.next(out, 0, 100);
        assertEquals(24 + 72, length);
        ip.wrap(out, 0, length);
        assertEquals(24, ip.headerLength());
        assertTrue(ip.verifyHeaderChecksum());
        assertArrayEquals(new byte[] {(byte)0x94, 4, 0, 0}, out.asSlice(20, 4).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(8, ip.fragmentOffset());
        length = fragmenter.next(out, 0, 100);
        assertEquals(24 + 64, length);
        ip.wrap(out, 0, length);
        assertFalse(ip.moreFragments());
        assertEquals(17, ip.fragmentOffset());
    }

    @Test
    void shouldFragmentAFragmentKeepingItsOffsetAndMoreFragments()
    {
        final byte[] payload = payload(96);
        final byte[] piece = Datagrams.fragment(4, new byte[896], 800, 896, true);
        System.arraycopy(payload, 0, piece, 20, 96);
        assertEquals(2, fragmenter.start(segment(piece), 0, piece.length, 68));
        fragmenter.next(out, 0, 68);
        ip.wrap(out, 0, 68);
        assertEquals(100, ip.fragmentOffset());
        assertTrue(ip.moreFragments());
        final int length = fragmenter.next(out, 0, 68);
        ip.wrap(out, 0, length);
        assertEquals(106, ip.fragmentOffset());
        assertTrue(ip.moreFragments(), "the original's MF stays on its last piece");
    }

    @Test
    void shouldRejectBadCalls()
    {
        final byte[] whole = datagram(5, payload(96));
        final MemorySegment in = segment(whole);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fragmenter.start(in, 0, whole.length, 67))
            .getMessage().contains("67"));
        assertThrows(IllegalArgumentException.class, () -> fragmenter.start(in, 0, 30, 68));
        assertEquals(2, fragmenter.start(in, 0, whole.length, 68));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fragmenter.next(out, 0, 67)).getMessage()
            .contains("68"));
        final byte[] badOption = datagram(Datagrams.SOURCE, 17, 6, new byte[] {(byte)0x83, 9, 0, 0}, payload(100),
            false);
        assertThrows(IllegalArgumentException.class, () -> fragmenter.start(segment(badOption), 0,
            badOption.length, 68));
    }
}
