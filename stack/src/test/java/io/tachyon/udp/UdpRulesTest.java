package io.tachyon.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.stack.Frames;
import io.tachyon.stack.Harness;
import io.tachyon.stack.StackCounter;
import io.tachyon.wire.Malformed;

/** UDP demultiplexing, checksums, queues and every bad call. */
class UdpRulesTest
{
    @TempDir
    Path counters;

    private static long count(final Harness h, final UdpCounter counter)
    {
        return h.stack.counters().udp().get(counter).get();
    }

    /** Records which socket got what. */
    static final class Record implements UdpHandler
    {
        final List<String> seen = new ArrayList<>();
        final String name;

        Record(final String name)
        {
            this.name = name;
        }

        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            seen.add(name + ":" + sourcePort + ":" + length);
        }
    }

    @Test
    void shouldPreferAConnectedSocketMatchingThePeerOverABoundOne()
    {
        try (Harness h = new Harness(counters))
        {
            final Record bound = new Record("bound");
            final Record connected = new Record("connected");
            h.stack.openUdpSocket().reuseAddress(true).bind(5000).handler(bound);
            h.stack.openUdpSocket().reuseAddress(true).bind(5000).handler(connected).connect(Frames.IP_B, 7777);
            h.exchange(Frames.udpFrame(7777, 5000, new byte[1]), Frames.udpFrame(7778, 5000, new byte[2]),
                Frames.udpFrame(7777, 5000, new byte[3]));
            assertEquals(List.of("connected:7777:1", "connected:7777:3"), connected.seen);
            assertEquals(List.of("bound:7778:2"), bound.seen);
        }
    }

    @Test
    void shouldMatchTheLocalAddressOfASocketBoundToOne()
    {
        try (Harness h = new Harness(counters))
        {
            final Record specific = new Record("specific");
            final Record any = new Record("any");
            h.stack.openUdpSocket().bind(Frames.IP_A, 5000).handler(specific);
            h.stack.openUdpSocket().bind(5001).handler(any);
            h.exchange(Frames.udpFrame(1, 5000, new byte[1]),
                Frames.ip().dstMac(Frames.BROADCAST_MAC).dst(0xFFFF_FFFF)
                    .payload(Frames.udp(Frames.IP_B, 0xFFFF_FFFF, 1, 5000, new byte[2])).frame(),
                Frames.ip().dstMac(Frames.BROADCAST_MAC).dst(0xFFFF_FFFF)
                    .payload(Frames.udp(Frames.IP_B, 0xFFFF_FFFF, 1, 5001, new byte[3])).frame());
            assertEquals(List.of("specific:1:1"), specific.seen, "a socket bound to our address misses broadcasts");
            assertEquals(List.of("any:1:3"), any.seen);
            assertEquals(1, count(h, UdpCounter.IGNORED_MULTI));
        }
    }

    @Test
    void shouldDeliverBroadcastsToEverySocketSharingThePort()
    {
        try (Harness h = new Harness(counters))
        {
            final Record one = new Record("one");
            final Record two = new Record("two");
            h.stack.openUdpSocket().reuseAddress(true).bind(5000).handler(one);
            h.stack.openUdpSocket().reuseAddress(true).bind(5000).handler(two);
            h.exchange(Frames.ip().dstMac(Frames.BROADCAST_MAC).dst(Frames.SUBNET_BROADCAST)
                .payload(Frames.udp(Frames.IP_B, Frames.SUBNET_BROADCAST, 1, 5000, new byte[2])).frame());
            assertEquals(List.of("one:1:2"), one.seen);
            assertEquals(List.of("two:1:2"), two.seen);
            assertEquals(1, count(h, UdpCounter.IN_DATAGRAMS));
        }
    }

    @Test
    void shouldAcceptAZeroChecksumAndDropABadOne()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(5000);
            final byte[] zero = Frames.udp(Frames.IP_B, Frames.IP_A, 1, 5000, new byte[5]);
            zero[6] = 0;
            zero[7] = 0;
            final byte[] bad = Frames.udp(Frames.IP_B, Frames.IP_A, 1, 5000, new byte[5]);
            bad[8] ^= 0x40;
            final byte[] lying = Frames.udp(Frames.IP_B, Frames.IP_A, 1, 5000, new byte[5]);
            lying[5] = 100;
            h.exchange(Frames.ip().payload(zero).frame(), Frames.ip().payload(bad).frame(),
                Frames.ip().payload(lying).frame());
            assertEquals(1, socket.pendingDatagrams());
            assertEquals(1, count(h, UdpCounter.IN_CSUM_ERRORS));
            assertEquals(2, count(h, UdpCounter.IN_ERRORS));
            assertEquals(1, h.stack.counters().malformed().get(Malformed.UDP_LENGTH_EXCEEDS_PAYLOAD).get());
        }
    }

    @Test
    void shouldDropAndCountWhenTheReceiveQueueIsFull()
    {
        try (Harness h = new Harness(counters, c -> c.udpReceiveQueue(3, 2048)))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(5000);
            for (int i = 0; i < 5; i++)
            {
                h.inject(Frames.udpFrame(1, 5000, new byte[100]));
            }
            h.exchange(Frames.udpFrame(1, 5000, new byte[1500 - 28]));
            assertEquals(3, socket.pendingDatagrams());
            assertEquals(3, count(h, UdpCounter.RCVBUF_ERRORS));
            final byte[] into = new byte[2000];
            for (int i = 0; i < 3; i++)
            {
                assertEquals(100, socket.receive(into, 0, into.length));
            }
            h.exchange(Frames.udpFrame(1, 5000, new byte[1500 - 28]), Frames.udpFrame(1, 5000, new byte[7]));
            assertEquals(1472, socket.receive(ByteBuffer.allocate(10)), "cut to the buffer, full length returned");
            assertEquals(7, socket.receive(into, 0, into.length));
            assertEquals(UdpSocket.NOTHING, socket.receive(into, 0, into.length));
        }
    }

    @Test
    void shouldWrapTheReceiveRingAroundItsEnd()
    {
        try (Harness h = new Harness(counters, c -> c.udpReceiveQueue(100, 4096)))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(5000);
            final byte[] into = new byte[2000];
            for (int round = 0; round < 50; round++)
            {
                final int length = 300 + round * 37 % 900;
                h.exchange(Frames.udpFrame(1, 5000, Frames.pattern(length, round)),
                    Frames.udpFrame(2, 5000, Frames.pattern(length / 2, round + 1)));
                assertEquals(length, socket.receive(into, 0, into.length));
                assertEquals(Frames.pattern(length, round)[length - 1], into[length - 1]);
                assertEquals(length / 2, socket.receive(into, 0, into.length));
                assertEquals(2, socket.lastSourcePort());
                assertEquals(Frames.pattern(length / 2, round + 1)[0], into[0]);
            }
            assertEquals(0, count(h, UdpCounter.RCVBUF_ERRORS));
        }
    }

    @Test
    void shouldRejectBadCallsWithClearMessages()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(5000);
            assertEquals("UDP socket is already bound to 0.0.0.0:5000",
                assertThrows(IllegalStateException.class, () -> socket.bind(5001)).getMessage());
            assertEquals("port -1 is not in [0, 65535]", assertThrows(IllegalArgumentException.class,
                () -> h.stack.openUdpSocket().bind(-1)).getMessage());
            assertTrue(assertThrows(IllegalStateException.class, () -> h.stack.openUdpSocket().bind(5000))
                .getMessage().contains("EADDRINUSE"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                () -> h.stack.openUdpSocket().bind(Frames.IP_B, 1)).getMessage().contains("EADDRNOTAVAIL"));
            assertEquals("UDP payload of 65508 bytes is not in [0, 65507] (65535 minus the 20-byte IPv4 and 8-byte"
                + " UDP headers)", assertThrows(IllegalArgumentException.class,
                    () -> socket.send(new byte[65508], 0, 65508, Frames.IP_B, 9)).getMessage());
            assertEquals("destination port 0 is not in [1, 65535]", assertThrows(IllegalArgumentException.class,
                () -> socket.send(new byte[1], 0, 1, Frames.IP_B, 0)).getMessage());
            assertTrue(assertThrows(IllegalStateException.class,
                () -> socket.send(new byte[1], 0, 1, Frames.SUBNET_BROADCAST, 9)).getMessage()
                .contains("broadcast(true)"));
            assertEquals("UDP socket is not connected: give a destination address and port",
                assertThrows(IllegalStateException.class, () -> socket.send(new byte[1], 0, 1)).getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> socket.send(new byte[1], 0, 2, Frames.IP_B, 9));
            assertThrows(IllegalStateException.class, () -> socket.reuseAddress(true));
            socket.close();
            socket.close();
            assertEquals("UDP socket is closed", assertThrows(IllegalStateException.class,
                () -> socket.send(new byte[1], 0, 1, Frames.IP_B, 9)).getMessage());
            assertThrows(IllegalStateException.class, () -> socket.receive(new byte[1], 0, 1));
            h.stack.openUdpSocket().bind(5000).close();
            assertEquals(List.of(), h.exchange(), "nothing was sent by the failed calls");
        }
    }

    @Test
    void shouldAllocateEphemeralPortsFromTheRangeAndFailWhenItIsExhausted()
    {
        try (Harness h = new Harness(counters, c -> c.ephemeralPorts(50000, 50002)))
        {
            final List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                ports.add(h.stack.openUdpSocket().bind(0).localPort());
            }
            ports.sort(null);
            assertEquals(List.of(50000, 50001, 50002), ports);
            assertTrue(assertThrows(IllegalStateException.class, () -> h.stack.openUdpSocket().bind(0)).getMessage()
                .contains("no free ephemeral port in [50000, 50002]"));
        }
    }

    @Test
    void shouldLimitTheNumberOfOpenSockets()
    {
        try (Harness h = new Harness(counters, c -> c.udpSocketLimit(2)))
        {
            final UdpSocket first = h.stack.openUdpSocket();
            h.stack.openUdpSocket();
            assertTrue(assertThrows(IllegalStateException.class, h.stack::openUdpSocket).getMessage()
                .contains("limit (udpSocketLimit) is 2"));
            first.close();
            h.stack.openUdpSocket();
        }
    }

    @Test
    void shouldCountHandlerExceptionsAndCarryOn()
    {
        try (Harness h = new Harness(counters))
        {
            h.stack.openUdpSocket().bind(5000).handler((s, seg, o, l, a, p) ->
            {
                throw new IllegalStateException("application bug");
            });
            h.exchange(Frames.udpFrame(1, 5000, new byte[1]), Frames.udpFrame(1, 5000, new byte[1]));
            assertEquals(2, count(h, UdpCounter.HANDLER_ERRORS));
            assertEquals(0, h.stack.counters().stack().get(StackCounter.ERRORS).get());
        }
    }
}
