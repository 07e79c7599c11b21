package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.testing.Allocations;
import io.tachyon.time.SystemClock;
import io.tachyon.udp.UdpChannel;
import io.tachyon.udp.UdpChannelConfig;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpSocket;
import io.tachyon.udp.UdpTimeoutException;

/** The cross-thread UDP API: channels used from application threads while the stacks run on their own thread. */
class UdpChannelTest
{
    private static final int ECHO_PORT = 7;
    private static final long SHORT_NS = 50_000_000L;

    @TempDir
    Path counters;

    private static int lengthOf(final long sequence)
    {
        return 8 + (int)(sequence % 57);
    }

    /** Writes datagram {@code sequence}: the sequence number, then a pattern derived from it. */
    private static int fill(final byte[] into, final long sequence)
    {
        final int length = lengthOf(sequence);
        for (int i = 0; i < 8; i++)
        {
            into[i] = (byte)(sequence >>> (8 * i));
        }
        for (int i = 8; i < length; i++)
        {
            into[i] = (byte)(sequence * 31 + i);
        }
        return length;
    }

    /** Whether {@code bytes[0, length)} is exactly datagram {@code sequence}. */
    private static boolean isDatagram(final byte[] bytes, final int length, final long sequence)
    {
        if (length != lengthOf(sequence))
        {
            return false;
        }
        long seen = 0;
        for (int i = 0; i < 8; i++)
        {
            seen |= (bytes[i] & 0xFFL) << (8 * i);
        }
        if (seen != sequence)
        {
            return false;
        }
        for (int i = 8; i < length; i++)
        {
            if (bytes[i] != (byte)(sequence * 31 + i))
            {
                return false;
            }
        }
        return true;
    }

    /** An application thread on B that echoes every datagram of a channel back to its sender. */
    private static final class Echo extends Thread
    {
        final UdpChannel channel;
        volatile boolean stop;
        volatile Throwable failure;
        long echoed;

        Echo(final UdpChannel channel)
        {
            super("echo");
            this.channel = channel;
            setDaemon(true);
        }

        @Override
        public void run()
        {
            final byte[] buffer = new byte[2048];
            try
            {
                while (true)
                {
                    final int n = channel.tryReceive(buffer, 0, buffer.length);
                    if (n == UdpChannel.NOTHING)
                    {
                        if (stop)
                        {
                            return;
                        }
                        Thread.yield();
                        continue;
                    }
                    channel.send(buffer, 0, n, channel.lastSourceAddress(), channel.lastSourcePort());
                    echoed++;
                }
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
        }
    }

    @Test
    void shouldEchoOneMillionDatagramsThroughChannelsOnApplicationThreads() throws Exception
    {
        final int total = 1_000_000;
        final int window = 1024;
        try (ThreadedPair pair = new ThreadedPair(counters, "million"))
        {
            final int ring = 1 << 20;
            final UdpChannel server = pair.b.openUdpChannel(pair.channel(0, ECHO_PORT).withRings(ring, ring));
            final Echo echo = new Echo(server);
            echo.start();
            final UdpChannel client = pair.a.openUdpChannel(pair.channel(0, 0).withPeer(Frames.IP_B, ECHO_PORT)
                .withRings(ring, ring));
            final byte[] out = new byte[2048];
            final byte[] in = new byte[2048];
            long sent = 0;
            long received = 0;
            while (received < total)
            {
                while (sent < total && sent - received < window)
                {
                    client.send(out, 0, fill(out, sent));
                    sent++;
                }
                final int n = client.receive(in, 0, in.length);
                if (!isDatagram(in, n, received))
                {
                    throw new AssertionError("datagram " + received + " arrived wrong (length " + n + ")");
                }
                assertEquals(Frames.IP_B, client.lastSourceAddress());
                assertEquals(ECHO_PORT, client.lastSourcePort());
                received++;
            }
            echo.stop = true;
            echo.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(echo.isAlive(), "the echo thread stops");
            assertEquals(null, echo.failure);
            assertEquals(total, echo.echoed);
            assertEquals(UdpChannel.NOTHING, client.tryReceive(in, 0, in.length), "nothing more arrives");
            assertEquals(total, client.sentDatagrams());
            assertEquals(total, client.receivedDatagrams());
            assertEquals(total, server.sentDatagrams());
            assertEquals(total, server.receivedDatagrams());
            assertEquals(0, client.receiveDrops() + server.receiveDrops() + client.sendDrops() + server.sendDrops()
                + client.sendErrors() + server.sendErrors());
            assertEquals(0, pair.a.counters().udp().get(UdpCounter.RCVBUF_ERRORS).get()
                + pair.b.counters().udp().get(UdpCounter.RCVBUF_ERRORS).get());
            assertEquals(null, pair.a.lastError());
            assertEquals(null, pair.b.lastError());
        }
    }

    @Test
    void shouldRefuseSendsWhenTheSendRingIsFullAndSendABoundedBurstPerCycle() throws Exception
    {
        try (StackPair pair = new StackPair(counters, MemoryWireConfig.DEFAULT,
            c -> c.staticArp(Frames.IP_B, Frames.MAC_B), c -> c.staticArp(Frames.IP_A, Frames.MAC_A)))
        {
            // the test thread drives the stacks, so it is their stack thread: it opens channels directly
            final UdpChannel sender = pair.a.udp().openChannel(UdpChannelConfig.of(0, 5000).withRings(4096, 4096)
                .withSendBurst(2).withTimeout(SHORT_NS, new SystemClock()));
            final UdpChannel receiver = pair.b.udp().openChannel(UdpChannelConfig.of(0, 9).withRings(4096, 4096));
            final byte[] payload = new byte[1000];
            int accepted = 0;
            while (sender.trySend(payload, 0, payload.length, Frames.IP_B, 9))
            {
                accepted++;
            }
            assertEquals(4, accepted, "4 records of 16 + 1000 bytes fill a 4096-byte ring");
            final UdpTimeoutException timeout = assertThrows(UdpTimeoutException.class,
                () -> sender.send(payload, 0, payload.length, Frames.IP_B, 9));
            assertTrue(timeout.getMessage().contains("send ring stayed full"), timeout.getMessage());

            pair.a.doWork();
            assertEquals(2, sender.sentDatagrams(), "a burst of 2 per duty cycle");
            assertTrue(sender.trySend(payload, 0, payload.length, Frames.IP_B, 9), "room again");
            assertTrue(pair.runUntil(() -> receiver.receivedDatagrams() + receiver.receiveDrops() == 5,
                10_000_000L));
            assertEquals(5, sender.sentDatagrams());
            assertEquals(4, receiver.receivedDatagrams());
            assertEquals(1, receiver.receiveDrops(), "the fifth datagram found the receive ring full");
            assertEquals(1, pair.b.counters().udp().get(UdpCounter.RCVBUF_ERRORS).get());
            assertEquals(1, pair.b.counters().udp().get(UdpCounter.IN_ERRORS).get());
        }
    }

    @Test
    void shouldCountEveryDatagramTheFullReceiveRingDrops() throws Exception
    {
        try (StackPair pair = new StackPair(counters, MemoryWireConfig.DEFAULT,
            c -> c.staticArp(Frames.IP_B, Frames.MAC_B), c -> c.staticArp(Frames.IP_A, Frames.MAC_A)))
        {
            final UdpChannel sender = pair.a.udp().openChannel(UdpChannelConfig.of(0, 5000).withRings(8192, 4096));
            final UdpChannel receiver = pair.b.udp().openChannel(UdpChannelConfig.of(0, 9).withRings(4096, 4096));
            final byte[] payload = new byte[1000];
            for (int i = 0; i < 10; i++)
            {
                payload[0] = (byte)i;
                while (!sender.trySend(payload, 0, payload.length, Frames.IP_B, 9))
                {
                    pair.cycle();
                }
            }
            final byte[] big = new byte[5000];
            assertTrue(sender.trySend(big, 0, big.length, Frames.IP_B, 9));
            pair.runUntil(() -> receiver.receivedDatagrams() + receiver.receiveDrops() == 11, 100_000_000L);
            assertEquals(4, receiver.receivedDatagrams());
            assertEquals(7, receiver.receiveDrops(), "6 found the ring full; the 5000-byte one can never fit");
            assertEquals(7, pair.b.counters().udp().get(UdpCounter.RCVBUF_ERRORS).get());
            final byte[] into = new byte[2000];
            for (int i = 0; i < 4; i++)
            {
                assertEquals(1000, receiver.tryReceive(into, 0, into.length));
                assertEquals(i, into[0], "the first four, in order");
                assertEquals(Frames.IP_A, receiver.lastSourceAddress());
                assertEquals(5000, receiver.lastSourcePort());
            }
            assertEquals(UdpChannel.NOTHING, receiver.tryReceive(into, 0, into.length));
            // room again: the next datagram is accepted
            assertTrue(sender.trySend(payload, 0, payload.length, Frames.IP_B, 9));
            pair.runUntil(() -> receiver.receivedDatagrams() == 5, 10_000_000L);
            assertEquals(1000, receiver.tryReceive(into, 0, 10), "cut to the room given, full length returned");
        }
    }

    @Test
    void shouldCloseFromAnotherThreadWakingABlockedReceiverAndSendingWhatWasQueued() throws Exception
    {
        try (ThreadedPair pair = new ThreadedPair(counters, "close"))
        {
            final UdpChannel server = pair.b.openUdpChannel(pair.channel(0, 9));
            final CompletableFuture<Throwable> woken = new CompletableFuture<>();
            final Thread receiver = new Thread(() ->
            {
                try
                {
                    server.receive(new byte[100], 0, 100);
                    woken.complete(null);
                }
                catch (final Throwable ex)
                {
                    woken.complete(ex);
                }
            }, "blocked-receiver");
            receiver.start();
            pair.awaitTrue(() -> receiver.getState() == Thread.State.TIMED_WAITING
                || receiver.getState() == Thread.State.RUNNABLE, "the receiver to wait");
            server.close();
            final Throwable thrown = woken.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, thrown);
            assertTrue(thrown.getMessage().contains("is closed"), thrown.getMessage());
            pair.awaitTrue(server::isReleased, "the stack to release the channel");
            receiver.join(10_000);

            // the port is free again
            final UdpChannel again = pair.b.openUdpChannel(pair.channel(0, 9));
            assertEquals(9, again.localPort());

            // datagrams queued before close() are sent
            final UdpChannel client = pair.a.openUdpChannel(pair.channel(0, 0).withPeer(Frames.IP_B, 9));
            final byte[] payload = new byte[100];
            for (int i = 0; i < 100; i++)
            {
                client.send(payload, 0, payload.length);
            }
            client.close();
            assertTrue(client.isClosed());
            pair.awaitTrue(client::isReleased, "the stack to release the client");
            assertEquals(100, client.sentDatagrams());
            assertEquals(0, client.sendDrops());
            pair.awaitTrue(() -> again.receivedDatagrams() == 100, "100 datagrams at the server");
            assertThrows(IllegalStateException.class, () -> client.send(payload, 0, 1));
        }
    }

    @Test
    void shouldRejectBadCallsWithClearExceptions() throws Exception
    {
        try (ThreadedPair pair = new ThreadedPair(counters, "bad"))
        {
            final UdpChannel channel = pair.a.openUdpChannel(pair.channel(0, 4000).withRings(16384, 4096));
            final byte[] payload = new byte[70_000];

            final IllegalArgumentException oversize = assertThrows(IllegalArgumentException.class,
                () -> channel.trySend(payload, 0, 65_508, Frames.IP_B, 9));
            assertTrue(oversize.getMessage().contains("65508"), oversize.getMessage());
            final IllegalArgumentException ringTooSmall = assertThrows(IllegalArgumentException.class,
                () -> channel.send(ByteBuffer.wrap(payload, 0, 20_000), Frames.IP_B, 9));
            assertTrue(ringTooSmall.getMessage().contains("does not fit the send ring"), ringTooSmall.getMessage());
            assertEquals(16384 - 16, channel.maxSendPayload());
            final IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> channel.trySend(payload, 0, 10, Frames.IP_B, 0));
            assertTrue(port.getMessage().contains("port 0"), port.getMessage());
            final IllegalArgumentException noRoute = assertThrows(IllegalArgumentException.class,
                () -> channel.trySend(payload, 0, 10, Frames.IP_FAR, 9));
            assertTrue(noRoute.getMessage().contains("no route to 192.0.2.7"), noRoute.getMessage());
            final IllegalStateException broadcast = assertThrows(IllegalStateException.class,
                () -> channel.trySend(payload, 0, 10, io.tachyon.ipv4.Ipv4Address.parse("10.0.0.255"), 9));
            assertTrue(broadcast.getMessage().contains("broadcast"), broadcast.getMessage());
            final IllegalStateException unconnected = assertThrows(IllegalStateException.class,
                () -> channel.trySend(payload, 0, 10));
            assertTrue(unconnected.getMessage().contains("not connected"), unconnected.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> channel.trySend(payload, 69_990, 20, Frames.IP_B, 9));
            assertThrows(ReadOnlyBufferException.class,
                () -> channel.tryReceive(ByteBuffer.allocate(10).asReadOnlyBuffer()));
            final UdpTimeoutException nothing = assertThrows(UdpTimeoutException.class,
                () -> pair.a.openUdpChannel(pair.channel(0, 4001).withTimeout(SHORT_NS, pair.wallClock))
                    .receive(new byte[10], 0, 10));
            assertTrue(nothing.getMessage().contains("receive on UDP channel 0.0.0.0:4001"), nothing.getMessage());

            final IllegalStateException inUse = assertThrows(IllegalStateException.class,
                () -> pair.a.openUdpChannel(pair.channel(0, 4000)));
            assertTrue(inUse.getMessage().contains("4000"), inUse.getMessage());
            final IllegalArgumentException peer = assertThrows(IllegalArgumentException.class,
                () -> UdpChannelConfig.of(0, 1).withPeer(Frames.IP_B, 0));
            assertTrue(peer.getMessage().contains("10.0.0.2:0"), peer.getMessage());
            assertThrows(IllegalArgumentException.class, () -> UdpChannelConfig.of(0, 1).withRings(5000, 4096));

            final CompletableFuture<Throwable> onStackThread = new CompletableFuture<>();
            assertTrue(pair.a.submit((stack, now) ->
            {
                try
                {
                    stack.openUdpChannel(0, 4002);
                    onStackThread.complete(null);
                }
                catch (final RuntimeException ex)
                {
                    onStackThread.complete(ex);
                }
            }));
            final Throwable stackThread = onStackThread.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, stackThread);
            assertTrue(stackThread.getMessage().contains("waits for the stack thread"), stackThread.getMessage());

            channel.close();
            channel.close();
            final IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> channel.trySend(payload, 0, 10, Frames.IP_B, 9));
            assertTrue(closed.getMessage().contains("UDP channel 0.0.0.0:4000 is closed"), closed.getMessage());
            assertThrows(IllegalStateException.class, () -> channel.send(Unpooled.buffer(4).writeInt(1),
                Frames.IP_B, 9));
            assertThrows(IllegalStateException.class, () -> channel.tryReceive(new byte[10], 0, 10));
            assertThrows(IllegalStateException.class, () -> channel.receive(ByteBuffer.allocate(10)));
            assertThrows(IllegalStateException.class, () -> channel.receive(Unpooled.buffer(10)));
        }
    }

    @Test
    void shouldTimeOutOpeningWhenTheStackDoesNotRunAndNotLeakTheSocket() throws Exception
    {
        try (StackPair pair = new StackPair(counters))
        {
            final UdpTimeoutException timeout = assertThrows(UdpTimeoutException.class,
                () -> pair.a.openUdpChannel(UdpChannelConfig.of(0, 6000).withTimeout(SHORT_NS, new SystemClock())));
            assertTrue(timeout.getMessage().contains("did not open the UDP channel"), timeout.getMessage());
            pair.cycle();
            assertEquals(0, pair.a.udp().openChannels());
            assertEquals(0, pair.a.udp().openSockets(), "the abandoned open did not open a socket");
            pair.a.close();
            final IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> pair.a.openUdpChannel(0, 6000));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
    }

    @Test
    void shouldCloseChannelsWhenTheStackCloses() throws Exception
    {
        try (StackPair pair = new StackPair(counters))
        {
            final UdpChannel channel = pair.a.udp().openChannel(UdpChannelConfig.of(0, 6000));
            assertTrue(channel.trySend(new byte[10], 0, 10, Frames.IP_B, 9));
            pair.a.close();
            assertTrue(channel.isClosed());
            assertTrue(channel.isReleased());
            assertEquals(1, channel.sendDrops(), "the datagram still queued is counted");
            final IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> channel.trySend(new byte[10], 0, 10, Frames.IP_B, 9));
            assertTrue(closed.getMessage().contains("its stack closed"), closed.getMessage());
        }
    }

    @Test
    void shouldCarryByteArraysByteBuffersAndByteBufs() throws Exception
    {
        try (StackPair pair = new StackPair(counters, MemoryWireConfig.DEFAULT,
            c -> c.staticArp(Frames.IP_B, Frames.MAC_B), c -> c.staticArp(Frames.IP_A, Frames.MAC_A)))
        {
            final UdpChannel a = pair.a.udp().openChannel(UdpChannelConfig.of(0, 5000).withPeer(Frames.IP_B, 9));
            final UdpChannel b = pair.b.udp().openChannel(UdpChannelConfig.of(Frames.IP_B, 9));
            final byte[] data = new byte[1200];
            for (int i = 0; i < data.length; i++)
            {
                data[i] = (byte)(i * 7 + 3);
            }
            final ByteBuffer heap = ByteBuffer.wrap(data, 100, 300);
            final ByteBuffer direct = ByteBuffer.allocateDirect(500).put(data, 0, 500).flip().position(20);
            final ByteBuffer readOnly = ByteBuffer.wrap(data, 5, 50).asReadOnlyBuffer();
            final ByteBuf heapBuf = Unpooled.copiedBuffer(data, 0, 700).readerIndex(1);
            final ByteBuf directBuf = Unpooled.directBuffer(1200).writeBytes(data);
            final CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.copiedBuffer(data, 0, 10))
                .addComponent(true, Unpooled.directBuffer(20).writeBytes(data, 10, 20));
            assertTrue(a.trySend(data, 3, 97));
            assertTrue(a.trySend(heap));
            assertEquals(400, heap.position());
            assertTrue(a.trySend(direct, Frames.IP_B, 9));
            assertEquals(500, direct.position());
            assertTrue(a.trySend(readOnly));
            assertTrue(a.trySend(heapBuf));
            assertEquals(700, heapBuf.readerIndex());
            a.send(directBuf);
            assertEquals(1200, directBuf.readerIndex());
            assertTrue(a.trySend(composite, Frames.IP_B, 9));
            assertEquals(30, composite.readerIndex());
            a.send(new byte[0], 0, 0);
            pair.runUntil(() -> b.receivedDatagrams() == 8, 10_000_000L);

            final byte[] array = new byte[2000];
            assertEquals(97, b.tryReceive(array, 1, 1999));
            assertArrayEquals(slice(data, 3, 97), slice(array, 1, 97));
            assertEquals(Frames.IP_A, b.lastSourceAddress());
            assertEquals(5000, b.lastSourcePort());

            final ByteBuffer intoHeap = ByteBuffer.allocate(1000).position(10);
            assertEquals(300, b.tryReceive(intoHeap));
            assertEquals(310, intoHeap.position());
            assertArrayEquals(slice(data, 100, 300), slice(intoHeap.array(), 10, 300));

            final ByteBuffer intoDirect = ByteBuffer.allocateDirect(100);
            assertEquals(480, b.tryReceive(intoDirect), "the full length is returned");
            assertEquals(100, intoDirect.position(), "only the room was filled");
            assertArrayEquals(slice(data, 20, 100), bytes(intoDirect.flip()));

            final ByteBuffer intoDirect2 = ByteBuffer.allocateDirect(100);
            assertEquals(50, b.receive(intoDirect2));
            assertArrayEquals(slice(data, 5, 50), bytes(intoDirect2.flip()));

            final ByteBuf intoHeapBuf = Unpooled.buffer(1000, 1000).writerIndex(3);
            assertEquals(699, b.tryReceive(intoHeapBuf));
            assertEquals(702, intoHeapBuf.writerIndex());
            assertArrayEquals(slice(data, 1, 699), bytes(intoHeapBuf.skipBytes(3)));

            final ByteBuf intoDirectBuf = Unpooled.directBuffer(2000, 2000);
            assertEquals(1200, b.receive(intoDirectBuf));
            assertArrayEquals(data, bytes(intoDirectBuf));

            final ByteBuf intoComposite = Unpooled.compositeBuffer()
                .addComponent(Unpooled.directBuffer(16, 16).writerIndex(16))
                .addComponent(Unpooled.buffer(16, 16).writerIndex(16));
            intoComposite.writerIndex(0);
            assertEquals(30, b.tryReceive(intoComposite));
            assertArrayEquals(slice(data, 0, 30), bytes(intoComposite));

            assertEquals(0, b.receive(array, 0, array.length), "an empty datagram");
            assertEquals(UdpChannel.NOTHING, b.tryReceive(Unpooled.buffer(10)));
            assertEquals(UdpChannel.NOTHING, b.tryReceive(ByteBuffer.allocate(10)));
            for (final ByteBuf buf : new ByteBuf[] {heapBuf, directBuf, composite, intoHeapBuf, intoDirectBuf,
                intoComposite})
            {
                buf.release();
            }
        }
    }

    private static byte[] slice(final byte[] from, final int offset, final int length)
    {
        final byte[] out = new byte[length];
        System.arraycopy(from, offset, out, 0, length);
        return out;
    }

    private static byte[] bytes(final ByteBuffer buffer)
    {
        final byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static byte[] bytes(final ByteBuf buffer)
    {
        final byte[] out = new byte[buffer.readableBytes()];
        buffer.readBytes(out);
        return out;
    }

    @Test
    void shouldAllocateNothingOnTheApplicationThreadAndTheStackThreadInSteadyState() throws Exception
    {
        try (ThreadedPair pair = new ThreadedPair(counters, "alloc"))
        {
            final UdpSocket server = pair.b.openUdpSocketAsync(0, ECHO_PORT).get(10, TimeUnit.SECONDS);
            final CompletableFuture<Void> echoing = new CompletableFuture<>();
            assertTrue(pair.b.submit((stack, now) ->
            {
                server.handler((s, segment, offset, length, address, port) ->
                    s.send(segment, offset, length, address, port));
                echoing.complete(null);
            }));
            echoing.get(10, TimeUnit.SECONDS);
            final UdpChannel client = pair.a.openUdpChannel(pair.channel(0, 0).withPeer(Frames.IP_B, ECHO_PORT));
            final byte[] array = new byte[256];
            final ByteBuffer direct = ByteBuffer.allocateDirect(256);
            final ByteBuf heapBuf = Unpooled.buffer(256, 256);
            final ByteBuf directBuf = Unpooled.directBuffer(256, 256);
            final long[] roundTrips = new long[1];
            final Allocations.Round round = () ->
            {
                for (int burst = 0; burst < 10; burst++)
                {
                    for (int i = 0; i < 100; i++)
                    {
                        final int length = 16 + i;
                        switch (i & 3)
                        {
                            case 0 -> client.send(array, 0, length);
                            case 1 ->
                            {
                                direct.clear().limit(length);
                                client.send(direct);
                            }
                            case 2 ->
                            {
                                heapBuf.clear().writerIndex(length);
                                client.send(heapBuf);
                            }
                            default ->
                            {
                                directBuf.clear().writerIndex(length);
                                client.send(directBuf);
                            }
                        }
                    }
                    for (int i = 0; i < 100; i++)
                    {
                        final int n;
                        switch (i % 3)
                        {
                            case 0 -> n = client.receive(array, 0, array.length);
                            case 1 -> n = client.receive(direct.clear());
                            default -> n = client.receive(directBuf.clear());
                        }
                        if (n != 16 + i)
                        {
                            throw new AssertionError("echoed " + n + " bytes instead of " + (16 + i));
                        }
                        roundTrips[0]++;
                    }
                }
            };
            Allocations.assertSteadyStateAllocatesNothing("sending and receiving 1000 datagrams through a channel"
                + " in every buffer type", 20, 10, round);

            final StringBuilder seen = new StringBuilder();
            boolean clean = false;
            for (int attempt = 0; attempt < 10 && !clean; attempt++)
            {
                pair.startMeasuring();
                for (int r = 0; r < 3; r++)
                {
                    round.run();
                }
                final long bytes = pair.stopMeasuring();
                seen.append(attempt == 0 ? "" : ", ").append(bytes);
                clean = bytes == 0;
            }
            assertTrue(clean, "the stack thread allocated bytes in every measured window: " + seen);
            assertEquals(roundTrips[0], client.receivedDatagrams());
            assertEquals(0, client.receiveDrops() + client.sendDrops() + client.sendErrors());
            heapBuf.release();
            directBuf.release();
        }
    }
}
