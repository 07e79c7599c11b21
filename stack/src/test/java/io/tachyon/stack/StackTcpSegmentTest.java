package io.tachyon.stack;

import static io.tachyon.stack.Frames.ackOf;
import static io.tachyon.stack.Frames.flagsOf;
import static io.tachyon.stack.Frames.seqOf;
import static io.tachyon.stack.Frames.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.tcp.TcpError;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;
import io.tachyon.wire.TcpFlyweight;

/**
 * One stack (A, listening on port 80) against hand-built TCP segments from a peer at 10.0.0.2:5000: PAWS, RST
 * processing (RFC 5961 §3) and window-scale arithmetic at the extremes, checked segment by segment.
 */
class StackTcpSegmentTest
{
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int PEER_PORT = 5000;
    private static final int IRS = 1000;

    @TempDir
    Path dir;

    /** A TCP segment from B:5000 to A:80 with a correct checksum. */
    private static byte[] tcp(final int seq, final int ack, final int flags, final int window, final byte[] options,
        final byte[] payload)
    {
        return Frames.tcp(PEER_PORT, 80, seq, ack, flags, window, options, payload);
    }

    /** MSS, then NOP + window scale if shift >= 0, then NOP NOP + timestamps if tsval != 0. */
    private static byte[] synOptions(final int mss, final int shift, final int tsval)
    {
        return Frames.synOptions(mss, shift, false, tsval);
    }

    private static int payloadOf(final byte[] frame)
    {
        final int total = MemorySegment.ofArray(frame).get(U16, 16) & 0xFFFF;
        return total - 20 - ((frame[34 + 12] & 0xFF) >>> 4) * 4;
    }

    /** Handshake by hand; returns {server socket as accepted, ISS}. */
    private static Object[] open(final Harness h, final int shift, final int synWindow, final int ackWindow,
        final int mss, final boolean timestamps)
    {
        final TcpListener listener = h.stack.tcp().listen(80, 4);
        final List<byte[]> synAck = h.exchange(tcp(IRS, 0, TcpFlyweight.SYN, synWindow,
            synOptions(mss, shift, timestamps ? 100 : 0), new byte[0]));
        assertEquals(1, synAck.size(), "one SYN-ACK");
        assertEquals(TcpFlyweight.SYN | TcpFlyweight.ACK, flagsOf(synAck.get(0)));
        assertEquals(IRS + 1, ackOf(synAck.get(0)));
        final int iss = seqOf(synAck.get(0));
        h.exchange(tcp(IRS + 1, iss + 1, TcpFlyweight.ACK, ackWindow, timestamps ? ts(101, 0) : new byte[0],
            new byte[0]));
        final TcpSocket socket = listener.accept();
        assertTrue(socket != null && socket.isEstablished(), "accepted and ESTABLISHED");
        return new Object[] {socket, iss};
    }

    @Test
    void shouldDropASegmentWithAnOldTimestampByPawsAndAckIt()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, 7, 65535, 1000, 1460, true);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            final List<byte[]> out = h.exchange(tcp(IRS + 1, iss + 1, TcpFlyweight.ACK | TcpFlyweight.PSH, 1000,
                ts(50, 0), new byte[10]));
            assertEquals(0, socket.readable(), "PAWS: TSval 50 < TS.Recent 101, the data must be dropped");
            assertEquals(1, out.size(), "an ACK answers the PAWS drop (RFC 7323 §5.3 R1)");
            assertEquals(TcpFlyweight.ACK, flagsOf(out.get(0)));
            assertEquals(IRS + 1, ackOf(out.get(0)));
            h.exchange(tcp(IRS + 1, iss + 1, TcpFlyweight.ACK | TcpFlyweight.PSH, 1000, ts(102, 0), new byte[10]));
            assertEquals(10, socket.readable(), "TSval 102 is accepted");
        }
    }

    @Test
    void shouldChallengeAnInWindowRstAndResetOnAnExactOne()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, 7, 65535, 1000, 1460, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            List<byte[]> out = h.exchange(tcp(IRS + 1 + 100, 0, TcpFlyweight.RST, 0, new byte[0], new byte[0]));
            assertEquals(TcpState.ESTABLISHED, socket.state(), "RFC 5961 §3.2: in-window, not exact: no reset");
            assertEquals(1, out.size(), "a challenge ACK");
            assertEquals(TcpFlyweight.ACK, flagsOf(out.get(0)));
            assertEquals(iss + 1, seqOf(out.get(0)));
            assertEquals(IRS + 1, ackOf(out.get(0)));
            out = h.exchange(tcp(IRS + 1 + 5_000_000, 0, TcpFlyweight.RST, 0, new byte[0], new byte[0]));
            assertEquals(TcpState.ESTABLISHED, socket.state());
            assertEquals(0, out.size(), "an out-of-window RST is dropped silently");
            out = h.exchange(tcp(IRS + 1, 0, TcpFlyweight.RST, 0, new byte[0], new byte[0]));
            assertEquals(0, out.size(), "nothing answers a RST");
            assertEquals(TcpState.CLOSED, socket.state(), "RST at exactly RCV.NXT resets");
            assertEquals(TcpError.RESET, socket.error());
        }
    }

    @Test
    void shouldScaleTheSendWindowByFourteenBits()
    {
        try (Harness h = new Harness(dir))
        {
            // the peer asks for shift 14 and advertises 1 << 14 = 16384 bytes; MSS 536, no timestamps
            final Object[] o = open(h, 14, 65535, 1, 536, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            socket.nodelay(true);
            assertEquals(256 * 1024, socket.write(new byte[256 * 1024], 0, 256 * 1024));
            int acked = iss + 1;
            int largest = 0;
            int inFlight = 0;
            List<byte[]> flight = h.exchange();
            for (int round = 0; round < 24; round++) // one ACK per round: cwnd grows by one SMSS per round
            {
                inFlight = 0;
                for (final byte[] f : flight)
                {
                    inFlight += payloadOf(f);
                }
                assertTrue(inFlight <= 16384, "round " + round + ": " + inFlight + " bytes exceed 16384");
                largest = Math.max(largest, inFlight);
                acked += inFlight;
                flight = h.exchange(tcp(IRS + 1, acked, TcpFlyweight.ACK, 1, new byte[0], new byte[0]));
            }
            assertEquals(16384 / 536 * 536, largest,
                "whole 536-byte segments in 1 << 14 (unscaled, the field 1 would allow nothing)");
        }
    }

    @Test
    void shouldTreatTheLargestScaledWindowAsUnsigned()
    {
        try (Harness h = new Harness(dir))
        {
            // 65535 << 14 = 1073725440: a signed 16-bit or a sign-extended shift would make it negative
            final Object[] o = open(h, 14, 65535, 65535, 536, false);
            final TcpSocket socket = (TcpSocket)o[0];
            socket.nodelay(true);
            assertEquals(20_000, socket.write(new byte[20_000], 0, 20_000));
            int sent = 0;
            for (final byte[] f : h.exchange())
            {
                sent += payloadOf(f);
            }
            assertEquals(socket.cwnd(), sent, "cwnd-limited, not window-limited");
        }
    }

    @Test
    void shouldUseTheUnscaledWindowWithShiftZero()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, 0, 1000, 1000, 1460, false);
            final TcpSocket socket = (TcpSocket)o[0];
            socket.nodelay(true);
            assertEquals(5000, socket.write(new byte[5000], 0, 5000));
            int sent = 0;
            for (final byte[] f : h.exchange())
            {
                sent += payloadOf(f);
            }
            assertEquals(1000, sent, "exactly the 1000-byte window");
        }
    }

    @Test
    void shouldIgnoreASynWithABadChecksum()
    {
        try (Harness h = new Harness(dir))
        {
            h.stack.tcp().listen(80, 4);
            final byte[] syn = tcp(IRS, 0, TcpFlyweight.SYN, 65535, synOptions(1460, -1, 0), new byte[0]);
            syn[34 + 16] ^= 0x01; // the TCP checksum field
            assertEquals(0, h.exchange(syn).size(), "RFC 9293 MUST-3: a bad checksum is dropped, no SYN-ACK");
            syn[34 + 16] ^= 0x01;
            assertEquals(1, h.exchange(syn).size(), "the same SYN with its checksum intact is answered");
        }
    }

    @Test
    void shouldAssumeAnMssOf536WithoutTheOption()
    {
        try (Harness h = new Harness(dir))
        {
            final TcpListener listener = h.stack.tcp().listen(80, 4);
            final List<byte[]> synAck = h.exchange(tcp(IRS, 0, TcpFlyweight.SYN, 65535, new byte[0], new byte[0]));
            final int iss = seqOf(synAck.get(0));
            h.exchange(tcp(IRS + 1, iss + 1, TcpFlyweight.ACK, 65535, new byte[0], new byte[0]));
            final TcpSocket socket = listener.accept();
            assertEquals(536, socket.mss(), "RFC 9293 MUST-15: default send MSS 536");
            socket.nodelay(true);
            assertEquals(3000, socket.write(new byte[3000], 0, 3000));
            int sent = 0;
            for (final byte[] f : h.exchange())
            {
                assertTrue(payloadOf(f) <= 536, "segment of " + payloadOf(f) + " bytes");
                sent += payloadOf(f);
            }
            assertEquals(3000, sent);
        }
    }
}
