package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tachyon.tcp.TcpChannel;
import io.tachyon.tcp.TcpChannelConfig;
import io.tachyon.tcp.TcpError;
import io.tachyon.tcp.TcpException;
import io.tachyon.tcp.TcpLingerResult;
import io.tachyon.tcp.TcpServerChannel;
import io.tachyon.tcp.TcpState;
import io.tachyon.tcp.TcpTimeoutException;

/**
 * The blocking TCP facade on real threads: a {@link ThreadedPair} runs both stacks on one stack thread; application
 * threads use {@link TcpChannel}s with waits bounded by a wall clock.
 */
class TcpChannelTest
{
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private static TcpChannelConfig config(final ThreadedPair pair)
    {
        return TcpChannelConfig.DEFAULT.withTimeout(ThreadedPair.WAIT_NS, pair.wallClock);
    }

    private static void readFully(final TcpChannel channel, final byte[] into)
    {
        int got = 0;
        while (got < into.length)
        {
            final int n = channel.read(into, got, Math.min(into.length - got, 65_536));
            if (n < 0)
            {
                throw new AssertionError("end of stream after " + got + " of " + into.length);
            }
            got += n;
        }
    }

    private static Thread start(final String name, final AtomicReference<Throwable> failure, final Runnable body)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable ex)
            {
                failure.compareAndSet(null, ex);
            }
        }, name);
        thread.start();
        return thread;
    }

    private static void join(final ThreadedPair pair, final Thread thread)
    {
        pair.awaitTrue(() -> !thread.isAlive(), thread.getName());
    }

    @Test
    void shouldTransferTenMebibytesBothWaysByteExact()
    {
        try (ThreadedPair pair = new ThreadedPair(dir, "bulk"))
        {
            final TcpServerChannel server = pair.b.openTcpServerChannel(80, 8, config(pair));
            final TcpChannel client = pair.a.openTcpChannel(Frames.IP_B, 80, config(pair).withNodelay(true));
            final TcpChannel accepted = server.accept();
            assertEquals(TcpState.ESTABLISHED, client.state());
            assertEquals(client.localPort() > 0, true);
            final byte[] up = Frames.pattern(10 * MIB, 1);
            final byte[] down = Frames.pattern(10 * MIB, 2);
            final byte[] upGot = new byte[up.length];
            final byte[] downGot = new byte[down.length];
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread[] threads = {
                start("client-writer", failure, () ->
                {
                    for (int at = 0; at < up.length; at += 100_000)
                    {
                        client.write(up, at, Math.min(100_000, up.length - at));
                    }
                    client.shutdownOutput();
                }),
                start("server-writer", failure, () ->
                {
                    accepted.write(ByteBuffer.wrap(down));
                    accepted.shutdownOutput();
                }),
                start("server-reader", failure, () ->
                {
                    readFully(accepted, upGot);
                    assertEquals(-1, accepted.read(new byte[1], 0, 1));
                }),
            };
            readFully(client, downGot);
            assertEquals(-1, client.read(new byte[1], 0, 1), "end of stream after the peer's shutdown");
            assertTrue(client.isEndOfStream());
            for (final Thread thread : threads)
            {
                join(pair, thread);
            }
            if (failure.get() != null)
            {
                throw new AssertionError(failure.get());
            }
            assertArrayEquals(up, upGot);
            assertArrayEquals(down, downGot);
            client.close();
            accepted.close();
            server.close();
            pair.awaitTrue(() -> client.isReleased() && accepted.isReleased() && server.isReleased(), "release");
            assertThrows(IllegalStateException.class, () -> client.write(new byte[1], 0, 1));
            assertThrows(IllegalStateException.class, () -> client.read(new byte[1], 0, 1));
            assertThrows(IllegalStateException.class, server::accept);
        }
    }

    @Test
    void shouldServeManyChannelsAtOnceAndForgetThemWhenClosed()
    {
        try (ThreadedPair pair = new ThreadedPair(dir, "many"))
        {
            final int count = 8;
            final TcpServerChannel server = pair.b.openTcpServerChannel(80, count, config(pair));
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread echo = start("echo-server", failure, () ->
            {
                final TcpChannel[] accepted = new TcpChannel[count];
                for (int i = 0; i < count; i++)
                {
                    accepted[i] = server.accept();
                }
                final byte[] buffer = new byte[8192];
                final boolean[] done = new boolean[count];
                int open = count;
                while (open > 0)
                {
                    for (int i = 0; i < count; i++)
                    {
                        if (done[i])
                        {
                            continue;
                        }
                        final int n = accepted[i].tryRead(buffer, 0, buffer.length);
                        if (n < 0)
                        {
                            accepted[i].close();
                            done[i] = true;
                            open--;
                        }
                        else if (n > 0)
                        {
                            accepted[i].write(buffer, 0, n);
                        }
                    }
                    Thread.onSpinWait();
                }
            });
            final TcpChannel[] clients = new TcpChannel[count];
            for (int i = 0; i < count; i++)
            {
                clients[i] = pair.a.openTcpChannel(Frames.IP_B, 80, config(pair));
            }
            final Thread[] writers = new Thread[count];
            final byte[][] sent = new byte[count][];
            for (int i = 0; i < count; i++)
            {
                final int k = i;
                sent[k] = Frames.pattern(256 * 1024 + k, 20 + k);
                writers[k] = start("writer-" + k, failure, () ->
                {
                    clients[k].write(sent[k], 0, sent[k].length);
                    clients[k].shutdownOutput();
                });
            }
            for (int i = 0; i < count; i++)
            {
                final byte[] got = new byte[sent[i].length];
                readFully(clients[i], got);
                assertArrayEquals(sent[i], got, "channel " + i);
                assertEquals(-1, clients[i].read(new byte[1], 0, 1));
                clients[i].close();
            }
            for (final Thread writer : writers)
            {
                join(pair, writer);
            }
            join(pair, echo);
            if (failure.get() != null)
            {
                throw new AssertionError(failure.get());
            }
            server.close();
            for (final TcpChannel client : clients)
            {
                pair.awaitTrue(client::isReleased, "client channel released");
            }
            pair.awaitTrue(server::isReleased, "server channel released");
        }
    }

    @Test
    void shouldCarryNettyBuffersAndWaitForTheLingerOnClose()
    {
        try (ThreadedPair pair = new ThreadedPair(dir, "linger"))
        {
            final TcpServerChannel server = pair.b.openTcpServerChannel(80, 8, config(pair));
            final TcpChannel client = pair.a.openTcpChannel(Frames.IP_B, 80,
                config(pair).withLingerNs(1_000_000_000L).withRings(4096, 4096));
            final TcpChannel accepted = server.accept();
            final byte[] data = Frames.pattern(100_000, 4);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread writer = start("writer", failure, () ->
            {
                final ByteBuf direct = Unpooled.directBuffer(data.length).writeBytes(data);
                client.write(direct);
                direct.release();
                client.close();
            });
            final ByteBuf into = Unpooled.buffer(data.length, data.length);
            while (into.isWritable())
            {
                assertTrue(accepted.read(into) > 0);
            }
            join(pair, writer);
            if (failure.get() != null)
            {
                throw new AssertionError(failure.get());
            }
            final byte[] got = new byte[data.length];
            into.readBytes(got);
            assertArrayEquals(data, got);
            assertEquals(TcpLingerResult.ACKNOWLEDGED, client.lingerResult(), "close waited for the acknowledgment");
            assertEquals(-1, accepted.read(new byte[1], 0, 1));
            accepted.close();
        }
    }

    @Test
    void shouldReportRefusedConnectionsAndTimeouts()
    {
        try (ThreadedPair pair = new ThreadedPair(dir, "errors"))
        {
            final TcpException refused = assertThrows(TcpException.class,
                () -> pair.a.openTcpChannel(Frames.IP_B, 81, config(pair)));
            assertEquals(TcpError.REFUSED, refused.error());

            final TcpServerChannel server = pair.b.openTcpServerChannel(80, 8, config(pair));
            assertThrows(TcpTimeoutException.class, () -> server.accept(50_000_000L));
            final TcpChannel client = pair.a.openTcpChannel(Frames.IP_B, 80,
                config(pair).withTimeout(50_000_000L, pair.wallClock));
            final TcpChannel accepted = server.accept();
            final TcpTimeoutException timeout = assertThrows(TcpTimeoutException.class,
                () -> client.read(new byte[10], 0, 10));
            assertTrue(timeout.getMessage().contains("read"), timeout.getMessage());
            assertEquals(0, client.tryRead(new byte[10], 0, 10));
            assertThrows(IllegalStateException.class, () -> pair.b.openTcpServerChannel(80, 8, config(pair)),
                "the port has a listener");
            client.close();
            accepted.close();
        }
    }

    @Test
    void shouldReportAResetToTheReaderAndTheWriter()
    {
        try (ThreadedPair pair = new ThreadedPair(dir, "reset"))
        {
            final TcpServerChannel server = pair.b.openTcpServerChannel(80, 8, config(pair).withLingerNs(0));
            final TcpChannel client = pair.a.openTcpChannel(Frames.IP_B, 80, config(pair));
            final TcpChannel accepted = server.accept();
            client.write(new byte[] {1, 2, 3}, 0, 3);
            final byte[] got = new byte[3];
            readFully(accepted, got);
            accepted.close(); // linger 0: a RST
            final TcpException reset = assertThrows(TcpException.class, () -> client.read(new byte[10], 0, 10));
            assertEquals(TcpError.RESET, reset.error());
            assertThrows(TcpException.class, () -> client.write(new byte[1], 0, 1));
            assertEquals(TcpLingerResult.ABORTED, accepted.lingerResult());
            client.close();
        }
    }
}
