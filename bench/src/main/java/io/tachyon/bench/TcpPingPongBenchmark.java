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
import org.openjdk.jmh.infra.IterationParams;

import io.tachyon.tcp.TcpSocket;

/**
 * TCP ping-pong round trip between two in-process Tachyon stacks ({@link TcpPair}: MemoryWire, real clock, one
 * established connection with NODELAY): the client writes {@link #size} bytes, the server reads them and writes them
 * back, the client reads them. Payloads live in off-heap segments; the round trip allocates nothing.
 * <p>
 * Variants ({@link #mode}), as {@link UdpEchoBenchmark}: {@code inline} (the benchmark thread runs both stacks'
 * duty cycles and the server's echo: the processing cost of a round trip through two TCP/IP stacks) and
 * {@code threaded} (the server stack and its echo run on a busy-spinning thread of their own: two cross-core
 * handoffs per round trip; noisy on a two-core machine). Every round trip is also recorded by {@link LatencyRecorder}
 * ({@code bench/target/hdr/tcp-pingpong-MODE-SIZE.hgrm}). Baseline: {@link KernelTcpPingPongBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class TcpPingPongBenchmark
{
    /** {@code inline} (one thread drives both stacks) or {@code threaded} (the server stack has its own thread). */
    @Param({"inline", "threaded"})
    public String mode;

    /** The message size in bytes. */
    @Param({"64"})
    public int size;

    private TcpPair pair;
    private boolean inline;
    private Arena arena;
    private MemorySegment ping;
    private MemorySegment pong;
    private MemorySegment echoBuffer;
    private LatencyRecorder recorder;
    private long roundTrips;

    /**
     * JMH needs a public constructor.
     */
    public TcpPingPongBenchmark()
    {
    }

    /**
     * Builds the stacks, connects, starts the server thread ({@code threaded}) and makes a first round trip.
     *
     * @throws IOException if the counters directory cannot be created.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        inline = BenchSetup.inline(mode);
        recorder = new LatencyRecorder("tcp-pingpong-" + mode + "-" + size);
        arena = Arena.ofShared();
        ping = arena.allocate(size, 64);
        pong = arena.allocate(size, 64);
        echoBuffer = arena.allocate(64 * 1024, 64);
        BenchSetup.fill(ping, size);
        pair = new TcpPair();
        if (!inline)
        {
            pair.startServerThread(this::echo);
        }
        roundTrip();
        if (ping.mismatch(pong) != -1)
        {
            throw new IllegalStateException("the echo differs from what was sent");
        }
    }

    /** The server application: writes back whatever arrived. */
    private int echo()
    {
        final TcpSocket socket = pair.serverSocket;
        final int n = socket.read(echoBuffer, 0, (int)echoBuffer.byteSize());
        if (n > 0 && socket.write(echoBuffer, 0, n) != n)
        {
            throw new IllegalStateException("server send buffer full");
        }
        return Math.max(0, n);
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
     * One round trip: write the ping, drive the stack(s) until the whole pong is read.
     *
     * @return the number of round trips so far.
     */
    @Benchmark
    public long roundTrip()
    {
        recorder.startRoundTrip();
        final TcpSocket socket = pair.clientSocket;
        if (socket.write(ping, 0, size) != size)
        {
            throw new IllegalStateException("client send buffer full");
        }
        int got = 0;
        while (got < size)
        {
            pair.client.doWork();
            if (inline)
            {
                pair.server.doWork();
                echo();
            }
            final int n = socket.read(pong, got, size - got);
            if (n > 0)
            {
                got += n;
            }
            else if (n < 0)
            {
                throw new IllegalStateException("connection closed: " + socket.state() + " " + socket.error());
            }
            if (recorder.overdue())
            {
                throw new IllegalStateException("no pong within 5 s: " + socket + " " + socket.error());
            }
        }
        recorder.endRoundTrip();
        return ++roundTrips;
    }

    /**
     * Prints the trial's percentiles, writes the {@code .hgrm} file and frees everything.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            recorder.endTrial();
        }
        finally
        {
            pair.close();
            arena.close();
        }
    }
}
