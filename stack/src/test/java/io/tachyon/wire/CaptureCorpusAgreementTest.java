package io.tachyon.wire;

import io.tachyon.testing.SharedData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;

import io.tachyon.wire.FrameDissector.Layer;

/**
 * Every capture file that /work/shared/pcaps/INDEX.tsv lists (pcap, pcapng and the raw-Ethernet fixtures), read with
 * {@link io.tachyon.pcap.PcapReader}, dissected with {@link FrameDissector} and decoded with pcap4j from the same
 * bytes; every field both decode must agree, and so must the checksum verdicts where the whole datagram is present.
 */
class CaptureCorpusAgreementTest
{
    @Test
    void shouldAgreeWithPcap4jOnEveryIndexedCapture()
    {
        final Path pcaps = SharedData.pcaps();
        final FrameDissector dissector = new FrameDissector();
        final CaptureOracle oracle = new CaptureOracle();
        final Map<String, String> observed = new TreeMap<>();
        int frames = 0;
        int comparable = 0;
        int compared = 0;
        for (final CaptureFrames.IndexRow row : CaptureFrames.index())
        {
            for (final CaptureFrames.Frame frame : CaptureFrames.read(pcaps.resolve(row.file()), row.format()))
            {
                frames++;
                final Malformed result = CaptureFrames.dissect(dissector, frame);
                oracle.mismatches.clear();
                final int outcome = decode(frame, dissector, oracle);
                if (outcome != NOT_COMPARABLE)
                {
                    comparable++;
                }
                if (outcome == COMPARED)
                {
                    compared++;
                }
                for (final Map.Entry<String, String> mismatch : oracle.mismatches.entrySet())
                {
                    observed.put(row.file() + "#" + frame.number() + ":" + mismatch.getKey(),
                        mismatch.getValue() + " (" + result + ")");
                }
            }
        }
        final Map<String, String> unexplained = new TreeMap<>(observed);
        unexplained.keySet().removeAll(EXCEPTIONS.keySet());
        assertEquals(Map.of(), unexplained, "disagreements with pcap4j that no exception explains");
        final Map<String, String> stale = new TreeMap<>(EXCEPTIONS);
        stale.keySet().removeAll(observed.keySet());
        assertEquals(Map.of(), stale, "exceptions that no longer happen: remove them");
        // Every frame is counted; only PPP (link type 9) and raw IPv6 (229) frames have no pcap4j decode to compare.
        assertEquals(3263, frames, "frames in the indexed captures");
        assertTrue(compared >= frames - 10, "compared " + compared + " of " + frames + " (comparable " + comparable
            + ")");
        final Map<String, Integer> c = oracle.compared;
        assertTrue(c.get("ipv4") >= 3100 && c.get("tcp") >= 1900 && c.get("udp") >= 40 && c.get("icmp") >= 70
            && c.get("arp") >= 5 && c.get("vlan") >= 10 && c.get("ipv4.fragment") >= 30, c::toString);
        assertTrue(c.get("verdict.ipv4") >= 3100 && c.get("verdict.tcp") >= 1200 && c.get("verdict.udp") >= 40
            && c.get("verdict.icmp") >= 70, c::toString);
        assertTrue(c.get("tcp.option.mss") >= 70 && c.get("tcp.option.wscale") >= 60 && c.get("tcp.option.sack") >= 15
            && c.get("tcp.option.ts") >= 1500 && c.get("tcp.option.sackOK") >= 60 && c.get("tcp.option.eol") >= 20,
            c::toString);
    }

    private static final String FIRST_FRAGMENT = "first fragment (offset 0, MF set): pcap4j files the payload as an"
        + " opaque fragment; Tachyon parses the transport header from it (documented) and verifies no checksum";
    private static final String TOTAL_LENGTH_ZERO = "IPv4 total length 0 (TSO/GSO super-segment captured before"
        + " segmentation): pcap4j ignores the field and decodes on; Tachyon reports IPV4_BAD_TOTAL_LENGTH";

    /** Every known disagreement, "file#frame:field", with the reason; the test requires this list to be exact. */
    private static final Map<String, String> EXCEPTIONS = Map.ofEntries(
        Map.entry("pcapplusplus/IPv4Frag.pcap#1:udp.present", FIRST_FRAGMENT),
        Map.entry("pcapplusplus/frag_http_req.pcap#1:tcp.present", FIRST_FRAGMENT),
        Map.entry("zeek-btest-traces/ipv4/fragmented-1.pcap#1:udp.present", FIRST_FRAGMENT),
        Map.entry("zeek-btest-traces/ipv4/fragmented-1.pcap#3:udp.present", FIRST_FRAGMENT),
        Map.entry("zeek-btest-traces/ipv4/fragmented-2.pcap#1:udp.present", FIRST_FRAGMENT),
        Map.entry("zeek-btest-traces/ipv4/fragmented-2.pcap#3:udp.present", FIRST_FRAGMENT),
        Map.entry("zeek-btest-traces/ipv4/fragmented-3.pcap#1:tcp.present", FIRST_FRAGMENT),
        Map.entry("zeek-btest-traces/ipv4/fragmented-4.pcap#2:tcp.present", FIRST_FRAGMENT),
        Map.entry("pcapplusplus/IPv4-TSO.pcap#1:ipv4.present", TOTAL_LENGTH_ZERO),
        Map.entry("tcpdump-tests/bigtcp-ipv4.pcap#1:ipv4.present", TOTAL_LENGTH_ZERO),
        Map.entry("tcpdump-tests/ipv4_tcp_http_xml_tso.pcap#1:ipv4.present", TOTAL_LENGTH_ZERO),
        Map.entry("zeek-btest-traces/ip-bogus-header-len.pcap#1:ipv4.present", TOTAL_LENGTH_ZERO),
        Map.entry("tcpdump-tests/bad-ipv4-version-pgm-heapoverflow.pcap#1:ipv4.present", "EtherType IPv4 but version"
            + " nibble 6: pcap4j decodes it as IPv4 regardless; Tachyon reports IPV4_BAD_VERSION (tcpdump: '[version 6"
            + " != 4] (invalid)')"),
        Map.entry("suricata-verify/tcp-empty-sack/tcp-opt.pcap#24:tcp.options", "SACK option of length 2 (no"
            + " blocks): pcap4j accepts it; Tachyon reports TCP_BAD_OPTION_LENGTH, as Suricata's expected event"
            + " tcp.opt_invalid_len for this capture says"));

    private static final int NOT_COMPARABLE = 0;
    private static final int COMPARED = 1;
    private static final int PCAP4J_REJECTS = 2;

    private static int decode(final CaptureFrames.Frame frame, final FrameDissector d, final CaptureOracle oracle)
    {
        final byte[] data = frame.data();
        try
        {
            if (frame.linkType() == FrameDissector.LINKTYPE_ETHERNET)
            {
                oracle.compareEthernet(EthernetPacket.newPacket(data, 0, data.length), d);
                return COMPARED;
            }
            final int offset = CaptureFrames.networkOffset(frame.linkType());
            if (offset < 0 || data.length <= offset)
            {
                return NOT_COMPARABLE;
            }
            if (frame.linkType() == FrameDissector.LINKTYPE_LINUX_SLL)
            {
                final int protocol = ((data[14] & 0xFF) << 8) | (data[15] & 0xFF);
                if (protocol == EthernetFlyweight.ETHER_TYPE_ARP)
                {
                    oracle.compareArp(ArpPacket.newPacket(data, offset, data.length - offset), d);
                    return COMPARED;
                }
                if (protocol != EthernetFlyweight.ETHER_TYPE_IPV4)
                {
                    return NOT_COMPARABLE;
                }
            }
            else if ((data[offset] & 0xF0) == 0x60)
            {
                return NOT_COMPARABLE;
            }
            oracle.compareIpv4(IpV4Packet.newPacket(data, offset, data.length - offset), d);
            return COMPARED;
        }
        catch (final IllegalRawDataException e)
        {
            if (d.malformed() == Malformed.OK)
            {
                oracle.mismatches.put("pcap4j.rejects", e.getMessage() + " layer=" + d.layer());
            }
            return PCAP4J_REJECTS;
        }
    }
}
