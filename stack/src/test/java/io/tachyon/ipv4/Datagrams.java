package io.tachyon.ipv4;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

import io.tachyon.wire.Ipv4Flyweight;

/** Builds IPv4 datagrams and fragments for tests, in heap memory. */
final class Datagrams
{
    static final int SOURCE = 0x0A00_0001;
    static final int DESTINATION = 0x0A00_0002;
    static final int UDP = Ipv4Flyweight.PROTOCOL_UDP;

    private Datagrams()
    {
    }

    /** A whole datagram (MF clear, offset 0, DF as given) with a valid header checksum. */
    static byte[] datagram(final int source, final int protocol, final int id, final byte[] options,
        final byte[] payload, final boolean dontFragment)
    {
        final int headerLength = 20 + options.length;
        final byte[] bytes = new byte[headerLength + payload.length];
        final MemorySegment segment = MemorySegment.ofArray(bytes);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrapForWrite(segment, 0, bytes.length);
        ip.ihl(headerLength / 4).tos(0x10).totalLength(bytes.length).identification(id)
            .fragment(dontFragment, false, 0).ttl(64).protocol(protocol).source(source).destination(DESTINATION);
        MemorySegment.copy(MemorySegment.ofArray(options), 0, segment, 20, options.length);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, segment, headerLength, payload.length);
        ip.updateHeaderChecksum();
        return bytes;
    }

    /** A UDP-protocol datagram from {@link #SOURCE} with no options. */
    static byte[] datagram(final int id, final byte[] payload)
    {
        return datagram(SOURCE, UDP, id, new byte[0], payload, false);
    }

    /**
     * A fragment of {@code payload[start, end)} with the given header options (first fragments carry the
     * datagram's options; tests use the same options everywhere unless they say otherwise).
     */
    static byte[] fragment(final int source, final int protocol, final int id, final byte[] options,
        final byte[] payload, final int start, final int end, final boolean moreFragments)
    {
        final int headerLength = 20 + options.length;
        final byte[] bytes = new byte[headerLength + end - start];
        final MemorySegment segment = MemorySegment.ofArray(bytes);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrapForWrite(segment, 0, bytes.length);
        ip.ihl(headerLength / 4).tos(0x10).totalLength(bytes.length).identification(id)
            .fragment(false, moreFragments, start / 8).ttl(64).protocol(protocol).source(source)
            .destination(DESTINATION);
        MemorySegment.copy(MemorySegment.ofArray(options), 0, segment, 20, options.length);
        System.arraycopy(payload, start, bytes, headerLength, end - start);
        ip.updateHeaderChecksum();
        return bytes;
    }

    /** A fragment from {@link #SOURCE}, UDP, no options. */
    static byte[] fragment(final int id, final byte[] payload, final int start, final int end,
        final boolean moreFragments)
    {
        return fragment(SOURCE, UDP, id, new byte[0], payload, start, end, moreFragments);
    }

    /** A fragment with a payload of {@code length} bytes of value {@code fill}, at {@code start}. */
    static byte[] filled(final int id, final int start, final int length, final boolean moreFragments,
        final int fill)
    {
        final byte[] payload = new byte[start + length];
        Arrays.fill(payload, (byte)fill);
        return fragment(id, payload, start, start + length, moreFragments);
    }

    static byte[] randomBytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        return bytes;
    }

    /** The bytes of the reassembler's current view. */
    static byte[] view(final Ipv4Reassembly reassembly)
    {
        return reassembly.datagramSegment().asSlice(reassembly.datagramOffset(), reassembly.datagramLength())
            .toArray(ValueLayout.JAVA_BYTE);
    }

    static MemorySegment segment(final byte[] bytes)
    {
        return MemorySegment.ofArray(bytes);
    }
}
