package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.igmp.Igmp;
import io.tachyon.igmp.IgmpCounter;
import io.tachyon.igmp.IgmpVersion;
import io.tachyon.ipv4.Ipv4;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.link.LinkCounter;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpSocket;
import io.tachyon.wire.EthernetFlyweight;
import io.tachyon.wire.IgmpFlyweight;

/**
 * Multicast and broadcast across stacks on one Ethernet hub ({@link Lan}): group delivery to every joined socket,
 * leave (per socket and per stack) with its IGMP report, membership reports and query answers checked byte by
 * byte, drops of groups not joined, and the broadcast option.
 */
class StackMulticastTest
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final int GROUP = Ipv4Address.parse("239.1.2.3");
    /** Same MAC address as {@link #GROUP} (the top 9 bits of the low 32 differ). */
    private static final int GROUP_SAME_MAC = Ipv4Address.parse("239.129.2.3");
    private static final int OTHER_GROUP = Ipv4Address.parse("239.9.9.9");
    private static final int PORT = 5000;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @TempDir
    Path counters;

    // ------------------------------------------------------------------------------------------------------------
    // Frame reading
    // ------------------------------------------------------------------------------------------------------------

    /** One captured IPv4 frame, read field by field. */
    record Seen(byte[] frame)
    {
        long dstMac()
        {
            final MemorySegment s = MemorySegment.ofArray(frame);
            return (s.get(U16, 0) & 0xFFFFL) << 32 | (s.get(U32, 2) & 0xFFFF_FFFFL);
        }

        long srcMac()
        {
            final MemorySegment s = MemorySegment.ofArray(frame);
            return (s.get(U16, 6) & 0xFFFFL) << 32 | (s.get(U32, 8) & 0xFFFF_FFFFL);
        }

        boolean ipv4()
        {
            return frame.length >= 34 && (MemorySegment.ofArray(frame).get(U16, 12) & 0xFFFF) == 0x0800;
        }

        int ihl()
        {
            return (frame[14] & 0x0F) * 4;
        }

        int tos()
        {
            return frame[15] & 0xFF;
        }

        int ttl()
        {
            return frame[22] & 0xFF;
        }

        int protocol()
        {
            return frame[23] & 0xFF;
        }

        int src()
        {
            return MemorySegment.ofArray(frame).get(U32, 26);
        }

        int dst()
        {
            return MemorySegment.ofArray(frame).get(U32, 30);
        }

        int option()
        {
            return MemorySegment.ofArray(frame).get(U32, 34);
        }

        /** The IGMP message, verified by its checksum. */
        IgmpFlyweight igmp()
        {
            final MemorySegment s = MemorySegment.ofArray(frame);
            final int total = s.get(U16, 16) & 0xFFFF;
            final IgmpFlyweight igmp = new IgmpFlyweight();
            igmp.wrap(s, 14 + ihl(), total - ihl());
            assertTrue(igmp.verifyChecksum(), "IGMP checksum");
            return igmp;
        }
    }

    static List<Seen> igmpFrames(final List<byte[]> frames)
    {
        final List<Seen> out = new ArrayList<>();
        for (final byte[] frame : frames)
        {
            final Seen seen = new Seen(frame);
            if (seen.ipv4() && seen.protocol() == Ipv4.PROTOCOL_IGMP)
            {
                out.add(seen);
            }
        }
        return out;
    }

    static List<Seen> udpFrames(final List<byte[]> frames)
    {
        final List<Seen> out = new ArrayList<>();
        for (final byte[] frame : frames)
        {
            final Seen seen = new Seen(frame);
            if (seen.ipv4() && seen.protocol() == 17)
            {
                out.add(seen);
            }
        }
        return out;
    }

    /** Checks an IGMPv3 report from stack {@code i} with one source-less record. */
    static void assertV3Report(final Seen seen, final int i, final int recordType, final int group)
    {
        assertEquals(Lan.mac(i), seen.srcMac());
        assertEquals(0x01_00_5E_00_00_16L, seen.dstMac(), "to the MAC of 224.0.0.22");
        assertEquals(Lan.ip(i), seen.src());
        assertEquals(Igmp.ALL_IGMPV3_ROUTERS, seen.dst());
        assertEquals(1, seen.ttl(), "TTL 1");
        assertEquals(24, seen.ihl(), "room for Router Alert");
        assertEquals(0x9404_0000, seen.option(), "Router Alert");
        assertEquals(0xC0, seen.tos());
        final IgmpFlyweight igmp = seen.igmp();
        assertEquals(IgmpFlyweight.TYPE_V3_REPORT, igmp.type());
        assertEquals(1, igmp.recordCount());
        final long record = igmp.firstRecordOffset();
        assertEquals(recordType, igmp.recordType(record));
        assertEquals(0, igmp.recordSourceCount(record));
        assertEquals(group, igmp.recordGroup(record));
    }

    static byte[] query(final int group, final int maxResponseCode, final boolean v3)
    {
        final byte[] message = new byte[v3 ? 12 : 8];
        final IgmpFlyweight igmp = new IgmpFlyweight().wrapForWrite(MemorySegment.ofArray(message), 0,
            message.length);
        igmp.type(IgmpFlyweight.TYPE_QUERY).maxResponseCode(maxResponseCode).group(group);
        if (v3)
        {
            igmp.v3Query(false, 2, 125, 0);
        }
        igmp.checksum(0).updateChecksum();
        final int destination = group == 0 ? Igmp.ALL_SYSTEMS : group;
        return Frames.ip().srcMac(Lan.MAC_TAP).src(Lan.IP_TAP).dst(destination)
            .dstMac(Ipv4Address.multicastMac(destination)).ttl(1).protocol(Ipv4.PROTOCOL_IGMP)
            .options(new byte[] {(byte)0x94, 4, 0, 0}).payload(message).frame();
    }

    static byte[] udpFromTap(final int destination, final long mac, final int port, final byte[] data)
    {
        return Frames.ip().srcMac(Lan.MAC_TAP).src(Lan.IP_TAP).dst(destination).dstMac(mac)
            .payload(Frames.udp(Lan.IP_TAP, destination, 1234, port, data)).frame();
    }

    static UdpSocket receiver(final Stack stack, final int group)
    {
        final UdpSocket socket = stack.openUdpSocket().reuseAddress(true).bind(PORT);
        return group == 0 ? socket : socket.joinGroup(group);
    }

    static int take(final UdpSocket socket)
    {
        int n = 0;
        final byte[] into = new byte[2048];
        while (socket.receive(into, 0, into.length) != UdpSocket.NOTHING)
        {
            n++;
        }
        return n;
    }

    static long count(final Stack stack, final LinkCounter counter)
    {
        return stack.counters().link().get(counter).get();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Delivery and leave
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldDeliverAGroupToEveryJoinedSocketAndStopAfterLeave()
    {
        try (Lan lan = new Lan(counters, 3))
        {
            final Stack sender = lan.stacks[0];
            final UdpSocket b1 = receiver(lan.stacks[1], GROUP);
            final UdpSocket b2 = receiver(lan.stacks[1], GROUP);
            final UdpSocket bNotJoined = receiver(lan.stacks[1], 0);
            final UdpSocket c1 = receiver(lan.stacks[2], GROUP);
            final UdpSocket out = sender.openUdpSocket().bind(4000);
            lan.drain();
            lan.takeCaptured();

            final byte[] data = Frames.pattern(100, 7);
            assertTrue(out.send(data, 0, data.length, GROUP, PORT));
            lan.drain();
            assertEquals(1, b1.pendingDatagrams(), "first socket on B");
            assertEquals(1, b2.pendingDatagrams(), "second socket on B, same port");
            assertEquals(1, c1.pendingDatagrams(), "socket on C");
            assertEquals(0, bNotJoined.pendingDatagrams(), "bound to the port without joining: nothing");
            final byte[] got = new byte[200];
            assertEquals(100, b2.receive(got, 0, got.length));
            assertArrayEquals(data, java.util.Arrays.copyOf(got, 100));
            assertEquals(Lan.ip(0), b2.lastSourceAddress());
            assertEquals(4000, b2.lastSourcePort());
            take(b1);
            take(c1);
            final List<Seen> sent = udpFrames(lan.takeCaptured());
            assertEquals(1, sent.size(), "one frame on the wire for all receivers");
            assertEquals(Ipv4Address.multicastMac(GROUP), sent.get(0).dstMac());
            assertEquals(GROUP, sent.get(0).dst());
            assertEquals(1, sent.get(0).ttl(), "default multicast TTL");
            assertEquals(0, sender.arp().pendingCount(GROUP), "no ARP for a group");

            // one socket of B leaves: B is still in the group through the other
            b1.leaveGroup(GROUP);
            lan.drain();
            assertTrue(igmpFrames(lan.takeCaptured()).isEmpty(), "no report while another socket holds the group");
            assertTrue(out.send(data, 0, data.length, GROUP, PORT));
            lan.drain();
            assertEquals(0, b1.pendingDatagrams(), "left");
            assertEquals(1, take(b2));
            assertEquals(1, take(c1));

            // the last socket of B leaves: B leaves the group and says so
            b2.leaveGroup(GROUP);
            lan.clock.advance(1);
            lan.cycle();
            final List<Seen> leave = igmpFrames(lan.takeCaptured());
            assertEquals(1, leave.size(), "the state-change report is sent at once");
            assertV3Report(leave.get(0), 1, IgmpFlyweight.RECORD_CHANGE_TO_INCLUDE, GROUP);
            final long notJoinedBefore = count(lan.stacks[1], LinkCounter.MULTICAST_NOT_JOINED);
            assertTrue(out.send(data, 0, data.length, GROUP, PORT));
            lan.drain();
            assertEquals(0, take(b1) + take(b2) + take(bNotJoined), "B receives nothing");
            assertEquals(1, take(c1), "C still does");
            assertEquals(notJoinedBefore + 1, count(lan.stacks[1], LinkCounter.MULTICAST_NOT_JOINED),
                "B's link filter dropped it");
            assertFalse(lan.stacks[1].igmp().isMember(GROUP));

            // closing C's socket leaves its group too
            c1.close();
            lan.clock.advance(1);
            lan.cycle();
            final List<Seen> closeLeave = igmpFrames(lan.takeCaptured());
            assertEquals(1, closeLeave.size());
            assertV3Report(closeLeave.get(0), 2, IgmpFlyweight.RECORD_CHANGE_TO_INCLUDE, GROUP);
            assertFalse(lan.stacks[2].igmp().isMember(GROUP));
            assertFalse(lan.stacks[2].link().acceptsMulticastMac(Ipv4Address.multicastMac(GROUP)));
            for (final Stack stack : lan.stacks)
            {
                assertEquals(0, stack.counters().stack().get(StackCounter.ERRORS).get());
            }
        }
    }

    @Test
    void shouldReportJoinsWithIgmpV3ToAllV3RoutersWithTtlOneAndRouterAlert()
    {
        try (Lan lan = new Lan(counters, 1))
        {
            final Stack stack = lan.stacks[0];
            final long start = lan.clock.nanoTime();
            receiver(stack, GROUP);
            lan.clock.advance(1);
            lan.cycle();
            final List<Seen> first = igmpFrames(lan.takeCaptured());
            assertEquals(1, first.size(), "the first report goes at once");
            assertV3Report(first.get(0), 0, IgmpFlyweight.RECORD_CHANGE_TO_EXCLUDE, GROUP);
            lan.run(2 * SECOND, MS);
            final List<Seen> again = igmpFrames(lan.takeCaptured());
            assertEquals(1, again.size(), "robustness 2: one retransmission within the 1 s interval");
            assertV3Report(again.get(0), 0, IgmpFlyweight.RECORD_CHANGE_TO_EXCLUDE, GROUP);
            assertTrue(lan.clock.nanoTime() - start >= 2 * SECOND);

            // a second socket on the group sends nothing
            receiver(stack, GROUP);
            lan.run(2 * SECOND, MS);
            assertTrue(igmpFrames(lan.takeCaptured()).isEmpty());
            assertEquals(2, stack.igmp().references(GROUP));
            stack.syncCounters();
            assertEquals(1, stack.counters().igmp().get(IgmpCounter.JOINS).get());
            assertEquals(1, stack.counters().igmp().get(IgmpCounter.JOINS_SHARED).get());
            assertEquals(2, stack.counters().igmp().get(IgmpCounter.TX_V3_REPORTS).get());
        }
    }

    @Test
    void shouldReportJoinsAndLeavesWithIgmpV2WhenConfigured()
    {
        try (Lan lan = new Lan(counters, 1, MemoryWireConfig.DEFAULT, c -> c.igmp(IgmpVersion.V2, 1, 16)))
        {
            final Stack stack = lan.stacks[0];
            final UdpSocket socket = receiver(stack, GROUP);
            lan.clock.advance(1);
            lan.cycle();
            final List<Seen> report = igmpFrames(lan.takeCaptured());
            assertEquals(1, report.size());
            final Seen seen = report.get(0);
            assertEquals(Ipv4Address.multicastMac(GROUP), seen.dstMac(), "IGMPv2 reports go to the group");
            assertEquals(GROUP, seen.dst());
            assertEquals(1, seen.ttl());
            assertEquals(0x9404_0000, seen.option());
            assertEquals(IgmpFlyweight.TYPE_V2_REPORT, seen.igmp().type());
            assertEquals(GROUP, seen.igmp().group());

            socket.leaveGroup(GROUP);
            lan.clock.advance(1);
            lan.cycle();
            final List<Seen> leave = igmpFrames(lan.takeCaptured());
            assertEquals(1, leave.size());
            assertEquals(Igmp.ALL_ROUTERS, leave.get(0).dst());
            assertEquals(0x01_00_5E_00_00_02L, leave.get(0).dstMac());
            assertEquals(IgmpFlyweight.TYPE_LEAVE, leave.get(0).igmp().type());
            assertEquals(GROUP, leave.get(0).igmp().group());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Queries
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldAnswerAGeneralQueryFromAThirdEndpointWithinTheMaxResponseTime()
    {
        try (Lan lan = new Lan(counters, 2))
        {
            receiver(lan.stacks[0], GROUP);
            receiver(lan.stacks[1], GROUP);
            receiver(lan.stacks[1], OTHER_GROUP);
            lan.run(3 * SECOND, MS); // let the join reports finish
            lan.takeCaptured();

            final long queried = lan.clock.nanoTime();
            lan.inject(query(0, 20, true)); // Max Resp Code 20: 2 s
            final List<Seen> answers = new ArrayList<>();
            lan.runUntil(() ->
            {
                answers.addAll(igmpFrames(lan.takeCaptured()));
                return answers.size() >= 2;
            }, 3 * SECOND);
            final long answeredBy = lan.clock.nanoTime() - queried;
            assertEquals(2, answers.size(), "one report per stack");
            assertTrue(answeredBy <= 2 * SECOND + 2 * MS, "within Max Response Time: " + answeredBy);
            for (final Seen seen : answers)
            {
                final int i = seen.src() == Lan.ip(0) ? 0 : 1;
                final IgmpFlyweight igmp = seen.igmp();
                assertEquals(IgmpFlyweight.TYPE_V3_REPORT, igmp.type());
                assertEquals(Igmp.ALL_IGMPV3_ROUTERS, seen.dst());
                assertEquals(1, seen.ttl());
                assertEquals(0x9404_0000, seen.option());
                assertEquals(i == 0 ? 1 : 2, igmp.recordCount());
                long record = igmp.firstRecordOffset();
                for (int r = 0; r < igmp.recordCount(); r++)
                {
                    assertEquals(IgmpFlyweight.RECORD_MODE_IS_EXCLUDE, igmp.recordType(record));
                    assertTrue(igmp.recordGroup(record) == GROUP || igmp.recordGroup(record) == OTHER_GROUP);
                    record = igmp.nextRecordOffset(record);
                }
            }
            lan.stacks[0].syncCounters();
            assertEquals(1, lan.stacks[0].counters().igmp().get(IgmpCounter.RX_V3_QUERIES).get());
        }
    }

    @Test
    void shouldAnswerAnIgmpV2GroupQueryWithAV2ReportToTheGroup()
    {
        try (Lan lan = new Lan(counters, 1))
        {
            receiver(lan.stacks[0], GROUP);
            lan.run(3 * SECOND, MS);
            lan.takeCaptured();
            lan.inject(query(GROUP, 10, false)); // IGMPv2 group-specific, 1 s
            final List<Seen> answers = new ArrayList<>();
            assertTrue(lan.runUntil(() ->
            {
                answers.addAll(igmpFrames(lan.takeCaptured()));
                return !answers.isEmpty();
            }, SECOND + 2 * MS), "answered within 1 s");
            assertEquals(IgmpVersion.V2, lan.stacks[0].igmp().compatibilityMode());
            assertEquals(IgmpFlyweight.TYPE_V2_REPORT, answers.get(0).igmp().type());
            assertEquals(GROUP, answers.get(0).dst());
            assertEquals(Ipv4Address.multicastMac(GROUP), answers.get(0).dstMac());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Drops
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldCountDatagramsToGroupsNotJoinedAsDrops()
    {
        try (Lan lan = new Lan(counters, 1))
        {
            final Stack stack = lan.stacks[0];
            final UdpSocket joined = receiver(stack, GROUP);
            final UdpSocket other = receiver(stack, 0);
            lan.drain();
            final byte[] data = new byte[10];
            lan.inject(udpFromTap(OTHER_GROUP, Ipv4Address.multicastMac(OTHER_GROUP), PORT, data));
            lan.inject(udpFromTap(GROUP_SAME_MAC, Ipv4Address.multicastMac(GROUP_SAME_MAC), PORT, data));
            lan.inject(udpFromTap(GROUP, Ipv4Address.multicastMac(GROUP), PORT + 1, data));
            lan.inject(udpFromTap(GROUP, Ipv4Address.multicastMac(GROUP), PORT, data));
            lan.drain();
            assertEquals(Ipv4Address.multicastMac(GROUP), Ipv4Address.multicastMac(GROUP_SAME_MAC));
            assertEquals(1, count(stack, LinkCounter.MULTICAST_NOT_JOINED), "MAC of no joined group");
            assertEquals(1, stack.counters().ip().get(Ipv4Counter.IN_MCAST_NOT_JOINED).get(),
                "a group sharing the MAC of a joined one, filtered by IPv4");
            assertEquals(1, stack.counters().udp().get(UdpCounter.IGNORED_MULTI).get(), "joined group, no port");
            assertEquals(1, joined.pendingDatagrams());
            assertEquals(0, other.pendingDatagrams());
            assertEquals(0, stack.counters().udp().get(UdpCounter.NO_PORTS).get(), "never port unreachable");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // API
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldRejectBadGroupCallsClearly()
    {
        try (Lan lan = new Lan(counters, 1))
        {
            final Stack stack = lan.stacks[0];
            final UdpSocket socket = stack.openUdpSocket().bind(PORT);
            final IllegalArgumentException unicast = assertThrows(IllegalArgumentException.class,
                () -> socket.joinGroup(Frames.IP_B));
            assertEquals("10.0.0.2 is not a multicast group address (224.0.0.0/4)", unicast.getMessage());
            assertThrows(IllegalArgumentException.class, () -> socket.leaveGroup(Ipv4Address.LIMITED_BROADCAST));
            final IllegalStateException notJoined = assertThrows(IllegalStateException.class,
                () -> socket.leaveGroup(GROUP));
            assertEquals("UDP socket has not joined 239.1.2.3 (EADDRNOTAVAIL)", notJoined.getMessage());
            socket.joinGroup(GROUP);
            final IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> socket.joinGroup(GROUP));
            assertEquals("UDP socket already joined 239.1.2.3 (EADDRINUSE)", twice.getMessage());
            for (int i = 1; i < UdpSocket.MAX_GROUPS; i++)
            {
                socket.joinGroup(GROUP + i);
            }
            final IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> socket.joinGroup(OTHER_GROUP));
            assertTrue(full.getMessage().contains("20 groups already"), full.getMessage());
            assertEquals(UdpSocket.MAX_GROUPS, stack.igmp().memberCount());
            socket.close();
            assertEquals(0, stack.igmp().memberCount(), "closing left every group");
            assertFalse(stack.link().acceptsMulticastMac(Ipv4Address.multicastMac(GROUP)));
            assertTrue(stack.link().acceptsMulticastMac(Ipv4Address.multicastMac(Igmp.ALL_SYSTEMS)));
            assertThrows(IllegalStateException.class, () -> socket.joinGroup(GROUP));
            assertThrows(IllegalStateException.class, () -> socket.leaveGroup(GROUP));
        }
    }

    @Test
    void shouldRefuseJoinsBeyondTheStacksGroupTable()
    {
        try (Lan lan = new Lan(counters, 1, MemoryWireConfig.DEFAULT, c -> c.igmp(IgmpVersion.V3, 2, 2)))
        {
            final Stack stack = lan.stacks[0];
            final UdpSocket socket = stack.openUdpSocket().bind(PORT).joinGroup(GROUP).joinGroup(GROUP + 1);
            final IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> socket.joinGroup(GROUP + 2));
            assertTrue(full.getMessage().contains("group table is full (2 groups"), full.getMessage());
            assertFalse(socket.isMemberOf(GROUP + 2));
            assertFalse(stack.link().acceptsMulticastMac(Ipv4Address.multicastMac(GROUP + 2)));
        }
    }

    @Test
    void shouldSendWithTheSocketsMulticastTtl()
    {
        try (Lan lan = new Lan(counters, 1))
        {
            final UdpSocket out = lan.stacks[0].openUdpSocket().multicastTtl(5);
            assertTrue(out.send(new byte[4], 0, 4, GROUP, PORT));
            lan.drain();
            final List<Seen> sent = udpFrames(lan.takeCaptured());
            assertEquals(1, sent.size());
            assertEquals(5, sent.get(0).ttl());
            assertEquals(Ipv4Address.multicastMac(GROUP), sent.get(0).dstMac());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Broadcast
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldNeedTheBroadcastOptionAndReachEverySocketBoundToThePort()
    {
        try (Lan lan = new Lan(counters, 3))
        {
            final UdpSocket out = lan.stacks[0].openUdpSocket().bind(4000);
            final UdpSocket b1 = receiver(lan.stacks[1], 0);
            final UdpSocket b2 = receiver(lan.stacks[1], 0);
            final UdpSocket bOtherPort = lan.stacks[1].openUdpSocket().bind(PORT + 1);
            final UdpSocket c = lan.stacks[2].openUdpSocket().bind(Ipv4Address.LIMITED_BROADCAST, PORT);
            final byte[] data = new byte[20];
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> out.send(data, 0, data.length, Ipv4Address.LIMITED_BROADCAST, PORT));
            assertTrue(refused.getMessage().contains("broadcast(true)"), refused.getMessage());
            assertThrows(IllegalStateException.class,
                () -> out.send(data, 0, data.length, Frames.SUBNET_BROADCAST, PORT));
            lan.drain();
            assertTrue(udpFrames(lan.takeCaptured()).isEmpty(), "nothing sent without the option");

            out.broadcast(true);
            assertTrue(out.send(data, 0, data.length, Ipv4Address.LIMITED_BROADCAST, PORT));
            lan.drain();
            assertEquals(1, take(b1));
            assertEquals(1, take(b2));
            assertEquals(1, take(c), "bound to 255.255.255.255");
            assertEquals(0, take(bOtherPort));
            final List<Seen> sent = udpFrames(lan.takeCaptured());
            assertEquals(1, sent.size());
            assertEquals(EthernetFlyweight.BROADCAST, sent.get(0).dstMac());

            assertTrue(out.send(data, 0, data.length, Frames.SUBNET_BROADCAST, PORT));
            lan.drain();
            assertEquals(1, take(b1));
            assertEquals(1, take(b2));
            assertEquals(0, take(c), "bound to the limited broadcast address only");

            // unicast to a shared port goes to one socket only: the one bound last
            assertTrue(out.send(data, 0, data.length, Lan.ip(1), PORT));
            lan.drain();
            assertEquals(0, take(b1));
            assertEquals(1, take(b2));
        }
    }
}
