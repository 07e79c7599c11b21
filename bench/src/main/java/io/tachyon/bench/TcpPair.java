package io.tachyon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;

import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.stack.Stack;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;

/**
 * Two in-process Tachyon stacks on a fault-free {@link MemoryWire} with the real
 * {@link io.tachyon.time.SystemClock} ({@link WiredStacks}), and one TCP connection between them (NODELAY on both
 * ends): the client 10.0.0.1 connected to the server 10.0.0.2 port 7. The connection is set up inline (one thread drives both stacks); {@link #startServerThread} then moves the server
 * stack, and the server's application work, onto a busy-spinning thread of its own.
 */
final class TcpPair implements AutoCloseable
{
    private static final int PORT = 7;
    private static final long SETUP_TIMEOUT_NS = 5_000_000_000L;

    /** The wire. */
    final MemoryWire wire;
    /** The client stack (10.0.0.1). */
    final Stack client;
    /** The server stack (10.0.0.2). */
    final Stack server;
    /** The client's end of the connection. */
    final TcpSocket clientSocket;
    /** The server's end of the connection. */
    final TcpSocket serverSocket;
    private final WiredStacks stacks;
    private AgentRunner serverRunner;

    /** Builds both stacks and connects them inline. */
    TcpPair() throws IOException
    {
        stacks = new WiredStacks("bench-tcp");
        wire = stacks.wire;
        client = stacks.client;
        server = stacks.server;
        final TcpListener listener = server.tcp().listen(PORT, 4);
        clientSocket = client.tcp().open().nodelay(true).connect(WiredStacks.SERVER_ADDRESS, PORT);
        TcpSocket accepted = null;
        final long start = System.nanoTime();
        while (accepted == null || !clientSocket.isEstablished())
        {
            client.doWork();
            server.doWork();
            if (accepted == null)
            {
                accepted = listener.accept();
            }
            if (System.nanoTime() - start > SETUP_TIMEOUT_NS)
            {
                throw new IllegalStateException("no TCP connection within 5 s: client " + clientSocket.state());
            }
        }
        serverSocket = accepted.nodelay(true);
        listener.close();
    }

    /** Runs the server stack and {@code work} (the server application) on a busy-spinning thread of their own. */
    void startServerThread(final IntSupplier work)
    {
        final Agent agent = new Agent()
        {
            @Override
            public int doWork() throws Exception
            {
                return server.doWork() + work.getAsInt();
            }

            @Override
            public void onClose()
            {
                server.close();
            }

            @Override
            public String roleName()
            {
                return "bench-tcp-server";
            }
        };
        serverRunner = new AgentRunner(new BusySpinIdleStrategy(), Throwable::printStackTrace, null, agent);
        AgentRunner.startOnThread(serverRunner);
    }

    /** Stops the server thread, closes both stacks and the wire. */
    @Override
    public void close()
    {
        if (serverRunner != null)
        {
            serverRunner.close();
        }
        try
        {
            stacks.close(serverRunner != null);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
