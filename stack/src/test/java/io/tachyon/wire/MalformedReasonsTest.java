package io.tachyon.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.tachyon.wire.FrameDissector.Layer;

/** Every {@link Malformed} reason is reachable from bytes, and each is typed rather than an exception. */
class MalformedReasonsTest
{
    private final Set<Malformed> seen = EnumSet.noneOf(Malformed.class);

    private static MemorySegment hex(final String hex)
    {
        return MemorySegment.ofArray(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    private Malformed note(final Malformed reason)
    {
        seen.add(reason);
        return reason;
    }

    @Test
    void shouldReachEveryReason()
    {
        final MemorySegment nothing = MemorySegment.ofArray(new byte[0]);
        assertEquals(Malformed.ETH_TRUNCATED, note(new EthernetFlyweight().wrap(hex("0011223344556677"), 0, 8)));
        assertEquals(Malformed.ETH_TRUNCATED, note(new EthernetFlyweight().wrap(nothing, 0, 14)),
            "a region outside the segment is truncation");
        assertEquals(Malformed.VLAN_TRUNCATED,
            note(new EthernetFlyweight().wrap(hex("001122334455 66778899aabb 8100 00"), 0, 15)));
        assertEquals(Malformed.VLAN_TRUNCATED,
            note(new EthernetFlyweight().wrap(hex("001122334455 66778899aabb 88a8 0001 8100 00"), 0, 19)));
        assertEquals(Malformed.SLL_TRUNCATED, note(new LinuxSllFlyweight().wrap(hex("0000 0001 0006"), 0, 6)));
        assertEquals(Malformed.ARP_TRUNCATED, note(new ArpFlyweight().wrap(hex("0001 0800 0604 0001"), 0, 8)));
        assertEquals(Malformed.ARP_UNSUPPORTED_FORMAT, note(new ArpFlyweight().wrap(
            hex("0001 0800 0804 0001" + "00".repeat(24)), 0, 32)), "oversize hardware address (hlen 8)");
        assertEquals(Malformed.ARP_UNSUPPORTED_FORMAT, note(new ArpFlyweight().wrap(
            hex("0006 0800 0604 0001" + "00".repeat(20)), 0, 28)), "hardware type 6 (IEEE 802)");
        final String header = "45000028 00004000 4006 0000 0a000001 0a000002";
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        assertEquals(Malformed.IPV4_TRUNCATED, note(ip.wrap(hex(header), 0, 19)));
        assertEquals(Malformed.IPV4_BAD_VERSION, note(ip.wrap(hex("6" + header.substring(1)), 0, 20)));
        assertEquals(Malformed.IPV4_BAD_IHL, note(ip.wrap(hex("44" + header.substring(2)), 0, 20)));
        assertEquals(Malformed.IPV4_TRUNCATED, note(ip.wrap(hex("46" + header.substring(2)), 0, 20)),
            "IHL 6 announces options that are not there");
        assertEquals(Malformed.IPV4_BAD_TOTAL_LENGTH, note(ip.wrap(hex("45000010" + header.substring(8)), 0, 20)));
        assertEquals(Malformed.IPV4_PAYLOAD_TRUNCATED, note(ip.wrap(hex(header), 0, 20)));
        assertEquals(40, ip.totalLength(), "header getters stay valid after IPV4_PAYLOAD_TRUNCATED");
        assertEquals(Malformed.ICMP_TRUNCATED, note(new IcmpFlyweight().wrap(hex("0800 0000 0001"), 0, 6)));
        assertEquals(Malformed.UDP_TRUNCATED, note(new UdpFlyweight().wrap(hex("0035 0035 00"), 0, 5)));
        assertEquals(Malformed.UDP_BAD_LENGTH, note(new UdpFlyweight().wrap(hex("0035 0035 0007 0000"), 0, 8)));
        assertEquals(Malformed.UDP_LENGTH_EXCEEDS_PAYLOAD,
            note(new UdpFlyweight().wrap(hex("0035 0035 0010 0000"), 0, 8)));
        final String tcp = "0050 1f90 00000001 00000000 5002 ffff 0000 0000";
        assertEquals(Malformed.TCP_TRUNCATED, note(new TcpFlyweight().wrap(hex(tcp), 0, 19)));
        final TcpFlyweight t = new TcpFlyweight();
        assertEquals(Malformed.TCP_BAD_DATA_OFFSET, note(t.wrap(hex(tcp.replace("5002", "4002")), 0, 20)));
        assertEquals(Malformed.TCP_BAD_DATA_OFFSET, note(t.wrap(hex(tcp.replace("5002", "6002")), 0, 20)));
        assertEquals(Malformed.IGMP_TRUNCATED, note(new IgmpFlyweight().wrap(hex("1164 ee9b 0000"), 0, 6)));
        assertEquals(Malformed.IGMP_TRUNCATED, note(new IgmpFlyweight().wrap(
            hex("1164 0000 e0000001 0214 0001"), 0, 12)), "a v3 query announcing a source that is not there");
        assertEquals(Malformed.IGMP_TRUNCATED, note(new IgmpFlyweight().wrap(
            hex("2200 0000 0000 0001 04000000"), 0, 12)), "a v3 report whose group record is cut short");
        final TcpOptions options = new TcpOptions();
        assertEquals(Malformed.TCP_BAD_OPTION, note(walk(options, "0200 0000")), "length 0");
        assertEquals(Malformed.TCP_BAD_OPTION, note(walk(options, "0101 0801")), "length 1");
        assertEquals(Malformed.TCP_BAD_OPTION, note(walk(options, "0101 0108 0a00")), "runs past the area");
        assertEquals(Malformed.TCP_BAD_OPTION, note(walk(options, "010101 02")), "missing length byte");
        assertEquals(Malformed.TCP_BAD_OPTION_LENGTH, note(walk(options, "0203 0501")), "MSS of length 3");
        assertEquals(Malformed.TCP_BAD_OPTION_LENGTH, note(walk(options, "0502 0101")), "empty SACK");
        assertEquals(Malformed.TCP_BAD_OPTION_LENGTH, note(walk(options, "0a 0301 0203 0405 0607 08")),
            "SACK without whole blocks");
        assertEquals(Malformed.OK, note(walk(options, "1b04 0000 0000 0000")), "unknown kind 27, then EOL padding");
        assertEquals(EnumSet.allOf(Malformed.class), seen, "every reason is reachable");
    }

    private static Malformed walk(final TcpOptions options, final String hex)
    {
        final MemorySegment area = hex(hex);
        options.wrap(area, 0, (int)area.byteSize());
        return options.validate();
    }

    @Test
    void shouldDescribeEveryReasonOnOneLine()
    {
        for (final Malformed reason : Malformed.values())
        {
            assertFalse(reason.description().isBlank());
            assertFalse(reason.description().contains("\n"));
        }
        assertTrue(Malformed.OK.isOk());
        assertFalse(Malformed.TCP_BAD_OPTION.isOk());
    }

    @Test
    void shouldKeepDissectingTcpHeaderOfTruncatedCapture()
    {
        final TestFrames frames = new TestFrames();
        final MemorySegment buffer = MemorySegment.ofArray(new byte[TestFrames.MAX_FRAME]);
        final FrameDissector dissector = new FrameDissector();
        final java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        int length;
        do
        {
            length = frames.frame(random, buffer, TestFrames.Kind.TCP);
            assertEquals(Malformed.OK, dissector.dissectEthernet(buffer.asSlice(0, length), 0, length));
        }
        while (dissector.tcp().payloadLength() == 0);
        final int port = dissector.tcp().sourcePort();
        final int snap = (int)dissector.tcp().payloadOffset() + 1;
        assertEquals(Malformed.IPV4_PAYLOAD_TRUNCATED, dissector.dissectEthernet(buffer.asSlice(0, snap), 0, snap));
        assertEquals(Layer.TCP, dissector.layer(), "the TCP header is present and parsed");
        assertEquals(port, dissector.tcp().sourcePort());
        assertEquals(1, dissector.tcp().payloadLength());
        assertEquals(ChecksumVerdict.NOT_CHECKED, dissector.transportChecksum());
        assertEquals(ChecksumVerdict.GOOD, dissector.ipv4Checksum());
    }

    @Test
    void shouldRejectBadApiUseWithClearExceptions()
    {
        final MemorySegment segment = MemorySegment.ofArray(new byte[64]);
        final IllegalArgumentException vid = assertThrows(IllegalArgumentException.class,
            () -> new EthernetFlyweight().wrapForWrite(segment, 0, 64).vlan(0, false, 4096));
        assertTrue(vid.getMessage().contains("4096"), vid.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Flyweight().wrapForWrite(segment, 0, 19));
        assertThrows(IndexOutOfBoundsException.class, () -> new TcpFlyweight().wrapForWrite(segment, 50, 20));
        final TcpOptionsWriter writer = new TcpOptionsWriter().wrap(segment, 20, 8);
        writer.mss(1460);
        final IllegalStateException overflow = assertThrows(IllegalStateException.class,
            () -> writer.timestamps(1, 2));
        assertTrue(overflow.getMessage().contains("capacity"), overflow.getMessage());
        assertThrows(NullPointerException.class, () -> new UdpFlyweight().wrap(null, 0, 8));
    }
}
