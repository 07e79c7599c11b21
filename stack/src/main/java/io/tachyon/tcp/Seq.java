package io.tachyon.tcp;

/**
 * 32-bit sequence-number arithmetic modulo 2<sup>32</sup> (RFC 9293 §3.4).
 * <p>
 * RFC 9293 §3.4: "It is essential to remember that the actual sequence number space is finite, though very large.
 * This space ranges from 0 to 2**32 - 1. Since the space is finite, all arithmetic dealing with sequence numbers
 * must be performed modulo 2**32. This unsigned arithmetic preserves the relationship of sequence numbers as they
 * cycle from 2**32 - 1 to 0 again. There are some subtleties to computer modular arithmetic, so great care should
 * be taken in programming the comparison of such values. The symbol '=&lt;' means 'less than or equal' (modulo
 * 2**32)."
 * <p>
 * Sequence numbers are Java {@code int}s holding the unsigned 32-bit value; addition and subtraction wrap by
 * themselves ({@code seq + length}). Ordering comparisons ({@link #lt}, {@link #leq}, {@link #gt}, {@link #geq},
 * {@link #max}, {@link #min}) follow serial-number arithmetic (RFC 1982 §3.2): {@code a} is before {@code b} when
 * the signed 32-bit difference {@code a - b} is negative, i.e. when {@code b} lies less than 2<sup>31</sup> ahead
 * of {@code a}. They are exact for numbers less than 2<sup>31</sup> apart; at exactly 2<sup>31</sup> apart the
 * order is undefined in RFC 1982 and here both {@code lt(a, b)} and {@code lt(b, a)} hold (as with Linux's
 * {@code before()}). TCP never compares numbers that far apart: windows are below 2<sup>30</sup> (RFC 7323 §2.3).
 * <p>
 * Window tests ({@link #between}, {@link #betweenOpenClosed}, {@link #betweenClosedOpen}) do not use the signed
 * order: they measure forward distances from the window's left edge, so they are exact for any window shorter
 * than 2<sup>32</sup>, as RFC 9293 §3.4's acceptability tests need ("SND.UNA &lt; SEG.ACK =&lt; SND.NXT",
 * "RCV.NXT =&lt; SEG.SEQ &lt; RCV.NXT+RCV.WND").
 * <p>
 * All methods are static, branch-light and allocation-free.
 */
public final class Seq
{
    private static final long MASK = 0xFFFF_FFFFL;

    private Seq()
    {
    }

    /**
     * {@code a < b} modulo 2<sup>32</sup>.
     *
     * @param a a sequence number.
     * @param b a sequence number.
     * @return whether {@code a} is before {@code b}.
     */
    public static boolean lt(final int a, final int b)
    {
        return a - b < 0;
    }

    /**
     * {@code a =< b} modulo 2<sup>32</sup>.
     *
     * @param a a sequence number.
     * @param b a sequence number.
     * @return whether {@code a} is before or equal to {@code b}.
     */
    public static boolean leq(final int a, final int b)
    {
        return a - b <= 0;
    }

    /**
     * {@code a > b} modulo 2<sup>32</sup>.
     *
     * @param a a sequence number.
     * @param b a sequence number.
     * @return whether {@code a} is after {@code b}.
     */
    public static boolean gt(final int a, final int b)
    {
        return a - b > 0;
    }

    /**
     * {@code a >= b} modulo 2<sup>32</sup>.
     *
     * @param a a sequence number.
     * @param b a sequence number.
     * @return whether {@code a} is after or equal to {@code b}.
     */
    public static boolean geq(final int a, final int b)
    {
        return a - b >= 0;
    }

    /**
     * {@code a =< b =< c} modulo 2<sup>32</sup>: {@code b} lies in the closed window that starts at {@code a} and
     * runs forward to {@code c} (the window wraps when {@code c} is numerically below {@code a}). Exact for any
     * window length below 2<sup>32</sup>; {@code between(a, b, a)} holds only for {@code b == a}.
     *
     * @param a the window's left edge.
     * @param b the number tested.
     * @param c the window's right edge, inclusive.
     * @return whether {@code b} is in {@code [a, c]}.
     */
    public static boolean between(final int a, final int b, final int c)
    {
        return ((b - a) & MASK) <= ((c - a) & MASK);
    }

    /**
     * {@code a < b =< c} modulo 2<sup>32</sup>, the shape of RFC 9293 §3.4's acceptable-ACK test
     * "SND.UNA &lt; SEG.ACK =&lt; SND.NXT". Empty when {@code a == c}.
     *
     * @param a the window's left edge, exclusive.
     * @param b the number tested.
     * @param c the window's right edge, inclusive.
     * @return whether {@code b} is in {@code (a, c]}.
     */
    public static boolean betweenOpenClosed(final int a, final int b, final int c)
    {
        final long offset = (b - a) & MASK;
        return offset != 0 && offset <= ((c - a) & MASK);
    }

    /**
     * {@code a =< b < c} modulo 2<sup>32</sup>, the shape of RFC 9293 §3.4's receive test
     * "RCV.NXT =&lt; SEG.SEQ &lt; RCV.NXT+RCV.WND". Empty when {@code a == c} (a zero window).
     *
     * @param a the window's left edge, inclusive.
     * @param b the number tested.
     * @param c the window's right edge, exclusive.
     * @return whether {@code b} is in {@code [a, c)}.
     */
    public static boolean betweenClosedOpen(final int a, final int b, final int c)
    {
        return ((b - a) & MASK) < ((c - a) & MASK);
    }

    /**
     * The signed distance {@code a - b}: positive when {@code a} is after {@code b}. Exact while the numbers are
     * less than 2<sup>31</sup> apart.
     *
     * @param a a sequence number.
     * @param b a sequence number.
     * @return {@code a - b} as a signed 32-bit value.
     */
    public static int diff(final int a, final int b)
    {
        return a - b;
    }

    /**
     * The forward distance from {@code from} to {@code to}, {@code (to - from) mod 2^32}, in {@code [0, 2^32)}:
     * for example the bytes between SND.UNA and SND.NXT.
     *
     * @param from the start.
     * @param to   the end.
     * @return the unsigned distance as a non-negative long.
     */
    public static long distance(final int from, final int to)
    {
        return (to - from) & MASK;
    }

    /**
     * The later of two sequence numbers (in the order of {@link #lt}).
     *
     * @param a a sequence number.
     * @param b a sequence number.
     * @return {@code b} if {@code a} is before {@code b}, else {@code a}.
     */
    public static int max(final int a, final int b)
    {
        return a - b < 0 ? b : a;
    }

    /**
     * The earlier of two sequence numbers (in the order of {@link #lt}).
     *
     * @param a a sequence number.
     * @param b a sequence number.
     * @return {@code a} if {@code a} is before {@code b}, else {@code b}.
     */
    public static int min(final int a, final int b)
    {
        return a - b < 0 ? a : b;
    }

    /**
     * A sequence number as its unsigned value, for logs and tests.
     *
     * @param seq a sequence number.
     * @return its value in {@code [0, 2^32)}.
     */
    public static long toUnsigned(final int seq)
    {
        return seq & MASK;
    }
}
