package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tachyon.tcp.TcpChannel;
import io.tachyon.tcp.TcpChannelConfig;
import io.tachyon.tcp.TcpHandler;
import io.tachyon.tcp.TcpInfo;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.testing.Allocations;

/**
 * The socket API of issue 4 allocates nothing in steady state: zero-copy callbacks echoing on one thread, TCP_INFO
 * reads, and TcpChannel round trips in every buffer type (both the application thread and the stack thread).
 */
class TcpApiAllocationTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    /** Echoes whatever arrives, from inside the callback. */
    private static final class Echo implements TcpHandler
    {
        @Override
        public int onData(final TcpSocket socket, final MemorySegment segment, final long offset, final int length)
        {
            return socket.write(segment, offset, length);
        }
    }

    /** Counts what arrives. */
    private static final class Counter implements TcpHandler
    {
        long bytes;

        @Override
        public int onData(final TcpSocket socket, final MemorySegment segment, final long offset, final int length)
        {
            bytes += length;
            return length;
        }
    }

    @Test
    void shouldNotAllocateOverZeroCopyCallbackRoundTrips() throws Exception
    {
        try (StackPair pair = new StackPair(dir))
        {
            final Echo echo = new Echo();
            final TcpSocket[] accepted = new TcpSocket[1];
            pair.b.tcp().listen(80, 4).acceptHandler((l, socket) -> accepted[0] = socket.nodelay(true).handler(echo));
            final Counter counter = new Counter();
            final TcpSocket client = pair.a.tcp().open().nodelay(true).handler(counter).connect(Frames.IP_B, 80);
            assertTrue(pair.runUntil(() -> accepted[0] != null && client.isEstablished(), SECOND));
            final byte[] request = Frames.pattern(64, 1);
            final byte[] sink = new byte[64];
            final TcpInfo info = new TcpInfo();
            Allocations.assertSteadyStateAllocatesNothing("10000 TCP echo round trips through handlers", 3, 10, () ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    final long expected = counter.bytes + request.length;
                    if (client.write(request, 0, request.length) != request.length)
                    {
                        throw new AssertionError("write refused at " + i);
                    }
                    for (int cycle = 0; cycle < 64 && counter.bytes != expected; cycle++)
                    {
                        if (pair.cycle() == 0)
                        {
                            pair.clock.advance(1_000L);
                        }
                    }
                    if (counter.bytes != expected)
                    {
                        throw new AssertionError("round trip " + i + " incomplete");
                    }
                    client.info(info);
                    if (accepted[0].readable() > 0 || client.readable() > 0
                        || accepted[0].read(sink, 0, sink.length) != 0)
                    {
                        throw new AssertionError("handlers consumed everything");
                    }
                }
            });
            assertEquals(0, client.info(info).totalRetransmits());
        }
    }

    @Test
    void shouldNotAllocateOverChannelRoundTripsOnEitherThread() throws Exception
    {
        try (ThreadedPair pair = new ThreadedPair(dir, "alloc"))
        {
            final TcpChannelConfig config = TcpChannelConfig.DEFAULT.withTimeout(ThreadedPair.WAIT_NS, pair.wallClock)
                .withNodelay(true);
            final var server = pair.b.openTcpServerChannel(80, 4, config);
            final TcpChannel client = pair.a.openTcpChannel(Frames.IP_B, 80, config);
            final TcpChannel accepted = server.accept();
            final byte[] array = new byte[100];
            final ByteBuffer direct = ByteBuffer.allocateDirect(100);
            final ByteBuf directBuf = Unpooled.directBuffer(100, 100);
            final Allocations.Round round = () ->
            {
                for (int i = 0; i < 300; i++)
                {
                    switch (i % 3)
                    {
                        case 0 -> client.write(array, 0, 100);
                        case 1 -> client.write(direct.clear());
                        default -> client.write(directBuf.clear().writerIndex(100));
                    }
                    int got = 0;
                    while (got < 100)
                    {
                        got += accepted.read(array, got, 100 - got);
                    }
                    accepted.write(array, 0, 100);
                    got = 0;
                    while (got < 100)
                    {
                        switch (i % 3)
                        {
                            case 0 -> got += client.read(array, got, 100 - got);
                            case 1 -> got += client.read(direct.clear().limit(100 - got));
                            default -> got += client.read(directBuf.clear());
                        }
                    }
                }
            };
            Allocations.assertSteadyStateAllocatesNothing("300 TCP channel round trips in every buffer type", 10, 10,
                round);
            final StringBuilder seen = new StringBuilder();
            boolean clean = false;
            for (int attempt = 0; attempt < 10 && !clean; attempt++)
            {
                pair.startMeasuring();
                round.run();
                final long bytes = pair.stopMeasuring();
                seen.append(attempt == 0 ? "" : ", ").append(bytes);
                clean = bytes == 0;
            }
            assertTrue(clean, "the stack thread allocated bytes in every measured window: " + seen);
            directBuf.release();
            client.close();
            accepted.close();
        }
    }
}
