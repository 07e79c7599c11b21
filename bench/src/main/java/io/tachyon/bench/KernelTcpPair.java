package io.tachyon.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The kernel baseline's connection: two {@code java.nio} {@link SocketChannel}s connected over the loopback
 * (127.0.0.1), TCP_NODELAY on both, non-blocking. {@link #startServerThread} runs the server application on a
 * busy-polling thread of its own (the {@code threaded} variants).
 */
final class KernelTcpPair implements AutoCloseable
{
    /** The client's end. */
    final SocketChannel client;
    /** The server's end. */
    final SocketChannel server;
    private Thread serverThread;
    private volatile boolean running = true;
    /** What made the server thread stop, if anything did. */
    volatile Throwable failure;

    /** Connects the two channels. */
    KernelTcpPair() throws IOException
    {
        try (ServerSocketChannel listener = ServerSocketChannel.open())
        {
            listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            client = SocketChannel.open(listener.getLocalAddress());
            server = listener.accept();
        }
        for (final SocketChannel channel : new SocketChannel[] {client, server})
        {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
        }
    }

    /** Runs {@code work} (the server application; it may throw {@link IllegalStateException}) in a busy loop. */
    void startServerThread(final IntSupplier work)
    {
        serverThread = new Thread(() ->
        {
            try
            {
                while (running)
                {
                    if (work.getAsInt() == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
        }, "kernel-tcp-server");
        serverThread.setDaemon(true);
        serverThread.start();
    }

    /** Stops the server thread and closes both channels. */
    @Override
    public void close() throws IOException
    {
        running = false;
        if (serverThread != null)
        {
            try
            {
                serverThread.join(TimeUnit.SECONDS.toMillis(5));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        client.close();
        server.close();
    }
}
