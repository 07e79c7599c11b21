package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.driver.memory.FaultProfile;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.tcp.TcpConfig;
import io.tachyon.tcp.TcpError;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;

class StackTcpTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    private static TcpSocket[] connect(final StackPair pair, final int port)
    {
        final TcpListener listener = pair.b.tcp().listen(port, 4);
        final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, port);
        final TcpSocket[] server = new TcpSocket[1];
        assertTrue(pair.runUntil(() ->
        {
            if (server[0] == null)
            {
                server[0] = listener.accept();
            }
            return server[0] != null && client.isEstablished();
        }, 10 * SECOND));
        return new TcpSocket[] {client, server[0]};
    }

    @Test
    void shouldHandshakeWithNegotiatedOptions()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpSocket[] s = connect(pair, 80);
            assertEquals(TcpState.ESTABLISHED, s[0].state());
            assertEquals(TcpState.ESTABLISHED, s[1].state());
            assertEquals(1500 - 40 - 12, s[0].mss());
            assertEquals("ws=3/3 sack ts", s[0].options());
            assertEquals("ws=3/3 sack ts", s[1].options());
        }
    }

    @Test
    void shouldHandshakeWithoutOptionsWhenOneSideDisablesThem()
    {
        try (StackPair pair = new StackPair(dir, MemoryWireConfig.DEFAULT,
            c -> c.tcp(TcpConfig.DEFAULT.withOptions(false, false, false)), c -> c))
        {
            final TcpSocket[] s = connect(pair, 80);
            assertEquals("nows", s[0].options());
            assertEquals("nows", s[1].options());
            assertEquals(1460, s[1].mss());
        }
    }

    @Test
    void shouldResetOnClosedPort()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpSocket client = pair.a.tcp().open().connect(Frames.IP_B, 81);
            assertTrue(pair.runUntil(() -> client.state() == TcpState.CLOSED, SECOND));
            assertEquals(TcpError.REFUSED, client.error());
            assertThrows(IllegalStateException.class, () -> client.write(new byte[1], 0, 1));
            assertThrows(IllegalStateException.class, () -> client.connect(Frames.IP_B, 81));
        }
    }

    @Test
    void shouldTransferBulkBothWaysAndCloseThroughTimeWait()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpSocket[] s = connect(pair, 80);
            transfer(pair, s[0], s[1], 3 << 20, 1, new SplittableRandom(7));
            assertEquals(TcpState.CLOSED, s[0].state());
            assertEquals(0, pair.a.tcp().connectionCount());
        }
    }

    @Test
    void shouldReachTimeWaitOnActiveCloseAndClosedAfterTwoMsl()
    {
        try (StackPair pair = new StackPair(dir))
        {
            final TcpSocket[] s = connect(pair, 80);
            assertEquals(5, s[0].write(new byte[] {1, 2, 3, 4, 5}, 0, 5));
            s[0].close();
            assertThrows(IllegalStateException.class, () -> s[0].write(new byte[1], 0, 1));
            final byte[] got = new byte[10];
            assertTrue(pair.runUntil(() -> s[1].readable() == 5 && s[1].state() == TcpState.CLOSE_WAIT
                && s[0].state() == TcpState.FIN_WAIT_2, SECOND));
            assertEquals(5, s[1].read(got, 0, 10));
            assertEquals(-1, s[1].read(got, 0, 10));
            s[1].close();
            assertTrue(pair.runUntil(() -> s[1].state() == TcpState.CLOSED, SECOND));
            assertEquals(TcpState.TIME_WAIT, s[0].state());
            pair.run(59 * SECOND);
            assertEquals(TcpState.TIME_WAIT, s[0].state());
            pair.run(2 * SECOND);
            assertEquals(TcpState.CLOSED, s[0].state());
            assertEquals(0, pair.a.tcp().connectionCount());
        }
    }

    @Test
    void shouldRetransmitAfterLossAndSurviveReordering()
    {
        final FaultProfile faults = FaultProfile.NONE.withLoss(0.05).withDuplication(0.05)
            .withReordering(0.05, 2_000_000L);
        final SplittableRandom random = new SplittableRandom(20261122);
        for (int round = 0; round < 6; round++)
        {
            final MemoryWireConfig wire = MemoryWireConfig.DEFAULT.withSeed(100 + round).withFaults(faults);
            try (StackPair pair = new StackPair(dir, wire, c -> c.name("a" + 0), c -> c.name("b" + 0)))
            {
                final TcpSocket[] s = connect(pair, 80);
                transfer(pair, s[0], s[1], 1 + random.nextInt(300_000), 1 + random.nextInt(9000), random);
                assertTrue(s[0].state() == TcpState.TIME_WAIT || s[0].state() == TcpState.CLOSED);
            }
        }
    }

    /** Both sides write n random bytes, half-close, read to end of stream, then close. */
    private static void transfer(final StackPair pair, final TcpSocket a, final TcpSocket b, final int n,
        final int chunk, final SplittableRandom random)
    {
        final byte[] dataA = new byte[n];
        final byte[] dataB = new byte[n];
        random.nextBytes(dataA);
        random.nextBytes(dataB);
        final ByteArrayOutputStream gotA = new ByteArrayOutputStream();
        final ByteArrayOutputStream gotB = new ByteArrayOutputStream();
        final int[] sent = new int[2];
        final boolean[] eof = new boolean[2];
        final byte[] buffer = new byte[16384];
        final TcpSocket[] sockets = {a, b};
        final byte[][] data = {dataA, dataB};
        final ByteArrayOutputStream[] got = {gotB, gotA};
        assertTrue(pair.runUntil(() ->
        {
            for (int i = 0; i < 2; i++)
            {
                final TcpSocket s = sockets[i];
                if (sent[i] < n)
                {
                    final int len = Math.min(n - sent[i], chunk == 1 ? 65536 : 1 + random.nextInt(chunk));
                    sent[i] += s.write(data[i], sent[i], len);
                    if (sent[i] == n)
                    {
                        s.shutdownOutput();
                    }
                }
                if (!eof[i])
                {
                    final int r = s.read(buffer, 0, chunk == 1 ? buffer.length : 1 + random.nextInt(buffer.length));
                    if (r < 0)
                    {
                        eof[i] = true;
                    }
                    else
                    {
                        got[1 - i].write(buffer, 0, r);
                    }
                }
            }
            return eof[0] && eof[1] && sent[0] == n && sent[1] == n;
        }, 600 * SECOND), "transfer incomplete: sent " + sent[0] + "/" + sent[1] + " got " + gotB.size() + "/"
            + gotA.size() + " states " + a.state() + "/" + b.state());
        assertArrayEquals(dataA, gotB.toByteArray());
        assertArrayEquals(dataB, gotA.toByteArray());
        a.close();
        assertTrue(pair.runUntil(() -> a.state() == TcpState.TIME_WAIT || a.state() == TcpState.CLOSED,
            60 * SECOND));
        b.close();
        // both ends half-closed when done writing, so b may be in TIME-WAIT too (it sent its FIN before it received
        // a's): CLOSED comes at the latest one TIME-WAIT (60 s) after its last FIN exchange
        assertTrue(pair.runUntil(() -> b.state() == TcpState.CLOSED, 120 * SECOND), "b " + b.state());
        assertNotNull(a.state());
    }
}
