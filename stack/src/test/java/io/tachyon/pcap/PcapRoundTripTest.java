package io.tachyon.pcap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PcapRoundTripTest
{
    private static final long MAX_CLASSIC_NS = 0xffff_ffffL * 1_000_000_000L + 999_999_999L;

    @Property(seed = "20261122")
    void shouldRoundTripEveryFormatLinkTypeAndByteOrder(
        @ForAll final PcapFormat format,
        @ForAll("linkTypes") final int linkType,
        @ForAll("orders") final ByteOrder order,
        @ForAll("snapLengths") final int snapLength,
        @ForAll("packets") final List<Captures.Packet> packets)
    {
        final byte[] file = Captures.write(format, linkType, snapLength, order, packets);
        final Captures.Result result = Captures.readAll(file);

        assertNull(result.error());
        assertEquals(format, result.format());
        assertEquals(packets.size(), result.records().size());
        long offset = format == PcapFormat.PCAPNG ? 28 + 32 : 24;
        for (int i = 0; i < packets.size(); i++)
        {
            final Captures.Packet packet = packets.get(i);
            final Captures.Rec rec = result.records().get(i);
            final int kept = Math.min(packet.data().length, snapLength);
            assertArrayEquals(Arrays.copyOf(packet.data(), kept), rec.data());
            assertEquals(packet.originalLength(), rec.originalLength());
            assertEquals(expectedTimestamp(format, packet.timestampNs()), rec.timestampNs());
            assertEquals(linkType, rec.linkType());
            assertEquals(0, rec.interfaceId());
            assertEquals(i + 1, rec.number());
            assertEquals(offset, rec.byteOffset());
            offset += format == PcapFormat.PCAPNG ? 32 + ((kept + 3) & ~3) : 16 + kept;
        }
        assertEquals(file.length, offset);
    }

    private static long expectedTimestamp(final PcapFormat format, final long timestampNs)
    {
        return format == PcapFormat.PCAP_MICROS ? timestampNs - timestampNs % 1000 : timestampNs;
    }

    @Provide
    Arbitrary<Integer> linkTypes()
    {
        return Arbitraries.of(LinkType.ETHERNET, LinkType.RAW, LinkType.IPV4, LinkType.LINUX_SLL);
    }

    @Provide
    Arbitrary<ByteOrder> orders()
    {
        return Arbitraries.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN);
    }

    @Provide
    Arbitrary<Integer> snapLengths()
    {
        return Arbitraries.of(64, 1514, 65_535, PcapWriter.DEFAULT_SNAP_LENGTH);
    }

    @Provide
    Arbitrary<List<Captures.Packet>> packets()
    {
        final Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(1600);
        final Arbitrary<Integer> extra =
            Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 9000));
        final Arbitrary<Long> timestamps = Arbitraries.oneOf(
            Arbitraries.longs().between(0, MAX_CLASSIC_NS),
            Arbitraries.longs().between(1_700_000_000_000_000_000L, 1_800_000_000_000_000_000L),
            Arbitraries.of(0L, MAX_CLASSIC_NS));
        return Combinators.combine(data, extra, timestamps)
            .as((bytes, more, ts) -> new Captures.Packet(bytes, bytes.length + more, ts))
            .list().ofMaxSize(12);
    }
}
