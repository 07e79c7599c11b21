package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.tcp.TcpConfig;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;
import io.tachyon.time.SystemClock;

/**
 * Many concurrent connections between two stacks on one thread (virtual clock): open them all, exchange data on
 * each, measure the memory an idle established connection costs, close them all through TIME-WAIT. The 100k run is
 * tagged {@code slow}; a 2 000-connection run is part of every build.
 * <p>
 * Memory per connection end (one stack's TCB and socket): the heap used after a full GC with all connections idle
 * and established, minus the heap used before opening them, divided by the number of ends (two per connection); plus
 * the native memory of its send and receive rings, allocated when the pooled connection is created (the JDK's
 * {@code direct} buffer pool bean does not count FFM arenas, so this is the configured size). Both depend on the
 * configuration used here: 4 KiB send and receive buffers, 8 out-of-order blocks. The timer wheel keeps its default
 * capacity: the stack adds room for one timer per connection (without it the TIME-WAITs would never expire).
 */
class StackTcpManyConnectionsTest
{
    private static final int BATCH = 64;
    private static final int BUFFER = 4096;
    private static final int MESSAGE = 16;
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    @TempDir
    Path counters;

    @Test
    void shouldOpenUseAndCloseTwoThousandConnections() throws Exception
    {
        final double[] perEnd = run(2_000);
        assertTrue(perEnd[0] > 0 && perEnd[0] < 64 * 1024, "heap per end " + perEnd[0]);
    }

    @Test
    @Tag("slow")
    void shouldOpenUseAndCloseOneHundredThousandConnections() throws Exception
    {
        final double[] perEnd = run(100_000);
        assertTrue(perEnd[0] > 0 && perEnd[0] < 16 * 1024, "heap per end " + perEnd[0]);
    }

    /** Opens, uses and closes {@code n} connections; returns {heap bytes, native bytes} per idle connection end. */
    private double[] run(final int n) throws Exception
    {
        final TcpConfig tcp = TcpConfig.DEFAULT.withMaxConnections(n + BATCH).withBuffers(BUFFER, BUFFER);
        final TcpConfig config = new TcpConfig(tcp.maxConnections(), tcp.sendBufferBytes(),
            tcp.receiveBufferBytes(), tcp.timeWaitNs(), tcp.delayedAckNs(), tcp.retries(), tcp.synRetries(),
            tcp.congestionControl(), tcp.windowScaling(), tcp.sack(), tcp.timestamps(), 8);
        final SystemClock wallClock = new SystemClock();
        final long started = wallClock.nanoTime();
        try (StackPair pair = new StackPair(counters, MemoryWireConfig.DEFAULT,
            c -> c.tcp(config).ephemeralPorts(1024, 65_535), c -> c.tcp(config).ephemeralPorts(1024, 65_535)))
        {
            pair.idleStepNs = MS; // when both stacks idle, only timers (1 ms ticks) can be waited for
            final TcpListener[] listeners = {pair.b.tcp().listen(80, 4096), pair.b.tcp().listen(81, 4096)};
            final TcpSocket[] clients = new TcpSocket[n];
            final TcpSocket[] servers = new TcpSocket[n];
            final byte[] message = new byte[MESSAGE];
            final byte[] buffer = new byte[BUFFER];
            final long heapBefore = heapUsedAfterGc();
            // open, in batches the wire's 256 frame buffers can carry
            int accepted = 0;
            for (int start = 0; start < n; start += BATCH)
            {
                final int end = Math.min(n, start + BATCH);
                for (int i = start; i < end; i++)
                {
                    clients[i] = pair.a.tcp().open().nodelay(true).connect(Frames.IP_B, 80 + (i & 1));
                }
                final long deadline = pair.clock.nanoTime() + 10 * SECOND;
                while (accepted < end || !allEstablished(clients, start, end))
                {
                    step(pair, deadline, "opening connection " + accepted + " of " + n);
                    for (final TcpListener listener : listeners)
                    {
                        TcpSocket socket;
                        while ((socket = listener.accept()) != null)
                        {
                            servers[accepted++] = socket.nodelay(true);
                        }
                    }
                }
            }
            assertEquals(n, pair.a.tcp().connectionCount());
            assertEquals(n, pair.b.tcp().connectionCount());
            // exchange: each client sends a message, its server echoes it
            for (int start = 0; start < n; start += BATCH)
            {
                final int end = Math.min(n, start + BATCH);
                final int[] echoed = new int[end - start];
                for (int i = start; i < end; i++)
                {
                    message[0] = (byte)i;
                    assertEquals(MESSAGE, clients[i].write(message, 0, MESSAGE));
                }
                final long deadline = pair.clock.nanoTime() + 10 * SECOND;
                int done = 0;
                while (done < end - start)
                {
                    step(pair, deadline, "exchanging on connection " + (start + done) + " of " + n);
                    done = 0;
                    for (int i = start; i < end; i++)
                    {
                        final int r = servers[i].read(buffer, 0, BUFFER);
                        if (r > 0)
                        {
                            assertEquals(r, servers[i].write(buffer, 0, r));
                        }
                        if (echoed[i - start] < MESSAGE)
                        {
                            echoed[i - start] += Math.max(0, clients[i].read(buffer, 0, BUFFER));
                        }
                        done += echoed[i - start] == MESSAGE ? 1 : 0;
                    }
                }
            }
            // idle: let the delayed ACKs go out, then measure
            pair.run(200 * MS);
            final long heapIdle = heapUsedAfterGc();
            for (int i = 0; i < n; i++)
            {
                assertEquals(TcpState.ESTABLISHED, clients[i].state(), "client " + i);
                assertEquals(TcpState.ESTABLISHED, servers[i].state(), "server " + i);
            }
            final double heapPerEnd = (heapIdle - heapBefore) / (2.0 * n);
            // native: each pooled connection allocates its send and receive rings (64-byte aligned) when created
            final double nativePerEnd = config.sendBufferBytes() + config.receiveBufferBytes();
            System.out.printf(Locale.ROOT, "%d idle established TCP connections: %.0f heap bytes and %.0f native bytes"
                + " (%d-byte send and receive buffers) per connection end, %.1f s%n", n, heapPerEnd, nativePerEnd,
                BUFFER, (wallClock.nanoTime() - started) / 1e9);
            // close: the clients first (they go through TIME-WAIT), the servers once they read the end of stream
            for (int start = 0; start < n; start += BATCH)
            {
                final int end = Math.min(n, start + BATCH);
                for (int i = start; i < end; i++)
                {
                    clients[i].close();
                }
                final long deadline = pair.clock.nanoTime() + 10 * SECOND;
                int closed = 0;
                while (closed < end - start)
                {
                    step(pair, deadline, "closing connection " + (start + closed) + " of " + n);
                    closed = 0;
                    for (int i = start; i < end; i++)
                    {
                        if (servers[i].state() == TcpState.CLOSE_WAIT && servers[i].read(buffer, 0, BUFFER) < 0)
                        {
                            servers[i].close();
                        }
                        closed += servers[i].state() == TcpState.CLOSED ? 1 : 0;
                    }
                }
            }
            pair.idleStepNs = 10 * MS; // nothing but TIME-WAIT timers left
            pair.run(pair.a.tcp().config().timeWaitNs() + SECOND);
            assertEquals(0, pair.a.tcp().connectionCount(), "all TIME-WAITs expired");
            assertEquals(0, pair.b.tcp().connectionCount());
            for (final TcpSocket client : clients)
            {
                assertEquals(TcpState.CLOSED, client.state());
            }
            return new double[] {heapPerEnd, nativePerEnd};
        }
    }

    private static boolean allEstablished(final TcpSocket[] sockets, final int start, final int end)
    {
        for (int i = start; i < end; i++)
        {
            if (!sockets[i].isEstablished())
            {
                return false;
            }
        }
        return true;
    }

    private static void step(final StackPair pair, final long deadline, final String what)
    {
        if (pair.clock.nanoTime() - deadline > 0)
        {
            fail("stuck " + what);
        }
        if (pair.cycle() == 0)
        {
            pair.clock.advance(StackPair.IDLE_STEP_NS);
        }
    }

    /** Heap used after a full collection (through reflection: the test module does not read java.management). */
    private static long heapUsedAfterGc() throws ReflectiveOperationException
    {
        final Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getMemoryMXBean")
            .invoke(null);
        final Class<?> type = Class.forName("java.lang.management.MemoryMXBean");
        for (int i = 0; i < 3; i++)
        {
            type.getMethod("gc").invoke(bean);
        }
        final Object usage = type.getMethod("getHeapMemoryUsage").invoke(bean);
        return (long)Class.forName("java.lang.management.MemoryUsage").getMethod("getUsed").invoke(usage);
    }
}
