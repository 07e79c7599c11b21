package io.tachyon.tools.http;

import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP server between two Tachyon stacks over the in-memory wire (virtual clock): a Tachyon TCP client sends
 * raw HTTP/1.1 requests and checks the responses byte for byte.
 */
class HttpServerTest
{
    private static final int CLIENT_IP = 0x0a_00_00_01;
    private static final int SERVER_IP = 0x0a_00_00_02;

    @TempDir
    Path dir;

    private VirtualClock clock;
    private MemoryWire wire;
    private Stack client;
    private Stack server;
    private HttpServer http;
    private TcpSocket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    @BeforeEach
    void setUp()
    {
        clock = new VirtualClock();
        wire = new MemoryWire(MemoryWireConfig.DEFAULT.withName("http"), clock);
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
        client = new Stack(StackConfig.builder().name("http-client").countersDirectory(dir).mac(0x02_00_00_00_00_01L)
            .address(CLIENT_IP, 24).build(), wire.endpointA(), 0, clock);
        server = new Stack(StackConfig.builder().name("http-server").countersDirectory(dir).mac(0x02_00_00_00_00_02L)
            .address(SERVER_IP, 24).build(), wire.endpointB(), 0, clock);
        client.onStart();
        server.onStart();
        http = new HttpServer(server.tcp().listen(80, 8), 4, 1L << 20).page("/hello", "text/plain", () -> "hello\n");
        socket = client.tcp().open().connect(SERVER_IP, 80);
        assertTrue(runUntil(() -> socket.isEstablished()), "connected");
    }

    @AfterEach
    void tearDown()
    {
        http.close();
        client.close();
        server.close();
        wire.close();
    }

    private boolean runUntil(final BooleanSupplier done)
    {
        final byte[] buffer = new byte[65_536];
        for (int i = 0; i < 2_000_000; i++)
        {
            if (done.getAsBoolean())
            {
                return true;
            }
            client.doWork();
            server.doWork();
            http.poll();
            if (socket != null && socket.state() != io.tachyon.tcp.TcpState.CLOSED && !socket.isEndOfStream())
            {
                final int n = socket.read(buffer, 0, buffer.length);
                if (n > 0)
                {
                    received.write(buffer, 0, n);
                }
            }
            clock.advance(1_000L);
        }
        return false;
    }

    private void send(final String request)
    {
        final byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(bytes.length, socket.write(bytes, 0, bytes.length));
    }

    /** A parsed response: status line, head, body. */
    private record Response(String statusLine, String head, byte[] body)
    {
    }

    /** Waits for and removes one complete response from what was received. */
    private Response response(final boolean headOnly)
    {
        final Response[] r = {null};
        assertTrue(runUntil(() -> (r[0] = parse(headOnly)) != null), "a response arrived: "
            + received.toString(StandardCharsets.ISO_8859_1));
        return r[0];
    }

    private Response parse(final boolean headOnly)
    {
        final byte[] all = received.toByteArray();
        final String text = new String(all, StandardCharsets.ISO_8859_1);
        final int end = text.indexOf("\r\n\r\n");
        if (end < 0)
        {
            return null;
        }
        final String head = text.substring(0, end);
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("Content-Length: (\\d+)").matcher(head);
        assertTrue(m.find(), head);
        final int length = headOnly ? 0 : Integer.parseInt(m.group(1));
        if (all.length < end + 4 + length)
        {
            return null;
        }
        received.reset();
        received.write(all, end + 4 + length, all.length - end - 4 - length);
        return new Response(head.substring(0, head.indexOf("\r\n")), head, Arrays.copyOfRange(all, end + 4, end + 4
            + length));
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderOnOneKeptAliveConnection()
    {
        send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /bytes/100000 HTTP/1.1\r\nHost: x\r\n\r\n");
        final Response hello = response(false);
        assertEquals("HTTP/1.1 200 OK", hello.statusLine());
        assertTrue(hello.head().contains("Connection: keep-alive"), hello.head());
        assertEquals("hello\n", new String(hello.body(), StandardCharsets.UTF_8));
        final Response bytes = response(false);
        assertEquals("HTTP/1.1 200 OK", bytes.statusLine());
        assertTrue(bytes.head().contains("Content-Type: application/octet-stream"), bytes.head());
        final byte[] expected = new byte[100_000];
        GeneratedContent.fill(0, expected, 0, expected.length);
        assertArrayEquals(expected, bytes.body());
        assertEquals(1, http.accepted());
        assertEquals(2, http.requests());
        assertEquals(1, http.openConnections(), "still open");
        assertEquals(100_006, http.bodyBytes());
    }

    @Test
    void shouldAnswer404KeepingTheConnectionAnd405ClosingIt()
    {
        send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
        final Response missing = response(false);
        assertEquals("HTTP/1.1 404 Not Found", missing.statusLine());
        assertEquals(1, http.notFound());
        send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        final Response post = response(false);
        assertEquals("HTTP/1.1 405 Method Not Allowed", post.statusLine());
        assertTrue(post.head().contains("Allow: GET, HEAD") && post.head().contains("Connection: close"), post.head());
        assertTrue(runUntil(() -> socket.isEndOfStream()), "the server closed the connection");
        assertTrue(runUntil(() -> http.openConnections() == 0));
    }

    @Test
    void shouldCloseAfterTheResponseWhenTheRequestSaysConnectionClose()
    {
        send("GET /bytes/2k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        final Response r = response(false);
        assertEquals(2048, r.body().length);
        assertTrue(r.head().contains("Connection: close"), r.head());
        assertTrue(runUntil(() -> socket.isEndOfStream()), "the server closed the connection");
    }

    @Test
    void shouldSendOnlyTheHeadForHeadAndRefuseDownloadsOverTheLimit()
    {
        send("HEAD /bytes/1M HTTP/1.1\r\nHost: x\r\n\r\n");
        final Response head = response(true);
        assertTrue(head.head().contains("Content-Length: 1048576"), head.head());
        send("GET /bytes/2M HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 404 Not Found", response(false).statusLine());
        assertEquals(0, received.size(), "no body bytes after the HEAD response");
    }

    @Test
    void shouldAnswer400ToAMalformedRequestLine()
    {
        send("HELLO\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", response(false).statusLine());
        assertTrue(runUntil(() -> socket.isEndOfStream()));
    }

    @Test
    void shouldParseSizesWithSuffixesAndRejectGarbage()
    {
        assertEquals(10, HttpServer.parseSize("10"));
        assertEquals(3L << 10, HttpServer.parseSize("3k"));
        assertEquals(10L << 20, HttpServer.parseSize("10M"));
        assertEquals(2L << 30, HttpServer.parseSize("2G"));
        assertEquals(-1, HttpServer.parseSize(""));
        assertEquals(-1, HttpServer.parseSize("M"));
        assertEquals(-1, HttpServer.parseSize("1x"));
        assertEquals(-1, HttpServer.parseSize("-5"));
        assertEquals(-1, HttpServer.parseSize("9999999999999"));
    }

    @Test
    void shouldGenerateTheSameBytesWhateverTheChunking()
    {
        final byte[] whole = new byte[200_000];
        GeneratedContent.fill(0, whole, 0, whole.length);
        final byte[] pieces = new byte[200_000];
        for (int at = 0; at < pieces.length; at += 7_777)
        {
            GeneratedContent.fill(at, pieces, at, Math.min(7_777, pieces.length - at));
        }
        assertArrayEquals(whole, pieces);
        assertEquals(whole[5], whole[5 + GeneratedContent.PERIOD]);
        assertTrue(whole[0] != whole[1] || whole[1] != whole[2], "not constant");
        assertThrows(IllegalArgumentException.class, () -> GeneratedContent.fill(-1, whole, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new HttpServer(server.tcp().listen(81, 1), 0, 1));
    }
}
