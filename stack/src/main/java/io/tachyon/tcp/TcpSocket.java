package io.tachyon.tcp;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

import io.tachyon.ipv4.Ipv4Address;

/**
 * A TCP connection as the application sees it, on the stack thread (like {@code UdpSocket}): non-blocking
 * {@link #connect}, {@link #write} into the send buffer, {@link #read} from the receive buffer, half-close with
 * {@link #shutdownOutput()}, graceful {@link #close()} and {@link #abort()} (RST). Every byte {@code write} accepted
 * is delivered, or {@link #error()} reports why not.
 */
public final class TcpSocket implements AutoCloseable
{
    private final Tcp tcp;
    private TcpConnection connection;
    private boolean nodelay;
    private boolean connectCalled;
    private boolean outputShut;
    private boolean userClosed;
    private TcpError finalError = TcpError.NONE;
    private long finalRetransmits;

    TcpSocket(final Tcp tcp)
    {
        this.tcp = tcp;
    }

    TcpSocket(final Tcp tcp, final TcpConnection connection)
    {
        this.tcp = tcp;
        this.connection = connection;
        this.connectCalled = true;
        this.nodelay = connection.nodelay;
    }

    /**
     * Starts an active open (RFC 9293 §3.10.1): sends the SYN and returns at once; poll {@link #state()} (or
     * {@link #isEstablished()}) for the outcome. The SYN is retried up to {@link TcpConfig#synRetries()} times, then
     * {@link #error()} is {@link TcpError#TIMED_OUT}.
     *
     * @param address the remote IPv4 address.
     * @param port    the remote port, 1 to 65535.
     * @return this.
     * @throws IllegalStateException    when connect was already called or the socket is closed.
     * @throws IllegalArgumentException for a bad port or an address with no route.
     */
    public TcpSocket connect(final int address, final int port)
    {
        if (userClosed)
        {
            throw new IllegalStateException("connect on a closed TCP socket");
        }
        if (connectCalled)
        {
            throw new IllegalStateException("connect called twice (the socket is " + state() + ")");
        }
        connection = tcp.connect(this, address, port, tcp.clock.nanoTime());
        connectCalled = true;
        return this;
    }

    /**
     * Disables (true) or enables Nagle's algorithm (TCP_NODELAY).
     *
     * @param value true to send small segments at once.
     * @return this.
     */
    public TcpSocket nodelay(final boolean value)
    {
        nodelay = value;
        if (connection != null)
        {
            connection.nodelay = value;
            if (value)
            {
                connection.output(tcp.clock.nanoTime());
            }
        }
        return this;
    }

    boolean nodelayOption()
    {
        return nodelay;
    }

    /**
     * The connection state.
     *
     * @return CLOSED before connect and after the end.
     */
    public TcpState state()
    {
        return connection == null ? TcpState.CLOSED : connection.state;
    }

    /**
     * Whether the connection is ESTABLISHED or CLOSE-WAIT (data may be written).
     *
     * @return true when open.
     */
    public boolean isEstablished()
    {
        final TcpState state = state();
        return state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT;
    }

    /**
     * Why the connection ended, if it ended abnormally.
     *
     * @return the error, {@link TcpError#NONE} if none.
     */
    public TcpError error()
    {
        return connection == null ? finalError : connection.error;
    }

    /**
     * The local port.
     *
     * @return the port, 0 before connect.
     */
    public int localPort()
    {
        return connection == null ? 0 : connection.localPort;
    }

    /**
     * The remote port.
     *
     * @return the port, 0 before connect.
     */
    public int remotePort()
    {
        return connection == null ? 0 : connection.remotePort;
    }

    /**
     * The remote address.
     *
     * @return the address, 0 before connect.
     */
    public int remoteAddress()
    {
        return connection == null ? 0 : connection.remoteAddress;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Writing
    // ------------------------------------------------------------------------------------------------------------

    private SendQueue writableQueue()
    {
        if (userClosed || outputShut)
        {
            throw new IllegalStateException("write after " + (userClosed ? "close" : "shutdownOutput"));
        }
        if (connection == null)
        {
            throw new IllegalStateException("write on an unconnected TCP socket");
        }
        final TcpState state = connection.state;
        if (state != TcpState.SYN_SENT && state != TcpState.SYN_RECEIVED && state != TcpState.ESTABLISHED
            && state != TcpState.CLOSE_WAIT)
        {
            throw new IllegalStateException("write on a TCP socket in " + state
                + (connection.error != TcpError.NONE ? " (" + connection.error + ")" : ""));
        }
        return connection.sendQueue;
    }

    /**
     * Copies data into the send buffer and sends what the windows allow.
     *
     * @param src    the data.
     * @param offset where it starts.
     * @param length bytes offered.
     * @return bytes accepted (0 when the buffer is full).
     * @throws IllegalStateException when the socket cannot send (not connected, closed, shut down, failed).
     */
    public int write(final MemorySegment src, final long offset, final int length)
    {
        Objects.requireNonNull(src, "src");
        final int accepted = writableQueue().write(src, offset, length);
        afterWrite(accepted);
        return accepted;
    }

    /**
     * Copies data into the send buffer and sends what the windows allow.
     *
     * @param src    the data.
     * @param offset where it starts.
     * @param length bytes offered.
     * @return bytes accepted.
     * @throws IllegalStateException when the socket cannot send.
     */
    public int write(final byte[] src, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, src.length);
        final int accepted = writableQueue().write(src, offset, length);
        afterWrite(accepted);
        return accepted;
    }

    /**
     * Copies the buffer's remaining bytes (as many as fit) into the send buffer; its position advances.
     *
     * @param src the data.
     * @return bytes accepted.
     * @throws IllegalStateException when the socket cannot send.
     */
    public int write(final ByteBuffer src)
    {
        Objects.requireNonNull(src, "src");
        final int accepted = writableQueue().write(src);
        afterWrite(accepted);
        return accepted;
    }

    private void afterWrite(final int accepted)
    {
        if (accepted > 0)
        {
            connection.output(tcp.clock.nanoTime());
        }
    }

    /**
     * Free space in the send buffer.
     *
     * @return bytes a write would accept now.
     */
    public int writable()
    {
        return connection == null || outputShut ? 0 : connection.sendQueue.writable();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading
    // ------------------------------------------------------------------------------------------------------------

    /**
     * In-order bytes waiting to be read.
     *
     * @return bytes.
     */
    public int readable()
    {
        return connection == null ? 0 : connection.receiveQueue.readable();
    }

    private ReceiveQueue readableQueue()
    {
        if (userClosed)
        {
            throw new IllegalStateException("read after close");
        }
        if (connection == null)
        {
            throw new IllegalStateException(connectCalled ? "read on a TCP socket whose connection ended ("
                + finalError + ")" : "read on an unconnected TCP socket");
        }
        return connection.receiveQueue;
    }

    /**
     * Copies received bytes out.
     *
     * @param dst    the destination.
     * @param offset where to write.
     * @param length most bytes wanted.
     * @return bytes read; 0 when none is waiting; -1 at end of stream (the peer's FIN, all data read).
     * @throws IllegalStateException after close or before connect.
     */
    public int read(final MemorySegment dst, final long offset, final int length)
    {
        Objects.requireNonNull(dst, "dst");
        final ReceiveQueue queue = readableQueue();
        final int n = queue.read(dst, offset, length);
        return afterRead(n);
    }

    /**
     * Copies received bytes out.
     *
     * @param dst    the destination.
     * @param offset where to write.
     * @param length most bytes wanted.
     * @return bytes read; 0 when none is waiting; -1 at end of stream.
     * @throws IllegalStateException after close or before connect.
     */
    public int read(final byte[] dst, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, dst.length);
        final ReceiveQueue queue = readableQueue();
        final int n = queue.read(dst, offset, length);
        return afterRead(n);
    }

    /**
     * Copies received bytes into the buffer's remaining space; its position advances.
     *
     * @param dst the destination.
     * @return bytes read; 0 when none is waiting; -1 at end of stream.
     * @throws IllegalStateException after close or before connect.
     */
    public int read(final ByteBuffer dst)
    {
        Objects.requireNonNull(dst, "dst");
        final ReceiveQueue queue = readableQueue();
        final int n = queue.read(dst);
        return afterRead(n);
    }

    private int afterRead(final int n)
    {
        final TcpConnection c = connection;
        if (n == 0)
        {
            return c.finReceived && c.receiveQueue.readable() == 0 ? -1 : 0;
        }
        // receiver window update (RFC 9293 §3.8.6.2.2): announce once the window grew by min(RCV.BUFF/2, MSS)
        if (c.state.synchronizedState() && !c.finReceived)
        {
            final ReceiveQueue q = c.receiveQueue;
            final int advertised = Math.max(0, Seq.diff(q.advertisedRightEdge(), q.rcvNxt()));
            if (q.receiveWindow() - advertised >= Math.min(q.capacity() / 2, c.mss))
            {
                c.sendAck(tcp.clock.nanoTime());
            }
        }
        return n;
    }

    /**
     * Whether the peer closed its side (its FIN arrived) and every byte before it was read.
     *
     * @return true at end of stream.
     */
    public boolean isEndOfStream()
    {
        return connection != null && connection.finReceived && connection.receiveQueue.readable() == 0;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Closing
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Half-close: a FIN follows the data written so far; reading goes on. Calling it again does nothing.
     *
     * @throws IllegalStateException before connect or after close.
     */
    public void shutdownOutput()
    {
        if (userClosed)
        {
            throw new IllegalStateException("shutdownOutput after close");
        }
        if (!connectCalled)
        {
            throw new IllegalStateException("shutdownOutput on an unconnected TCP socket");
        }
        if (!outputShut && connection != null)
        {
            outputShut = true;
            connection.closeOutput(tcp.clock.nanoTime());
        }
    }

    /**
     * Graceful close (RFC 9293 §3.10.4): a FIN follows the data written; the connection finishes in the
     * background (FIN-WAIT, TIME-WAIT) and then returns to the pool. Calling it again does nothing.
     */
    @Override
    public void close()
    {
        if (userClosed)
        {
            return;
        }
        userClosed = true;
        final TcpConnection c = connection;
        if (c == null)
        {
            return;
        }
        if (!outputShut)
        {
            outputShut = true;
            c.closeOutput(tcp.clock.nanoTime());
        }
        if (c.state == TcpState.CLOSED && connection == c)
        {
            detach();
            c.socket = null;
            c.release();
        }
    }

    /**
     * ABORT (RFC 9293 §3.10.5): sends a RST and ends the connection at once; unsent and unread data is lost.
     */
    public void abort()
    {
        final TcpConnection c = connection;
        userClosed = true;
        outputShut = true;
        if (c != null)
        {
            c.abort(tcp.clock.nanoTime());
            if (connection == c)
            {
                detach();
                c.socket = null;
                c.release();
            }
        }
    }

    boolean userClosed()
    {
        return userClosed;
    }

    void detach()
    {
        if (connection != null)
        {
            finalError = connection.error;
            finalRetransmits = connection.retransmits;
            connection = null;
        }
    }

    void onClosed()
    {
        // the state is read through the connection until it is released
    }

    void onReadable()
    {
        // a data callback comes with issue 4
    }

    void onWritable()
    {
        // a writable callback comes with issue 4
    }

    void onConnected()
    {
        // a connect callback comes with issue 4
    }

    // ------------------------------------------------------------------------------------------------------------
    // Info (like TCP_INFO)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The smoothed round-trip time.
     *
     * @return nanoseconds, 0 without a sample.
     */
    public long srttNs()
    {
        return connection == null ? 0 : connection.rtt.srttNs();
    }

    /**
     * The current retransmission timeout, backoff included.
     *
     * @return nanoseconds.
     */
    public long rtoNs()
    {
        return connection == null ? 0 : connection.rtt.rtoNs();
    }

    /**
     * The congestion window.
     *
     * @return bytes, 0 before the handshake completed.
     */
    public long cwnd()
    {
        return connection == null || connection.cc == null ? 0 : connection.cc.cwnd();
    }

    /**
     * The slow start threshold.
     *
     * @return bytes, 0 before the handshake completed.
     */
    public long ssthresh()
    {
        return connection == null || connection.cc == null ? 0 : connection.cc.ssthresh();
    }

    /**
     * Segments this connection retransmitted.
     *
     * @return the count.
     */
    public long retransmits()
    {
        return connection == null ? finalRetransmits : connection.retransmits;
    }

    /**
     * Bytes sent and not yet acknowledged (SND.MAX - SND.UNA).
     *
     * @return bytes.
     */
    public long bytesInFlight()
    {
        return connection == null ? 0 : Seq.diff(connection.sndMax, connection.sndUna);
    }

    /**
     * The effective send MSS.
     *
     * @return bytes.
     */
    public int mss()
    {
        return connection == null ? 0 : connection.mss;
    }

    /**
     * The window scale shifts and negotiated options, for diagnostics.
     *
     * @return e.g. "ws=3/7 sack ts".
     */
    public String options()
    {
        final TcpConnection c = connection;
        if (c == null)
        {
            return "";
        }
        return (c.wsOk ? "ws=" + c.sndShift + "/" + c.rcvShift : "nows") + (c.sackOk ? " sack" : "")
            + (c.tsOk ? " ts" : "");
    }

    @Override
    public String toString()
    {
        return "TcpSocket[" + state() + " " + localPort() + " -> " + Ipv4Address.toString(remoteAddress()) + ":"
            + remotePort() + "]";
    }
}
