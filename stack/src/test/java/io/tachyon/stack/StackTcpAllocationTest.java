package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.tcp.TcpCounter;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.testing.Allocations;

/**
 * The established TCP data path allocates nothing: 100k request/response exchanges of 64 bytes on one connection
 * between two stacks driven on one thread with a virtual clock (writes and reads through byte arrays, off-heap
 * segments and direct buffers, delayed ACKs firing between exchanges), and bulk transfer in both directions.
 */
class StackTcpAllocationTest
{
    private static final int EXCHANGES = 100_000;
    private static final int SIZE = 64;
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path counters;

    private static TcpSocket[] connect(final StackPair pair)
    {
        final TcpListener listener = pair.b.tcp().listen(80, 4);
        final TcpSocket client = pair.a.tcp().open().nodelay(true).connect(Frames.IP_B, 80);
        final TcpSocket[] server = new TcpSocket[1];
        assertTrue(pair.runUntil(() ->
        {
            if (server[0] == null)
            {
                server[0] = listener.accept();
            }
            return server[0] != null && client.isEstablished();
        }, 10 * SECOND));
        server[0].nodelay(true);
        return new TcpSocket[] {client, server[0]};
    }

    @Test
    void shouldNotAllocateOver100kRequestResponseExchanges() throws Exception
    {
        try (StackPair pair = new StackPair(counters); Arena arena = Arena.ofConfined())
        {
            final TcpSocket[] s = connect(pair);
            final TcpSocket client = s[0];
            final TcpSocket server = s[1];
            final byte[] request = new byte[SIZE];
            final MemorySegment serverBuffer = arena.allocate(4096);
            final ByteBuffer response = ByteBuffer.allocateDirect(SIZE);
            final long[] exchanges = {0};
            Allocations.assertSteadyStateAllocatesNothing(EXCHANGES + " TCP request/response exchanges", 2, 5, () ->
            {
                for (int i = 0; i < EXCHANGES; i++)
                {
                    request[0] = (byte)i;
                    if (client.write(request, 0, SIZE) != SIZE)
                    {
                        throw new AssertionError("client write refused at " + i);
                    }
                    int served = 0;
                    response.clear();
                    for (int cycle = 0; cycle < 64 && response.hasRemaining(); cycle++)
                    {
                        pair.cycle();
                        final int n = server.read(serverBuffer, 0, 4096);
                        if (n > 0)
                        {
                            served += n;
                            if (server.write(serverBuffer, 0, n) != n)
                            {
                                throw new AssertionError("server write refused at " + i);
                            }
                        }
                        client.read(response);
                    }
                    if (response.hasRemaining() || served != SIZE || response.get(0) != (byte)i)
                    {
                        throw new AssertionError("exchange " + i + ": served " + served + ", answered "
                            + response.position());
                    }
                    exchanges[0]++;
                    // now and then let the delayed-ACK timer fire with nothing to carry it
                    pair.clock.advance((i & 63) == 0 ? 50_000_000L : 1_000L);
                }
            });
            assertTrue(exchanges[0] >= 3L * EXCHANGES);
            assertEquals(0, client.retransmits());
            assertEquals(0, server.retransmits());
            assertEquals(0, pair.a.counters().stack().get(StackCounter.ERRORS).get());
            assertTrue(pair.b.counters().tcp().get(TcpCounter.IN_SEGS).get() >= 3L * EXCHANGES);
        }
    }

    @Test
    void shouldNotAllocateMovingBulkDataBothWays() throws Exception
    {
        try (StackPair pair = new StackPair(counters); Arena arena = Arena.ofConfined())
        {
            final TcpSocket[] s = connect(pair);
            final MemorySegment out = arena.allocate(65_536);
            final MemorySegment in = arena.allocate(65_536);
            for (int i = 0; i < 65_536; i++)
            {
                out.set(ValueLayout.JAVA_BYTE, i, (byte)i);
            }
            final long perRound = 8L << 20;
            final long[] moved = new long[2];
            Allocations.assertSteadyStateAllocatesNothing("moving 8 MiB each way", 2, 5, () ->
            {
                final long target0 = moved[0] + perRound;
                final long target1 = moved[1] + perRound;
                long written0 = moved[0];
                long written1 = moved[1];
                while (moved[0] < target0 || moved[1] < target1)
                {
                    if (written0 < target0)
                    {
                        written0 += s[0].write(out, 0, (int)Math.min(65_536, target0 - written0));
                    }
                    if (written1 < target1)
                    {
                        written1 += s[1].write(out, 0, (int)Math.min(65_536, target1 - written1));
                    }
                    if (pair.cycle() == 0)
                    {
                        pair.clock.advance(StackPair.IDLE_STEP_NS);
                    }
                    moved[0] += Math.max(0, s[1].read(in, 0, 65_536));
                    moved[1] += Math.max(0, s[0].read(in, 0, 65_536));
                }
            });
            assertTrue(moved[0] >= 3 * perRound && moved[1] >= 3 * perRound);
        }
    }
}
