package io.tachyon.driver.afxdp;

import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP interop with Tachyon as the client: a Tachyon TCP socket on the AF_XDP driver connects to a Linux server
 * (socat in the namespace) and both send a large stream at the same time (64 MiB each way by default,
 * {@code -Dtachyon.afxdp.clientMiB=N}); the SHA-256 of what each side received equals that of what the other sent.
 * Slow and privileged: excluded by default, run in CI.
 */
@Tag("privileged")
@Tag("slow")
class TcpClientInteropTest extends SocatStreamTestBase
{
    private static final int PORT = 7200;

    /** The Tachyon client: connects (again while refused), writes its stream, half-closes, reads to the end. */
    private static final class Client
    {
        private final TachyonOnVeth tachyon;
        private final long total;
        private final SplittableRandom random = new SplittableRandom(7L);
        private final byte[] out = new byte[1 << 16];
        private final byte[] in = new byte[1 << 16];
        final MessageDigest sent;
        final MessageDigest received;
        private TcpSocket socket;
        private int outOffset;
        private int outLength;
        private long nextConnect;
        long written;
        long read;
        boolean endOfStream;
        int connects;

        Client(final TachyonOnVeth tachyon, final long total) throws NoSuchAlgorithmException
        {
            this.tachyon = tachyon;
            this.total = total;
            sent = MessageDigest.getInstance("SHA-256");
            received = MessageDigest.getInstance("SHA-256");
        }

        boolean step()
        {
            final long now = TachyonOnVeth.now();
            if (socket == null || socket.state() == TcpState.CLOSED && written == 0 && read == 0)
            {
                if (now - nextConnect >= 0)
                {
                    if (socket != null)
                    {
                        socket.close();
                    }
                    socket = tachyon.stack.tcp().open().connect(pair.ipB, PORT);
                    connects++;
                    nextConnect = now + 100_000_000L;
                }
                return false;
            }
            final TcpState state = socket.state();
            if (state == TcpState.SYN_SENT)
            {
                return false;
            }
            if (state == TcpState.CLOSED)
            {
                return true;    // ended early (the byte counts show it) or all done and TIME-WAIT passed
            }
            if (written < total && socket.isEstablished())
            {
                if (outLength == 0)
                {
                    final int n = (int) Math.min(out.length, total - written);
                    random.nextBytes(out);
                    sent.update(out, 0, n);
                    outOffset = 0;
                    outLength = n;
                }
                final int w = socket.write(out, outOffset, outLength);
                outOffset += w;
                outLength -= w;
                written += w;
                if (written == total)
                {
                    socket.shutdownOutput();
                }
            }
            if (!endOfStream)
            {
                final int n = socket.read(in, 0, in.length);
                if (n > 0)
                {
                    received.update(in, 0, n);
                    read += n;
                }
                else if (n < 0)
                {
                    endOfStream = true;
                }
            }
            return endOfStream && written == total;
        }
    }

    @Test
    void shouldTransferBothWaysAtOnceWithALinuxServerByteExact() throws IOException, NoSuchAlgorithmException
    {
        final long mib = Long.getLong("tachyon.afxdp.clientMiB", 64L);
        final Path fromLinux = directory.resolve("from-linux.bin");
        final Path toLinux = directory.resolve("to-linux.bin");
        writeRandom(fromLinux, mib);
        // socat's child sends the file (in the background: sh gives background jobs /dev/null as stdin, so the
        // reader must be the foreground cat) and writes what arrives to a file; its stdout (the connection)
        // closes, and so the FIN goes out, only when both are done
        final Sh.Started server = Sh.start(pair.inNamespace("socat", "-t", "60", "-T", "60", "TCP4-LISTEN:" + PORT
            + ",reuseaddr", "SYSTEM:cat " + fromLinux + " & cat > " + toLinux + "; wait"));
        try (TachyonOnVeth tachyon = new TachyonOnVeth(pair, directory))
        {
            final Client client = new Client(tachyon, mib << 20);
            final long start = TachyonOnVeth.now();
            final boolean transferred = tachyon.runUntil(client::step, 300);
            final long clientDone = TachyonOnVeth.now();
            final boolean done = transferred && tachyon.runUntil(() -> !server.alive(), 60);
            System.out.printf("TcpClientInteropTest: %d MiB each way in %.2f s, socat exited %.2f s later%n", mib,
                (clientDone - start) / 1e9, (TachyonOnVeth.now() - clientDone) / 1e9);
            final Sh.Result r = server.await(10);
            assertTrue(done, "transfer finished: wrote " + client.written + ", read " + client.read + " bytes after "
                + client.connects + " connection attempts; socat: " + r.output());
            assertEquals(0, r.exit(), r.output());
            assertEquals(mib << 20, client.read, "bytes Tachyon received");
            assertEquals(sha256(fromLinux), HexFormat.of().formatHex(client.received.digest()),
                "SHA-256 of what Tachyon received from Linux");
            assertEquals(mib << 20, Files.size(toLinux), "bytes Linux received");
            assertEquals(HexFormat.of().formatHex(client.sent.digest()), sha256(toLinux),
                "SHA-256 of what Linux received from Tachyon");
        }
        finally
        {
            Files.deleteIfExists(fromLinux);
            Files.deleteIfExists(toLinux);
        }
    }
}
