package io.tachyon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.time.SystemClock;

/**
 * Two in-process Tachyon stacks on a fault-free, started {@link MemoryWire} with the real {@link SystemClock}: the
 * client 10.0.0.1 (MAC 02:00:00:00:00:01) on end A, the server 10.0.0.2 (02:00:00:00:00:02) on end B, both /24, their
 * counters in a temporary directory deleted by {@link #close(boolean)}.
 */
final class WiredStacks
{
    /** The client's address, 10.0.0.1. */
    static final int CLIENT_ADDRESS = 0x0a000001;
    /** The server's address, 10.0.0.2. */
    static final int SERVER_ADDRESS = 0x0a000002;
    private static final long CLIENT_MAC = 0x020000000001L;
    private static final long SERVER_MAC = 0x020000000002L;

    /** The counters directory. */
    final Path countersDirectory;
    /** The wire. */
    final MemoryWire wire;
    /** The client stack (10.0.0.1). */
    final Stack client;
    /** The server stack (10.0.0.2). */
    final Stack server;

    /**
     * Builds the wire and both stacks.
     *
     * @param name the stacks are named {@code NAME-client} and {@code NAME-server}; the counters directory's name
     *     starts with {@code tachyon-NAME-}.
     * @throws IOException if the counters directory cannot be created.
     */
    WiredStacks(final String name) throws IOException
    {
        countersDirectory = Files.createTempDirectory("tachyon-" + name + "-");
        final SystemClock clock = new SystemClock();
        wire = MemoryWire.of(clock);
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
        client = new Stack(StackConfig.builder().name(name + "-client").countersDirectory(countersDirectory)
            .mac(CLIENT_MAC).address(CLIENT_ADDRESS, 24).build(), wire.endpointA(), 0, clock);
        server = new Stack(StackConfig.builder().name(name + "-server").countersDirectory(countersDirectory)
            .mac(SERVER_MAC).address(SERVER_ADDRESS, 24).build(), wire.endpointB(), 0, clock);
    }

    /**
     * Closes the stacks (the server's only if {@code serverClosed} is false) and the wire, and deletes the counters
     * directory.
     *
     * @param serverClosed true if the server stack has been closed already (by the thread that ran it).
     * @throws IOException if the counters directory cannot be listed.
     */
    void close(final boolean serverClosed) throws IOException
    {
        if (!serverClosed)
        {
            server.close();
        }
        client.close();
        wire.close();
        BenchSetup.deleteRecursively(countersDirectory);
    }
}
