package io.tachyon.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IllegalRawDataException;

import io.tachyon.wire.FrameDissector.Layer;
import io.tachyon.testing.SharedData;

/**
 * Frames from the external corpus that need no pcap reader: PcapPlusPlus .dat (hex of one Ethernet frame), smoltcp
 * and lwIP fuzz seeds (raw Ethernet frames).
 */
class FixtureFramesTest
{
    private final FrameDissector dissector = new FrameDissector();

    private Malformed dissect(final byte[] frame)
    {
        return dissector.dissectEthernet(Pcap4jOracle.exact(frame), 0, frame.length);
    }

    private Malformed dat(final String name)
    {
        return dissect(SharedData.hexFrame(SharedData.require("pcapplusplus/" + name)));
    }

    @Test
    void shouldParseEveryFixtureAndAgreeWithPcap4j()
    {
        final List<Path> files = new ArrayList<>(SharedCorpus.datFiles());
        files.addAll(SharedCorpus.binFiles());
        final Pcap4jOracle.Coverage coverage = new Pcap4jOracle.Coverage();
        int compared = 0;
        for (final Path file : files)
        {
            final byte[] frame = file.toString().endsWith(".dat")
                ? SharedData.hexFrame(file) : SharedCorpus.read(file);
            final Malformed result = dissect(frame);
            assertNotNull(result, file.toString());
            assertTrue(dissector.has(Layer.ETHERNET), file + " has an Ethernet header");
            try
            {
                Pcap4jOracle.assertAgrees(frame, dissector, false, coverage);
                compared++;
            }
            catch (final IllegalRawDataException e)
            {
                // pcap4j cannot decode this one at all; our parse must still not throw (checked above).
            }
        }
        assertTrue(compared >= files.size() - 2, "pcap4j compared " + compared + " of " + files.size());
        assertTrue(coverage.tcp >= 8 && coverage.udp >= 6 && coverage.icmp >= 8 && coverage.arp >= 3,
            "layers compared: tcp " + coverage.tcp + " udp " + coverage.udp + " icmp " + coverage.icmp
                + " arp " + coverage.arp);
    }

    @Test
    void shouldReadTimestampOptionsOfTcpPacketWithOptions()
    {
        assertEquals(Malformed.OK, dat("TcpPacketWithOptions.dat"));
        final TcpFlyweight tcp = dissector.tcp();
        assertEquals(8, tcp.dataOffset());
        assertEquals(TcpFlyweight.PSH | TcpFlyweight.ACK, tcp.flags());
        assertEquals(44_147, tcp.sourcePort());
        assertEquals(80, tcp.destinationPort());
        final TcpOptions options = dissector.tcpOptions();
        assertTrue(options.next());
        assertEquals(TcpOptions.KIND_NOP, options.kind());
        assertTrue(options.next());
        assertEquals(TcpOptions.KIND_NOP, options.kind());
        assertTrue(options.next());
        assertEquals(TcpOptions.KIND_TIMESTAMPS, options.kind());
        assertEquals(0x0002fa1e, options.timestampValue());
        assertEquals(0xd3f01f77, options.timestampEcho());
        assertFalse(options.next());
        assertEquals(Malformed.OK, options.malformed());
        assertEquals(ChecksumVerdict.GOOD, dissector.ipv4Checksum());
    }

    @Test
    void shouldReadSynOptionsOfTcpPacketWithOptions3()
    {
        assertEquals(Malformed.OK, dat("TcpPacketWithOptions3.dat"));
        final TcpFlyweight tcp = dissector.tcp();
        assertEquals(10, tcp.dataOffset());
        assertEquals(TcpFlyweight.SYN, tcp.flags());
        final TcpOptions options = dissector.tcpOptions();
        assertTrue(options.next());
        assertEquals(1460, options.mss());
        assertTrue(options.next());
        assertEquals(TcpOptions.KIND_SACK_PERMITTED, options.kind());
        assertTrue(options.next());
        assertEquals(0x000302f4, options.timestampValue());
        assertEquals(0, options.timestampEcho());
        assertTrue(options.next());
        assertEquals(TcpOptions.KIND_NOP, options.kind());
        assertTrue(options.next());
        assertEquals(4, options.windowScale());
        assertFalse(options.next());
        assertEquals(Malformed.OK, options.malformed());
        // Captured on the sender with checksum offload: the TCP checksum is not filled in yet.
        assertEquals(ChecksumVerdict.BAD, dissector.transportChecksum());
    }

    @Test
    void shouldReadFragmentOffsetsOfIpv4Fragments()
    {
        assertEquals(Malformed.OK, dat("IPv4Frag1.dat"));
        Ipv4Flyweight ip = dissector.ipv4();
        assertTrue(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertEquals(0x9c89, ip.identification());
        assertEquals(Ipv4Flyweight.PROTOCOL_UDP, ip.protocol());
        assertEquals(Layer.UDP, dissector.layer(), "the first fragment carries the UDP header");
        assertEquals(ChecksumVerdict.NOT_CHECKED, dissector.transportChecksum());
        assertEquals(ChecksumVerdict.GOOD, dissector.ipv4Checksum());

        assertEquals(Malformed.OK, dat("IPv4Frag2.dat"));
        ip = dissector.ipv4();
        assertTrue(ip.moreFragments());
        assertEquals(185, ip.fragmentOffset());
        assertEquals(1480, ip.fragmentOffsetBytes());
        assertEquals(Layer.IPV4, dissector.layer(), "a later fragment stops at IPv4");

        assertEquals(Malformed.OK, dat("IPv4Frag3.dat"));
        ip = dissector.ipv4();
        assertFalse(ip.moreFragments());
        assertEquals(370, ip.fragmentOffset());
        assertEquals(Layer.IPV4, dissector.layer());
        assertEquals(ChecksumVerdict.NOT_CHECKED, dissector.transportChecksum());
    }

    @Test
    void shouldReadArpReplyWithTrailer()
    {
        assertEquals(Malformed.OK, dat("ArpPacket.dat"));
        final ArpFlyweight arp = dissector.arp();
        assertEquals(ArpFlyweight.OPERATION_REPLY, arp.operation());
        assertEquals(0x30469a23fbfaL, arp.senderHardwareAddress());
        assertEquals(0x0a00008a, arp.senderProtocolAddress());
        assertEquals(0x6cf049b2de6eL, arp.targetHardwareAddress());
        assertEquals(0x0a000004, arp.targetProtocolAddress());
    }

    @Test
    void shouldReadIcmpDestinationUnreachableWithQuote()
    {
        assertEquals(Malformed.OK, dat("IcmpDestUnreachableUdp.dat"));
        final IcmpFlyweight icmp = dissector.icmp();
        assertEquals(IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE, icmp.type());
        assertEquals(IcmpFlyweight.CODE_PORT_UNREACHABLE, icmp.code());
        assertTrue(icmp.isError());
        assertTrue(icmp.hasCompleteQuote());
        final Ipv4Flyweight quoted = new Ipv4Flyweight();
        assertEquals(Malformed.OK, quoted.wrap(icmp.segment(), icmp.dataOffset(), icmp.dataLength()));
        assertEquals(Ipv4Flyweight.PROTOCOL_UDP, quoted.protocol());
        assertEquals(0x0a000102, quoted.source());
        assertEquals(ChecksumVerdict.GOOD, dissector.transportChecksum());
    }

    @Test
    void shouldTakeIpv4PayloadLengthFromTotalLengthNotTrailer()
    {
        final byte[] frame =
            SharedData.hexFrame(SharedData.require("pcapplusplus/packet_trailer_ipv4.dat"));
        assertEquals(Malformed.OK, dissect(frame));
        final Ipv4Flyweight ip = dissector.ipv4();
        assertEquals(40, ip.totalLength());
        assertTrue(frame.length > 14 + 40, "the fixture carries trailer bytes");
        assertEquals(20, dissector.tcp().length(), "TCP covers only total length - IHL, not the trailer");
        assertEquals(ChecksumVerdict.GOOD, dissector.transportChecksum());
    }

    @Test
    void shouldRejectMalformedFixturesWithTypedReasons()
    {
        assertEquals(Malformed.IPV4_BAD_TOTAL_LENGTH, dat("IPv4-TSO.dat"), "TSO capture: total length 0");
        assertEquals(Malformed.IPV4_BAD_VERSION, dat("ipv4-malformed1.dat"), "version nibble 5");
        assertEquals(Malformed.TCP_BAD_DATA_OFFSET, dat("tcp-malformed1.dat"), "data offset 7 in a 20-byte segment");
        assertEquals(Layer.IPV4, dissector.layer());
    }

    @Test
    void shouldParseSmoltcpAndLwipSeeds()
    {
        final Path smol = SharedData.pcaps().resolve("smoltcp-fuzz-corpus");
        assertEquals(Malformed.OK, dissect(SharedCorpus.read(smol.resolve("tcpv4_syn.bin"))));
        assertEquals(Layer.TCP, dissector.layer());
        assertTrue(dissector.tcp().syn());
        assertEquals(Malformed.OK, dissect(SharedCorpus.read(smol.resolve("arp.bin"))));
        assertEquals(Layer.ARP, dissector.layer());
        assertEquals(Malformed.OK, dissect(SharedCorpus.read(smol.resolve("icmpv6_nbr_solicitation.bin"))));
        assertTrue(dissector.unsupported(), "IPv6 is recognised as unsupported");
        final Path lwip = SharedData.pcaps().resolve("lwip-fuzz-inputs");
        assertEquals(Malformed.OK, dissect(SharedCorpus.read(lwip.resolve("udp/udp_port_5000.bin"))));
        assertEquals(5000, dissector.udp().destinationPort());
    }

    @Test
    void shouldParseEveryFixtureThroughEveryEntryPointWithoutThrowing()
    {
        for (final byte[] frame : SharedCorpus.allFrames())
        {
            final MemorySegment segment = Pcap4jOracle.exact(frame);
            assertNotNull(dissector.dissectEthernet(segment, 0, frame.length));
            assertNotNull(dissector.dissectLinuxSll(segment, 0, frame.length));
            assertNotNull(dissector.dissectIpv4(segment, 0, frame.length));
            if (frame.length > 14)
            {
                assertNotNull(dissector.dissectIpv4(segment, 14, frame.length - 14));
            }
        }
    }
}
