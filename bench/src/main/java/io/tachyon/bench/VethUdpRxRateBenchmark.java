package io.tachyon.bench;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.afxdp.AfXdpConfig;
import io.tachyon.driver.afxdp.AfXdpDriver;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.time.SystemClock;
import io.tachyon.udp.UdpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
 * UDP receive rate on one core over a veth pair (root only): a generator floods {@code size}-byte datagrams into
 * end {@code a}, and one busy-polling thread receives them: {@code tachyon} = a Tachyon stack on the AF_XDP driver
 * on {@code a} with a UDP socket; {@code kernel} = a non-blocking kernel UDP socket ({@code java.nio}) bound to the
 * address the kernel owns on {@code a}. The generator is the same in both cases: a Tachyon stack on AF_XDP on end
 * {@code b}, sending as fast as it can on its own thread. The score (ops/s) is datagrams received per second by
 * the one receiving thread; the tear-down prints what the generator sent, because on veth the sender's CPU also
 * pays for the receiver's XDP program and copy (afxdp.md §15.2), so on a 2-core machine the rate is bounded by
 * the generator as much as by the receiver. Where the benchmark cannot run (not root, no AF_XDP), the setup fails
 * with "skipped: REASON".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class VethUdpRxRateBenchmark
{
    private static final int PORT = 9;
    private static final int GENERATOR_PORT = 9000;
    private static final long TIMEOUT_NS = 5_000_000_000L;
    private static final int BURST = 32;
    private static final SystemClock CLOCK = new SystemClock();

    /** The receiver: {@code tachyon} (AF_XDP) or {@code kernel} (a kernel UDP socket). */
    @Param({"tachyon", "kernel"})
    public String receiver;

    /** The UDP payload size in bytes. */
    @Param({"64"})
    public int size;

    private VethLab lab;
    private Path counters;
    private AfXdpDriver generatorDriver;
    private Stack generatorStack;
    private Thread generatorThread;
    private volatile boolean running = true;
    private volatile Throwable generatorFailure;
    private volatile long sent;
    private long startNs;
    private long received;

    private AfXdpDriver receiverDriver;
    private Stack receiverStack;
    private UdpSocket socket;
    private DatagramChannel channel;
    private final byte[] buffer = new byte[65_536];
    private final ByteBuffer direct = ByteBuffer.allocateDirect(65_536);

    /**
     * JMH needs a public constructor.
     */
    public VethUdpRxRateBenchmark()
    {
    }

    /**
     * Creates the pair, the receiver and the generator, and waits for the first datagram.
     *
     * @throws IOException if the kernel socket fails.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final String reason = VethLab.unavailableReason();
        if (reason != null)
        {
            throw new IllegalStateException("skipped: " + reason);
        }
        lab = VethLab.create(false);
        counters = Files.createTempDirectory("tachyon-bench-rx");
        try
        {
            setUpDrivers();
        }
        catch (final DriverException e)
        {
            throw new IllegalStateException("skipped: AF_XDP is not usable here (" + e.getMessage() + ")", e);
        }
        receive();
        startNs = System.nanoTime();
        received = 0;
    }

    private void setUpDrivers() throws IOException
    {
        final int receiverAddress = Ipv4Address.parse(lab.addressA);
        final int generatorAddress = Ipv4Address.parse(lab.addressB);
        switch (receiver)
        {
            case "tachyon" ->
            {
                receiverDriver = new AfXdpDriver(AfXdpConfig.builder(lab.a).ipv4Address(receiverAddress)
                    .frames(4096, 1024).ringSize(4096).build());
                receiverDriver.open();
                receiverStack = new Stack(StackConfig.builder().name("bench-rx").countersDirectory(counters)
                    .mac(receiverDriver.macAddress()).address(receiverAddress, 24).build(), receiverDriver, 0, CLOCK);
                receiverDriver.start();
                receiverStack.onStart();
                socket = receiverStack.openUdpSocket().bind(PORT);
            }
            case "kernel" ->
            {
                lab.addressOnA();
                channel = DatagramChannel.open().bind(new InetSocketAddress(lab.addressA, PORT))
                    .connect(new InetSocketAddress(lab.addressB, GENERATOR_PORT));
                channel.configureBlocking(false);
            }
            default -> throw new IllegalArgumentException("receiver must be tachyon or kernel: " + receiver);
        }
        generatorDriver = new AfXdpDriver(AfXdpConfig.builder(lab.b).ipv4Address(generatorAddress)
            .frames(2048, 4096).ringSize(4096).build());
        generatorDriver.open();
        generatorStack = new Stack(StackConfig.builder().name("bench-gen").countersDirectory(counters)
            .mac(generatorDriver.macAddress()).address(generatorAddress, 24).build(), generatorDriver, 0, CLOCK);
        generatorDriver.start();
        generatorStack.onStart();
        final UdpSocket out = generatorStack.openUdpSocket().bind(GENERATOR_PORT).connect(receiverAddress, PORT);
        generatorThread = new Thread(() -> generate(out), "veth-udp-generator");
        generatorThread.setDaemon(true);
        generatorThread.start();
    }

    /** The generator thread: sends bursts as long as the driver takes them. */
    private void generate(final UdpSocket out)
    {
        final byte[] payload = new byte[size];
        long count = 0;
        try
        {
            while (running)
            {
                for (int i = 0; i < BURST && out.send(payload, 0, size); i++)
                {
                    count++;
                }
                generatorStack.doWork();
                sent = count;
            }
        }
        catch (final RuntimeException | Error e)
        {
            generatorFailure = e;
        }
    }

    /**
     * Receives one datagram, busy-polling until one is there.
     *
     * @return its length.
     * @throws IOException if the kernel socket fails.
     */
    @Benchmark
    public int receive() throws IOException
    {
        final long start = System.nanoTime();
        int spins = 0;
        while (true)
        {
            final int n;
            if (socket != null)
            {
                n = socket.receive(buffer, 0, buffer.length);
                if (n < 0)
                {
                    receiverStack.doWork();
                }
            }
            else
            {
                direct.clear();
                final int r = channel.read(direct);
                n = r > 0 ? r : -1;
            }
            if (n >= 0)
            {
                received++;
                return n;
            }
            if (++spins == 1024)
            {
                spins = 0;
                if (System.nanoTime() - start > TIMEOUT_NS)
                {
                    throw new IllegalStateException("nothing received within 5 s; generator: " + generatorFailure);
                }
            }
        }
    }

    /**
     * Stops the generator, prints what it sent against what was received, closes everything.
     *
     * @throws IOException if the kernel socket cannot be closed.
     * @throws InterruptedException if interrupted while the generator stops.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException
    {
        running = false;
        try
        {
            if (generatorThread != null)
            {
                generatorThread.join(5_000);
                final double seconds = (System.nanoTime() - startNs) / 1e9;
                System.out.printf(Locale.ROOT, "%n[rate] %s receiver: generator sent %.0f datagrams/s, receiver got"
                    + " %.0f/s (%.1f%% of them)%n", receiver, sent / seconds, received / seconds,
                    sent == 0 ? 0.0 : 100.0 * received / sent);
            }
        }
        finally
        {
            if (channel != null)
            {
                channel.close();
            }
            if (receiverStack != null)
            {
                receiverStack.close();
            }
            if (generatorStack != null)
            {
                generatorStack.close();
            }
            if (receiverDriver != null)
            {
                receiverDriver.close();
            }
            if (generatorDriver != null)
            {
                generatorDriver.close();
            }
            if (lab != null)
            {
                lab.close();
            }
        }
    }
}
