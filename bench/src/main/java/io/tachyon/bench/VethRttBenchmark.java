package io.tachyon.bench;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.afxdp.AfXdpConfig;
import io.tachyon.driver.afxdp.AfXdpDriver;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.time.SystemClock;
import io.tachyon.udp.UdpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
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
 * Ping-pong round trips over a real veth pair (root only): {@code tachyon} = two Tachyon stacks on the AF_XDP
 * driver, one on each end of the pair (both ends in the benchmark's namespace, no kernel addresses, copy mode);
 * {@code kernel} = the kernel's sockets on the same kind of pair, the client in the benchmark's namespace and the
 * echo server in a namespace of its own (its thread entered it with setns). Both servers run on their own thread
 * and busy-poll (Tachyon: {@code doWork} in a loop; kernel: a non-blocking {@code java.nio} channel in a loop, the
 * portable form of SO_BUSY_POLL, which Java cannot set); the benchmark thread is the client and busy-polls too.
 * UDP: one datagram of {@code size} bytes out, its echo back. TCP: one connection (TCP_NODELAY), {@code size} bytes
 * out, the same back.
 * <p>
 * Where the benchmark cannot run (not root, no AF_XDP), the trial's setup fails with "skipped: REASON" and JMH goes
 * on with the next one. Percentiles: JMH's and the HdrHistogram ({@link LatencyRecorder}) of every round trip,
 * {@code bench/target/hdr/veth-rtt-STACK-TRANSPORT-SIZE.hgrm}. On a 2-vCPU VM two busy threads plus veth's softirq
 * share two cores: expect noise.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class VethRttBenchmark
{
    private static final int PORT = 7;
    private static final long TIMEOUT_NS = 5_000_000_000L;
    private static final SystemClock CLOCK = new SystemClock();

    /** {@code tachyon} (AF_XDP at both ends) or {@code kernel} (kernel sockets at both ends). */
    @Param({"tachyon", "kernel"})
    public String stack;

    /** {@code udp} or {@code tcp}. */
    @Param({"udp", "tcp"})
    public String transport;

    /** The message size in bytes. */
    @Param({"64"})
    public int size;

    private VethLab lab;
    private LatencyRecorder recorder;
    private boolean tachyon;
    private boolean tcp;
    private Path counters;
    private final byte[] out = new byte[65_536];
    private final byte[] in = new byte[65_536];
    private Thread serverThread;
    private volatile boolean running = true;
    private volatile Throwable serverFailure;

    private AfXdpDriver clientDriver;
    private AfXdpDriver serverDriver;
    private Stack clientStack;
    private Stack serverStack;
    private UdpSocket udpSocket;
    private TcpSocket tcpSocket;
    private int serverAddress;

    private DatagramChannel kernelUdp;
    private SocketChannel kernelTcp;
    private ByteBuffer outBuffer;
    private ByteBuffer inBuffer;

    /**
     * JMH needs a public constructor.
     */
    public VethRttBenchmark()
    {
    }

    /**
     * Creates the veth pair, the server and the client, and makes two first round trips.
     *
     * @throws IOException if a kernel socket fails.
     * @throws InterruptedException if interrupted while the server starts.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException
    {
        final String reason = VethLab.unavailableReason();
        if (reason != null)
        {
            throw new IllegalStateException("skipped: " + reason);
        }
        tachyon = switch (stack)
        {
            case "tachyon" -> true;
            case "kernel" -> false;
            default -> throw new IllegalArgumentException("stack must be tachyon or kernel: " + stack);
        };
        tcp = switch (transport)
        {
            case "tcp" -> true;
            case "udp" -> false;
            default -> throw new IllegalArgumentException("transport must be udp or tcp: " + transport);
        };
        recorder = new LatencyRecorder("veth-rtt-" + stack + "-" + transport + "-" + size);
        BenchSetup.fill(out, size);
        if (tachyon)
        {
            try
            {
                setUpTachyon();
            }
            catch (final DriverException e)
            {
                throw new IllegalStateException("skipped: AF_XDP is not usable here (" + e.getMessage() + ")", e);
            }
        }
        else
        {
            setUpKernel();
        }
        roundTrip();
        roundTrip();
    }

    private void setUpTachyon() throws IOException, InterruptedException
    {
        lab = VethLab.create(false);
        counters = Files.createTempDirectory("tachyon-bench-veth");
        final int clientAddress = Ipv4Address.parse(lab.addressA);
        serverAddress = Ipv4Address.parse(lab.addressB);
        clientDriver = new AfXdpDriver(AfXdpConfig.builder(lab.a).ipv4Address(clientAddress).frames(1024, 1024)
            .build());
        serverDriver = new AfXdpDriver(AfXdpConfig.builder(lab.b).ipv4Address(serverAddress).frames(1024, 1024)
            .build());
        clientDriver.open();
        serverDriver.open();
        clientStack = new Stack(StackConfig.builder().name("bench-veth-client").countersDirectory(counters)
            .mac(clientDriver.macAddress()).address(clientAddress, 24).build(), clientDriver, 0, CLOCK);
        serverStack = new Stack(StackConfig.builder().name("bench-veth-server").countersDirectory(counters)
            .mac(serverDriver.macAddress()).address(serverAddress, 24).build(), serverDriver, 0, CLOCK);
        clientDriver.start();
        serverDriver.start();
        clientStack.onStart();
        serverStack.onStart();
        final UdpSocket serverUdp = serverStack.openUdpSocket().bind(PORT);
        final TcpListener listener = serverStack.tcp().listen(PORT, 4);
        serverThread = new Thread(() -> serveTachyon(serverUdp, listener), "veth-tachyon-server");
        serverThread.setDaemon(true);
        serverThread.start();
        if (tcp)
        {
            tcpSocket = clientStack.tcp().open().nodelay(true).connect(serverAddress, PORT);
            final long deadline = CLOCK.nanoTime() + TIMEOUT_NS;
            while (!tcpSocket.isEstablished())
            {
                clientStack.doWork();
                if (CLOCK.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("no TCP connection: " + tcpSocket + "; server: " + serverFailure);
                }
            }
        }
        else
        {
            udpSocket = clientStack.openUdpSocket().bind(0).connect(serverAddress, PORT);
        }
    }

    /** The Tachyon server thread: its stack, a UDP echo and a TCP echo (one connection). */
    private void serveTachyon(final UdpSocket udp, final TcpListener listener)
    {
        final byte[] buffer = new byte[65_536];
        TcpSocket connection = null;
        try
        {
            while (running)
            {
                serverStack.doWork();
                final int n = udp.receive(buffer, 0, buffer.length);
                if (n >= 0)
                {
                    udp.send(buffer, 0, n, udp.lastSourceAddress(), udp.lastSourcePort());
                }
                if (connection == null)
                {
                    connection = listener.accept();
                    if (connection != null)
                    {
                        connection.nodelay(true);
                    }
                }
                else if (connection.readable() > 0)
                {
                    final int r = connection.read(buffer, 0, Math.min(buffer.length, connection.writable()));
                    int w = 0;
                    while (w < r)
                    {
                        w += connection.write(buffer, w, r - w);
                        if (w < r)
                        {
                            serverStack.doWork();
                        }
                    }
                }
            }
        }
        catch (final RuntimeException | Error e)
        {
            serverFailure = e;
        }
    }

    private void setUpKernel() throws IOException, InterruptedException
    {
        lab = VethLab.create(true);
        lab.addressOnA();
        lab.addressOnB();
        final CountDownLatch listening = new CountDownLatch(1);
        serverThread = new Thread(() -> serveKernel(listening), "veth-kernel-server");
        serverThread.setDaemon(true);
        serverThread.start();
        if (!listening.await(10, TimeUnit.SECONDS) || serverFailure != null)
        {
            throw new IllegalStateException("the kernel echo server did not start: " + serverFailure);
        }
        final InetSocketAddress server = new InetSocketAddress(lab.addressB, PORT);
        if (tcp)
        {
            kernelTcp = SocketChannel.open(server);
            kernelTcp.setOption(StandardSocketOptions.TCP_NODELAY, true);
            kernelTcp.configureBlocking(false);
        }
        else
        {
            kernelUdp = DatagramChannel.open().bind(new InetSocketAddress(lab.addressA, 0)).connect(server);
            kernelUdp.configureBlocking(false);
        }
        outBuffer = ByteBuffer.allocateDirect(size);
        outBuffer.put(0, out, 0, size);
        inBuffer = ByteBuffer.allocateDirect(65_536);
    }

    /** The kernel server thread: enters b's namespace, opens its socket there and echoes with a busy loop. */
    private void serveKernel(final CountDownLatch listening)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
        try
        {
            lab.enterNamespace();
            if (tcp)
            {
                try (ServerSocketChannel listener = ServerSocketChannel.open())
                {
                    listener.bind(new InetSocketAddress(lab.addressB, PORT));
                    listening.countDown();
                    try (SocketChannel c = listener.accept())
                    {
                        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        c.configureBlocking(false);
                        while (running)
                        {
                            buffer.clear();
                            final int n = c.read(buffer);
                            if (n < 0)
                            {
                                return;
                            }
                            buffer.flip();
                            while (buffer.hasRemaining())
                            {
                                c.write(buffer);
                            }
                        }
                    }
                }
            }
            else
            {
                try (DatagramChannel channel = DatagramChannel.open())
                {
                    channel.bind(new InetSocketAddress(lab.addressB, PORT));
                    channel.configureBlocking(false);
                    listening.countDown();
                    while (running)
                    {
                        buffer.clear();
                        final java.net.SocketAddress from = channel.receive(buffer);
                        if (from != null)
                        {
                            buffer.flip();
                            channel.send(buffer, from);
                        }
                    }
                }
            }
        }
        catch (final IOException | RuntimeException | Error e)
        {
            serverFailure = e;
            listening.countDown();
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
     * One round trip: send, then busy-poll until the whole echo is back.
     *
     * @return bytes received.
     * @throws IOException if a kernel socket fails.
     */
    @Benchmark
    public int roundTrip() throws IOException
    {
        final long start = recorder.startRoundTrip();
        final int got;
        if (tachyon)
        {
            got = tcp ? tachyonTcp(start) : tachyonUdp(start);
        }
        else
        {
            got = tcp ? kernelTcp(start) : kernelUdp(start);
        }
        recorder.endRoundTrip();
        return got;
    }

    private int tachyonUdp(final long start)
    {
        while (!udpSocket.send(out, 0, size))
        {
            clientStack.doWork();
            check(start);
        }
        while (true)
        {
            clientStack.doWork();
            final int n = udpSocket.receive(in, 0, in.length);
            if (n >= 0)
            {
                return n;
            }
            check(start);
        }
    }

    private int tachyonTcp(final long start)
    {
        int written = tcpSocket.write(out, 0, size);
        int read = 0;
        while (read < size)
        {
            clientStack.doWork();
            if (written < size)
            {
                written += tcpSocket.write(out, written, size - written);
            }
            final int n = tcpSocket.read(in, read, size - read);
            if (n < 0)
            {
                throw new IllegalStateException("the server closed the connection: " + serverFailure);
            }
            read += n;
            if (n == 0)
            {
                check(start);
            }
        }
        return read;
    }

    private int kernelUdp(final long start) throws IOException
    {
        outBuffer.clear();
        if (kernelUdp.write(outBuffer) != size)
        {
            throw new IllegalStateException("client write refused");
        }
        while (true)
        {
            inBuffer.clear();
            final int n = kernelUdp.read(inBuffer);
            if (n > 0)
            {
                return n;
            }
            check(start);
        }
    }

    private int kernelTcp(final long start) throws IOException
    {
        outBuffer.clear();
        while (outBuffer.hasRemaining())
        {
            kernelTcp.write(outBuffer);
        }
        inBuffer.clear().limit(size);
        while (inBuffer.hasRemaining())
        {
            if (kernelTcp.read(inBuffer) < 0)
            {
                throw new IllegalStateException("the server closed the connection: " + serverFailure);
            }
            check(start);
        }
        return size;
    }

    private void check(final long start)
    {
        if (System.nanoTime() - start > TIMEOUT_NS)
        {
            throw new IllegalStateException("no echo within 5 s (" + stack + " " + transport + "); server: "
                + serverFailure);
        }
    }

    /**
     * Prints the percentiles, stops the server, closes everything and deletes the veth pair.
     *
     * @throws IOException if a kernel socket cannot be closed.
     * @throws InterruptedException if interrupted while the server thread stops.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException
    {
        try
        {
            if (recorder != null)
            {
                recorder.endTrial();
            }
        }
        finally
        {
            running = false;
            if (kernelTcp != null)
            {
                kernelTcp.close();
            }
            if (kernelUdp != null)
            {
                kernelUdp.close();
            }
            if (serverThread != null)
            {
                serverThread.join(5_000);
            }
            if (clientStack != null)
            {
                clientStack.close();
            }
            if (serverStack != null)
            {
                serverStack.close();
            }
            if (clientDriver != null)
            {
                clientDriver.close();
            }
            if (serverDriver != null)
            {
                serverDriver.close();
            }
            if (lab != null)
            {
                lab.close();
            }
        }
    }
}
