package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.testing.Allocations;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpHandler;
import io.tachyon.udp.UdpSocket;

/** Steady state allocates nothing: 100k UDP echo round trips between two stacks on one thread. */
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
}
