package io.tachyon.tcp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012), keyed by a 128-bit
 * {@link SipKey}, returning the 64-bit tag. Written from the paper's description:
 * <ul>
 *   <li><b>Initialisation</b> (§2.1): {@code v0 = k0 ^ 0x736f6d6570736575}, {@code v1 = k1 ^ 0x646f72616e646f6d},
 *       {@code v2 = k0 ^ 0x6c7967656e657261}, {@code v3 = k1 ^ 0x7465646279746573}.</li>
 *   <li><b>Compression</b>: the message is cut into little-endian 64-bit words; the last word holds the 0..7
 *       remaining bytes and, in its most significant byte, the message length modulo 256. For each word
 *       {@code m}: {@code v3 ^= m}, two SipRounds, {@code v0 ^= m}.</li>
 *   <li><b>Finalisation</b>: {@code v2 ^= 0xff}, four SipRounds, the tag is {@code v0 ^ v1 ^ v2 ^ v3}.</li>
 *   <li><b>SipRound</b>: {@code v0 += v1; v1 <<<= 13; v1 ^= v0; v0 <<<= 32; v2 += v3; v3 <<<= 16; v3 ^= v2;
 *       v0 += v3; v3 <<<= 21; v3 ^= v0; v2 += v1; v1 <<<= 17; v1 ^= v2; v2 <<<= 32} (additions modulo 2^64,
 *       {@code <<<} a left rotation).</li>
 * </ul>
 * The fixed-length forms {@link #hash(long)}, {@link #hash(long, long)} and {@link #hash(long, long, long)} hash
 * the 8, 16 or 24 bytes that are the little-endian encodings of their words, so {@code hash(m0, m1)} equals
 * {@link #hash(byte[], int, int)} of those 16 bytes. Messages of different lengths never collide by construction
 * (the length is in the last word), which the TCP components use to separate their uses of one key.
 * <p>
 * <b>Threading and memory.</b> The state lives in four fields, so an instance belongs to one thread (the stack
 * thread) and no call allocates.
 */
public final class SipHash
{
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long k0;
    private final long k1;
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    /**
     * A hasher for one key.
     *
     * @param key the 128-bit key.
     */
    public SipHash(final SipKey key)
    {
        Objects.requireNonNull(key, "key");
        k0 = key.k0();
        k1 = key.k1();
    }

    /**
     * SipHash-2-4 of an 8-byte message: the little-endian encoding of {@code m0}.
     *
     * @param m0 the message word.
     * @return the 64-bit tag.
     */
    public long hash(final long m0)
    {
        init();
        compress(m0);
        compress(8L << 56);
        return finish();
    }

    /**
     * SipHash-2-4 of a 16-byte message: the little-endian encodings of {@code m0} then {@code m1}.
     *
     * @param m0 the first message word.
     * @param m1 the second message word.
     * @return the 64-bit tag.
     */
    public long hash(final long m0, final long m1)
    {
        init();
        compress(m0);
        compress(m1);
        compress(16L << 56);
        return finish();
    }

    /**
     * SipHash-2-4 of a 24-byte message: the little-endian encodings of {@code m0}, {@code m1} then {@code m2}.
     *
     * @param m0 the first message word.
     * @param m1 the second message word.
     * @param m2 the third message word.
     * @return the 64-bit tag.
     */
    public long hash(final long m0, final long m1, final long m2)
    {
        init();
        compress(m0);
        compress(m1);
        compress(m2);
        compress(24L << 56);
        return finish();
    }

    /**
     * SipHash-2-4 of any byte string.
     *
     * @param message the bytes.
     * @param offset  where the message starts.
     * @param length  its length in bytes.
     * @return the 64-bit tag.
     * @throws IndexOutOfBoundsException when the range is not inside {@code message}.
     */
    public long hash(final byte[] message, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, message.length);
        init();
        final int end = offset + length;
        final int wholeEnd = offset + (length & ~7);
        for (int i = offset; i < wholeEnd; i += 8)
        {
            compress(littleEndianLong(message, i));
        }
        long last = ((long)length) << 56;
        for (int i = wholeEnd; i < end; i++)
        {
            last |= (message[i] & 0xFFL) << ((i - wholeEnd) * 8);
        }
        compress(last);
        return finish();
    }

    static long littleEndianLong(final byte[] bytes, final int offset)
    {
        return (long)LONG_LE.get(bytes, offset);
    }

    private void init()
    {
        v0 = k0 ^ 0x736f6d6570736575L;
        v1 = k1 ^ 0x646f72616e646f6dL;
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
    }

    private void compress(final long m)
    {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }

    private long finish()
    {
        v2 ^= 0xFF;
        round();
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private void round()
    {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
    }
}
