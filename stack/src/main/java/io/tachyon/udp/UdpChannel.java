package io.tachyon.udp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.time.Backoff;
import io.tachyon.time.Clock;

/**
 * A UDP socket for application threads: the copying API ({@code byte[]}, {@link ByteBuffer}, Netty {@link ByteBuf})
 * usable while the stack runs on its own thread. Open one from any thread with
 * {@code Stack.openUdpChannel(address, port)} (or from the stack thread with {@link Udp#openChannel}).
 *
 * <h2>How it works</h2>
 * The channel owns a {@link UdpSocket} on the stack thread and two bounded lock-free rings of off-heap datagram
 * records (length, address, port, bytes; 8-byte aligned; allocated at open):
 * <ul>
 *   <li>the <b>send ring</b> (multi-producer, single consumer): a send copies the payload into it and returns; the
 *       stack drains it in every duty cycle, at most {@link UdpChannelConfig#sendBurst()} datagrams per cycle, and
 *       sends each datagram through the socket (fragmenting above the path MTU). A datagram the stack cannot send
 *       yet (no TX buffer, ARP queue full) stays at the head of the ring and is retried in later cycles for
 *       {@link UdpChannelConfig#sendRetryNs()} of stack time, then dropped and counted ({@link #sendDrops()});</li>
 *   <li>the <b>receive ring</b> (the stack thread produces, one application thread consumes): the stack copies each
 *       datagram delivered to the socket into it; when it is full (or the datagram is larger than the ring) the
 *       datagram is dropped and counted twice: {@link #receiveDrops()} here and the stack's UDP
 *       {@link UdpCounter#RCVBUF_ERRORS} (and InErrors). Nothing accepted is lost silently.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li><b>Any thread, concurrently</b>: every {@code trySend} and {@code send} (the send ring is multi-producer;
 *       datagrams from one thread are sent in the order that thread enqueued them, with no order between
 *       threads), {@link #close()}, {@link #isClosed()}, {@link #isReleased()}, the counters, {@link #lastError()},
 *       and the immutable accessors ({@link #localAddress()}, {@link #localPort()}, {@link #remoteAddress()},
 *       {@link #remotePort()}, {@link #config()}).</li>
 *   <li><b>One application thread at a time</b>: every {@code tryReceive} and {@code receive}, and
 *       {@link #lastSourceAddress()}/{@link #lastSourcePort()} (the receive ring has a single consumer; hand the
 *       receiving role from one thread to another only with a happens-before edge between them).</li>
 *   <li><b>The stack thread only</b>: nothing public; the stack reaches the channel through {@link Udp}.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * What the caller's thread can check is checked there and thrown at once: a closed channel
 * ({@link IllegalStateException}), a payload over {@value Udp#MAX_PAYLOAD} bytes or larger than the send ring can
 * hold, a port outside {@code [1, 65535]}, a destination without a route ({@link IllegalArgumentException}), a
 * broadcast destination without {@link UdpChannelConfig#broadcast()} ({@link IllegalStateException}), the send form
 * without a destination on an unconnected channel ({@link IllegalStateException}). What only the stack knows is
 * counted: {@link #sendErrors()} (the socket refused the datagram; the exception is kept in {@link #lastError()})
 * and {@link #sendDrops()} (not sent within the retry time, or still queued when the channel closed). A blocking
 * call that does not finish in {@link UdpChannelConfig#timeoutNs()} (timed by
 * {@link UdpChannelConfig#waitClock()}) throws {@link UdpTimeoutException}; a blocked call wakes up with
 * {@link IllegalStateException} when another thread closes the channel.
 *
 * <h2>Close</h2>
 * {@link #close()} (any thread, idempotent) marks the channel closed at once, so every later call except
 * {@code close}, {@code isClosed}, {@code isReleased}, the counters and the accessors throws
 * {@link IllegalStateException}. The stack sees the mark in its next duty cycle (a flag, not the command queue, so a
 * full command queue cannot delay or lose a close): it sends what is in the send ring as far as TX buffers allow
 * (counting the rest as {@link #sendDrops()}), closes the socket (freeing the port) and sets {@link #isReleased()}.
 * Datagrams still in the receive ring are discarded. A send racing with {@code close()} on another thread may be
 * discarded without being counted; sends that returned before {@code close()} was called are not. Closing the stack
 * closes its channels. The rings' memory is freed by the garbage collector when the channel is unreachable.
 *
 * <h2>Memory</h2>
 * After open, nothing allocates on either side in steady state: sends and receives copy straight between the
 * caller's buffer and the ring (a direct {@code ByteBuf} through its internal NIO buffer; a composite one byte by
 * byte), and the sender of the last datagram received is read with {@link #lastSourceAddress()} and
 * {@link #lastSourcePort()}.
 */
public final class UdpChannel implements AutoCloseable
{
    /** {@code tryReceive} result: no datagram is waiting. */
    public static final int NOTHING = -1;

    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int SENT = 16;
    private static final int SEND_ERRORS = 17;
    private static final int SEND_DROPS = 18;
    private static final int RECEIVED = 19;
    private static final int RECEIVE_DROPS = 20;
    private static final int HEADER = DatagramRing.HEADER;

    private final Udp udp;
    private final UdpSocket socket;
    private final UdpChannelConfig config;
    private final DatagramRing sendRing;
    private final DatagramRing receiveRing;
    private final ByteBuffer receiveView;
    private final Clock waitClock;
    private final int localAddress;
    private final int localPort;
    private final int remoteAddress;
    private final int remotePort;
    private final int maxSendPayload;
    private final String name;
    private final long[] counts = new long[40];
    private final Receiver receiver = new Receiver();

    private volatile boolean closed;
    private volatile boolean closedByStack;
    private volatile boolean released;
    private volatile Throwable lastError;

    private boolean retrying;
    private long retryStartNs;

    private int lastSourceAddress;
    private int lastSourcePort;

    UdpChannel(final Udp udp, final UdpSocket socket, final UdpChannelConfig config, final Clock waitClock)
    {
        this.udp = udp;
        this.socket = socket;
        this.config = config;
        this.waitClock = waitClock;
        sendRing = new DatagramRing(config.sendRingBytes());
        receiveRing = new DatagramRing(config.receiveRingBytes());
        receiveView = receiveRing.view().duplicate();
        localAddress = socket.localAddress();
        localPort = socket.localPort();
        remoteAddress = socket.remoteAddress();
        remotePort = socket.remotePort();
        maxSendPayload = Math.min(Udp.MAX_PAYLOAD, sendRing.maxPayload());
        name = Ipv4Address.toString(localAddress) + ":" + localPort
            + (socket.isConnected() ? " -> " + Ipv4Address.toString(remoteAddress) + ":" + remotePort : "");
    }

    UdpHandler receiver()
    {
        return receiver;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Accessors (any thread)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The configuration the channel was opened with. Any thread.
     *
     * @return the configuration.
     */
    public UdpChannelConfig config()
    {
        return config;
    }

    /**
     * The bound local address (0 for every address). Any thread.
     *
     * @return the address.
     */
    public int localAddress()
    {
        return localAddress;
    }

    /**
     * The bound local port (the ephemeral one picked when 0 was asked). Any thread.
     *
     * @return the port.
     */
    public int localPort()
    {
        return localPort;
    }

    /**
     * The connected peer's address. Any thread.
     *
     * @return the address, 0 when not connected.
     */
    public int remoteAddress()
    {
        return remoteAddress;
    }

    /**
     * The connected peer's port. Any thread.
     *
     * @return the port, 0 when not connected.
     */
    public int remotePort()
    {
        return remotePort;
    }

    /**
     * The largest payload one send accepts: {@value Udp#MAX_PAYLOAD} bytes, or less when the send ring is smaller.
     * Any thread.
     *
     * @return bytes.
     */
    public int maxSendPayload()
    {
        return maxSendPayload;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Send (any thread)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Queues a datagram from an array if the send ring has room. Any thread.
     *
     * @param payload the array.
     * @param offset  where the payload starts.
     * @param length  its length, {@code [0, maxSendPayload()]}.
     * @param address the destination.
     * @param port    the destination port, {@code [1, 65535]}.
     * @return true if queued; false if the send ring is full.
     * @throws IllegalStateException if closed, or for a broadcast destination without broadcast allowed.
     * @throws IllegalArgumentException for a payload too big, a bad port or no route to the destination.
     * @throws IndexOutOfBoundsException if the payload is not inside {@code payload}.
     */
    public boolean trySend(final byte[] payload, final int offset, final int length, final int address,
        final int port)
    {
        checkSend(length, address, port);
        Objects.checkFromIndexSize(offset, length, payload.length);
        final long at = sendRing.claim(length);
        if (at < 0)
        {
            return false;
        }
        MemorySegment.copy(payload, offset, sendRing.memory(), ValueLayout.JAVA_BYTE, at + HEADER, length);
        sendRing.publish(at, length, address, port);
        return true;
    }

    /**
     * Queues a datagram from an array to the connected peer if the send ring has room. Any thread.
     *
     * @param payload the array.
     * @param offset  where the payload starts.
     * @param length  its length.
     * @return true if queued; false if the send ring is full.
     * @throws IllegalStateException if closed or not connected (and as
     *                               {@link #trySend(byte[], int, int, int, int)}).
     */
    public boolean trySend(final byte[] payload, final int offset, final int length)
    {
        checkConnected();
        return trySend(payload, offset, length, remoteAddress, remotePort);
    }

    /**
     * Queues the remaining bytes of a buffer as one datagram if the send ring has room; the position then advances
     * past them. Any thread (the buffer must not be changed by another thread meanwhile).
     *
     * @param payload the buffer (heap, direct or read-only).
     * @param address the destination.
     * @param port    the destination port.
     * @return true if queued; false if the send ring is full (the position is unchanged).
     * @throws IllegalStateException as {@link #trySend(byte[], int, int, int, int)}.
     */
    public boolean trySend(final ByteBuffer payload, final int address, final int port)
    {
        final int length = payload.remaining();
        checkSend(length, address, port);
        final long at = sendRing.claim(length);
        if (at < 0)
        {
            return false;
        }
        final int position = payload.position();
        try
        {
            if (payload.hasArray())
            {
                MemorySegment.copy(payload.array(), payload.arrayOffset() + position, sendRing.memory(),
                    ValueLayout.JAVA_BYTE, at + HEADER, length);
            }
            else
            {
                sendRing.view().put((int)at + HEADER, payload, position, length);
            }
        }
        catch (final RuntimeException ex)
        {
            sendRing.abort(at, length);
            throw ex;
        }
        sendRing.publish(at, length, address, port);
        payload.position(position + length);
        return true;
    }

    /**
     * Queues the remaining bytes of a buffer to the connected peer if the send ring has room. Any thread.
     *
     * @param payload the buffer.
     * @return true if queued; false if the send ring is full.
     * @throws IllegalStateException if closed or not connected.
     */
    public boolean trySend(final ByteBuffer payload)
    {
        checkConnected();
        return trySend(payload, remoteAddress, remotePort);
    }

    /**
     * Queues the readable bytes of a Netty buffer as one datagram if the send ring has room; the reader index then
     * advances past them. The buffer's reference count is not changed. Any thread (the buffer must not be changed
     * by another thread meanwhile).
     *
     * @param payload the buffer (heap, direct or composite).
     * @param address the destination.
     * @param port    the destination port.
     * @return true if queued; false if the send ring is full (the reader index is unchanged).
     * @throws IllegalStateException as {@link #trySend(byte[], int, int, int, int)}.
     */
    public boolean trySend(final ByteBuf payload, final int address, final int port)
    {
        final int length = payload.readableBytes();
        checkSend(length, address, port);
        final long at = sendRing.claim(length);
        if (at < 0)
        {
            return false;
        }
        final int index = payload.readerIndex();
        try
        {
            copyIn(payload, index, length, at + HEADER);
        }
        catch (final RuntimeException ex)
        {
            sendRing.abort(at, length);
            throw ex;
        }
        sendRing.publish(at, length, address, port);
        payload.readerIndex(index + length);
        return true;
    }

    /**
     * Queues the readable bytes of a Netty buffer to the connected peer if the send ring has room. Any thread.
     *
     * @param payload the buffer.
     * @return true if queued; false if the send ring is full.
     * @throws IllegalStateException if closed or not connected.
     */
    public boolean trySend(final ByteBuf payload)
    {
        checkConnected();
        return trySend(payload, remoteAddress, remotePort);
    }

    private void copyIn(final ByteBuf payload, final int index, final int length, final long to)
    {
        if (payload.hasArray())
        {
            MemorySegment.copy(payload.array(), payload.arrayOffset() + index, sendRing.memory(),
                ValueLayout.JAVA_BYTE, to, length);
        }
        else if (payload.nioBufferCount() == 1)
        {
            final ByteBuffer nio = payload.internalNioBuffer(index, length);
            sendRing.view().put((int)to, nio, nio.position(), length);
        }
        else
        {
            final ByteBuffer view = sendRing.view();
            for (int i = 0; i < length; i++)
            {
                view.put((int)to + i, payload.getByte(index + i));
            }
        }
    }

    /**
     * Queues a datagram from an array, waiting (spin, yield, then park; bounded) while the send ring is full. Any
     * thread.
     *
     * @param payload the array.
     * @param offset  where the payload starts.
     * @param length  its length.
     * @param address the destination.
     * @param port    the destination port.
     * @throws UdpTimeoutException if the ring stayed full for the channel's timeout.
     * @throws IllegalStateException if the channel is closed, also while waiting (and as
     *                               {@link #trySend(byte[], int, int, int, int)}).
     */
    public void send(final byte[] payload, final int offset, final int length, final int address, final int port)
    {
        if (trySend(payload, offset, length, address, port))
        {
            return;
        }
        final long deadline = waitClock.nanoTime() + config.timeoutNs();
        int idle = 0;
        while (!trySend(payload, offset, length, address, port))
        {
            checkDeadline(deadline, "send");
            idle = Backoff.idle(idle);
        }
    }

    /**
     * Queues a datagram from an array to the connected peer, waiting while the send ring is full. Any thread.
     *
     * @param payload the array.
     * @param offset  where the payload starts.
     * @param length  its length.
     * @throws UdpTimeoutException if the ring stayed full for the channel's timeout.
     * @throws IllegalStateException if closed or not connected.
     */
    public void send(final byte[] payload, final int offset, final int length)
    {
        checkConnected();
        send(payload, offset, length, remoteAddress, remotePort);
    }

    /**
     * Queues the remaining bytes of a buffer, waiting while the send ring is full; the position advances. Any
     * thread.
     *
     * @param payload the buffer.
     * @param address the destination.
     * @param port    the destination port.
     * @throws UdpTimeoutException if the ring stayed full for the channel's timeout.
     * @throws IllegalStateException if the channel is closed, also while waiting.
     */
    public void send(final ByteBuffer payload, final int address, final int port)
    {
        if (trySend(payload, address, port))
        {
            return;
        }
        final long deadline = waitClock.nanoTime() + config.timeoutNs();
        int idle = 0;
        while (!trySend(payload, address, port))
        {
            checkDeadline(deadline, "send");
            idle = Backoff.idle(idle);
        }
    }

    /**
     * Queues the remaining bytes of a buffer to the connected peer, waiting while the send ring is full. Any
     * thread.
     *
     * @param payload the buffer.
     * @throws UdpTimeoutException if the ring stayed full for the channel's timeout.
     * @throws IllegalStateException if closed or not connected.
     */
    public void send(final ByteBuffer payload)
    {
        checkConnected();
        send(payload, remoteAddress, remotePort);
    }

    /**
     * Queues the readable bytes of a Netty buffer, waiting while the send ring is full; the reader index advances.
     * Any thread.
     *
     * @param payload the buffer.
     * @param address the destination.
     * @param port    the destination port.
     * @throws UdpTimeoutException if the ring stayed full for the channel's timeout.
     * @throws IllegalStateException if the channel is closed, also while waiting.
     */
    public void send(final ByteBuf payload, final int address, final int port)
    {
        if (trySend(payload, address, port))
        {
            return;
        }
        final long deadline = waitClock.nanoTime() + config.timeoutNs();
        int idle = 0;
        while (!trySend(payload, address, port))
        {
            checkDeadline(deadline, "send");
            idle = Backoff.idle(idle);
        }
    }

    /**
     * Queues the readable bytes of a Netty buffer to the connected peer, waiting while the send ring is full. Any
     * thread.
     *
     * @param payload the buffer.
     * @throws UdpTimeoutException if the ring stayed full for the channel's timeout.
     * @throws IllegalStateException if closed or not connected.
     */
    public void send(final ByteBuf payload)
    {
        checkConnected();
        send(payload, remoteAddress, remotePort);
    }

    private void checkSend(final int length, final int address, final int port)
    {
        checkOpen();
        if (length < 0 || length > Udp.MAX_PAYLOAD)
        {
            throw new IllegalArgumentException("UDP payload of " + length + " bytes is not in [0, " + Udp.MAX_PAYLOAD
                + "] (65535 minus the 20-byte IPv4 and 8-byte UDP headers)");
        }
        if (length > maxSendPayload)
        {
            throw new IllegalArgumentException("UDP payload of " + length + " bytes does not fit the send ring of"
                + " channel " + name + " (" + sendRing.capacity() + " bytes: at most " + maxSendPayload
                + " payload bytes)");
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("destination port " + port + " is not in [1, 65535]");
        }
        udp.checkRoute(address);
        if (!config.broadcast() && udp.ipv4().isBroadcast(address))
        {
            throw new IllegalStateException("sending to the broadcast address " + Ipv4Address.toString(address)
                + " needs a channel opened with broadcast allowed (UdpChannelConfig.withBroadcast)");
        }
    }

    private void checkConnected()
    {
        checkOpen();
        if (remotePort == 0)
        {
            throw new IllegalStateException("UDP channel " + name + " is not connected: give a destination address"
                + " and port, or open it with UdpChannelConfig.withPeer");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Receive (one application thread at a time)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Takes the oldest received datagram into an array, if one is waiting. Copies {@code min(length, capacity)}
     * bytes; the rest of a longer datagram is discarded. One application thread at a time.
     *
     * @param target   where to copy it.
     * @param offset   where in {@code target}.
     * @param capacity the room there.
     * @return the datagram's length (more than {@code capacity} when it was cut), or {@link #NOTHING}.
     * @throws IllegalStateException if closed.
     * @throws IndexOutOfBoundsException if the range is not inside {@code target}.
     */
    public int tryReceive(final byte[] target, final int offset, final int capacity)
    {
        checkOpen();
        Objects.checkFromIndexSize(offset, capacity, target.length);
        final long at = receiveRing.peek();
        if (at < 0)
        {
            return NOTHING;
        }
        final int length = receiveRing.length(at);
        MemorySegment.copy(receiveRing.memory(), ValueLayout.JAVA_BYTE, at + HEADER, target, offset,
            Math.min(length, capacity));
        return taken(at, length);
    }

    /**
     * Takes the oldest received datagram into a buffer at its position, which advances by the bytes copied
     * ({@code min(length, remaining)}), if one is waiting. One application thread at a time.
     *
     * @param target the buffer (heap or direct).
     * @return the datagram's length, or {@link #NOTHING}.
     * @throws IllegalStateException if closed.
     * @throws ReadOnlyBufferException if the buffer is read-only.
     */
    public int tryReceive(final ByteBuffer target)
    {
        checkOpen();
        if (target.isReadOnly())
        {
            throw new ReadOnlyBufferException();
        }
        final long at = receiveRing.peek();
        if (at < 0)
        {
            return NOTHING;
        }
        final int length = receiveRing.length(at);
        final int n = Math.min(length, target.remaining());
        final int position = target.position();
        if (target.hasArray())
        {
            MemorySegment.copy(receiveRing.memory(), ValueLayout.JAVA_BYTE, at + HEADER, target.array(),
                target.arrayOffset() + position, n);
        }
        else
        {
            target.put(position, receiveView, (int)at + HEADER, n);
        }
        target.position(position + n);
        return taken(at, length);
    }

    /**
     * Takes the oldest received datagram into a Netty buffer at its writer index, which advances by the bytes
     * copied ({@code min(length, writableBytes())}; the buffer is not grown), if one is waiting. One application
     * thread at a time.
     *
     * @param target the buffer.
     * @return the datagram's length, or {@link #NOTHING}.
     * @throws IllegalStateException if closed.
     */
    public int tryReceive(final ByteBuf target)
    {
        checkOpen();
        final long at = receiveRing.peek();
        if (at < 0)
        {
            return NOTHING;
        }
        final int length = receiveRing.length(at);
        final int n = Math.min(length, target.writableBytes());
        final int index = target.writerIndex();
        if (target.hasArray())
        {
            MemorySegment.copy(receiveRing.memory(), ValueLayout.JAVA_BYTE, at + HEADER, target.array(),
                target.arrayOffset() + index, n);
        }
        else
        {
            receiveView.limit((int)at + HEADER + n).position((int)at + HEADER);
            target.setBytes(index, receiveView);
            receiveView.clear();
        }
        target.writerIndex(index + n);
        return taken(at, length);
    }

    /**
     * Takes the oldest received datagram into an array, waiting (spin, yield, then park; bounded) until one
     * arrives. One application thread at a time.
     *
     * @param target   where to copy it.
     * @param offset   where in {@code target}.
     * @param capacity the room there.
     * @return the datagram's length.
     * @throws UdpTimeoutException if nothing arrived within the channel's timeout.
     * @throws IllegalStateException if the channel is closed, also while waiting.
     */
    public int receive(final byte[] target, final int offset, final int capacity)
    {
        int n = tryReceive(target, offset, capacity);
        if (n != NOTHING)
        {
            return n;
        }
        final long deadline = waitClock.nanoTime() + config.timeoutNs();
        int idle = 0;
        while ((n = tryReceive(target, offset, capacity)) == NOTHING)
        {
            checkDeadline(deadline, "receive");
            idle = Backoff.idle(idle);
        }
        return n;
    }

    /**
     * Takes the oldest received datagram into a buffer, waiting until one arrives. One application thread at a
     * time.
     *
     * @param target the buffer.
     * @return the datagram's length.
     * @throws UdpTimeoutException if nothing arrived within the channel's timeout.
     * @throws IllegalStateException if the channel is closed, also while waiting.
     */
    public int receive(final ByteBuffer target)
    {
        int n = tryReceive(target);
        if (n != NOTHING)
        {
            return n;
        }
        final long deadline = waitClock.nanoTime() + config.timeoutNs();
        int idle = 0;
        while ((n = tryReceive(target)) == NOTHING)
        {
            checkDeadline(deadline, "receive");
            idle = Backoff.idle(idle);
        }
        return n;
    }

    /**
     * Takes the oldest received datagram into a Netty buffer, waiting until one arrives. One application thread at
     * a time.
     *
     * @param target the buffer.
     * @return the datagram's length.
     * @throws UdpTimeoutException if nothing arrived within the channel's timeout.
     * @throws IllegalStateException if the channel is closed, also while waiting.
     */
    public int receive(final ByteBuf target)
    {
        int n = tryReceive(target);
        if (n != NOTHING)
        {
            return n;
        }
        final long deadline = waitClock.nanoTime() + config.timeoutNs();
        int idle = 0;
        while ((n = tryReceive(target)) == NOTHING)
        {
            checkDeadline(deadline, "receive");
            idle = Backoff.idle(idle);
        }
        return n;
    }

    private int taken(final long at, final int length)
    {
        lastSourceAddress = receiveRing.address(at);
        lastSourcePort = receiveRing.port(at);
        receiveRing.consume(at);
        return length;
    }

    /**
     * The sender of the datagram the last successful receive returned. The receiving thread.
     *
     * @return the address.
     */
    public int lastSourceAddress()
    {
        return lastSourceAddress;
    }

    /**
     * The sender's port of the datagram the last successful receive returned. The receiving thread.
     *
     * @return the port.
     */
    public int lastSourcePort()
    {
        return lastSourcePort;
    }

    private void checkDeadline(final long deadline, final String what)
    {
        if (waitClock.nanoTime() - deadline >= 0)
        {
            throw new UdpTimeoutException(what + " on UDP channel " + name + " did not complete within "
                + config.timeoutNs() + " ns" + ("send".equals(what)
                ? " (the send ring stayed full: is the stack's duty cycle running?)" : ""));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Counters (any thread)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Datagrams the stack took from the send ring and sent (or handed to ARP). Any thread.
     *
     * @return the count.
     */
    public long sentDatagrams()
    {
        return (long)COUNTS.getAcquire(counts, SENT);
    }

    /**
     * Datagrams the socket refused with an exception on the stack thread (see {@link #lastError()}). Any thread.
     *
     * @return the count.
     */
    public long sendErrors()
    {
        return (long)COUNTS.getAcquire(counts, SEND_ERRORS);
    }

    /**
     * Datagrams taken from the send ring but not sent: not sent within the retry time, or left when the channel
     * closed. Any thread.
     *
     * @return the count.
     */
    public long sendDrops()
    {
        return (long)COUNTS.getAcquire(counts, SEND_DROPS);
    }

    /**
     * Datagrams the stack put in the receive ring. Any thread.
     *
     * @return the count.
     */
    public long receivedDatagrams()
    {
        return (long)COUNTS.getAcquire(counts, RECEIVED);
    }

    /**
     * Datagrams for this channel that the stack dropped because the receive ring was full (or too small for them);
     * also counted in the stack's UDP RcvbufErrors. Any thread.
     *
     * @return the count.
     */
    public long receiveDrops()
    {
        return (long)COUNTS.getAcquire(counts, RECEIVE_DROPS);
    }

    /**
     * The last exception the stack thread met while sending this channel's datagrams. Any thread.
     *
     * @return the exception, or null.
     */
    public Throwable lastError()
    {
        return lastError;
    }

    private void count(final int index)
    {
        COUNTS.setRelease(counts, index, (long)COUNTS.get(counts, index) + 1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Close
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Closes the channel: marks it closed at once; the stack sends what was queued, closes the socket and frees the
     * port in its next duty cycle. Any thread. Idempotent.
     */
    @Override
    public void close()
    {
        closed = true;
    }

    /**
     * Whether the channel is closed (by {@link #close()} or because its stack closed). Any thread.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Whether the stack has finished closing: the socket is closed and its port is free. Any thread.
     *
     * @return true once released.
     */
    public boolean isReleased()
    {
        return released;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("UDP channel " + name + " is closed"
                + (closedByStack ? " (its stack closed)" : ""));
        }
    }

    @Override
    public String toString()
    {
        return "UdpChannel[" + name + (closed ? " closed" : "") + "]";
    }

    // ------------------------------------------------------------------------------------------------------------
    // Stack thread
    // ------------------------------------------------------------------------------------------------------------

    /** Whether {@link #close()} was called; the stack then calls {@link #release(long)}. Stack thread. */
    boolean closeRequested()
    {
        return closed;
    }

    /** Sends up to the burst of queued datagrams. Stack thread. */
    int drain(final long nowNs)
    {
        return drain(nowNs, config.sendBurst());
    }

    private int drain(final long nowNs, final int budget)
    {
        int done = 0;
        while (done < budget)
        {
            final long at = sendRing.peek();
            if (at < 0)
            {
                break;
            }
            final int length = sendRing.length(at);
            final boolean sent;
            try
            {
                sent = socket.send(sendRing.memory(), at + HEADER, length, sendRing.address(at), sendRing.port(at));
            }
            catch (final RuntimeException ex)
            {
                lastError = ex;
                count(SEND_ERRORS);
                retrying = false;
                sendRing.consume(at);
                done++;
                continue;
            }
            if (!sent)
            {
                if (!retrying)
                {
                    retrying = true;
                    retryStartNs = nowNs;
                    break;
                }
                if (nowNs - retryStartNs < config.sendRetryNs())
                {
                    break;
                }
                count(SEND_DROPS);
            }
            else
            {
                count(SENT);
            }
            retrying = false;
            sendRing.consume(at);
            done++;
        }
        return done;
    }

    /** Finishes a close: sends what it can, counts the rest as dropped, closes the socket. Stack thread. */
    void release(final long nowNs)
    {
        if (released)
        {
            return;
        }
        retrying = false;
        drain(nowNs, Integer.MAX_VALUE);
        discard();
        socket.close();
        released = true;
    }

    /** The stack is closing: the channel closes without sending. Stack thread. */
    void stackClosed()
    {
        if (!closed)
        {
            closedByStack = true;
            closed = true;
        }
        discard();
        socket.close();
        released = true;
    }

    private void discard()
    {
        for (long at = sendRing.peek(); at >= 0; at = sendRing.peek())
        {
            count(SEND_DROPS);
            sendRing.consume(at);
        }
    }

    /** Copies datagrams delivered to the socket into the receive ring. Stack thread. */
    private final class Receiver implements UdpHandler
    {
        @Override
        public void onDatagram(final UdpSocket from, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            final long at = length > receiveRing.maxPayload() ? -1 : receiveRing.claim(length);
            if (at < 0)
            {
                count(RECEIVE_DROPS);
                udp.receiveQueueFull();
                return;
            }
            MemorySegment.copy(segment, offset, receiveRing.memory(), at + HEADER, length);
            receiveRing.publish(at, length, sourceAddress, sourcePort);
            count(RECEIVED);
        }
    }
}
