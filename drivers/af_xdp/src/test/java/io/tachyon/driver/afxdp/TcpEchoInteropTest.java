package io.tachyon.driver.afxdp;

import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP interop: a Tachyon TCP echo server on the AF_XDP driver receives a large stream from Linux's socat and sends
 * it back; the SHA-256 of what socat got back equals that of what it sent. 100 MiB by default
 * ({@code -Dtachyon.afxdp.echoMiB=N} changes it). Slow and privileged: excluded by default, run in CI.
 */
@Tag("privileged")
@Tag("slow")
class TcpEchoInteropTest extends SocatStreamTestBase
{
    private static final int PORT = 7100;

    /** Echoes every connection's bytes back; closes its side after the peer's FIN once all is written. */
    private static final class EchoServer
    {
        private final TcpListener listener;
        private final byte[] buffer = new byte[1 << 16];
        private TcpSocket socket;
        private int pendingOffset;
        private int pendingLength;
        long echoed;
        boolean finished;

        EchoServer(final TcpListener listener)
        {
            this.listener = listener;
        }

        boolean step()
        {
            if (socket == null)
            {
                socket = listener.accept();
                return false;
            }
            if (finished)
            {
                return true;
            }
            if (pendingLength > 0)
            {
                final int w = socket.write(buffer, pendingOffset, pendingLength);
                pendingOffset += w;
                pendingLength -= w;
                echoed += w;
                return false;
            }
            final int n = socket.read(buffer, 0, Math.min(buffer.length, Math.max(1, socket.writable())));
            if (n > 0)
            {
                pendingOffset = 0;
                pendingLength = n;
            }
            else if (n < 0)
            {
                socket.close();
                finished = true;
            }
            return false;
        }
    }

    @Test
    void shouldEchoALargeStreamFromSocatByteExact() throws IOException, NoSuchAlgorithmException
    {
        echo(Long.getLong("tachyon.afxdp.echoMiB", 100L));
    }

    /**
     * The Linux end drops about 2 % of the frames it receives (an XDP program of ours using bpf_get_prandom_u32),
     * so Tachyon's segments and ACKs get lost; the echoed stream is still intact, and Tachyon retransmitted.
     */
    @Test
    void shouldEchoByteExactWhileLinuxDropsFramesAtRandom()
        throws IOException, NoSuchAlgorithmException, InterruptedException
    {
        final NamespaceXdp drop = NamespaceXdp.attach(pair.namespace, pair.b, XdpProgram.dropFraction(20));
        try
        {
            final long retransmitted = echo(Long.getLong("tachyon.afxdp.lossyEchoMiB", 100L));
            assertTrue(retransmitted > 0, "Tachyon retransmitted segments the Linux side dropped");
            final String stats = Sh.check(pair.inNamespace("ethtool", "-S", pair.b));
            final java.util.regex.Matcher m = java.util.regex.Pattern.compile("xdp_drops: (\\d+)").matcher(stats);
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, "the XDP program dropped frames: " + stats);
        }
        finally
        {
            drop.close();
        }
    }

    /** Echoes {@code mib} MiB from socat through Tachyon; returns Tachyon's retransmitted segments. */
    private long echo(final long mib) throws IOException, NoSuchAlgorithmException
    {
        final long retransmitted;
        final Path in = directory.resolve("in.bin");
        final Path out = directory.resolve("out.bin");
        writeRandom(in, mib);
        try (TachyonOnVeth tachyon = new TachyonOnVeth(pair, directory))
        {
            final EchoServer server = new EchoServer(tachyon.stack.tcp().listen(PORT, 4));
            final Sh.Started client = Sh.start(pair.inNamespace("sh", "-c", "socat -t 60 -T 60 - TCP4:"
                + VethPair.dotted(pair.ipA) + ":" + PORT + " < " + in + " > " + out));
            final boolean done = tachyon.runUntil(() -> server.step() && !client.alive(), 300);
            final Sh.Result r = client.await(10);
            assertTrue(done, "echo finished: echoed " + server.echoed + " bytes; socat: " + r.output());
            assertEquals(0, r.exit(), r.output());
            assertEquals(mib << 20, server.echoed);
            tachyon.stack.syncCounters();
            retransmitted = tachyon.stack.counters().tcp().get(io.tachyon.tcp.TcpCounter.RETRANS_SEGS).get();
        }
        assertEquals(Files.size(in), Files.size(out), "bytes echoed back");
        assertEquals(sha256(in), sha256(out), "SHA-256 of the echoed stream");
        Files.delete(in);
        Files.delete(out);
        return retransmitted;
    }
}
