package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.icmp.IcmpCounter;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpError;
import io.tachyon.udp.UdpSocket;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.IcmpFlyweight;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

/** ICMP errors reaching the socket that caused them, and fragmentation needed lowering the path MTU. */
class StackIcmpErrorTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path counters;

    @Test
    void shouldDeliverPortUnreachableAsAnErrorToTheSendingSocket()
    {
        try (StackPair pair = new StackPair(counters))
        {
            final UdpSocket socket = pair.a.openUdpSocket().bind(4000);
            final UdpSocket other = pair.a.openUdpSocket().bind(4001);
            assertTrue(socket.send(new byte[20], 0, 20, Frames.IP_B, 9));
            assertTrue(pair.runUntil(() -> socket.pendingErrors() == 1, SECOND));
            final UdpError error = new UdpError();
            assertTrue(socket.pollError(error));
            assertEquals(UdpError.ORIGIN_ICMP, error.origin());
            assertEquals(3, error.type());
            assertEquals(3, error.code());
            assertEquals(Frames.IP_B, error.destinationAddress());
            assertEquals(9, error.destinationPort());
            assertFalse(socket.pollError(error));
            assertEquals(0, other.pendingErrors());
            assertEquals(1, pair.b.counters().udp().get(UdpCounter.NO_PORTS).get());
            assertEquals(1, pair.b.counters().icmp().get(IcmpCounter.OUT_DEST_UNREACHS).get());
            assertEquals(1, pair.a.counters().icmp().get(IcmpCounter.IN_ERRORS_DELIVERED).get());
        }
    }

    @Test
    void shouldCallTheErrorHandlerInsteadOfQueueingWhenOneIsSet()
    {
        try (StackPair pair = new StackPair(counters))
        {
            final int[] seen = new int[3];
            final UdpSocket socket = pair.a.openUdpSocket().errorHandler((s, e) ->
            {
                seen[0]++;
                seen[1] = e.code();
                seen[2] = e.destinationPort();
            });
            socket.connect(Frames.IP_B, 12345);
            assertTrue(socket.send(new byte[1], 0, 1));
            assertTrue(pair.runUntil(() -> seen[0] == 1, SECOND));
            assertEquals(3, seen[1]);
            assertEquals(12345, seen[2]);
            assertEquals(0, socket.pendingErrors());
        }
    }

    @Test
    void shouldLowerThePathMtuOnFragmentationNeededAndFragmentTheNextSend()
    {
        try (Harness h = new Harness(counters, c -> c.gateway(Frames.IP_GW).staticArp(Frames.IP_GW, Frames.MAC_GW)))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(6000);
            assertTrue(socket.send(new byte[1400], 0, 1400, Frames.IP_FAR, 53));
            final List<byte[]> first = h.exchange();
            assertEquals(1, first.size());
            final byte[] sent = first.get(0);
            final FrameDissector dissector = new FrameDissector();
            assertEquals(Malformed.OK, dissector.dissectEthernet(MemorySegment.ofArray(sent), 0, sent.length));
            assertEquals(Frames.MAC_GW, dissector.ethernet().destination(), "off-link: to the gateway");
            assertTrue(dissector.ipv4().dontFragment(), "DF set on a datagram that fits (PMTU discovery)");
            assertEquals(1428, dissector.ipv4().totalLength());

            // the router answers: fragmentation needed, next-hop MTU 1000, quoting our header and 8 bytes
            final byte[] quote = Frames.slice(sent, 14, 14 + 28);
            final byte[] icmp = Frames.icmp(IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE,
                IcmpFlyweight.CODE_FRAGMENTATION_NEEDED, 1000, quote);
            h.inject(Frames.ip().srcMac(Frames.MAC_GW).src(Frames.IP_GW).protocol(1).payload(icmp).frame());
            h.exchange();
            assertEquals(1000, h.stack.ipv4().pathMtuCache().mtu(Frames.IP_FAR, 1500, h.clock.nanoTime()));
            assertEquals(1, h.stack.counters().ip().get(Ipv4Counter.PMTU_UPDATES).get());
            final UdpError error = new UdpError();
            assertTrue(socket.pollError(error));
            assertEquals(4, error.code());
            assertEquals(1000, error.mtu());

            assertTrue(socket.send(new byte[1400], 0, 1400, Frames.IP_FAR, 53));
            final List<byte[]> fragments = h.exchange();
            assertEquals(2, fragments.size(), "the next send is fragmented to the new path MTU");
            int payload = 0;
            for (final byte[] f : fragments)
            {
                assertEquals(Malformed.OK, dissector.dissectEthernet(MemorySegment.ofArray(f), 0, f.length));
                final Ipv4Flyweight ip = dissector.ipv4();
                assertTrue(ip.totalLength() <= 1000, "fragment of " + ip.totalLength());
                assertFalse(ip.dontFragment());
                payload += ip.payloadLength();
            }
            assertEquals(1408, payload);
            // other destinations keep the link MTU
            assertEquals(1500, h.stack.ipv4().pathMtuCache().mtu(Frames.IP_B, 1500, h.clock.nanoTime()));
            // the estimate expires after 10 minutes (RFC 1191)
            h.clock.advance(600 * SECOND);
            assertEquals(1500, h.stack.ipv4().pathMtuCache().mtu(Frames.IP_FAR, 1500, h.clock.nanoTime()));
        }
    }

    @Test
    void shouldIgnoreFragmentationNeededThatWouldRaiseTheEstimateOrQuotesSomeoneElse()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(6000);
            assertTrue(socket.send(new byte[1400], 0, 1400, Frames.IP_B, 53));
            final byte[] sent = h.exchange().get(0);
            final byte[] quote = Frames.slice(sent, 14, 14 + 28);
            h.inject(Frames.ip().protocol(1).payload(Frames.icmp(3, 4, 1200, quote)).frame());
            h.exchange();
            assertEquals(1200, h.stack.ipv4().pathMtuCache().mtu(Frames.IP_B, 1500, h.clock.nanoTime()));
            h.inject(Frames.ip().protocol(1).payload(Frames.icmp(3, 4, 1400, quote)).frame());
            h.exchange();
            assertEquals(1200, h.stack.ipv4().pathMtuCache().mtu(Frames.IP_B, 1500, h.clock.nanoTime()),
                "never raised by a message");
            assertEquals(1, h.stack.counters().ip().get(Ipv4Counter.PMTU_IGNORED).get());
            // a next-hop MTU of 0 (pre-RFC 1191 router): the plateau below the quoted length (1428 -> 1006)
            h.inject(Frames.ip().protocol(1).payload(Frames.icmp(3, 4, 0, quote)).frame());
            h.exchange();
            assertEquals(1006, h.stack.ipv4().pathMtuCache().mtu(Frames.IP_B, 1500, h.clock.nanoTime()));
            // a quote whose source is not us is not ours
            final byte[] foreign = quote.clone();
            foreign[12] = 10;
            foreign[13] = 0;
            foreign[14] = 0;
            foreign[15] = 99;
            h.inject(Frames.ip().protocol(1).payload(Frames.icmp(3, 4, 600, foreign)).frame());
            h.exchange();
            assertEquals(1006, h.stack.ipv4().pathMtuCache().mtu(Frames.IP_B, 1500, h.clock.nanoTime()));
            assertEquals(1, h.stack.counters().icmp().get(IcmpCounter.IN_ERRORS_UNMATCHED).get());
        }
    }
}
