package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tachyon.arp.ArpCounter;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpHandler;
import io.tachyon.udp.UdpSocket;

/** UDP between two stacks over a MemoryWire. */
class StackUdpTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path counters;

    /** Echoes every datagram back to its sender. */
    static final class Echo implements UdpHandler
    {
        int echoed;

        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            if (socket.send(segment, offset, length, sourceAddress, sourcePort))
            {
                echoed++;
            }
        }
    }

    /** Keeps copies of what arrives. */
    static final class Collect implements UdpHandler
    {
        final List<byte[]> payloads = new ArrayList<>();
        final List<int[]> sources = new ArrayList<>();

        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            payloads.add(segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
            sources.add(new int[] {sourceAddress, sourcePort});
        }
    }

    @Test
    void shouldEchoDatagramsBothWaysResolvingArpFirst()
    {
        try (StackPair pair = new StackPair(counters))
        {
            final UdpSocket echoB = pair.b.openUdpSocket().bind(7).handler(new Echo());
            final UdpSocket echoA = pair.a.openUdpSocket().bind(7).handler(new Echo());
            final Collect atA = new Collect();
            final Collect atB = new Collect();
            final UdpSocket clientA = pair.a.openUdpSocket().bind(40000).handler(atA);
            final UdpSocket clientB = pair.b.openUdpSocket().bind(40001).handler(atB);

            // Three datagrams before ARP has resolved: they wait in ARP's queue and are delivered in order.
            for (int i = 0; i < 3; i++)
            {
                assertTrue(clientA.send(Frames.pattern(100 + i, i), 0, 100 + i, Frames.IP_B, 7));
            }
            assertEquals(3, pair.a.arp().pendingCount(Frames.IP_B));
            assertTrue(pair.runUntil(() -> atA.payloads.size() == 3, SECOND));
            for (int i = 0; i < 3; i++)
            {
                assertArrayEquals(Frames.pattern(100 + i, i), atA.payloads.get(i));
                assertArrayEquals(new int[] {Frames.IP_B, 7}, atA.sources.get(i));
            }
            pair.a.syncCounters();
            assertEquals(3, pair.a.counters().arp().get(ArpCounter.PENDING_FLUSHED).get());

            assertTrue(clientB.send(Frames.pattern(1472, 9), 0, 1472, Frames.IP_A, 7));
            assertTrue(pair.runUntil(() -> atB.payloads.size() == 1, SECOND));
            assertArrayEquals(Frames.pattern(1472, 9), atB.payloads.get(0));
            assertArrayEquals(new int[] {Frames.IP_A, 7}, atB.sources.get(0));

            assertEquals(4, pair.a.counters().udp().get(UdpCounter.OUT_DATAGRAMS).get());
            assertEquals(4, pair.a.counters().udp().get(UdpCounter.IN_DATAGRAMS).get());
            assertEquals(0, pair.a.counters().udp().get(UdpCounter.IN_CSUM_ERRORS).get());
            echoA.close();
            echoB.close();
        }
    }

    @Test
    void shouldQueueDatagramsAndReceiveIntoEveryBufferType()
    {
        try (StackPair pair = new StackPair(counters))
        {
            final UdpSocket server = pair.b.openUdpSocket().bind(9000);
            final UdpSocket client = pair.a.openUdpSocket();
            final byte[] one = Frames.pattern(10, 1);
            final byte[] two = Frames.pattern(2000, 2);
            final byte[] three = Frames.pattern(333, 3);
            final byte[] four = Frames.pattern(64, 4);
            final byte[] five = Frames.pattern(0, 5);
            assertTrue(client.send(one, 0, one.length, Frames.IP_B, 9000));
            // ARP keeps at most 3 datagrams per unresolved neighbour: let it resolve before the burst.
            assertTrue(pair.runUntil(() -> server.pendingDatagrams() == 1, SECOND));
            assertTrue(client.send(MemorySegment.ofArray(two), 0, two.length, Frames.IP_B, 9000));
            final ByteBuffer direct = ByteBuffer.allocateDirect(500);
            direct.put(three).flip();
            assertTrue(client.send(direct, Frames.IP_B, 9000));
            assertEquals(direct.limit(), direct.position());
            final ByteBuf heap = Unpooled.wrappedBuffer(four);
            assertTrue(client.send(heap, Frames.IP_B, 9000));
            assertEquals(0, heap.readableBytes());
            final ByteBuf directBuf = Unpooled.directBuffer(16);
            assertTrue(client.send(directBuf, Frames.IP_B, 9000));
            assertTrue(pair.runUntil(() -> server.pendingDatagrams() == 5, SECOND));

            final byte[] into = new byte[16];
            assertEquals(10, server.receive(into, 0, into.length));
            assertArrayEquals(one, Arrays.copyOf(into, 10));
            assertEquals(Frames.IP_A, server.lastSourceAddress());
            assertEquals(client.localPort(), server.lastSourcePort());
            assertTrue(client.localPort() >= StackConfig.DEFAULT_EPHEMERAL_LOW
                && client.localPort() <= StackConfig.DEFAULT_EPHEMERAL_HIGH);

            final ByteBuffer target = ByteBuffer.allocateDirect(4096);
            assertEquals(2000, server.receive(target));
            target.flip();
            final byte[] got = new byte[target.remaining()];
            target.get(got);
            assertArrayEquals(two, got);

            final ByteBuf nettyTarget = Unpooled.directBuffer(1000);
            assertEquals(333, server.receive(nettyTarget));
            final byte[] got3 = new byte[nettyTarget.readableBytes()];
            nettyTarget.readBytes(got3);
            assertArrayEquals(three, got3);

            final MemorySegment segmentTarget = MemorySegment.ofArray(new byte[100]);
            assertEquals(64, server.receive(segmentTarget, 0, 100));
            assertArrayEquals(four, segmentTarget.asSlice(0, 64).toArray(ValueLayout.JAVA_BYTE));

            assertEquals(0, server.receive(ByteBuffer.allocate(8)));
            assertEquals(UdpSocket.NOTHING, server.receive(into, 0, into.length));
        }
    }
}
