package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.arp.ArpCounter;
import io.tachyon.driver.pcap.PcapDriver;
import io.tachyon.driver.pcap.PcapDriverConfig;
import io.tachyon.icmp.IcmpCounter;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.link.LinkCounter;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.pcap.PcapReader;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpSocket;
import io.tachyon.time.VirtualClock;
import io.tachyon.wire.ArpFlyweight;
import io.tachyon.wire.ChecksumVerdict;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.FrameDissector.Layer;
import io.tachyon.wire.IcmpFlyweight;
import io.tachyon.wire.Malformed;

/**
 * Real captures played through {@link PcapDriver} into a stack configured as the capture's target host; what the
 * stack sent (recorded by the driver) is decoded with {@link FrameDissector}. Skipped where /work/shared is absent;
 * failing under CI=true.
 */
class StackReplayTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path temp;

    static Path pcaps()
    {
        final String property = System.getProperty("tachyon.shared");
        final Path shared = property != null && !property.isBlank() ? Path.of(property) : Path.of("../shared");
        final Path pcaps = shared.resolve("pcaps");
        if (!Files.isDirectory(pcaps))
        {
            final String reason = "external corpus not found at " + pcaps.toAbsolutePath()
                + " (set -Dtachyon.shared=/path/to/shared)";
            if ("true".equalsIgnoreCase(System.getenv("CI")))
            {
                Assertions.fail(reason);
            }
            Assumptions.abort(reason);
        }
        return pcaps;
    }

    /** A stack fed by a capture. */
    final class Replay implements AutoCloseable
    {
        final Path input;
        final Path output;
        final VirtualClock clock;
        final PcapDriver driver;
        final Stack stack;
        private boolean closed;

        Replay(final String capture, final String mac, final String cidr,
            final UnaryOperator<StackConfig.Builder> configure)
        {
            input = pcaps().resolve(capture);
            assertTrue(Files.isRegularFile(input), "missing capture " + input);
            output = temp.resolve(capture.replace('/', '_') + ".out.pcap");
            clock = new VirtualClock(firstTimestampNs(input));
            driver = new PcapDriver(PcapDriverConfig.builder().name("replay").input(input)
                .output(output, PcapFormat.PCAP_NANOS).build(), clock);
            driver.open();
            driver.start();
            stack = new Stack(configure.apply(StackConfig.builder().name("replay").secretSeed(7).countersDirectory(temp)
                .mac(mac).address(cidr)).build(), driver, 0, clock);
        }

        Replay run()
        {
            int guard = 0;
            while (!driver.endOfCapture() && guard++ < 100_000)
            {
                stack.doWork();
            }
            for (int i = 0; i < 4; i++)
            {
                stack.doWork();
            }
            assertEquals(null, driver.replayError());
            return this;
        }

        Replay after(final long ns)
        {
            clock.advance(ns);
            for (int i = 0; i < 4; i++)
            {
                stack.doWork();
            }
            return this;
        }

        long ip(final Ipv4Counter c)
        {
            return stack.counters().ip().get(c).get();
        }

        /** Closes stack and driver and decodes what the stack sent. */
        List<byte[]> sent() throws IOException
        {
            close();
            final List<byte[]> frames = new ArrayList<>();
            try (PcapReader reader = PcapReader.open(output))
            {
                while (reader.next())
                {
                    frames.add(reader.segment().asSlice(reader.dataOffset(), reader.capturedLength())
                        .toArray(ValueLayout.JAVA_BYTE));
                }
            }
            return frames;
        }

        @Override
        public void close()
        {
            if (!closed)
            {
                closed = true;
                assertEquals(0, stack.counters().stack().get(StackCounter.ERRORS).get(),
                    () -> "unexpected exception: " + stack.lastError());
                stack.close();
                driver.close();
            }
        }
    }

    /** The capture's first timestamp: the clock starts there so the stack's timers follow capture time. */
    private static long firstTimestampNs(final Path capture)
    {
        try (PcapReader reader = PcapReader.open(capture))
        {
            return reader.next() && reader.timestampNs() != PcapReader.NO_TIMESTAMP ? reader.timestampNs()
                : VirtualClock.DEFAULT_START_NS;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static FrameDissector dissect(final byte[] frame)
    {
        final FrameDissector d = new FrameDissector();
        assertEquals(Malformed.OK, d.dissectEthernet(MemorySegment.ofArray(frame), 0, frame.length));
        return d;
    }

    /** Echo requests in the capture to this host (its MAC and address) with good checksums, as frames. */
    private static List<byte[]> echoRequestsTo(final Path capture, final long mac, final int address)
        throws IOException
    {
        final List<byte[]> requests = new ArrayList<>();
        final FrameDissector d = new FrameDissector();
        try (PcapReader reader = PcapReader.open(capture))
        {
            while (reader.next())
            {
                d.dissect(reader.linkType(), reader.segment(), reader.dataOffset(), reader.capturedLength());
                if (d.has(Layer.ICMP) && d.ethernet().destination() == mac && d.ipv4().destination() == address
                    && d.icmp().type() == IcmpFlyweight.TYPE_ECHO_REQUEST && d.ipv4Checksum() == ChecksumVerdict.GOOD
                    && d.transportChecksum() == ChecksumVerdict.GOOD)
                {
                    requests.add(reader.segment().asSlice(reader.dataOffset(), reader.capturedLength())
                        .toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
        return requests;
    }

    /** Replays a capture as the target of its echo requests: one exact reply per good request. */
    private void assertEchoReplies(final String capture, final String mac, final String cidr, final int expected)
        throws IOException
    {
        final long ourMac = Ipv4Address.parseMac(mac);
        final int ourAddress = Ipv4Address.parse(cidr.substring(0, cidr.indexOf('/')));
        final List<byte[]> requests = echoRequestsTo(pcaps().resolve(capture), ourMac, ourAddress);
        assertEquals(expected, requests.size(), "echo requests to us in " + capture);
        final List<byte[]> replies = new ArrayList<>();
        try (Replay replay = new Replay(capture, mac, cidr, c -> c))
        {
            replay.run();
            assertEquals(expected, replay.stack.counters().icmp().get(IcmpCounter.OUT_ECHO_REPS).get());
            for (final byte[] frame : replay.sent())
            {
                if (dissect(frame).has(Layer.ICMP) && dissect(frame).icmp().type() == 0)
                {
                    replies.add(frame);
                }
            }
        }
        assertEquals(expected, replies.size(), "echo replies sent");
        for (int i = 0; i < expected; i++)
        {
            final FrameDissector request = dissect(requests.get(i));
            final long requesterMac = request.ethernet().source();
            final int requester = request.ipv4().source();
            final int id = request.icmp().identifier();
            final int seq = request.icmp().sequenceNumber();
            final byte[] data = Frames.slice(requests.get(i), (int)request.icmp().dataOffset(),
                (int)request.icmp().dataOffset() + request.icmp().dataLength());
            final byte[] replyFrame = replies.get(i);
            final FrameDissector reply = dissect(replyFrame);
            assertEquals(requesterMac, reply.ethernet().destination());
            assertEquals(ourMac, reply.ethernet().source());
            assertEquals(ourAddress, reply.ipv4().source());
            assertEquals(requester, reply.ipv4().destination());
            assertEquals(ChecksumVerdict.GOOD, reply.ipv4Checksum(), capture);
            assertEquals(ChecksumVerdict.GOOD, reply.transportChecksum(), capture + " reply " + i);
            assertEquals(id, reply.icmp().identifier());
            assertEquals(seq, reply.icmp().sequenceNumber());
            assertArrayEquals(data, Frames.slice(replyFrame, (int)reply.icmp().dataOffset(),
                (int)reply.icmp().dataOffset() + reply.icmp().dataLength()));
        }
    }

    @Test
    void shouldAnswerTheEchoRequestsOfPingCaptures() throws IOException
    {
        assertEchoReplies("zeek-btest-traces/icmp/5-pings.pcap", "a6:83:e7:0c:90:64", "172.217.11.78/24", 5);
        assertEchoReplies("zeek-btest-traces/icmp/icmp-ping.pcap", "00:10:db:00:00:00", "74.125.225.99/24", 2);
        assertEchoReplies("pcapplusplus/IcmpPackets.pcap", "02:1a:11:f0:c8:3b", "8.8.8.8/24", 1);
        assertEchoReplies("zeek-btest-traces/chksums/ip4-icmp-good-chksum.pcap", "00:10:db:88:d2:ef",
            "192.168.1.101/24", 1);
    }

    @Test
    void shouldDropMplsEncapsulatedPings() throws IOException
    {
        // tcpreplay's test.pcap pings 192.168.40.1 inside MPLS (EtherType 0x8847), which the stack does not speak
        try (Replay replay = new Replay("tcpreplay-test/test.pcap", "c2:05:63:4d:00:00", "192.168.40.1/24", c -> c))
        {
            replay.run();
            assertTrue(replay.stack.counters().link().get(LinkCounter.UNKNOWN_ETHERTYPE).get() >= 5);
            assertEquals(0, replay.stack.counters().icmp().get(IcmpCounter.IN_ECHOS).get());
            assertEquals(List.of(), replay.sent());
        }
    }

    @Test
    void shouldDropTheEchoRequestWithABadChecksum() throws IOException
    {
        try (Replay replay = new Replay("zeek-btest-traces/chksums/ip4-icmp-bad-chksum.pcap", "00:10:db:88:d2:ef",
            "192.168.1.101/24", c -> c))
        {
            replay.run();
            assertEquals(1, replay.stack.counters().icmp().get(IcmpCounter.IN_CSUM_ERRORS).get()
                + replay.ip(Ipv4Counter.IN_CSUM_ERRORS));
            assertEquals(List.of(), replay.sent());
        }
    }

    @Test
    void shouldAnswerTheArpWhoHas() throws IOException
    {
        try (Replay replay = new Replay("zeek-btest-traces/arp-who-has.pcap", "f8:ed:a5:c0:a4:f1", "10.0.0.1/24",
            c -> c))
        {
            replay.run();
            replay.stack.syncCounters();
            assertEquals(1, replay.stack.counters().arp().get(ArpCounter.TX_REPLIES).get());
            final List<byte[]> sent = replay.sent();
            assertEquals(1, sent.size());
            final FrameDissector d = dissect(sent.get(0));
            assertEquals(Ipv4Address.parseMac("78:31:c1:c6:3f:c2"), d.ethernet().destination());
            final ArpFlyweight arp = d.arp();
            assertEquals(ArpFlyweight.OPERATION_REPLY, arp.operation());
            assertEquals(Ipv4Address.parseMac("f8:ed:a5:c0:a4:f1"), arp.senderHardwareAddress());
            assertEquals(Ipv4Address.parse("10.0.0.1"), arp.senderProtocolAddress());
            assertEquals(Ipv4Address.parseMac("78:31:c1:c6:3f:c2"), arp.targetHardwareAddress());
            assertEquals(Ipv4Address.parse("10.0.0.2"), arp.targetProtocolAddress());
        }
    }

    @Test
    void shouldReassembleTheFragmentedUdpDatagramForASocket() throws IOException
    {
        final Path capture = pcaps().resolve("pcapplusplus/IPv4Frag.pcap");
        // the expected payload: the fragments' data in offset order, less the 8-byte UDP header
        final TreeMap<Integer, byte[]> pieces = new TreeMap<>();
        final FrameDissector d = new FrameDissector();
        try (PcapReader reader = PcapReader.open(capture))
        {
            while (reader.next())
            {
                d.dissect(reader.linkType(), reader.segment(), reader.dataOffset(), reader.capturedLength());
                final long from = d.ipv4().payloadOffset();
                pieces.put(d.ipv4().fragmentOffsetBytes(), reader.segment().asSlice(from, d.ipv4().payloadLength())
                    .toArray(ValueLayout.JAVA_BYTE));
            }
        }
        final byte[] whole = new byte[pieces.values().stream().mapToInt(p -> p.length).sum()];
        pieces.forEach((offset, bytes) -> System.arraycopy(bytes, 0, whole, offset, bytes.length));
        try (Replay replay = new Replay("pcapplusplus/IPv4Frag.pcap", "fe:fd:c0:a8:00:02", "192.168.0.2/24",
            c -> c))
        {
            final UdpSocket socket = replay.stack.openUdpSocket().bind(1023);
            replay.run();
            assertEquals(1, replay.ip(Ipv4Counter.REASM_OKS));
            assertEquals(3, replay.ip(Ipv4Counter.REASM_REQDS));
            final byte[] into = new byte[8192];
            assertEquals(4052, socket.receive(into, 0, into.length));
            assertEquals(2049, socket.lastSourcePort());
            assertArrayEquals(Frames.slice(whole, 8, whole.length), Frames.slice(into, 0, 4052));
            assertEquals(List.of(), replay.sent());
        }
    }

    @Test
    void shouldReassembleFragmentedTcpAndDeliverItToTcp() throws IOException
    {
        try (Replay replay = new Replay("pcapplusplus/frag_http_req.pcap", "00:90:7f:3e:02:d0",
            "216.137.33.81/24", c -> c))
        {
            replay.run();
            assertEquals(11, replay.ip(Ipv4Counter.REASM_REQDS));
            assertEquals(1, replay.ip(Ipv4Counter.REASM_OKS));
            assertEquals(0, replay.ip(Ipv4Counter.IN_UNKNOWN_PROTOS), "the reassembled segment reaches TCP");
        }
        try (Replay replay = new Replay("zeek-btest-traces/ipv4/fragmented-syn.pcap", "1e:0b:8b:14:f6:f9",
            "10.0.0.5/24", c -> c))
        {
            replay.run();
            assertEquals(1, replay.ip(Ipv4Counter.REASM_OKS));
            assertEquals(0, replay.ip(Ipv4Counter.IN_UNKNOWN_PROTOS), "the reassembled SYN reaches TCP");
        }
    }

    @Test
    void shouldDropOverlappingFragmentsAndReportTimeouts() throws IOException
    {
        final String mac = "00:60:97:12:2f:58";
        final UnaryOperator<StackConfig.Builder> sourceKnown = c -> c.staticArp(Ipv4Address.parse("164.1.123.163"),
            Ipv4Address.parseMac("00:20:af:ba:78:65"));
        try (Replay replay = new Replay("zeek-btest-traces/ipv4/fragmented-1.pcap", mac, "164.1.123.61/24",
            sourceKnown))
        {
            replay.stack.openUdpSocket().bind(0);
            replay.run().after(31 * SECOND);
            assertEquals(0, replay.ip(Ipv4Counter.REASM_OKS));
            // frame 1: MF set with 18 bytes (not a multiple of 8); frame 3: data beyond the end frame 2 fixed
            assertEquals(2, replay.ip(Ipv4Counter.REASM_FAILS));
            assertEquals(1, replay.stack.reassembly().badLengthDropped());
            assertEquals(1, replay.stack.reassembly().inconsistentDropped());
            assertEquals(List.of(), replay.sent(), "an abandoned datagram times out silently");
        }
        try (Replay replay = new Replay("zeek-btest-traces/ipv4/fragmented-2.pcap", mac, "164.1.123.61/24",
            sourceKnown))
        {
            replay.run().after(31 * SECOND);
            // both copies of the first fragment carry 18 bytes with MF set: refused; the last one times out alone
            assertEquals(2, replay.stack.reassembly().badLengthDropped());
            assertEquals(1, replay.stack.reassembly().timeouts());
            assertEquals(List.of(), replay.sent(), "no time exceeded without the first fragment");
        }
        try (Replay replay = new Replay("zeek-btest-traces/ipv4/fragmented-3.pcap", "00:30:80:88:34:08",
            "131.243.1.10/16", c -> c.gateway("131.243.1.1").staticArp(Ipv4Address.parse("131.243.1.1"),
                Ipv4Address.parseMac("00:10:f6:0f:38:40"))))
        {
            replay.run();
            assertEquals(5, replay.ip(Ipv4Counter.REASM_REQDS));
            assertEquals(0, replay.ip(Ipv4Counter.REASM_OKS));
            assertEquals(List.of(), replay.sent(), "nothing before the timeout");
        }
        try (Replay replay = new Replay("zeek-btest-traces/ipv4/fragmented-3.pcap", "00:30:80:88:34:08",
            "131.243.1.10/16", c -> c.gateway("131.243.1.1").staticArp(Ipv4Address.parse("131.243.1.1"),
                Ipv4Address.parseMac("00:10:f6:0f:38:40"))))
        {
            replay.run().after(31 * SECOND);
            final List<byte[]> sent = replay.sent();
            assertEquals(1, sent.size(), "time exceeded for the datagram whose first fragment arrived");
            final FrameDissector d = dissect(sent.get(0));
            assertEquals(IcmpFlyweight.TYPE_TIME_EXCEEDED, d.icmp().type());
            assertEquals(IcmpFlyweight.CODE_REASSEMBLY_TIME_EXCEEDED, d.icmp().code());
            assertEquals(Ipv4Address.parse("210.54.213.247"), d.ipv4().destination());
            assertEquals(Ipv4Address.parseMac("00:10:f6:0f:38:40"), d.ethernet().destination(), "via the gateway");
            assertEquals(ChecksumVerdict.GOOD, d.transportChecksum());
            assertEquals(0x4bc5, Short.toUnsignedInt(MemorySegment.ofArray(sent.get(0)).get(
                ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN),
                d.icmp().dataOffset() + 4)), "the quote is the first fragment's header");
        }
        try (Replay replay = new Replay("zeek-btest-traces/ipv4/fragmented-4.pcap", "00:01:30:24:9d:00",
            "10.0.0.1/24", c -> c))
        {
            replay.run().after(31 * SECOND);
            assertTrue(replay.ip(Ipv4Counter.REASM_REQDS) >= 4);
        }
    }

    @Test
    void shouldAnswerDnsResponsesToClosedPortsWithPortUnreachable() throws IOException
    {
        try (Replay replay = new Replay("tcpreplay-test/test.pcap", "f8:1e:df:e5:84:3a", "172.16.11.12/24",
            c -> c.staticArp(Ipv4Address.parse("172.16.11.1"), Ipv4Address.parseMac("00:1f:f3:3c:e1:13"))))
        {
            replay.run();
            final long noPorts = replay.stack.counters().udp().get(UdpCounter.NO_PORTS).get();
            assertTrue(noPorts >= 10, "DNS responses to closed ports: " + noPorts);
            final List<byte[]> sent = replay.sent();
            assertEquals(noPorts, sent.size());
            for (final byte[] frame : sent)
            {
                final FrameDissector d = dissect(frame);
                assertEquals(3, d.icmp().type());
                assertEquals(3, d.icmp().code());
                assertEquals(Ipv4Address.parse("172.16.11.1"), d.ipv4().destination());
                assertEquals(ChecksumVerdict.GOOD, d.transportChecksum());
            }
        }
    }
}
