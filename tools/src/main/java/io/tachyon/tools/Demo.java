package io.tachyon.tools;

import io.tachyon.arp.Arp;
import io.tachyon.arp.ArpCounter;
import io.tachyon.counters.CounterFamily;
import io.tachyon.counters.CountersLocation;
import io.tachyon.counters.SystemCounterDescriptor;
import io.tachyon.driver.DriverException;
import io.tachyon.driver.memory.FaultProfile;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.driver.memory.WireDirection;
import io.tachyon.driver.pcap.CaptureDriver;
import io.tachyon.icmp.EchoListener;
import io.tachyon.icmp.IcmpCounter;
import io.tachyon.ipv4.Ipv4;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.link.LinkCounter;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.stack.StackCounter;
import io.tachyon.time.VirtualClock;
import io.tachyon.udp.Udp;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpHandler;
import io.tachyon.udp.UdpSocket;
import io.tachyon.wire.Malformed;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * {@code ./tachyon demo}: two real Tachyon stacks, host A (10.0.0.1) and host B (10.0.0.2), joined by an impaired
 * in-memory wire (loss, duplication, reordering, corruption, delay, 1 Gbit/s) and driven inline on one thread with
 * a virtual clock, so the same seed gives the same run, byte for byte.
 * <p>
 * The demo goes step by step: ARP resolution, ping, UDP echo (B's socket on port 7 echoes what A sends), one
 * 65 507-byte datagram fragmented and reassembled, and each stack's most interesting counters. Host A's traffic is
 * recorded with {@link CaptureDriver}; each stack writes its counters file ({@code ./tachyon stat demo-a}).
 */
public final class Demo
{
    private static final String USAGE = "usage: ./tachyon demo [--frames N] [--pings N] [--seed S] [--loss P] "
        + "[--capture FILE] [--counters DIR]";
    private static final long HOST_A_MAC = 0x02_00_00_00_00_01L;
    private static final long HOST_B_MAC = 0x02_00_00_00_00_02L;
    private static final int HOST_A_IP = 0x0a_00_00_01;
    private static final int HOST_B_IP = 0x0a_00_00_02;
    private static final int CLIENT_PORT = 40_000;
    private static final int ECHO_PORT = 7;
    private static final int PAYLOAD_LENGTH = 64;
    private static final int PING_DATA_LENGTH = 56;
    private static final int PING_IDENTIFIER = 0x7ac4;
    private static final int BIG_LENGTH = Udp.MAX_PAYLOAD;
    private static final int BIG_ATTEMPTS = 30;
    private static final ValueLayout.OfLong SEQUENCE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long MICROSECOND = 1_000L;
    private static final long MILLISECOND = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    /** The clock step when a cycle of both stacks did nothing but frames are still on the wire. */
    private static final long BUSY_STEP_NS = MICROSECOND;
    /** The clock step when a cycle did nothing and the wire is empty (only timers can wake the stacks). */
    private static final long IDLE_STEP_NS = 100 * MICROSECOND;
    private static final long PING_INTERVAL_NS = MILLISECOND;
    private static final long SEND_INTERVAL_NS = 10 * MICROSECOND;
    private static final long DRAIN_NS = 20 * MILLISECOND;
    private static final long BIG_WAIT_NS = 20 * MILLISECOND;
    private static final int CAPTURE_LINES = 6;

    private final PrintStream out;
    private final VirtualClock clock = new VirtualClock();
    private final MemoryWire wire;
    private final CaptureDriver captureA;
    private final Stack a;
    private final Stack b;
    private final long startNs;

    private Demo(final PrintStream out, final MemoryWireConfig wireConfig, final Path capture, final Path counters)
    {
        this.out = out;
        startNs = clock.nanoTime();
        wire = new MemoryWire(wireConfig, clock);
        captureA = CaptureDriver.oneFile(wire.endpointA(), capture, PcapFormat.PCAPNG, clock);
        captureA.open();
        wire.endpointB().open();
        captureA.start();
        wire.endpointB().start();
        Stack builtA = null;
        Stack builtB = null;
        try
        {
            builtA = new Stack(config("demo-a", counters).mac(HOST_A_MAC).address(HOST_A_IP, 24).build(), captureA,
                0, clock);
            builtB = new Stack(config("demo-b", counters).mac(HOST_B_MAC).address(HOST_B_IP, 24).build(),
                wire.endpointB(), 0, clock);
        }
        finally
        {
            if (builtB == null)
            {
                if (builtA != null)
                {
                    builtA.close();
                }
                captureA.close();
                wire.close();
            }
        }
        a = builtA;
        b = builtB;
    }

    private static StackConfig.Builder config(final String name, final Path counters)
    {
        // A fixed secret: the demo is a reproducible simulation (same seed, same output), not a production stack.
        final StackConfig.Builder builder = StackConfig.builder().name(name).secretSeed(name.hashCode());
        return counters == null ? builder : builder.countersDirectory(counters);
    }

    /**
     * Runs the demo.
     *
     * @param args {@code [--frames N] [--pings N] [--seed S] [--loss P] [--capture FILE] [--counters DIR]}.
     * @param out  where the report goes.
     * @param err  where errors go.
     * @return 0; 2 for bad arguments; 1 when a file cannot be written.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        int frames = 10_000;
        int pings = 100;
        long seed = 42;
        double loss = 0.02;
        Path capture = Path.of(System.getProperty("java.io.tmpdir"), "tachyon-demo.pcapng");
        Path counters = null;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--frames" -> frames = Integer.parseInt(value(args, ++i, "--frames"));
                    case "--pings" -> pings = Integer.parseInt(value(args, ++i, "--pings"));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                    case "--loss" -> loss = Double.parseDouble(value(args, ++i, "--loss"));
                    case "--capture" -> capture = Path.of(value(args, ++i, "--capture"));
                    case "--counters" -> counters = Path.of(value(args, ++i, "--counters"));
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (frames < 1 || frames > 1_000_000)
            {
                throw new IllegalArgumentException("--frames must be 1..1000000, was " + frames);
            }
            if (pings < 1 || pings > 65_536)
            {
                throw new IllegalArgumentException("--pings must be 1..65536, was " + pings);
            }
            if (!(loss >= 0.0 && loss <= 0.5))
            {
                throw new IllegalArgumentException("--loss must be in [0, 0.5], was " + loss);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("tachyon demo: " + ex.getMessage() + " (" + USAGE + ")");
            return 2;
        }

        final FaultProfile faults = FaultProfile.NONE
            .withLoss(loss)
            .withDuplication(0.01)
            .withReordering(0.05, 200 * MICROSECOND)
            .withCorruption(0.001)
            .withDelay(50 * MICROSECOND, 20 * MICROSECOND)
            .withRate(1_000_000_000L);
        final MemoryWireConfig wireConfig = MemoryWireConfig.DEFAULT.withName("demo").withSeed(seed)
            .withFaults(faults);
        out.println("Tachyon demo: two Tachyon stacks on 10.0.0.0/24, host A 10.0.0.1 (" + mac(HOST_A_MAC)
            + ") and host B 10.0.0.2 (" + mac(HOST_B_MAC) + "),");
        out.printf(Locale.ROOT, "joined by an in-memory wire, both directions: %.1f%% loss, 1%% duplication, "
            + "5%% reordering (+200 us), 0.1%% corruption, 50 us +- 20 us delay, 1 Gbit/s; seed %d, virtual clock.%n",
            loss * 100, seed);
        final Demo demo;
        try
        {
            demo = new Demo(out, wireConfig, capture, counters);
        }
        catch (final UncheckedIOException | DriverException ex)
        {
            err.println("tachyon demo: " + ex.getMessage());
            return 1;
        }
        final long capturedFrames = demo.runSteps(pings, frames, seed, loss);

        final ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        Decode.run(new String[] {capture.toString()}, new PrintStream(decoded, true, StandardCharsets.UTF_8), err);
        out.println("Host A's traffic (" + capturedFrames + " frames) was recorded by CaptureDriver to " + capture
            + "; the first ones:");
        decoded.toString(StandardCharsets.UTF_8).lines().limit(CAPTURE_LINES).forEach(line -> out.println("  " + line));
        out.println("  ./tachyon decode " + capture + " prints them all.");
        final Path root = counters == null ? CountersLocation.defaultRoot() : counters;
        out.println("Each stack wrote its counters file (" + CountersLocation.counterFile(root, "demo-a") + ", and "
            + "demo-b's); ./tachyon stat demo-a" + (counters == null ? "" : " --dir " + counters) + " prints every "
            + "counter.");
        out.println("The files stay readable after a clean close; their clock was the virtual one, so stat shows "
            + Instant.ofEpochSecond(0, VirtualClock.DEFAULT_START_NS).toString().substring(0, 10) + " times.");
        return 0;
    }

    private static String value(final String[] args, final int index, final String option)
    {
        if (index >= args.length)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    /** Runs every step, closes the stacks, the capture and the wire; returns the frames captured on host A. */
    private long runSteps(final int pings, final int frames, final long seed, final double loss)
    {
        final long captured;
        try
        {
            final EchoServer server = new EchoServer(seed);
            b.openUdpSocket().bind(ECHO_PORT).handler(server);
            final Client client = new Client(frames, server.big);
            final UdpSocket socket = a.openUdpSocket().bind(CLIENT_PORT).handler(client);

            arp();
            ping(pings);
            udpEcho(socket, client, frames);
            bigDatagram(socket, client, server, loss);
            a.syncCounters();
            b.syncCounters();
            counters();
        }
        finally
        {
            a.close();
            b.close();
            captured = captureA.framesCapturedRx() + captureA.framesCapturedTx();
            captureA.close();
            wire.close();
        }
        return captured;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Steps
    // ------------------------------------------------------------------------------------------------------------

    private void arp()
    {
        // As an AgentRunner would: each stack announces itself (gratuitous ARP) before its first duty cycle. A has
        // no entry for B yet, so B's announcement teaches it nothing (RFC 826 only updates existing entries).
        a.onStart();
        b.onStart();
        runFor(MILLISECOND);
        final long begin = clock.nanoTime();
        a.arp().resolve(HOST_B_IP, begin);
        final boolean resolved = runUntil(() -> a.arp().peek(HOST_B_IP) != Arp.NO_MAC, 10 * SECOND);
        final long tookNs = clock.nanoTime() - begin;
        runFor(MILLISECOND);
        final long requests = a.arp().counter(ArpCounter.TX_REQUESTS);
        if (resolved)
        {
            out.printf(Locale.ROOT, "1. ARP: after both stacks announced themselves (gratuitous ARP), A broadcast "
                + "%s for 10.0.0.2 and B sent %s;%n   A learned 10.0.0.2 is-at %s (%s) in %s, and B learned "
                + "10.0.0.1 is-at %s from the request (%s, as RFC 826 has the target of a request do).%n",
                plural(requests, "who-has request"), plural(b.arp().counter(ArpCounter.TX_REPLIES), "reply"),
                mac(a.arp().peek(HOST_B_IP)), a.arp().state(HOST_B_IP), duration(tookNs), mac(b.arp().peek(HOST_A_IP)),
                b.arp().state(HOST_A_IP));
        }
        else
        {
            out.println("1. ARP: A broadcast " + plural(requests, "who-has request") + " for 10.0.0.2 and got no "
                + "answer in 10 s (state " + a.arp().state(HOST_B_IP) + "); the next steps queue behind ARP.");
        }
    }

    private void ping(final int count)
    {
        final PingReplies replies = new PingReplies(count);
        a.icmp().echoListener(replies);
        final byte[] data = new byte[PING_DATA_LENGTH];
        for (int i = 0; i < data.length; i++)
        {
            data[i] = (byte)(0x10 + i);
        }
        final MemorySegment payload = MemorySegment.ofArray(data);
        long next = clock.nanoTime();
        int notSent = 0;
        for (int seq = 0; seq < count; seq++)
        {
            runTo(next);
            replies.sentAtNs[seq] = clock.nanoTime();
            if (a.icmp().ping(HOST_B_IP, PING_IDENTIFIER, seq & 0xFFFF, payload, 0, PING_DATA_LENGTH,
                clock.nanoTime()) != Ipv4.OK)
            {
                notSent++;
            }
            next += PING_INTERVAL_NS;
        }
        runFor(DRAIN_NS);
        final int got = replies.count;
        final StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "2. Ping A -> B: %d echo requests of %d bytes, one per ms: %d replies "
            + "(%.1f%% loss)", count, PING_DATA_LENGTH, got, 100.0 * (count - got) / count));
        if (replies.duplicates > 0)
        {
            line.append(", ").append(replies.duplicates).append(" DUP!");
        }
        if (notSent > 0)
        {
            line.append(", ").append(notSent).append(" not sent (no buffer)");
        }
        if (got > 0)
        {
            Arrays.sort(replies.rttNs, 0, got);
            line.append(String.format(Locale.ROOT, "; rtt min/median/max %.1f/%.1f/%.1f us",
                replies.rttNs[0] / 1e3, replies.rttNs[got / 2] / 1e3, replies.rttNs[got - 1] / 1e3));
        }
        out.println(line.append('.'));
        a.icmp().echoListener(null);
    }

    private void udpEcho(final UdpSocket socket, final Client client, final int frames)
    {
        final MemorySegment payload = MemorySegment.ofArray(new byte[PAYLOAD_LENGTH]);
        long next = clock.nanoTime();
        final long begin = next;
        int notSent = 0;
        for (int seq = 0; seq < frames; seq++)
        {
            runTo(next);
            for (int i = 0; i < PAYLOAD_LENGTH; i += 8)
            {
                payload.set(SEQUENCE, i, i == 0 ? seq : seq * 31L + i);
            }
            client.sentAtNs[seq] = clock.nanoTime();
            if (!socket.send(payload, 0, PAYLOAD_LENGTH, HOST_B_IP, ECHO_PORT))
            {
                notSent++;
            }
            next += SEND_INTERVAL_NS;
        }
        runFor(DRAIN_NS);
        final int got = client.answered;
        out.printf(Locale.ROOT, "3. UDP echo: B's socket on port 7 echoes; A sent %d datagrams of %d bytes, one per "
            + "10 us (%s): %d echoes back (%.2f%% loss), %d duplicates ignored%s.%n", frames, PAYLOAD_LENGTH,
            String.format(Locale.ROOT, "%.1f ms", (clock.nanoTime() - begin - DRAIN_NS) / 1e6), got,
            100.0 * (frames - got) / frames, client.duplicates, notSent == 0 ? "" : ", " + notSent
            + " not sent (no TX buffer)");
        if (got > 0)
        {
            Arrays.sort(client.rttNs, 0, got);
            out.printf(Locale.ROOT, "   Round trip on the virtual clock: p50 %.1f us, p99 %.1f us, max %.1f us "
                + "(wire delay, jitter, reordering and 1 Gbit/s serialisation; the stacks take no virtual time).%n",
                client.rttNs[got / 2] / 1e3, client.rttNs[(int)Math.min(got - 1, (long)got * 99 / 100)] / 1e3,
                client.rttNs[got - 1] / 1e3);
        }
    }

    private void bigDatagram(final UdpSocket socket, final Client client, final EchoServer server,
        final double loss)
    {
        final long fragmentsOutA = counter(a, Ipv4Counter.FRAG_CREATES);
        final long fragmentsOutB = counter(b, Ipv4Counter.FRAG_CREATES);
        final long fragmentsInB = counter(b, Ipv4Counter.REASM_REQDS);
        final long fragmentsInA = counter(a, Ipv4Counter.REASM_REQDS);
        final long duplicatesB = b.reassembly().duplicates();
        final long reorderedAb = wire.aToB().reordered();
        final long duplicatedAb = wire.aToB().duplicated();
        final long lostAb = wire.aToB().lost();
        final MemorySegment big = MemorySegment.ofArray(server.big);
        int attempts = 0;
        int firstAtB = 0;
        while (attempts < BIG_ATTEMPTS && client.bigExact == 0)
        {
            attempts++;
            final int before = server.bigExact;
            if (socket.send(big, 0, BIG_LENGTH, HOST_B_IP, ECHO_PORT))
            {
                runUntil(() -> client.bigExact > 0, BIG_WAIT_NS);
            }
            else
            {
                runFor(BIG_WAIT_NS);
            }
            if (firstAtB == 0 && server.bigExact > before)
            {
                firstAtB = attempts;
            }
        }
        runFor(DRAIN_NS);
        final long perDatagram = attempts == 0 ? 0 : (counter(a, Ipv4Counter.FRAG_CREATES) - fragmentsOutA) / attempts;
        final String atB;
        if (firstAtB == 0)
        {
            atB = String.format(Locale.ROOT, "B never reassembled it in %d attempts (an attempt needs all %d "
                + "fragments through: at %.1f%% loss that happens %.2g%% of the time)", attempts, perDatagram,
                loss * 100, 100 * Math.pow(1 - loss, perDatagram));
        }
        else
        {
            atB = "B reassembled it byte-exact on attempt " + firstAtB;
        }
        final String back;
        if (server.bigEchoed == 0)
        {
            back = "";
        }
        else
        {
            back = "; B's echo goes back in " + (counter(b, Ipv4Counter.FRAG_CREATES) - fragmentsOutB)
                / server.bigEchoed + " fragments and A " + (client.bigExact == 0 ? "never got it back whole"
                : "reassembled it byte-exact on attempt " + attempts);
        }
        out.printf(Locale.ROOT, "4. Fragmentation: one %d-byte datagram A -> B:7 leaves A in %d IPv4 fragments "
            + "(MTU 1500); %s%s.%n", BIG_LENGTH, perDatagram, atB, back);
        out.printf(Locale.ROOT, "   UDP has no retransmission (one lost fragment loses the whole datagram), so the "
            + "demo sent it %s: %d fragments A -> B (the wire lost %d, reordered %d, duplicated %d), %d arrived "
            + "at B (%d duplicates ignored), %d B -> A; B got %s whole%s.%n",
            plural(attempts, "time"), counter(a, Ipv4Counter.FRAG_CREATES) - fragmentsOutA,
            wire.aToB().lost() - lostAb, wire.aToB().reordered() - reorderedAb,
            wire.aToB().duplicated() - duplicatedAb, counter(b, Ipv4Counter.REASM_REQDS) - fragmentsInB,
            b.reassembly().duplicates() - duplicatesB, counter(a, Ipv4Counter.REASM_REQDS) - fragmentsInA,
            plural(server.bigExact, "copy"), server.bigDamaged == 0 ? ""
                : " (and " + plural(server.bigDamaged, "damaged copy") + ")");
    }

    private void counters()
    {
        out.println("5. Counters, like netstat -s (the most interesting; ./tachyon stat prints every one):");
        summarise("A", a);
        summarise("B", b);
        out.println("   Wire " + direction(wire.aToB(), "A -> B") + "; " + direction(wire.bToA(), "B -> A") + ".");
        out.printf(Locale.ROOT, "   Virtual time elapsed: %.1f ms. Run again with the same --seed: same output.%n",
            (clock.nanoTime() - startNs) / 1e6);
    }

    private void summarise(final String name, final Stack stack)
    {
        out.printf(Locale.ROOT, "   %s: IPv4 in %d, out %d; fragments out %d (datagrams fragmented %d), in %d "
            + "(reassembled %d); ICMP echo requests in %d/out %d, replies in %d/out %d; UDP in %d, out %d; "
            + "errors %d.%n",
            name, counter(stack, Ipv4Counter.IN_RECEIVES), counter(stack, Ipv4Counter.OUT_REQUESTS),
            counter(stack, Ipv4Counter.FRAG_CREATES), counter(stack, Ipv4Counter.FRAG_OKS),
            counter(stack, Ipv4Counter.REASM_REQDS), counter(stack, Ipv4Counter.REASM_OKS),
            counter(stack, IcmpCounter.IN_ECHOS), counter(stack, IcmpCounter.OUT_ECHOS),
            counter(stack, IcmpCounter.IN_ECHO_REPS), counter(stack, IcmpCounter.OUT_ECHO_REPS),
            counter(stack, UdpCounter.IN_DATAGRAMS), counter(stack, UdpCounter.OUT_DATAGRAMS),
            stack.counters().stack().get(StackCounter.ERRORS).get());
        final List<String> checksums = new ArrayList<>();
        add(checksums, counter(stack, Ipv4Counter.IN_CSUM_ERRORS), "IPv4 header");
        add(checksums, counter(stack, IcmpCounter.IN_CSUM_ERRORS), "ICMP");
        add(checksums, counter(stack, UdpCounter.IN_CSUM_ERRORS), "UDP");
        final long badChecksums = counter(stack, Ipv4Counter.IN_CSUM_ERRORS)
            + counter(stack, IcmpCounter.IN_CSUM_ERRORS) + counter(stack, UdpCounter.IN_CSUM_ERRORS);
        final List<String> drops = new ArrayList<>();
        drops.add(badChecksums == 0 ? "no bad checksums"
            : plural(badChecksums, "bad checksum") + " (" + String.join(", ", checksums) + ")");
        add(drops, stack.counters().link().get(LinkCounter.NOT_FOR_US).get(), "for another MAC");
        add(drops, stack.counters().link().get(LinkCounter.UNKNOWN_ETHERTYPE).get(), "unknown EtherType");
        add(drops, stack.counters().link().get(LinkCounter.IPV6_DROPPED).get(), "IPv6");
        add(drops, stack.counters().link().get(LinkCounter.VLAN_DROPPED).get(), "VLAN-tagged");
        add(drops, stack.counters().link().get(LinkCounter.BAD_SOURCE).get()
            + stack.counters().link().get(LinkCounter.OWN_SOURCE).get(), "bad source MAC");
        final CounterFamily<Malformed> malformed = stack.counters().malformed();
        for (final Malformed reason : Malformed.values())
        {
            if (reason != Malformed.OK)
            {
                add(drops, malformed.get(reason).get(), reason.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
        }
        add(drops, counter(stack, Ipv4Counter.IN_ADDR_ERRORS), "IPv4 not for us");
        add(drops, counter(stack, Ipv4Counter.IN_MARTIANS), "martian source");
        add(drops, counter(stack, Ipv4Counter.IN_UNKNOWN_PROTOS), "unknown IP protocol");
        add(drops, counter(stack, Ipv4Counter.IN_DISCARDS), "IPv4 discard");
        add(drops, counter(stack, UdpCounter.NO_PORTS), "UDP to a closed port");
        add(drops, counter(stack, UdpCounter.RCVBUF_ERRORS), "UDP receive queue full");
        out.println("      drops: " + plural(stack.counters().system().get(SystemCounterDescriptor.FRAMES_DROPPED)
            .get(), "frame") + ": " + String.join(", ", drops) + "; reassembly: "
            + stack.reassembly().duplicates() + " duplicate fragments ignored, "
            + plural(stack.reassembly().datagramsInProgress(), "incomplete datagram") + " waiting for the "
            + stack.config().reassembly().timeoutNs() / SECOND + " s timeout.");
    }

    private static void add(final List<String> into, final long value, final String what)
    {
        if (value != 0)
        {
            into.add(value + " " + what);
        }
    }

    private static long counter(final Stack stack, final Ipv4Counter counter)
    {
        return stack.counters().ip().get(counter).get();
    }

    private static long counter(final Stack stack, final IcmpCounter counter)
    {
        return stack.counters().icmp().get(counter).get();
    }

    private static long counter(final Stack stack, final UdpCounter counter)
    {
        return stack.counters().udp().get(counter).get();
    }

    private static String direction(final WireDirection direction, final String label)
    {
        return String.format(Locale.ROOT, "%s sent %d, delivered %d, lost %d, duplicated %d, reordered %d, "
            + "corrupted %d", label, direction.sent(), direction.delivered(), direction.lost(),
            direction.duplicated(), direction.reordered(), direction.corrupted());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Driving both stacks on the virtual clock
    // ------------------------------------------------------------------------------------------------------------

    /** One duty cycle of each stack; when neither did anything, the clock moves (never past {@code limitNs}). */
    private void cycle(final long limitNs)
    {
        if (a.doWork() + b.doWork() == 0)
        {
            final long now = clock.nanoTime();
            final long step = wire.aToB().inFlight() + wire.bToA().inFlight() > 0 ? BUSY_STEP_NS : IDLE_STEP_NS;
            clock.advanceTo(Math.max(now + 1, Math.min(now + step, limitNs)));
        }
    }

    private boolean runUntil(final BooleanSupplier done, final long maxNs)
    {
        final long end = clock.nanoTime() + maxNs;
        while (!done.getAsBoolean())
        {
            if (clock.nanoTime() - end >= 0)
            {
                return false;
            }
            cycle(end);
        }
        return true;
    }

    private void runTo(final long targetNs)
    {
        while (clock.nanoTime() - targetNs < 0)
        {
            cycle(targetNs);
        }
    }

    private void runFor(final long durationNs)
    {
        runTo(clock.nanoTime() + durationNs);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Handlers
    // ------------------------------------------------------------------------------------------------------------

    /** A's echo listener: matches replies to requests, measures round trips, counts duplicates. */
    private final class PingReplies implements EchoListener
    {
        final long[] sentAtNs;
        final long[] rttNs;
        final boolean[] answered;
        int count;
        int duplicates;

        PingReplies(final int requests)
        {
            sentAtNs = new long[requests];
            rttNs = new long[requests];
            answered = new boolean[requests];
        }

        @Override
        public void onEchoReply(final int source, final int identifier, final int sequence,
            final MemorySegment segment, final long offset, final int length, final long nowNs)
        {
            if (source != HOST_B_IP || identifier != PING_IDENTIFIER || sequence >= sentAtNs.length
                || length != PING_DATA_LENGTH)
            {
                return;
            }
            if (answered[sequence])
            {
                duplicates++;
                return;
            }
            answered[sequence] = true;
            rttNs[count++] = clock.nanoTime() - sentAtNs[sequence];
        }
    }

    /** B's socket on port 7: echoes every datagram and checks the big one byte for byte. */
    private static final class EchoServer implements UdpHandler
    {
        final byte[] big = new byte[BIG_LENGTH];
        final MemorySegment expected = MemorySegment.ofArray(big);
        int bigExact;
        int bigDamaged;
        int bigEchoed;

        EchoServer(final long seed)
        {
            new SplittableRandom(seed).nextBytes(big);
        }

        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            if (length == BIG_LENGTH)
            {
                if (segment.asSlice(offset, length).mismatch(expected) == -1)
                {
                    bigExact++;
                }
                else
                {
                    bigDamaged++;
                }
            }
            if (socket.send(segment, offset, length, sourceAddress, sourcePort) && length == BIG_LENGTH)
            {
                bigEchoed++;
            }
        }
    }

    /** A's socket: matches echoes to the datagrams sent, measures round trips, checks the big echo. */
    private final class Client implements UdpHandler
    {
        final long[] sentAtNs;
        final long[] rttNs;
        final boolean[] echoed;
        final MemorySegment big;
        int answered;
        int duplicates;
        int bigExact;

        Client(final int frames, final byte[] bigPayload)
        {
            sentAtNs = new long[frames];
            rttNs = new long[frames];
            echoed = new boolean[frames];
            big = MemorySegment.ofArray(bigPayload);
        }

        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            if (sourceAddress != HOST_B_IP || sourcePort != ECHO_PORT)
            {
                return;
            }
            if (length == BIG_LENGTH)
            {
                if (segment.asSlice(offset, length).mismatch(big) == -1)
                {
                    bigExact++;
                }
                return;
            }
            if (length != PAYLOAD_LENGTH)
            {
                return;
            }
            final long sequence = segment.get(SEQUENCE, offset);
            if (sequence < 0 || sequence >= sentAtNs.length)
            {
                return;
            }
            final int seq = (int)sequence;
            if (echoed[seq])
            {
                duplicates++;
                return;
            }
            echoed[seq] = true;
            rttNs[answered++] = clock.nanoTime() - sentAtNs[seq];
        }
    }

    private static String mac(final long mac)
    {
        if (mac == Arp.NO_MAC)
        {
            return "(none)";
        }
        final StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            text.append(String.format(Locale.ROOT, "%02x", (mac >>> shift) & 0xFF));
            if (shift > 0)
            {
                text.append(':');
            }
        }
        return text.toString();
    }

    private static String duration(final long ns)
    {
        return ns < 10 * MILLISECOND ? String.format(Locale.ROOT, "%.1f us", ns / 1e3)
            : String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
    }

    private static String plural(final long count, final String noun)
    {
        if (count == 1)
        {
            return count + " " + noun;
        }
        return count + " " + (noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s");
    }
}
