package io.tachyon.stack;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;

import io.tachyon.arp.Arp;
import io.tachyon.arp.ArpConfig;
import io.tachyon.counters.SystemCounterDescriptor;
import io.tachyon.driver.DriverCapabilities;
import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.PacketDriver;
import io.tachyon.icmp.Icmp;
import io.tachyon.igmp.Igmp;
import io.tachyon.igmp.IgmpConfig;
import io.tachyon.igmp.IgmpOutput;
import io.tachyon.ipv4.Ipv4;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.ipv4.Ipv4Reassembly;
import io.tachyon.ipv4.PathMtuCache;
import io.tachyon.ipv4.ReassemblyCounter;
import io.tachyon.ipv4.TransportInput;
import io.tachyon.link.Link;
import io.tachyon.tcp.SipKey;
import io.tachyon.tcp.Tcp;
import io.tachyon.time.Clock;
import io.tachyon.udp.Udp;
import io.tachyon.udp.UdpChannel;
import io.tachyon.udp.UdpChannelConfig;
import io.tachyon.udp.UdpSocket;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.udp.UdpTimeoutException;

/**
 * A running IPv4 host on one driver queue: Ethernet, ARP, IPv4 (with reassembly and fragmentation), ICMP, IGMP
 * and UDP, driven by one thread, run to completion.
 *
 * <h2>Running it</h2>
 * A stack is an Agrona {@link Agent}: run it on its own thread with
 * {@code new AgentRunner(new BusySpinIdleStrategy(), errorHandler, null, stack)} (or a Yielding or Backoff idle
 * strategy) and {@code AgentRunner.startOnThread(runner)}, or drive it inline by calling {@link #doWork()} (tests
 * alternate two stacks on one thread with a {@link io.tachyon.time.VirtualClock}). The driver's lifecycle belongs
 * to the caller: open it before building the stack, start it before the first duty cycle, close it after the stack.
 *
 * <h2>The duty cycle ({@link #doWork()})</h2>
 * <ol>
 *   <li>{@code nowNs = clock.nanoTime()}, once;</li>
 *   <li>up to 16 commands from other threads ({@link #submit});</li>
 *   <li>one RX burst (at most {@code rxBurst} frames): each frame is dissected and handed to the protocol that owns
 *       it; every drop is counted by reason; frames are released, except those sent back in place (echo
 *       replies); datagrams for a {@link UdpChannel} are copied into its receive ring;</li>
 *   <li>the {@link UdpChannel}s ({@link Udp#pollChannels}): up to each channel's burst of datagrams from its send
 *       ring is sent, and channels closed by other threads are released;</li>
 *   <li>the {@link io.tachyon.tcp.TcpChannel}s ({@link Tcp#pollChannels}): bytes move from each send ring into its
 *       socket and from the socket into the receive ring when it has room; shutdowns and closes asked by other
 *       threads are carried out;</li>
 *   <li>timers: the {@link TimerWheel} (reassembly expiry, counters sync), ARP's timers
 *       ({@link Arp#nextDeadlineNs()}), error handlers of sockets whose next hop failed (deferred out of ARP), and
 *       IGMP's ({@link Igmp#nextDeadlineNs()}: report retransmissions and query responses);</li>
 *   <li>the TX batch is flushed; frames the driver refuses are retried next cycle, up to {@code txRetryLimit}
 *       cycles, then dropped and counted;</li>
 *   <li>the heartbeat in the counters file; the return value is the work done (frames, commands, timers).</li>
 * </ol>
 * Errors never escape {@code doWork}: a bad frame is a counted drop, and an unexpected exception while handling one
 * frame, timer or command is caught, counted ({@link StackCounter#ERRORS}) and kept as {@link #lastError()}, and
 * the loop continues. The one exception is {@link AgentTerminationException}, thrown once the stack is closed.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Any thread: {@link #submit}, {@link #openUdpSocketAsync}, {@link #openUdpChannelAsync},
 *       {@link #requestClose()}, {@link #isClosed()}, {@link #lastError()}, {@link #config()}, {@link #counters()}
 *       (reading counters), and all of a {@link UdpChannel} as its javadoc says (sends from any thread, receives
 *       from one thread at a time).</li>
 *   <li>Any thread except the stack thread (they wait for it): {@link #openUdpChannel(int, int)},
 *       {@link #openUdpChannel(UdpChannelConfig)}, {@link #openTcpChannel} and {@link #openTcpServerChannel}; then
 *       a {@link io.tachyon.tcp.TcpChannel} and {@link io.tachyon.tcp.TcpServerChannel} as their javadoc says.</li>
 *   <li>The stack thread only (the thread calling {@code doWork}, or code running inside it: handlers,
 *       commands): everything else, including all of {@link UdpSocket}, {@link Icmp#ping}, {@link #close()}
 *       (or after the runner has stopped), and the components returned by the accessors.</li>
 * </ul>
 *
 * <h2>Multicast</h2>
 * The stack owns one {@link Igmp} (configured by {@link StackConfig#igmpVersion()}, {@code igmpRobustness},
 * {@code igmpMaxGroups}; its random delays are seeded from the MAC address, the IPv4 address and the clock at
 * construction). Sockets join and leave groups with {@link UdpSocket#joinGroup(int)}; IGMP counts the references,
 * the link's receive filter accepts the groups' MAC addresses (and 224.0.0.1's), and the IPv4 layer accepts the
 * groups {@link Igmp#isMember(int)} names (224.0.0.1 always). IGMP messages (protocol 2) go to
 * {@link Igmp#onIgmp}; the datagrams IGMP builds are copied into the TX batch behind an Ethernet header addressed
 * to the destination group's MAC.
 *
 * <h2>Memory</h2>
 * Everything is allocated when the stack is built or a socket is opened; the duty cycle allocates nothing in steady
 * state.
 */
public final class Stack implements Agent, AutoCloseable
{
    /** The most commands run per duty cycle. */
    public static final int COMMANDS_PER_CYCLE = 16;

    private static final int TIMER_REASSEMBLY = 1;
    private static final int TIMER_COUNTERS = 2;
    private static final long MILLISECOND = 1_000_000L;

    private final StackConfig config;
    private final Clock clock;
    private final DriverQueue queue;
    private final DriverCapabilities capabilities;
    private final int mtu;
    private final StackCounters counters;
    private final Link link;
    private final Arp arp;
    private final PathMtuCache pathMtu;
    private final Ipv4 ipv4;
    private final Icmp icmp;
    private final Ipv4Reassembly reassembly;
    private final Udp udp;
    private final Tcp tcp;
    private final Igmp igmp;
    private final TimerWheel timers;
    private final CommandQueue commands;
    private final long reassemblyTickNs;
    private final TimerWheel.Handler timerHandler = new TimerHandler();

    private Thread stackThread;
    private volatile boolean closeRequested;
    private volatile boolean closed;
    private volatile Throwable lastError;
    private long nowNs;

    /**
     * Builds a stack on one queue of an open driver: creates the counters file and allocates every structure.
     *
     * @param config  the configuration.
     * @param driver  the driver, OPEN or STARTED.
     * @param queueId the queue this stack owns.
     * @param clock   the only source of time.
     * @throws IllegalArgumentException if the configuration does not fit the driver (e.g. an MTU above the
     *                                  device's).
     * @throws DriverException if the driver is not open or lacks the queue.
     * @throws java.io.UncheckedIOException if the counters file cannot be created.
     */
    public Stack(final StackConfig config, final PacketDriver driver, final int queueId, final Clock clock)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(driver, "driver");
        capabilities = driver.capabilities();
        queue = driver.queue(queueId);
        if (config.mtu() > capabilities.mtu())
        {
            throw new IllegalArgumentException("mtu=" + config.mtu() + " exceeds the MTU of driver " + driver.name()
                + " (" + capabilities.mtu() + ")");
        }
        mtu = config.mtu() != 0 ? config.mtu() : capabilities.mtu();
        nowNs = clock.nanoTime();

        counters = StackCounters.create(config, clock);
        // every TCP connection may hold one timer: room for all of them on top of the configured capacity, else a
        // stack configured for many connections would lose timers (TIME-WAIT never ending, no retransmission)
        timers = new TimerWheel(nowNs, config.timerTickNs(), config.timerBuckets(),
            Math.min(1 << 20, config.timerCapacity() + config.tcp().maxConnections()));
        try
        {
            link = new Link(queue, capabilities, config.mac(), config.rxBurst(), config.txBatch(),
                config.txRetryLimit(), counters.link(), counters.malformed(), counters.system());
            arp = new Arp(arpConfig(config, mtu), link);
            link.arp(arp);
            pathMtu = new PathMtuCache(config.pathMtuCacheSize(), config.pathMtuExpiryNs());
            ipv4 = new Ipv4(config.address(), config.prefixLength(), config.gateway(), mtu, link, arp, pathMtu,
                counters.ip(), counters.malformed(), config.txChecksumOffload(), (int)(nowNs >>> 10));
            icmp = new Icmp(ipv4, clock, counters.icmp(), counters.malformed(), config.icmpErrorRatePerSecond(),
                config.icmpErrorBurst(), config.icmpEchoIgnoreBroadcasts(), config.defaultTtl(),
                config.multicastTtl());
            reassembly = new Ipv4Reassembly(config.reassembly(), icmp);
            udp = new Udp(ipv4, icmp, clock, counters.udp(), counters.malformed(), config.udpSocketLimit(),
                config.udpReceiveQueueDatagrams(), config.udpReceiveQueueBytes(), config.udpErrorQueueLength(),
                config.ephemeralPortLow(), config.ephemeralPortHigh(), config.defaultTtl(), config.multicastTtl(),
                config.prefixLength(), config.gateway());
            igmp = new Igmp(igmpConfig(config, mtu, nowNs), new LinkIgmpOutput(link));
            tcp = new Tcp(ipv4, clock, timers, counters.tcp(), config.tcp(), config.ephemeralPortLow(),
                config.ephemeralPortHigh(),
                config.secretSeeded() ? SipKey.fromSeed(config.secretSeed()) : SipKey.random());
        }
        catch (final RuntimeException ex)
        {
            counters.close();
            throw ex;
        }
        ipv4.reassembly(reassembly);
        ipv4.icmp(icmp);
        ipv4.udp(udp);
        ipv4.tcp(tcp);
        ipv4.errorSender(icmp);
        ipv4.errorListener(udp);
        icmp.udpErrors(udp);
        icmp.tcpErrors(tcp);
        udp.igmp(igmp);
        ipv4.membership(igmp::isMember);
        ipv4.igmp(new IgmpInput(igmp));
        link.addMulticastMac(Ipv4Address.multicastMac(Igmp.ALL_SYSTEMS));
        link.network(ipv4);
        link.unresolvedListener(ipv4);

        commands = new CommandQueue(config.commandQueueCapacity());
        reassemblyTickNs = Math.max(MILLISECOND, Math.min(100 * MILLISECOND, config.reassembly().timeoutNs() / 8));
        schedule(nowNs + reassemblyTickNs, TIMER_REASSEMBLY);
        schedule(nowNs + config.countersSyncIntervalNs(), TIMER_COUNTERS);
    }

    private static IgmpConfig igmpConfig(final StackConfig config, final int mtu, final long nowNs)
    {
        long seed = config.mac() * 0x9E37_79B9_7F4A_7C15L ^ (config.address() & 0xFFFF_FFFFL) ^ nowNs;
        seed ^= seed >>> 31;
        return IgmpConfig.of(config.address()).withVersion(config.igmpVersion())
            .withRobustness(config.igmpRobustness()).withMaxGroups(config.igmpMaxGroups())
            .withMtu(Math.min(mtu, IgmpConfig.MAX_MTU)).withRandomSeed(seed);
    }

    /** IGMP's datagrams: Ethernet to the destination group's MAC, copied into the TX batch. */
    private static final class LinkIgmpOutput implements IgmpOutput
    {
        private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
        private static final int DESTINATION_OFFSET = 16;

        private final Link link;

        LinkIgmpOutput(final Link link)
        {
            this.link = link;
        }

        @Override
        public boolean transmit(final MemorySegment datagram, final long offset, final int length)
        {
            final int destination = datagram.get(U32, offset + DESTINATION_OFFSET);
            return link.transmitDatagram(Igmp.multicastMac(destination), datagram, offset, length);
        }
    }

    /** IPv4's protocol 2 handed to IGMP. */
    private static final class IgmpInput implements TransportInput
    {
        private final Igmp igmp;

        IgmpInput(final Igmp igmp)
        {
            this.igmp = igmp;
        }

        @Override
        public boolean onDatagram(final Ipv4Flyweight ip, final int rxFlags, final int rxIndex,
            final int destinationClass, final long nowNs)
        {
            igmp.onIgmp(ip.segment(), ip.payloadOffset(), ip.payloadLength(), ip.source(), nowNs);
            return true;
        }
    }

    private static ArpConfig arpConfig(final StackConfig config, final int mtu)
    {
        final ArpConfig arp = config.arp();
        final int frameLength = mtu + Link.HEADER_LENGTH;
        if (arp.maxFrameLength() >= frameLength)
        {
            return arp;
        }
        return arp.withPending(arp.pendingPerNeighbour(), Math.max(arp.pendingMemoryBytes(), frameLength),
            frameLength);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Agent
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The stack's name, from the configuration.
     *
     * @return the role name.
     */
    @Override
    public String roleName()
    {
        return config.name();
    }

    /**
     * Called by the {@link org.agrona.concurrent.AgentRunner} on the stack thread before the first duty cycle:
     * announces our address with gratuitous ARP (RFC 5227 §2.3), so neighbours that cached an older MAC address
     * for it update their entries.
     */
    @Override
    public void onStart()
    {
        arp.announce(clock.nanoTime());
    }

    /**
     * One duty cycle (see the class description).
     *
     * @return the work done: frames received, commands and timers run, frames sent.
     * @throws AgentTerminationException once the stack is closed (after {@link #requestClose()} or
     *                                   {@link #close()}).
     */
    @Override
    public int doWork()
    {
        if (closed)
        {
            throw new AgentTerminationException("stack " + config.name() + " is closed");
        }
        final Thread current = Thread.currentThread();
        if (current != stackThread)
        {
            stackThread = current;
        }
        final long now = clock.nanoTime();
        nowNs = now;
        int work = runCommands(now);
        if (closeRequested)
        {
            close();
            throw new AgentTerminationException("stack " + config.name() + " closed on request");
        }
        work += receive(now);
        work += pollChannels(now);
        work += runTimers(now);
        work += transmit();
        counters.system().increment(SystemCounterDescriptor.DUTY_CYCLES);
        counters.file().heartbeat(now);
        return work;
    }

    /**
     * Called by the {@link org.agrona.concurrent.AgentRunner} on the stack thread after the last duty cycle:
     * {@link #close()}.
     */
    @Override
    public void onClose()
    {
        close();
    }

    private int runCommands(final long now)
    {
        int ran = 0;
        for (; ran < COMMANDS_PER_CYCLE; ran++)
        {
            final StackCommand command = commands.poll();
            if (command == null)
            {
                break;
            }
            counters.stack().increment(StackCounter.COMMANDS);
            try
            {
                command.execute(this, now);
            }
            catch (final RuntimeException ex)
            {
                counters.stack().increment(StackCounter.COMMAND_ERRORS);
                lastError = ex;
            }
        }
        return ran;
    }

    private int receive(final long now)
    {
        final int n;
        try
        {
            n = link.receive();
        }
        catch (final DriverException ex)
        {
            counters.system().increment(SystemCounterDescriptor.DRIVER_ERRORS);
            lastError = ex;
            return 0;
        }
        for (int i = 0; i < n; i++)
        {
            try
            {
                if (!link.onFrame(i, now))
                {
                    counters.system().increment(SystemCounterDescriptor.FRAMES_DROPPED);
                }
            }
            catch (final RuntimeException ex)
            {
                ipv4.abort();
                link.cancel();
                counters.system().increment(SystemCounterDescriptor.FRAMES_DROPPED);
                error(ex);
            }
        }
        try
        {
            link.releaseReceived();
        }
        catch (final DriverException ex)
        {
            counters.system().increment(SystemCounterDescriptor.DRIVER_ERRORS);
            lastError = ex;
        }
        return n;
    }

    private int pollChannels(final long now)
    {
        try
        {
            return udp.pollChannels(now) + tcp.pollChannels(now);
        }
        catch (final RuntimeException ex)
        {
            error(ex);
            return 0;
        }
    }

    private int runTimers(final long now)
    {
        int work = 0;
        try
        {
            work += timers.poll(now, timerHandler);
        }
        catch (final RuntimeException ex)
        {
            error(ex);
        }
        try
        {
            if (now - arp.nextDeadlineNs() >= 0)
            {
                work += arp.poll(now);
            }
        }
        catch (final RuntimeException ex)
        {
            error(ex);
        }
        try
        {
            work += udp.deliverDeferredErrors();
        }
        catch (final RuntimeException ex)
        {
            error(ex);
        }
        try
        {
            if (now - igmp.nextDeadlineNs() >= 0)
            {
                work += igmp.poll(now);
            }
        }
        catch (final RuntimeException ex)
        {
            error(ex);
        }
        return work;
    }

    private int transmit()
    {
        try
        {
            final int sent = link.flush();
            link.endCycle();
            return sent;
        }
        catch (final DriverException ex)
        {
            counters.system().increment(SystemCounterDescriptor.DRIVER_ERRORS);
            lastError = ex;
            return 0;
        }
    }

    private void error(final RuntimeException ex)
    {
        counters.stack().increment(StackCounter.ERRORS);
        lastError = ex;
    }

    private void schedule(final long deadlineNs, final int kind)
    {
        if (timers.schedule(deadlineNs, kind, 0L) == TimerWheel.NULL_HANDLE)
        {
            counters.stack().increment(StackCounter.TIMER_WHEEL_FULL);
        }
    }

    private final class TimerHandler implements TimerWheel.Handler
    {
        @Override
        public void onTimer(final long handle, final int kind, final long payload, final long timeNs)
        {
            counters.stack().increment(StackCounter.TIMERS_FIRED);
            if (kind == TIMER_REASSEMBLY)
            {
                schedule(timeNs + reassemblyTickNs, TIMER_REASSEMBLY);
                reassembly.expire(timeNs);
            }
            else if (kind == Tcp.TIMER_KIND)
            {
                tcp.onTimer(handle, payload, timeNs);
            }
            else if (kind == TIMER_COUNTERS)
            {
                schedule(timeNs + config.countersSyncIntervalNs(), TIMER_COUNTERS);
                syncCounters();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Other threads
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Hands work to the stack thread; it runs at the start of a later duty cycle. Any thread.
     *
     * @param command the work.
     * @return false when the command queue is full (nothing was queued).
     */
    public boolean submit(final StackCommand command)
    {
        return commands.offer(command);
    }

    /**
     * Opens (and binds) a UDP socket on the stack thread, from any thread. The future completes on the stack thread
     * with the socket, or exceptionally with the bind's exception, or with an {@link IllegalStateException} when the
     * command queue is full. The socket itself must then be used on the stack thread only (e.g. from commands).
     *
     * @param address the local address (0 for every address).
     * @param port    the local port (0 for an ephemeral one).
     * @return the future socket.
     */
    public CompletableFuture<UdpSocket> openUdpSocketAsync(final int address, final int port)
    {
        final CompletableFuture<UdpSocket> result = new CompletableFuture<>();
        final boolean queued = commands.offer((stack, now) ->
        {
            UdpSocket socket = null;
            try
            {
                socket = stack.openUdpSocket().bind(address, port);
                result.complete(socket);
            }
            catch (final RuntimeException ex)
            {
                if (socket != null)
                {
                    socket.close();
                }
                result.completeExceptionally(ex);
            }
        });
        if (!queued)
        {
            result.completeExceptionally(new IllegalStateException("the command queue of stack " + config.name()
                + " is full (" + commands.capacity() + " commands)"));
        }
        return result;
    }

    /**
     * Opens a {@link UdpChannel} (the cross-thread UDP API) with the default settings, waiting until the stack
     * thread has bound it. Any thread except the stack thread.
     *
     * @param address the local address (0 for every address).
     * @param port    the local port (0 for an ephemeral one).
     * @return the open channel.
     * @see #openUdpChannel(UdpChannelConfig)
     */
    public UdpChannel openUdpChannel(final int address, final int port)
    {
        return openUdpChannel(UdpChannelConfig.of(address, port));
    }

    /**
     * Opens a {@link UdpChannel}, waiting (spin, yield, then park) until the stack thread has bound it, at most
     * {@link UdpChannelConfig#timeoutNs()} by {@link UdpChannelConfig#waitClock()} (the stack's clock when null).
     * Any thread except the stack thread (which would wait for itself; it uses {@code udp().openChannel}).
     *
     * @param channelConfig how to open it.
     * @return the open channel.
     * @throws UdpTimeoutException if the stack did not open it in time (its duty cycle is not running); a channel
     *                             opened later is closed at once.
     * @throws IllegalStateException if called on the stack thread, if the stack is closed or its command queue is
     *                               full, or as {@link Udp#openChannel} (port in use, socket limit).
     * @throws IllegalArgumentException as {@link Udp#openChannel} (an address not of this stack, no route).
     */
    public UdpChannel openUdpChannel(final UdpChannelConfig channelConfig)
    {
        checkOpen();
        if (Thread.currentThread() == stackThread)
        {
            throw new IllegalStateException("openUdpChannel waits for the stack thread of stack " + config.name()
                + ": call it from another thread, or use udp().openChannel(config) on the stack thread");
        }
        final CompletableFuture<UdpChannel> future = openUdpChannelAsync(channelConfig);
        final Clock waitClock = channelConfig.waitClock() != null ? channelConfig.waitClock() : clock;
        final long deadline = waitClock.nanoTime() + channelConfig.timeoutNs();
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(100, 100, 1_000L, 1_000_000L);
        while (!future.isDone())
        {
            if (closed || waitClock.nanoTime() - deadline >= 0)
            {
                if (future.cancel(false))
                {
                    throw closed ? new IllegalStateException("stack " + config.name() + " closed while opening a"
                        + " UDP channel") : new UdpTimeoutException("stack " + config.name() + " did not open the"
                        + " UDP channel " + channelConfig + " within " + channelConfig.timeoutNs()
                        + " ns: is its duty cycle running?");
                }
                break;
            }
            idle.idle();
        }
        try
        {
            return future.join();
        }
        catch (final CompletionException ex)
        {
            if (ex.getCause() instanceof RuntimeException cause)
            {
                throw cause;
            }
            throw ex;
        }
    }

    /**
     * Opens a {@link UdpChannel} on the stack thread, from any thread, without waiting. The future completes on the
     * stack thread with the channel or exceptionally with the reason (as {@link Udp#openChannel}), or at once with
     * an {@link IllegalStateException} when the command queue is full. Cancelling the future before the stack runs
     * the command abandons the open; a channel opened for a future already cancelled is closed at once.
     *
     * @param channelConfig how to open it.
     * @return the future channel.
     */
    public CompletableFuture<UdpChannel> openUdpChannelAsync(final UdpChannelConfig channelConfig)
    {
        Objects.requireNonNull(channelConfig, "channelConfig");
        final CompletableFuture<UdpChannel> result = new CompletableFuture<>();
        final boolean queued = commands.offer((stack, now) ->
        {
            if (result.isDone())
            {
                return;
            }
            final UdpChannel channel;
            try
            {
                channel = stack.udp.openChannel(channelConfig);
            }
            catch (final RuntimeException ex)
            {
                result.completeExceptionally(ex);
                return;
            }
            if (!result.complete(channel))
            {
                channel.close();
            }
        });
        if (!queued)
        {
            result.completeExceptionally(new IllegalStateException("the command queue of stack " + config.name()
                + " is full (" + commands.capacity() + " commands)"));
        }
        return result;
    }

    /**
     * Asks the stack to close, from any thread: the next duty cycle closes it ({@link #close()}) and throws
     * {@link AgentTerminationException}, which stops an {@link org.agrona.concurrent.AgentRunner}. Goes through the
     * command queue; when the queue is full a flag does the same.
     */
    public void requestClose()
    {
        if (!commands.offer(CloseCommand.INSTANCE))
        {
            closeRequested = true;
        }
    }

    private enum CloseCommand implements StackCommand
    {
        INSTANCE;

        @Override
        public void execute(final Stack stack, final long nowNs)
        {
            stack.closeRequested = true;
        }
    }

    /**
     * Whether the stack is closed. Any thread.
     *
     * @return true after {@link #close()}.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * The last unexpected exception caught by the duty cycle (counted in {@link StackCounter#ERRORS}), a command's
     * exception, or a driver error. Any thread.
     *
     * @return the exception, or null.
     */
    public Throwable lastError()
    {
        return lastError;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Stack thread API
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The TCP of this stack (stack thread only): {@code tcp().open().connect(...)}, {@code tcp().listen(...)}.
     *
     * @return the TCP layer.
     * @throws IllegalStateException when the stack is closed.
     */
    public Tcp tcp()
    {
        checkOpen();
        return tcp;
    }

    /**
     * Opens an unbound UDP socket. Stack thread.
     *
     * @return the socket.
     * @throws IllegalStateException when the socket limit is reached or the stack is closed.
     */
    public UdpSocket openUdpSocket()
    {
        checkOpen();
        return udp.open();
    }

    /**
     * Copies ARP's, IGMP's and the reassembler's own counts into the counters file (done every
     * {@code countersSyncIntervalNs} and at close). Stack thread.
     */
    public void syncCounters()
    {
        counters.syncArp(arp);
        counters.syncIgmp(igmp);
        ReassemblyCounter.sync(reassembly, counters.reassembly());
    }

    /**
     * Closes the stack: closes every socket, releases every frame it holds, frees the reassembly memory, and
     * closes the counters file (which stays readable with its final values). The driver is not closed. Stack
     * thread, or any thread once the runner has stopped. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            udp.closeAll();
            tcp.close();
            link.releaseAll();
        }
        catch (final DriverException ex)
        {
            lastError = ex; // the driver was closed first: its memory is gone anyway
        }
        finally
        {
            syncCounters();
            reassembly.close();
            counters.close();
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("stack " + config.name() + " is closed");
        }
    }

    /**
     * The configuration. Any thread.
     *
     * @return the configuration.
     */
    public StackConfig config()
    {
        return config;
    }

    /**
     * The counters. Any thread may read them.
     *
     * @return the counters.
     */
    public StackCounters counters()
    {
        return counters;
    }

    /**
     * The effective MTU (the configured one, or the driver's).
     *
     * @return bytes.
     */
    public int mtu()
    {
        return mtu;
    }

    /**
     * The clock.
     *
     * @return the clock.
     */
    public Clock clock()
    {
        return clock;
    }

    /**
     * The time of the current (or last) duty cycle. Stack thread.
     *
     * @return epoch nanoseconds.
     */
    public long nowNs()
    {
        return nowNs;
    }

    /**
     * The timer wheel, for components that need timers. Stack thread.
     *
     * @return the wheel.
     */
    public TimerWheel timers()
    {
        return timers;
    }

    /**
     * The driver queue this stack owns.
     *
     * @return the queue.
     */
    public DriverQueue queue()
    {
        return queue;
    }

    /**
     * The link layer. Stack thread.
     *
     * @return the link.
     */
    public Link link()
    {
        return link;
    }

    /**
     * ARP. Stack thread.
     *
     * @return ARP.
     */
    public Arp arp()
    {
        return arp;
    }

    /**
     * The IPv4 layer. Stack thread.
     *
     * @return IPv4.
     */
    public Ipv4 ipv4()
    {
        return ipv4;
    }

    /**
     * The reassembler. Stack thread.
     *
     * @return the reassembler.
     */
    public Ipv4Reassembly reassembly()
    {
        return reassembly;
    }

    /**
     * ICMP (ping, echo listener). Stack thread.
     *
     * @return ICMP.
     */
    public Icmp icmp()
    {
        return icmp;
    }

    /**
     * IGMP (group membership, reports, queries). Stack thread.
     *
     * @return IGMP.
     */
    public Igmp igmp()
    {
        return igmp;
    }

    /**
     * UDP. Stack thread.
     *
     * @return UDP.
     */
    public Udp udp()
    {
        return udp;
    }

    @Override
    public String toString()
    {
        return "Stack[" + config + (closed ? " closed" : "") + "]";
    }

    // ------------------------------------------------------------------------------------------------------------
    // TCP channels (issue 4): the blocking TCP API for other threads
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Connects a {@link io.tachyon.tcp.TcpChannel} (the blocking, cross-thread TCP API) and waits until the
     * connection is established, at most {@link io.tachyon.tcp.TcpChannelConfig#timeoutNs()} by its wait clock. Any
     * thread except the stack thread.
     *
     * @param address the remote address.
     * @param port    the remote port.
     * @param channelConfig the channel's settings.
     * @return the connected channel.
     * @throws io.tachyon.tcp.TcpException        when the connection was refused, reset or timed out.
     * @throws io.tachyon.tcp.TcpTimeoutException when the stack did not open or establish it in time.
     * @throws IllegalStateException              on the stack thread, when the stack is closed or its command
     *                                            queue is full, or as {@code Tcp.openChannel}.
     * @throws IllegalArgumentException           for a bad port or an address without a route.
     */
    public io.tachyon.tcp.TcpChannel openTcpChannel(final int address, final int port,
        final io.tachyon.tcp.TcpChannelConfig channelConfig)
    {
        Objects.requireNonNull(channelConfig, "channelConfig");
        final CompletableFuture<io.tachyon.tcp.TcpChannel> future = new CompletableFuture<>();
        final io.tachyon.tcp.TcpChannel channel = awaitOpen(channelConfig, future, "TCP channel to "
            + io.tachyon.ipv4.Ipv4Address.toString(address) + ":" + port, (stack, now) ->
            {
                if (future.isDone())
                {
                    return;
                }
                try
                {
                    final io.tachyon.tcp.TcpChannel opened = stack.tcp.openChannel(address, port, channelConfig);
                    if (!future.complete(opened))
                    {
                        opened.close();
                    }
                }
                catch (final RuntimeException ex)
                {
                    future.completeExceptionally(ex);
                }
            });
        return channel.awaitConnected();
    }

    /**
     * Opens a {@link io.tachyon.tcp.TcpServerChannel} (a listener whose connections become channels), waiting until
     * the stack thread has opened it. Any thread except the stack thread.
     *
     * @param port          the local port.
     * @param backlog       the listener's backlog and accept queue size.
     * @param channelConfig the settings of the accepted channels (and the wait of this call).
     * @return the listening server channel.
     * @throws io.tachyon.tcp.TcpTimeoutException when the stack did not open it in time.
     * @throws IllegalStateException              on the stack thread, when the stack is closed or its command
     *                                            queue is full, or as {@code Tcp.listen} (port in use).
     * @throws IllegalArgumentException           for a bad port or backlog.
     */
    public io.tachyon.tcp.TcpServerChannel openTcpServerChannel(final int port, final int backlog,
        final io.tachyon.tcp.TcpChannelConfig channelConfig)
    {
        Objects.requireNonNull(channelConfig, "channelConfig");
        final CompletableFuture<io.tachyon.tcp.TcpServerChannel> future = new CompletableFuture<>();
        return awaitOpen(channelConfig, future, "TCP server channel on port " + port, (stack, now) ->
        {
            if (future.isDone())
            {
                return;
            }
            try
            {
                final io.tachyon.tcp.TcpServerChannel opened = stack.tcp.openServerChannel(port, backlog,
                    channelConfig);
                if (!future.complete(opened))
                {
                    opened.close();
                }
            }
            catch (final RuntimeException ex)
            {
                future.completeExceptionally(ex);
            }
        });
    }

    private <T> T awaitOpen(final io.tachyon.tcp.TcpChannelConfig channelConfig, final CompletableFuture<T> future,
        final String what, final StackCommand command)
    {
        checkOpen();
        if (Thread.currentThread() == stackThread)
        {
            throw new IllegalStateException("opening a " + what + " waits for the stack thread of stack "
                + config.name() + ": call it from another thread, or use tcp() on the stack thread");
        }
        if (!commands.offer(command))
        {
            throw new IllegalStateException("the command queue of stack " + config.name() + " is full ("
                + commands.capacity() + " commands)");
        }
        final Clock waitClock = channelConfig.waitClock() != null ? channelConfig.waitClock() : clock;
        final long deadline = waitClock.nanoTime() + channelConfig.timeoutNs();
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(100, 100, 1_000L, 100_000L);
        while (!future.isDone())
        {
            if (closed || waitClock.nanoTime() - deadline >= 0)
            {
                if (future.cancel(false))
                {
                    throw closed ? new IllegalStateException("stack " + config.name() + " closed while opening a "
                        + what) : new io.tachyon.tcp.TcpTimeoutException("stack " + config.name() + " did not open "
                        + what + " within " + channelConfig.timeoutNs() + " ns: is its duty cycle running?");
                }
                break;
            }
            idle.idle();
        }
        try
        {
            return future.join();
        }
        catch (final CompletionException ex)
        {
            if (ex.getCause() instanceof RuntimeException cause)
            {
                throw cause;
            }
            throw ex;
        }
    }
}
