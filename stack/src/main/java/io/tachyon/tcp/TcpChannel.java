package io.tachyon.tcp;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.time.Backoff;
import io.tachyon.time.Clock;

/**
 * A TCP connection for application threads: a blocking, copying stream API ({@code byte[]}, {@link ByteBuffer},
 * Netty {@link ByteBuf}) usable while the stack runs on its own thread, like {@code java.net.Socket}. Open one with
 * {@code Stack.openTcpChannel(address, port, config)} or accept one from a {@link TcpServerChannel}.
 *
 * <h2>How it works</h2>
 * The channel owns a {@link TcpSocket} on the stack thread and two bounded lock-free single-producer single-consumer
 * byte rings (off-heap, allocated at open):
 * <ul>
 *   <li>the <b>send ring</b>: {@code write} copies into it and returns once every byte is in; in each duty cycle the
 *       stack moves what the socket's send buffer accepts from the ring into the socket;</li>
 *   <li>the <b>receive ring</b>: the channel is the socket's {@link TcpHandler}, so in-order data is copied straight
 *       from the received frame into the ring; when the ring is full the rest stays in the socket's receive buffer,
 *       whose window closes (flow control reaches the peer), and the stack moves it on as the application reads.</li>
 * </ul>
 * State changes (connected, end of stream, errors, linger) are published through volatile fields; shutdown and close
 * are volatile flags the stack sees in its next duty cycle. Nothing locks; neither side allocates in steady state.
 *
 * <h2>Threads</h2>
 * One thread at a time may write ({@code write}, {@code tryWrite}, {@link #shutdownOutput()}) and one at a time may
 * read ({@code read}, {@code tryRead}); they may be different threads. Everything else, {@link #close()} included,
 * is safe from any thread. The stack thread must not call the blocking methods (it would wait for itself).
 *
 * <h2>Errors</h2>
 * A connection that ends abnormally makes reads (once the data received before the end is read) and writes throw
 * {@link TcpException} with the {@link TcpError}; a blocking call that makes no progress within
 * {@link TcpChannelConfig#timeoutNs()} (by {@link TcpChannelConfig#waitClock()}) throws {@link TcpTimeoutException};
 * calls after {@link #close()} or writes after {@link #shutdownOutput()} throw {@link IllegalStateException}.
 */
public final class TcpChannel implements AutoCloseable
{
    private final Tcp tcp;
    private final TcpSocket socket;
    private final TcpChannelConfig config;
    private final ByteRing sendRing;
    private final ByteRing receiveRing;
    private final Clock waitClock;
    private final Receiver receiver = new Receiver();
    private final Poller poller = new Poller();
    private final int remoteAddress;
    private final int remotePort;

    private volatile TcpState state;
    private volatile TcpError error = TcpError.NONE;
    private volatile boolean peerClosed;
    private volatile boolean shutdownRequested;
    private volatile boolean closeRequested;
    private volatile boolean closedByStack;
    private volatile boolean released;
    private volatile TcpLingerResult lingerResult = TcpLingerResult.NONE;
    private volatile int localPort;

    private boolean shutdownDone;
    private boolean closeDone;
    private boolean outputFailed;
    private boolean abortedOnClose;

    TcpChannel(final Tcp tcp, final TcpSocket socket, final TcpChannelConfig config)
    {
        this.tcp = tcp;
        this.socket = socket;
        this.config = config;
        this.sendRing = new ByteRing(config.sendRingBytes());
        this.receiveRing = new ByteRing(config.receiveRingBytes());
        this.waitClock = config.waitClock() != null ? config.waitClock() : tcp.clock;
        this.state = socket.state();
        this.localPort = socket.localPort();
        this.remoteAddress = socket.remoteAddress();
        this.remotePort = socket.remotePort();
        socket.handler(receiver);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Accessors (any thread)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The configuration. Any thread.
     *
     * @return the configuration.
     */
    public TcpChannelConfig config()
    {
        return config;
    }

    /**
     * The connection state as the stack last published it. Any thread.
     *
     * @return the state.
     */
    public TcpState state()
    {
        return state;
    }

    /**
     * Why the connection ended, if abnormally. Any thread.
     *
     * @return the error, {@link TcpError#NONE} if none.
     */
    public TcpError error()
    {
        return error;
    }

    /**
     * The local port. Any thread.
     *
     * @return the port, 0 before the socket was connected.
     */
    public int localPort()
    {
        return localPort;
    }

    /**
     * The remote address. Any thread.
     *
     * @return the address.
     */
    public int remoteAddress()
    {
        return remoteAddress;
    }

    /**
     * The remote port. Any thread.
     *
     * @return the port.
     */
    public int remotePort()
    {
        return remotePort;
    }

    /**
     * Bytes waiting in the receive ring. The reading thread.
     *
     * @return bytes a read returns without waiting.
     */
    public int available()
    {
        return receiveRing.available();
    }

    /**
     * Whether the peer closed its side and every byte before its FIN was read. The reading thread.
     *
     * @return true at end of stream.
     */
    public boolean isEndOfStream()
    {
        return peerClosed && receiveRing.available() == 0;
    }

    /**
     * Whether {@link #close()} was called or the stack closed. Any thread.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closeRequested || closedByStack;
    }

    /**
     * Whether the stack has finished with the channel (the socket is closed and any linger result is final). Any
     * thread.
     *
     * @return true once released.
     */
    public boolean isReleased()
    {
        return released;
    }

    /**
     * What became of the close under SO_LINGER. Any thread.
     *
     * @return {@link TcpLingerResult#NONE} before close or without linger.
     */
    public TcpLingerResult lingerResult()
    {
        return lingerResult;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Connect
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Waits until the connection is established. Any thread but the stack's.
     *
     * @return this.
     * @throws TcpException         when the connection failed (refused, timed out, reset); the channel is then
     *                              closed.
     * @throws TcpTimeoutException  when it was not established within the timeout (the channel is then closed).
     * @throws IllegalStateException when the channel is closed.
     */
    public TcpChannel awaitConnected()
    {
        final long deadline = waitClock.nanoTime() + config.timeoutNs();
        int idle = 0;
        while (true)
        {
            final TcpState s = state;
            if (s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT)
            {
                localPort = socket.localPort();
                return this;
            }
            final TcpError e = error;
            if (e != TcpError.NONE)
            {
                closeRequested = true; // the stack releases the channel
                throw new TcpException(e, "connect on " + this);
            }
            checkOpen("connect");
            if (waitClock.nanoTime() - deadline >= 0)
            {
                closeRequested = true;
                throw new TcpTimeoutException("connect on " + this + " did not complete within " + config.timeoutNs()
                    + " ns (state " + s + ")");
            }
            idle = Backoff.idle(idle);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Write (one thread at a time)
    // ------------------------------------------------------------------------------------------------------------

    private void checkWrite()
    {
        checkOpen("write");
        if (shutdownRequested)
        {
            throw new IllegalStateException("write after shutdownOutput on " + this);
        }
        final TcpError e = error;
        if (e != TcpError.NONE)
        {
            throw new TcpException(e, "write on " + this);
        }
        if (outputFailedVolatile())
        {
            throw new TcpException(TcpError.RESET, "write on " + this + ": the connection no longer sends");
        }
    }

    private volatile boolean outputFailedPublished;

    private boolean outputFailedVolatile()
    {
        return outputFailedPublished;
    }

    /**
     * Copies as much of the array as the send ring has room for, without waiting.
     *
     * @param src    the data.
     * @param offset where it starts.
     * @param length bytes offered.
     * @return bytes accepted, 0 when the ring is full.
     * @throws TcpException          when the connection ended abnormally.
     * @throws IllegalStateException after close or shutdownOutput.
     */
    public int tryWrite(final byte[] src, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, src.length);
        checkWrite();
        return sendRing.write(src, offset, length);
    }

    /**
     * Writes every byte of the array, waiting while the send ring is full.
     *
     * @param src    the data.
     * @param offset where it starts.
     * @param length bytes.
     * @throws TcpTimeoutException   when no byte could be queued for the timeout.
     * @throws TcpException          when the connection ended abnormally.
     * @throws IllegalStateException after close or shutdownOutput, also while waiting.
     */
    public void write(final byte[] src, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, src.length);
        checkWrite();
        int done = 0;
        while (done < length)
        {
            final int n = sendRing.write(src, offset + done, length - done);
            if (n > 0)
            {
                done += n;
            }
            else
            {
                awaitRoom();
            }
        }
    }

    /**
     * Writes the buffer's remaining bytes, waiting while the send ring is full; its position advances.
     *
     * @param src the data.
     * @throws TcpTimeoutException   when no byte could be queued for the timeout.
     * @throws TcpException          when the connection ended abnormally.
     * @throws IllegalStateException after close or shutdownOutput.
     */
    public void write(final ByteBuffer src)
    {
        Objects.requireNonNull(src, "src");
        checkWrite();
        while (src.hasRemaining())
        {
            if (sendRing.write(src) == 0)
            {
                awaitRoom();
            }
        }
    }

    /**
     * Writes the readable bytes of a Netty buffer, waiting while the send ring is full; its reader index advances.
     * The reference count is not changed.
     *
     * @param src the data (heap, direct or composite).
     * @throws TcpTimeoutException   when no byte could be queued for the timeout.
     * @throws TcpException          when the connection ended abnormally.
     * @throws IllegalStateException after close or shutdownOutput.
     */
    public void write(final ByteBuf src)
    {
        Objects.requireNonNull(src, "src");
        checkWrite();
        while (src.isReadable())
        {
            if (writeSome(src) == 0)
            {
                awaitRoom();
            }
        }
    }

    private int writeSome(final ByteBuf src)
    {
        final int index = src.readerIndex();
        final int length = Math.min(src.readableBytes(), sendRing.free());
        if (length <= 0)
        {
            return 0;
        }
        final int n;
        if (src.hasArray())
        {
            n = sendRing.write(src.array(), src.arrayOffset() + index, length);
        }
        else if (src.nioBufferCount() == 1)
        {
            n = sendRing.write(src.internalNioBuffer(index, length));
        }
        else
        {
            int sum = 0;
            for (final ByteBuffer part : src.nioBuffers(index, length))
            {
                sum += sendRing.write(part);
            }
            n = sum;
        }
        src.readerIndex(index + n);
        return n;
    }

    /**
     * Waits (backing off) until the send ring has room, after a write found it full: checks on every turn that
     * writing is still allowed, and gives up with a {@link TcpTimeoutException} when no room appeared within the
     * timeout.
     */
    private void awaitRoom()
    {
        checkWrite();
        final long deadline = waitClock.nanoTime() + config.timeoutNs();
        int idle = Backoff.idle(0);
        while (sendRing.free() == 0)
        {
            checkWrite();
            if (waitClock.nanoTime() - deadline >= 0)
            {
                throw new TcpTimeoutException("write on " + this + " made no progress within " + config.timeoutNs()
                    + " ns (the send ring stayed full: is the stack's duty cycle running, does the peer read?)");
            }
            idle = Backoff.idle(idle);
        }
    }

    /**
     * Half-close: a FIN follows the bytes written so far (once the stack has moved them into the socket); reading
     * goes on. Idempotent. The writing thread.
     *
     * @throws IllegalStateException after close.
     */
    public void shutdownOutput()
    {
        checkOpen("shutdownOutput");
        shutdownRequested = true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Read (one thread at a time)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Copies received bytes out without waiting.
     *
     * @param dst    the destination.
     * @param offset where to write.
     * @param length most bytes wanted.
     * @return bytes read; 0 when none is waiting; -1 at end of stream.
     * @throws TcpException          when the connection ended abnormally and every byte before was read.
     * @throws IllegalStateException after close.
     */
    public int tryRead(final byte[] dst, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, dst.length);
        checkOpen("read");
        final int n = receiveRing.read(dst, offset, length);
        return n > 0 || length == 0 ? n : noData("read");
    }

    /** No bytes: end of stream (-1), an error (thrown) or nothing yet (0). */
    private int noData(final String what)
    {
        if (peerClosed)
        {
            return receiveRing.available() > 0 ? 0 : -1;
        }
        final TcpError e = error;
        if (e != TcpError.NONE)
        {
            if (receiveRing.available() > 0)
            {
                return 0;
            }
            throw new TcpException(e, what + " on " + this);
        }
        if (state == TcpState.CLOSED && receiveRing.available() == 0)
        {
            return -1;
        }
        return 0;
    }

    /**
     * Copies received bytes out, waiting until at least one byte, the end of stream or an error.
     *
     * @param dst    the destination.
     * @param offset where to write.
     * @param length most bytes wanted, at least 1.
     * @return bytes read, or -1 at end of stream.
     * @throws TcpTimeoutException   when nothing arrived within the timeout.
     * @throws TcpException          when the connection ended abnormally and every byte before was read.
     * @throws IllegalStateException after close, also while waiting.
     */
    public int read(final byte[] dst, final int offset, final int length)
    {
        final int n = tryRead(dst, offset, length);
        if (n != 0 || length == 0)
        {
            return n;
        }
        awaitData();
        return tryRead(dst, offset, length);
    }

    /**
     * Copies received bytes into the buffer's remaining space without waiting; its position advances.
     *
     * @param dst the destination.
     * @return bytes read; 0 when none is waiting; -1 at end of stream.
     * @throws TcpException          when the connection ended abnormally and every byte before was read.
     * @throws IllegalStateException after close.
     */
    public int tryRead(final ByteBuffer dst)
    {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly())
        {
            throw new ReadOnlyBufferException();
        }
        checkOpen("read");
        final int n = receiveRing.read(dst);
        return n > 0 || !dst.hasRemaining() ? n : noData("read");
    }

    /**
     * Copies received bytes into the buffer's remaining space, waiting until at least one byte, the end of stream or
     * an error; its position advances.
     *
     * @param dst the destination, with room.
     * @return bytes read, or -1 at end of stream.
     * @throws TcpTimeoutException   when nothing arrived within the timeout.
     * @throws TcpException          when the connection ended abnormally and every byte before was read.
     * @throws IllegalStateException after close, also while waiting.
     */
    public int read(final ByteBuffer dst)
    {
        final int n = tryRead(dst);
        if (n != 0 || !dst.hasRemaining())
        {
            return n;
        }
        awaitData();
        return tryRead(dst);
    }

    /**
     * Copies received bytes into a Netty buffer's writable space (not grown), waiting until at least one byte, the
     * end of stream or an error; its writer index advances.
     *
     * @param dst the destination, with writable space.
     * @return bytes read, or -1 at end of stream.
     * @throws TcpTimeoutException   when nothing arrived within the timeout.
     * @throws TcpException          when the connection ended abnormally and every byte before was read.
     * @throws IllegalStateException after close, also while waiting.
     */
    public int read(final ByteBuf dst)
    {
        Objects.requireNonNull(dst, "dst");
        final int n = tryRead(dst);
        if (n != 0 || !dst.isWritable())
        {
            return n;
        }
        awaitData();
        return tryRead(dst);
    }

    /**
     * Copies received bytes into a Netty buffer's writable space without waiting; its writer index advances.
     *
     * @param dst the destination.
     * @return bytes read; 0 when none is waiting; -1 at end of stream.
     * @throws TcpException          when the connection ended abnormally and every byte before was read.
     * @throws IllegalStateException after close.
     */
    public int tryRead(final ByteBuf dst)
    {
        Objects.requireNonNull(dst, "dst");
        checkOpen("read");
        final int index = dst.writerIndex();
        final int length = Math.min(dst.writableBytes(), receiveRing.available());
        if (length <= 0)
        {
            return dst.isWritable() ? noData("read") : 0;
        }
        int n;
        if (dst.hasArray())
        {
            n = receiveRing.read(dst.array(), dst.arrayOffset() + index, length);
        }
        else if (dst.nioBufferCount() == 1)
        {
            n = receiveRing.read(dst.internalNioBuffer(index, length));
        }
        else
        {
            n = 0;
            for (final ByteBuffer part : dst.nioBuffers(index, length))
            {
                n += receiveRing.read(part);
            }
        }
        dst.writerIndex(index + n);
        return n;
    }

    /**
     * Waits (backing off) after a read found nothing, until received bytes, the end of stream or an error (thrown)
     * is there; throws {@link TcpTimeoutException} when none came within the timeout.
     */
    private void awaitData()
    {
        final long deadline = waitClock.nanoTime() + config.timeoutNs();
        int idle = 0;
        while (true)
        {
            checkOpen("read");
            if (receiveRing.available() > 0 || noData("read") != 0)
            {
                return;
            }
            checkDeadline(deadline, "read");
            idle = Backoff.idle(idle);
        }
    }

    private void checkDeadline(final long deadline, final String what)
    {
        if (waitClock.nanoTime() - deadline >= 0)
        {
            throw new TcpTimeoutException(what + " on " + this + " did not complete within " + config.timeoutNs()
                + " ns");
        }
    }

    private void checkOpen(final String what)
    {
        if (closeRequested)
        {
            throw new IllegalStateException(what + " on " + this + " after close");
        }
        if (closedByStack)
        {
            throw new IllegalStateException(what + " on " + this + ": its stack closed");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Close (any thread)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Closes the channel: the stack sends what is in the send ring, then closes the socket (a FIN; with linger 0 a
     * RST at once, discarding the ring). Without linger it returns at once; with a linger time it waits until the
     * peer acknowledged every byte and the FIN, or the linger time passed ({@link #lingerResult()} tells which).
     * Closing with received data unread aborts the connection (a RST, as {@link TcpSocket#close()}). Any thread.
     * Idempotent.
     */
    @Override
    public void close()
    {
        final boolean first = !closeRequested;
        closeRequested = true;
        if (!first || closedByStack || config.lingerNs() <= 0)
        {
            return;
        }
        final long deadline = waitClock.nanoTime() + config.lingerNs() + config.timeoutNs();
        int idle = 0;
        while (!released && !closedByStack && waitClock.nanoTime() - deadline < 0)
        {
            idle = Backoff.idle(idle);
        }
    }

    @Override
    public String toString()
    {
        return "TcpChannel[" + localPort + " -> " + Ipv4Address.toString(remoteAddress) + ":" + remotePort + " "
            + state + (error != TcpError.NONE ? " " + error : "") + "]";
    }

    // ------------------------------------------------------------------------------------------------------------
    // Stack thread
    // ------------------------------------------------------------------------------------------------------------

    TcpPollable poller()
    {
        return poller;
    }

    private int poll()
    {
        if (released)
        {
            return 0;
        }
        int work = 0;
        publishState();
        if (!closeDone && !outputFailed && socket.state() != TcpState.CLOSED)
        {
            work += drainSendRing();
        }
        if (socket.readable() > 0 && receiveRing.free() > 0)
        {
            work += socket.deliver() > 0 ? 1 : 0;
        }
        if (shutdownRequested && !shutdownDone && sendRing.available() == 0 && !closeDone)
        {
            shutdownDone = true;
            work++;
            if (socket.state() != TcpState.CLOSED)
            {
                socket.shutdownOutput();
            }
        }
        if (closeRequested && !closeDone && (config.lingerNs() == 0 || sendRing.available() == 0 || outputFailed
            || socket.state() == TcpState.CLOSED))
        {
            closeDone = true;
            work++;
            sendRing.clear();
            socket.handler(null);
            if (receiveRing.available() > 0 && socket.state() != TcpState.CLOSED)
            {
                socket.abort(); // unread data: a RST shows it was lost, as TcpSocket.close does (RFC 9293 SHLD-3)
                abortedOnClose = true;
            }
            else
            {
                socket.close();
            }
            publishState();
        }
        if (closeDone)
        {
            final TcpLingerResult result = abortedOnClose && config.lingerNs() != TcpSocketDefaults.NO_LINGER
                ? TcpLingerResult.ABORTED : socket.lingerResult();
            if (result != lingerResult)
            {
                lingerResult = result;
            }
            if (result != TcpLingerResult.PENDING)
            {
                released = true;
            }
        }
        return work;
    }

    private void publishState()
    {
        final TcpState s = socket.state();
        if (s != state)
        {
            state = s;
        }
        final TcpError e = socket.error();
        if (e != error)
        {
            error = e;
        }
        final int port = socket.localPort();
        if (port != 0 && port != localPort)
        {
            localPort = port;
        }
    }

    private int drainSendRing()
    {
        int moved = 0;
        int n;
        while ((n = sendRing.contiguous()) > 0)
        {
            final int accepted;
            try
            {
                accepted = socket.write(sendRing.memory(), sendRing.readOffset(), n);
            }
            catch (final IllegalStateException ex)
            {
                outputFailed = true;
                outputFailedPublished = true;
                break;
            }
            sendRing.consume(accepted);
            moved += accepted;
            if (accepted < n)
            {
                break;
            }
        }
        return moved > 0 ? 1 : 0;
    }

    private void stackClosed()
    {
        if (error == TcpError.NONE)
        {
            error = TcpError.STACK_CLOSED;
        }
        closedByStack = true;
        released = true;
    }

    /** Aborts from the stack thread (an accepted channel nobody will take). */
    void abortFromStack()
    {
        closeDone = true;
        closeRequested = true;
        socket.handler(null);
        socket.abort();
        publishState();
        released = true;
    }

    /** The stack thread's side: {@link Tcp#pollChannels} serves it in every duty cycle. */
    private final class Poller implements TcpPollable
    {
        @Override
        public int poll(final long nowNs)
        {
            return TcpChannel.this.poll();
        }

        @Override
        public boolean done()
        {
            return released;
        }

        @Override
        public void stackClosed()
        {
            TcpChannel.this.stackClosed();
        }
    }

    /** The socket's handler: copies in-order data straight into the receive ring; publishes events. */
    private final class Receiver implements TcpHandler
    {
        @Override
        public int onData(final TcpSocket from, final MemorySegment segment, final long offset, final int length)
        {
            return receiveRing.write(segment, offset, length);
        }

        @Override
        public void onConnected(final TcpSocket from)
        {
            publishState();
        }

        @Override
        public void onPeerClosed(final TcpSocket from)
        {
            peerClosed = true;
        }

        @Override
        public void onClosed(final TcpSocket from, final TcpError why)
        {
            if (why != TcpError.NONE)
            {
                error = why;
            }
            state = TcpState.CLOSED;
        }
    }
}
