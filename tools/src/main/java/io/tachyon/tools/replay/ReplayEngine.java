package io.tachyon.tools.replay;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.pcap.LinkType;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.pcap.PcapReader;
import io.tachyon.pcap.PcapWriter;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.tcp.TcpConfig;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;
import io.tachyon.time.VirtualClock;
import io.tachyon.udp.UdpSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Replays one side of a capture into a Tachyon stack and compares what Tachyon sends with what the recorded host
 * sent. The rules (which side, what the application does, what counts as a divergence) are in docs/replay.md.
 * <p>
 * The stack runs inline on the calling thread over an in-memory wire, on a {@link VirtualClock} that follows the
 * capture's timestamps: capture frame {@code i} is handled at {@code t_i + shift}, where the shift grows only
 * while the engine waits for Tachyon to send what the next injected frame acknowledges.
 */
public final class ReplayEngine
{
    /** The virtual-time step while waiting between capture frames. */
    static final long STEP_NS = 100_000L;
    /**
     * The longest the engine waits for Tachyon to send what the next injected frame acknowledges: below the 200 ms
     * RTO floor, so waiting never makes Tachyon retransmit.
     */
    static final long HOLD_LIMIT_NS = 50_000_000L;
    /** How long the stack runs after the last capture frame. */
    static final long TAIL_NS = 500_000_000L;
    /** Two runs of sent data at most this far apart (and no peer data between) are one application write. */
    static final long WRITE_MERGE_NS = 1_000_000L;
    private static final int NO_PORT = -1;
    /** The side's subnet; peers outside it are reached through a router (see {@link #config}). */
    private static final int SUBNET_BITS = 24;

    private final String name;
    private final List<Packet> packets;
    private final int sideIp;
    private final int sidePort;
    private final long sideMac;
    private final List<String> notes = new ArrayList<>();
    private final Map<Long, Flow> flows = new LinkedHashMap<>();
    private final Map<Long, Flow> byTachyonPort = new HashMap<>();
    private final Map<Integer, List<Action>> actions = new HashMap<>();
    private final List<Integer> listenPorts = new ArrayList<>();
    private final List<Integer> udpPorts = new ArrayList<>();
    private final Map<Integer, UdpSocket> udpSockets = new HashMap<>();
    private final List<Packet> tachyonOut = new ArrayList<>();
    private final List<Packet> wireLog = new ArrayList<>();
    private final List<Divergence> late = new ArrayList<>();
    private final byte[] scratch = new byte[65536];
    private final FrameBatch rxBatch = new FrameBatch(64);
    private final FrameBatch txBatch = new FrameBatch(1);

    private VirtualClock clock;
    private Stack stack;
    private DriverQueue wireQueue;
    private final List<TcpListener> listeners = new ArrayList<>();
    private int lastCapturePacket;
    private int injected;

    private ReplayEngine(final String name, final List<Packet> packets, final int sideIp, final int sidePort)
    {
        this.name = name;
        this.packets = packets;
        this.sideIp = sideIp;
        this.sidePort = sidePort;
        long mac = 0x02_00_00_00_00_01L;
        for (final Packet p : packets)
        {
            if (p.kind != Packet.Kind.OTHER && p.kind != Packet.Kind.ARP && p.src == sideIp)
            {
                mac = p.srcMac;
                break;
            }
            if (p.kind == Packet.Kind.ARP && p.arpSenderIp == sideIp)
            {
                mac = p.arpSenderMac;
                break;
            }
        }
        this.sideMac = usableMac(mac) ? mac : 0x02_00_00_00_00_01L;
    }

    /** Whether a MAC can name a host (non-zero, unicast); placeholder and odd MACs of some captures cannot. */
    static boolean usableMac(final long mac)
    {
        return mac != 0 && (mac & 0x0100_0000_0000L) == 0 && mac != 0xffff_ffff_ffffL && mac != 0x02_00_00_00_00_00L;
    }

    /**
     * Replays a capture file.
     *
     * @param capture the pcap or pcapng file (Ethernet frames; others are skipped with a note).
     * @param side    {@code ADDR} or {@code ADDR:PORT} of the side Tachyon plays, or null for the default: the
     *                server of the first TCP connection, else the destination of the first UDP datagram, ICMP echo
     *                request or ARP request.
     * @return the report.
     * @throws IOException if the capture cannot be read.
     * @throws IllegalArgumentException for a bad side or a capture with nothing to replay.
     */
    public static ReplayReport replay(final Path capture, final String side) throws IOException
    {
        return replay(capture, side, null);
    }

    /**
     * Replays a capture file and writes the replayed session (the frames injected into Tachyon and the frames
     * Tachyon sent, in order, with virtual-clock timestamps) to a pcap, to read beside the original.
     *
     * @param capture the pcap or pcapng file.
     * @param side    as for {@link #replay(Path, String)}.
     * @param output  the pcap to write, or null for none.
     * @return the report.
     * @throws IOException if the capture cannot be read or the output written.
     * @throws IllegalArgumentException for a bad side or a capture with nothing to replay.
     */
    public static ReplayReport replay(final Path capture, final String side, final Path output) throws IOException
    {
        final List<Packet> packets = new ArrayList<>();
        int skipped = 0;
        int duplicates = 0;
        try (PcapReader reader = PcapReader.open(capture))
        {
            int number = 0;
            while (reader.next())
            {
                number++;
                final byte[] data = reader.segment()
                    .asSlice(reader.dataOffset(), reader.capturedLength()).toArray(ValueLayout.JAVA_BYTE);
                final byte[] frame = toEthernet(reader.linkType(), data);
                if (frame == null)
                {
                    skipped++;
                    continue;
                }
                final Packet previous = packets.isEmpty() ? null : packets.get(packets.size() - 1);
                if (previous != null && previous.timeNs == reader.timestampNs() && Arrays.equals(previous.frame, frame))
                {
                    duplicates++;
                    continue;
                }
                packets.add(new Packet(number, reader.timestampNs(), frame));
            }
        }
        final String fileName = capture.getFileName().toString();
        if (packets.isEmpty())
        {
            throw new IllegalArgumentException(fileName + " holds no Ethernet frames to replay");
        }
        final long[] chosen = chooseSide(packets, side);
        final ReplayEngine engine = new ReplayEngine(fileName, packets, (int) chosen[0], (int) chosen[1]);
        if (skipped > 0)
        {
            engine.notes.add(skipped + " frames of another link type than Ethernet were skipped");
        }
        if (duplicates > 0)
        {
            engine.notes.add(duplicates + " frames identical to the one before, with the same timestamp, were dropped "
                + "as capture artefacts");
        }
        final ReplayReport report = engine.run();
        if (output != null)
        {
            try (PcapWriter writer = PcapWriter.create(output, PcapFormat.PCAP_NANOS, LinkType.ETHERNET))
            {
                for (final Packet p : engine.wireLog)
                {
                    writer.write(p.frame, p.timeNs);
                }
            }
        }
        return report;
    }

    /**
     * The record as an Ethernet frame: Ethernet as it is; raw IPv4 (link types 101, 228) and Linux cooked captures
     * (113) get an Ethernet header, with placeholder MACs (02:00:00:00:00:00); injected frames get the side's MAC
     * as destination anyway.
     */
    static byte[] toEthernet(final int linkType, final byte[] data)
    {
        final int skip;
        switch (linkType)
        {
            case LinkType.ETHERNET ->
            {
                return data;
            }
            case LinkType.RAW, LinkType.IPV4 -> skip = 0;
            case LinkType.LINUX_SLL -> skip = 16;
            default ->
            {
                return null;
            }
        }
        if (data.length <= skip || (linkType != LinkType.LINUX_SLL && (data[0] & 0xf0) != 0x40)
            || linkType == LinkType.LINUX_SLL && Packet.u16(data, 14) != 0x0800 && Packet.u16(data, 14) != 0x0806)
        {
            return null;
        }
        final byte[] frame = new byte[Packet.ETHERNET + data.length - skip];
        frame[0] = 2;
        frame[6] = 2;
        Packet.put16(frame, 12, linkType == LinkType.LINUX_SLL ? Packet.u16(data, 14) : 0x0800);
        System.arraycopy(data, skip, frame, Packet.ETHERNET, data.length - skip);
        return frame;
    }

    /** Parses or picks the side: {address, port or NO_PORT}. */
    static long[] chooseSide(final List<Packet> packets, final String side)
    {
        if (side != null)
        {
            final int colon = side.indexOf(':');
            final String address = colon < 0 ? side : side.substring(0, colon);
            final int port;
            try
            {
                port = colon < 0 ? NO_PORT : Integer.parseInt(side.substring(colon + 1));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("--side port is not a number: '" + side + "'", ex);
            }
            if (colon >= 0 && (port < 1 || port > 65_535))
            {
                throw new IllegalArgumentException("--side port must be 1..65535: '" + side + "'");
            }
            return new long[] {parseAddress(address), port};
        }
        for (final Packet p : packets)
        {
            if (p.kind == Packet.Kind.TCP && p.has(Packet.SYN) && !p.has(Packet.ACK))
            {
                return new long[] {p.dst, p.dstPort};
            }
        }
        for (final Packet p : packets)
        {
            if (p.kind == Packet.Kind.UDP || p.kind == Packet.Kind.ICMP && p.icmpType == 8)
            {
                return new long[] {p.dst, NO_PORT};
            }
            if (p.kind == Packet.Kind.ARP && p.arpOp == 1)
            {
                return new long[] {p.arpTargetIp, NO_PORT};
            }
        }
        throw new IllegalArgumentException("no TCP connection, UDP datagram, ICMP echo request or ARP request to "
            + "pick a side from; give --side ADDR[:PORT]");
    }

    static int parseAddress(final String text)
    {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        int a = 0;
        for (final String part : parts)
        {
            final int v;
            try
            {
                v = Integer.parseInt(part);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'", ex);
            }
            if (v < 0 || v > 255)
            {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            a = a << 8 | v;
        }
        return a;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Classification and inference
    // ------------------------------------------------------------------------------------------------------------

    private boolean fromSide(final Packet p)
    {
        return switch (p.kind)
        {
            case ARP -> p.arpSenderIp == sideIp;
            case OTHER -> false;
            default -> p.src == sideIp;
        };
    }

    private boolean toSide(final Packet p)
    {
        return switch (p.kind)
        {
            case ARP -> p.arpSenderIp != sideIp && (p.arpTargetIp == sideIp || p.arpOp == 1);
            case OTHER -> false;
            default -> p.dst == sideIp && p.src != sideIp;
        };
    }

    private static long flowKey(final int peerIp, final int peerPort, final int localPort)
    {
        return (peerIp & 0xffffffffL) << 32 | (long) peerPort << 16 | localPort;
    }

    /** The connection of a frame Tachyon sent: its local port may be an ephemeral one standing for the capture's. */
    private Flow tachyonFlowOf(final Packet p)
    {
        final Flow mapped = byTachyonPort.get(flowKey(p.dst, p.dstPort, p.srcPort));
        return mapped != null ? mapped : flowOf(p, true);
    }

    private Flow flowOf(final Packet p, final boolean sent)
    {
        final long key = sent ? flowKey(p.dst, p.dstPort, p.srcPort) : flowKey(p.src, p.srcPort, p.dstPort);
        return flows.computeIfAbsent(key, k -> new Flow(sent ? p.dst : p.src, sent ? p.dstPort : p.srcPort,
            sent ? p.srcPort : p.dstPort));
    }

    private void addAction(final int index, final Action action)
    {
        actions.computeIfAbsent(index, k -> new ArrayList<>()).add(action);
    }

    private void infer()
    {
        for (int i = 0; i < packets.size(); i++)
        {
            final Packet p = packets.get(i);
            final boolean sent = fromSide(p);
            if (!sent && !toSide(p))
            {
                continue;
            }
            if (p.kind == Packet.Kind.UDP && sent)
            {
                if (!udpPorts.contains(p.srcPort))
                {
                    udpPorts.add(p.srcPort);
                }
                final Action a = new Action(Action.UDP_SEND, null);
                a.data = p.payload();
                a.address = p.dst;
                a.port = p.dstPort;
                a.localPort = p.srcPort;
                addAction(i, a);
                continue;
            }
            if (p.kind == Packet.Kind.ICMP && sent && p.icmpType == 8 && p.icmpCode == 0 && p.payloadLength >= 4)
            {
                final Action a = new Action(Action.PING, null);
                a.address = p.dst;
                a.port = Packet.u16(p.frame, p.payloadOffset);
                a.localPort = Packet.u16(p.frame, p.payloadOffset + 2);
                a.data = Arrays.copyOfRange(p.frame, p.payloadOffset + 4, p.payloadOffset + p.payloadLength);
                addAction(i, a);
                continue;
            }
            if (p.kind != Packet.Kind.TCP)
            {
                continue;
            }
            final Flow f = flowOf(p, sent);
            if (sidePort != NO_PORT && f.localPort != sidePort)
            {
                f.ignored = "not on port " + sidePort;
            }
            if (!sent)
            {
                if (p.has(Packet.SYN) && f.peerIsn < 0)
                {
                    f.peerIsn = p.seq & 0xffffffffL;
                }
                if (p.payloadLength > 0)
                {
                    f.peerDataSinceSide = true;
                    if (f.finAction != null)
                    {
                        f.finAction.kind = Action.SHUTDOWN;
                    }
                }
                continue;
            }
            if (p.has(Packet.SYN))
            {
                if (f.linuxIsn < 0)
                {
                    f.linuxIsn = p.seq & 0xffffffffL;
                }
                if (!p.has(Packet.ACK))
                {
                    if (!f.client)
                    {
                        f.client = true;
                        addAction(i, new Action(Action.CONNECT, f));
                    }
                }
                else if (!listenPorts.contains(f.localPort))
                {
                    listenPorts.add(f.localPort);
                }
                continue;
            }
            if (p.payloadLength > 0 && f.linuxIsn >= 0)
            {
                final long offset = ((p.seq & 0xffffffffL) - f.linuxIsn - 1) & 0xffffffffL;
                final long end = offset + p.payloadLength;
                if (end > f.written && offset <= f.written)
                {
                    final int skip = (int) (f.written - offset);
                    final byte[] fresh = Arrays.copyOfRange(p.frame, p.payloadOffset + skip,
                        p.payloadOffset + p.payloadLength);
                    final boolean merge = f.currentWrite != null && !f.finSent
                        && (!f.lastPsh || p.timeNs - f.lastDataNs < WRITE_MERGE_NS && !f.peerDataSinceSide);
                    if (merge)
                    {
                        f.currentWrite.append(fresh);
                    }
                    else
                    {
                        f.currentWrite = new Action(Action.WRITE, f);
                        f.currentWrite.data = fresh;
                        addAction(i, f.currentWrite);
                    }
                    f.written = end;
                    f.lastPsh = p.has(Packet.PSH);
                    f.lastDataNs = p.timeNs;
                    f.peerDataSinceSide = false;
                }
            }
            if (p.has(Packet.FIN) && !f.finSent)
            {
                f.finSent = true;
                f.finAction = new Action(Action.CLOSE, f);
                addAction(i, f.finAction);
            }
            if (p.has(Packet.RST) && !f.finSent && !f.rstSent && f.linuxIsn >= 0)
            {
                f.rstSent = true;
                addAction(i, new Action(Action.ABORT, f));
            }
        }
        for (final Flow f : flows.values())
        {
            if (f.ignored != null)
            {
                notes.add("connection " + Packet.ip(sideIp) + ":" + f.localPort + " <-> " + Packet.ip(f.peerIp) + ":"
                    + f.peerPort + " not replayed: " + f.ignored);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Running
    // ------------------------------------------------------------------------------------------------------------

    private ReplayReport run() throws IOException
    {
        infer();
        final long firstNs = packets.get(0).timeNs;
        clock = new VirtualClock(firstNs);
        final Path counters = Files.createTempDirectory("tachyon-replay");
        final MemoryWireConfig wireConfig = MemoryWireConfig.DEFAULT.withName("replay").withPoolFrames(4096)
            .withInFlightFrames(4096).withMaxBurst(64);
        try (MemoryWire wire = new MemoryWire(wireConfig, clock))
        {
            wire.endpointA().open();
            wire.endpointB().open();
            wire.endpointA().start();
            wire.endpointB().start();
            wireQueue = wire.endpointB().queue(0);
            stack = new Stack(config(counters), wire.endpointA(), 0, clock);
            try
            {
                for (final int port : listenPorts)
                {
                    listeners.add(stack.tcp().listen(port, 128));
                }
                for (final int port : udpPorts)
                {
                    udpSockets.put(port, stack.openUdpSocket().bind(port)
                        .handler((socket, segment, offset, length, address, sourcePort) ->
                        {
                        }));
                }
                drive();
            }
            finally
            {
                stack.close();
            }
        }
        finally
        {
            deleteTree(counters);
        }
        final List<Divergence> differences = new Comparison().compare();
        for (final Flow f : flows.values())
        {
            if (f.synthetic > 0)
            {
                notes.add("connection with " + Packet.ip(f.peerIp) + ":" + f.peerPort + ": " + f.synthetic
                    + " owed ACKs were synthesized (the capture's peer acknowledged data before Tachyon sent it)");
            }
        }
        int linuxFrames = 0;
        for (final Packet p : packets)
        {
            if (fromSide(p))
            {
                linuxFrames++;
            }
        }
        final String side = Packet.ip(sideIp) + (sidePort == NO_PORT ? "" : ":" + sidePort);
        return new ReplayReport(name, side, linuxFrames, tachyonOut.size(), injected, differences, notes);
    }

    private StackConfig config(final Path counters)
    {
        boolean hasArp = false;
        final Map<Integer, Long> peers = new LinkedHashMap<>();
        for (final Packet p : packets)
        {
            if (p.kind == Packet.Kind.ARP)
            {
                hasArp = true;
            }
            else if (p.kind != Packet.Kind.OTHER && toSide(p))
            {
                peers.putIfAbsent(p.src, p.srcMac);
            }
        }
        final StackConfig.Builder b = StackConfig.builder().name("replay").countersDirectory(counters)
            .mac(sideMac).address(sideIp, SUBNET_BITS).secretSeed(0x7e91a7L);
        for (final Packet p : packets)
        {
            if (p.kind == Packet.Kind.TCP && p.src == sideIp && p.has(Packet.SYN) && !p.has(Packet.ACK))
            {
                // The side is a client: it offers the options its SYN offered (Linux's sysctls, e.g. tcp_sack=0).
                final String kinds = "," + p.optionKinds + ",";
                b.tcp(TcpConfig.DEFAULT.withOptions(kinds.contains(",WS,"), kinds.contains(",SACKOK,"),
                    kinds.contains(",TS,")));
                break;
            }
        }
        boolean gateway = false;
        for (final Map.Entry<Integer, Long> e : peers.entrySet())
        {
            final long mac = usableMac(e.getValue()) ? e.getValue() : 0x02_00_00_00_00_02L;
            if (Integer.numberOfLeadingZeros(e.getKey() ^ sideIp) >= SUBNET_BITS)
            {
                if (!hasArp)
                {
                    // The recorded hosts had the neighbour cached (record.sh sets permanent entries): so has Tachyon.
                    b.staticArp(e.getKey(), mac);
                }
            }
            else if (!gateway)
            {
                // A peer off the side's /24 was reached through a router: the MAC its frames came from.
                gateway = true;
                final int router = (sideIp & 0xffffff00) | ((sideIp & 0xff) == 254 ? 253 : 254);
                b.gateway(router).staticArp(router, mac);
                notes.add("peers outside " + Packet.ip(sideIp & 0xffffff00) + "/" + SUBNET_BITS + " are reached "
                    + "through a router " + Packet.ip(router) + " with the MAC of " + Packet.ip(e.getKey())
                    + "'s frames");
            }
        }
        return b.build();
    }

    private static void deleteTree(final Path root)
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void drive()
    {
        long shiftNs = 0;
        for (int i = 0; i < packets.size(); i++)
        {
            final Packet p = packets.get(i);
            final long dueNs = p.timeNs + shiftNs;
            runUntil(dueNs);
            lastCapturePacket = p.number;
            final List<Action> due = actions.get(i);
            if (due != null)
            {
                for (final Action a : due)
                {
                    start(a);
                }
                cycle();
            }
            if (fromSide(p) || !toSide(p))
            {
                continue;
            }
            Flow f = null;
            if (p.kind == Packet.Kind.TCP)
            {
                f = flowOf(p, false);
                if (f.ignored != null)
                {
                    continue;
                }
                long waitedNs = 0;
                while (!ready(f, p) && waitedNs < HOLD_LIMIT_NS)
                {
                    clock.advance(STEP_NS);
                    waitedNs += STEP_NS;
                    cycle();
                }
                shiftNs += waitedNs;
                if (!ready(f, p) && f.tachyonIsn >= 0)
                {
                    final long needed = ((p.ack & 0xffffffffL) - f.linuxIsn) & 0xffffffffL;
                    late.add(new Divergence(p.number, "tcp-late", Packet.ip(sideIp) + ":" + f.localPort + ">"
                        + Packet.ip(f.peerIp) + ":" + f.peerPort + ": the peer acknowledges " + needed + ", which "
                        + "Linux had sent by then; " + HOLD_LIMIT_NS / 1_000_000 + " ms later Tachyon had sent "
                        + f.tachyonSent, Divergence.Category.TIMING));
                }
            }
            inject(p, f);
            cycle();
        }
        runUntil(clock.nanoTime() + TAIL_NS);
    }

    /** Whether Tachyon has sent everything the peer's segment acknowledges. */
    private static boolean ready(final Flow f, final Packet p)
    {
        if (!p.has(Packet.ACK) || f.linuxIsn < 0 || p.has(Packet.RST))
        {
            return true;
        }
        if (f.tachyonIsn < 0)
        {
            return false;
        }
        final long needed = ((p.ack & 0xffffffffL) - f.linuxIsn) & 0xffffffffL;
        return f.tachyonSent >= needed;
    }

    private void runUntil(final long targetNs)
    {
        cycle();
        while (clock.nanoTime() < targetNs)
        {
            // 0.1 ms steps; across long silences (a capture spanning hours) steps of a thousandth of what remains,
            // so the work stays bounded and timers fire at most 0.1 % late.
            final long remainingNs = targetNs - clock.nanoTime();
            clock.advanceTo(clock.nanoTime() + Math.min(remainingNs, Math.max(STEP_NS, remainingNs / 1000)));
            cycle();
        }
    }

    /** Runs the stack and the application until nothing more happens at this instant. */
    private void cycle()
    {
        for (int round = 0; round < 1000; round++)
        {
            int work = stack.doWork();
            work += collect();
            work += application();
            work += owedAcks();
            if (work == 0)
            {
                return;
            }
        }
    }

    private int collect()
    {
        int total = 0;
        int n;
        do
        {
            rxBatch.clear();
            n = wireQueue.receive(rxBatch);
            for (int k = 0; k < n; k++)
            {
                final byte[] frame = rxBatch.segment(k).asSlice(rxBatch.offset(k), rxBatch.length(k))
                    .toArray(ValueLayout.JAVA_BYTE);
                wireQueue.release(rxBatch, k);
                final Packet out = new Packet(lastCapturePacket, clock.nanoTime(), frame);
                tachyonOut.add(out);
                wireLog.add(out);
                if (out.kind == Packet.Kind.TCP && out.src == sideIp)
                {
                    final Flow f = tachyonFlowOf(out);
                    if (out.has(Packet.SYN) && f.tachyonIsn < 0)
                    {
                        f.tachyonIsn = out.seq & 0xffffffffL;
                    }
                    if (f.tachyonIsn >= 0)
                    {
                        final long end = (((out.seq & 0xffffffffL) - f.tachyonIsn) & 0xffffffffL)
                            + out.sequenceLength();
                        f.tachyonSent = Math.max(f.tachyonSent, end);
                    }
                    if (out.timestampOffset >= 0)
                    {
                        f.tachyonTsVal = out.tsVal();
                    }
                }
            }
            total += n;
        }
        while (n > 0);
        rxBatch.clear();
        return total;
    }

    private void inject(final Packet p, final Flow f)
    {
        final byte[] frame = p.frame.clone();
        if ((frame[0] & 1) == 0)
        {
            // Unicast to the side: to Tachyon's MAC (captures without Ethernet headers, or odd MACs).
            for (int k = 0; k < 6; k++)
            {
                frame[k] = (byte) (sideMac >>> (40 - 8 * k));
            }
        }
        final Packet copy = new Packet(p.number, p.timeNs, frame);
        if (f != null && copy.kind == Packet.Kind.TCP && f.tachyonPort != f.localPort)
        {
            Packet.put16(frame, copy.l4Offset + 2, f.tachyonPort);
            copy.fixChecksums();
        }
        if (f != null && copy.kind == Packet.Kind.TCP && f.linuxIsn >= 0 && f.tachyonIsn >= 0)
        {
            if (copy.has(Packet.ACK) && !copy.has(Packet.RST))
            {
                final long relAck = ((copy.ack & 0xffffffffL) - f.linuxIsn) & 0xffffffffL;
                final long given = Math.min(relAck, f.tachyonSent);
                if (relAck > given)
                {
                    f.owedAck = Math.max(f.owedAck, relAck);
                }
                f.ackGiven = Math.max(f.ackGiven, given);
                Packet.put32(frame, copy.l4Offset + 8, (int) (f.tachyonIsn + given));
            }
            else if (copy.has(Packet.ACK))
            {
                Packet.put32(frame, copy.l4Offset + 8, map(f, copy.ack));
            }
            for (int s = 0; copy.sackOffset >= 0 && s + 8 <= copy.sackLength; s += 4)
            {
                final int at = copy.sackOffset + s;
                final long rel = ((Packet.u32(frame, at) & 0xffffffffL) - f.linuxIsn) & 0xffffffffL;
                Packet.put32(frame, at, (int) (f.tachyonIsn + Math.min(rel, f.tachyonSent)));
            }
            if (copy.timestampOffset >= 0 && f.tachyonTsVal >= 0 && copy.has(Packet.ACK))
            {
                Packet.put32(frame, copy.timestampOffset + 4, (int) f.tachyonTsVal);
            }
            copy.fixChecksums();
        }
        if (f != null && copy.kind == Packet.Kind.TCP)
        {
            f.peerNext = Math.max(f.peerNext, (copy.seq & 0xffffffffL) + copy.sequenceLength());
            if (copy.flags == Packet.ACK && copy.sackOffset < 0)
            {
                f.template = frame.clone();
            }
        }
        if (transmit(frame))
        {
            injected++;
            return;
        }
        notes.add("packet " + p.number + " could not be injected (the in-memory wire stayed full)");
    }

    /**
     * Where the capture's peer acknowledged more than Tachyon had sent (Tachyon's congestion window grew more
     * slowly than Linux's), the acknowledgment was cut to what Tachyon had sent and the rest is owed: as Tachyon
     * sends more, the engine acknowledges it at once with pure ACKs made from the peer's last pure ACK, up to what
     * the peer acknowledged. Without them the capture's fixed ACK clock would stall Tachyon.
     */
    private int owedAcks()
    {
        int work = 0;
        for (final Flow f : flows.values())
        {
            if (f.template == null || f.owedAck <= f.ackGiven || f.tachyonSent <= f.ackGiven)
            {
                continue;
            }
            final long rel = Math.min(f.owedAck, f.tachyonSent);
            final byte[] frame = f.template.clone();
            final Packet ack = new Packet(0, 0, frame);
            Packet.put32(frame, ack.l4Offset + 4, (int) f.peerNext);
            Packet.put32(frame, ack.l4Offset + 8, (int) (f.tachyonIsn + rel));
            if (ack.timestampOffset >= 0 && f.tachyonTsVal >= 0)
            {
                Packet.put32(frame, ack.timestampOffset + 4, (int) f.tachyonTsVal);
            }
            ack.fixChecksums();
            if (transmit(frame))
            {
                f.ackGiven = rel;
                f.synthetic++;
                work++;
            }
        }
        return work;
    }

    private boolean transmit(final byte[] frame)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            txBatch.clear();
            if (wireQueue.acquire(txBatch, 1) == 1)
            {
                final MemorySegment target = txBatch.segment(0);
                MemorySegment.copy(frame, 0, target, ValueLayout.JAVA_BYTE, txBatch.offset(0), frame.length);
                txBatch.length(0, frame.length);
                if (wireQueue.transmit(txBatch) == 1)
                {
                    txBatch.clear();
                    wireLog.add(new Packet(0, clock.nanoTime(), frame));
                    return true;
                }
                wireQueue.release(txBatch, 0);
            }
            stack.doWork();
            collect();
        }
        txBatch.clear();
        return false;
    }

    private static int map(final Flow f, final int linuxSeq)
    {
        return (int) (f.tachyonIsn + (((linuxSeq & 0xffffffffL) - f.linuxIsn) & 0xffffffffL));
    }

    // ------------------------------------------------------------------------------------------------------------
    // The application
    // ------------------------------------------------------------------------------------------------------------

    private void start(final Action a)
    {
        if (a.kind == Action.PING)
        {
            stack.icmp().ping(a.address, a.port, a.localPort, MemorySegment.ofArray(a.data), 0, a.data.length,
                clock.nanoTime());
            return;
        }
        if (a.kind == Action.UDP_SEND)
        {
            final UdpSocket socket = udpSockets.get(a.localPort);
            final MemorySegment payload = MemorySegment.ofArray(a.data);
            if (!socket.send(payload, 0, a.data.length, a.address, a.port))
            {
                notes.add("a UDP send from port " + a.localPort + " found no TX buffer");
            }
            return;
        }
        final Flow f = a.flow;
        if (f.ignored != null)
        {
            return;
        }
        switch (a.kind)
        {
            case Action.WRITE -> f.queue(a.data);
            case Action.CLOSE, Action.SHUTDOWN -> f.pendingClose = a.kind;
            case Action.ABORT -> f.pendingAbort = true;
            case Action.CONNECT -> connect(f);
            default -> throw new IllegalStateException("action " + a.kind);
        }
    }

    private void connect(final Flow f)
    {
        final TcpSocket s = stack.tcp().open();
        s.connect(f.peerIp, f.peerPort);
        f.socket = s;
        f.tachyonPort = s.localPort();
        byTachyonPort.put(flowKey(f.peerIp, f.peerPort, f.tachyonPort), f);
    }

    private int application()
    {
        int work = 0;
        for (final TcpListener listener : listeners)
        {
            TcpSocket s;
            while ((s = listener.accept()) != null)
            {
                final Flow f = flows.get(flowKey(s.remoteAddress(), s.remotePort(), s.localPort()));
                if (f == null)
                {
                    notes.add("Tachyon accepted a connection the capture does not have: " + s);
                    s.abort();
                    continue;
                }
                f.socket = s;
                work++;
            }
        }
        for (final Flow f : flows.values())
        {
            final TcpSocket s = f.socket;
            if (s == null || f.socketDone || s.state() == TcpState.SYN_SENT)
            {
                continue;
            }
            try
            {
                int n;
                while (s.readable() > 0 && (n = s.read(scratch, 0, scratch.length)) > 0)
                {
                    f.readBytes += n;
                    work++;
                }
                if (f.pendingAbort)
                {
                    s.abort();
                    f.socketDone = true;
                    work++;
                    continue;
                }
                while (f.outTail > f.outHead)
                {
                    final int n2 = s.write(f.out, f.outHead, f.outTail - f.outHead);
                    if (n2 <= 0)
                    {
                        break;
                    }
                    f.outHead += n2;
                    work++;
                }
                if (f.pendingClose != 0 && f.outTail == f.outHead && !f.closeDone)
                {
                    f.closeDone = true;
                    if (f.pendingClose == Action.SHUTDOWN)
                    {
                        s.shutdownOutput();
                    }
                    else
                    {
                        s.close();
                        f.socketDone = true;
                    }
                    work++;
                }
            }
            catch (final IllegalStateException ex)
            {
                notes.add("connection with " + Packet.ip(f.peerIp) + ":" + f.peerPort + ": " + ex.getMessage());
                f.socketDone = true;
            }
        }
        return work;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Comparison
    // ------------------------------------------------------------------------------------------------------------

    /** Compares per TCP connection, then the other frames as ordered lists of signatures. */
    private final class Comparison
    {
        private final List<Divergence> found = new ArrayList<>();

        List<Divergence> compare()
        {
            for (final Flow f : flows.values())
            {
                if (f.ignored == null)
                {
                    compareFlow(f);
                }
            }
            compareOthers();
            found.addAll(late);
            found.sort(Comparator.comparingInt(Divergence::packet));
            return found;
        }

        private void add(final int packet, final String code, final String detail)
        {
            found.add(new Divergence(packet, code, detail, Divergence.Category.DIVERGENCE));
        }

        private String conn(final Flow f)
        {
            return Packet.ip(sideIp) + ":" + f.localPort + ">" + Packet.ip(f.peerIp) + ":" + f.peerPort;
        }

        private List<Packet> segments(final Flow f, final List<Packet> source, final int port)
        {
            final List<Packet> result = new ArrayList<>();
            for (final Packet p : source)
            {
                if (p.kind == Packet.Kind.TCP && p.src == sideIp && p.dst == f.peerIp && p.srcPort == port
                    && p.dstPort == f.peerPort)
                {
                    result.add(p);
                }
            }
            return result;
        }

        private void compareFlow(final Flow f)
        {
            final List<Packet> linux = segments(f, packets, f.localPort);
            final List<Packet> tachyon = segments(f, tachyonOut, f.tachyonPort);
            final List<Seg> l = normalize(linux, f.peerIsn);
            final List<Seg> t = normalize(tachyon, f.peerIsn);
            compareControl(f, l, t);
            compareData(f, l, t);
            compareAcks(f, l, t);
            compareSegmentOptions(f, linux, tachyon);
            compareIpHeader(f, linux, tachyon);
        }

        /**
         * TTL (for a peer on the side's subnet) and Don't-Fragment of the connection's IPv4 headers: Tachyon's first
         * segment against Linux's.
         */
        private void compareIpHeader(final Flow f, final List<Packet> linux, final List<Packet> tachyon)
        {
            if (linux.isEmpty() || tachyon.isEmpty())
            {
                return;
            }
            final Packet a = linux.get(0);
            final Packet b = tachyon.get(0);
            final int ttlA = Packet.u8(a.frame, a.ipOffset + 8);
            final int ttlB = Packet.u8(b.frame, b.ipOffset + 8);
            final boolean dfA = (Packet.u8(a.frame, a.ipOffset + 6) & 0x40) != 0;
            final boolean dfB = (Packet.u8(b.frame, b.ipOffset + 6) & 0x40) != 0;
            // Behind a router the captured TTL is the sender's minus the hops: only an on-link capture shows it.
            final boolean onLink = Integer.numberOfLeadingZeros(f.peerIp ^ sideIp) >= SUBNET_BITS;
            if (onLink && ttlA != ttlB || dfA != dfB)
            {
                add(a.number, "ip-header", conn(f) + ": IPv4 TTL " + ttlA + (dfA ? " DF" : "") + " (Linux), TTL "
                    + ttlB + (dfB ? " DF" : "") + " (Tachyon)");
            }
        }

        /**
         * Segments after the handshake carry the options the connection negotiated (timestamps on every segment,
         * RFC 7323 §3.2): each of Tachyon's non-SYN segments must carry a set of option kinds that one of Linux's
         * non-SYN segments carried (SACK blocks aside). The first that does not is a divergence.
         */
        private void compareSegmentOptions(final Flow f, final List<Packet> linux, final List<Packet> tachyon)
        {
            final List<String> seen = new ArrayList<>();
            for (final Packet p : linux)
            {
                if (!p.has(Packet.SYN) && !seen.contains(p.optionKinds))
                {
                    seen.add(p.optionKinds);
                }
            }
            if (seen.isEmpty())
            {
                return;
            }
            for (final Packet p : tachyon)
            {
                if (!p.has(Packet.SYN) && !p.has(Packet.RST) && !seen.contains(p.optionKinds))
                {
                    add(p.number, "tcp-options", conn(f) + ": Tachyon sent [" + Packet.flagNames(p.flags)
                        + "] with option kinds [" + p.optionKinds + "], Linux's segments carried " + seen);
                    return;
                }
            }
        }

        private List<Seg> normalize(final List<Packet> list, final long peerIsn)
        {
            long own = -1;
            for (final Packet p : list)
            {
                if (p.has(Packet.SYN))
                {
                    own = p.seq & 0xffffffffL;
                    break;
                }
            }
            final List<Seg> result = new ArrayList<>();
            for (final Packet p : list)
            {
                final Seg s = new Seg();
                s.packet = p;
                s.relSeq = own < 0 ? p.seq & 0xffffffffL : ((p.seq & 0xffffffffL) - own) & 0xffffffffL;
                s.relAck = peerIsn < 0 ? p.ack & 0xffffffffL : ((p.ack & 0xffffffffL) - peerIsn) & 0xffffffffL;
                s.dataOffset = own < 0 ? s.relSeq : s.relSeq - 1;
                result.add(s);
            }
            return result;
        }

        private static String type(final Packet p)
        {
            if (p.has(Packet.RST))
            {
                return "rst";
            }
            if (p.has(Packet.SYN))
            {
                return p.has(Packet.ACK) ? "synack" : "syn";
            }
            return "fin";
        }

        private List<Seg> control(final List<Seg> segs)
        {
            final List<Seg> result = new ArrayList<>();
            for (final Seg s : segs)
            {
                if (!s.packet.has(Packet.SYN | Packet.FIN | Packet.RST))
                {
                    continue;
                }
                boolean repeat = false;
                for (final Seg r : result)
                {
                    if (type(r.packet).equals(type(s.packet)) && position(r) == position(s))
                    {
                        repeat = true;
                        break;
                    }
                }
                if (!repeat)
                {
                    result.add(s);
                }
            }
            return result;
        }

        private static long position(final Seg s)
        {
            return s.packet.has(Packet.FIN) ? s.relSeq + s.packet.payloadLength : s.relSeq;
        }

        private void compareControl(final Flow f, final List<Seg> linux, final List<Seg> tachyon)
        {
            final List<Seg> l = control(linux);
            final List<Seg> t = control(tachyon);
            final int mask = Packet.SYN | Packet.FIN | Packet.RST | Packet.ACK;
            final int common = Math.min(l.size(), t.size());
            for (int i = 0; i < common; i++)
            {
                final Seg a = l.get(i);
                final Seg b = t.get(i);
                final int packet = a.packet.number;
                final String what = conn(f) + " " + type(a.packet).toUpperCase(java.util.Locale.ROOT);
                if ((a.packet.flags & mask) != (b.packet.flags & mask))
                {
                    add(packet, "tcp-" + type(a.packet) + "-flags", what + ": flags Linux ["
                        + Packet.flagNames(a.packet.flags & mask) + "], Tachyon ["
                        + Packet.flagNames(b.packet.flags & mask) + "]");
                    continue;
                }
                if (position(a) != position(b))
                {
                    add(packet, "tcp-" + type(a.packet) + "-seq", what + ": relative seq Linux " + position(a)
                        + ", Tachyon " + position(b));
                }
                if (a.packet.has(Packet.ACK) && a.relAck != b.relAck)
                {
                    add(packet, "tcp-" + type(a.packet) + "-ack", what + ": relative ack Linux " + a.relAck
                        + ", Tachyon " + b.relAck);
                }
                if (!a.packet.optionKinds.equals(b.packet.optionKinds) && !sameKinds(a, b))
                {
                    add(packet, "tcp-" + type(a.packet) + "-options", what + ": option kinds Linux ["
                        + a.packet.optionKinds + "], Tachyon [" + b.packet.optionKinds + "]");
                }
            }
            for (int i = common; i < l.size(); i++)
            {
                final Seg a = l.get(i);
                add(a.packet.number, "tcp-missing-" + type(a.packet), conn(f) + ": Linux sent ["
                    + Packet.flagNames(a.packet.flags) + "] seq " + position(a) + ", Tachyon did not");
            }
            for (int i = common; i < t.size(); i++)
            {
                final Seg b = t.get(i);
                add(b.packet.number, "tcp-extra-" + type(b.packet), conn(f) + ": Tachyon sent ["
                    + Packet.flagNames(b.packet.flags) + "] seq " + position(b)
                    + (b.packet.has(Packet.ACK) ? " ack " + b.relAck : "") + ", Linux did not");
            }
        }

        /** Option kinds compared as sets: the order of options is free (RFC 9293 §3.1). */
        private static boolean sameKinds(final Seg a, final Seg b)
        {
            final String[] x = a.packet.optionKinds.split(",");
            final String[] y = b.packet.optionKinds.split(",");
            Arrays.sort(x);
            Arrays.sort(y);
            return Arrays.equals(x, y);
        }

        private void compareData(final Flow f, final List<Seg> linux, final List<Seg> tachyon)
        {
            final Stream1 l = new Stream1(linux);
            final Stream1 t = new Stream1(tachyon);
            final int lengthL = l.length;
            final int lengthT = t.length;
            final int common = Math.min(lengthL, lengthT);
            int differ = -1;
            for (int i = 0; i < common; i++)
            {
                if (l.bytes[i] != t.bytes[i])
                {
                    differ = i;
                    break;
                }
            }
            if (differ >= 0)
            {
                add(l.packetAt(differ), "tcp-data", conn(f) + ": byte " + differ + " of the stream differs: Linux 0x"
                    + Integer.toHexString(l.bytes[differ] & 0xff) + ", Tachyon 0x"
                    + Integer.toHexString(t.bytes[differ] & 0xff));
            }
            else if (lengthL != lengthT)
            {
                final int at = lengthL > lengthT ? l.packetAt(lengthT) : t.lastPacket;
                add(at, "tcp-data-length", conn(f) + ": Linux sent " + lengthL + " bytes, Tachyon " + lengthT);
            }
            if (t.retransmissions > l.retransmissions)
            {
                add(t.firstRetransmission, "tcp-retransmission", conn(f) + ": Tachyon retransmitted "
                    + t.retransmissions + " segments, Linux " + l.retransmissions);
            }
            final int boundaryL = l.boundaries.size();
            final int boundaryT = t.boundaries.size();
            boolean ackReported = false;
            for (int i = 0; i < Math.max(boundaryL, boundaryT); i++)
            {
                final long[] a = i < boundaryL ? l.boundaries.get(i) : null;
                final long[] b = i < boundaryT ? t.boundaries.get(i) : null;
                if (!ackReported && a != null && b != null && a[0] == b[0] && a[1] == b[1] && a[3] != b[3])
                {
                    ackReported = true;
                    add((int) a[2], "tcp-data-ack", conn(f) + ": the data segment at bytes " + a[0] + ".."
                        + (a[0] + a[1]) + " acknowledges " + a[3] + " (Linux), " + b[3] + " (Tachyon)");
                }
                if (a == null || b == null || a[0] != b[0] || a[1] != b[1])
                {
                    final int packet = a != null ? (int) a[2] : (int) b[2];
                    found.add(new Divergence(packet, "tcp-segments", conn(f) + ": Linux sent its " + lengthL
                        + " bytes in " + boundaryL + " segments, Tachyon in " + boundaryT + "; first difference at "
                        + "segment " + (i + 1) + ": Linux " + describe(a) + ", Tachyon " + describe(b),
                        Divergence.Category.SEGMENTATION));
                    break;
                }
            }
        }

        private static String describe(final long[] boundary)
        {
            return boundary == null ? "none" : "bytes " + boundary[0] + ".." + (boundary[0] + boundary[1]);
        }

        private void compareAcks(final Flow f, final List<Seg> linux, final List<Seg> tachyon)
        {
            long maxL = -1;
            long maxT = -1;
            int pureL = 0;
            int pureT = 0;
            int lastL = 0;
            for (final Seg s : linux)
            {
                if (s.packet.has(Packet.ACK) && !s.packet.has(Packet.RST))
                {
                    maxL = Math.max(maxL, s.relAck);
                    lastL = s.packet.number;
                }
                pureL += pure(s) ? 1 : 0;
            }
            for (final Seg s : tachyon)
            {
                if (s.packet.has(Packet.ACK) && !s.packet.has(Packet.RST))
                {
                    maxT = Math.max(maxT, s.relAck);
                }
                pureT += pure(s) ? 1 : 0;
            }
            if (maxL != maxT)
            {
                add(lastL, "tcp-final-ack", conn(f) + ": highest acknowledgment Linux "
                    + (maxL < 0 ? "none" : Long.toString(maxL)) + ", Tachyon "
                    + (maxT < 0 ? "none" : Long.toString(maxT)));
            }
            if (pureL != pureT)
            {
                found.add(new Divergence(lastL, "tcp-pure-acks", conn(f) + ": Linux sent " + pureL
                    + " pure ACKs, Tachyon " + pureT, Divergence.Category.ACK_PATTERN));
            }
        }

        private static boolean pure(final Seg s)
        {
            return s.packet.payloadLength == 0 && !s.packet.has(Packet.SYN | Packet.FIN | Packet.RST);
        }

        private String signature(final Packet p)
        {
            return switch (p.kind)
            {
                case ARP -> "ARP " + (p.arpOp == 1 ? "request who-has " + Packet.ip(p.arpTargetIp) + " tell "
                    + Packet.ip(p.arpSenderIp) : "reply " + Packet.ip(p.arpSenderIp) + " is-at "
                    + Long.toHexString(p.arpSenderMac) + " to " + Packet.ip(p.arpTargetIp));
                case ICMP -> "ICMP type " + p.icmpType + " code " + p.icmpCode + " to " + Packet.ip(p.dst) + ", "
                    + p.payloadLength + " bytes " + hash(p);
                case UDP -> "UDP " + p.srcPort + " > " + Packet.ip(p.dst) + ":" + p.dstPort + ", " + p.payloadLength
                    + " bytes " + hash(p);
                default -> "IP protocol " + p.protocol + " to " + Packet.ip(p.dst);
            };
        }

        private static String hash(final Packet p)
        {
            return String.format(java.util.Locale.ROOT, "#%08x",
                Arrays.hashCode(Arrays.copyOfRange(p.frame, p.payloadOffset, p.payloadOffset + p.payloadLength)));
        }

        private void compareOthers()
        {
            final List<Packet> l = new ArrayList<>();
            final List<Packet> t = new ArrayList<>();
            for (final Packet p : packets)
            {
                if (p.kind != Packet.Kind.TCP && fromSide(p))
                {
                    l.add(p);
                }
            }
            for (final Packet p : tachyonOut)
            {
                if (p.kind != Packet.Kind.TCP)
                {
                    t.add(p);
                }
            }
            int j = 0;
            for (final Packet a : l)
            {
                final String sig = signature(a);
                int k = j;
                while (k < t.size() && !signature(t.get(k)).equals(sig))
                {
                    k++;
                }
                if (k == t.size())
                {
                    add(a.number, "missing", "Linux sent " + sig + "; Tachyon did not");
                    continue;
                }
                for (int x = j; x < k; x++)
                {
                    add(t.get(x).number, "extra", "Tachyon sent " + signature(t.get(x)) + "; Linux did not");
                }
                j = k + 1;
            }
            for (int x = j; x < t.size(); x++)
            {
                add(t.get(x).number, "extra", "Tachyon sent " + signature(t.get(x)) + "; Linux did not");
            }
        }
    }

    /** One side's byte stream of a connection, from first transmissions, with segment boundaries. */
    private static final class Stream1
    {
        byte[] bytes = new byte[1024];
        int length;
        final List<long[]> boundaries = new ArrayList<>();
        int retransmissions;
        int firstRetransmission;
        int lastPacket;

        Stream1(final List<Seg> segs)
        {
            long sentFin = -1;
            for (final Seg s : segs)
            {
                final Packet p = s.packet;
                lastPacket = p.number;
                if (p.has(Packet.FIN))
                {
                    final long finAt = s.relSeq + p.payloadLength;
                    if (sentFin == finAt && p.payloadLength == 0)
                    {
                        countRetransmission(p);
                    }
                    sentFin = finAt;
                }
                if (p.payloadLength == 0 || p.has(Packet.RST))
                {
                    continue;
                }
                final long offset = s.dataOffset;
                if (offset + p.payloadLength <= length)
                {
                    countRetransmission(p);
                    continue;
                }
                if (offset > length || offset < 0 || offset + p.payloadLength > Integer.MAX_VALUE / 2)
                {
                    continue;
                }
                final int skip = (int) (length - offset);
                final int fresh = p.payloadLength - skip;
                if (length + fresh > bytes.length)
                {
                    bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + fresh));
                }
                System.arraycopy(p.frame, p.payloadOffset + skip, bytes, length, fresh);
                boundaries.add(new long[] {offset, p.payloadLength, p.number, s.relAck});
                length += fresh;
            }
        }

        private void countRetransmission(final Packet p)
        {
            if (retransmissions++ == 0)
            {
                firstRetransmission = p.number;
            }
        }

        int packetAt(final long offset)
        {
            for (final long[] b : boundaries)
            {
                if (offset >= b[0] && offset < b[0] + b[1])
                {
                    return (int) b[2];
                }
            }
            return lastPacket;
        }
    }

    /** A segment with its sequence numbers relative to each side's ISN. */
    private static final class Seg
    {
        Packet packet;
        long relSeq;
        long relAck;
        long dataOffset;
    }

    /** One TCP connection: what the capture says and what Tachyon does. */
    private static final class Flow
    {
        final int peerIp;
        final int peerPort;
        final int localPort;
        int tachyonPort;
        boolean client;
        String ignored;
        long linuxIsn = -1;
        long peerIsn = -1;
        long tachyonIsn = -1;
        long tachyonSent;
        long tachyonTsVal = -1;
        long owedAck = -1;
        long ackGiven;
        long peerNext = -1;
        byte[] template;
        int synthetic;
        long written;
        boolean lastPsh;
        long lastDataNs;
        boolean peerDataSinceSide;
        boolean finSent;
        boolean rstSent;
        Action currentWrite;
        Action finAction;
        TcpSocket socket;
        boolean socketDone;
        boolean closeDone;
        int pendingClose;
        boolean pendingAbort;
        long readBytes;
        byte[] out = new byte[0];
        int outHead;
        int outTail;

        Flow(final int peerIp, final int peerPort, final int localPort)
        {
            this.peerIp = peerIp;
            this.peerPort = peerPort;
            this.localPort = localPort;
            this.tachyonPort = localPort;
        }

        void queue(final byte[] data)
        {
            if (outTail + data.length > out.length)
            {
                final byte[] grown = new byte[Math.max(out.length * 2, outTail - outHead + data.length)];
                System.arraycopy(out, outHead, grown, 0, outTail - outHead);
                outTail -= outHead;
                outHead = 0;
                out = grown;
            }
            System.arraycopy(data, 0, out, outTail, data.length);
            outTail += data.length;
        }
    }

    /** Something the application does at a capture frame's moment. */
    private static final class Action
    {
        static final int WRITE = 1;
        static final int CLOSE = 2;
        static final int SHUTDOWN = 3;
        static final int ABORT = 4;
        static final int UDP_SEND = 5;
        static final int CONNECT = 6;
        static final int PING = 7;

        int kind;
        final Flow flow;
        byte[] data;
        int address;
        int port;
        int localPort;

        Action(final int kind, final Flow flow)
        {
            this.kind = kind;
            this.flow = flow;
        }

        void append(final byte[] more)
        {
            final byte[] joined = Arrays.copyOf(data, data.length + more.length);
            System.arraycopy(more, 0, joined, data.length, more.length);
            data = joined;
        }
    }
}
