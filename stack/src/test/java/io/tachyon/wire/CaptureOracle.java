package io.tachyon.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpMaximumSegmentSizeOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpSackOption;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.TcpWindowScaleOption;
import org.pcap4j.packet.UdpPacket;

import io.tachyon.wire.FrameDissector.Layer;

/**
 * Compares a {@link FrameDissector} result with pcap4j's decode of the same captured bytes, field by field, and
 * RECORDS every disagreement (as "layer.field" keys with both values) instead of failing at the first one, so a
 * test can hold the complete list of known, explained disagreements.
 */
final class CaptureOracle
{
    /** Comparisons made, per field group (so a test can require that the comparison was exercised). */
    final Map<String, Integer> compared = new TreeMap<>();
    /** Disagreements of the current frame: field key to "pcap4j=X tachyon=Y". */
    final Map<String, String> mismatches = new TreeMap<>();

    void count(final String what)
    {
        compared.merge(what, 1, Integer::sum);
    }

    private void check(final String field, final Object pcap4j, final Object tachyon)
    {
        if (!Objects.equals(pcap4j, tachyon))
        {
            mismatches.put(field, "pcap4j=" + pcap4j + " tachyon=" + tachyon);
        }
    }

    /** Compares an Ethernet decode (link type 1). */
    void compareEthernet(final EthernetPacket ethernet, final FrameDissector d)
    {
        check("ethernet.present", true, d.has(Layer.ETHERNET));
        if (!d.has(Layer.ETHERNET))
        {
            return;
        }
        count("ethernet");
        final EthernetFlyweight e = d.ethernet();
        check("ethernet.dst", Pcap4jOracle.mac(ethernet.getHeader().getDstAddr()), e.destination());
        check("ethernet.src", Pcap4jOracle.mac(ethernet.getHeader().getSrcAddr()), e.source());
        final Dot1qVlanTagPacket vlan = ethernet.get(Dot1qVlanTagPacket.class);
        if (e.vlanTagCount() == 0)
        {
            check("ethernet.type", ethernet.getHeader().getType().value() & 0xFFFF, e.etherType());
            check("vlan.present", false, vlan != null);
        }
        else if (vlan != null && e.vlanTagCount() == 1)
        {
            count("vlan");
            check("vlan.pcp", (int) vlan.getHeader().getPriority(), e.vlanPcp());
            check("vlan.dei", vlan.getHeader().getCfi(), e.vlanDei());
            check("vlan.vid", vlan.getHeader().getVidAsInt(), e.vlanId());
            check("vlan.type", vlan.getHeader().getType().value() & 0xFFFF, e.etherType());
        }
        final ArpPacket arp = ethernet.get(ArpPacket.class);
        if (arp != null || d.has(Layer.ARP))
        {
            compareArp(arp, d);
        }
        final IpV4Packet ipv4 = ethernet.get(IpV4Packet.class);
        if (ipv4 != null || d.has(Layer.IPV4))
        {
            compareIpv4(ipv4, d);
        }
    }

    /** Compares an ARP decode (pcap4j's may be null: it did not decode ARP). */
    void compareArp(final ArpPacket arp, final FrameDissector d)
    {
        check("arp.present", arp != null, d.has(Layer.ARP));
        if (arp == null || !d.has(Layer.ARP))
        {
            return;
        }
        count("arp");
        final ArpPacket.ArpHeader h = arp.getHeader();
        final ArpFlyweight a = d.arp();
        check("arp.htype", h.getHardwareType().value() & 0xFFFF, a.hardwareType());
        check("arp.ptype", h.getProtocolType().value() & 0xFFFF, a.protocolType());
        check("arp.op", h.getOperation().value() & 0xFFFF, a.operation());
        check("arp.sha", Pcap4jOracle.mac(h.getSrcHardwareAddr()), a.senderHardwareAddress());
        check("arp.tha", Pcap4jOracle.mac(h.getDstHardwareAddr()), a.targetHardwareAddress());
        check("arp.spa", Pcap4jOracle.ip(h.getSrcProtocolAddr().getAddress()), a.senderProtocolAddress());
        check("arp.tpa", Pcap4jOracle.ip(h.getDstProtocolAddr().getAddress()), a.targetProtocolAddress());
    }

    /** Compares an IPv4 decode and everything above it (pcap4j's may be null: it did not decode IPv4). */
    void compareIpv4(final IpV4Packet ipv4, final FrameDissector d)
    {
        check("ipv4.present", ipv4 != null, d.has(Layer.IPV4));
        if (ipv4 == null || !d.has(Layer.IPV4))
        {
            return;
        }
        count("ipv4");
        final IpV4Packet.IpV4Header h = ipv4.getHeader();
        final Ipv4Flyweight ip = d.ipv4();
        check("ipv4.version", h.getVersion().value() & 0xFF, ip.version());
        check("ipv4.ihl", h.getIhlAsInt(), ip.ihl());
        check("ipv4.tos", h.getTos().value() & 0xFF, ip.tos());
        check("ipv4.totalLength", h.getTotalLengthAsInt(), ip.totalLength());
        check("ipv4.id", h.getIdentificationAsInt(), ip.identification());
        check("ipv4.flags.reserved", h.getReservedFlag(), ip.reservedFlag());
        check("ipv4.flags.df", h.getDontFragmentFlag(), ip.dontFragment());
        check("ipv4.flags.mf", h.getMoreFragmentFlag(), ip.moreFragments());
        check("ipv4.fragmentOffset", h.getFragmentOffset() & 0x1FFF, ip.fragmentOffset());
        check("ipv4.ttl", h.getTtlAsInt(), ip.ttl());
        check("ipv4.protocol", h.getProtocol().value() & 0xFF, ip.protocol());
        check("ipv4.checksum", h.getHeaderChecksum() & 0xFFFF, ip.headerChecksum());
        check("ipv4.src", Pcap4jOracle.ip(h.getSrcAddr().getAddress()), ip.source());
        check("ipv4.dst", Pcap4jOracle.ip(h.getDstAddr().getAddress()), ip.destination());
        if (ip.isFragment())
        {
            count("ipv4.fragment");
        }
        count("verdict.ipv4");
        final ChecksumVerdict ipVerdict = h.hasValidChecksum(false) ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD;
        check("verdict.ipv4", ipVerdict, d.ipv4Checksum());
        if (ip.fragmentOffset() != 0)
        {
            return;
        }
        final Packet payload = ipv4.getPayload();
        final boolean whole = !ip.moreFragments() && d.malformed() != Malformed.IPV4_PAYLOAD_TRUNCATED
            && ip.totalLength() >= ip.headerLength();
        switch (ip.protocol())
        {
            case Ipv4Flyweight.PROTOCOL_TCP -> compareTcp(payload instanceof TcpPacket t ? t : null, ipv4, d, whole);
            case Ipv4Flyweight.PROTOCOL_UDP -> compareUdp(payload instanceof UdpPacket u ? u : null, ipv4, d, whole);
            case Ipv4Flyweight.PROTOCOL_ICMP ->
                compareIcmp(payload instanceof IcmpV4CommonPacket i ? i : null, d, whole);
            default ->
            {
                check("transport.unsupported", true, d.unsupported());
            }
        }
    }

    private void compareTcp(final TcpPacket tcp, final IpV4Packet ipv4, final FrameDissector d, final boolean whole)
    {
        check("tcp.present", tcp != null, d.has(Layer.TCP));
        if (tcp == null || !d.has(Layer.TCP))
        {
            return;
        }
        count("tcp");
        final TcpPacket.TcpHeader h = tcp.getHeader();
        final TcpFlyweight t = d.tcp();
        check("tcp.srcPort", h.getSrcPort().valueAsInt(), t.sourcePort());
        check("tcp.dstPort", h.getDstPort().valueAsInt(), t.destinationPort());
        check("tcp.seq", h.getSequenceNumber(), t.sequenceNumber());
        check("tcp.ack", h.getAcknowledgmentNumber(), t.acknowledgmentNumber());
        check("tcp.dataOffset", h.getDataOffsetAsInt(), t.dataOffset());
        // pcap4j's 6 "reserved" bits are the 3 reserved bits, AE, CWR and ECE.
        final int reserved = (t.reservedBits() << 3) | (t.ae() ? 4 : 0) | (t.cwr() ? 2 : 0) | (t.ece() ? 1 : 0);
        check("tcp.reservedAeCwrEce", h.getReserved() & 0x3F, reserved);
        check("tcp.flags", flags(h), t.flags() & 0x3F);
        check("tcp.window", h.getWindowAsInt(), t.window());
        check("tcp.checksum", h.getChecksum() & 0xFFFF, t.checksum());
        check("tcp.urgentPointer", h.getUrgentPointerAsInt(), t.urgentPointer());
        compareTcpOptions(h.getOptions(), d);
        if (whole)
        {
            count("verdict.tcp");
            final boolean good = tcp.hasValidChecksum(ipv4.getHeader().getSrcAddr(), ipv4.getHeader().getDstAddr(),
                false);
            check("verdict.tcp", good ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD, d.transportChecksum());
        }
    }

    private static int flags(final TcpPacket.TcpHeader h)
    {
        return (h.getUrg() ? TcpFlyweight.URG : 0) | (h.getAck() ? TcpFlyweight.ACK : 0)
            | (h.getPsh() ? TcpFlyweight.PSH : 0) | (h.getRst() ? TcpFlyweight.RST : 0)
            | (h.getSyn() ? TcpFlyweight.SYN : 0) | (h.getFin() ? TcpFlyweight.FIN : 0);
    }

    private void compareTcpOptions(final List<TcpPacket.TcpOption> theirs, final FrameDissector d)
    {
        final TcpOptions cursor = d.tcpOptions();
        cursor.rewind();
        final List<String> ours = new ArrayList<>();
        final List<String> pcap4j = new ArrayList<>();
        while (cursor.next())
        {
            ours.add(describe(cursor));
        }
        cursor.rewind();
        for (final TcpPacket.TcpOption option : theirs)
        {
            pcap4j.add(describe(option));
        }
        // pcap4j stops at EOL and files what follows as padding; our cursor also yields the EOL itself last.
        if (!ours.isEmpty() && ours.getLast().equals("eol") && (pcap4j.isEmpty() || !pcap4j.getLast().equals("eol")))
        {
            ours.removeLast();
        }
        if (!theirs.isEmpty())
        {
            count("tcp.options.lists");
            for (final String option : pcap4j)
            {
                count("tcp.option." + option.split(" ")[0]);
            }
        }
        check("tcp.options", String.join(",", pcap4j), String.join(",", ours));
    }

    /** Our option as text: name, then typed values (MSS, shift, SACK edges, timestamps). */
    static String describe(final TcpOptions o)
    {
        return switch (o.kind())
        {
            case TcpOptions.KIND_EOL -> "eol";
            case TcpOptions.KIND_NOP -> "nop";
            case TcpOptions.KIND_MSS -> "mss " + o.mss();
            case TcpOptions.KIND_WINDOW_SCALE -> "wscale " + o.windowScale();
            case TcpOptions.KIND_SACK_PERMITTED -> "sackOK";
            case TcpOptions.KIND_SACK ->
            {
                final StringBuilder text = new StringBuilder("sack");
                for (int i = 0; i < o.sackBlockCount(); i++)
                {
                    text.append(' ').append(Integer.toUnsignedString(o.sackLeftEdge(i))).append(':')
                        .append(Integer.toUnsignedString(o.sackRightEdge(i)));
                }
                yield text.toString();
            }
            case TcpOptions.KIND_TIMESTAMPS -> "ts " + Integer.toUnsignedString(o.timestampValue()) + " "
                + Integer.toUnsignedString(o.timestampEcho());
            default -> "kind" + o.kind() + "/" + o.optionLength();
        };
    }

    private static String describe(final TcpPacket.TcpOption option)
    {
        final int kind = option.getKind().value() & 0xFF;
        return switch (option)
        {
            case TcpMaximumSegmentSizeOption m -> "mss " + m.getMaxSegSizeAsInt();
            case TcpWindowScaleOption w -> "wscale " + w.getShiftCountAsInt();
            case TcpTimestampsOption t -> "ts " + t.getTsValueAsLong() + " " + t.getTsEchoReplyAsLong();
            case TcpSackOption s ->
            {
                // pcap4j 1.8.2 has no public getter for the blocks: read them from the option bytes it kept.
                final java.nio.ByteBuffer raw = java.nio.ByteBuffer.wrap(s.getRawData());
                final StringBuilder text = new StringBuilder("sack");
                for (int at = 2; at + 8 <= raw.limit(); at += 8)
                {
                    text.append(' ').append(Integer.toUnsignedString(raw.getInt(at))).append(':')
                        .append(Integer.toUnsignedString(raw.getInt(at + 4)));
                }
                yield text.toString();
            }
            default -> switch (kind)
            {
                case TcpOptions.KIND_EOL -> "eol";
                case TcpOptions.KIND_NOP -> "nop";
                case TcpOptions.KIND_SACK_PERMITTED -> "sackOK";
                default -> "kind" + kind + "/" + option.length();
            };
        };
    }

    private void compareUdp(final UdpPacket udp, final IpV4Packet ipv4, final FrameDissector d, final boolean whole)
    {
        check("udp.present", udp != null, d.has(Layer.UDP));
        if (udp == null || !d.has(Layer.UDP))
        {
            return;
        }
        count("udp");
        final UdpFlyweight u = d.udp();
        check("udp.srcPort", udp.getHeader().getSrcPort().valueAsInt(), u.sourcePort());
        check("udp.dstPort", udp.getHeader().getDstPort().valueAsInt(), u.destinationPort());
        check("udp.length", udp.getHeader().getLengthAsInt(), u.udpLength());
        check("udp.checksum", udp.getHeader().getChecksum() & 0xFFFF, u.checksum());
        if (whole)
        {
            count("verdict.udp");
            final ChecksumVerdict theirs = u.checksum() == 0 ? ChecksumVerdict.ABSENT
                : udp.hasValidChecksum(ipv4.getHeader().getSrcAddr(), ipv4.getHeader().getDstAddr(), false)
                    ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD;
            check("verdict.udp", theirs, d.transportChecksum());
        }
    }

    private void compareIcmp(final IcmpV4CommonPacket icmp, final FrameDissector d, final boolean whole)
    {
        check("icmp.present", icmp != null, d.has(Layer.ICMP));
        if (icmp == null || !d.has(Layer.ICMP))
        {
            return;
        }
        count("icmp");
        final IcmpFlyweight i = d.icmp();
        check("icmp.type", icmp.getHeader().getType().value() & 0xFF, i.type());
        check("icmp.code", icmp.getHeader().getCode().value() & 0xFF, i.code());
        check("icmp.checksum", icmp.getHeader().getChecksum() & 0xFFFF, i.checksum());
        if (icmp.getPayload() instanceof IcmpV4EchoPacket echo)
        {
            count("icmp.echo");
            check("icmp.id", echo.getHeader().getIdentifierAsInt(), i.identifier());
            check("icmp.seq", echo.getHeader().getSequenceNumberAsInt(), i.sequenceNumber());
        }
        if (icmp.getPayload() instanceof IcmpV4EchoReplyPacket reply)
        {
            count("icmp.echo");
            check("icmp.id", reply.getHeader().getIdentifierAsInt(), i.identifier());
            check("icmp.seq", reply.getHeader().getSequenceNumberAsInt(), i.sequenceNumber());
        }
        if (whole)
        {
            count("verdict.icmp");
            check("verdict.icmp", icmp.hasValidChecksum(false) ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD,
                d.transportChecksum());
        }
    }
}
