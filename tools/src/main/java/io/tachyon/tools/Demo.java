package io.tachyon.tools;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.driver.memory.FaultProfile;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.driver.memory.WireDirection;
import io.tachyon.driver.pcap.CaptureDriver;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.time.VirtualClock;
import io.tachyon.wire.ChecksumVerdict;
import io.tachyon.wire.EthernetFlyweight;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.UdpFlyweight;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@code ./tachyon demo}: for now, two hosts' drivers over the in-memory wire exchanging frames. Host A sends UDP
 * datagrams to host B's echo port through an impaired MemoryWire (loss, duplication, reordering, delay, a rate
 * limit); B checks every frame (headers and checksums) and echoes it back; A matches the echoes and measures round
 * trips on the virtual clock. The same seed gives the same run. Later issues turn this into the real stack demo.
 */
public final class Demo
{
    private static final long HOST_A_MAC = 0x02_00_00_00_00_01L;
    private static final long HOST_B_MAC = 0x02_00_00_00_00_02L;
    private static final int HOST_A_IP = 0x0a_00_00_01;
    private static final int HOST_B_IP = 0x0a_00_00_02;
    private static final int CLIENT_PORT = 40_000;
    private static final int ECHO_PORT = 7;
    private static final int PAYLOAD_LENGTH = 64;
    private static final int FRAME_LENGTH = 14 + 20 + 8 + PAYLOAD_LENGTH;
    private static final ValueLayout.OfLong SEQUENCE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long TICK_NS = 1_000;
    private static final long SEND_INTERVAL_NS = 10_000;
    private static final long DRAIN_NS = 100_000_000;

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final FrameDissector dissector = new FrameDissector();
    private int badFrames;
    private int echoed;

    private Demo()
    {
    }

    /**
     * Runs the demo.
     *
     * @param args {@code [--frames N] [--seed S] [--loss P] [--capture FILE]}.
     * @param out  where the report goes.
     * @param err  where errors go.
     * @return 0, or 2 for bad arguments.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        int frames = 10_000;
        long seed = 42;
        double loss = 0.02;
        Path capture = Path.of(System.getProperty("java.io.tmpdir"), "tachyon-demo.pcapng");
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--frames" -> frames = Integer.parseInt(value(args, ++i, "--frames"));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                    case "--loss" -> loss = Double.parseDouble(value(args, ++i, "--loss"));
                    case "--capture" -> capture = Path.of(value(args, ++i, "--capture"));
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (frames < 1 || frames > 10_000_000)
            {
                throw new IllegalArgumentException("--frames must be 1..10000000, was " + frames);
            }
            if (!(loss >= 0.0 && loss < 1.0))
            {
                throw new IllegalArgumentException("--loss must be in [0, 1), was " + loss);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("tachyon demo: " + ex.getMessage() + " (usage: ./tachyon demo [--frames N] [--seed S] "
                + "[--loss P] [--capture FILE])");
            return 2;
        }
        new Demo().exchange(frames, seed, loss, capture, out);
        final ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        Decode.run(new String[] {capture.toString()}, new PrintStream(decoded, true, StandardCharsets.UTF_8), err);
        out.println("Host A's traffic was recorded by CaptureDriver to " + capture + "; its first frames, as "
            + "./tachyon decode prints them:");
        decoded.toString(StandardCharsets.UTF_8).lines().limit(4).forEach(line -> out.println("  " + line));
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

    private void exchange(final int frames, final long seed, final double loss, final Path capture,
        final PrintStream out)
    {
        final VirtualClock clock = new VirtualClock();
        final FaultProfile faults = FaultProfile.NONE
            .withLoss(loss)
            .withDuplication(0.01)
            .withReordering(0.05, 200_000)
            .withCorruption(0.001)
            .withDelay(50_000, 20_000)
            .withRate(1_000_000_000L);
        final MemoryWireConfig config = MemoryWireConfig.DEFAULT.withName("demo").withSeed(seed).withFaults(faults);
        out.println("Tachyon demo: host A (10.0.0.1) sends " + frames + " UDP datagrams of " + PAYLOAD_LENGTH
            + " bytes to host B (10.0.0.2) port 7, which echoes them.");
        out.println("Link: in-memory wire, both directions: " + describe(loss)
            + " 1% duplication, 5% reordering (+200 us), 0.1% corruption, 50 us +- 20 us delay, 1 Gbit/s; seed "
            + seed + ", virtual clock.");

        final long[] sentAtNs = new long[frames];
        Arrays.fill(sentAtNs, -1);
        final long[] rttNs = new long[frames];
        int rttCount = 0;
        int duplicateEchoes = 0;
        final boolean[] answered = new boolean[frames];

        try (MemoryWire wire = new MemoryWire(config, clock))
        {
            final PacketDriver a = CaptureDriver.oneFile(wire.endpointA(), capture, PcapFormat.PCAPNG, clock);
            final PacketDriver b = wire.endpointB();
            a.open();
            b.open();
            a.start();
            b.start();
            final DriverQueue qa = a.queue(0);
            final DriverQueue qb = b.queue(0);
            final FrameBatch txA = new FrameBatch(32);
            final FrameBatch rxA = new FrameBatch(32);
            final FrameBatch rxB = new FrameBatch(32);
            final FrameBatch txB = new FrameBatch(32);

            int next = 0;
            long nextSendNs = clock.nanoTime();
            final long startNs = clock.nanoTime();
            long idleSinceNs = -1;
            while (true)
            {
                final long nowNs = clock.nanoTime();
                if (next < frames && nowNs - nextSendNs >= 0 && qa.acquire(txA, 1) == 1)
                {
                    writeDatagram(txA, 0, HOST_A_MAC, HOST_B_MAC, HOST_A_IP, HOST_B_IP, CLIENT_PORT, ECHO_PORT, next);
                    sentAtNs[next] = nowNs;
                    next++;
                    nextSendNs += SEND_INTERVAL_NS;
                    sendAll(qa, txA);
                }

                final int atB = qb.receive(rxB);
                for (int i = 0; i < atB; i++)
                {
                    if (validDatagram(rxB, i, ECHO_PORT) && qb.acquire(txB, 1) == 1)
                    {
                        final long sequence = rxB.segment(i).get(SEQUENCE, udpPayloadOffset(rxB, i));
                        writeDatagram(txB, txB.size() - 1, HOST_B_MAC, HOST_A_MAC, HOST_B_IP, HOST_A_IP, ECHO_PORT,
                            CLIENT_PORT, sequence);
                        echoed++;
                    }
                }
                qb.releaseAll(rxB);
                sendAll(qb, txB);

                final int atA = qa.receive(rxA);
                for (int i = 0; i < atA; i++)
                {
                    if (validDatagram(rxA, i, CLIENT_PORT))
                    {
                        final long sequence = rxA.segment(i).get(SEQUENCE, udpPayloadOffset(rxA, i));
                        if (sequence >= 0 && sequence < frames && sentAtNs[(int)sequence] >= 0)
                        {
                            if (answered[(int)sequence])
                            {
                                duplicateEchoes++;
                            }
                            else
                            {
                                answered[(int)sequence] = true;
                                rttNs[rttCount++] = nowNs - sentAtNs[(int)sequence];
                            }
                        }
                    }
                }
                qa.releaseAll(rxA);

                if (next == frames)
                {
                    if (atA == 0 && atB == 0 && wire.aToB().inFlight() == 0 && wire.bToA().inFlight() == 0)
                    {
                        if (idleSinceNs < 0)
                        {
                            idleSinceNs = nowNs;
                        }
                        else if (nowNs - idleSinceNs > DRAIN_NS)
                        {
                            break;
                        }
                    }
                    else
                    {
                        idleSinceNs = -1;
                    }
                }
                clock.advance(TICK_NS);
            }
            final long elapsedNs = clock.nanoTime() - startNs;
            a.close();
            report(out, wire.aToB(), "A -> B");
            report(out, wire.bToA(), "B -> A");
            out.printf("B echoed %d datagrams; A and B dropped %d damaged frames between them (bad checksum or header; damage to the Ethernet header goes unnoticed, as on a real link without FCS checks).%n",
                echoed, badFrames);
            out.printf("A got %d echoes back (%.2f%% of %d sent), %d duplicate echoes ignored.%n",
                rttCount, 100.0 * rttCount / frames, frames, duplicateEchoes);
            if (rttCount > 0)
            {
                Arrays.sort(rttNs, 0, rttCount);
                out.printf("Round trip on the virtual clock: p50 %.1f us, p99 %.1f us, max %.1f us "
                    + "(wire delay, jitter, reordering and serialisation at 1 Gbit/s; no stack yet).%n",
                    rttNs[rttCount / 2] / 1e3, rttNs[(int)Math.min(rttCount - 1, (long)rttCount * 99 / 100)] / 1e3,
                    rttNs[rttCount - 1] / 1e3);
            }
            out.printf("Virtual time elapsed: %.1f ms. Run again with the same --seed and you get the same numbers.%n",
                elapsedNs / 1e6);
        }
    }

    private static String describe(final double loss)
    {
        return String.format("%.1f%% loss,", loss * 100);
    }

    private static void report(final PrintStream out, final WireDirection direction, final String label)
    {
        out.printf("Wire %s: sent %d, delivered %d, lost %d, duplicated %d, reordered %d, corrupted %d.%n",
            label, direction.sent(), direction.delivered(), direction.lost(), direction.duplicated(),
            direction.reordered(), direction.corrupted());
    }

    private static void sendAll(final DriverQueue queue, final FrameBatch batch)
    {
        while (!batch.isEmpty())
        {
            if (queue.transmit(batch) == 0)
            {
                // The in-flight queue is full: hand the frames back rather than spin; the loss shows in the report.
                queue.releaseAll(batch);
            }
        }
    }

    private long udpPayloadOffset(final FrameBatch batch, final int index)
    {
        return batch.offset(index) + 14 + 20 + UdpFlyweight.HEADER_LENGTH;
    }

    private boolean validDatagram(final FrameBatch batch, final int index, final int port)
    {
        dissector.dissectEthernet(batch.segment(index), batch.offset(index), batch.length(index));
        final boolean ok = dissector.malformed().isOk()
            && dissector.has(FrameDissector.Layer.UDP)
            && dissector.ipv4Checksum() == ChecksumVerdict.GOOD
            && dissector.transportChecksum() == ChecksumVerdict.GOOD
            && dissector.udp().destinationPort() == port
            && dissector.udp().udpLength() == UdpFlyweight.HEADER_LENGTH + PAYLOAD_LENGTH;
        if (!ok)
        {
            badFrames++;
        }
        return ok;
    }

    private void writeDatagram(
        final FrameBatch batch,
        final int index,
        final long sourceMac,
        final long destinationMac,
        final int sourceIp,
        final int destinationIp,
        final int sourcePort,
        final int destinationPort,
        final long sequence)
    {
        final MemorySegment segment = batch.segment(index);
        final long offset = batch.offset(index);
        ethernet.wrapForWrite(segment, offset, FRAME_LENGTH)
            .destination(destinationMac)
            .source(sourceMac)
            .etherType(EthernetFlyweight.ETHER_TYPE_IPV4);
        final long l4 = offset + 14 + 20;
        for (int i = 0; i < PAYLOAD_LENGTH; i += 8)
        {
            segment.set(SEQUENCE, l4 + UdpFlyweight.HEADER_LENGTH + i, i == 0 ? sequence : sequence * 31 + i);
        }
        udp.wrapForWrite(segment, l4, UdpFlyweight.HEADER_LENGTH + PAYLOAD_LENGTH)
            .sourcePort(sourcePort)
            .destinationPort(destinationPort)
            .udpLength(UdpFlyweight.HEADER_LENGTH + PAYLOAD_LENGTH)
            .updateChecksum(sourceIp, destinationIp);
        ipv4.wrapForWrite(segment, offset + 14, 20 + UdpFlyweight.HEADER_LENGTH + PAYLOAD_LENGTH)
            .versionIhl(0x45)
            .tos(0)
            .totalLength(20 + UdpFlyweight.HEADER_LENGTH + PAYLOAD_LENGTH)
            .identification((int)sequence & 0xffff)
            .fragment(true, false, 0)
            .ttl(64)
            .protocol(Ipv4Flyweight.PROTOCOL_UDP)
            .source(sourceIp)
            .destination(destinationIp)
            .updateHeaderChecksum();
        batch.length(index, FRAME_LENGTH);
    }
}
