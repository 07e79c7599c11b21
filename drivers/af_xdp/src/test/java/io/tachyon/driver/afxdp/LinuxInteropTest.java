package io.tachyon.driver.afxdp;

import io.tachyon.udp.UdpSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Tachyon stack on the AF_XDP driver talks to the real Linux stack across a veth pair: Linux (in a network
 * namespace, address ipB) runs ping, arping and socat against Tachyon (root namespace end, address ipA).
 * TX checksum offload is off on the Linux end ({@link VethPair}), so Linux's frames carry complete checksums.
 */
@Tag("privileged")
class LinuxInteropTest
{
    private static VethPair pair;

    @TempDir
    static Path counters;

    private TachyonOnVeth tachyon;

    @BeforeAll
    static void createPair()
    {
        Privileged.requireTools("ip", "ping", "arping", "socat", "ethtool");
        pair = VethPair.create(true);
    }

    @AfterAll
    static void deletePair()
    {
        if (pair != null)
        {
            pair.close();
        }
    }

    @BeforeEach
    void startTachyon()
    {
        tachyon = new TachyonOnVeth(pair, counters);
    }

    @AfterEach
    void stopTachyon()
    {
        if (tachyon != null)
        {
            tachyon.close();
        }
    }

    private String ipA()
    {
        return VethPair.dotted(pair.ipA);
    }

    @Test
    void shouldAnswerPingFromLinux()
    {
        final Sh.Result r = tachyon.runWhile(Sh.start(pair.inNamespace("ping", "-c", "3", "-i", "0.2", "-W", "2",
            ipA())), 15);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("3 received"), r.output());
    }

    @Test
    void shouldAnswerArpingFromLinux()
    {
        final Sh.Result r = tachyon.runWhile(Sh.start(pair.inNamespace("arping", "-c", "2", "-w", "5", "-i", pair.b,
            ipA())), 15);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().toLowerCase(java.util.Locale.ROOT).contains(VethPair.mac(pair.macA)), r.output());
    }

    @Test
    void shouldPingLinux()
    {
        final List<Integer> replies = new ArrayList<>();
        tachyon.stack.icmp().echoListener((source, id, sequence, segment, offset, length, nowNs) ->
        {
            if (source == pair.ipB && id == 0x7ac)
            {
                replies.add(sequence);
            }
        });
        final MemorySegment data = MemorySegment.ofArray("tachyon-ping-data".getBytes(StandardCharsets.US_ASCII));
        final long[] next = {0L};
        final int[] sequence = {0};
        final boolean done = tachyon.runUntil(() ->
        {
            if (replies.size() < 3 && TachyonOnVeth.now() - next[0] > 0L)
            {
                tachyon.stack.icmp().ping(pair.ipB, 0x7ac, ++sequence[0], data, 0L, (int) data.byteSize(),
                    tachyon.stack.nowNs());
                next[0] = TachyonOnVeth.now() + 100_000_000L;
            }
            return replies.size() >= 3;
        }, 10);
        assertTrue(done, "echo replies from Linux: " + replies + " after " + sequence[0] + " requests");
    }

    @Test
    void shouldReceiveUdpFromLinuxAndSendUdpToLinux()
    {
        final UdpSocket socket = tachyon.stack.openUdpSocket().bind(7001);
        final byte[] buffer = new byte[2048];
        final String fromLinux = "hello tachyon, this is linux";
        final int[] got = {UdpSocket.NOTHING};
        for (int attempt = 0; attempt < 10 && got[0] == UdpSocket.NOTHING; attempt++)
        {
            final Sh.Started sender = Sh.start(pair.inNamespace("sh", "-c", "printf '" + fromLinux
                + "' | socat -u - UDP4-DATAGRAM:" + ipA() + ":7001"));
            tachyon.runWhile(sender, 10);
            tachyon.runUntil(() -> (got[0] = socket.receive(buffer, 0, buffer.length)) != UdpSocket.NOTHING, 0.5);
        }
        assertTrue(got[0] > 0, "no datagram from Linux");
        assertEquals(fromLinux, new String(buffer, 0, got[0], StandardCharsets.US_ASCII));
        assertEquals(pair.ipB, socket.lastSourceAddress());

        final String fromTachyon = "hello linux, this is tachyon";
        final byte[] payload = fromTachyon.getBytes(StandardCharsets.US_ASCII);
        final Sh.Started receiver = Sh.start(pair.inNamespace("timeout", "10", "socat", "-u",
            "UDP4-RECVFROM:7002,reuseaddr", "STDOUT"));
        final long[] next = {0L};
        tachyon.runUntil(() ->
        {
            if (TachyonOnVeth.now() - next[0] > 0L)
            {
                socket.send(payload, 0, payload.length, pair.ipB, 7002);
                next[0] = TachyonOnVeth.now() + 50_000_000L;
            }
            return !receiver.alive();
        }, 12);
        final Sh.Result r = receiver.await(5);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains(fromTachyon), "socat printed: " + r.output());
    }

    @Test
    void shouldDeliverMulticastFromLinuxToAJoinedSocket()
    {
        final int group = 239 << 24 | 1 << 16 | 2 << 8 | 3;
        final UdpSocket socket = tachyon.stack.openUdpSocket().bind(7003).joinGroup(group);
        final UdpSocket other = tachyon.stack.openUdpSocket().bind(7004);
        final byte[] buffer = new byte[2048];
        final String message = "multicast from linux";
        final int[] got = {UdpSocket.NOTHING};
        for (int attempt = 0; attempt < 10 && got[0] == UdpSocket.NOTHING; attempt++)
        {
            final Sh.Started sender = Sh.start(pair.inNamespace("sh", "-c", "printf '" + message
                + "' | socat -u - UDP4-DATAGRAM:239.1.2.3:7003,ip-multicast-if=" + VethPair.dotted(pair.ipB)
                + "; printf 'not joined' | socat -u - UDP4-DATAGRAM:239.1.2.4:7004,ip-multicast-if="
                + VethPair.dotted(pair.ipB)));
            tachyon.runWhile(sender, 10);
            tachyon.runUntil(() -> (got[0] = socket.receive(buffer, 0, buffer.length)) != UdpSocket.NOTHING, 0.5);
        }
        assertTrue(got[0] > 0, "no multicast datagram from Linux");
        assertEquals(message, new String(buffer, 0, got[0], StandardCharsets.US_ASCII));
        assertEquals(UdpSocket.NOTHING, other.receive(buffer, 0, buffer.length),
            "a datagram for a group nobody joined is not delivered");
    }
}
