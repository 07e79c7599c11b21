package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.driver.memory.FaultProfile;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.ipv4.Ipv4;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.udp.Udp;
import io.tachyon.udp.UdpHandler;
import io.tachyon.udp.UdpSocket;

/** 64 KiB datagrams through fragmentation and reassembly, on a clean and on a reordering, duplicating wire. */
class StackFragmentationTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path counters;

    /** Echoes every datagram back. */
    static final class Echo implements UdpHandler
    {
        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            socket.send(segment, offset, length, sourceAddress, sourcePort);
        }
    }

    /** Keeps every datagram, keyed by the sequence number in its first 4 bytes. */
    static final class Collect implements UdpHandler
    {
        final Map<Integer, byte[]> bySequence = new HashMap<>();
        final List<Integer> order = new ArrayList<>();

        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            final byte[] bytes = segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
            final int sequence = MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
            order.add(sequence);
            bySequence.put(sequence, bytes);
        }
    }

    static byte[] datagram(final int sequence, final int length)
    {
        final byte[] bytes = Frames.pattern(length, sequence);
        MemorySegment.ofArray(bytes).set(ValueLayout.JAVA_INT_UNALIGNED, 0, sequence);
        return bytes;
    }

    private static void echoLargest(final StackPair pair, final int count)
    {
        pair.b.openUdpSocket().bind(7).handler(new Echo());
        final Collect collect = new Collect();
        final UdpSocket client = pair.a.openUdpSocket().bind(5555).handler(collect);
        // resolve ARP first (ARP queues only a few frames per neighbour)
        assertTrue(client.send(datagram(-1, 4), 0, 4, Frames.IP_B, 7));
        assertTrue(pair.runUntil(() -> collect.order.size() == 1, SECOND));
        for (int i = 0; i < count; i++)
        {
            assertTrue(client.send(datagram(i, Udp.MAX_PAYLOAD), 0, Udp.MAX_PAYLOAD, Frames.IP_B, 7), "send " + i);
            final int expected = i + 2;
            assertTrue(pair.runUntil(() -> collect.order.size() >= expected, 2 * SECOND), "echo " + i);
        }
        pair.run(SECOND / 10);
        assertEquals(count + 1, collect.order.size(), "each datagram delivered exactly once: " + collect.order);
        for (int i = 0; i < count; i++)
        {
            assertArrayEquals(datagram(i, Udp.MAX_PAYLOAD), collect.bySequence.get(i), "datagram " + i);
        }
        final long fragments = pair.a.counters().ip().get(Ipv4Counter.FRAG_CREATES).get();
        assertEquals(45L * count, fragments, "65535-byte datagrams in 1500-byte fragments");
        assertEquals(count, pair.b.counters().ip().get(Ipv4Counter.REASM_OKS).get());
        assertEquals(count, pair.a.counters().ip().get(Ipv4Counter.REASM_OKS).get());
        assertEquals(0, pair.a.counters().stack().get(StackCounter.ERRORS).get());
        assertEquals(0, pair.b.counters().stack().get(StackCounter.ERRORS).get());
    }

    @Test
    void shouldCarry65507ByteDatagramsThroughFragmentationAndReassembly()
    {
        try (StackPair pair = new StackPair(counters))
        {
            echoLargest(pair, 4);
        }
    }

    @Test
    void shouldDeliverLargestDatagramsExactlyOnceOverAReorderingDuplicatingWire()
    {
        final FaultProfile faults = FaultProfile.NONE.withDuplication(0.2).withReordering(0.3, 300_000L)
            .withDelay(20_000L, 50_000L);
        final MemoryWireConfig config = MemoryWireConfig.DEFAULT.withFaults(faults).withSeed(20261122L);
        try (StackPair pair = new StackPair(counters, config))
        {
            echoLargest(pair, 6);
            assertTrue(pair.wire.aToB().duplicated() > 0 && pair.wire.aToB().reordered() > 0,
                "the wire really duplicated and reordered");
            assertTrue(pair.b.reassembly().duplicates() > 0, "duplicate fragments were seen and ignored");
        }
    }

    @Test
    void shouldAnswerAPingOf65000BytesWithFragmentedReply()
    {
        try (StackPair pair = new StackPair(counters))
        {
            final StackPingTest.Replies replies = new StackPingTest.Replies();
            pair.a.icmp().echoListener(replies);
            final byte[] data = Frames.pattern(65000, 3);
            pair.a.icmp().ping(Frames.IP_B, 9, 0, MemorySegment.ofArray(new byte[0]), 0, 0, pair.clock.nanoTime());
            assertTrue(pair.runUntil(() -> replies.headers.size() == 1, SECOND));
            assertEquals(Ipv4.OK, pair.a.icmp().ping(Frames.IP_B, 9, 1, MemorySegment.ofArray(data), 0, data.length,
                pair.clock.nanoTime()));
            assertTrue(pair.runUntil(() -> replies.headers.size() == 2, SECOND));
            assertArrayEquals(new int[] {Frames.IP_B, 9, 1}, replies.headers.get(1));
            assertArrayEquals(data, replies.data.get(1));
        }
    }
}
