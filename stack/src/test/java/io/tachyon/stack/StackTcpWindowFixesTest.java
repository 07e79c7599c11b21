package io.tachyon.stack;

import static io.tachyon.stack.Frames.seqOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.tcp.TcpCounter;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.wire.TcpFlyweight;

/**
 * Regression tests for the bugs the impaired-wire property (io.tachyon.tcp.StackTcpImpairedProperties) found, each
 * replayed with hand-built segments from a peer at 10.0.0.2:5000 against stack A listening on port 80.
 */
class StackTcpWindowFixesTest
{
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int IRS = 1000;
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    /** A TCP segment from B:5000 to A:80 with a correct checksum. */
    private static byte[] tcp(final int seq, final int ack, final int flags, final int window, final byte[] options,
        final int payload)
    {
        return Frames.tcp(5000, 80, seq, ack, flags, window, options, new byte[payload]);
    }

    private static byte[] data(final int seq, final int ack, final int window, final int payload)
    {
        return tcp(seq, ack, TcpFlyweight.ACK | TcpFlyweight.PSH, window, new byte[0], payload);
    }

    /** MSS 1460, and NOP NOP SACK-permitted when asked. */
    private static byte[] synOptions(final boolean sack)
    {
        return Frames.synOptions(1460, -1, sack, 0);
    }

    private static int payloadOf(final byte[] frame)
    {
        final int total = MemorySegment.ofArray(frame).get(U16, 16) & 0xFFFF;
        return total - 20 - ((frame[34 + 12] & 0xFF) >>> 4) * 4;
    }

    private static int payloadOf(final List<byte[]> frames)
    {
        int sum = 0;
        for (final byte[] f : frames)
        {
            sum += payloadOf(f);
        }
        return sum;
    }

    /** Handshake by hand (windows {@code synWindow}, then {@code window}); returns {accepted socket, ISS}. */
    private static Object[] open(final Harness h, final int synWindow, final int window, final boolean sack)
    {
        final TcpListener listener = h.stack.tcp().listen(80, 4);
        final List<byte[]> synAck = h.exchange(tcp(IRS, 0, TcpFlyweight.SYN, synWindow, synOptions(sack), 0));
        assertEquals(1, synAck.size(), "one SYN-ACK");
        final int iss = seqOf(synAck.get(0));
        h.exchange(tcp(IRS + 1, iss + 1, TcpFlyweight.ACK, window, new byte[0], 0));
        final TcpSocket socket = listener.accept();
        assertTrue(socket != null && socket.isEstablished(), "accepted and ESTABLISHED");
        socket.nodelay(true);
        return new Object[] {socket, iss};
    }

    @Test
    void shouldTakeTheWindowOfAnAckThatMovesSndUnaEvenWithAnOlderSequenceNumber()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, 1000, 1000, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            assertEquals(3000, socket.write(new byte[3000], 0, 3000));
            assertEquals(1000, payloadOf(h.exchange()), "the 1000-byte window");
            // out of order: SEG.SEQ IRS + 101 becomes SND.WL1
            h.exchange(data(IRS + 101, iss + 1, 1000, 100));
            // the hole, resent with the newest ACK and a zero window: right edge iss + 1001, unchanged
            final List<byte[]> out = h.exchange(data(IRS + 1, iss + 1001, 0, 100));
            assertEquals(0, payloadOf(out), "SEG.SEQ < SND.WL1, but the ACK moved SND.UNA: its zero window holds,"
                + " nothing may go beyond the right edge iss + 1001");
        }
    }

    @Test
    void shouldNumberAPureAckWithSndMaxAfterATimeoutMovedSndNxtBack()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, 65535, 65535, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            assertEquals(2000, socket.write(new byte[2000], 0, 2000));
            assertEquals(2000, payloadOf(h.exchange()));
            h.clock.advance(3 * SECOND);
            assertEquals(1460, payloadOf(h.exchange()), "the timeout resends the first segment (go-back-N)");
            // out-of-order data: an immediate ACK
            final List<byte[]> out = h.exchange(data(IRS + 11, iss + 1, 65535, 10));
            assertEquals(1, out.size());
            assertEquals(0, payloadOf(out.get(0)));
            assertEquals(iss + 1 + 2000, seqOf(out.get(0)), "SEG.SEQ of a pure ACK is SND.MAX, which the peer may"
                + " already have received; SND.NXT (iss + 1461) would be below its RCV.NXT and unacceptable");
        }
    }

    @Test
    void shouldLeaveOutSackBlocksThatDoNotFitAFullDataSegment()
    {
        try (Harness h = new Harness(dir))
        {
            final Object[] o = open(h, 65535, 65535, true);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            // four islands of out-of-order data: four SACK blocks (36 option bytes) to report
            for (int i = 0; i < 4; i++)
            {
                h.exchange(data(IRS + 1 + 200 * (i + 1), iss + 1, 65535, 100));
            }
            assertEquals(5000, socket.write(new byte[5000], 0, 5000));
            final List<byte[]> out = h.exchange();
            assertEquals(5000, payloadOf(out));
            for (final byte[] frame : out)
            {
                final int fragment = MemorySegment.ofArray(frame).get(U16, 14 + 6) & 0x3FFF;
                assertEquals(0, fragment, "no IP fragments: options and data fit the MSS (RFC 9293 §3.7.1)");
                assertTrue(frame.length <= 14 + 1500, "frame of " + frame.length + " bytes");
            }
        }
    }

    @Test
    void shouldSendIntoASmallWindowOnceTheSwsOverrideTimerExpires()
    {
        try (Harness h = new Harness(dir))
        {
            // the SYN offered 65535, then the window shrank to 1000: sender SWS avoidance holds 1000-byte segments
            // back (less than half the largest window), and with nothing in flight no ACK will come to wake it up
            final Object[] o = open(h, 65535, 1000, false);
            final TcpSocket socket = (TcpSocket)o[0];
            assertEquals(5000, socket.write(new byte[5000], 0, 5000));
            assertEquals(0, payloadOf(h.exchange()), "SWS avoidance: nothing yet");
            h.clock.advance(2 * SECOND);
            assertEquals(1000, payloadOf(h.exchange()), "the override timeout sends what the window allows");
        }
    }

    /** A driver whose TX buffers can be withheld, as when the TX ring is full. */
    static final class RefusingDriver extends DelegatingDriver
    {
        boolean refuse;
        private final DriverQueue queue;

        RefusingDriver(final PacketDriver driver)
        {
            super(driver, c -> c);
            queue = new DelegatingQueue(driver)
            {
                @Override
                public int acquire(final FrameBatch batch, final int count)
                {
                    return refuse ? 0 : super.acquire(batch, count);
                }
            };
        }

        @Override
        public DriverQueue queue(final int queueId)
        {
            return queue;
        }
    }

    @Test
    void shouldRetryAFinTheDriverHadNoBufferFor()
    {
        final RefusingDriver[] driver = new RefusingDriver[1];
        try (Harness h = new Harness(dir, MemoryWireConfig.DEFAULT, c -> c,
            d -> driver[0] = new RefusingDriver(d)))
        {
            final Object[] o = open(h, 65535, 65535, false);
            final TcpSocket socket = (TcpSocket)o[0];
            final int iss = (int)o[1];
            driver[0].refuse = true;
            socket.close();
            assertEquals(0, h.exchange().size(), "no TX buffer: the FIN is discarded locally");
            assertTrue(h.stack.counters().tcp().get(TcpCounter.OUT_DISCARDS).get() > 0);
            driver[0].refuse = false;
            assertEquals(0, h.exchange().size(), "nothing happens until a timer fires");
            h.clock.advance(3 * SECOND);
            final List<byte[]> out = h.exchange();
            assertEquals(1, out.size(), "the timer sends the FIN after all");
            assertEquals(TcpFlyweight.FIN | TcpFlyweight.ACK, out.get(0)[34 + 13] & 0xFF & ~TcpFlyweight.PSH);
            assertEquals(iss + 1, seqOf(out.get(0)));
        }
    }
}
