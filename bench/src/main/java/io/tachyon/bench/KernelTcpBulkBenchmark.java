package io.tachyon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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

/**
 * The kernel baseline for {@link TcpBulkBenchmark}: 1 MiB per operation from one {@code java.nio}
 * {@link java.nio.channels.SocketChannel} to another over the loopback (default kernel socket buffers, TCP_NODELAY,
 * non-blocking, 64 KiB direct buffers). {@code inline}: one thread writes and reads; {@code threaded}: the reader
 * busy-polls on its own thread. MB/s = ops/s &times; 1.048576.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class KernelTcpBulkBenchmark
{
    private static final int CHUNK = 64 * 1024;
    private static final long TIMEOUT_NS = 10_000_000_000L;

    /** {@code inline} (one thread does both ends) or {@code threaded} (the reader has its own thread). */
    @Param({"inline", "threaded"})
    public String mode;

    private KernelTcpPair pair;
    private boolean inline;
    private ByteBuffer source;
    private ByteBuffer sink;
    private volatile long received;
    private long sent;

    /**
     * JMH needs a public constructor.
     */
    public KernelTcpBulkBenchmark()
    {
    }

    /**
     * Connects and starts the reader thread ({@code threaded}).
     *
     * @throws IOException if the connection cannot be made.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        inline = BenchSetup.inline(mode);
        source = ByteBuffer.allocateDirect(CHUNK);
        BenchSetup.fill(source, CHUNK);
        sink = ByteBuffer.allocateDirect(CHUNK);
        pair = new KernelTcpPair();
        if (!inline)
        {
            pair.startServerThread(this::drain);
        }
    }

    /** The reader: takes whatever arrived. */
    private int drain()
    {
        try
        {
            sink.clear();
            final int n = pair.server.read(sink);
            if (n > 0)
            {
                received += n;
                return n;
            }
            return 0;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Moves 1 MiB from the client to the reader.
     *
     * @return bytes received so far.
     * @throws IOException if the kernel refuses a write.
     */
    @Benchmark
    public long transfer() throws IOException
    {
        final long start = System.nanoTime();
        final long target = sent + TcpBulkBenchmark.TRANSFER_BYTES;
        while (received < target)
        {
            if (sent < target)
            {
                source.clear();
                source.limit((int)Math.min(CHUNK, target - sent));
                sent += pair.client.write(source);
            }
            if (inline)
            {
                drain();
            }
            if (System.nanoTime() - start > TIMEOUT_NS)
            {
                throw new IllegalStateException("1 MiB not through within 10 s; reader failure: " + pair.failure);
            }
        }
        return received;
    }

    /**
     * Closes the connection.
     *
     * @throws IOException if a channel cannot be closed.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        pair.close();
    }
}
