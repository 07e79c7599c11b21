package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.tachyon.driver.memory.FaultProfile;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.tcp.TcpCounter;
import io.tachyon.tcp.TcpError;
import io.tachyon.tcp.TcpHandler;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;

/**
 * The zero-copy callback API ({@link TcpHandler}, the accept callback) and the Netty {@code ByteBuf} copying API.
 */
class StackTcpCallbackTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    /** Records every event; consumes at most {@code budget} bytes per call (all when negative). */
    private static final class Recorder implements TcpHandler
    {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        int connected;
        int writable;
        int peerClosed;
        int closed;
        TcpError closedWith;
        int calls;
        int fromReceiveBuffer;
        int budget = -1;
        boolean echo;
        boolean fail;

        @Override
        public int onData(final TcpSocket socket, final MemorySegment segment, final long offset, final int length)
        {
            calls++;
            if (segment.byteSize() == 256 * 1024)
            {
                fromReceiveBuffer++; // the receive buffer's ring (TcpConfig.DEFAULT); frames are smaller
            }
            if (fail)
            {
                throw new IllegalStateException("handler failure");
            }
            final int n = budget < 0 ? length : Math.min(budget, length);
            data.writeBytes(segment.asSlice(offset, n).toArray(ValueLayout.JAVA_BYTE));
            if (echo)
            {
                assertEquals(n, socket.write(segment, offset, n), "echo from the handler");
            }
            return n;
        }

        @Override
        public void onConnected(final TcpSocket socket)
        {
            connected++;
        }

        @Override
        public void onWritable(final TcpSocket socket)
        {
            writable++;
        }

        @Override
        public void onPeerClosed(final TcpSocket socket)
        {
            peerClosed++;
        }

        @Override
        public void onClosed(final TcpSocket socket, final TcpError error)
        {
            closed++;
            closedWith = error;
        }
    }

    @Test
    void shouldDeliverEveryEventToHandlersAndEchoFromInsideTheCallback()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final Recorder serverSide = new Recorder();
            serverSide.echo = true;
            final TcpSocket[] accepted = new TcpSocket[1];
            final TcpListener listener = pair.b.tcp().listen(80, 4).acceptHandler((l, socket) ->
            {
                accepted[0] = socket;
                socket.handler(serverSide);
            });
            assertNotNull(listener.acceptHandler());
            final Recorder clientSide = new Recorder();
            final TcpSocket client = pair.a.tcp().open().handler(clientSide).connect(Frames.IP_B, 80);
            assertTrue(pair.runUntil(() -> accepted[0] != null && client.isEstablished(), SECOND));
            assertEquals(1, clientSide.connected);
            assertEquals(0, listener.pending(), "handed over, not queued");
            assertEquals(TcpState.ESTABLISHED, accepted[0].state());

            final byte[] data = Frames.pattern(200_000, 11);
            final int[] written = new int[1];
            assertTrue(pair.runUntil(() ->
            {
                if (written[0] < data.length)
                {
                    written[0] += client.write(data, written[0], data.length - written[0]);
                }
                return clientSide.data.size() == data.length;
            }, 10 * SECOND), "echoed " + clientSide.data.size());
            assertArrayEquals(data, serverSide.data.toByteArray());
            assertArrayEquals(data, clientSide.data.toByteArray());
            assertTrue(clientSide.writable > 0, "acknowledgments reported room");
            assertEquals(0, client.readable(), "consumed by the handler, nothing queued");
            assertEquals(0, serverSide.fromReceiveBuffer, "every byte came straight from a frame");
            assertTrue(serverSide.calls >= data.length / 1448, "calls " + serverSide.calls);

            client.shutdownOutput();
            assertTrue(pair.runUntil(() -> serverSide.peerClosed == 1, SECOND));
            accepted[0].close();
            assertTrue(pair.runUntil(() -> clientSide.peerClosed == 1 && serverSide.closed == 1, SECOND));
            assertEquals(TcpError.NONE, serverSide.closedWith);
            client.close();
            pair.run(61 * SECOND);
            assertEquals(1, clientSide.closed, "after TIME-WAIT");
            assertEquals(TcpError.NONE, clientSide.closedWith);
            assertEquals(1, clientSide.peerClosed, "once");
        }
    }

    @Test
    void shouldKeepWhatTheHandlerDoesNotConsumeAndCloseTheWindow()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final Recorder slow = new Recorder();
            slow.budget = 0;
            final TcpSocket[] accepted = new TcpSocket[1];
            pair.b.tcp().listen(80, 4).acceptHandler((l, socket) -> accepted[0] = socket.handler(slow));
            final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, 80);
            assertTrue(pair.runUntil(() -> accepted[0] != null && client.isEstablished(), SECOND));
            final byte[] data = Frames.pattern(1_000_000, 5);
            final int[] written = new int[1];
            pair.runUntil(() ->
            {
                written[0] += client.write(data, written[0], data.length - written[0]);
                return written[0] == data.length;
            }, 3 * SECOND);
            final int queued = accepted[0].readable();
            assertEquals(256 * 1024, queued, "the receive buffer filled: flow control");
            assertTrue(written[0] < data.length, "the sender is held back");
            assertEquals(0, slow.data.size());
            slow.budget = 1000;
            assertEquals(1000, accepted[0].deliver(), "one call consuming 1000 bytes, then it stops");
            assertTrue(slow.fromReceiveBuffer > 0, "the kept data comes from the receive buffer");
            slow.budget = -1;
            assertTrue(pair.runUntil(() ->
            {
                accepted[0].deliver();
                if (written[0] < data.length)
                {
                    written[0] += client.write(data, written[0], data.length - written[0]);
                }
                return slow.data.size() == data.length;
            }, 20 * SECOND), "delivered " + slow.data.size());
            assertArrayEquals(data, slow.data.toByteArray());
        }
    }

    /** Consumes a random part of each offer. */
    private static final class Random implements TcpHandler
    {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final SplittableRandom random;

        Random(final long seed)
        {
            random = new SplittableRandom(seed);
        }

        @Override
        public int onData(final TcpSocket socket, final MemorySegment segment, final long offset, final int length)
        {
            final int n = random.nextInt(4) == 0 ? 0 : random.nextInt(length + 1);
            data.writeBytes(segment.asSlice(offset, n).toArray(ValueLayout.JAVA_BYTE));
            return n;
        }
    }

    @Test
    void shouldDeliverTheExactStreamToHandlersConsumingRandomPartsOverALossyWire()
    {
        final FaultProfile faults = FaultProfile.NONE.withLoss(0.03).withDuplication(0.03)
            .withReordering(0.05, 2_000_000L);
        for (int round = 0; round < 4; round++)
        {
            final MemoryWireConfig wire = MemoryWireConfig.DEFAULT.withSeed(300 + round).withFaults(faults);
            try (StackPair pair = new StackPair(dir, wire, c -> c, c -> c))
            {
                final Random serverSide = new Random(round);
                final Random clientSide = new Random(round + 100);
                final TcpSocket[] accepted = new TcpSocket[1];
                pair.b.tcp().listen(80, 4).acceptHandler((l, socket) -> accepted[0] = socket.handler(serverSide));
                final TcpSocket client = pair.a.tcp().open().handler(clientSide).connect(Frames.IP_B, 80);
                assertTrue(pair.runUntil(() -> accepted[0] != null && client.isEstablished(), 10 * SECOND));
                final byte[] up = Frames.pattern(300_000, round);
                final byte[] down = Frames.pattern(200_000, round + 7);
                final int[] sent = new int[2];
                assertTrue(pair.runUntil(() ->
                {
                    if (sent[0] < up.length)
                    {
                        sent[0] += client.write(up, sent[0], Math.min(up.length - sent[0], 5000));
                    }
                    if (sent[1] < down.length)
                    {
                        sent[1] += accepted[0].write(down, sent[1], Math.min(down.length - sent[1], 3000));
                    }
                    accepted[0].deliver();
                    client.deliver();
                    return serverSide.data.size() == up.length && clientSide.data.size() == down.length;
                }, 300 * SECOND), "round " + round + ": " + serverSide.data.size() + "/" + clientSide.data.size());
                assertArrayEquals(up, serverSide.data.toByteArray());
                assertArrayEquals(down, clientSide.data.toByteArray());
            }
        }
    }

    @Test
    void shouldCountAHandlerExceptionAndKeepTheData()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final Recorder failing = new Recorder();
            failing.fail = true;
            final TcpSocket[] accepted = new TcpSocket[1];
            pair.b.tcp().listen(80, 4).acceptHandler((l, socket) -> accepted[0] = socket.handler(failing));
            final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, 80);
            assertTrue(pair.runUntil(() -> accepted[0] != null && client.isEstablished(), SECOND));
            assertEquals(5, client.write(new byte[] {1, 2, 3, 4, 5}, 0, 5));
            assertTrue(pair.runUntil(() -> accepted[0].readable() == 5, SECOND));
            assertTrue(pair.b.counters().tcp().get(TcpCounter.HANDLER_ERRORS).get() >= 1);
            failing.fail = false;
            assertEquals(5, accepted[0].deliver());
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, failing.data.toByteArray());
        }
    }

    @Test
    void shouldAbortAConnectionWhoseAcceptCallbackThrows()
    {
        try (StackPair pair = new StackPair(dir))
        {
            pair.b.tcp().listen(80, 4).acceptHandler((l, socket) ->
            {
                throw new IllegalStateException("refused by the application");
            });
            final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, 80);
            assertTrue(pair.runUntil(() -> client.state() == TcpState.CLOSED, SECOND));
            assertEquals(TcpError.RESET, client.error());
            assertEquals(1, pair.b.counters().tcp().get(TcpCounter.HANDLER_ERRORS).get());
            assertEquals(0, pair.b.tcp().connectionCount());
        }
    }

    @Test
    void shouldAbortFromInsideTheDataCallback()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpSocket[] accepted = new TcpSocket[1];
            final TcpHandler aborting = (socket, segment, offset, length) ->
            {
                socket.abort();
                return length;
            };
            pair.b.tcp().listen(80, 4).acceptHandler((l, socket) -> accepted[0] = socket.handler(aborting));
            final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, 80);
            assertTrue(pair.runUntil(() -> accepted[0] != null && client.isEstablished(), SECOND));
            assertEquals(3, client.write(new byte[3], 0, 3));
            assertTrue(pair.runUntil(() -> client.state() == TcpState.CLOSED, SECOND));
            assertEquals(TcpError.RESET, client.error());
            assertEquals(TcpError.ABORTED, accepted[0].error());
            pair.run(SECOND);
            assertEquals(0, pair.b.tcp().connectionCount());
        }
    }

    @Test
    void shouldWriteAndReadNettyByteBufsOfEveryKind()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpListener listener = pair.b.tcp().listen(80, 4);
            final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, 80);
            final TcpSocket[] server = new TcpSocket[1];
            assertTrue(pair.runUntil(() -> (server[0] = server[0] != null ? server[0] : listener.accept()) != null
                && client.isEstablished(), SECOND));
            final byte[] data = Frames.pattern(30_000, 9);
            final ByteBuf heap = Unpooled.wrappedBuffer(data, 0, 10_000);
            final ByteBuf direct = Unpooled.directBuffer(10_000).writeBytes(data, 10_000, 10_000);
            final CompositeByteBuf composite = Unpooled.compositeBuffer().addComponents(true,
                Unpooled.wrappedBuffer(data, 20_000, 4_000), Unpooled.directBuffer(6_000).writeBytes(data, 24_000,
                    6_000));
            assertEquals(10_000, client.write(heap));
            assertEquals(10_000, client.write(direct));
            assertEquals(10_000, client.write(composite));
            assertEquals(0, heap.readableBytes() + direct.readableBytes() + composite.readableBytes(), "indexes moved");
            assertTrue(pair.runUntil(() -> server[0].readable() == data.length, SECOND));
            final ByteBuf into = Unpooled.buffer(7_000, 7_000);
            assertEquals(7_000, server[0].read(into));
            final ByteBuf directInto = Unpooled.directBuffer(13_000, 13_000);
            assertEquals(13_000, server[0].read(directInto));
            final CompositeByteBuf compositeInto = Unpooled.compositeBuffer().addComponents(true,
                Unpooled.buffer(4_000, 4_000), Unpooled.directBuffer(6_000, 6_000));
            compositeInto.writerIndex(0);
            compositeInto.capacity(10_000);
            assertEquals(10_000, server[0].read(compositeInto));
            final byte[] got = new byte[data.length];
            into.readBytes(got, 0, 7_000);
            directInto.readBytes(got, 7_000, 13_000);
            compositeInto.readBytes(got, 20_000, 10_000);
            assertArrayEquals(data, got);
            client.close();
            assertTrue(pair.runUntil(server[0]::isEndOfStream, SECOND));
            assertEquals(-1, server[0].read(Unpooled.buffer(10)));
            direct.release();
            composite.release();
            directInto.release();
            compositeInto.release();
        }
    }
}
