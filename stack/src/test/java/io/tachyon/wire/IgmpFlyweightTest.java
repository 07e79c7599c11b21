package io.tachyon.wire;

import io.tachyon.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.tachyon.pcap.PcapReader;

/**
 * {@link IgmpFlyweight}: hand-assembled messages, write/read round trips, the RFC 3376 codes, checksums,
 * truncation, and the IGMP messages of the shared captures (decoded values checked against tshark's dissection).
 * <p>
 * No pcap4j agreement: pcap4j 1.8.2 has no IGMP packet class (IGMP payloads decode as {@code UnknownPacket}), so
 * there is nothing to agree with; the captures, decoded by tshark, are the oracle instead.
 */
class IgmpFlyweightTest
{
    private final IgmpFlyweight igmp = new IgmpFlyweight();

    private static MemorySegment hex(final String hex)
    {
        return MemorySegment.ofArray(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    private static int ip(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    @Test
    void shouldReadAV2Report()
    {
        // The IGMPv2 report Igmp sends for 239.1.2.3 (checksum f8fa computed independently).
        final MemorySegment m = hex("1600 f8fa ef010203");
        assertEquals(Malformed.OK, igmp.wrap(m, 0, 8));
        assertEquals(IgmpFlyweight.TYPE_V2_REPORT, igmp.type());
        assertEquals(0, igmp.maxResponseCode());
        assertEquals(0xF8FA, igmp.checksum());
        assertEquals(ip(239, 1, 2, 3), igmp.group());
        assertTrue(igmp.verifyChecksum());
        assertEquals(0xF8FA, igmp.computeChecksum());
        assertEquals(0, igmp.queryVersion(), "not a query");
        assertFalse(igmp.isV3Query());
    }

    @Test
    void shouldClassifyQueriesByLength()
    {
        assertEquals(Malformed.OK, igmp.wrap(hex("1100 0000 00000000"), 0, 8));
        assertEquals(1, igmp.queryVersion());
        assertEquals(Malformed.OK, igmp.wrap(hex("1164 0000 00000000"), 0, 8));
        assertEquals(2, igmp.queryVersion());
        assertEquals(100, igmp.maxResponseTimeTenths());
        assertEquals(Malformed.OK, igmp.wrap(hex("1164 0000 00000000 0000"), 0, 10));
        assertEquals(0, igmp.queryVersion(), "RFC 3376 §7.1: 9 to 11 bytes is ignored");
        assertEquals(Malformed.OK, igmp.wrap(hex("118a 0000 e0000005 0a7d 0000"), 0, 12));
        assertEquals(3, igmp.queryVersion());
        assertTrue(igmp.isV3Query());
        assertEquals(208, igmp.maxResponseTimeTenths(), "0x8a: (0xa | 0x10) << 3");
        assertEquals(ip(224, 0, 0, 5), igmp.group());
        assertTrue(igmp.suppressRouterProcessing());
        assertEquals(2, igmp.querierRobustness());
        assertEquals(125, igmp.querierQueryIntervalSeconds());
        assertEquals(0, igmp.querySourceCount());
    }

    @Test
    void shouldRoundTripAV3QueryWithSources()
    {
        final MemorySegment m = MemorySegment.ofArray(new byte[64]);
        igmp.wrapForWrite(m, 4, 12 + 3 * 4)
            .type(IgmpFlyweight.TYPE_QUERY)
            .maxResponseCode(IgmpFlyweight.encodeCode(1000))
            .checksum(0)
            .group(ip(232, 1, 1, 1))
            .v3Query(false, 7, IgmpFlyweight.encodeCode(260), 3)
            .querySource(0, ip(10, 0, 0, 1))
            .querySource(1, ip(10, 0, 0, 2))
            .querySource(2, ip(10, 0, 0, 3))
            .updateChecksum();
        final IgmpFlyweight read = new IgmpFlyweight();
        assertEquals(Malformed.OK, read.wrap(m, 4, 24));
        assertTrue(read.verifyChecksum());
        assertEquals(3, read.queryVersion());
        assertEquals(992, read.maxResponseTimeTenths(), "1000 rounds down to (0x1f << 5)");
        assertFalse(read.suppressRouterProcessing());
        assertEquals(7, read.querierRobustness());
        assertEquals(256, read.querierQueryIntervalSeconds(), "260 rounds down to 0x10 << 4");
        assertEquals(3, read.querySourceCount());
        assertEquals(ip(10, 0, 0, 3), read.querySource(2));
        assertThrows(IndexOutOfBoundsException.class, () -> read.querySource(3));
        m.set(ValueLayout.JAVA_BYTE, 20, (byte)1);
        assertFalse(read.verifyChecksum(), "a flipped source bit breaks the checksum");
        assertThrows(IllegalArgumentException.class, () -> igmp.v3Query(false, 8, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> igmp.v3Query(false, 0, 0, 4), "4 sources do not fit");
    }

    @Test
    void shouldRoundTripAV3ReportWithRecordsSourcesAndAuxData()
    {
        final MemorySegment m = MemorySegment.ofArray(new byte[128]);
        final int length = 8 + (8 + 2 * 4 + 4) + 8;
        igmp.wrapForWrite(m, 0, length).type(IgmpFlyweight.TYPE_V3_REPORT).recordCount(2).checksum(0);
        final long first = igmp.firstRecordOffset();
        igmp.record(first, IgmpFlyweight.RECORD_ALLOW_NEW_SOURCES, 1, 2, ip(232, 0, 0, 1))
            .recordSource(first, 0, ip(10, 1, 1, 1))
            .recordSource(first, 1, ip(10, 1, 1, 2));
        final long second = igmp.nextRecordOffset(first);
        assertEquals(8 + 20, second);
        igmp.record(second, IgmpFlyweight.RECORD_CHANGE_TO_INCLUDE, 0, 0, ip(239, 1, 2, 3)).updateChecksum();
        assertThrows(IndexOutOfBoundsException.class,
            () -> igmp.record(second, IgmpFlyweight.RECORD_CHANGE_TO_INCLUDE, 0, 1, ip(239, 1, 2, 3)),
            "a source past the end of the message");

        final IgmpFlyweight read = new IgmpFlyweight();
        assertEquals(Malformed.OK, read.wrap(m, 0, length));
        assertTrue(read.verifyChecksum());
        assertEquals(2, read.recordCount());
        final List<String> records = new ArrayList<>();
        long record = read.firstRecordOffset();
        for (int i = 0; i < read.recordCount(); i++)
        {
            final StringBuilder text = new StringBuilder().append(read.recordType(record)).append('/')
                .append(read.recordAuxDataWords(record)).append('/')
                .append(Integer.toHexString(read.recordGroup(record)));
            for (int s = 0; s < read.recordSourceCount(record); s++)
            {
                text.append('/').append(Integer.toHexString(read.recordSource(record, s)));
            }
            records.add(text.toString());
            record = read.nextRecordOffset(record);
        }
        assertEquals(List.of("5/1/e8000001/a010101/a010102", "3/0/ef010203"), records);
        assertEquals(length, record, "the records end where the message ends");
        assertEquals(Malformed.IGMP_TRUNCATED, read.wrap(m, 0, length - 1), "the last record cut short");
        assertEquals(Malformed.IGMP_TRUNCATED, read.wrap(m, 0, 8 + 19), "the aux data of the first cut short");
    }

    @Test
    void shouldEncodeAndDecodeEveryCode()
    {
        for (int code = 0; code < 256; code++)
        {
            final int value = IgmpFlyweight.decodeCode(code);
            assertEquals(code, IgmpFlyweight.encodeCode(value), "code " + code + " value " + value);
        }
        for (int value = 0; value <= IgmpFlyweight.MAX_CODE_VALUE; value++)
        {
            final int decoded = IgmpFlyweight.decodeCode(IgmpFlyweight.encodeCode(value));
            assertTrue(decoded <= value && (value < 128 || decoded > value - value / 16 - 1),
                "value " + value + " decoded " + decoded);
        }
        assertEquals(IgmpFlyweight.MAX_CODE_VALUE, IgmpFlyweight.decodeCode(0xFF));
        assertThrows(IllegalArgumentException.class, () -> IgmpFlyweight.encodeCode(IgmpFlyweight.MAX_CODE_VALUE + 1));
    }

    @Test
    void shouldNeverThrowNorReadOutsideForRandomBytes()
    {
        final SplittableRandom random = new SplittableRandom(20_261_122L);
        final IgmpFlyweight read = new IgmpFlyweight();
        for (int i = 0; i < 100_000; i++)
        {
            final byte[] bytes = new byte[random.nextInt(0, 48)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean())
            {
                bytes[0] = (byte)(random.nextBoolean() ? IgmpFlyweight.TYPE_V3_REPORT : IgmpFlyweight.TYPE_QUERY);
            }
            if (bytes.length > 7 && random.nextBoolean())
            {
                bytes[6] = 0;
                bytes[10 % bytes.length] = 0;
            }
            // A segment exactly the message: any read outside it throws.
            final MemorySegment m = MemorySegment.ofArray(bytes);
            if (read.wrap(m, 0, bytes.length) != Malformed.OK)
            {
                continue;
            }
            read.verifyChecksum();
            read.queryVersion();
            read.group();
            if (read.isV3Query())
            {
                for (int s = 0; s < read.querySourceCount(); s++)
                {
                    read.querySource(s);
                }
            }
            if (read.type() == IgmpFlyweight.TYPE_V3_REPORT)
            {
                long record = read.firstRecordOffset();
                for (int r = 0; r < read.recordCount(); r++)
                {
                    read.recordGroup(record);
                    for (int s = 0; s < read.recordSourceCount(record); s++)
                    {
                        read.recordSource(record, s);
                    }
                    record = read.nextRecordOffset(record);
                }
                assertTrue(record <= bytes.length);
            }
        }
        assertEquals(Malformed.IGMP_TRUNCATED, read.wrap(MemorySegment.ofArray(new byte[4]), 0, 8),
            "a region outside the segment is truncation");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Shared captures
    // ------------------------------------------------------------------------------------------------------------

    /** The IGMP messages of a capture: {type, version, maxRespTenths, group, qrv, qqic, sources} per message. */
    private static List<int[]> igmpIn(final Path pcap) throws IOException
    {
        final List<int[]> found = new ArrayList<>();
        final FrameDissector dissector = new FrameDissector();
        final IgmpFlyweight read = new IgmpFlyweight();
        try (PcapReader reader = PcapReader.open(pcap))
        {
            while (reader.next())
            {
                final Malformed m = dissector.dissect(reader.linkType(), reader.segment(), reader.dataOffset(),
                    reader.capturedLength());
                if (m != Malformed.OK || dissector.layer() != FrameDissector.Layer.IPV4
                    || dissector.ipv4().protocol() != 2)
                {
                    continue;
                }
                final Ipv4Flyweight ip = dissector.ipv4();
                assertEquals(Malformed.OK, read.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()));
                assertTrue(read.verifyChecksum(), "tshark says every IGMP checksum in the corpus is correct");
                assertEquals(1, ip.ttl(), "IGMP is link-local");
                found.add(new int[] {read.type(), read.queryVersion(), read.maxResponseTimeTenths(), read.group(),
                    read.isV3Query() ? read.querierRobustness() : -1,
                    read.isV3Query() ? read.querierQueryIntervalSeconds() : -1,
                    read.isV3Query() ? read.querySourceCount() : -1, read.checksum(), ip.optionsLength()});
            }
        }
        return found;
    }

    @Test
    void shouldDecodeTheIgmpv3QueriesOfTheCorpus() throws IOException
    {
        // tshark: IGMP v3, Membership Query, Max Resp 1.0 s (0x0a), checksum 0xec78, group 0.0.0.0, S 0, QRV 2,
        // QQIC 125, 0 sources; the second capture carries the same query behind a Router Alert option.
        final Path pcaps = SharedData.pcaps();
        for (final String file : List.of("pcapplusplus/IPv4-NoOptions.pcap", "pcapplusplus/ipv4-options.pcap"))
        {
            final List<int[]> found = igmpIn(pcaps.resolve(file));
            assertEquals(1, found.size(), file);
            final int[] q = found.get(0);
            assertEquals(List.of(0x11, 3, 10, 0, 2, 125, 0, 0xEC78), List.of(q[0], q[1], q[2], q[3], q[4], q[5], q[6],
                q[7]), file);
            assertEquals(file.contains("options") ? 4 : 0, q[8], file + ": options length");
        }
    }

    @Test
    void shouldDecodeTheIgmpv2QueriesOfTheCorpus() throws IOException
    {
        // tshark: 3 x IGMP v2 Membership Query, Max Resp 10.0 s (100), checksum 0xee9b, group 0.0.0.0.
        final Path pcaps = SharedData.pcaps();
        for (final String file : List.of("tcpreplay-test/test.pcap", "tcpreplay-test/test_fragroute.pcap"))
        {
            final List<int[]> found = igmpIn(pcaps.resolve(file));
            assertEquals(3, found.size(), file);
            for (final int[] q : found)
            {
                assertEquals(List.of(0x11, 2, 100, 0, -1, -1, -1, 0xEE9B), List.of(q[0], q[1], q[2], q[3], q[4], q[5],
                    q[6], q[7]), file);
            }
        }
    }
}
