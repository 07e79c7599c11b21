package io.tachyon.tcp;

import java.security.SecureRandom;

/**
 * A 128-bit SipHash key, as the two little-endian 64-bit halves {@code k0} (key bytes 0..7) and {@code k1} (key
 * bytes 8..15) of the SipHash paper (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012, §2).
 * <p>
 * Production keys come from {@link #random()} ({@link SecureRandom}, drawn once at construction of the component
 * that owns the key); tests and reproducible runs derive a key from a configured seed with {@link #fromSeed(long)}.
 * {@link #toString()} does not show the key.
 *
 * @param k0 the first key word (key bytes 0..7, little-endian).
 * @param k1 the second key word (key bytes 8..15, little-endian).
 */
public record SipKey(long k0, long k1)
{
    /** The number of bytes of a key. */
    public static final int LENGTH = 16;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /**
     * A key from a strong random source: {@link SecureRandom} as the JDK configures it by default.
     *
     * @return a fresh key.
     */
    public static SipKey random()
    {
        final SecureRandom random = new SecureRandom();
        return new SipKey(random.nextLong(), random.nextLong());
    }

    /**
     * A key derived from a 64-bit seed: reproducible (for tests and replays), NOT secret beyond the seed itself.
     * Each word is the SplitMix64 output function applied to {@code seed + i * 0x9E3779B97F4A7C15}
     * (i = 1, 2), so neighbouring seeds give unrelated keys.
     *
     * @param seed the seed.
     * @return the key for that seed (always the same one).
     */
    public static SipKey fromSeed(final long seed)
    {
        return new SipKey(mix(seed + GOLDEN_GAMMA), mix(seed + 2 * GOLDEN_GAMMA));
    }

    /**
     * A key from its 16 bytes as the SipHash paper writes them (k0 is bytes 0..7 read little-endian, k1 bytes 8..15).
     *
     * @param key    the bytes.
     * @param offset where the 16 key bytes start.
     * @return the key.
     * @throws IllegalArgumentException when the 16 bytes do not fit in {@code key} from {@code offset}.
     */
    public static SipKey fromBytes(final byte[] key, final int offset)
    {
        if (offset < 0 || offset > key.length - LENGTH)
        {
            throw new IllegalArgumentException(
                "a SipHash key is 16 bytes: offset " + offset + " in an array of " + key.length + " bytes");
        }
        return new SipKey(SipHash.littleEndianLong(key, offset), SipHash.littleEndianLong(key, offset + 8));
    }

    /**
     * Does not show the key.
     *
     * @return {@code "SipKey[redacted]"}.
     */
    @Override
    public String toString()
    {
        return "SipKey[redacted]";
    }

    private static long mix(final long z0)
    {
        long z = z0;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
