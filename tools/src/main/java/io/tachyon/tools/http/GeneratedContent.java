package io.tachyon.tools.http;

import java.util.SplittableRandom;

/**
 * The bytes of the HTTP server's generated downloads ({@code /bytes/N}): byte {@code i} of every download is
 * {@code PATTERN[i % 65 521]}, a fixed pseudo-random block of a prime length, so that any lost, repeated or shifted
 * run of bytes changes the SHA-256 of the download. Anyone can recompute the expected bytes with {@link #fill}.
 */
public final class GeneratedContent
{
    /** The length of the repeated block (a prime, so that it never lines up with buffer or segment sizes). */
    public static final int PERIOD = 65_521;
    /** The seed of the block. */
    public static final long SEED = 20_261_122L;

    private static final byte[] PATTERN = new byte[PERIOD];

    static
    {
        new SplittableRandom(SEED).nextBytes(PATTERN);
    }

    private GeneratedContent()
    {
    }

    /**
     * Copies bytes {@code [position, position + length)} of a download into {@code into}.
     *
     * @param position the first byte's index in the download, 0 or more.
     * @param into     the destination.
     * @param offset   where to start writing.
     * @param length   how many bytes.
     * @throws IllegalArgumentException for a negative position.
     */
    public static void fill(final long position, final byte[] into, final int offset, final int length)
    {
        if (position < 0)
        {
            throw new IllegalArgumentException("position must be >= 0, was " + position);
        }
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        int p = (int) (position % PERIOD);
        int done = 0;
        while (done < length)
        {
            final int n = Math.min(length - done, PERIOD - p);
            System.arraycopy(PATTERN, p, into, offset + done, n);
            done += n;
            p = 0;
        }
    }
}
