package io.tachyon.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.stack.Frames;
import io.tachyon.stack.Harness;
import io.tachyon.stack.MulticastHook;
import io.tachyon.udp.UdpError;
import io.tachyon.udp.UdpSocket;
import io.tachyon.wire.ArpFlyweight;
import io.tachyon.wire.ChecksumVerdict;
import io.tachyon.wire.EthernetFlyweight;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

/** IPv4 acceptance, validation and routing decisions, with exact frames. */
class Ipv4RulesTest
{
    @TempDir
    Path counters;

    private final FrameDissector dissector = new FrameDissector();

    private static long count(final Harness h, final Ipv4Counter counter)
    {
        return h.stack.counters().ip().get(counter).get();
    }

    private FrameDissector dissect(final byte[] frame)
    {
        assertEquals(Malformed.OK, dissector.dissectEthernet(MemorySegment.ofArray(frame), 0, frame.length));
        return dissector;
    }

    @Test
    void shouldAcceptOurAddressBroadcastsAndTtlOne()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(5000);
            h.exchange(
                Frames.udpFrame(1, 5000, new byte[3]),
                Frames.ip().ttl(1).payload(Frames.udp(Frames.IP_B, Frames.IP_A, 1, 5000, new byte[3])).frame(),
                Frames.ip().dstMac(Frames.BROADCAST_MAC).dst(0xFFFF_FFFF)
                    .payload(Frames.udp(Frames.IP_B, 0xFFFF_FFFF, 1, 5000, new byte[3])).frame(),
                Frames.ip().dstMac(Frames.BROADCAST_MAC).dst(Frames.SUBNET_BROADCAST)
                    .payload(Frames.udp(Frames.IP_B, Frames.SUBNET_BROADCAST, 1, 5000, new byte[3])).frame(),
                Frames.ip().padTo(60).payload(Frames.udp(Frames.IP_B, Frames.IP_A, 1, 5000, new byte[1])).frame());
            assertEquals(5, socket.pendingDatagrams());
            assertEquals(2, count(h, Ipv4Counter.IN_BCAST_PKTS));
            assertEquals(5, count(h, Ipv4Counter.IN_DELIVERS));
        }
    }

    @Test
    void shouldDropWhatIsNotOursOrBroken()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(5000);
            final byte[] udp = Frames.udp(Frames.IP_B, Frames.IP_A, 1, 5000, new byte[3]);
            final byte[] truncated = Frames.slice(Frames.udpFrame(1, 5000, new byte[30]), 0, 14 + 30);
            final byte[] badVersion = Frames.udpFrame(1, 5000, new byte[3]);
            badVersion[14] = 0x55;
            assertEquals(List.of(), h.exchange(
                Frames.ip().dst(Frames.IP_OTHER).payload(udp).frame(),
                Frames.ip().badChecksum().payload(udp).frame(),
                Frames.ip().src(Ipv4Address.parse("127.0.0.1")).payload(udp).frame(),
                Frames.ip().src(Ipv4Address.parse("224.0.0.5")).payload(udp).frame(),
                Frames.ip().src(Frames.IP_A).srcMac(Frames.MAC_OTHER).payload(udp).frame(),
                Frames.ip().src(Frames.SUBNET_BROADCAST).payload(udp).frame(),
                Frames.ip().dstMac(Frames.BROADCAST_MAC).payload(udp).frame(),
                Frames.ip().dst(Ipv4Address.parse("239.1.2.3")).dstMac(Ipv4Address.multicastMac(0xEF01_0203))
                    .payload(udp).frame(),
                truncated, badVersion));
            assertEquals(0, socket.pendingDatagrams());
            assertEquals(10, count(h, Ipv4Counter.IN_RECEIVES));
            assertEquals(1, count(h, Ipv4Counter.IN_ADDR_ERRORS));
            assertEquals(1, count(h, Ipv4Counter.IN_CSUM_ERRORS));
            assertEquals(2, count(h, Ipv4Counter.IN_HDR_ERRORS), "checksum and version");
            assertEquals(4, count(h, Ipv4Counter.IN_MARTIANS), "loopback, multicast, ours, subnet broadcast");
            assertEquals(1, count(h, Ipv4Counter.IN_BCAST_MISMATCH));
            assertEquals(1, count(h, Ipv4Counter.IN_MCAST_NOT_JOINED));
            assertEquals(1, count(h, Ipv4Counter.IN_TRUNCATED));
            assertEquals(1, h.stack.counters().malformed().get(Malformed.IPV4_BAD_VERSION).get());
            assertEquals(1, h.stack.counters().malformed().get(Malformed.IPV4_PAYLOAD_TRUNCATED).get());
        }
    }

    /** A membership seam that joined one group. */
    static final class OneGroup implements MulticastHook
    {
        final int group;
        int igmp;

        OneGroup(final int group)
        {
            this.group = group;
        }

        @Override
        public boolean isMember(final int candidate)
        {
            return candidate == group;
        }

        @Override
        public boolean onDatagram(final Ipv4Flyweight ip, final int rxFlags, final int rxIndex,
            final int destinationClass, final long nowNs)
        {
            igmp++;
            return true;
        }

        @Override
        public long nextDeadlineNs()
        {
            return NO_DEADLINE;
        }

        @Override
        public int poll(final long nowNs)
        {
            return 0;
        }
    }

    @Test
    void shouldAcceptJoinedGroupsThroughTheMembershipSeam()
    {
        try (Harness h = new Harness(counters))
        {
            final int group = Ipv4Address.parse("239.1.2.3");
            final OneGroup hook = new OneGroup(group);
            h.stack.multicast(hook);
            final UdpSocket socket = h.stack.openUdpSocket().bind(5000);
            final long mac = Ipv4Address.multicastMac(group);
            assertEquals(0x01_00_5E_01_02_03L, mac);
            h.exchange(
                Frames.ip().dst(group).dstMac(mac).payload(Frames.udp(Frames.IP_B, group, 1, 5000, new byte[2]))
                    .frame(),
                Frames.ip().dst(Ipv4Address.parse("239.1.2.4")).dstMac(mac)
                    .payload(Frames.udp(Frames.IP_B, 0xEF01_0204, 1, 5000, new byte[2])).frame(),
                Frames.ip().dst(group).dstMac(mac).protocol(Ipv4.PROTOCOL_IGMP).payload(new byte[8]).frame());
            assertEquals(1, socket.pendingDatagrams());
            assertEquals(1, hook.igmp);
            assertEquals(2, count(h, Ipv4Counter.IN_MCAST_PKTS));
            assertEquals(1, count(h, Ipv4Counter.IN_MCAST_NOT_JOINED));
        }
    }

    @Test
    void shouldRouteOnLinkDestinationsDirectlyAndOthersToTheGateway()
    {
        try (Harness h = new Harness(counters, c -> c.gateway(Frames.IP_GW)))
        {
            final UdpSocket socket = h.stack.openUdpSocket();
            assertTrue(socket.send(new byte[4], 0, 4, Frames.IP_OTHER, 9));
            assertTrue(socket.send(new byte[4], 0, 4, Frames.IP_FAR, 9));
            final List<byte[]> out = h.exchange();
            assertEquals(2, out.size(), "two ARP requests: the neighbour and the gateway");
            final FrameDissector d = dissect(out.get(0));
            assertEquals(EthernetFlyweight.BROADCAST, d.ethernet().destination());
            assertEquals(ArpFlyweight.OPERATION_REQUEST, d.arp().operation());
            assertEquals(Frames.IP_OTHER, d.arp().targetProtocolAddress());
            assertEquals(Frames.IP_GW, dissect(out.get(1)).arp().targetProtocolAddress());
            assertEquals(1, h.stack.arp().pendingCount(Frames.IP_OTHER));
            assertEquals(1, h.stack.arp().pendingCount(Frames.IP_GW));
        }
    }

    @Test
    void shouldFailClearlyWithoutARoute()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(1);
            final IllegalArgumentException noGateway = assertThrows(IllegalArgumentException.class,
                () -> socket.send(new byte[4], 0, 4, Frames.IP_FAR, 9));
            assertEquals("no route to 192.0.2.7: it is not on the connected subnet 10.0.0.0/24 and no default"
                + " gateway is configured", noGateway.getMessage());
            final IllegalArgumentException self = assertThrows(IllegalArgumentException.class,
                () -> socket.send(new byte[4], 0, 4, Frames.IP_A, 9));
            assertTrue(self.getMessage().contains("own address"), self.getMessage());
            final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> socket.send(new byte[4], 0, 4, 0, 9));
            assertTrue(zero.getMessage().startsWith("no route to 0.0.0.0"), zero.getMessage());
            assertEquals(3, count(h, Ipv4Counter.OUT_NO_ROUTES));
            assertEquals(List.of(), h.exchange());
        }
    }

    @Test
    void shouldMapBroadcastAndMulticastDestinationsWithoutArp()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket().broadcast(true);
            final int group = Ipv4Address.parse("224.1.130.7");
            assertTrue(socket.send(new byte[4], 0, 4, 0xFFFF_FFFF, 9));
            assertTrue(socket.send(new byte[4], 0, 4, Frames.SUBNET_BROADCAST, 9));
            assertTrue(socket.send(new byte[4], 0, 4, group, 9));
            final List<byte[]> out = h.exchange();
            assertEquals(3, out.size());
            assertEquals(EthernetFlyweight.BROADCAST, dissect(out.get(0)).ethernet().destination());
            assertEquals(64, dissector.ipv4().ttl());
            assertFalse(dissector.ipv4().dontFragment(), "no PMTU discovery to a broadcast");
            assertEquals(EthernetFlyweight.BROADCAST, dissect(out.get(1)).ethernet().destination());
            assertEquals(0x01_00_5E_01_82_07L, dissect(out.get(2)).ethernet().destination());
            assertEquals(1, dissector.ipv4().ttl(), "multicast TTL 1 by default");
        }
    }

    @Test
    void shouldWriteValidHeadersWithDfAndIncreasingIdentification()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(2000);
            assertTrue(socket.send(new byte[10], 0, 10, Frames.IP_B, 9));
            assertTrue(socket.send(new byte[10], 0, 10, Frames.IP_B, 9));
            socket.pathMtuDiscovery(false);
            assertTrue(socket.send(new byte[10], 0, 10, Frames.IP_B, 9));
            final List<byte[]> out = h.exchange();
            assertEquals(3, out.size());
            final int[] ids = new int[3];
            for (int i = 0; i < 3; i++)
            {
                final FrameDissector d = dissect(out.get(i));
                assertEquals(60, out.get(i).length, "padded to the Ethernet minimum");
                assertEquals(ChecksumVerdict.GOOD, d.ipv4Checksum());
                assertEquals(ChecksumVerdict.GOOD, d.transportChecksum());
                assertEquals(Frames.MAC_B, d.ethernet().destination());
                assertEquals(Frames.MAC_A, d.ethernet().source());
                assertEquals(Frames.IP_A, d.ipv4().source());
                assertEquals(38, d.ipv4().totalLength());
                assertEquals(i < 2, d.ipv4().dontFragment());
                assertEquals(2000, d.udp().sourcePort());
                ids[i] = d.ipv4().identification();
            }
            assertEquals((ids[0] + 1) & 0xFFFF, ids[1]);
            assertEquals((ids[1] + 1) & 0xFFFF, ids[2]);
            assertEquals(3, count(h, Ipv4Counter.OUT_REQUESTS));
        }
    }

    @Test
    void shouldReportDatagramsWhoseNextHopNeverResolvesToTheirSocket()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket();
            assertTrue(socket.send(new byte[4], 0, 4, Frames.IP_OTHER, 99));
            for (int i = 0; i < 5; i++)
            {
                h.exchange();
                h.clock.advance(1_000_000_000L);
            }
            assertEquals(1, count(h, Ipv4Counter.OUT_UNRESOLVED));
            final UdpError error = new UdpError();
            assertTrue(socket.pollError(error));
            assertEquals(UdpError.ORIGIN_LOCAL, error.origin());
            assertEquals(1, error.code(), "host unreachable");
            assertEquals(Frames.IP_OTHER, error.destinationAddress());
            assertEquals(99, error.destinationPort());
        }
    }
}
