package io.tachyon.stack;

import static io.tachyon.stack.Frames.ackOf;
import static io.tachyon.stack.Frames.flagsOf;
import static io.tachyon.stack.Frames.seqOf;
import static io.tachyon.stack.Frames.synOptions;
import static io.tachyon.stack.Frames.ts;
import static io.tachyon.stack.Frames.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.tcp.TcpConfig;
import io.tachyon.tcp.TcpCounter;
import io.tachyon.tcp.TcpError;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;
import io.tachyon.wire.TcpFlyweight;

/**
 * The listener's queues, SYN cookies, TIME-WAIT reuse, ephemeral ports, ICMP errors to TCP and the SYN give-up time,
 * one stack (A) against hand-built segments from peers at 10.0.0.2, checked segment by segment on the virtual clock.
 */
class StackTcpListenTest
{
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final int IRS = 1000;
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int SYN_ACK = TcpFlyweight.SYN | TcpFlyweight.ACK;
    private static final byte[] NONE = new byte[0];

    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------------------------
    // Frame helpers
    // ------------------------------------------------------------------------------------------------------------

    /** A TCP segment from B:{@code srcPort} to A:{@code dstPort} with a correct checksum, as an Ethernet frame. */
    private static byte[] tcp(final int srcPort, final int dstPort, final int seq, final int ack, final int flags,
        final int window, final byte[] options, final byte[] payload)
    {
        return Frames.tcp(srcPort, dstPort, seq, ack, flags, window, options, payload);
    }

    /** A segment from B:{@code srcPort} to A:80. */
    private static byte[] tcp(final int srcPort, final int seq, final int ack, final int flags, final int window,
        final byte[] options, final byte[] payload)
    {
        return tcp(srcPort, 80, seq, ack, flags, window, options, payload);
    }

    private static int srcPortOf(final byte[] frame)
    {
        return MemorySegment.ofArray(frame).get(U16, 34) & 0xFFFF;
    }

    private static int windowOf(final byte[] frame)
    {
        return MemorySegment.ofArray(frame).get(U16, 34 + 14) & 0xFFFF;
    }

    private static int headerOf(final byte[] frame)
    {
        return ((frame[34 + 12] & 0xFF) >>> 4) * 4;
    }

    private static byte[] optionsOf(final byte[] frame)
    {
        return Frames.slice(frame, 54, 34 + headerOf(frame));
    }

    private static int payloadOf(final byte[] frame)
    {
        final int total = MemorySegment.ofArray(frame).get(U16, 16) & 0xFFFF;
        return total - 20 - headerOf(frame);
    }

    /** The TSval of a frame whose options are MSS, SACK-permitted or NOP NOP, then timestamps. */
    private static int synAckTsval(final byte[] frame)
    {
        return u32(frame, 54 + 8);
    }

    private static long counter(final Harness h, final TcpCounter counter)
    {
        return h.stack.counters().tcp().get(counter).get();
    }

    /** An ICMP error from the gateway quoting the IPv4 header and first 8 bytes of a frame the stack sent. */
    private static byte[] icmpError(final int type, final int code, final int rest, final byte[] sent)
    {
        return Frames.ip().srcMac(Frames.MAC_GW).src(Frames.IP_GW).protocol(1)
            .payload(Frames.icmp(type, code, rest, Frames.slice(sent, 14, 14 + 20 + 8))).frame();
    }

    /** Moves the clock in 1 ms steps for {@code durationNs}, running the stack; returns what it sent. */
    private static List<long[]> run(final Harness h, final long durationNs, final List<byte[]> frames)
    {
        final List<long[]> times = new ArrayList<>();
        final long end = h.clock.nanoTime() + durationNs;
        while (h.clock.nanoTime() - end < 0)
        {
            h.clock.advance(MS);
            for (final byte[] f : h.exchange())
            {
                frames.add(f);
                times.add(new long[] {h.clock.nanoTime(), flagsOf(f)});
            }
        }
        return times;
    }

    /** The passive handshake by hand from B:{@code port}; returns {server socket, ISS}. */
    private static Object[] open(final Harness h, final TcpListener listener, final int port,
        final boolean timestamps)
    {
        final List<byte[]> synAck = h.exchange(tcp(port, IRS, 0, SYN, 65535,
            synOptions(1460, timestamps ? 7 : -1, false, timestamps ? 100 : 0), NONE));
        assertEquals(1, synAck.size(), "one SYN-ACK");
        assertEquals(SYN_ACK, flagsOf(synAck.get(0)));
        final int iss = seqOf(synAck.get(0));
        h.exchange(tcp(port, IRS + 1, iss + 1, ACK, 65535, timestamps ? ts(101, synAckTsval(synAck.get(0))) : NONE,
            NONE));
        final TcpSocket socket = listener.accept();
        assertNotNull(socket, "accepted");
        assertTrue(socket.isEstablished());
        return new Object[] {socket, iss};
    }

    // ------------------------------------------------------------------------------------------------------------
    // 1. Backlog
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldBoundTheSynQueueAndDropWhenCookiesAreOff()
    {
        try (Harness h = new Harness(dir, c -> c.tcp(TcpConfig.DEFAULT.withSynCookies(false))))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 2);
            for (int port = 5000; port < 5005; port++)
            {
                final List<byte[]> out = h.exchange(tcp(port, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0),
                    NONE));
                assertEquals(port < 5002 ? 1 : 0, out.size(), "SYN from port " + port);
            }
            assertEquals(2, listener.synQueueLength());
            assertEquals(3, counter(h, TcpCounter.SYN_QUEUE_DROPS));
            assertEquals(0, counter(h, TcpCounter.SYN_COOKIES_SENT));
            assertEquals(2, h.stack.tcp().connectionCount(), "memory: only the queued SYNs hold connections");
        }
    }

    @Test
    void shouldBoundTheAcceptQueueAndDropTheCompletingAckWhenFull()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 1);
            final List<byte[]> first = h.exchange(tcp(5000, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0),
                NONE));
            h.exchange(tcp(5000, IRS + 1, seqOf(first.get(0)) + 1, ACK, 65535, NONE, NONE));
            assertEquals(1, listener.pending(), "the accept queue holds its one connection");
            assertEquals(0, h.exchange(tcp(5001, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0), NONE)).size(),
                "a SYN while the accept queue is full is dropped");
            assertEquals(1, counter(h, TcpCounter.LISTEN_OVERFLOWS));
            assertNotNull(listener.accept());
            final List<byte[]> second = h.exchange(tcp(5001, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0),
                NONE));
            assertEquals(1, second.size(), "room again: a SYN-ACK");
            h.exchange(tcp(5001, IRS + 1, seqOf(second.get(0)) + 1, ACK, 65535, NONE, NONE));
            assertEquals(1, listener.pending());
            final List<byte[]> third = h.exchange(tcp(5002, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0),
                NONE));
            assertEquals(0, third.size(), "accept queue full again: SYN dropped");
            assertEquals(2, counter(h, TcpCounter.LISTEN_OVERFLOWS));
        }
    }

    @Test
    void shouldDropTheHandshakeAckWhileTheAcceptQueueIsFullAndRetransmitTheSynAck()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 1);
            final List<byte[]> first = h.exchange(tcp(5000, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0),
                NONE));
            final int iss = seqOf(first.get(0));
            // 5001 finds the SYN queue full (5000 is half-open): a cookie, whose ACK fills the accept queue
            final List<byte[]> cookie = h.exchange(tcp(5001, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0),
                NONE));
            assertEquals(1, cookie.size());
            h.exchange(tcp(5001, IRS + 1, seqOf(cookie.get(0)) + 1, ACK, 65535, NONE, NONE));
            assertEquals(1, listener.pending(), "the cookie connection fills the accept queue");
            assertEquals(0, h.exchange(tcp(5000, IRS + 1, iss + 1, ACK, 65535, NONE, NONE)).size(),
                "the completing ACK is dropped, not reset");
            assertEquals(1, counter(h, TcpCounter.LISTEN_OVERFLOWS));
            assertEquals(1, listener.synQueueLength(), "5000 stays in SYN-RECEIVED");
            final List<byte[]> later = new ArrayList<>();
            run(h, 1100 * MS, later);
            assertEquals(1, later.size(), "the SYN-ACK is retransmitted after the 1 s RTO");
            assertEquals(SYN_ACK, flagsOf(later.get(0)));
            assertEquals(iss, seqOf(later.get(0)));
            assertEquals(5001, listener.accept().remotePort());
            h.exchange(tcp(5000, IRS + 1, iss + 1, ACK, 65535, NONE, NONE));
            assertEquals(1, listener.pending(), "room again: the retried ACK completes the handshake");
            assertEquals(0, listener.synQueueLength());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 2. SYN cookies
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldKeepMemoryBoundedUnderASynFloodAndStillAcceptAClient()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener web = h.stack.tcp().listen(80, 16);
            final TcpListener other = h.stack.tcp().listen(81, 1000);
            int answered = 0;
            int lastCookie = 0;
            for (int port = 1024; port < 6024; port++)
            {
                final List<byte[]> out = h.exchange(tcp(port, IRS + port, 0, SYN, 65535,
                    synOptions(1460, 7, true, port), NONE));
                answered += out.size();
                lastCookie = seqOf(out.get(0));
            }
            assertEquals(5000, answered, "every SYN is answered");
            assertEquals(16, web.synQueueLength(), "the SYN queue holds the backlog, no more");
            assertEquals(16, h.stack.tcp().connectionCount());
            assertEquals(4984, counter(h, TcpCounter.SYN_COOKIES_SENT));
            for (int port = 1024; port < 1124; port++)
            {
                assertEquals(1, h.exchange(tcp(port, 81, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0),
                    NONE)).size());
            }
            assertEquals(48, other.synQueueLength(), "the pool (64) filled: the rest were cookies");
            assertEquals(64, h.stack.tcp().connectionCount());
            assertEquals(4984 + 52, counter(h, TcpCounter.SYN_COOKIES_SENT));
            // the last flood source is a real client: while the pool is full its valid cookie ACK is dropped
            assertEquals(0, h.exchange(tcp(6023, IRS + 6024, lastCookie + 1, ACK, 65535, ts(6024, 0), NONE)).size());
            assertEquals(1, counter(h, TcpCounter.POOL_EXHAUSTED));
            final List<byte[]> sink = new ArrayList<>();
            run(h, 64 * SECOND, sink); // SYN-ACKs retried 5 times (1+2+4+8+16+32 = 63 s), then dropped
            assertEquals(0, h.stack.tcp().connectionCount(), "the half-open connections gave up");
            h.exchange(tcp(6023, IRS + 6024, lastCookie + 1, ACK, 65535, ts(6025, 0), NONE));
            assertEquals(1, counter(h, TcpCounter.SYN_COOKIES_RECV));
            final TcpSocket client = web.accept();
            assertNotNull(client, "the flooded listener still accepts a real client");
            assertEquals(6023, client.remotePort());
        }
    }

    @Test
    void shouldCompleteASynCookieHandshakeWithTimestampsAndRecoverWindowScaleAndSack()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 1);
            assertEquals(1, h.exchange(tcp(5000, IRS, 0, SYN, 65535, synOptions(1460, 7, true, 100), NONE)).size());
            assertEquals(1, listener.synQueueLength(), "the SYN queue is full");
            final int irs = 77_000;
            final List<byte[]> out = h.exchange(tcp(5001, irs, 0, SYN, 65535, synOptions(1460, 7, true, 500), NONE));
            assertEquals(1, out.size(), "a cookie SYN-ACK");
            final byte[] synAck = out.get(0);
            assertEquals(1, listener.synQueueLength(), "no state kept for the cookie");
            assertEquals(1, h.stack.tcp().connectionCount());
            assertEquals(SYN_ACK, flagsOf(synAck));
            assertEquals(irs + 1, ackOf(synAck));
            assertEquals(65535, windowOf(synAck));
            final int cookie = seqOf(synAck);
            final int tsval = synAckTsval(synAck);
            assertEquals(7 | 0x10, tsval & 0x3F, "the TSval's low 6 bits carry WS 7 and SACK");
            final byte[] expected = {2, 4, 0x05, (byte)0xB4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 3};
            MemorySegment.ofArray(expected).set(U32, 8, tsval);
            MemorySegment.ofArray(expected).set(U32, 12, 500);
            assertArrayEquals(expected, optionsOf(synAck), "MSS 1460, SACK-permitted, TS (echoes 500), WS 3");
            assertEquals(1, counter(h, TcpCounter.SYN_COOKIES_SENT));

            final byte[] request = Frames.pattern(300, 1);
            h.exchange(tcp(5001, irs + 1, cookie + 1, ACK | TcpFlyweight.PSH, 10, ts(501, tsval), request));
            assertEquals(1, counter(h, TcpCounter.SYN_COOKIES_RECV));
            assertEquals(0, counter(h, TcpCounter.SYN_COOKIES_FAILED));
            final TcpSocket socket = listener.accept();
            assertNotNull(socket, "the cookie ACK created an established connection");
            assertEquals(TcpState.ESTABLISHED, socket.state());
            assertEquals(5001, socket.remotePort());
            assertEquals("ws=7/3 sack ts", socket.options());
            assertEquals(1460 - 12, socket.mss());
            final byte[] got = new byte[400];
            assertEquals(300, socket.read(got, 0, got.length), "the data on the cookie ACK was taken");
            assertArrayEquals(request, Arrays.copyOf(got, 300));

            socket.nodelay(true);
            assertEquals(5000, socket.write(new byte[5000], 0, 5000));
            final List<byte[]> data = h.exchange();
            int seq = cookie + 1;
            int sent = 0;
            for (final byte[] f : data)
            {
                if (payloadOf(f) == 0)
                {
                    continue;
                }
                assertEquals(seq, seqOf(f));
                assertEquals(irs + 1 + 300, ackOf(f));
                assertTrue(payloadOf(f) <= 1448, "segment of " + payloadOf(f));
                seq += payloadOf(f);
                sent += payloadOf(f);
                assertEquals(12, optionsOf(f).length, "timestamps on every segment");
            }
            assertEquals(1280, sent, "the window of 10 << 7 = 1280 bytes (the scale from the cookie) limits it");
        }
    }

    @Test
    void shouldCompleteASynCookieHandshakeWithoutTimestampsWithMssOnly()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 1);
            h.exchange(tcp(5000, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0), NONE));
            final List<byte[]> out = h.exchange(tcp(5001, IRS, 0, SYN, 65535, synOptions(1400, 7, true, 0), NONE));
            assertEquals(1, out.size());
            final byte[] synAck = out.get(0);
            assertArrayEquals(new byte[] {2, 4, 0x05, (byte)0xB4}, optionsOf(synAck),
                "without timestamps the cookie cannot keep WS and SACK: MSS only");
            h.exchange(tcp(5001, IRS + 1, seqOf(synAck) + 1, ACK, 4000, NONE, NONE));
            final TcpSocket socket = listener.accept();
            assertNotNull(socket);
            assertEquals("nows", socket.options());
            assertEquals(1300, socket.mss(), "1400 rounds down to the cookie table's 1300");
            socket.nodelay(true);
            assertEquals(3000, socket.write(new byte[3000], 0, 3000));
            final List<Integer> sizes = new ArrayList<>();
            for (final byte[] f : h.exchange())
            {
                sizes.add(payloadOf(f));
            }
            assertEquals(List.of(1300, 1300, 400), sizes, "1300-byte segments, 3000 bytes within the window 4000");
        }
    }

    @Test
    void shouldResetAForgedOrExpiredCookieAck()
    {
        try (Harness h = new Harness(dir, c -> c.tcp(TcpConfig.DEFAULT.withSynAckRetries(100))))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 1);
            h.exchange(tcp(5000, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0), NONE));
            final int cookie = seqOf(h.exchange(tcp(5001, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0),
                NONE)).get(0));
            final List<byte[]> rst = h.exchange(tcp(5001, IRS + 1, cookie + 1 + (1 << 10), ACK, 65535, NONE, NONE));
            assertEquals(1, rst.size(), "a forged cookie is answered with a RST, as Linux does");
            assertEquals(TcpFlyweight.RST, flagsOf(rst.get(0)));
            assertEquals(cookie + 1 + (1 << 10), seqOf(rst.get(0)), "<SEQ=SEG.ACK><CTL=RST>");
            assertEquals(1, counter(h, TcpCounter.SYN_COOKIES_FAILED));
            assertEquals(0, listener.pending());

            // 130 s later the cookie is more than two 64 s periods old; a fresh cookie keeps the check running
            final List<byte[]> sink = new ArrayList<>();
            run(h, 130 * SECOND, sink);
            assertEquals(1, h.exchange(tcp(5002, IRS, 0, SYN, 65535, synOptions(1460, -1, false, 0), NONE)).size());
            final List<byte[]> late = h.exchange(tcp(5001, IRS + 1, cookie + 1, ACK, 65535, NONE, NONE));
            assertEquals(1, late.size());
            assertEquals(TcpFlyweight.RST, flagsOf(late.get(0)), "an expired cookie is reset");
            assertEquals(2, counter(h, TcpCounter.SYN_COOKIES_FAILED));
            assertEquals(0, counter(h, TcpCounter.SYN_COOKIES_RECV));
            assertNull(listener.accept());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 3. TIME-WAIT reuse
    // ------------------------------------------------------------------------------------------------------------

    /** Opens from B:5000, closes actively from A; returns {socket, ISS, RCV.NXT} with A in TIME-WAIT. */
    private static int[] toTimeWait(final Harness h, final TcpListener listener, final boolean timestamps)
    {
        final Object[] o = open(h, listener, 5000, timestamps);
        final TcpSocket socket = (TcpSocket)o[0];
        final int iss = (int)o[1];
        socket.close();
        final List<byte[]> fin = h.exchange();
        assertEquals(1, fin.size());
        assertEquals(TcpFlyweight.FIN | ACK, flagsOf(fin.get(0)));
        final List<byte[]> ack = h.exchange(tcp(5000, IRS + 1, iss + 2, TcpFlyweight.FIN | ACK, 1000,
            timestamps ? ts(200, 0) : NONE, NONE));
        assertEquals(1, ack.size());
        assertEquals(IRS + 2, ackOf(ack.get(0)));
        assertEquals(TcpState.TIME_WAIT, socket.state());
        return new int[] {iss, IRS + 2};
    }

    @Test
    void shouldReopenTimeWaitForASynWithANewerTimestamp()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 4);
            final int[] tw = toTimeWait(h, listener, true);
            // an older timestamp: not accepted, RFC 9293 TIME-WAIT processing answers with an ACK
            List<byte[]> out = h.exchange(tcp(5000, IRS + 50_000, 0, SYN, 65535, synOptions(1460, 7, false, 150),
                NONE));
            assertEquals(1, out.size());
            assertEquals(ACK, flagsOf(out.get(0)), "SEG.TSval 150 < TS.Recent 200: an ACK, TIME-WAIT stays");
            assertEquals(tw[1], ackOf(out.get(0)));
            assertEquals(0, counter(h, TcpCounter.TIME_WAIT_REUSED));
            // a newer timestamp with a sequence number BELOW RCV.NXT: accepted on the timestamp alone (RFC 6191)
            out = h.exchange(tcp(5000, IRS - 10, 0, SYN, 65535, synOptions(1460, 7, false, 300), NONE));
            assertEquals(1, out.size());
            assertEquals(SYN_ACK, flagsOf(out.get(0)), "a new incarnation");
            assertEquals(IRS - 10 + 1, ackOf(out.get(0)));
            assertTrue(seqOf(out.get(0)) - (tw[0] + 2) >= 65_535, "the new ISS is well above the old SND.NXT");
            assertEquals(1, counter(h, TcpCounter.TIME_WAIT_REUSED));
            h.exchange(tcp(5000, IRS - 9, seqOf(out.get(0)) + 1, ACK, 1000, ts(301, synAckTsval(out.get(0))), NONE));
            final TcpSocket again = listener.accept();
            assertNotNull(again);
            assertEquals(TcpState.ESTABLISHED, again.state());
        }
    }

    @Test
    void shouldReopenTimeWaitWithoutTimestampsOnlyForASequenceNumberAboveRcvNxt()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 4);
            final int[] tw = toTimeWait(h, listener, false);
            List<byte[]> out = h.exchange(tcp(5000, tw[1], 0, SYN, 65535, synOptions(1460, -1, false, 0), NONE));
            assertEquals(1, out.size());
            assertEquals(ACK, flagsOf(out.get(0)), "SEG.SEQ = RCV.NXT is not above it: an ACK");
            out = h.exchange(tcp(5000, tw[1] - 100, 0, SYN, 65535, synOptions(1460, -1, false, 0), NONE));
            assertEquals(ACK, flagsOf(out.get(0)), "below RCV.NXT: an ACK");
            assertEquals(0, counter(h, TcpCounter.TIME_WAIT_REUSED));
            out = h.exchange(tcp(5000, tw[1] + 1_000_000, 0, SYN, 65535, synOptions(1460, -1, false, 0), NONE));
            assertEquals(1, out.size());
            assertEquals(SYN_ACK, flagsOf(out.get(0)), "RFC 1122 §4.2.2.13: a SYN above RCV.NXT reopens");
            assertEquals(tw[1] + 1_000_001, ackOf(out.get(0)));
            assertEquals(1, counter(h, TcpCounter.TIME_WAIT_REUSED));
            h.exchange(tcp(5000, tw[1] + 1_000_001, seqOf(out.get(0)) + 1, ACK, 1000, NONE, NONE));
            assertNotNull(listener.accept());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 4. Ephemeral ports
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldPickSuccessiveEphemeralPortsPerDestinationAndFailClearlyWhenExhausted()
    {
        try (Harness h = new Harness(dir, c -> c.ephemeralPorts(40_000, 40_003)))
        {
            final Set<Integer> ports = new HashSet<>();
            int previous = -1;
            for (int i = 0; i < 4; i++)
            {
                final TcpSocket s = h.stack.tcp().open().connect(Frames.IP_B, 80);
                final int port = s.localPort();
                assertTrue(port >= 40_000 && port <= 40_003, "port " + port);
                if (previous >= 0)
                {
                    assertEquals(previous == 40_003 ? 40_000 : previous + 1, port, "RFC 6056 alg. 4: +1 per connect");
                }
                previous = port;
                ports.add(port);
            }
            assertEquals(4, ports.size());
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> h.stack.tcp().open().connect(Frames.IP_B, 80));
            assertTrue(e.getMessage().contains("10.0.0.2:80") && e.getMessage().contains("40000..40003"),
                e.getMessage());
            assertEquals(1, counter(h, TcpCounter.EPHEMERAL_PORTS_EXHAUSTED));
            final TcpSocket other = h.stack.tcp().open().connect(Frames.IP_B, 81);
            assertTrue(other.localPort() >= 40_000 && other.localPort() <= 40_003,
                "another destination port may reuse the same local ports");
        }
    }

    @Test
    void shouldSkipEphemeralPortsInUseAndStartElsewhereForAnotherDestination()
    {
        try (Harness h = new Harness(dir))
        {
            final int first = h.stack.tcp().open().connect(Frames.IP_B, 80).localPort();
            assertTrue(first >= 32_768 && first <= 60_999, "Linux's default range: " + first);
            final int next = first == 60_999 ? 32_768 : first + 1;
            h.stack.tcp().listen(next, 1);
            final int second = h.stack.tcp().open().connect(Frames.IP_B, 80).localPort();
            assertEquals(next == 60_999 ? 32_768 : next + 1, second, "the listener's port is skipped");
            final int[] others = new int[8];
            int same = 0;
            for (int i = 0; i < others.length; i++)
            {
                others[i] = h.stack.tcp().open().connect(Frames.IP_B, 1000 + i).localPort();
                same += Math.abs(others[i] - second) < 16 ? 1 : 0;
            }
            assertTrue(same <= 1, "other destinations start at their own keyed offsets: " + Arrays.toString(others)
                + " vs " + second);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 5. ICMP errors
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldLowerTheMssOnFragmentationNeededAndResendWhatNoLongerFits()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 4);
            final Object[] o = open(h, listener, 5000, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            assertEquals(1460, socket.mss());
            socket.nodelay(true);
            assertEquals(3000, socket.write(new byte[3000], 0, 3000));
            final List<byte[]> sent = h.exchange();
            assertEquals(List.of(1460, 1460, 80), List.of(payloadOf(sent.get(0)), payloadOf(sent.get(1)),
                payloadOf(sent.get(2))));
            // out of window: a quote whose sequence number is far beyond SND.NXT is counted and ignored
            final byte[] forged = sent.get(0).clone();
            MemorySegment.ofArray(forged).set(U32, 34 + 4, iss + 1 + 100_000);
            assertEquals(0, h.exchange(icmpError(3, 4, 1000, forged)).size());
            assertEquals(1460, socket.mss());
            assertEquals(1, counter(h, TcpCounter.OUT_OF_WINDOW_ICMPS));
            // in window: MTU 1000 -> MSS 960, the flight is sent again in 960-byte segments at once
            final List<byte[]> resent = h.exchange(icmpError(3, 4, 1000, sent.get(0)));
            assertEquals(960, socket.mss());
            assertEquals(1, counter(h, TcpCounter.PMTU_MSS_REDUCTIONS));
            final List<Integer> sizes = new ArrayList<>();
            int seq = iss + 1;
            for (final byte[] f : resent)
            {
                assertEquals(seq, seqOf(f));
                seq += payloadOf(f);
                sizes.add(payloadOf(f));
            }
            assertEquals(List.of(960, 960, 960, 120), sizes);
            // a tiny MTU never takes the MSS below 536 (the IP layer fragments instead)
            h.exchange(icmpError(3, 4, 296, resent.get(0)));
            assertEquals(536, socket.mss());
            assertEquals(TcpState.ESTABLISHED, socket.state());
        }
    }

    @Test
    void shouldEndAConnectAttemptOnPortProtocolOrProhibitedUnreachable()
    {
        final int[][] cases = {{3, TcpError.REFUSED.ordinal()}, {2, TcpError.UNREACHABLE.ordinal()},
            {13, TcpError.UNREACHABLE.ordinal()}, {10, TcpError.UNREACHABLE.ordinal()}};
        for (final int[] c : cases)
        {
            try (Harness h = new Harness(dir))
            {
                final TcpSocket client = h.stack.tcp().open().connect(Frames.IP_B, 80);
                final List<byte[]> syn = h.exchange();
                assertEquals(1, syn.size());
                assertEquals(SYN, flagsOf(syn.get(0)));
                final byte[] wrongSeq = syn.get(0).clone();
                MemorySegment.ofArray(wrongSeq).set(U32, 34 + 4, seqOf(syn.get(0)) + 5000);
                h.exchange(icmpError(3, c[0], 0, wrongSeq));
                assertEquals(TcpState.SYN_SENT, client.state(), "code " + c[0] + ": a quote outside the window");
                h.exchange(icmpError(3, c[0], 0, syn.get(0)));
                assertEquals(TcpState.CLOSED, client.state(), "code " + c[0] + " is a hard error in SYN-SENT");
                assertEquals(TcpError.values()[c[1]], client.error(), "code " + c[0]);
                assertEquals(1, counter(h, TcpCounter.ICMP_HARD_ERRORS));
            }
        }
    }

    @Test
    void shouldRecordSoftErrorsAndReportThemOnlyWhenTheSynTimesOut()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpSocket client = h.stack.tcp().open().connect(Frames.IP_B, 80);
            final byte[] syn = h.exchange().get(0);
            h.exchange(icmpError(4, 0, 0, syn));
            assertEquals(TcpError.NONE, client.softError(), "source quench is silently discarded (MUST-55)");
            for (final int[] soft : new int[][] {{3, 0}, {3, 1}, {3, 5}, {11, 0}, {12, 0}})
            {
                h.exchange(icmpError(soft[0], soft[1], 0, syn));
                assertEquals(TcpState.SYN_SENT, client.state(), "type " + soft[0] + " code " + soft[1]
                    + " must not abort (RFC 9293 MUST-56)");
            }
            assertEquals(TcpError.UNREACHABLE, client.softError());
            assertEquals(TcpError.NONE, client.error());
            assertEquals(5, counter(h, TcpCounter.ICMP_SOFT_ERRORS));
            run(h, 181 * SECOND, new ArrayList<>());
            assertEquals(TcpState.CLOSED, client.state());
            assertEquals(TcpError.UNREACHABLE, client.error(), "the soft error explains the timeout");
        }
    }

    @Test
    void shouldTreatAHardErrorOnAnEstablishedConnectionAsSoft()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 4);
            final Object[] o = open(h, listener, 5000, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            assertEquals(10, socket.write(new byte[10], 0, 10));
            final byte[] data = h.exchange().get(0);
            h.exchange(icmpError(3, 3, 0, data));
            assertEquals(TcpState.ESTABLISHED, socket.state(), "RFC 5927 §4.2: no abort once synchronized");
            assertEquals(TcpError.REFUSED, socket.softError());
            h.exchange(tcp(5000, IRS + 1, iss + 11, ACK, 1000, NONE, NONE));
            assertEquals(TcpError.NONE, socket.softError(), "an ACK of new data clears the soft error");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 6. SYN give-up time
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldRetransmitTheSynForThreeMinutesBeforeGivingUp()
    {
        try (Harness h = new Harness(dir))
        {
            final long start = h.clock.nanoTime();
            final TcpSocket client = h.stack.tcp().open().connect(Frames.IP_B, 80);
            final List<byte[]> frames = new ArrayList<>(h.exchange());
            assertEquals(1, frames.size());
            final List<long[]> times = run(h, 179_900 * MS, frames);
            assertEquals(TcpState.SYN_SENT, client.state(), "still trying at 179.9 s (RFC 9293 MUST-23)");
            final long[] expected = {1, 3, 7, 15, 31, 63, 127};
            assertEquals(expected.length, times.size(), "7 retransmissions");
            for (int i = 0; i < expected.length; i++)
            {
                assertEquals(SYN, times.get(i)[1]);
                final long at = times.get(i)[0] - start;
                assertTrue(at >= expected[i] * SECOND && at <= expected[i] * SECOND + 3 * MS,
                    "SYN retransmission " + (i + 1) + " at " + at / 1e6 + " ms, expected " + expected[i] + " s");
            }
            run(h, 200 * MS, frames);
            assertEquals(TcpState.CLOSED, client.state(), "gave up at 180 s");
            assertEquals(TcpError.TIMED_OUT, client.error());
            assertEquals(8, frames.size(), "no SYN at the give-up");
        }
    }
}
