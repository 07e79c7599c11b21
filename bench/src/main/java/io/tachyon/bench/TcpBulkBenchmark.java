package io.tachyon.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.tachyon.tcp.TcpSocket;

/**
 * Single-flow TCP bulk throughput between two in-process Tachyon stacks ({@link TcpPair}; default 256 KiB socket
 * buffers, MSS 1460 on the MemoryWire's 1500-byte MTU): one operation moves {@link #TRANSFER_BYTES} (1 MiB) from the
 * client to the server application, written in 64 KiB pieces and read as it arrives. Throughput in operations per
 * second; MB/s = ops/s &times; 1.048576. Variants ({@link #mode}): {@code inline} (one thread runs both stacks, the
 * writer and the reader) and {@code threaded} (the server stack and the reader on their own busy-spinning thread).
 * Baseline: {@link KernelTcpBulkBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class TcpBulkBenchmark
{
    /** Bytes moved by one operation. */
    public static final int TRANSFER_BYTES = 1 << 20;
    private static final int CHUNK = 64 * 1024;
    private static final long TIMEOUT_NS = 10_000_000_000L;

    /** {@code inline} (one thread drives both stacks) or {@code threaded} (the server stack has its own thread). */
    @Param({"inline", "threaded"})
    public String mode;

    private TcpPair pair;
    private boolean inline;
    private Arena arena;
    private MemorySegment source;
    private MemorySegment sink;
    /** Bytes the server application has read so far (written by the server thread when threaded). */
    private volatile long received;
    private long sent;

    /**
     * JMH needs a public constructor.
     */
    public TcpBulkBenchmark()
    {
    }

    /**
     * Builds the stacks, connects and starts the server thread ({@code threaded}).
     *
     * @throws IOException if the counters directory cannot be created.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        inline = BenchSetup.inline(mode);
        arena = Arena.ofShared();
        source = arena.allocate(CHUNK, 64);
        sink = arena.allocate(CHUNK, 64);
        BenchSetup.fill(source, CHUNK);
        pair = new TcpPair();
        if (!inline)
        {
            pair.startServerThread(this::drain);
        }
    }

    /** The server application: reads whatever arrived. */
    private int drain()
    {
        final int n = pair.serverSocket.read(sink, 0, CHUNK);
        if (n > 0)
        {
            received += n;
            return n;
        }
        return 0;
    }

    /**
     * Moves 1 MiB from the client to the server application.
     *
     * @return bytes received so far.
     */
    @Benchmark
    public long transfer()
    {
        final long start = System.nanoTime();
        final TcpSocket socket = pair.clientSocket;
        final long target = sent + TRANSFER_BYTES;
        while (received < target)
        {
            if (sent < target)
            {
                final int n = (int)Math.min(CHUNK, target - sent);
                sent += socket.write(source, 0, n);
            }
            pair.client.doWork();
            if (inline)
            {
                pair.server.doWork();
                drain();
            }
            if (System.nanoTime() - start > TIMEOUT_NS)
            {
                throw new IllegalStateException("1 MiB not through within 10 s: " + socket + " " + socket.error());
            }
        }
        return received;
    }

    /**
     * Frees everything.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        pair.close();
        arena.close();
    }
}
