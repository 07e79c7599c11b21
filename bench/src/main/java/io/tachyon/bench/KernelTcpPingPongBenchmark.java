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
import org.openjdk.jmh.infra.IterationParams;

/**
 * The kernel baseline for {@link TcpPingPongBenchmark}: the same ping-pong through the operating system's TCP over
 * the loopback, with {@code java.nio} {@link java.nio.channels.SocketChannel}s (TCP_NODELAY, non-blocking, direct
 * buffers: no allocation per round trip). {@code inline}: the benchmark thread also does the server's reads and
 * writes, so each round trip is four system calls on one thread plus the kernel's TCP/IP both ways; {@code threaded}:
 * the server busy-polls on its own thread. HdrHistogram: {@code bench/target/hdr/tcp-pingpong-kernel-MODE-SIZE.hgrm}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class KernelTcpPingPongBenchmark
{
    /** {@code inline} (one thread does both ends) or {@code threaded} (the server has its own thread). */
    @Param({"inline", "threaded"})
    public String mode;

    /** The message size in bytes. */
    @Param({"64"})
    public int size;

    private KernelTcpPair pair;
    private boolean inline;
    private ByteBuffer ping;
    private ByteBuffer pong;
    private ByteBuffer echoBuffer;
    private LatencyRecorder recorder;
    private long roundTrips;

    /**
     * JMH needs a public constructor.
     */
    public KernelTcpPingPongBenchmark()
    {
    }

    /**
     * Connects, starts the server thread ({@code threaded}) and makes a first round trip.
     *
     * @throws IOException if the connection cannot be made.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        inline = BenchSetup.inline(mode);
        recorder = new LatencyRecorder("tcp-pingpong-kernel-" + mode + "-" + size);
        ping = ByteBuffer.allocateDirect(size);
        BenchSetup.fill(ping, size);
        pong = ByteBuffer.allocateDirect(size);
        echoBuffer = ByteBuffer.allocateDirect(64 * 1024);
        pair = new KernelTcpPair();
        if (!inline)
        {
            pair.startServerThread(this::echo);
        }
        roundTrip();
    }

    /** The server application: writes back whatever arrived. */
    private int echo()
    {
        try
        {
            echoBuffer.clear();
            final int n = pair.server.read(echoBuffer);
            if (n > 0)
            {
                echoBuffer.flip();
                while (echoBuffer.hasRemaining())
                {
                    pair.server.write(echoBuffer);
                }
            }
            return Math.max(0, n);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Starts an iteration's histogram afresh.
     */
    @Setup(Level.Iteration)
    public void setUpIteration()
    {
        recorder.beginIteration();
    }

    /**
     * Keeps a measurement iteration's round trips for the trial's percentiles.
     *
     * @param params the iteration, injected by JMH.
     */
    @TearDown(Level.Iteration)
    @SuppressWarnings("exports") // JMH's IterationParams; jmh.core is not required transitively
    public void tearDownIteration(final IterationParams params)
    {
        recorder.endIteration(params);
    }

    /**
     * One round trip: write the ping, poll until the whole pong is read.
     *
     * @return the number of round trips so far.
     * @throws IOException if the kernel refuses a read or write.
     */
    @Benchmark
    public long roundTrip() throws IOException
    {
        recorder.startRoundTrip();
        ping.clear();
        while (ping.hasRemaining())
        {
            pair.client.write(ping);
        }
        pong.clear();
        while (pong.hasRemaining())
        {
            if (inline)
            {
                echo();
            }
            if (pair.client.read(pong) < 0)
            {
                throw new IllegalStateException("the server closed the connection");
            }
            if (recorder.overdue())
            {
                throw new IllegalStateException("no pong within 5 s; server failure: " + pair.failure);
            }
        }
        recorder.endRoundTrip();
        return ++roundTrips;
    }

    /**
     * Prints the trial's percentiles, writes the {@code .hgrm} file, stops the server thread and closes the channels.
     *
     * @throws IOException if a channel cannot be closed.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        try
        {
            recorder.endTrial();
        }
        finally
        {
            pair.close();
        }
    }
}
