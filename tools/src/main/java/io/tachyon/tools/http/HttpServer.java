package io.tachyon.tools.http;

import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A small HTTP/1.1 server on the Tachyon TCP API, driven by {@link #poll()} on the stack thread (between
 * {@code stack.doWork()} calls), never blocking. It answers {@code GET} and {@code HEAD} for:
 * <ul>
 *   <li>pages registered with {@link #page} (their text is produced per request);</li>
 *   <li>{@code /bytes/N}: a generated download of N bytes ({@code application/octet-stream}, the bytes of
 *       {@link GeneratedContent}), streamed as the send buffer allows, so any size up to {@link #maxDownload}
 *       costs no memory;</li>
 * </ul>
 * and 404 for anything else, 405 for other methods, 400 for a malformed request, 431 for a request head over
 * 8 KiB, 501 for a chunked request body. Every response has {@code Content-Length}. Connections are persistent
 * (HTTP/1.1 keep-alive, pipelined requests answered in order) unless the request says {@code Connection: close},
 * is HTTP/1.0 without {@code Connection: keep-alive}, or was an error; then the server closes after the response.
 * A request body announced by {@code Content-Length} is read and ignored.
 * <p>
 * Not a production server: no timeouts for idle clients (beyond TCP's own), no TLS, no chunked encoding. It
 * allocates per request (strings for the head), which is fine for a demo and downloads.
 */
public final class HttpServer implements AutoCloseable
{
    /** The prefix of generated downloads: {@code /bytes/N}. */
    public static final String BYTES_PREFIX = "/bytes/";
    /** The largest request head (request line and headers) accepted. */
    public static final int MAX_HEAD = 8192;

    private static final int CHUNK = 1 << 16;

    private final TcpListener listener;
    private final int maxConnections;
    private final long maxDownload;
    private final List<Connection> connections = new ArrayList<>();
    private final Map<String, Page> pages = new LinkedHashMap<>();
    private final byte[] chunk = new byte[CHUNK];
    private long accepted;
    private long refused;
    private long requests;
    private long notFound;
    private long bodyBytes;

    private record Page(String contentType, Supplier<String> body)
    {
    }

    /** One client connection and where its current response is. */
    private static final class Connection
    {
        final TcpSocket socket;
        final byte[] in = new byte[MAX_HEAD];
        int inLength;
        long skip;
        byte[] head;
        int headSent;
        byte[] body;
        long generated;
        long bodyLength;
        long bodySent;
        boolean responding;
        boolean closeAfter;

        Connection(final TcpSocket socket)
        {
            this.socket = socket;
        }
    }

    /**
     * Creates a server on a listener (the server takes it over and closes it in {@link #close()}).
     *
     * @param listener       a listening TCP socket.
     * @param maxConnections connections served at once, 1 or more; more are reset.
     * @param maxDownload    the largest N of {@code /bytes/N}, 0 or more.
     * @throws IllegalArgumentException for bad limits.
     */
    public HttpServer(final TcpListener listener, final int maxConnections, final long maxDownload)
    {
        this.listener = Objects.requireNonNull(listener, "listener");
        if (maxConnections < 1)
        {
            throw new IllegalArgumentException("maxConnections must be >= 1, was " + maxConnections);
        }
        if (maxDownload < 0)
        {
            throw new IllegalArgumentException("maxDownload must be >= 0, was " + maxDownload);
        }
        this.maxConnections = maxConnections;
        this.maxDownload = maxDownload;
    }

    /**
     * Registers a page.
     *
     * @param path        the exact path, starting with '/'.
     * @param contentType its Content-Type, e.g. {@code text/plain; charset=utf-8}.
     * @param body        produces the body (UTF-8) for each request.
     * @return this.
     * @throws IllegalArgumentException when the path does not start with '/'.
     */
    public HttpServer page(final String path, final String contentType, final Supplier<String> body)
    {
        if (!path.startsWith("/"))
        {
            throw new IllegalArgumentException("a page path must start with '/', was '" + path + "'");
        }
        pages.put(path, new Page(Objects.requireNonNull(contentType, "contentType"), Objects.requireNonNull(body,
            "body")));
        return this;
    }

    /**
     * The largest generated download.
     *
     * @return bytes.
     */
    public long maxDownload()
    {
        return maxDownload;
    }

    /**
     * Connections accepted so far.
     *
     * @return the count.
     */
    public long accepted()
    {
        return accepted;
    }

    /**
     * Connections reset because {@code maxConnections} were open.
     *
     * @return the count.
     */
    public long refused()
    {
        return refused;
    }

    /**
     * Requests answered (any status).
     *
     * @return the count.
     */
    public long requests()
    {
        return requests;
    }

    /**
     * Requests answered with 404.
     *
     * @return the count.
     */
    public long notFound()
    {
        return notFound;
    }

    /**
     * Response body bytes accepted by TCP so far.
     *
     * @return bytes.
     */
    public long bodyBytes()
    {
        return bodyBytes;
    }

    /**
     * Connections open now.
     *
     * @return the count.
     */
    public int openConnections()
    {
        return connections.size();
    }

    /**
     * Does all the work that can be done now: accepts, reads requests, writes responses. Call it on the stack
     * thread after each {@code stack.doWork()}.
     *
     * @return whether anything happened (a connection accepted, bytes read or written).
     */
    public boolean poll()
    {
        boolean worked = false;
        for (TcpSocket s = listener.accept(); s != null; s = listener.accept())
        {
            worked = true;
            if (connections.size() >= maxConnections)
            {
                refused++;
                s.abort();
            }
            else
            {
                accepted++;
                connections.add(new Connection(s.nodelay(true)));
            }
        }
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            final Connection c = connections.get(i);
            final int result = serve(c);
            if (result < 0)
            {
                connections.remove(i);
            }
            worked |= result != 0;
        }
        return worked;
    }

    /** Serves one connection as far as possible: 1 if work was done, 0 if none, -1 when it is finished. */
    private int serve(final Connection c)
    {
        boolean worked = false;
        while (true)
        {
            if (c.socket.state() == TcpState.CLOSED)
            {
                c.socket.close();
                return -1;
            }
            if (c.responding)
            {
                final int progress = writeResponse(c);
                if (progress < 0)
                {
                    return -1;
                }
                if (progress == 0)
                {
                    return worked ? 1 : 0;
                }
                worked = true;
                continue;
            }
            if (c.skip > 0 && c.inLength > 0)
            {
                final int n = (int) Math.min(c.skip, c.inLength);
                consume(c, n);
                c.skip -= n;
                worked = true;
                continue;
            }
            if (c.skip == 0 && parseRequest(c))
            {
                worked = true;
                continue;
            }
            if (c.inLength == c.in.length)
            {
                respond(c, 431, "Request Header Fields Too Large", "text/plain; charset=utf-8",
                    text("request head over " + MAX_HEAD + " bytes\n"), true, false);
                continue;
            }
            final int n = c.socket.read(c.in, c.inLength, c.in.length - c.inLength);
            if (n > 0)
            {
                c.inLength += n;
                worked = true;
            }
            else if (n < 0)
            {
                c.socket.close();
                return -1;
            }
            else
            {
                return worked ? 1 : 0;
            }
        }
    }

    /** Writes what fits of the current response: bytes written, or -1 when the connection was closed after it. */
    private int writeResponse(final Connection c)
    {
        int written = 0;
        if (c.headSent < c.head.length)
        {
            final int w = c.socket.write(c.head, c.headSent, c.head.length - c.headSent);
            c.headSent += w;
            written += w;
            if (c.headSent < c.head.length)
            {
                return written;
            }
        }
        while (c.bodySent < c.bodyLength)
        {
            final int room = c.socket.writable();
            if (room == 0)
            {
                return written;
            }
            final int n = (int) Math.min(Math.min(room, CHUNK), c.bodyLength - c.bodySent);
            final int w;
            if (c.body != null)
            {
                w = c.socket.write(c.body, (int) c.bodySent, n);
            }
            else
            {
                GeneratedContent.fill(c.bodySent, chunk, 0, n);
                w = c.socket.write(chunk, 0, n);
            }
            if (w == 0)
            {
                return written;
            }
            c.bodySent += w;
            bodyBytes += w;
            written += w;
        }
        c.responding = false;
        c.head = null;
        c.body = null;
        if (c.closeAfter)
        {
            c.socket.close();
            return -1;
        }
        return Math.max(written, 1);
    }

    /** Parses one complete request head from the buffer and sets up its response; false when incomplete. */
    private boolean parseRequest(final Connection c)
    {
        final int end = headEnd(c.in, c.inLength);
        if (end < 0)
        {
            return false;
        }
        final String head = new String(c.in, 0, end, StandardCharsets.ISO_8859_1);
        consume(c, end + 4);
        final String[] lines = head.split("\r\n", -1);
        final String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || requestLine[1].isEmpty())
        {
            respond(c, 400, "Bad Request", "text/plain; charset=utf-8", text("malformed request line\n"), true, false);
            return true;
        }
        final String method = requestLine[0];
        final String target = requestLine[1];
        boolean close = requestLine[2].equals("HTTP/1.0");
        long contentLength = 0;
        for (int i = 1; i < lines.length; i++)
        {
            final int colon = lines[i].indexOf(':');
            if (colon <= 0)
            {
                respond(c, 400, "Bad Request", "text/plain; charset=utf-8", text("malformed header line\n"), true,
                    false);
                return true;
            }
            final String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            final String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name)
            {
                case "connection" ->
                {
                    if (value.contains("close"))
                    {
                        close = true;
                    }
                    else if (value.contains("keep-alive"))
                    {
                        close = false;
                    }
                }
                case "content-length" ->
                {
                    try
                    {
                        contentLength = Long.parseLong(value);
                    }
                    catch (final NumberFormatException e)
                    {
                        contentLength = -1;
                    }
                    if (contentLength < 0)
                    {
                        respond(c, 400, "Bad Request", "text/plain; charset=utf-8", text("bad Content-Length\n"),
                            true, false);
                        return true;
                    }
                }
                case "transfer-encoding" ->
                {
                    respond(c, 501, "Not Implemented", "text/plain; charset=utf-8",
                        text("chunked request bodies are not supported\n"), true, false);
                    return true;
                }
                default ->
                {
                    // other headers do not matter here
                }
            }
        }
        c.skip = contentLength;
        final boolean headOnly = method.equals("HEAD");
        if (!method.equals("GET") && !headOnly)
        {
            respond(c, 405, "Method Not Allowed\r\nAllow: GET, HEAD", "text/plain; charset=utf-8",
                text("only GET and HEAD\n"), true, false);
            return true;
        }
        final String path = target.indexOf('?') >= 0 ? target.substring(0, target.indexOf('?')) : target;
        final Page page = pages.get(path);
        if (page != null)
        {
            respond(c, 200, "OK", page.contentType(), text(page.body().get()), close, headOnly);
            return true;
        }
        if (path.startsWith(BYTES_PREFIX))
        {
            final long n = parseSize(path.substring(BYTES_PREFIX.length()));
            if (n >= 0 && n <= maxDownload)
            {
                respondGenerated(c, n, close, headOnly);
                return true;
            }
            if (n > maxDownload)
            {
                respond(c, 404, "Not Found", "text/plain; charset=utf-8", text("at most " + maxDownload
                    + " bytes\n"), close, headOnly);
                notFound++;
                return true;
            }
        }
        notFound++;
        respond(c, 404, "Not Found", "text/plain; charset=utf-8", text("no such page: " + path + "\n"), close,
            headOnly);
        return true;
    }

    /** Parses N of /bytes/N: digits with an optional k, M or G suffix (powers of 1024); -1 when malformed. */
    static long parseSize(final String text)
    {
        if (text.isEmpty())
        {
            return -1;
        }
        long unit = 1;
        String digits = text;
        final char last = text.charAt(text.length() - 1);
        if (last == 'k' || last == 'K' || last == 'M' || last == 'G')
        {
            unit = last == 'G' ? 1L << 30 : last == 'M' ? 1L << 20 : 1L << 10;
            digits = text.substring(0, text.length() - 1);
        }
        if (digits.isEmpty() || digits.length() > 12)
        {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++)
        {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9')
            {
                return -1;
            }
        }
        return Long.parseLong(digits) * unit;
    }

    private static int headEnd(final byte[] in, final int length)
    {
        for (int i = 0; i + 3 < length; i++)
        {
            if (in[i] == '\r' && in[i + 1] == '\n' && in[i + 2] == '\r' && in[i + 3] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    private static void consume(final Connection c, final int n)
    {
        System.arraycopy(c.in, n, c.in, 0, c.inLength - n);
        c.inLength -= n;
    }

    private static byte[] text(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void respond(final Connection c, final int status, final String reason, final String type,
        final byte[] body, final boolean close, final boolean headOnly)
    {
        requests++;
        c.head = head(status, reason, type, body.length, close);
        c.headSent = 0;
        c.body = body;
        c.bodyLength = headOnly ? 0 : body.length;
        c.bodySent = 0;
        c.closeAfter = close || status >= 400 && status != 404;
        if (c.closeAfter && status >= 400 && status != 404)
        {
            c.inLength = 0;
            c.skip = 0;
        }
        c.responding = true;
    }

    private void respondGenerated(final Connection c, final long length, final boolean close, final boolean headOnly)
    {
        requests++;
        c.head = head(200, "OK", "application/octet-stream", length, close);
        c.headSent = 0;
        c.body = null;
        c.bodyLength = headOnly ? 0 : length;
        c.bodySent = 0;
        c.closeAfter = close;
        c.responding = true;
    }

    private static byte[] head(final int status, final String reason, final String type, final long length,
        final boolean close)
    {
        return ("HTTP/1.1 " + status + " " + reason + "\r\nServer: Tachyon\r\nContent-Type: " + type
            + "\r\nContent-Length: " + length + "\r\nConnection: " + (close || status >= 400 && status != 404
            ? "close" : "keep-alive") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Closes every connection (gracefully) and the listener. */
    @Override
    public void close()
    {
        for (final Connection c : connections)
        {
            c.socket.close();
        }
        connections.clear();
        if (!listener.isClosed())
        {
            listener.close();
        }
    }
}
