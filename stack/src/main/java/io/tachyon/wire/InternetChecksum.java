package io.tachyon.wire;

import java.lang.foreign.MemorySegment;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's-complement sum of 16-bit big-endian
 * words, with RFC 1624 incremental update.
 * <p>
 * Vocabulary used by the methods:
 * <ul>
 *   <li>a <em>sum</em> is a folded one's-complement sum in {@code [0, 0xFFFF]}; sums of adjacent ranges may be
 *       combined with {@link #add(int, int)} provided every range but the last has an even length;</li>
 *   <li>a <em>checksum</em> is {@link #finish(int)} of a sum: its one's complement, the value stored in a header;
 *       </li>
 *   <li>data that contains its own correct checksum sums to {@code 0xFFFF} (see {@link #verifies(int)}).</li>
 * </ul>
 * The bulk sum reads 64 bits at a time, big-endian, adds both 32-bit halves into a {@code long} (which cannot
 * overflow for any segment below 16 GiB) and folds once at the end. All methods are static and allocate nothing.
 */
public final class InternetChecksum
{
    /** The sum of data that carries its own correct checksum. */
    public static final int VERIFIED_SUM = 0xFFFF;

    private InternetChecksum()
    {
    }

    /**
     * The one's-complement sum of {@code length} bytes at {@code offset}, added to {@code initial}. An odd final
     * byte is padded with a zero byte on the right (RFC 1071).
     *
     * @param segment the memory.
     * @param offset the first byte.
     * @param length the number of bytes; {@code >= 0}.
     * @param initial a sum to start from (e.g. a pseudo-header sum), {@code [0, 0xFFFF]}, or 0.
     * @return the folded sum, in {@code [0, 0xFFFF]}.
     * @throws IndexOutOfBoundsException if the range is not inside the segment.
     */
    public static int sum(final MemorySegment segment, final long offset, final long length, final int initial)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("checksum length must be >= 0, was " + length);
        }
        long acc = initial & 0xFFFF_FFFFL;
        long position = offset;
        final long end = offset + length;
        final long end8 = end - 7;
        while (position < end8)
        {
            final long word = segment.get(Bytes.U64, position);
            acc += (word >>> 32) + (word & 0xFFFF_FFFFL);
            position += 8;
        }
        if (end - position >= 4)
        {
            acc += segment.get(Bytes.U32, position) & 0xFFFF_FFFFL;
            position += 4;
        }
        if (end - position >= 2)
        {
            acc += segment.get(Bytes.U16, position) & 0xFFFF;
            position += 2;
        }
        if (position < end)
        {
            acc += (segment.get(Bytes.U8, position) & 0xFF) << 8;
        }
        return fold(acc);
    }

    /**
     * The one's-complement sum of {@code length} bytes at {@code offset}.
     *
     * @param segment the memory.
     * @param offset the first byte.
     * @param length the number of bytes; {@code >= 0}.
     * @return the folded sum, in {@code [0, 0xFFFF]}.
     */
    public static int sum(final MemorySegment segment, final long offset, final long length)
    {
        return sum(segment, offset, length, 0);
    }

    /**
     * The checksum of a range: {@code finish(sum(segment, offset, length, initial))}.
     *
     * @param segment the memory.
     * @param offset the first byte.
     * @param length the number of bytes; {@code >= 0}.
     * @param initial a sum to start from, or 0.
     * @return the checksum to store, in {@code [0, 0xFFFF]}.
     */
    public static int checksum(final MemorySegment segment, final long offset, final long length, final int initial)
    {
        return finish(sum(segment, offset, length, initial));
    }

    /**
     * The sum of the TCP/UDP IPv4 pseudo-header: source, destination, zero byte + protocol, and the L4 length.
     *
     * @param source the IPv4 source address.
     * @param destination the IPv4 destination address.
     * @param protocol the IP protocol number, {@code [0, 255]}.
     * @param l4Length the TCP/UDP length in bytes (header plus data), {@code [0, 0xFFFF]}.
     * @return the folded sum, in {@code [0, 0xFFFF]}.
     */
    public static int pseudoHeaderSum(final int source, final int destination, final int protocol, final int l4Length)
    {
        final long acc = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF)
            + (protocol & 0xFF) + (l4Length & 0xFFFF);
        return fold(acc);
    }

    /**
     * One's-complement addition of two sums.
     *
     * @param a a sum.
     * @param b another sum.
     * @return the folded sum, in {@code [0, 0xFFFF]}.
     */
    public static int add(final int a, final int b)
    {
        return fold((a & 0xFFFF_FFFFL) + (b & 0xFFFF_FFFFL));
    }

    /**
     * Folds a wide accumulator of 16-bit words into 16 bits with end-around carry.
     *
     * @param accumulator a non-negative accumulation of unsigned 16- or 32-bit big-endian words.
     * @return the folded sum, in {@code [0, 0xFFFF]}.
     */
    public static int fold(final long accumulator)
    {
        long acc = (accumulator >>> 32) + (accumulator & 0xFFFF_FFFFL);
        acc = (acc >>> 32) + (acc & 0xFFFF_FFFFL);
        acc = (acc >>> 16) + (acc & 0xFFFF);
        acc = (acc >>> 16) + (acc & 0xFFFF);
        acc = (acc >>> 16) + (acc & 0xFFFF);
        return (int)acc;
    }

    /**
     * Turns a sum into the checksum to store: its 16-bit one's complement.
     *
     * @param sum a sum.
     * @return {@code ~fold(sum) & 0xFFFF}.
     */
    public static int finish(final int sum)
    {
        return ~fold(sum & 0xFFFF_FFFFL) & 0xFFFF;
    }

    /**
     * Whether a sum over data that includes its checksum field shows the data intact.
     *
     * @param sum the sum over the covered bytes, checksum included.
     * @return {@code true} if the sum is {@code 0xFFFF}.
     */
    public static boolean verifies(final int sum)
    {
        return fold(sum & 0xFFFF_FFFFL) == VERIFIED_SUM;
    }

    /**
     * RFC 1624 eqn. 3 incremental update for a changed 16-bit field: {@code HC' = ~(~HC + ~m + m')}. Unlike the
     * RFC 1141 formula it never turns a correct checksum into -0.
     *
     * @param checksum the stored checksum HC.
     * @param oldValue the field's old value m (low 16 bits used).
     * @param newValue the field's new value m' (low 16 bits used).
     * @return the new checksum HC'.
     */
    public static int update16(final int checksum, final int oldValue, final int newValue)
    {
        final long acc = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /**
     * RFC 1624 eqn. 3 incremental update for a changed 32-bit field (e.g. an IPv4 address or a sequence number),
     * as two 16-bit words.
     *
     * @param checksum the stored checksum HC.
     * @param oldValue the field's old value.
     * @param newValue the field's new value.
     * @return the new checksum HC'.
     */
    public static int update32(final int checksum, final int oldValue, final int newValue)
    {
        final long acc = (~checksum & 0xFFFF) + (~oldValue >>> 16) + (~oldValue & 0xFFFF)
            + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }
}
