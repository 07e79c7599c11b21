package io.tachyon.arp;

import static io.tachyon.arp.ArpTestSupport.hex;
import static io.tachyon.arp.ArpTestSupport.ip;
import static io.tachyon.arp.ArpTestSupport.mac;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tachyon.pcap.PcapReader;
import io.tachyon.testing.SharedData;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.Malformed;

/** Real captures replayed into an {@link Arp} configured as one of the hosts in them. */
class ArpPcapReplayTest
{
    /** arp-who-has.pcap: 78:31:c1:c6:3f:c2 (10.0.0.2) asks for 10.0.0.1; f8:ed:a5:c0:a4:f1 answers. */
    private static final long ASKER_MAC = mac("78:31:c1:c6:3f:c2");
    private static final int ASKER_IP = ip("10.0.0.2");
    private static final long ANSWERER_MAC = mac("f8:ed:a5:c0:a4:f1");
    private static final int ANSWERER_IP = ip("10.0.0.1");

    private static List<byte[]> frames(final Path pcap) throws IOException
    {
        final List<byte[]> frames = new ArrayList<>();
        try (PcapReader reader = PcapReader.open(pcap))
        {
            while (reader.next())
            {
                assertEquals(FrameDissector.LINKTYPE_ETHERNET, reader.linkType());
                frames.add(reader.segment().asSlice(reader.dataOffset(), reader.capturedLength())
                    .toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return frames;
    }

    private static void replay(final Arp arp, final byte[] frame, final long nowNs)
    {
        final FrameDissector dissector = new FrameDissector();
        assertEquals(Malformed.OK, dissector.dissectEthernet(java.lang.foreign.MemorySegment.ofArray(frame), 0,
            frame.length));
        assertEquals(FrameDissector.Layer.ARP, dissector.layer());
        arp.onArp(dissector.arp(), nowNs);
    }

    @Test
    void shouldAnswerTheCapturedRequestAsTheCapturedReply() throws IOException
    {
        final List<byte[]> frames = frames(SharedData.require("zeek-btest-traces/arp-who-has.pcap"));
        assertEquals(2, frames.size());
        final ArpTestSupport.RecordingOutput out = new ArpTestSupport.RecordingOutput();
        final Arp answerer = new Arp(ArpConfig.of(ANSWERER_MAC, ANSWERER_IP), out);

        replay(answerer, frames.get(0), 1_000L);

        assertEquals(1, out.frames.size());
        // The captured reply carries 14 zero bytes of padding and a 4-byte FCS; ours is the same 56 bytes, and
        // its 4 last bytes are padding (zero) where the capture has the FCS.
        final byte[] captured = frames.get(1);
        assertEquals(hex(Arrays.copyOf(captured, 56)), hex(Arrays.copyOf(out.last(), 56)));
        assertArrayEquals(new byte[4], Arrays.copyOfRange(out.last(), 56, 60));
        assertEquals(ArpState.STALE, answerer.state(ASKER_IP), "RFC 826: the asker is learnt");
        assertEquals(ASKER_MAC, answerer.peek(ASKER_IP));
    }

    @Test
    void shouldSendTheCapturedRequestAndResolveFromTheCapturedReply() throws IOException
    {
        final List<byte[]> frames = frames(SharedData.require("zeek-btest-traces/arp-who-has.pcap"));
        final ArpTestSupport.RecordingOutput out = new ArpTestSupport.RecordingOutput();
        final Arp asker = new Arp(ArpConfig.of(ASKER_MAC, ASKER_IP), out);

        assertEquals(Arp.NO_MAC, asker.resolve(ANSWERER_IP, 1_000L));
        // Our request is the captured one (42 bytes) plus 18 bytes of zero padding.
        final byte[] expected = Arrays.copyOf(frames.get(0), 60);
        assertEquals(hex(expected), hex(out.last()));

        replay(asker, frames.get(1), 2_000L);
        assertEquals(ArpState.REACHABLE, asker.state(ANSWERER_IP));
        assertEquals(ANSWERER_MAC, asker.resolve(ANSWERER_IP, 3_000L));
        assertEquals(1, asker.counter(ArpCounter.RX_REPLIES));
    }

    @Test
    void shouldLearnFromTheCapturedPcapPlusPlusReply() throws IOException
    {
        final List<byte[]> frames = frames(SharedData.require("pcapplusplus/ArpResponsePacket.pcap"));
        assertEquals(1, frames.size());
        final long ourMac = mac("6c:f0:49:b2:de:6e");
        final int ourIp = ip("10.0.0.1");
        final int peerIp = ip("10.0.0.138");
        final long peerMac = mac("30:46:9a:23:fb:fa");

        // Resolving first: the reply completes the resolution and flushes the queued packet.
        final ArpTestSupport.RecordingOutput out = new ArpTestSupport.RecordingOutput();
        final Arp arp = new Arp(ArpConfig.of(ourMac, ourIp), out);
        final byte[] packet = ArpTestSupport.payloadFrame(42, 64);
        arp.enqueue(peerIp, java.lang.foreign.MemorySegment.ofArray(packet), 0, packet.length, 1_000L);
        replay(arp, frames.getFirst(), 2_000L);
        assertEquals(ArpState.REACHABLE, arp.state(peerIp));
        assertEquals(peerMac, arp.peek(peerIp));
        assertEquals(peerMac, ArpTestSupport.destinationOf(out.last()));
        assertEquals(42, ArpTestSupport.sequenceOf(out.last()));

        // Unsolicited: still addressed to us, so RFC 826 adds the sender.
        final Arp fresh = new Arp(ArpConfig.of(ourMac, ourIp), new ArpTestSupport.RecordingOutput());
        replay(fresh, frames.getFirst(), 2_000L);
        assertEquals(peerMac, fresh.peek(peerIp));

        // Configured as another host, the reply is not for us: nothing is learnt.
        final Arp bystander = new Arp(ArpConfig.of(ourMac, ip("10.0.0.7")), new ArpTestSupport.RecordingOutput());
        replay(bystander, frames.getFirst(), 2_000L);
        assertEquals(0, bystander.size());
        assertEquals(1, bystander.counter(ArpCounter.RX_NOT_FOR_US));
    }
}
