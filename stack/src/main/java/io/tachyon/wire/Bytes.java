package io.tachyon.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Package-private big-endian accessors shared by the flyweights. Every read and write goes through a
 * {@link MemorySegment}, so an access outside the segment throws {@link IndexOutOfBoundsException} instead of
 * touching foreign memory.
 */
final class Bytes
{
    /** One unsigned byte (read as {@code byte}, masked by the caller). */
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    /** A big-endian, unaligned 16-bit field. */
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** A big-endian, unaligned 32-bit field. */
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** A big-endian, unaligned 64-bit field. */
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The largest value of a 48-bit MAC address held in a long. */
    static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;

    private Bytes()
    {
    }

    static int u8(final MemorySegment segment, final long offset)
    {
        return segment.get(U8, offset) & 0xFF;
    }

    static int u16(final MemorySegment segment, final long offset)
    {
        return segment.get(U16, offset) & 0xFFFF;
    }

    static int i32(final MemorySegment segment, final long offset)
    {
        return segment.get(U32, offset);
    }

    static void putU8(final MemorySegment segment, final long offset, final int value)
    {
        segment.set(U8, offset, (byte)value);
    }

    static void putU16(final MemorySegment segment, final long offset, final int value)
    {
        segment.set(U16, offset, (short)value);
    }

    static void putI32(final MemorySegment segment, final long offset, final int value)
    {
        segment.set(U32, offset, value);
    }

    /** A 48-bit MAC address at {@code offset}, as the low 48 bits of a long (first byte most significant). */
    static long mac(final MemorySegment segment, final long offset)
    {
        return ((long)u16(segment, offset) << 32) | (segment.get(U32, offset + 2) & 0xFFFF_FFFFL);
    }

    static void putMac(final MemorySegment segment, final long offset, final long mac)
    {
        if ((mac & ~MAC_MASK) != 0)
        {
            throw new IllegalArgumentException("MAC address must fit in 48 bits, was 0x" + Long.toHexString(mac));
        }
        putU16(segment, offset, (int)(mac >>> 32));
        putI32(segment, offset + 2, (int)mac);
    }

    static int checkRange(final String what, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    /**
     * Checks a writer's region: {@code [offset, offset + capacity)} must lie inside the segment and hold at least
     * {@code minimum} bytes.
     */
    static void checkWritable(
        final String what, final MemorySegment segment, final long offset, final int capacity, final int minimum)
    {
        if (segment == null)
        {
            throw new NullPointerException(what + ": segment is null");
        }
        if (capacity < minimum)
        {
            throw new IllegalArgumentException(
                what + " needs at least " + minimum + " bytes, capacity was " + capacity);
        }
        if (offset < 0 || offset + capacity > segment.byteSize())
        {
            throw new IndexOutOfBoundsException(what + ": region [" + offset + ", " + (offset + capacity)
                + ") is outside the segment of " + segment.byteSize() + " bytes");
        }
    }
}
