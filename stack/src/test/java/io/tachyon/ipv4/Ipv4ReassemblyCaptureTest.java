package io.tachyon.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.tachyon.ipv4.Ipv4Reassembly.Outcome;
import io.tachyon.pcap.PcapReader;
import io.tachyon.testing.SharedData;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.FrameDissector.Layer;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;
import io.tachyon.wire.TcpFlyweight;
import io.tachyon.wire.UdpFlyweight;

/**
 * Real fragmented captures replayed through {@link FrameDissector} and the reassembler, with pcap timestamps as the
 * clock. Skipped where /work/shared is absent; failing under CI=true.
 */
class Ipv4ReassemblyCaptureTest
{
    private static final long TIMEOUT = Ipv4ReassemblyConfig.DEFAULT_TIMEOUT_NS;

    private final List<byte[]> quotes = new ArrayList<>();
    private final Ipv4Reassembly reassembly = new Ipv4Reassembly(Ipv4ReassemblyConfig.defaults(),
        (segment, offset, length) -> quotes.add(segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE)));
    private final List<Outcome> outcomes = new ArrayList<>();
    private final List<byte[]> datagrams = new ArrayList<>();
    private long lastNs;

    @AfterEach
    void close()
    {
        reassembly.close();
    }

    /** Replays a capture: every IPv4 datagram goes to the reassembler; whole results are kept. */
    private void replay(final String relative) throws IOException
    {
        final Path file = SharedData.require(relative);
        final FrameDissector dissector = new FrameDissector();
        try (PcapReader reader = PcapReader.open(file))
        {
            while (reader.next())
            {
                dissector.dissect(reader.linkType(), reader.segment(), reader.dataOffset(), reader.capturedLength());
                assertTrue(dissector.has(Layer.IPV4), relative + " record " + reader.recordNumber());
                final Ipv4Flyweight ip = dissector.ipv4();
                lastNs = reader.timestampNs();
                record(reassembly.accept(ip, lastNs));
            }
        }
    }

    private void record(final Outcome outcome)
    {
        outcomes.add(outcome);
        if (outcome == Outcome.COMPLETE || outcome == Outcome.NOT_FRAGMENT)
        {
            datagrams.add(Datagrams.view(reassembly));
        }
    }

    private static Ipv4Flyweight wrap(final byte[] datagram)
    {
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        assertEquals(Malformed.OK, ip.wrap(MemorySegment.ofArray(datagram), 0, datagram.length));
        assertTrue(ip.verifyHeaderChecksum());
        assertTrue(!ip.isFragment());
        return ip;
    }

    @Test
    void shouldReassembleTheHttpRequestSplitIntoElevenFragments() throws IOException
    {
        replay("pcapplusplus/frag_http_req.pcap");
        assertEquals(List.of(Outcome.HELD, Outcome.HELD, Outcome.HELD, Outcome.HELD, Outcome.HELD, Outcome.HELD,
            Outcome.HELD, Outcome.HELD, Outcome.HELD, Outcome.HELD, Outcome.COMPLETE), outcomes);
        final byte[] whole = datagrams.get(0);
        final Ipv4Flyweight ip = wrap(whole);
        assertEquals(20 + 1480, ip.totalLength());
        assertEquals(Ipv4Flyweight.PROTOCOL_TCP, ip.protocol());
        final TcpFlyweight tcp = new TcpFlyweight();
        assertEquals(Malformed.OK, tcp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()));
        assertTrue(tcp.verifyChecksum(ip.source(), ip.destination()), "TCP checksum over the reassembled segment");
        final String text = new String(whole, (int)tcp.payloadOffset(), tcp.payloadLength(),
            StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("GET "), text.substring(0, 40));
        assertTrue(text.contains("HTTP/1.1\r\n"));
        assertEquals(11, reassembly.fragmentsReceived());
        assertEquals(1, reassembly.datagramsReassembled());
        assertEquals(0, reassembly.memoryInUse());
    }

    @Test
    void shouldReassembleTheUdpDatagramInIpv4Frag() throws IOException
    {
        replay("pcapplusplus/IPv4Frag.pcap");
        assertEquals(List.of(Outcome.HELD, Outcome.HELD, Outcome.COMPLETE), outcomes);
        final Ipv4Flyweight ip = wrap(datagrams.get(0));
        assertEquals(20 + 1480 + 1480 + 1100, ip.totalLength());
        final UdpFlyweight udp = new UdpFlyweight();
        assertEquals(Malformed.OK, udp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()));
        assertEquals(ip.payloadLength(), udp.length());
        // The same three fragments as hex fixtures, delivered last-first, give the same datagram.
        final List<byte[]> fixtures = new ArrayList<>();
        for (int i = 3; i >= 1; i--)
        {
            fixtures.add(SharedData.hexFrame(SharedData.require("pcapplusplus/IPv4Frag" + i + ".dat")));
        }
        try (Ipv4Reassembly other = new Ipv4Reassembly())
        {
            final FrameDissector dissector = new FrameDissector();
            Outcome outcome = null;
            for (final byte[] frame : fixtures)
            {
                dissector.dissectEthernet(MemorySegment.ofArray(frame), 0, frame.length);
                outcome = other.accept(dissector.ipv4(), lastNs);
            }
            assertEquals(Outcome.COMPLETE, outcome);
            assertArrayEquals(datagrams.get(0), Datagrams.view(other));
        }
    }

    @Test
    void shouldReassembleTheTcpSynCarriedInTwoFragments() throws IOException
    {
        replay("zeek-btest-traces/ipv4/fragmented-syn.pcap");
        assertEquals(List.of(Outcome.HELD, Outcome.COMPLETE), outcomes);
        final Ipv4Flyweight ip = wrap(datagrams.get(0));
        assertEquals(20 + 40, ip.totalLength());
        final TcpFlyweight tcp = new TcpFlyweight();
        assertEquals(Malformed.OK, tcp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()));
        assertTrue(tcp.syn());
        assertTrue(tcp.verifyChecksum(ip.source(), ip.destination()));
    }

    /**
     * fragmented-1: a first fragment of 18 bytes with MF set (not a multiple of 8: dropped alone), the last
     * fragment (offset 48, 116 bytes: the datagram is 164 bytes), then a first fragment of 304 bytes with MF set,
     * which reaches beyond the end the last fragment fixed: the datagram is dropped as inconsistent.
     */
    @Test
    void shouldDropFragmentedOneAsInconsistent() throws IOException
    {
        replay("zeek-btest-traces/ipv4/fragmented-1.pcap");
        assertEquals(List.of(Outcome.DROPPED, Outcome.HELD, Outcome.DROPPED), outcomes);
        assertEquals(1, reassembly.badLengthDropped());
        assertEquals(1, reassembly.inconsistentDropped());
        assertEquals(0, reassembly.datagramsInProgress());
        assertEquals(1, reassembly.poisonedKeys());
        assertEquals(0, reassembly.memoryInUse());
        reassembly.expire(lastNs + TIMEOUT);
        assertEquals(0, reassembly.timeouts());
        assertTrue(quotes.isEmpty());
    }

    /**
     * fragmented-2: the same 18-byte first fragment twice around the last fragment: both copies are dropped for
     * their length, the datagram never completes and times out silently (no offset-0 fragment was kept).
     */
    @Test
    void shouldTimeOutFragmentedTwoWithoutReporting() throws IOException
    {
        replay("zeek-btest-traces/ipv4/fragmented-2.pcap");
        assertEquals(List.of(Outcome.DROPPED, Outcome.HELD, Outcome.DROPPED), outcomes);
        assertEquals(2, reassembly.badLengthDropped());
        assertEquals(1, reassembly.datagramsInProgress());
        assertEquals(1, reassembly.expire(lastNs + TIMEOUT));
        assertEquals(0, reassembly.timeoutsReported());
        assertTrue(quotes.isEmpty());
    }

    /** fragmented-3: five full-size TCP fragments, all with MF: the last never comes; reported on timeout. */
    @Test
    void shouldTimeOutFragmentedThreeAndQuoteItsFirstFragment() throws IOException
    {
        replay("zeek-btest-traces/ipv4/fragmented-3.pcap");
        assertEquals(List.of(Outcome.HELD, Outcome.HELD, Outcome.HELD, Outcome.HELD, Outcome.HELD), outcomes);
        assertEquals(5 * 1480 / Ipv4Reassembly.BLOCK_SIZE + 1, reassembly.memoryInUse() / Ipv4Reassembly.BLOCK_SIZE);
        assertEquals(0, reassembly.expire(lastNs + 1));
        assertEquals(1, reassembly.expire(lastNs + TIMEOUT));
        assertEquals(1, reassembly.timeoutsReported());
        assertEquals(1, quotes.size());
        final byte[] quote = quotes.get(0);
        assertEquals(28, quote.length);
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        assertEquals(Malformed.IPV4_PAYLOAD_TRUNCATED, ip.wrap(MemorySegment.ofArray(quote), 0, quote.length));
        assertEquals(0x4bc5, ip.identification());
        assertEquals(1500, ip.totalLength(), "the first fragment's header, as received");
        assertTrue(ip.moreFragments());
        assertEquals(0, reassembly.memoryInUse());
    }

    /**
     * fragmented-4: an unrelated whole TCP datagram, then fragments [0, 24) MF, [48, 72) MF, [72, 89) last, and
     * [24, 72) MF, which overlaps [48, 72) with different coverage (Zeek reports it as a fragment overlap): the
     * datagram is dropped (RFC 5722 policy). The last packet reuses the key as a whole datagram (offset 0, MF
     * clear): it is not a fragment and passes through.
     */
    @Test
    void shouldDropFragmentedFourOnOverlap() throws IOException
    {
        replay("zeek-btest-traces/ipv4/fragmented-4.pcap");
        assertEquals(List.of(Outcome.NOT_FRAGMENT, Outcome.HELD, Outcome.HELD, Outcome.HELD, Outcome.DROPPED,
            Outcome.NOT_FRAGMENT), outcomes);
        assertEquals(1, reassembly.overlapsDropped());
        assertEquals(0, reassembly.datagramsReassembled());
        assertEquals(0, reassembly.memoryInUse());
        assertEquals(2, datagrams.size());
        assertEquals(40, datagrams.get(1).length);
    }
}
