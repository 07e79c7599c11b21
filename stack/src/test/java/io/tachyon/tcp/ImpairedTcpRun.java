package io.tachyon.tcp;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import io.tachyon.driver.memory.FaultProfile;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.stack.Frames;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.time.VirtualClock;

/**
 * One seeded run of the impaired-wire property: two stacks on a {@link MemoryWire} with seeded loss, duplication,
 * reordering, corruption and delay in both directions, driven on one thread with a virtual clock. Each side writes
 * a random stream in random pieces, reads in random pieces, shuts its output down once everything is written and
 * closes once it has read the end of the peer's stream. Invariants are checked after every duty cycle.
 * {@link #run} returns null when the run passed, else what went wrong.
 */
final class ImpairedTcpRun
{
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long MAX_VIRTUAL_NS = 3_600 * SECOND;
    private static final long MAX_CYCLES = 20_000_000L;
    private static final int PORT = 7_000;
    private static final Field CONNECTION;

    static
    {
        try
        {
            CONNECTION = TcpSocket.class.getDeclaredField("connection");
            CONNECTION.setAccessible(true);
        }
        catch (final NoSuchFieldException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final long seed;
    private final SplittableRandom random;
    private final VirtualClock clock = new VirtualClock();
    private final Side[] sides = new Side[2];
    private String scenario = "";

    /** One end: its socket, the stream it sends, what it received, and its invariant trackers. */
    private static final class Side
    {
        final String name;
        TcpSocket socket;
        byte[] out;
        int written;
        byte[] in;
        int received;
        boolean shut;
        boolean closed;
        boolean eof;
        int maxChunk;
        int maxRead;

        final EdgeWatchDriver driver;
        EdgeWatchDriver peerDriver;

        Side(final String name, final EdgeWatchDriver driver)
        {
            this.name = name;
            this.driver = driver;
        }
    }

    ImpairedTcpRun(final long seed)
    {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    private FaultProfile faults()
    {
        FaultProfile f = FaultProfile.NONE.withLoss(random.nextDouble() * 0.30);
        if (random.nextInt(3) > 0)
        {
            f = f.withDuplication(random.nextDouble() * 0.10);
        }
        if (random.nextInt(3) > 0)
        {
            f = f.withReordering(random.nextDouble() * 0.20, 1 + random.nextLong(5 * MS));
        }
        if (random.nextInt(3) > 0)
        {
            f = f.withCorruption(random.nextDouble() * 0.05);
        }
        if (random.nextInt(3) > 0)
        {
            f = f.withDelay(random.nextLong(2 * MS), random.nextLong(MS));
        }
        return f;
    }

    private TcpConfig tcpConfig()
    {
        final int[] buffers = {4096, 8192, 16_384, 65_536, 256 * 1024};
        return TcpConfig.DEFAULT.withRetries(30, 30).withTimeWaitNs(2 * SECOND)
            .withBuffers(buffers[random.nextInt(buffers.length)], buffers[random.nextInt(buffers.length)])
            .withOptions(random.nextBoolean(), random.nextBoolean(), random.nextBoolean());
    }

    /** Runs the scenario of this seed; null when every check passed, else the first failure. */
    String run(final Path counters)
    {
        final FaultProfile aToB = faults();
        final FaultProfile bToA = faults();
        final TcpConfig configA = tcpConfig();
        final TcpConfig configB = tcpConfig();
        final MemoryWireConfig wireConfig = MemoryWireConfig.DEFAULT.withSeed(seed).withAToB(aToB).withBToA(bToA);
        final MemoryWire wire = new MemoryWire(wireConfig, clock);
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
        final boolean scaling = configA.windowScaling() && configB.windowScaling();
        final EdgeWatchDriver driverA = new EdgeWatchDriver(wire.endpointA(), scaling ? shiftFor(configA) : 0);
        final EdgeWatchDriver driverB = new EdgeWatchDriver(wire.endpointB(), scaling ? shiftFor(configB) : 0);
        final Stack a = new Stack(StackConfig.builder().name("a").secretSeed(seed).countersDirectory(counters)
            .mac(Frames.MAC_A).address(Frames.IP_A, 24).staticArp(Frames.IP_B, Frames.MAC_B).tcp(configA).build(),
            driverA, 0, clock);
        final Stack b = new Stack(StackConfig.builder().name("b").secretSeed(~seed).countersDirectory(counters)
            .mac(Frames.MAC_B).address(Frames.IP_B, 24).staticArp(Frames.IP_A, Frames.MAC_A).tcp(configB).build(),
            driverB, 0, clock);
        sides[0] = new Side("A", driverA);
        sides[1] = new Side("B", driverB);
        sides[0].peerDriver = driverB;
        sides[1].peerDriver = driverA;
        scenario = "A->B " + aToB + ", B->A " + bToA + ", A " + configA + ", B " + configB;
        try
        {
            return exchange(a, b);
        }
        catch (final RuntimeException | AssertionError ex)
        {
            return "threw " + ex + " at " + clock.nanoTime() + " ns";
        }
        finally
        {
            a.close();
            b.close();
            wire.close();
        }
    }

    private String exchange(final Stack a, final Stack b)
    {
        for (final Side side : sides)
        {
            final int n = random.nextInt(4) == 0 ? random.nextInt(64) : random.nextInt(64 * 1024 + 1);
            side.out = new byte[n];
            random.nextBytes(side.out);
            side.maxChunk = 1 + random.nextInt(random.nextBoolean() ? 512 : 16 * 1024);
            side.maxRead = 1 + random.nextInt(random.nextBoolean() ? 512 : 16 * 1024);
        }
        final TcpListener listener = b.tcp().listen(PORT, 4);
        sides[0].socket = a.tcp().open().nodelay(random.nextBoolean()).connect(Frames.IP_B, PORT);
        final boolean nodelayB = random.nextBoolean();
        final long end = clock.nanoTime() + MAX_VIRTUAL_NS;
        long idle = 0;
        for (long cycle = 0; cycle < MAX_CYCLES; cycle++)
        {
            if (clock.nanoTime() - end > 0)
            {
                return "not done after " + MAX_VIRTUAL_NS / SECOND + " s of virtual time: " + status();
            }
            int work = a.doWork() + b.doWork();
            if (sides[1].socket == null)
            {
                final TcpSocket accepted = listener.accept();
                if (accepted != null)
                {
                    sides[1].socket = accepted.nodelay(nodelayB);
                    work++;
                }
            }
            for (int i = 0; i < 2; i++)
            {
                if (sides[i].socket != null)
                {
                    final String broken = checkInvariants(sides[i]);
                    if (broken != null)
                    {
                        return broken + " (" + status() + ")";
                    }
                    work += act(sides[i], sides[1 - i]);
                }
            }
            if (sides[1].socket == null && sides[0].socket.state() == TcpState.CLOSED)
            {
                return "the client closed before the server accepted: " + status();
            }
            if (done())
            {
                return verdict();
            }
            if (work == 0)
            {
                idle++;
                clock.advance(Math.min(50 * MS, 10_000L << Math.min(idle, 12)));
            }
            else
            {
                idle = 0;
            }
        }
        return "not done after " + MAX_CYCLES + " cycles: " + status();
    }

    /** The application on one side: a random write, a random read, shutdown, close. Returns work done. */
    private int act(final Side side, final Side peer)
    {
        final TcpSocket socket = side.socket;
        int work = 0;
        final TcpState state = socket.state();
        final boolean open = state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
            || state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        if (!side.shut && open && side.written < side.out.length && random.nextInt(4) != 0)
        {
            final int n = Math.min(side.out.length - side.written, 1 + random.nextInt(side.maxChunk));
            final int accepted = socket.write(side.out, side.written, n);
            side.written += accepted;
            work += accepted;
        }
        // CLOSE in SYN-SENT deletes the TCB (RFC 9293 §3.10.4): shut down only once synchronized
        final boolean synced = state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT;
        if (!side.shut && synced && side.written == side.out.length && random.nextInt(8) == 0)
        {
            socket.shutdownOutput();
            side.shut = true;
            work++;
        }
        if (!side.closed && !side.eof && random.nextInt(3) != 0)
        {
            if (side.in == null)
            {
                side.in = new byte[peer.out.length + 1];
            }
            final int room = side.in.length - side.received;
            final int r = socket.read(side.in, side.received, Math.min(room, 1 + random.nextInt(side.maxRead)));
            if (r < 0)
            {
                side.eof = true;
                work++;
            }
            else if (r > 0)
            {
                if (side.received + r > peer.out.length || !Arrays.equals(side.in, side.received,
                    side.received + r, peer.out, side.received, side.received + r))
                {
                    throw new AssertionError(side.name + " read " + r + " bytes at offset " + side.received
                        + " that differ from what " + peer.name + " wrote (" + peer.out.length + " bytes)");
                }
                side.received += r;
                work += r;
            }
        }
        if (!side.closed && side.shut && side.eof)
        {
            socket.close();
            side.closed = true;
            work++;
        }
        return work;
    }

    private boolean done()
    {
        for (final Side side : sides)
        {
            if (side.socket == null)
            {
                return false;
            }
            final TcpState state = side.socket.state();
            if (state != TcpState.CLOSED && state != TcpState.TIME_WAIT)
            {
                return false;
            }
            if (!side.closed && side.socket.error() == TcpError.NONE)
            {
                return false;
            }
        }
        return true;
    }

    private String verdict()
    {
        for (int i = 0; i < 2; i++)
        {
            final Side side = sides[i];
            final Side peer = sides[1 - i];
            if (side.received != peer.out.length || !side.eof)
            {
                return side.name + " received " + side.received + " of " + peer.out.length + " bytes, end of stream "
                    + side.eof + ": " + status();
            }
            if (side.written != side.out.length)
            {
                return side.name + " wrote only " + side.written + " of " + side.out.length + ": " + status();
            }
        }
        return null;
    }

    /** Checks the connection under one socket; null when all hold. */
    private String checkInvariants(final Side side)
    {
        final TcpConnection c = connectionOf(side.socket);
        if (c == null)
        {
            return null;
        }
        final TcpState state = c.state;
        if (state == TcpState.CLOSED || state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED)
        {
            return null;
        }
        if (Seq.gt(c.sndUna, c.sndNxt) || Seq.gt(c.sndNxt, c.sndMax))
        {
            return side.name + ": SND.UNA " + u(c.sndUna) + " <= SND.NXT " + u(c.sndNxt) + " <= SND.MAX "
                + u(c.sndMax) + " broken";
        }
        final long flight = Seq.diff(c.sndMax, c.sndUna);
        if (flight > c.sendQueue.capacity() + 1L)
        {
            return side.name + ": " + flight + " bytes in flight exceed the send buffer " + c.sendQueue.capacity();
        }
        if (c.sendQueue.buffered() > c.sendQueue.capacity())
        {
            return side.name + ": send queue holds " + c.sendQueue.buffered() + " > " + c.sendQueue.capacity();
        }
        // the receiver's advertised right edge never moves left (checked on every segment by EdgeWatchDriver), and
        // the sender stays within the largest edge offered: a zero-window probe octet and the FIN may go beyond it
        for (final Side any : sides)
        {
            if (any.driver.violation != null)
            {
                return any.name + ": " + any.driver.violation;
            }
        }
        final EdgeWatchDriver peerDriver = side.peerDriver;
        if (peerDriver.edgeKnown && Seq.gt(c.sndMax, peerDriver.maxEdge + 2))
        {
            return side.name + ": SND.MAX " + u(c.sndMax) + " beyond the peer's largest right edge "
                + u(peerDriver.maxEdge) + " + 2";
        }
        final ReceiveQueue q = c.receiveQueue;
        if (q.readable() + q.outOfOrderBytes() > q.capacity())
        {
            return side.name + ": receive memory " + q.readable() + " + " + q.outOfOrderBytes() + " exceeds "
                + q.capacity();
        }
        if (q.outOfOrderBlocks() > q.maxOutOfOrderBlocks())
        {
            return side.name + ": " + q.outOfOrderBlocks() + " out-of-order blocks > " + q.maxOutOfOrderBlocks();
        }
        return null;
    }

    /** The window shift a stack of this configuration announces (RFC 7323 §2.3), as TcpConnection picks it. */
    private static int shiftFor(final TcpConfig config)
    {
        int shift = 0;
        while (shift < ReceiveQueue.MAX_WINDOW_SHIFT && config.receiveBufferBytes() >>> shift > 65_535)
        {
            shift++;
        }
        return shift;
    }

    private static TcpConnection connectionOf(final TcpSocket socket)
    {
        try
        {
            return (TcpConnection)CONNECTION.get(socket);
        }
        catch (final IllegalAccessException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String u(final int seq)
    {
        return Integer.toUnsignedString(seq);
    }

    private String status()
    {
        final StringBuilder s = new StringBuilder("t=").append(clock.nanoTime() / MS).append(" ms");
        for (final Side side : sides)
        {
            s.append("; ").append(side.name);
            if (side.socket == null)
            {
                s.append(" not accepted");
                continue;
            }
            s.append(' ').append(side.socket.state()).append('/').append(side.socket.error()).append(" wrote ")
                .append(side.written).append('/').append(side.out.length).append(" read ").append(side.received)
                .append(side.eof ? " eof" : "").append(side.shut ? " shut" : "").append(side.closed ? " closed" : "");
            final TcpConnection c = connectionOf(side.socket);
            if (c != null)
            {
                s.append(" una=").append(u(c.sndUna)).append(" nxt=").append(u(c.sndNxt)).append(" max=")
                    .append(u(c.sndMax)).append(" wnd=").append(c.sndWnd).append(" rcvNxt=").append(u(c.rcvNxt()))
                    .append(" retries=").append(c.retries);
            }
        }
        for (final Side side : sides)
        {
            if (!side.driver.trace.isEmpty())
            {
                s.append("\n  ").append(side.name).append(" sent:\n    ")
                    .append(String.join("\n    ", side.driver.trace));
            }
        }
        return s.append("; ").append(scenario).toString();
    }
}
