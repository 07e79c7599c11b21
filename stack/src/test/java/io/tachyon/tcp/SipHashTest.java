package io.tachyon.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.tachyon.testing.Allocations;

/**
 * {@link SipHash} against the SipHash-2-4 test vectors of the SipHash paper (Appendix A and the reference
 * implementation's vector set): key 00 01 .. 0f, messages of 0..63 bytes 00 01 02 .., each tag as a 64-bit
 * little-endian word.
 */
class SipHashTest
{
    /** Tag of the message 00 01 .. (n-1) under the key 00 01 .. 0f, for n = 0..63. */
    private static final long[] VECTORS = {
        0x726fdb47dd0e0e31L, 0x74f839c593dc67fdL, 0x0d6c8009d9a94f5aL, 0x85676696d7fb7e2dL,
        0xcf2794e0277187b7L, 0x18765564cd99a68dL, 0xcbc9466e58fee3ceL, 0xab0200f58b01d137L,
        0x93f5f5799a932462L, 0x9e0082df0ba9e4b0L, 0x7a5dbbc594ddb9f3L, 0xf4b32f46226bada7L,
        0x751e8fbc860ee5fbL, 0x14ea5627c0843d90L, 0xf723ca908e7af2eeL, 0xa129ca6149be45e5L,
        0x3f2acc7f57c29bdbL, 0x699ae9f52cbe4794L, 0x4bc1b3f0968dd39cL, 0xbb6dc91da77961bdL,
        0xbed65cf21aa2ee98L, 0xd0f2cbb02e3b67c7L, 0x93536795e3a33e88L, 0xa80c038ccd5ccec8L,
        0xb8ad50c6f649af94L, 0xbce192de8a85b8eaL, 0x17d835b85bbb15f3L, 0x2f2e6163076bcfadL,
        0xde4daaaca71dc9a5L, 0xa6a2506687956571L, 0xad87a3535c49ef28L, 0x32d892fad841c342L,
        0x7127512f72f27cceL, 0xa7f32346f95978e3L, 0x12e0b01abb051238L, 0x15e034d40fa197aeL,
        0x314dffbe0815a3b4L, 0x027990f029623981L, 0xcadcd4e59ef40c4dL, 0x9abfd8766a33735cL,
        0x0e3ea96b5304a7d0L, 0xad0c42d6fc585992L, 0x187306c89bc215a9L, 0xd4a60abcf3792b95L,
        0xf935451de4f21df2L, 0xa9538f0419755787L, 0xdb9acddff56ca510L, 0xd06c98cd5c0975ebL,
        0xe612a3cb9ecba951L, 0xc766e62cfcadaf96L, 0xee64435a9752fe72L, 0xa192d576b245165aL,
        0x0a8787bf8ecb74b2L, 0x81b3e73d20b49b6fL, 0x7fa8220ba3b2eceaL, 0x245731c13ca42499L,
        0xb78dbfaf3a8d83bdL, 0xea1ad565322a1a0bL, 0x60e61c23a3795013L, 0x6606d7e446282b93L,
        0x6ca4ecb15c5f91e1L, 0x9f626da15c9625f3L, 0xe51b38608ef25f57L, 0x958a324ceb064572L,
    };

    private static final byte[] COUNTING = counting(64);
    private static final SipKey PAPER_KEY = SipKey.fromBytes(counting(16), 0);

    private static byte[] counting(final int n)
    {
        final byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++)
        {
            bytes[i] = (byte)i;
        }
        return bytes;
    }

    @Test
    void shouldReadThePaperKeyAsTwoLittleEndianWords()
    {
        assertEquals(0x0706050403020100L, PAPER_KEY.k0());
        assertEquals(0x0f0e0d0c0b0a0908L, PAPER_KEY.k1());
    }

    @Test
    void shouldMatchEveryVectorOfTheSixtyFourMessageSet()
    {
        final SipHash sip = new SipHash(PAPER_KEY);
        for (int length = 0; length < 64; length++)
        {
            assertEquals(VECTORS[length], sip.hash(COUNTING, 0, length), "message of " + length + " bytes");
        }
    }

    @Test
    void shouldMatchThePaperAppendixExampleOfFifteenBytes()
    {
        // Appendix A: key 00..0f, message 00..0e, tag a129ca6149be45e5.
        assertEquals(0xa129ca6149be45e5L, new SipHash(PAPER_KEY).hash(COUNTING, 0, 15));
    }

    @Test
    void shouldHashAMessageAtAnOffset()
    {
        final byte[] shifted = new byte[70];
        System.arraycopy(COUNTING, 0, shifted, 5, 64);
        final SipHash sip = new SipHash(PAPER_KEY);
        for (int length = 0; length < 64; length++)
        {
            assertEquals(VECTORS[length], sip.hash(shifted, 5, length));
        }
    }

    @Test
    void shouldGiveTheByteStringTagForTheWordForms()
    {
        final SipHash sip = new SipHash(PAPER_KEY);
        final long w0 = 0x0706050403020100L;
        final long w1 = 0x0f0e0d0c0b0a0908L;
        final long w2 = 0x1716151413121110L;
        assertEquals(VECTORS[8], sip.hash(w0));
        assertEquals(VECTORS[16], sip.hash(w0, w1));
        assertEquals(VECTORS[24], sip.hash(w0, w1, w2));
    }

    @Test
    void shouldAgreeBetweenWordAndByteFormsForRandomWordsAndKeys()
    {
        final SplittableRandom random = new SplittableRandom(20261122L);
        final byte[] bytes = new byte[24];
        for (int i = 0; i < 1_000; i++)
        {
            final SipHash sip = new SipHash(new SipKey(random.nextLong(), random.nextLong()));
            final long a = random.nextLong();
            final long b = random.nextLong();
            final long c = random.nextLong();
            for (int j = 0; j < 8; j++)
            {
                bytes[j] = (byte)(a >>> (8 * j));
                bytes[8 + j] = (byte)(b >>> (8 * j));
                bytes[16 + j] = (byte)(c >>> (8 * j));
            }
            assertEquals(sip.hash(bytes, 0, 8), sip.hash(a));
            assertEquals(sip.hash(bytes, 0, 16), sip.hash(a, b));
            assertEquals(sip.hash(bytes, 0, 24), sip.hash(a, b, c));
        }
    }

    @Test
    void shouldChangeTheTagWithTheKey()
    {
        assertNotEquals(new SipHash(SipKey.fromSeed(1)).hash(42L), new SipHash(SipKey.fromSeed(2)).hash(42L));
        assertEquals(SipKey.fromSeed(7), SipKey.fromSeed(7));
        assertNotEquals(SipKey.fromSeed(7), SipKey.fromSeed(8));
        assertNotEquals(SipKey.random(), SipKey.random());
    }

    @Test
    void shouldNotShowTheKey()
    {
        assertEquals("SipKey[redacted]", PAPER_KEY.toString());
    }

    @Test
    void shouldRejectBadRanges()
    {
        final SipHash sip = new SipHash(PAPER_KEY);
        assertThrows(IndexOutOfBoundsException.class, () -> sip.hash(COUNTING, 60, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> sip.hash(COUNTING, -1, 5));
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> SipKey.fromBytes(new byte[20], 5));
        assertEquals("a SipHash key is 16 bytes: offset 5 in an array of 20 bytes", ex.getMessage());
    }

    @Test
    void shouldAllocateNothing() throws Exception
    {
        final SipHash sip = new SipHash(PAPER_KEY);
        final long[] sink = new long[1];
        Allocations.assertSteadyStateAllocatesNothing("hashing 100000 messages", 20, 10, () ->
        {
            long acc = 0;
            for (int i = 0; i < 100_000; i++)
            {
                acc += sip.hash(i) + sip.hash(acc, i) + sip.hash(acc, i, 3) + sip.hash(COUNTING, 0, i & 63);
            }
            sink[0] = acc;
        });
        assertNotEquals(0L, sink[0]);
    }
}
