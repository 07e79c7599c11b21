package io.tachyon.tcp;

/**
 * Sequence number arithmetic modulo 2^32 (RFC 9293 §3.4): {@code a} is before {@code b} when the signed 32-bit
 * difference {@code a - b} is negative. Valid only for numbers less than 2^31 apart, which TCP's windows ensure.
 */
final class Seq
{
    private Seq()
    {
    }

    static boolean lt(final int a, final int b)
    {
        return a - b < 0;
    }

    static boolean le(final int a, final int b)
    {
        return a - b <= 0;
    }

    static boolean gt(final int a, final int b)
    {
        return a - b > 0;
    }

    static boolean ge(final int a, final int b)
    {
        return a - b >= 0;
    }

    static int max(final int a, final int b)
    {
        return a - b >= 0 ? a : b;
    }

    static int min(final int a, final int b)
    {
        return a - b <= 0 ? a : b;
    }
}
