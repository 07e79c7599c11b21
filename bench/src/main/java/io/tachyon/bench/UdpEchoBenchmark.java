package io.tachyon.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
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

import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.stack.Stack;
import io.tachyon.time.SystemClock;
import io.tachyon.udp.UdpHandler;
import io.tachyon.udp.UdpSocket;

/**
 * UDP echo round trip between two in-process Tachyon stacks: a client (10.0.0.1) sends a datagram of
 * {@link #size} bytes to an echo server (10.0.0.2, port 7) over a fault-free {@link MemoryWire} and waits for the
 * echo. The server echoes with the zero-copy {@link UdpHandler} (the payload is copied once, from the RX buffer
 * straight into a TX buffer); the client receives with one too. Time is the real {@link SystemClock}.
 * <p>
 * Two variants ({@link #mode}):
 * <ul>
 *   <li>{@code inline}: the benchmark thread runs both stacks' duty cycles alternately (client, server, client, ...)
 *       until the echo arrives: the pure processing cost of a round trip through two stacks (Ethernet, ARP lookup,
 *       IPv4, UDP with checksums, both ways, and the MemoryWire's two copies per frame), with no thread
 *       handoff;</li>
 *   <li>{@code threaded}: the server stack runs on its own thread (an Agrona {@link AgentRunner} with a
 *       {@link BusySpinIdleStrategy}), the benchmark thread drives the client stack: adds two cross-core handoffs
 *       through the MemoryWire's lock-free queues per round trip. Both threads busy-spin, so on a machine with only
 *       two cores (shared with anything else) this variant is noisy: any other runnable thread preempts one of the
 *       spinners and shows up as a tail of tens of microseconds to milliseconds.</li>
 * </ul>
 * JMH samples every round trip's time ({@link Mode#SampleTime}, percentiles in its report); in addition every round
 * trip is recorded into an HdrHistogram (see {@link LatencyRecorder}), printed at the end of the trial as
 * p50/p90/p99/p99.9/max and written to {@code bench/target/hdr/udp-echo-MODE-SIZE.hgrm}. ARP is resolved during
 * setup, before the first warm-up iteration. Compare with {@link KernelUdpEchoBenchmark}, the same echo through
 * the kernel's loopback.
 * <p>
 * Allocation: the round trip allocates nothing (0 bytes per round trip on every thread, measured with
 * {@code com.sun.management.ThreadMXBean} over 500,000 round trips of each variant). {@code -prof gc} reports a
 * small {@code gc.alloc.rate.norm} (0.2 to 2.5 B/op): that is the forked JVM's background (JMH's own threads), a
 * roughly constant 0.2 to 0.3 MB/s (up to about 1 MB/s in one-second iterations) for both variants and the kernel
 * baseline whatever their round-trip rate, so it is not per round trip; in an iteration where the threads are
 * starved of CPU (few round trips) the same background divided by few operations shows as hundreds of B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class UdpEchoBenchmark
{
    private static final int SERVER_ADDRESS = WiredStacks.SERVER_ADDRESS;
    private static final int ECHO_PORT = 7;
    private static final int CLIENT_PORT = 40_000;

    /** {@code inline} (one thread drives both stacks) or {@code threaded} (the server stack has its own thread). */
    @Param({"inline", "threaded"})
    public String mode;

    /** The UDP payload size in bytes. */
    @Param({"64", "1024"})
    public int size;

    private WiredStacks stacks;
    private MemoryWire wire;
    private Stack client;
    private Stack server;
    private AgentRunner serverRunner;
    private boolean inline;
    private UdpSocket socket;
    private final EchoHandler echo = new EchoHandler();
    private final ReplyHandler replies = new ReplyHandler();
    private Arena arena;
    private MemorySegment payload;
    private LatencyRecorder recorder;

    /**
     * JMH needs a public constructor.
     */
    public UdpEchoBenchmark()
    {
    }

    /** The server's zero-copy echo: sends the payload straight back from the RX buffer. */
    private static final class EchoHandler implements UdpHandler
    {
        long failed;

        @Override
        public void onDatagram(final UdpSocket from, final MemorySegment segment, final long offset, final int length,
            final int sourceAddress, final int sourcePort)
        {
            if (!from.send(segment, offset, length, sourceAddress, sourcePort))
            {
                failed++;
            }
        }
    }

    /** The client's receive side: counts echoes and checks their length. */
    private static final class ReplyHandler implements UdpHandler
    {
        long received;
        long wrongLength;
        int expectedLength;

        @Override
        public void onDatagram(final UdpSocket from, final MemorySegment segment, final long offset, final int length,
            final int sourceAddress, final int sourcePort)
        {
            received++;
            if (length != expectedLength)
            {
                wrongLength++;
            }
        }
    }

    /**
     * Builds the wire and both stacks, opens the sockets, starts the server thread ({@code threaded}) and resolves
     * ARP with a first round trip.
     *
     * @throws IOException if the counters directory cannot be created.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        inline = BenchSetup.inline(mode);
        recorder = new LatencyRecorder("udp-echo-" + mode + "-" + size);
        stacks = new WiredStacks("bench");
        wire = stacks.wire;
        client = stacks.client;
        server = stacks.server;
        server.openUdpSocket().bind(ECHO_PORT).handler(echo);
        socket = client.openUdpSocket().bind(CLIENT_PORT).handler(replies).connect(SERVER_ADDRESS, ECHO_PORT);
        replies.expectedLength = size;

        arena = Arena.ofShared();
        payload = arena.allocate(size, 64);
        BenchSetup.fill(payload, size);

        if (!inline)
        {
            serverRunner = new AgentRunner(new BusySpinIdleStrategy(), Throwable::printStackTrace, null, server);
            AgentRunner.startOnThread(serverRunner);
        }
        roundTrip(); // resolves ARP both ways (the server learns the client's MAC from the request)
        roundTrip();
        if (replies.received != 2 || client.arp().pendingCount(SERVER_ADDRESS) != 0)
        {
            throw new IllegalStateException("warm-up echo failed: received " + replies.received);
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
     * One round trip: send, then drive the stack(s) until the echo is back.
     *
     * @return the number of echoes received so far, so nothing is optimised away.
     */
    @Benchmark
    public long roundTrip()
    {
        recorder.startRoundTrip();
        final long expected = replies.received + 1;
        if (!socket.send(payload, 0, size))
        {
            throw new IllegalStateException("client send refused: no TX buffer");
        }
        while (replies.received != expected)
        {
            client.doWork();
            if (inline && replies.received != expected)
            {
                server.doWork();
            }
            if (recorder.overdue())
            {
                throw new IllegalStateException("no echo within 5 s: " + diagnosis());
            }
        }
        recorder.endRoundTrip();
        return expected;
    }

    private String diagnosis()
    {
        return "client errors=" + client.lastError() + ", server errors=" + server.lastError() + ", echo send failures="
            + echo.failed + ", a->b sent/delivered=" + wire.aToB().sent() + "/" + wire.aToB().delivered()
            + ", b->a sent/delivered=" + wire.bToA().sent() + "/" + wire.bToA().delivered();
    }

    /**
     * Prints the trial's percentiles, writes the {@code .hgrm} file, stops the server thread and frees everything.
     *
     * @throws IOException if the counters directory cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        try
        {
            recorder.endTrial();
            if (replies.wrongLength != 0 || echo.failed != 0)
            {
                throw new IllegalStateException("echoes of the wrong length: " + replies.wrongLength
                    + ", echo send failures: " + echo.failed);
            }
        }
        finally
        {
            if (serverRunner != null)
            {
                serverRunner.close(); // stops the thread; its onClose closes the server stack
            }
            arena.close();
            stacks.close(serverRunner != null);
        }
    }
}
