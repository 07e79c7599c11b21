package io.tachyon.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.counters.SystemCounterDescriptor;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.stack.DelegatingDriver;
import io.tachyon.stack.Frames;
import io.tachyon.stack.Harness;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpSocket;
import io.tachyon.wire.ChecksumVerdict;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.InternetChecksum;
import io.tachyon.wire.Malformed;

/** Ethernet filtering, the TX batch under back-pressure, and checksum offload requests. */
class LinkTest
{
    @TempDir
    Path counters;

    private static long count(final Harness h, final LinkCounter counter)
    {
        return h.stack.counters().link().get(counter).get();
    }

    @Test
    void shouldFilterFramesByMacVlanAndEtherType()
    {
        try (Harness h = new Harness(counters))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(5000);
            final byte[] other = Frames.ip().dstMac(Frames.MAC_OTHER).payload(Frames.udp(Frames.IP_B, Frames.IP_A,
                1, 5000, new byte[1])).frame();
            final byte[] own = Frames.ip().srcMac(Frames.MAC_A).payload(Frames.udp(Frames.IP_B, Frames.IP_A, 1,
                5000, new byte[1])).frame();
            final byte[] group = Frames.ip().srcMac(0x01_00_5E_00_00_01L).payload(Frames.udp(Frames.IP_B,
                Frames.IP_A, 1, 5000, new byte[1])).frame();
            final byte[] ipv6 = Frames.udpFrame(1, 5000, new byte[1]);
            ipv6[12] = (byte)0x86;
            ipv6[13] = (byte)0xDD;
            final byte[] unknown = Frames.udpFrame(1, 5000, new byte[1]);
            unknown[12] = (byte)0x88;
            unknown[13] = (byte)0x47;
            final byte[] tagged = new byte[64];
            System.arraycopy(Frames.udpFrame(1, 5000, new byte[1]), 0, tagged, 0, 12);
            tagged[12] = (byte)0x81;
            tagged[14] = 0;
            tagged[15] = 5;
            tagged[16] = 0x08;
            final byte[] runt = Frames.slice(Frames.udpFrame(1, 5000, new byte[1]), 0, 14);
            assertEquals(List.of(), h.exchange(other, own, group, ipv6, unknown, tagged, runt));
            assertEquals(0, socket.pendingDatagrams());
            assertEquals(1, count(h, LinkCounter.NOT_FOR_US));
            assertEquals(1, count(h, LinkCounter.OWN_SOURCE));
            assertEquals(1, count(h, LinkCounter.BAD_SOURCE));
            assertEquals(1, count(h, LinkCounter.IPV6_DROPPED));
            assertEquals(1, count(h, LinkCounter.UNKNOWN_ETHERTYPE));
            assertEquals(1, count(h, LinkCounter.VLAN_DROPPED));
            assertEquals(7, h.stack.counters().system().get(SystemCounterDescriptor.FRAMES_DROPPED).get());
        }
    }

    @Test
    void shouldRetryRefusedFramesThenDropThemAfterTheBound()
    {
        try (Harness h = new Harness(counters, MemoryWireConfig.DEFAULT.withInFlightFrames(4),
            c -> c.txRetryLimit(3), d -> d))
        {
            final UdpSocket socket = h.stack.openUdpSocket();
            for (int i = 0; i < 10; i++)
            {
                assertTrue(socket.send(new byte[10], 0, 10, Frames.IP_B, 9));
            }
            for (int i = 0; i < 4; i++)
            {
                h.stack.doWork();
            }
            assertEquals(4, count(h, LinkCounter.TX_RETRIES));
            assertEquals(6, count(h, LinkCounter.TX_DROPPED));
            assertEquals(4, h.stack.counters().system().get(SystemCounterDescriptor.FRAMES_SENT).get());
            assertEquals(0, h.stack.link().pendingTransmit());
            assertEquals(4, h.drain().size());
        }
    }

    @Test
    void shouldRefuseSendsWhenTheBatchIsFullAndTheDriverTakesNothing()
    {
        try (Harness h = new Harness(counters, MemoryWireConfig.DEFAULT.withInFlightFrames(4),
            c -> c.txBatch(8), d -> d))
        {
            final UdpSocket socket = h.stack.openUdpSocket();
            int sent = 0;
            for (int i = 0; i < 20; i++)
            {
                if (socket.send(new byte[10], 0, 10, Frames.IP_B, 9))
                {
                    sent++;
                }
            }
            assertEquals(12, sent, "8 batched, 4 taken by the wire, 4 more batched, then the wire is full");
            assertEquals(8, count(h, LinkCounter.TX_BATCH_FULL));
            assertEquals(8, h.stack.counters().udp().get(UdpCounter.SNDBUF_ERRORS).get());
        }
    }

    @Test
    void shouldLeaveChecksumsToTheDeviceOnlyWhenConfiguredAndOffered()
    {
        try (Harness h = new Harness(counters, MemoryWireConfig.DEFAULT, c -> c.txChecksumOffload(true),
            DelegatingDriver::withTxChecksumOffload))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(1000);
            assertTrue(socket.send(new byte[100], 0, 100, Frames.IP_B, 9));
            assertTrue(socket.send(new byte[3000], 0, 3000, Frames.IP_B, 9));
            final List<byte[]> out = h.exchange();
            assertEquals(4, out.size());
            final FrameDissector d = new FrameDissector();
            assertEquals(Malformed.OK, d.dissectEthernet(MemorySegment.ofArray(out.get(0)), 0, out.get(0).length));
            assertEquals(0, d.ipv4().headerChecksum(), "left to the device");
            assertEquals(InternetChecksum.pseudoHeaderSum(Frames.IP_A, Frames.IP_B, 17, 108), d.udp().checksum(),
                "pseudo-header sum for the device to finish");
            for (int i = 1; i < 4; i++)
            {
                d.dissectEthernet(MemorySegment.ofArray(out.get(i)), 0, out.get(i).length);
                assertEquals(ChecksumVerdict.GOOD, d.ipv4Checksum(), "fragments are checksummed in software");
            }
        }
        try (Harness h = new Harness(counters, MemoryWireConfig.DEFAULT, c -> c.txChecksumOffload(true), d -> d))
        {
            final UdpSocket socket = h.stack.openUdpSocket().bind(1000);
            assertTrue(socket.send(new byte[100], 0, 100, Frames.IP_B, 9));
            final byte[] frame = h.exchange().get(0);
            final FrameDissector d = new FrameDissector();
            d.dissectEthernet(MemorySegment.ofArray(frame), 0, frame.length);
            assertEquals(ChecksumVerdict.GOOD, d.ipv4Checksum(), "the driver offers no offload");
            assertEquals(ChecksumVerdict.GOOD, d.transportChecksum());
        }
    }
}
