package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.testing.Allocations;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpHandler;
import io.tachyon.udp.UdpSocket;
import io.tachyon.icmp.EchoListener;
import io.tachyon.icmp.IcmpCounter;

/**
 * Steady state allocates nothing: 100k UDP echo round trips between two stacks on one thread; 100k multicast
 * datagrams to two joined sockets; pings answered in place and UDP echoes fragmented and reassembled.
 */
class StackAllocationTest
{
    private static final int ROUND_TRIPS = 100_000;

    @TempDir
    Path counters;

    /** Echoes every datagram back (zero-copy receive, one-copy send). */
    static final class Echo implements UdpHandler
    {
        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            socket.send(segment, offset, length, sourceAddress, sourcePort);
        }
    }

    @Test
    void shouldNotAllocateOver100kUdpEchoRoundTrips() throws Exception
    {
        try (StackPair pair = new StackPair(counters))
        {
            pair.b.openUdpSocket().bind(7).handler(new Echo());
            final UdpSocket client = pair.a.openUdpSocket().bind(40000);
            client.connect(Frames.IP_B, 7);
            final byte[] request = Frames.pattern(64, 1);
            final byte[] reply = new byte[256];
            final long[] received = {0};
            Allocations.assertSteadyStateAllocatesNothing(ROUND_TRIPS + " UDP echo round trips", 3, 10, () ->
            {
                for (int i = 0; i < ROUND_TRIPS; i++)
                {
                    request[0] = (byte)i;
                    if (!client.send(request, 0, request.length))
                    {
                        throw new AssertionError("send refused at " + i);
                    }
                    int length = UdpSocket.NOTHING;
                    for (int cycle = 0; cycle < 16 && length == UdpSocket.NOTHING; cycle++)
                    {
                        pair.cycle();
                        length = client.receive(reply, 0, reply.length);
                    }
                    if (length != request.length || reply[0] != (byte)i)
                    {
                        throw new AssertionError("round trip " + i + " got length " + length);
                    }
                    received[0]++;
                    pair.clock.advance(1_000L);
                }
            });
            assertTrue(received[0] >= 4L * ROUND_TRIPS);
            assertEquals(received[0], pair.a.counters().udp().get(UdpCounter.IN_DATAGRAMS).get());
            assertEquals(0, pair.a.counters().stack().get(StackCounter.ERRORS).get());
            assertEquals(0, pair.b.counters().stack().get(StackCounter.ERRORS).get());
        }
    }

    /** Counts datagrams (zero-copy receive). */
    static final class Count implements UdpHandler
    {
        long datagrams;

        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            datagrams++;
        }
    }

    @Test
    void shouldNotAllocateOver100kMulticastDatagrams() throws Exception
    {
        final int group = Ipv4Address.parse("239.1.2.3");
        try (StackPair pair = new StackPair(counters))
        {
            final Count count = new Count();
            pair.b.openUdpSocket().reuseAddress(true).bind(5000).joinGroup(group).handler(count);
            final UdpSocket queued = pair.b.openUdpSocket().reuseAddress(true).bind(5000).joinGroup(group);
            final UdpSocket sender = pair.a.openUdpSocket().bind(4000);
            final byte[] payload = Frames.pattern(64, 3);
            final byte[] into = new byte[256];
            Allocations.assertSteadyStateAllocatesNothing(ROUND_TRIPS + " multicast datagrams", 3, 10, () ->
            {
                for (int i = 0; i < ROUND_TRIPS; i++)
                {
                    payload[0] = (byte)i;
                    if (!sender.send(payload, 0, payload.length, group, 5000))
                    {
                        throw new AssertionError("send refused at " + i);
                    }
                    final long before = count.datagrams;
                    int length = UdpSocket.NOTHING;
                    for (int cycle = 0; cycle < 16 && length == UdpSocket.NOTHING; cycle++)
                    {
                        pair.cycle();
                        length = queued.receive(into, 0, into.length);
                    }
                    if (length != payload.length || into[0] != (byte)i || count.datagrams != before + 1)
                    {
                        throw new AssertionError("datagram " + i + " got length " + length);
                    }
                    pair.clock.advance(1_000L);
                }
            });
            assertTrue(count.datagrams >= 4L * ROUND_TRIPS);
            assertEquals(count.datagrams, pair.b.counters().udp().get(UdpCounter.IN_DATAGRAMS).get(),
                "one datagram counted once however many sockets it reaches");
            assertEquals(count.datagrams, pair.b.counters().ip().get(Ipv4Counter.IN_MCAST_PKTS).get());
            assertEquals(0, pair.a.counters().stack().get(StackCounter.ERRORS).get());
            assertEquals(0, pair.b.counters().stack().get(StackCounter.ERRORS).get());
        }
    }

    @Test
    void shouldNotAllocateOverPingsAnsweredInPlaceNorOverFragmentedEchoes() throws Exception
    {
        try (StackPair pair = new StackPair(counters))
        {
            final Replies replies = new Replies();
            pair.a.icmp().echoListener(replies);
            pair.b.openUdpSocket().bind(7).handler(new Echo());
            final UdpSocket client = pair.a.openUdpSocket().bind(40000);
            client.connect(Frames.IP_B, 7);
            final MemorySegment data = MemorySegment.ofArray(Frames.pattern(56, 1));
            final byte[] large = Frames.pattern(4000, 2);
            final byte[] reply = new byte[8192];
            // resolve ARP first: it queues at most 3 frames per neighbour, fewer than a ping plus 3 fragments
            pair.a.icmp().ping(Frames.IP_B, 7, 0xFFFF, data, 0, 56, pair.clock.nanoTime());
            assertTrue(pair.runUntil(() -> replies.count == 1, 1_000_000_000L));
            Allocations.assertSteadyStateAllocatesNothing("pings and fragmented UDP echoes", 3, 10, () ->
            {
                for (int i = 0; i < ROUND_TRIPS / 10; i++)
                {
                    final int sequence = i & 0xFFFF;
                    if (pair.a.icmp().ping(Frames.IP_B, 7, sequence, data, 0, 56, pair.clock.nanoTime()) != 0)
                    {
                        throw new AssertionError("ping refused at " + i);
                    }
                    if (!client.send(large, 0, large.length))
                    {
                        throw new AssertionError("send refused at " + i);
                    }
                    int length = UdpSocket.NOTHING;
                    for (int cycle = 0; cycle < 16 && (length == UdpSocket.NOTHING || replies.lastSequence != sequence);
                        cycle++)
                    {
                        pair.cycle();
                        if (length == UdpSocket.NOTHING)
                        {
                            length = client.receive(reply, 0, reply.length);
                        }
                    }
                    if (length != large.length || replies.lastSequence != sequence)
                    {
                        throw new AssertionError("round trip " + i + ": echo " + length + ", ping " + replies.lastSequence);
                    }
                    pair.clock.advance(1_000L);
                }
            });
            assertTrue(pair.b.counters().icmp().get(IcmpCounter.OUT_ECHO_REPS_IN_PLACE).get() > 0);
            assertTrue(pair.b.counters().ip().get(Ipv4Counter.REASM_OKS).get() > 0);
            assertEquals(0, pair.a.counters().stack().get(StackCounter.ERRORS).get());
            assertEquals(0, pair.b.counters().stack().get(StackCounter.ERRORS).get());
        }
    }

    /** Counts echo replies. */
    static final class Replies implements EchoListener
    {
        int count;
        int lastSequence = -1;

        @Override
        public void onEchoReply(final int source, final int identifier, final int sequence,
            final MemorySegment segment, final long offset, final int length, final long nowNs)
        {
            count++;
            lastSequence = sequence;
        }
    }
}
