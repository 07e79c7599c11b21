package io.tachyon.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
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
 * The kernel baseline for {@link UdpEchoBenchmark}: the same UDP echo round trip through the operating system's
 * loopback (127.0.0.1) with {@code java.nio} {@link DatagramChannel}s. The server runs on its own thread and
 * busy-polls a non-blocking channel (like the {@code threaded} variant's busy-spinning server stack); the benchmark
 * thread writes the datagram and busy-polls its own non-blocking channel for the echo. Both channels are connected
 * to each other and use direct buffers, so {@code read}/{@code write} allocate nothing (unlike {@code receive},
 * which returns a new address each time).
 * <p>
 * Each round trip is two system calls on the client (plus the empty polls) and two on the server, through the
 * kernel's UDP and IPv4 layers and the loopback device both ways. As with the {@code threaded} variant, two
 * busy-spinning threads on a two-core machine make the tail noisy.
 * <p>
 * Percentiles: JMH's ({@link Mode#SampleTime}), and the HdrHistogram of every round trip printed at the end of the
 * trial and written to {@code bench/target/hdr/udp-echo-kernel-SIZE.hgrm} (see {@link LatencyRecorder}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class KernelUdpEchoBenchmark
{
    /** The UDP payload size in bytes. */
    @Param({"64", "1024"})
    public int size;

    private DatagramChannel client;
    private DatagramChannel serverChannel;
    private EchoServer server;
    private Thread serverThread;
    private ByteBuffer out;
    private ByteBuffer in;
    private LatencyRecorder recorder;
    private long received;

    /**
     * JMH needs a public constructor.
     */
    public KernelUdpEchoBenchmark()
    {
    }

    /** The echo server: busy-polls its channel and writes every datagram back until stopped. */
    private static final class EchoServer implements Runnable
    {
        private final DatagramChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
        private volatile boolean running = true;
        private volatile Throwable failure;

        EchoServer(final DatagramChannel channel)
        {
            this.channel = channel;
        }

        @Override
        public void run()
        {
            try
            {
                while (running)
                {
                    buffer.clear();
                    if (channel.read(buffer) > 0)
                    {
                        buffer.flip();
                        channel.write(buffer);
                    }
                    else
                    {
                        Thread.onSpinWait();
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = ex;
            }
        }
    }

    /**
     * Opens and connects both channels, starts the server thread and makes a first round trip.
     *
     * @throws IOException if a channel cannot be opened.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        recorder = new LatencyRecorder("udp-echo-kernel-" + size);
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        serverChannel = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        client = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        client.connect(serverChannel.getLocalAddress());
        serverChannel.connect(client.getLocalAddress());
        client.configureBlocking(false);
        serverChannel.configureBlocking(false);
        out = ByteBuffer.allocateDirect(size);
        BenchSetup.fill(out, size);
        in = ByteBuffer.allocateDirect(65_536);
        server = new EchoServer(serverChannel);
        serverThread = new Thread(server, "kernel-echo-server");
        serverThread.setDaemon(true);
        serverThread.start();
        roundTrip();
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
     * One round trip: write, then busy-poll until the echo is read.
     *
     * @return the number of echoes received so far.
     * @throws IOException if the kernel refuses a read or write.
     */
    @Benchmark
    public long roundTrip() throws IOException
    {
        recorder.startRoundTrip();
        out.clear();
        if (client.write(out) != size)
        {
            throw new IllegalStateException("client write refused (socket buffer full)");
        }
        while (true)
        {
            in.clear();
            final int length = client.read(in);
            if (length > 0)
            {
                if (length != size)
                {
                    throw new IllegalStateException("echo of " + length + " bytes, sent " + size);
                }
                break;
            }
            if (recorder.overdue())
            {
                throw new IllegalStateException("no echo within 5 s; server failure: " + server.failure);
            }
        }
        recorder.endRoundTrip();
        return ++received;
    }

    /**
     * Prints the trial's percentiles, writes the {@code .hgrm} file, stops the server thread and closes the
     * channels.
     *
     * @throws IOException if a channel cannot be closed.
     * @throws InterruptedException if interrupted while waiting for the server thread.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException
    {
        try
        {
            recorder.endTrial();
        }
        finally
        {
            server.running = false;
            serverThread.join(TimeUnit.SECONDS.toMillis(5));
            client.close();
            serverChannel.close();
        }
    }
}
