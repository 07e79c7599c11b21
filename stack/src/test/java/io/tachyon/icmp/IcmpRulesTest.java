package io.tachyon.icmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.stack.DelegatingDriver;
import io.tachyon.stack.Frames;
import io.tachyon.stack.Harness;
import io.tachyon.udp.UdpCounter;
import io.tachyon.wire.ChecksumVerdict;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.IcmpFlyweight;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

/** Every ICMP rule, with exact frames in and out. */
class IcmpRulesTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path counters;

    private final FrameDissector dissector = new FrameDissector();

    private FrameDissector dissect(final byte[] frame)
    {
        assertEquals(Malformed.OK, dissector.dissectEthernet(MemorySegment.ofArray(frame), 0, frame.length));
        assertEquals(ChecksumVerdict.GOOD, dissector.ipv4Checksum());
        return dissector;
    }

    private static long count(final Harness h, final IcmpCounter counter)
    {
        return h.stack.counters().icmp().get(counter).get();
    }

    private void assertEchoReply(final byte[] frame, final int id, final int seq, final byte[] data)
    {
        final FrameDissector d = dissect(frame);
        assertEquals(Frames.MAC_B, d.ethernet().destination());
        assertEquals(Frames.MAC_A, d.ethernet().source());
        final Ipv4Flyweight ip = d.ipv4();
        assertEquals(Frames.IP_A, ip.source());
        assertEquals(Frames.IP_B, ip.destination());
        assertEquals(64, ip.ttl());
        assertEquals(20, ip.headerLength());
        assertEquals(1, ip.protocol());
        final IcmpFlyweight icmp = d.icmp();
        assertEquals(ChecksumVerdict.GOOD, d.transportChecksum());
        assertEquals(0, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(id, icmp.identifier());
        assertEquals(seq, icmp.sequenceNumber());
        assertArrayEquals(data, Frames.slice(frame, (int)icmp.dataOffset(), (int)icmp.dataOffset() + data.length));
        assertEquals(data.length, ip.totalLength() - 28);
    }

    @Test
    void shouldAnswerAnEchoRequestInPlace()
    {
        try (Harness h = new Harness(counters))
        {
            final byte[] data = Frames.pattern(56, 1);
            final List<byte[]> out = h.exchange(Frames.echoRequest(0x1234, 7, data));
            assertEquals(1, out.size());
            assertEchoReply(out.get(0), 0x1234, 7, data);
            assertEquals(1, count(h, IcmpCounter.OUT_ECHO_REPS_IN_PLACE));
            assertEquals(1, count(h, IcmpCounter.IN_ECHOS));
        }
    }

    @Test
    void shouldAnswerAnAllZeroEchoWithChecksum0xFfffNotZero()
    {
        // RFC 1624's incremental update gives 0x0000 here; the rest of the message sums to +0, so it must be 0xFFFF
        try (Harness h = new Harness(counters))
        {
            final List<byte[]> out = h.exchange(Frames.echoRequest(0, 0, new byte[0]));
            assertEquals(1, out.size());
            assertEchoReply(out.get(0), 0, 0, new byte[0]);
            assertEquals(0xFFFF, dissect(out.get(0)).icmp().checksum());
        }
        try (Harness h = new Harness(counters, MemoryWireConfig.DEFAULT, c -> c,
            DelegatingDriver::withoutTxFromRxFrame))
        {
            final List<byte[]> out = h.exchange(Frames.echoRequest(0, 0, new byte[0]));
            assertEchoReply(out.get(0), 0, 0, new byte[0]);
        }
    }

    @Test
    void shouldCopyTheReplyWhenTheDriverCannotSendFromAnRxFrame()
    {
        try (Harness h = new Harness(counters, MemoryWireConfig.DEFAULT, c -> c,
            DelegatingDriver::withoutTxFromRxFrame))
        {
            final byte[] data = Frames.pattern(100, 2);
            final List<byte[]> out = h.exchange(Frames.echoRequest(1, 2, data));
            assertEquals(1, out.size());
            assertEchoReply(out.get(0), 1, 2, data);
            assertEquals(0, count(h, IcmpCounter.OUT_ECHO_REPS_IN_PLACE));
            assertEquals(1, count(h, IcmpCounter.OUT_ECHO_REPS));
        }
    }

    @Test
    void shouldAnswerAnEchoRequestWithOptionsWithoutThem()
    {
        try (Harness h = new Harness(counters))
        {
            final byte[] data = Frames.pattern(8, 3);
            final byte[] request = Frames.ip().protocol(1).options(new byte[] {1, 1, 1, 0})
                .payload(Frames.icmp(8, 0, 5 << 16 | 6, data)).frame();
            final List<byte[]> out = h.exchange(request);
            assertEquals(1, out.size());
            assertEchoReply(out.get(0), 5, 6, data);
            assertEquals(0, count(h, IcmpCounter.OUT_ECHO_REPS_IN_PLACE));
        }
    }

    @Test
    void shouldIgnoreEchoRequestsToBroadcastByDefault()
    {
        try (Harness h = new Harness(counters))
        {
            final byte[] bcast = Frames.ip().protocol(1).dstMac(Frames.BROADCAST_MAC).dst(0xFFFF_FFFF)
                .payload(Frames.icmp(8, 0, 1, new byte[4])).frame();
            final byte[] subnet = Frames.ip().protocol(1).dstMac(Frames.BROADCAST_MAC).dst(Frames.SUBNET_BROADCAST)
                .payload(Frames.icmp(8, 0, 1, new byte[4])).frame();
            assertEquals(List.of(), h.exchange(bcast, subnet));
            assertEquals(2, count(h, IcmpCounter.IN_ECHO_BCAST_IGNORED));
        }
    }

    @Test
    void shouldAnswerBroadcastEchoFromOurOwnAddressWhenAllowed()
    {
        try (Harness h = new Harness(counters, c -> c.icmpEchoIgnoreBroadcasts(false)))
        {
            final byte[] data = Frames.pattern(4, 4);
            final byte[] bcast = Frames.ip().protocol(1).dstMac(Frames.BROADCAST_MAC).dst(0xFFFF_FFFF)
                .payload(Frames.icmp(8, 0, 9 << 16 | 1, data)).frame();
            final List<byte[]> out = h.exchange(bcast);
            assertEquals(1, out.size());
            assertEchoReply(out.get(0), 9, 1, data);
        }
    }

    @Test
    void shouldDropEchoRequestsWithABadChecksum()
    {
        try (Harness h = new Harness(counters))
        {
            final byte[] icmp = Frames.icmp(8, 0, 1, new byte[8]);
            icmp[2] ^= 1;
            assertEquals(List.of(), h.exchange(Frames.ip().protocol(1).payload(icmp).frame()));
            assertEquals(1, count(h, IcmpCounter.IN_CSUM_ERRORS));
            assertEquals(1, count(h, IcmpCounter.IN_ERRORS));
        }
    }

    @Test
    void shouldSendPortUnreachableQuotingTheDatagram()
    {
        try (Harness h = new Harness(counters))
        {
            final byte[] request = Frames.udpFrame(5353, 9, Frames.pattern(30, 5));
            final List<byte[]> out = h.exchange(request);
            assertEquals(1, out.size());
            final FrameDissector d = dissect(out.get(0));
            assertEquals(Frames.MAC_B, d.ethernet().destination());
            assertEquals(Frames.IP_B, d.ipv4().destination());
            assertEquals(0, d.ipv4().tos(), "RFC 1122 3.2.2: normal TOS");
            assertEquals(ChecksumVerdict.GOOD, d.transportChecksum());
            assertEquals(3, d.icmp().type());
            assertEquals(3, d.icmp().code());
            final int quoted = request.length - 14;
            assertArrayEquals(Frames.slice(request, 14, request.length), Frames.slice(out.get(0),
                (int)d.icmp().dataOffset(), (int)d.icmp().dataOffset() + quoted), "the whole small datagram quoted");
            assertEquals(1, h.stack.counters().udp().get(UdpCounter.NO_PORTS).get());
        }
    }

    @Test
    void shouldQuoteAtMost576BytesOfALargeDatagram()
    {
        try (Harness h = new Harness(counters))
        {
            final List<byte[]> out = h.exchange(Frames.udpFrame(1, 9, Frames.pattern(1400, 6)));
            assertEquals(1, out.size());
            final FrameDissector d = dissect(out.get(0));
            assertEquals(576, d.ipv4().totalLength());
        }
    }

    @Test
    void shouldSendProtocolUnreachableButNotForTcp()
    {
        try (Harness h = new Harness(counters))
        {
            final List<byte[]> out = h.exchange(Frames.ip().protocol(99).payload(new byte[12]).frame());
            assertEquals(1, out.size());
            final FrameDissector d = dissect(out.get(0));
            assertEquals(3, d.icmp().type());
            assertEquals(2, d.icmp().code());
            assertEquals(List.of(), h.exchange(Frames.ip().protocol(6).payload(new byte[20]).frame()),
                "TCP goes to the TCP layer (a segment with port 0 is dropped), never a protocol unreachable");
            assertEquals(1, h.stack.counters().ip().get(Ipv4Counter.IN_UNKNOWN_PROTOS).get());
        }
    }

    @Test
    void shouldNeverSendErrorsAboutBroadcastsMulticastOrSourcesThatAreNotOneHost()
    {
        try (Harness h = new Harness(counters))
        {
            final byte[] toBroadcast = Frames.ip().dstMac(Frames.BROADCAST_MAC).dst(0xFFFF_FFFF)
                .payload(Frames.udp(Frames.IP_B, 0xFFFF_FFFF, 1, 9, new byte[4])).frame();
            final byte[] toSubnet = Frames.ip().dstMac(Frames.BROADCAST_MAC).dst(Frames.SUBNET_BROADCAST)
                .payload(Frames.udp(Frames.IP_B, Frames.SUBNET_BROADCAST, 1, 9, new byte[4])).frame();
            final byte[] protocolToBroadcast = Frames.ip().dstMac(Frames.BROADCAST_MAC).dst(0xFFFF_FFFF)
                .protocol(99).payload(new byte[8]).frame();
            final byte[] fromZero = Frames.ip().src(0).payload(Frames.udp(0, Frames.IP_A, 68, 9, new byte[4]))
                .frame();
            assertEquals(List.of(), h.exchange(toBroadcast, toSubnet, protocolToBroadcast, fromZero));
            assertEquals(2, h.stack.counters().udp().get(UdpCounter.IGNORED_MULTI).get());
            assertEquals(2, count(h, IcmpCounter.OUT_SUPPRESSED), "protocol to broadcast, source 0.0.0.0");
        }
    }

    @Test
    void shouldSendTimeExceededWhenReassemblyTimesOutWithTheFirstFragment()
    {
        try (Harness h = new Harness(counters))
        {
            final byte[] icmp = Frames.icmp(8, 0, 1, Frames.pattern(40, 7));
            final byte[] first = Frames.ip().protocol(1).id(77).fragment(true, 0)
                .payload(Frames.slice(icmp, 0, 24)).frame();
            assertEquals(List.of(), h.exchange(first));
            h.clock.advance(31 * SECOND);
            final List<byte[]> out = h.exchange();
            assertEquals(1, out.size());
            final FrameDissector d = dissect(out.get(0));
            assertEquals(11, d.icmp().type());
            assertEquals(1, d.icmp().code());
            assertEquals(Frames.IP_B, d.ipv4().destination());
            assertArrayEquals(Frames.slice(first, 14, 14 + 28), Frames.slice(out.get(0), (int)d.icmp().dataOffset(),
                (int)d.icmp().dataOffset() + 28), "the first fragment's header and 8 bytes");
            assertEquals(1, count(h, IcmpCounter.OUT_TIME_EXCDS));
        }
    }

    @Test
    void shouldNotReportTimeoutsOfNonFirstFragmentsOrOfIcmpErrors()
    {
        try (Harness h = new Harness(counters))
        {
            final byte[] later = Frames.ip().id(78).fragment(false, 1480).payload(new byte[16]).frame();
            final byte[] error = Frames.icmp(3, 3, 0, new byte[40]);
            final byte[] errorFirst = Frames.ip().protocol(1).id(79).fragment(true, 0)
                .payload(Frames.slice(error, 0, 24)).frame();
            assertEquals(List.of(), h.exchange(later, errorFirst));
            h.clock.advance(31 * SECOND);
            assertEquals(List.of(), h.exchange());
            assertEquals(2, h.stack.reassembly().timeouts());
            assertEquals(1, count(h, IcmpCounter.OUT_SUPPRESSED), "an ICMP error is never answered with one");
        }
    }

    @Test
    void shouldRateLimitErrorsWithATokenBucket()
    {
        try (Harness h = new Harness(counters, c -> c.icmpErrorRate(1, 2)))
        {
            for (int i = 0; i < 5; i++)
            {
                h.inject(Frames.udpFrame(1, 9, new byte[4]));
            }
            assertEquals(2, h.exchange().size());
            assertEquals(3, count(h, IcmpCounter.OUT_RATE_LIMITED));
            h.clock.advance(SECOND);
            assertEquals(1, h.exchange(Frames.udpFrame(1, 9, new byte[4]), Frames.udpFrame(1, 9, new byte[4])).size());
            assertEquals(4, count(h, IcmpCounter.OUT_RATE_LIMITED));
            assertTrue(count(h, IcmpCounter.OUT_DEST_UNREACHS) == 3);
        }
    }
}
