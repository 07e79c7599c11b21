package io.tachyon.wire;

import io.tachyon.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.tachyon.wire.FrameDissector.Layer;

/**
 * tcpdump's expected decode text (/work/shared/pcaps/tcpdump-tests/*.out, produced with the flags in
 * TESTLIST.selected) as an oracle: each fact is read from the text with one regex and checked against
 * {@link FrameDissector}. Frames tcpdump calls invalid or truncated must be non-OK (or stop below the layer); the
 * field values it prints must equal ours. Every .out file is covered; {@link #FACTS} lists per file the facts that
 * must have been checked at least once.
 */
class TcpdumpExpectationsTest
{
    /** A packet record starts with its number (tcpdump -#), right-aligned, then two spaces. */
    private static final Pattern RECORD = Pattern.compile("^ *(\\d+)  (.*)$");
    private static final Pattern IP6 = Pattern.compile("\\bIP6\\b");
    private static final Pattern INVALID = Pattern.compile("\\[([^\\]]*)\\] \\(invalid\\)");
    private static final Pattern IP_HEADER = Pattern.compile("\\(tos 0x([0-9a-f]+)(?:,[A-Z0-9()]+)?, (?:ttl (\\d+), )?"
        + "id (\\d+), offset (\\d+), flags \\[([^\\]]*)\\], proto [^(]*\\((\\d+)\\), length (\\d+)"
        + "( \\[was 0, presumed [^\\]]*\\])?");
    private static final Pattern IP_BAD_CKSUM = Pattern.compile("bad cksum ([0-9a-f]+) \\(->([0-9a-f]+)\\)!");
    private static final Pattern ADDRESSES = Pattern.compile(
        "(\\d+\\.\\d+\\.\\d+\\.\\d+)(?:\\.(\\d+))? > (\\d+\\.\\d+\\.\\d+\\.\\d+)(?:\\.(\\d+))?:");
    private static final Pattern TCP_FLAGS = Pattern.compile("Flags \\[([^\\]]*)\\]");
    private static final Pattern TCP_CKSUM = Pattern.compile(
        "Flags \\[[^\\]]*\\], cksum 0x([0-9a-f]{4}) \\((correct|incorrect -> 0x[0-9a-f]{4})\\)");
    private static final Pattern TCP_SEQ =
        Pattern.compile("Flags \\[[^\\]]*\\], (?:cksum [^)]*\\), )?seq (\\d+)(?::(\\d+))?");
    private static final Pattern TCP_ACK = Pattern.compile("Flags \\[[^\\]]*\\], [^\\n]*?\\back (\\d+)");
    private static final Pattern TCP_WIN = Pattern.compile("Flags \\[[^\\]]*\\], [^\\n]*?\\bwin (\\d+)");
    private static final Pattern TCP_URG = Pattern.compile("Flags \\[[^\\]]*\\], [^\\n]*?\\burg (\\d+)");
    private static final Pattern TCP_OPTIONS = Pattern.compile("Flags \\[[^\\]]*\\], [^\\n]*?options \\[([^\\]\\[]*)");
    private static final Pattern TCP_LENGTH = Pattern.compile("Flags \\[[^\\]]*\\], [^\\n]*?, length (\\d+)");
    private static final Pattern TCP_QUIET = Pattern.compile(": tcp (\\d+)");
    private static final Pattern TRUNCATED = Pattern.compile("\\[\\|(ip|tcp|udp|icmp)\\]");
    private static final Pattern DNS_UDP_LENGTH = Pattern.compile("\\.53: .*\\((\\d+)\\)$|\\.53 > .*\\((\\d+)\\)$");
    private static final Pattern ICMP_ECHO = Pattern.compile("ICMP echo (request|reply), id (\\d+), seq (\\d+)");
    private static final Pattern ICMP_UNREACHABLE = Pattern.compile("ICMP \\S+ udp port \\d+ unreachable");
    private static final Pattern ICMP_CKSUM = Pattern.compile("wrong icmp cksum ([0-9a-f]+) \\(->([0-9a-f]+)\\)!");
    private static final Pattern ARP_UNKNOWN_HARDWARE = Pattern.compile("ARP, Unknown Hardware \\((\\d+)\\)");
    private static final Pattern SLL_HEADER = Pattern.compile("^(In|Out|B|M|P) ([0-9a-f]{2}(?::[0-9a-f]{2}){5}) "
        + "ethertype IPv4 \\(0x0800\\)");

    /** Per .out file, the facts that must have been checked (at least once). */
    private static final Map<String, Set<String>> FACTS = Map.ofEntries(
        Map.entry("LINKTYPE_IPV4-e.out",
            Set.of("addresses", "udp-dns-length", "udp-ports")),
        Map.entry("LINKTYPE_IPV4.out",
            Set.of("addresses", "udp-dns-length", "udp-ports")),
        Map.entry("LINKTYPE_IPV4_invalid-e.out",
            Set.of("invalid")),
        Map.entry("LINKTYPE_IPV4_invalid.out",
            Set.of("invalid")),
        Map.entry("LINKTYPE_RAW_ipv4-e.out",
            Set.of("addresses", "udp-dns-length", "udp-ports")),
        Map.entry("LINKTYPE_RAW_ipv4.out",
            Set.of("addresses", "udp-dns-length", "udp-ports")),
        Map.entry("accecn_handshake.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-cksum", "tcp-flags", "tcp-length",
                "tcp-options", "tcp-ports", "tcp-seq", "tcp-seq-end", "tcp-win")),
        Map.entry("arp-too-long-tha.out",
            Set.of("arp-unsupported-hardware")),
        Map.entry("bad-ipv4-version-pgm-heapoverflow.out",
            Set.of("invalid")),
        Map.entry("bigtcp-ipv4.out",
            Set.of("ip-total-length-0")),
        Map.entry("dns_tcp-skip-3-c-1.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports", "tcp-seq", "tcp-seq-end",
                "tcp-win")),
        Map.entry("dns_tcp-skip-3-c-4.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports", "tcp-seq", "tcp-seq-end",
                "tcp-win")),
        Map.entry("dns_tcp-skip-3.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports", "tcp-seq", "tcp-seq-end",
                "tcp-win")),
        Map.entry("dns_tcp-v.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-cksum", "tcp-flags", "tcp-length",
                "tcp-options", "tcp-ports", "tcp-seq", "tcp-seq-end", "tcp-win")),
        Map.entry("dns_tcp-vv.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-cksum", "tcp-flags", "tcp-length",
                "tcp-options", "tcp-ports", "tcp-seq", "tcp-seq-end", "tcp-win")),
        Map.entry("dns_tcp-vvv.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-cksum", "tcp-flags", "tcp-length",
                "tcp-options", "tcp-ports", "tcp-seq", "tcp-seq-end", "tcp-win")),
        Map.entry("dns_tcp.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-options", "tcp-ports", "tcp-seq",
                "tcp-seq-end", "tcp-win")),
        Map.entry("dns_udp-v.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "udp-dns-length", "udp-ports")),
        Map.entry("dns_udp-vg.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "udp-dns-length", "udp-ports")),
        Map.entry("dns_udp-vv.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "udp-dns-length", "udp-ports")),
        Map.entry("dns_udp-vvv.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "udp-dns-length", "udp-ports")),
        Map.entry("dns_udp.out",
            Set.of("addresses", "udp-dns-length", "udp-ports")),
        Map.entry("gso-ipv4.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-cksum", "tcp-flags", "tcp-length",
                "tcp-options", "tcp-ports", "tcp-seq", "tcp-seq-end", "tcp-win")),
        Map.entry("heapoverflow-in_checksum.out",
            Set.of("addresses", "ip-bad-cksum", "ip-header")),
        Map.entry("heapoverflow-tcp_print.out",
            Set.of("addresses", "ip-bad-cksum", "ip-header", "truncated-tcp")),
        Map.entry("icmp-cksum-oobr-1.out",
            Set.of("addresses", "icmp-cksum-field", "icmp-port-unreachable", "invalid")),
        Map.entry("ip_printroute_asan.out",
            Set.of("truncated-ip")),
        Map.entry("ip_ts_opts_asan.out",
            Set.of("addresses", "ip-bad-cksum", "ip-header", "truncated-ip")),
        Map.entry("ipv4_invalid_hdr_length.out",
            Set.of("invalid")),
        Map.entry("ipv4_invalid_length.out",
            Set.of("invalid")),
        Map.entry("ipv4_invalid_total_length.out",
            Set.of("addresses", "invalid", "udp-dns-length", "udp-ports")),
        Map.entry("ipv4_invalid_total_length_2.out",
            Set.of("invalid")),
        Map.entry("ipv4_tcp_http_xml.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-cksum", "tcp-flags", "tcp-length",
                "tcp-ports", "tcp-seq", "tcp-seq-end", "tcp-win")),
        Map.entry("ipv4_tcp_http_xml_tso.out",
            Set.of("ip-total-length-0")),
        Map.entry("tcp-auth-heapoverflow.out",
            Set.of("addresses", "ip-bad-cksum", "ip-header", "truncated-tcp")),
        Map.entry("tcp-handshake-micro-t.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-micro-tt.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-micro-ttt.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-micro-tttt.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-micro-ttttt.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-micro.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-nano-t.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-nano-tt.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-nano-ttt.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-nano-tttt.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-nano-ttttt.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp-handshake-nano.out",
            Set.of("addresses", "tcp-length", "tcp-ports")),
        Map.entry("tcp_eight_lowest_weight_flags_set.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports", "tcp-seq", "tcp-urg", "tcp-win")),
        Map.entry("tcp_header_heapoverflow.out",
            Set.of("addresses", "ip-bad-cksum", "ip-header", "truncated-tcp")),
        Map.entry("tcp_rst_data-trunc-v.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports",
                "tcp-seq", "tcp-seq-end", "tcp-win", "truncated-tcp")),
        Map.entry("tcp_rst_data-trunc.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports", "tcp-seq", "tcp-seq-end",
                "tcp-win", "truncated-tcp")),
        Map.entry("tcp_rst_data-v.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-cksum", "tcp-flags", "tcp-length",
                "tcp-ports", "tcp-seq", "tcp-seq-end", "tcp-win")),
        Map.entry("tcp_rst_data.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports", "tcp-seq", "tcp-seq-end",
                "tcp-win")),
        Map.entry("tcp_rst_diag_payload-trunc-v.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports",
                "tcp-seq", "tcp-seq-end", "tcp-win", "truncated-tcp")),
        Map.entry("tcp_rst_diag_payload-trunc-vv.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports",
                "tcp-seq", "tcp-seq-end", "tcp-win", "truncated-tcp")),
        Map.entry("tcp_rst_diag_payload-trunc.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports", "tcp-seq", "tcp-seq-end",
                "tcp-win", "truncated-tcp")),
        Map.entry("tcp_rst_diag_payload-v.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-cksum", "tcp-flags", "tcp-length",
                "tcp-ports", "tcp-seq", "tcp-seq-end", "tcp-win")),
        Map.entry("tcp_rst_diag_payload-vv.out",
            Set.of("addresses", "ip-good-cksum", "ip-header", "tcp-ack", "tcp-cksum", "tcp-flags", "tcp-length",
                "tcp-ports", "tcp-seq", "tcp-seq-end", "tcp-win")),
        Map.entry("tcp_rst_diag_payload.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-ports", "tcp-seq", "tcp-seq-end",
                "tcp-win")),
        Map.entry("tfo.out",
            Set.of("addresses", "tcp-ack", "tcp-flags", "tcp-length", "tcp-options", "tcp-ports", "tcp-seq",
                "tcp-seq-end", "tcp-win")),
        Map.entry("udp-length-heapoverflow.out",
            Set.of("addresses", "ip-bad-cksum", "ip-header", "truncated-udp")));

    /** Facts checked, per .out file. */
    private final Map<String, Set<String>> checked = new TreeMap<>();
    private final FrameDissector d = new FrameDissector();

    @Test
    void shouldAgreeWithEveryTcpdumpOutFile() throws IOException
    {
        final Path dir = SharedData.pcaps().resolve("tcpdump-tests");
        final Set<String> outs = new TreeSet<>();
        try (Stream<Path> list = Files.list(dir))
        {
            list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".out")).forEach(outs::add);
        }
        final Set<String> covered = new TreeSet<>();
        for (final String line : Files.readAllLines(dir.resolve("TESTLIST.selected")))
        {
            final String[] words = line.trim().split("\\s+");
            if (words.length < 3)
            {
                continue;
            }
            final String out = words[2];
            covered.add(out);
            checkFile(words[1], out, Files.readAllLines(dir.resolve(out)),
                CaptureFrames.read(dir.resolve(words[1]), "pcap"));
        }
        assertEquals(outs, covered, "every .out file is named in TESTLIST.selected");
        for (final Map.Entry<String, Set<String>> expected : FACTS.entrySet())
        {
            assertTrue(checked.getOrDefault(expected.getKey(), Set.of()).containsAll(expected.getValue()),
                () -> expected.getKey() + " checked " + checked.get(expected.getKey()) + " expected "
                    + expected.getValue());
        }
        assertEquals(outs, FACTS.keySet(), "FACTS lists every .out file");
    }

    private void fact(final String out, final String name)
    {
        checked.computeIfAbsent(out, k -> new TreeSet<>()).add(name);
    }

    private static Map<Integer, String> records(final List<String> lines)
    {
        final Map<Integer, String> records = new LinkedHashMap<>();
        int current = -1;
        for (final String line : lines)
        {
            final Matcher m = RECORD.matcher(line);
            if (m.matches())
            {
                current = Integer.parseInt(m.group(1));
                records.put(current, m.group(2));
            }
            else if (current > 0)
            {
                records.put(current, records.get(current) + "\n" + line);
            }
        }
        return records;
    }

    private void checkFile(final String pcap, final String out, final List<String> lines,
        final List<CaptureFrames.Frame> frames)
    {
        final Map<String, long[]> relative = new HashMap<>();
        for (final Map.Entry<Integer, String> record : records(lines).entrySet())
        {
            final CaptureFrames.Frame frame = frames.get(record.getKey() - 1);
            final String text = record.getValue();
            final String where = out + " #" + record.getKey() + " (" + pcap + "): " + text.lines().findFirst().get();
            final Malformed result = CaptureFrames.dissect(d, frame);
            if (IP6.matcher(text).find())
            {
                fact(out, "ip6-unsupported");
                assertTrue(d.unsupported() && !d.has(Layer.IPV4), where);
                continue;
            }
            checkRecord(out, text, where, result, frame, relative);
        }
    }

    private void checkRecord(final String out, final String text, final String where, final Malformed result,
        final CaptureFrames.Frame frame, final Map<String, long[]> relative)
    {
        final Matcher invalid = INVALID.matcher(text);
        if (invalid.find())
        {
            fact(out, "invalid");
            final String why = invalid.group(1);
            final Malformed expected = why.startsWith("version") ? Malformed.IPV4_BAD_VERSION
                : why.startsWith("header length") ? Malformed.IPV4_BAD_IHL
                : why.startsWith("length") ? Malformed.IPV4_TRUNCATED
                : why.matches("total length \\d+ > length \\d+") ? Malformed.IPV4_PAYLOAD_TRUNCATED
                : why.matches("total length \\d+ < header length \\d+") ? Malformed.IPV4_BAD_TOTAL_LENGTH : null;
            assertEquals(expected, result, where + " [" + why + "]");
        }
        final Matcher truncated = TRUNCATED.matcher(text);
        if (truncated.find())
        {
            fact(out, "truncated-" + truncated.group(1));
            assertNotEquals(Malformed.OK, result, where);
        }
        final Matcher sll = SLL_HEADER.matcher(text);
        if (sll.find())
        {
            fact(out, "sll");
            assertTrue(d.has(Layer.LINUX_SLL), where);
            assertEquals(mac(sll.group(2)), d.linuxSll().macAddress(), where);
            assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, d.linuxSll().protocol(), where);
            assertEquals(sll.group(1).equals("Out") ? 4 : sll.group(1).equals("In") ? 0 : d.linuxSll().packetType(),
                d.linuxSll().packetType(), where);
        }
        final Matcher arp = ARP_UNKNOWN_HARDWARE.matcher(text);
        if (arp.find())
        {
            fact(out, "arp-unsupported-hardware");
            assertEquals(Malformed.ARP_UNSUPPORTED_FORMAT, result, where);
            assertFalse(d.has(Layer.ARP), where);
            return;
        }
        final int headerEnd = text.indexOf(" > ") < 0 ? text.length() : text.indexOf(" > ");
        final Matcher ip = IP_HEADER.matcher(text);
        if (ip.find() && ip.start() < headerEnd)
        {
            if (ip.group(8) != null)
            {
                fact(out, "ip-total-length-0");
                assertEquals(Malformed.IPV4_BAD_TOTAL_LENGTH, result, where);
                return;
            }
            if (d.has(Layer.IPV4))
            {
                checkIpHeader(out, text.substring(0, headerEnd), ip, where);
            }
        }
        if (!d.has(Layer.IPV4))
        {
            return;
        }
        final Matcher addresses = ADDRESSES.matcher(text);
        if (addresses.find())
        {
            fact(out, "addresses");
            assertEquals(ipv4(addresses.group(1)), d.ipv4().source(), where);
            assertEquals(ipv4(addresses.group(3)), d.ipv4().destination(), where);
            if (addresses.group(2) != null && d.has(Layer.TCP))
            {
                fact(out, "tcp-ports");
                assertEquals(Integer.parseInt(addresses.group(2)), d.tcp().sourcePort(), where);
                assertEquals(Integer.parseInt(addresses.group(4)), d.tcp().destinationPort(), where);
            }
            if (addresses.group(2) != null && d.has(Layer.UDP))
            {
                fact(out, "udp-ports");
                assertEquals(Integer.parseInt(addresses.group(2)), d.udp().sourcePort(), where);
                assertEquals(Integer.parseInt(addresses.group(4)), d.udp().destinationPort(), where);
            }
        }
        if (d.has(Layer.TCP))
        {
            checkTcp(out, text, where, result, relative);
        }
        if (d.has(Layer.UDP))
        {
            final Matcher dns = DNS_UDP_LENGTH.matcher(text.strip());
            if (dns.find())
            {
                fact(out, "udp-dns-length");
                final String length = dns.group(1) != null ? dns.group(1) : dns.group(2);
                assertEquals(Integer.parseInt(length), d.udp().udpLength() - 8, where);
            }
        }
        if (d.has(Layer.ICMP))
        {
            checkIcmp(out, text, where);
        }
    }

    private void checkIpHeader(final String out, final String header, final Matcher ip, final String where)
    {
        fact(out, "ip-header");
        final Ipv4Flyweight h = d.ipv4();
        assertEquals(Integer.parseInt(ip.group(1), 16), h.tos(), where);
        assertEquals(ip.group(2) == null ? 0 : Integer.parseInt(ip.group(2)), h.ttl(), where);
        assertEquals(Integer.parseInt(ip.group(3)), h.identification(), where);
        assertEquals(Integer.parseInt(ip.group(4)), h.fragmentOffsetBytes(), where);
        final String flags = ip.group(5);
        assertEquals(flags.contains("DF"), h.dontFragment(), where);
        assertEquals(flags.contains("+"), h.moreFragments(), where);
        assertEquals(flags.contains("rsvd"), h.reservedFlag(), where);
        assertEquals(Integer.parseInt(ip.group(6)), h.protocol(), where);
        assertEquals(Integer.parseInt(ip.group(7)), h.totalLength(), where);
        final Matcher bad = IP_BAD_CKSUM.matcher(header);
        if (bad.find())
        {
            fact(out, "ip-bad-cksum");
            assertEquals(ChecksumVerdict.BAD, d.ipv4Checksum(), where);
            assertEquals(Integer.parseInt(bad.group(1), 16), h.headerChecksum(), where);
            assertEquals(Integer.parseInt(bad.group(2), 16), h.computeHeaderChecksum(), where);
        }
        else
        {
            fact(out, "ip-good-cksum");
            assertEquals(ChecksumVerdict.GOOD, d.ipv4Checksum(), where);
        }
    }

    private void checkTcp(final String out, final String text, final String where, final Malformed result,
        final Map<String, long[]> relative)
    {
        final TcpFlyweight t = d.tcp();
        final int payload = d.ipv4().totalLength() - d.ipv4().headerLength() - t.headerLength();
        final Matcher flags = TCP_FLAGS.matcher(text);
        if (flags.find())
        {
            fact(out, "tcp-flags");
            assertEquals(tcpdumpFlags(flags.group(1)), t.flags(), where);
        }
        final Matcher cksum = TCP_CKSUM.matcher(text);
        if (cksum.find())
        {
            fact(out, "tcp-cksum");
            assertEquals(Integer.parseInt(cksum.group(1), 16), t.checksum(), where);
            assertEquals(cksum.group(2).equals("correct") ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD,
                d.transportChecksum(), where);
        }
        // tcpdump prints seq/ack relative to the first ACK-bearing segment of the connection (no -S).
        final long seq = t.sequenceNumber() & 0xFFFFFFFFL;
        final long ack = t.acknowledgmentNumber() & 0xFFFFFFFFL;
        long printedSeq = seq;
        long printedAck = ack;
        if (t.ack())
        {
            final String a = Integer.toUnsignedString(d.ipv4().source()) + ":" + t.sourcePort();
            final String b = Integer.toUnsignedString(d.ipv4().destination()) + ":" + t.destinationPort();
            final boolean forward = a.compareTo(b) <= 0;
            final String key = forward ? a + "-" + b : b + "-" + a;
            final long[] base = relative.get(key);
            if (base == null || t.syn())
            {
                relative.put(key, forward ? new long[] {seq, ack - 1} : new long[] {ack - 1, seq});
            }
            else
            {
                printedSeq = (seq - (forward ? base[0] : base[1])) & 0xFFFFFFFFL;
                printedAck = (ack - (forward ? base[1] : base[0])) & 0xFFFFFFFFL;
            }
        }
        final Matcher seqText = TCP_SEQ.matcher(text);
        if (seqText.find())
        {
            fact(out, "tcp-seq");
            assertEquals(Long.parseLong(seqText.group(1)), printedSeq, where);
            if (seqText.group(2) != null)
            {
                fact(out, "tcp-seq-end");
                assertEquals(Long.parseLong(seqText.group(2)) - Long.parseLong(seqText.group(1)), payload, where);
            }
        }
        final Matcher ackText = TCP_ACK.matcher(text);
        if (ackText.find())
        {
            fact(out, "tcp-ack");
            assertTrue(t.ack(), where);
            assertEquals(Long.parseLong(ackText.group(1)), printedAck, where);
        }
        final Matcher win = TCP_WIN.matcher(text);
        if (win.find())
        {
            fact(out, "tcp-win");
            assertEquals(Integer.parseInt(win.group(1)), t.window(), where);
        }
        final Matcher urg = TCP_URG.matcher(text);
        if (urg.find())
        {
            fact(out, "tcp-urg");
            assertEquals(Integer.parseInt(urg.group(1)), t.urgentPointer(), where);
        }
        final Matcher length = TCP_LENGTH.matcher(text);
        final Matcher quiet = TCP_QUIET.matcher(text);
        if (length.find() || quiet.find())
        {
            fact(out, "tcp-length");
            final String n = length.hasMatch() ? length.group(1) : quiet.group(1);
            assertEquals(Integer.parseInt(n), payload, where);
        }
        final Matcher options = TCP_OPTIONS.matcher(text);
        if (options.find())
        {
            fact(out, "tcp-options");
            assertEquals(tcpdumpOptions(options.group(1)), ourOptions(), where + " (" + result + ")");
        }
    }

    /** tcpdump's option list in a canonical form: mss N, wscale N, sackOK, sack, ts V E, nop, eol, kindN. */
    private static List<String> tcpdumpOptions(final String text)
    {
        final List<String> options = new ArrayList<>();
        for (final String raw : text.split(","))
        {
            final String o = raw.strip();
            if (o.isEmpty())
            {
                continue;
            }
            final Matcher ts = Pattern.compile("TS val (\\d+) ecr (\\d+)").matcher(o);
            options.add(ts.matches() ? "ts " + ts.group(1) + " " + ts.group(2)
                : o.startsWith("mss ") || o.startsWith("wscale ") || o.equals("sackOK") || o.equals("nop")
                    || o.equals("eol") ? o
                : o.startsWith("sack ") ? "sack"
                : o.startsWith("exp-") ? "kind254"
                : o.startsWith("tcp-ao") ? "kind29"
                : o.startsWith("unknown-") ? "kind" + o.substring(8).split(" ")[0]
                : "unparsed:" + o);
        }
        return options;
    }

    private List<String> ourOptions()
    {
        final TcpOptions cursor = d.tcpOptions();
        cursor.rewind();
        final List<String> options = new ArrayList<>();
        while (cursor.next())
        {
            final String o = CaptureOracle.describe(cursor);
            options.add(o.startsWith("kind") ? o.substring(0, o.indexOf('/')) : o.startsWith("sack ") ? "sack" : o);
        }
        cursor.rewind();
        return options;
    }

    private static int tcpdumpFlags(final String text)
    {
        int flags = 0;
        if (text.equals("none"))
        {
            return 0;
        }
        for (final char c : text.toCharArray())
        {
            flags |= switch (c)
            {
                case 'F' -> TcpFlyweight.FIN;
                case 'S' -> TcpFlyweight.SYN;
                case 'R' -> TcpFlyweight.RST;
                case 'P' -> TcpFlyweight.PSH;
                case '.' -> TcpFlyweight.ACK;
                case 'U' -> TcpFlyweight.URG;
                case 'E' -> 0x40;
                case 'W' -> 0x80;
                case 'e' -> 0x100;
                default -> throw new IllegalArgumentException("tcpdump flag " + c);
            };
        }
        return flags;
    }

    private void checkIcmp(final String out, final String text, final String where)
    {
        final IcmpFlyweight i = d.icmp();
        final Matcher echo = ICMP_ECHO.matcher(text);
        if (echo.find())
        {
            fact(out, "icmp-echo");
            assertEquals(echo.group(1).equals("request") ? 8 : 0, i.type(), where);
            assertEquals(Integer.parseInt(echo.group(2)), i.identifier(), where);
            assertEquals(Integer.parseInt(echo.group(3)), i.sequenceNumber(), where);
        }
        if (ICMP_UNREACHABLE.matcher(text).find())
        {
            fact(out, "icmp-port-unreachable");
            assertEquals(3, i.type(), where);
            assertEquals(3, i.code(), where);
        }
        final Matcher cksum = ICMP_CKSUM.matcher(text);
        if (cksum.find())
        {
            fact(out, "icmp-cksum-field");
            assertEquals(Integer.parseInt(cksum.group(1), 16), i.checksum(), where);
        }
    }

    private static int ipv4(final String dotted)
    {
        int value = 0;
        for (final String part : dotted.split("\\."))
        {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    private static long mac(final String text)
    {
        return Long.parseLong(text.replace(":", ""), 16);
    }
}
