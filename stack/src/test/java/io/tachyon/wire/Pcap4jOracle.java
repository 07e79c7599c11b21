package io.tachyon.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.List;

import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4DestinationUnreachablePacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.util.MacAddress;

import io.tachyon.wire.FrameDissector.Layer;

/**
 * Compares a {@link FrameDissector} result with pcap4j's decode of the same bytes. Strict mode (random frames we
 * emitted) also requires both to reach the same layers; lenient mode (fixtures, which may be malformed) compares the
 * layers both decoded.
 */
final class Pcap4jOracle
{
    private Pcap4jOracle()
    {
    }

    /** Counts of the comparisons actually made, so callers can assert the oracle was exercised. */
    static final class Coverage
    {
        int ethernet;
        int vlan;
        int arp;
        int ipv4;
        int tcp;
        int tcpOptions;
        int udp;
        int icmp;
        int badIpv4Checksums;
        int badTransportChecksums;
    }

    static void assertAgrees(final byte[] frame, final FrameDissector dissector, final boolean strict,
        final Coverage coverage) throws IllegalRawDataException
    {
        final EthernetPacket ethernet = EthernetPacket.newPacket(frame, 0, frame.length);
        final String where = "frame " + java.util.HexFormat.of().formatHex(frame);
        if (!dissector.has(Layer.ETHERNET))
        {
            return;
        }
        coverage.ethernet++;
        assertEquals(mac(ethernet.getHeader().getDstAddr()), dissector.ethernet().destination(), where);
        assertEquals(mac(ethernet.getHeader().getSrcAddr()), dissector.ethernet().source(), where);
        if (dissector.ethernet().vlanTagCount() == 0)
        {
            assertEquals(ethernet.getHeader().getType().value() & 0xFFFF, dissector.ethernet().etherType(), where);
        }
        final Dot1qVlanTagPacket vlan = ethernet.get(Dot1qVlanTagPacket.class);
        if (strict)
        {
            assertEquals(vlan != null, dissector.ethernet().hasVlan(), where);
        }
        if (vlan != null && dissector.ethernet().vlanTagCount() == 1)
        {
            coverage.vlan++;
            assertEquals(vlan.getHeader().getPriority(), dissector.ethernet().vlanPcp(), where);
            assertEquals(vlan.getHeader().getCfi(), dissector.ethernet().vlanDei(), where);
            assertEquals(vlan.getHeader().getVidAsInt(), dissector.ethernet().vlanId(), where);
            assertEquals(vlan.getHeader().getType().value() & 0xFFFF, dissector.ethernet().etherType(), where);
        }
        final ArpPacket arp = ethernet.get(ArpPacket.class);
        if (strict)
        {
            assertEquals(arp != null, dissector.has(Layer.ARP), where);
        }
        if (arp != null && dissector.has(Layer.ARP))
        {
            coverage.arp++;
            final ArpPacket.ArpHeader h = arp.getHeader();
            final ArpFlyweight a = dissector.arp();
            assertEquals(h.getHardwareType().value() & 0xFFFF, a.hardwareType(), where);
            assertEquals(h.getProtocolType().value() & 0xFFFF, a.protocolType(), where);
            assertEquals(h.getOperation().value() & 0xFFFF, a.operation(), where);
            assertEquals(mac(h.getSrcHardwareAddr()), a.senderHardwareAddress(), where);
            assertEquals(mac(h.getDstHardwareAddr()), a.targetHardwareAddress(), where);
            assertEquals(ip(h.getSrcProtocolAddr().getAddress()), a.senderProtocolAddress(), where);
            assertEquals(ip(h.getDstProtocolAddr().getAddress()), a.targetProtocolAddress(), where);
        }
        final IpV4Packet ipv4 = ethernet.get(IpV4Packet.class);
        if (strict)
        {
            assertEquals(ipv4 != null, dissector.has(Layer.IPV4), where);
        }
        if (ipv4 == null || !dissector.has(Layer.IPV4))
        {
            return;
        }
        coverage.ipv4++;
        final IpV4Packet.IpV4Header h = ipv4.getHeader();
        final Ipv4Flyweight ip = dissector.ipv4();
        assertEquals(h.getVersion().value() & 0xFF, ip.version(), where);
        assertEquals(h.getIhlAsInt(), ip.ihl(), where);
        assertEquals(h.getTos().value() & 0xFF, ip.tos(), where);
        assertEquals(h.getTotalLengthAsInt(), ip.totalLength(), where);
        assertEquals(h.getIdentificationAsInt(), ip.identification(), where);
        assertEquals(h.getReservedFlag(), ip.reservedFlag(), where);
        assertEquals(h.getDontFragmentFlag(), ip.dontFragment(), where);
        assertEquals(h.getMoreFragmentFlag(), ip.moreFragments(), where);
        assertEquals(h.getFragmentOffset() & 0x1FFF, ip.fragmentOffset(), where);
        assertEquals(h.getTtlAsInt(), ip.ttl(), where);
        assertEquals(h.getProtocol().value() & 0xFF, ip.protocol(), where);
        assertEquals(h.getHeaderChecksum() & 0xFFFF, ip.headerChecksum(), where);
        assertEquals(ip(h.getSrcAddr().getAddress()), ip.source(), where);
        assertEquals(ip(h.getDstAddr().getAddress()), ip.destination(), where);
        final boolean ipGood = h.hasValidChecksum(false);
        assertEquals(ipGood, ip.verifyHeaderChecksum(), where);
        assertEquals(ipGood ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD, dissector.ipv4Checksum(), where);
        if (!ipGood)
        {
            coverage.badIpv4Checksums++;
        }
        final Inet4Address source = h.getSrcAddr();
        final Inet4Address destination = h.getDstAddr();
        final ChecksumVerdict verdict = dissector.transportChecksum();

        final TcpPacket tcp = direct(ipv4, TcpPacket.class);
        if (strict)
        {
            assertEquals(tcp != null, dissector.has(Layer.TCP), where);
        }
        if (tcp != null && dissector.has(Layer.TCP))
        {
            coverage.tcp++;
            compareTcp(tcp, dissector, where, coverage);
            if (verdict != ChecksumVerdict.NOT_CHECKED)
            {
                final boolean good = tcp.hasValidChecksum(source, destination, false);
                assertEquals(good ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD, verdict, where);
                coverage.badTransportChecksums += good ? 0 : 1;
            }
        }
        final UdpPacket udp = direct(ipv4, UdpPacket.class);
        if (strict)
        {
            assertEquals(udp != null, dissector.has(Layer.UDP), where);
        }
        if (udp != null && dissector.has(Layer.UDP))
        {
            coverage.udp++;
            final UdpFlyweight u = dissector.udp();
            assertEquals(udp.getHeader().getSrcPort().valueAsInt(), u.sourcePort(), where);
            assertEquals(udp.getHeader().getDstPort().valueAsInt(), u.destinationPort(), where);
            assertEquals(udp.getHeader().getLengthAsInt(), u.udpLength(), where);
            assertEquals(udp.getHeader().getChecksum() & 0xFFFF, u.checksum(), where);
            if (verdict != ChecksumVerdict.NOT_CHECKED)
            {
                final boolean good = udp.hasValidChecksum(source, destination, true);
                assertEquals(good, verdict == ChecksumVerdict.GOOD || verdict == ChecksumVerdict.ABSENT, where);
                assertEquals(u.checksum() == 0, verdict == ChecksumVerdict.ABSENT, where);
                coverage.badTransportChecksums += good ? 0 : 1;
            }
        }
        final IcmpV4CommonPacket icmp = direct(ipv4, IcmpV4CommonPacket.class);
        if (strict)
        {
            assertEquals(icmp != null, dissector.has(Layer.ICMP), where);
        }
        if (icmp != null && dissector.has(Layer.ICMP))
        {
            coverage.icmp++;
            compareIcmp(icmp, dissector, where);
            if (verdict != ChecksumVerdict.NOT_CHECKED)
            {
                final boolean good = icmp.hasValidChecksum(false);
                assertEquals(good ? ChecksumVerdict.GOOD : ChecksumVerdict.BAD, verdict, where);
                coverage.badTransportChecksums += good ? 0 : 1;
            }
        }
    }

    private static void compareTcp(final TcpPacket tcp, final FrameDissector dissector, final String where,
        final Coverage coverage)
    {
        final TcpPacket.TcpHeader h = tcp.getHeader();
        final TcpFlyweight t = dissector.tcp();
        assertEquals(h.getSrcPort().valueAsInt(), t.sourcePort(), where);
        assertEquals(h.getDstPort().valueAsInt(), t.destinationPort(), where);
        assertEquals(h.getSequenceNumber(), t.sequenceNumber(), where);
        assertEquals(h.getAcknowledgmentNumber(), t.acknowledgmentNumber(), where);
        assertEquals(h.getDataOffsetAsInt(), t.dataOffset(), where);
        // pcap4j's 6 "reserved" bits are the 3 reserved bits, AE, CWR and ECE.
        final int reserved = (t.reservedBits() << 3) | (t.ae() ? 4 : 0) | (t.cwr() ? 2 : 0) | (t.ece() ? 1 : 0);
        assertEquals(h.getReserved() & 0x3F, reserved, where);
        assertEquals(h.getUrg(), t.urg(), where);
        assertEquals(h.getAck(), t.ack(), where);
        assertEquals(h.getPsh(), t.psh(), where);
        assertEquals(h.getRst(), t.rst(), where);
        assertEquals(h.getSyn(), t.syn(), where);
        assertEquals(h.getFin(), t.fin(), where);
        assertEquals(h.getWindowAsInt(), t.window(), where);
        assertEquals(h.getChecksum() & 0xFFFF, t.checksum(), where);
        assertEquals(h.getUrgentPointerAsInt(), t.urgentPointer(), where);
        if (dissector.malformed() != Malformed.OK)
        {
            return;
        }
        final TcpOptions cursor = dissector.tcpOptions();
        cursor.rewind();
        final List<TcpPacket.TcpOption> theirs = h.getOptions();
        for (final TcpPacket.TcpOption option : theirs)
        {
            assertTrue(cursor.next(), () -> where + ": we have fewer options than pcap4j (" + theirs.size() + ")");
            coverage.tcpOptions++;
            assertEquals(option.getKind().value() & 0xFF, cursor.kind(), where);
            assertEquals(option.length(), cursor.optionLength(), where);
            final byte[] ours = cursor.segment().asSlice(cursor.optionOffset(), cursor.optionLength())
                .toArray(Bytes.U8);
            assertArrayEquals(option.getRawData(), ours, where);
        }
        if (cursor.next())
        {
            // pcap4j stops at EOL and files the rest under padding; our cursor yields only the EOL itself.
            assertFalse(theirs.isEmpty() && cursor.kind() != TcpOptions.KIND_EOL, where);
        }
        cursor.rewind();
    }

    private static void compareIcmp(final IcmpV4CommonPacket icmp, final FrameDissector dissector, final String where)
    {
        final IcmpFlyweight i = dissector.icmp();
        assertEquals(icmp.getHeader().getType().value() & 0xFF, i.type(), where);
        assertEquals(icmp.getHeader().getCode().value() & 0xFF, i.code(), where);
        assertEquals(icmp.getHeader().getChecksum() & 0xFFFF, i.checksum(), where);
        final IcmpV4EchoPacket echo = direct(icmp, IcmpV4EchoPacket.class);
        if (echo != null)
        {
            assertEquals(echo.getHeader().getIdentifierAsInt(), i.identifier(), where);
            assertEquals(echo.getHeader().getSequenceNumberAsInt(), i.sequenceNumber(), where);
        }
        final IcmpV4EchoReplyPacket reply = direct(icmp, IcmpV4EchoReplyPacket.class);
        if (reply != null)
        {
            assertEquals(reply.getHeader().getIdentifierAsInt(), i.identifier(), where);
            assertEquals(reply.getHeader().getSequenceNumberAsInt(), i.sequenceNumber(), where);
        }
        final IcmpV4DestinationUnreachablePacket unreachable =
            direct(icmp, IcmpV4DestinationUnreachablePacket.class);
        if (unreachable != null)
        {
            assertEquals(unreachable.getHeader().getUnused(), i.restOfHeader(), where);
            if (i.isFragmentationNeeded())
            {
                assertEquals(unreachable.getHeader().getUnused() & 0xFFFF, i.nextHopMtu(), where);
            }
        }
    }

    /** The packet's own payload if it is of the type (not a packet nested deeper, such as an ICMP quote). */
    private static <T extends Packet> T direct(final Packet packet, final Class<T> type)
    {
        final Packet payload = packet.getPayload();
        return type.isInstance(payload) ? type.cast(payload) : null;
    }

    static long mac(final MacAddress address)
    {
        assertNotNull(address);
        final byte[] b = address.getAddress();
        long value = 0;
        for (final byte x : b)
        {
            value = (value << 8) | (x & 0xFF);
        }
        return value;
    }

    static int ip(final byte[] address)
    {
        return ByteBuffer.wrap(address).getInt();
    }

    /** The frame as a segment sliced to exactly its length. */
    static MemorySegment exact(final byte[] frame)
    {
        return MemorySegment.ofArray(frame.clone());
    }
}
