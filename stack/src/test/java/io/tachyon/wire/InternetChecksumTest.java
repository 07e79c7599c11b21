package io.tachyon.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** RFC 1071 / RFC 1624 vectors from /work/shared/pcaps/README.md and checksum properties. */
class InternetChecksumTest
{
    private static MemorySegment hex(final String hex)
    {
        return MemorySegment.ofArray(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    /** A byte-at-a-time reference: 16-bit words, odd byte padded on the right, folded at each step. */
    private static int referenceSum(final byte[] data, final int from, final int length)
    {
        int sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = data[from + i] & 0xFF;
            final int lo = i + 1 < length ? data[from + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }

    @Test
    void shouldMatchRfc1071WorkedExample()
    {
        final MemorySegment data = hex("00 01 f2 03 f4 f5 f6 f7");
        assertEquals(0xddf2, InternetChecksum.sum(data, 0, 8));
        assertEquals(0x220d, InternetChecksum.checksum(data, 0, 8, 0));
    }

    @Test
    void shouldPadOddLengthWithZero()
    {
        assertEquals(0x2204, InternetChecksum.checksum(hex("00 01 f2 03 f4 f5 f7"), 0, 7, 0));
    }

    @Test
    void shouldGiveFfffForEmptyAndZeroInput()
    {
        assertEquals(0xffff, InternetChecksum.checksum(MemorySegment.ofArray(new byte[0]), 0, 0, 0));
        assertEquals(0xffff, InternetChecksum.checksum(hex("00 00 00 00 00 00"), 0, 6, 0));
    }

    @Test
    void shouldApplyRfc1624Equation3WithoutMinusZeroBug()
    {
        assertEquals(0x0000, InternetChecksum.update16(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void shouldComputeClassicIpv4HeaderChecksum()
    {
        final MemorySegment header = hex("45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7");
        assertEquals(0xb861, InternetChecksum.checksum(header, 0, 20, 0));
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        assertEquals(Malformed.IPV4_PAYLOAD_TRUNCATED, ip.wrap(header, 0, 20));
        assertEquals(0xb861, ip.computeHeaderChecksum());
        assertFalse(ip.verifyHeaderChecksum());
        ip.updateHeaderChecksum();
        assertEquals(0xb861, ip.headerChecksum());
        assertEquals(0xffff, InternetChecksum.sum(header, 0, 20));
        assertTrue(ip.verifyHeaderChecksum());
    }

    @Test
    void shouldSumPseudoHeader()
    {
        // 192.168.0.1 -> 192.168.0.199, UDP, length 0x5f: words c0a8 0001 c0a8 00c7 0011 005f.
        final int expected = InternetChecksum.fold(0xc0a8L + 0x0001 + 0xc0a8 + 0x00c7 + 0x0011 + 0x005f);
        assertEquals(expected, InternetChecksum.pseudoHeaderSum(0xc0a80001, 0xc0a800c7, 17, 0x5f));
    }

    @Property(seed = "20261122")
    void shouldAgreeWithReferenceAtEveryAlignmentAndLength(
        @ForAll @Size(max = 300) final byte[] data, @ForAll @IntRange(min = 0, max = 7) final int alignment)
    {
        final byte[] shifted = new byte[data.length + alignment];
        System.arraycopy(data, 0, shifted, alignment, data.length);
        final MemorySegment segment = MemorySegment.ofArray(shifted);
        assertEquals(referenceSum(data, 0, data.length), InternetChecksum.sum(segment, alignment, data.length));
        assertEquals(referenceSum(data, 0, data.length), InternetChecksum.sum(segment.asSlice(alignment), 0,
            data.length), "a segment sliced to the data: no read past its end");
    }

    @Property(seed = "20261122")
    void shouldVerifyDataFollowedByItsChecksum(@ForAll @Size(max = 200) final byte[] raw)
    {
        final int even = raw.length & ~1;
        final byte[] data = new byte[even + 2];
        System.arraycopy(raw, 0, data, 0, even);
        final MemorySegment segment = MemorySegment.ofArray(data);
        final int checksum = InternetChecksum.checksum(segment, 0, even, 0);
        segment.set(Bytes.U16, even, (short)checksum);
        assertTrue(InternetChecksum.verifies(InternetChecksum.sum(segment, 0, data.length)));
        assertEquals(0, InternetChecksum.checksum(segment, 0, data.length, 0));
    }

    @Property(seed = "20261122")
    void shouldDetectAnySingleBitFlip(@ForAll @Size(min = 1, max = 100) final byte[] raw,
        @ForAll @IntRange(min = 0, max = 100_000) final int where)
    {
        final int even = raw.length & ~1;
        final byte[] data = new byte[even + 2];
        System.arraycopy(raw, 0, data, 0, even);
        final MemorySegment segment = MemorySegment.ofArray(data);
        segment.set(Bytes.U16, even, (short)InternetChecksum.checksum(segment, 0, even, 0));
        final int bit = where % (data.length * 8);
        data[bit / 8] ^= (byte)(1 << (bit % 8));
        assertFalse(InternetChecksum.verifies(InternetChecksum.sum(segment, 0, data.length)));
    }

    @Property(seed = "20261122")
    void shouldUpdate16IncrementallyAsFullRecomputation(@ForAll @Size(min = 4, max = 120) final byte[] raw,
        @ForAll @IntRange(min = 0, max = 1000) final int where,
        @ForAll @IntRange(min = 0, max = 0xFFFF) final int value)
    {
        final int even = raw.length & ~1;
        final byte[] data = java.util.Arrays.copyOf(raw, even);
        data[0] |= 1; // never all-zero data: there +0 and -0 differ in representation only
        final MemorySegment segment = MemorySegment.ofArray(data);
        final int field = 2 + 2 * (where % ((even - 2) / 2));
        final int before = InternetChecksum.checksum(segment, 0, even, 0);
        final int old = segment.get(Bytes.U16, field) & 0xFFFF;
        segment.set(Bytes.U16, field, (short)value);
        assertEquals(InternetChecksum.checksum(segment, 0, even, 0), InternetChecksum.update16(before, old, value));
    }

    @Property(seed = "20261122")
    void shouldUpdate32IncrementallyAsFullRecomputation(@ForAll @Size(min = 8, max = 120) final byte[] raw,
        @ForAll @IntRange(min = 0, max = 1000) final int where, @ForAll final int value)
    {
        final int even = raw.length & ~1;
        final byte[] data = java.util.Arrays.copyOf(raw, even);
        data[0] |= 1;
        final MemorySegment segment = MemorySegment.ofArray(data);
        final int field = 2 + 2 * (where % ((even - 6) / 2 + 1));
        final int before = InternetChecksum.checksum(segment, 0, even, 0);
        final int old = segment.get(Bytes.U32, field);
        segment.set(Bytes.U32, field, value);
        assertEquals(InternetChecksum.checksum(segment, 0, even, 0), InternetChecksum.update32(before, old, value));
    }

    @Property(seed = "20261122")
    void shouldDecrementTtlWithValidChecksum(@ForAll @IntRange(min = 1, max = 255) final int ttl,
        @ForAll final int source, @ForAll final int destination)
    {
        final MemorySegment segment = MemorySegment.ofArray(new byte[20]);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrapForWrite(segment, 0, 20).ihl(5).totalLength(20).ttl(ttl)
            .protocol(17).source(source).destination(destination).updateHeaderChecksum();
        ip.decrementTtl();
        assertEquals(ttl - 1, ip.ttl());
        assertTrue(ip.verifyHeaderChecksum());
        assertEquals(ip.computeHeaderChecksum(), ip.headerChecksum());
    }
}
