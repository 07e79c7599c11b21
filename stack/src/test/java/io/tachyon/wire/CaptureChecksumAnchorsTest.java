package io.tachyon.wire;

import io.tachyon.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.tachyon.wire.FrameDissector.Layer;

/**
 * Checksum verdicts on the external captures: Zeek's good/bad checksum pairs (the file name says which layer is
 * corrupted), and INDEX.tsv's bad_csums column, which counts checksum failures and unparsable headers per file.
 */
class CaptureChecksumAnchorsTest
{
    private final FrameDissector dissector = new FrameDissector();

    @Test
    void shouldReportZeekChecksumAnchorsAsTheirNamesSay() throws Exception
    {
        final Path chksums = SharedData.pcaps().resolve("zeek-btest-traces/chksums");
        final List<Path> files;
        try (Stream<Path> list = Files.list(chksums))
        {
            files = list.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
        }
        int ipv4Files = 0;
        int ipv6Files = 0;
        for (final Path file : files)
        {
            final String name = file.getFileName().toString();
            final boolean good = name.contains("-good-");
            assertTrue(good || name.contains("-bad-"), name);
            final List<CaptureFrames.Frame> frames = CaptureFrames.read(file, "pcap");
            assertFalse(frames.isEmpty(), name);
            for (final CaptureFrames.Frame frame : frames)
            {
                final String where = name + " frame " + frame.number();
                final Malformed result = CaptureFrames.dissect(dissector, frame);
                assertEquals(Malformed.OK, result, where);
                if (name.startsWith("ip6") || name.startsWith("mip6"))
                {
                    // IPv6 (incl. mobile IPv6 and routing headers) is not parsed: reported unsupported at Ethernet.
                    assertTrue(dissector.unsupported(), where);
                    assertEquals(Layer.ETHERNET, dissector.layer(), where);
                    assertEquals(ChecksumVerdict.NOT_CHECKED, dissector.ipv4Checksum(), where);
                    continue;
                }
                assertTrue(dissector.has(Layer.IPV4), where);
                if (name.startsWith("localhost"))
                {
                    // Captured on the sending host 192.168.1.28 with checksum offload: the TCP checksums it sent are
                    // unfilled (bad); those it received are good.
                    assertEquals(ChecksumVerdict.GOOD, dissector.ipv4Checksum(), where);
                    assertEquals(Layer.TCP, dissector.layer(), where);
                    final boolean sent = dissector.ipv4().source() == 0xC0A8011C;
                    assertEquals(sent ? ChecksumVerdict.BAD : ChecksumVerdict.GOOD, dissector.transportChecksum(),
                        where);
                    continue;
                }
                final Layer transport = name.contains("-tcp-") ? Layer.TCP
                    : name.contains("-udp-") ? Layer.UDP : name.contains("-icmp-") ? Layer.ICMP : Layer.IPV4;
                if (transport != Layer.IPV4)
                {
                    assertEquals(transport, dissector.layer(), where);
                }
                final boolean ipBad = !good && transport == Layer.IPV4;
                assertEquals(ipBad ? ChecksumVerdict.BAD : ChecksumVerdict.GOOD, dissector.ipv4Checksum(), where);
                if (transport != Layer.IPV4 || dissector.transportChecksum() != ChecksumVerdict.NOT_CHECKED)
                {
                    final boolean transportBad = !good && transport != Layer.IPV4;
                    assertEquals(transportBad ? ChecksumVerdict.BAD : ChecksumVerdict.GOOD,
                        dissector.transportChecksum(), where);
                }
            }
            if (name.startsWith("ip4"))
            {
                ipv4Files++;
            }
            else if (name.contains("ip6"))
            {
                ipv6Files++;
            }
        }
        assertEquals(7, ipv4Files, "ip4-{bad,{icmp,tcp,udp}-{good,bad}}-chksum.pcap");
        assertEquals(18, ipv6Files, "ip6 and mip6 pairs");
    }

    private static final String TOTAL_LENGTH_ZERO = "IPv4 total length 0 (a TSO/GSO/BIG TCP super-segment captured"
        + " before segmentation): Tachyon stops with IPV4_BAD_TOTAL_LENGTH before any checksum; the index's"
        + " tool presumed the"
        + " captured length (as tcpdump does: '[was 0, presumed TSO]') and went on to verify checksums";

    private static final String TCP_OPTIONS_CUT = "the TCP data offset points past the captured bytes (tcpdump:"
        + " 'options [... [|tcp]'): Tachyon TCP_BAD_DATA_OFFSET; the index counts only a cut 20-byte header as short";

    /**
     * Files whose INDEX.tsv bad_csums cell differs from our counts, with our exact counts and why. Every checksum
     * count the index has and we lack is for a header we stop before (Tachyon verifies no checksum of a header it
     * rejects); no file has a checksum verdict that differs.
     */
    private static final Map<String, String[]> INDEX_DIFFERENCES = Map.ofEntries(
        Map.entry("tcpdump-tests/LINKTYPE_IPV4_invalid.pcap", new String[] {"{bad_ipv4=1}",
            "link type 228 promises IPv4 but the version nibble is 6: Tachyon IPV4_BAD_VERSION; the index skipped it"}),
        Map.entry("tcpdump-tests/bigtcp-ipv4.pcap", new String[] {"{bad_ipv4=1}", TOTAL_LENGTH_ZERO}),
        Map.entry("tcpdump-tests/ipv4_tcp_http_xml_tso.pcap", new String[] {"{bad_ipv4=1}", TOTAL_LENGTH_ZERO}),
        Map.entry("pcapplusplus/IPv4-TSO.pcap", new String[] {"{bad_ipv4=1}", TOTAL_LENGTH_ZERO}),
        Map.entry("zeek-btest-traces/ip-bogus-header-len.pcap", new String[] {"{bad_ipv4=1}", TOTAL_LENGTH_ZERO}),
        Map.entry("tcpdump-tests/heapoverflow-tcp_print.pcap", new String[] {"{ipv4_bad_hdr_csum=1, tcp_short=1}",
            TCP_OPTIONS_CUT}),
        Map.entry("tcpdump-tests/tcp-auth-heapoverflow.pcap", new String[] {"{ipv4_bad_hdr_csum=1, tcp_short=1}",
            TCP_OPTIONS_CUT}),
        Map.entry("zeek-btest-traces/tcp/truncated-header.pcap", new String[] {"{tcp_short=1}",
            "the capture cuts one datagram inside its TCP header: Tachyon cannot reach TCP (IPV4_PAYLOAD_TRUNCATED);"
                + " the index does not count a cut datagram"}),
        Map.entry("tcpdump-tests/ip_printroute_asan.pcap", new String[] {"{bad_ipv4=1}",
            "the header (IHL 15, options) runs past the captured bytes: Tachyon IPV4_TRUNCATED, the index bad_ihl"}),
        Map.entry("tcpdump-tests/ipv4_invalid_total_length_2.pcap", new String[] {"{bad_ipv4=1}",
            "total length 19 < 20: Tachyon IPV4_BAD_TOTAL_LENGTH and verifies no checksum; the index verified the"
                + " header checksum anyway"}),
        Map.entry("pcapplusplus/ipv4-malformed.pcap", new String[] {"{bad_ipv4=2}",
            "frame 1 total length below the header (IPV4_BAD_TOTAL_LENGTH, the index went on to header checksum and"
                + " TCP), frame 2 version not 4 (IPV4_BAD_VERSION)"}),
        Map.entry("pcapplusplus/tcp-malformed.pcap", new String[] {"{tcp_short=2}",
            "TCP data offset beyond the segment: Tachyon TCP_BAD_DATA_OFFSET, no TCP checksum verified; the index"
                + " checksummed the bytes anyway"}),
        Map.entry("zeek-btest-traces/ipv4/fragmented-syn.pcap", new String[] {"{tcp_short=1}",
            "first fragment (MF) carries 24 of the SYN's 40 header bytes, which is legal: Tachyon stops at IPv4"
                + " without a fault (reassembly sees the rest) and this test counts a TCP first fragment that does not"
                + " reach TCP as short; the index counts only first fragments with fewer than 20 TCP bytes"}));

    /** Our counts, in INDEX.tsv bad_csums keys. */
    private static Map<String, Integer> ourCounts(final FrameDissector dissector,
        final List<CaptureFrames.Frame> frames)
    {
        final Map<String, Integer> counts = new TreeMap<>();
        for (final CaptureFrames.Frame frame : frames)
        {
            final Malformed result = CaptureFrames.dissect(dissector, frame);
            if (dissector.ipv4Checksum() == ChecksumVerdict.BAD)
            {
                counts.merge("ipv4_bad_hdr_csum", 1, Integer::sum);
            }
            if (dissector.transportChecksum() == ChecksumVerdict.BAD)
            {
                final String key = switch (dissector.layer())
                {
                    case TCP -> "tcp_bad_csum";
                    case UDP -> "udp_bad_csum";
                    case ICMP -> "icmp_bad_csum";
                    default -> "other_bad_csum";
                };
                counts.merge(key, 1, Integer::sum);
            }
            final boolean tcpShort = dissector.has(Layer.IPV4) && dissector.ipv4().protocol() == 6
                && dissector.ipv4().fragmentOffset() == 0 && !dissector.has(Layer.TCP)
                || result == Malformed.TCP_BAD_DATA_OFFSET;
            if (tcpShort)
            {
                counts.merge("tcp_short", 1, Integer::sum);
            }
            switch (result)
            {
                case IPV4_BAD_IHL -> counts.merge("bad_ihl", 1, Integer::sum);
                case IPV4_BAD_VERSION, IPV4_TRUNCATED, IPV4_BAD_TOTAL_LENGTH ->
                    counts.merge("bad_ipv4", 1, Integer::sum);
                default ->
                {
                }
            }
        }
        return counts;
    }

    @Test
    void shouldMatchIndexBadChecksumCounts()
    {
        final Path pcaps = SharedData.pcaps();
        int files = 0;
        int withFailures = 0;
        for (final CaptureFrames.IndexRow row : CaptureFrames.index())
        {
            files++;
            final Map<String, Integer> ours = ourCounts(dissector, CaptureFrames.read(pcaps.resolve(row.file()),
                row.format()));
            final Map<String, Integer> index = new TreeMap<>();
            if (!row.badChecksums().equals("-"))
            {
                withFailures++;
                for (final String cell : row.badChecksums().split(","))
                {
                    final String[] kv = cell.split("=");
                    index.put(kv[0], Integer.parseInt(kv[1]));
                }
            }
            final String[] difference = INDEX_DIFFERENCES.get(row.file());
            if (difference == null)
            {
                assertEquals(index, ours, row.file());
            }
            else
            {
                assertEquals(difference[0], ours.toString(), row.file() + ": " + difference[1]);
                assertFalse(index.equals(ours), row.file() + " now agrees with the index: drop the exception");
            }
        }
        assertEquals(150, files, "INDEX.tsv rows");
        assertEquals(42, withFailures, "rows with a bad_csums cell");
    }
}
