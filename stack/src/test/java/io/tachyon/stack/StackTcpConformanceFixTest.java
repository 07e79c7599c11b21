package io.tachyon.stack;

import static io.tachyon.stack.Frames.ackOf;
import static io.tachyon.stack.Frames.flagsOf;
import static io.tachyon.stack.Frames.seqOf;
import static io.tachyon.stack.Frames.ts;
import static io.tachyon.stack.Frames.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

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
 * The stack causes of packetdrill failures, each checked segment by segment against hand-built segments from a peer
 * at 10.0.0.2:5000 (A listens on port 80): RST in LAST-ACK, TS.Recent and unsent ACKs, the abort RST, an
 * out-of-order FIN, window-update ACKs after a read, a handshake completing after the listener closed, and the
 * RFC 5927 sequence check of ICMP errors.
 */
class StackTcpConformanceFixTest
{
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int PEER_PORT = 5000;
    private static final int IRS = 1000;
    private static final int ACK = TcpFlyweight.ACK;
    private static final int FIN = TcpFlyweight.FIN;
    private static final int RST = TcpFlyweight.RST;
    private static final byte[] NONE = new byte[0];

    @TempDir
    Path dir;

    /** A TCP segment from B:5000 to A:80 with a correct checksum. */
    private static byte[] tcp(final int seq, final int ack, final int flags, final int window, final byte[] options,
        final byte[] payload)
    {
        return Frames.tcp(PEER_PORT, 80, seq, ack, flags, window, options, payload);
    }

    /** MSS 1460 (and NOP NOP timestamps with TSval 100 if asked). */
    private static byte[] synOptions(final boolean timestamps)
    {
        return Frames.synOptions(1460, -1, false, timestamps ? 100 : 0);
    }

    private static int windowOf(final byte[] frame)
    {
        return MemorySegment.ofArray(frame).get(U16, 34 + 14) & 0xFFFF;
    }

    private static int optionsLengthOf(final byte[] frame)
    {
        return ((frame[34 + 12] & 0xFF) >>> 4) * 4 - 20;
    }

    /** The TSecr of the timestamp option at NOP NOP TS (the layout of every non-SYN segment), or -1. */
    private static long tsecrOf(final byte[] frame)
    {
        if (optionsLengthOf(frame) < 12 || frame[34 + 22] != 8)
        {
            return -1;
        }
        return u32(frame, 34 + 28) & 0xFFFFFFFFL;
    }

    private static long counter(final Harness h, final TcpCounter c)
    {
        return h.stack.counters().tcp().get(c).get();
    }

    /** Handshake by hand; returns {server socket as accepted, ISS}. */
    private static Object[] open(final Harness h, final boolean timestamps)
    {
        final TcpListener listener = h.stack.tcp().listen(80, 4);
        final List<byte[]> synAck = h.exchange(tcp(IRS, 0, TcpFlyweight.SYN, 65535, synOptions(timestamps), NONE));
        assertEquals(1, synAck.size(), "one SYN-ACK");
        final int iss = seqOf(synAck.get(0));
        h.exchange(tcp(IRS + 1, iss + 1, ACK, 65535, timestamps ? ts(101, 0) : NONE, NONE));
        final TcpSocket socket = listener.accept();
        assertTrue(socket != null && socket.isEstablished(), "accepted and ESTABLISHED");
        return new Object[] {socket, iss};
    }

    @Test
    void shouldReportAResetInLastAckToTheSocketThatShutItsSide()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            h.exchange(tcp(IRS + 1, iss + 1, FIN | ACK, 65535, NONE, NONE));
            socket.shutdownOutput();
            final List<byte[]> fin = h.exchange();
            assertEquals(FIN | ACK, flagsOf(fin.get(0)));
            assertEquals(TcpState.LAST_ACK, socket.state());
            assertEquals(0, h.exchange(tcp(IRS + 2, 0, RST, 0, NONE, NONE)).size());
            assertEquals(TcpState.CLOSED, socket.state());
            assertEquals(TcpError.RESET, socket.error(), "ECONNRESET, as Linux's tcp_reset and FreeBSD report it");
        }
    }

    @Test
    void shouldNotTakeTsRecentFromASegmentThatAcksUnsentData()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, true);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            final List<byte[]> answer = h.exchange(tcp(IRS + 1, iss + 9999, FIN | ACK, 65535, ts(200_000, 0), NONE));
            assertEquals(1, answer.size(), "RFC 9293 §3.10.7.4: an ACK of unsent data is answered with an ACK");
            assertEquals(IRS + 1, ackOf(answer.get(0)), "and the segment (its FIN too) is dropped");
            assertEquals(101, tsecrOf(answer.get(0)), "TS.Recent is still the handshake's TSval");
            assertEquals(TcpState.ESTABLISHED, socket.state());
            h.exchange(tcp(IRS + 1, iss + 1, ACK, 65535, ts(201, 0), new byte[1000]));
            assertEquals(1000, socket.readable(), "TSval 201 passes PAWS: 200000 never became TS.Recent");
        }
    }

    @Test
    void shouldAbortWithARstAckCarryingTimestamps()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, true);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            h.exchange(tcp(IRS + 1, iss + 1, ACK, 65535, ts(201, 0), new byte[1000]));
            h.clock.advance(1_000_000_000L);
            h.exchange();
            socket.close(); // unread data: RFC 1122 §4.2.2.13 RST
            final List<byte[]> out = h.exchange();
            assertEquals(1, out.size());
            assertEquals(RST | ACK, flagsOf(out.get(0)), "RST with ACK, as Linux and FreeBSD send it");
            assertEquals(iss + 1, seqOf(out.get(0)), "<SEQ=SND.NXT>");
            assertEquals(IRS + 1001, ackOf(out.get(0)));
            assertEquals(201, tsecrOf(out.get(0)), "RFC 7323 §3.2: the timestamp option SHOULD be in a RST");
            assertEquals(TcpState.CLOSED, socket.state());
        }
    }

    @Test
    void shouldActOnAFinThatArrivedBeforeMissingData()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            List<byte[]> out = h.exchange(tcp(IRS + 1 + 15, iss + 1, ACK, 65535, NONE, new byte[16]));
            assertEquals(IRS + 1, ackOf(out.get(0)), "a hole at RCV.NXT: duplicate ACK");
            out = h.exchange(tcp(IRS + 1 + 31, iss + 1, FIN | ACK, 65535, NONE, NONE));
            assertEquals(1, out.size());
            assertEquals(IRS + 1, ackOf(out.get(0)), "the FIN is beyond the hole: not acknowledged yet");
            assertEquals(TcpState.ESTABLISHED, socket.state());
            out = h.exchange(tcp(IRS + 1, iss + 1, ACK, 65535, NONE, new byte[15]));
            assertEquals(1, out.size());
            assertEquals(IRS + 1 + 31 + 1, ackOf(out.get(0)), "filling the hole acknowledges the data and the FIN");
            assertEquals(TcpState.CLOSE_WAIT, socket.state());
            assertEquals(31, socket.read(new byte[100], 0, 100));
            assertTrue(socket.isEndOfStream());
        }
    }

    @Test
    void shouldSendNoWindowUpdateForASmallReadFromARoomyWindow()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            h.exchange(tcp(IRS + 1, iss + 1, ACK, 65535, NONE, new byte[1460]));
            h.exchange(tcp(IRS + 1461, iss + 1, ACK | TcpFlyweight.PSH, 65535, NONE, new byte[540]));
            h.clock.advance(50_000_000L);
            h.exchange(); // the delayed ACK, if any
            assertEquals(2000, socket.read(new byte[2000], 0, 2000));
            assertEquals(0, h.exchange().size(),
                "a growth of 2000 bytes (more than one MSS, less than two) of a 64 KiB window is not worth an ACK");
        }
    }

    @Test
    void shouldSendAWindowUpdateWhenAClosedWindowOpens()
    {
        try (Harness h = new Harness(dir, c -> c.tcp(TcpConfig.DEFAULT.withBuffers(256 * 1024, 4096))))
        {
            final Object[] o = open(h, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            h.exchange(tcp(IRS + 1, iss + 1, ACK, 65535, NONE, new byte[1460]));
            h.exchange(tcp(IRS + 1461, iss + 1, ACK, 65535, NONE, new byte[1460]));
            final List<byte[]> last = h.exchange(tcp(IRS + 2921, iss + 1, ACK, 65535, NONE, new byte[1176]));
            h.clock.advance(50_000_000L);
            last.addAll(h.exchange());
            assertEquals(0, windowOf(last.get(last.size() - 1)), "the 4096-byte buffer is full");
            assertEquals(2048, socket.read(new byte[2048], 0, 2048));
            final List<byte[]> update = h.exchange();
            assertEquals(1, update.size(), "the window opened from 0: announce it at once");
            assertEquals(ACK, flagsOf(update.get(0)));
            assertEquals(IRS + 4097, ackOf(update.get(0)));
            assertEquals(2048, windowOf(update.get(0)));
        }
    }

    @Test
    void shouldResetTheHandshakeAckAsUnknownAfterTheListenerClosed()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 4);
            final List<byte[]> synAck = h.exchange(tcp(IRS, 0, TcpFlyweight.SYN, 65535, synOptions(false), NONE));
            final int iss = seqOf(synAck.get(0));
            listener.close();
            final List<byte[]> out = h.exchange(tcp(IRS + 1, iss + 1, ACK, 65535, NONE, NONE));
            assertEquals(1, out.size());
            assertEquals(RST, flagsOf(out.get(0)), "<SEQ=SEG.ACK><CTL=RST>, as for a connection that does not exist");
            assertEquals(iss + 1, seqOf(out.get(0)));
            assertEquals(0, h.stack.tcp().connectionCount());
        }
    }

    @Test
    void shouldIgnoreAnIcmpErrorQuotingSndNxtInSynSent()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpSocket client = h.stack.tcp().open().connect(Frames.IP_B, 80);
            final byte[] syn = h.exchange().get(0);
            final byte[] quote = syn.clone();
            MemorySegment.ofArray(quote).set(U32, 34 + 4, seqOf(syn) + 1);
            h.exchange(icmpError(3, 3, quote));
            assertEquals(TcpState.SYN_SENT, client.state(), "RFC 5927 §4.1: SND.UNA =< SEG.SEQ < SND.NXT");
            assertEquals(1, counter(h, TcpCounter.OUT_OF_WINDOW_ICMPS));
            h.exchange(icmpError(3, 3, syn));
            assertEquals(TcpState.CLOSED, client.state(), "the SYN itself (SEG.SEQ = SND.UNA) is in range");
            assertEquals(TcpError.REFUSED, client.error());
        }
    }

    @Test
    void shouldResendAWholeFlightAtOnceAfterFragmentationNeededAndAnnounceTheLinkMss()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            assertEquals(1460, socket.write(new byte[1460], 0, 1460)); // Nagle on: the default
            final List<byte[]> sent = h.exchange();
            assertEquals(1, sent.size());
            final List<byte[]> resent = h.exchange(icmpError(3, 4, 1200, sent.get(0)));
            assertEquals(2, resent.size(), "1160 + 300 at once: Nagle does not hold back a retransmission");
            assertEquals(iss + 1, seqOf(resent.get(0)));
            assertEquals(iss + 1161, seqOf(resent.get(1)));
            assertEquals(1160, socket.mss());
            // a new connection from the same peer: its SYN-ACK announces what A can receive, the link MSS, while
            // what A sends still follows the learnt path MTU (RFC 1191 §3)
            final List<byte[]> synAck = h.exchange(synWithPort(5001));
            assertEquals(1, synAck.size());
            assertEquals(1460, MemorySegment.ofArray(synAck.get(0)).get(U16, 34 + 22) & 0xFFFF, "MSS option");
        }
    }

    @Test
    void shouldPushOnlyTheSegmentCarryingTheLastBufferedOctet()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            socket.nodelay(true);
            assertEquals(3000, socket.write(new byte[3000], 0, 3000));
            final List<byte[]> sent = h.exchange();
            assertEquals(3, sent.size());
            assertEquals(List.of(ACK, ACK, ACK | TcpFlyweight.PSH),
                List.of(flagsOf(sent.get(0)), flagsOf(sent.get(1)), flagsOf(sent.get(2))),
                "RFC 1122 §4.2.2.2: PSH in the last buffered segment");
            h.clock.advance(1_100_000_000L); // the RTO resends the first segment, still without PSH
            final List<byte[]> again = h.exchange();
            assertEquals(iss + 1, seqOf(again.get(0)));
            assertEquals(ACK, flagsOf(again.get(0)));
        }
    }

    /** A SYN from B:{@code port} to A:80 with MSS 1460. */
    private static byte[] synWithPort(final int port)
    {
        final byte[] frame = tcp(IRS, 0, TcpFlyweight.SYN, 65535, synOptions(false), NONE);
        final MemorySegment s = MemorySegment.ofArray(frame);
        s.set(U16, 34, (short)port);
        s.set(U16, 34 + 16, (short)0);
        final TcpFlyweight t = new TcpFlyweight().wrapForWrite(s, 34, frame.length - 34);
        t.checksum(t.computeChecksum(Frames.IP_B, Frames.IP_A));
        return frame;
    }

    private static byte[] icmpError(final int type, final int code, final int rest, final byte[] sent)
    {
        return Frames.ip().srcMac(Frames.MAC_GW).src(Frames.IP_GW).protocol(1)
            .payload(Frames.icmp(type, code, rest, Frames.slice(sent, 14, 14 + 20 + 8))).frame();
    }

    private static byte[] icmpError(final int type, final int code, final byte[] sent)
    {
        return Frames.ip().srcMac(Frames.MAC_GW).src(Frames.IP_GW).protocol(1)
            .payload(Frames.icmp(type, code, 0, Frames.slice(sent, 14, 14 + 20 + 8))).frame();
    }
}
