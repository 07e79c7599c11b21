package io.tachyon.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IllegalRawDataException;

/**
 * Random frames emitted by our flyweights, decoded by both {@link FrameDissector} and pcap4j (static packet
 * factory, no libpcap): same field values, same checksum verdicts, including deliberately corrupted checksums.
 */
class Pcap4jAgreementTest
{
    private static final int FRAMES = 4_000;

    @Test
    void shouldAgreeWithPcap4jOnRandomFrames() throws IllegalRawDataException
    {
        final SplittableRandom random = new SplittableRandom(20261122L);
        final TestFrames frames = new TestFrames();
        frames.allowQinq = false;
        frames.corruptProbability = 0.25;
        final MemorySegment buffer = MemorySegment.ofArray(new byte[TestFrames.MAX_FRAME]);
        final FrameDissector dissector = new FrameDissector();
        final Pcap4jOracle.Coverage coverage = new Pcap4jOracle.Coverage();
        for (int i = 0; i < FRAMES; i++)
        {
            final int length = frames.randomFrame(random, buffer);
            final byte[] frame = TestFrames.bytes(buffer, length);
            final Malformed result = dissector.dissectEthernet(MemorySegment.ofArray(frame), 0, frame.length);
            assertTrue(result.isOk(), () -> "our own frame is " + result);
            Pcap4jOracle.assertAgrees(frame, dissector, true, coverage);
        }
        assertTrue(coverage.arp > FRAMES / 10, "ARP compared " + coverage.arp);
        assertTrue(coverage.vlan > FRAMES / 10, "VLAN compared " + coverage.vlan);
        assertTrue(coverage.tcp > FRAMES / 10, "TCP compared " + coverage.tcp);
        assertTrue(coverage.tcpOptions > FRAMES / 2, "TCP options compared " + coverage.tcpOptions);
        assertTrue(coverage.udp > FRAMES / 10, "UDP compared " + coverage.udp);
        assertTrue(coverage.icmp > FRAMES / 5, "ICMP compared " + coverage.icmp);
        assertTrue(coverage.badIpv4Checksums > FRAMES / 10, "bad IPv4 checksums " + coverage.badIpv4Checksums);
        assertTrue(coverage.badTransportChecksums > FRAMES / 10,
            "bad transport checksums " + coverage.badTransportChecksums);
    }
}
