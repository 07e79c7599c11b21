package io.tachyon.udp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.tachyon.ipv4.Ipv4Address;

/**
 * A UDP socket of one stack: the stack-thread API. Every method must be called on the stack's thread (from a
 * handler, a {@link io.tachyon.stack.StackCommand}, or the code that drives the stack's duty cycle), never
 * concurrently. Application threads use a {@link UdpChannel} instead.
 *
 * <h2>Life</h2>
 * Opened unbound by {@link Udp#open()} (or {@code Stack.openUdpSocket}); {@link #bind} gives it a local address
 * and port (port 0 picks an ephemeral one; address 0.0.0.0 means every address of the stack); the first send or
 * {@link #connect} of an unbound socket binds it to an ephemeral port. {@link #close()} frees the port and the
 * receive queue; every later call except {@link #close()} and {@link #isClosed()} throws
 * {@link IllegalStateException}.
 *
 * <h2>Send</h2>
 * {@code send(payload, address, port)} from a {@link MemorySegment}, a {@code byte[]}, a {@link ByteBuffer} (its
 * remaining bytes; the position advances when sent) or a Netty {@link ByteBuf} (its readable bytes; the reader
 * index advances when sent). The payload is copied once, straight into a driver TX buffer (heap {@code ByteBuf}s
 * and direct {@code ByteBuffer}s included; a direct {@code ByteBuf} goes through a scratch array, two copies). A
 * datagram above the path MTU is fragmented. The forms without an address send to the connected peer. A send
 * returns false when no TX buffer is free (counted, SndbufErrors), and throws for bad calls: a closed socket, a
 * payload over {@value Udp#MAX_PAYLOAD} bytes, a port outside {@code [1, 65535]}, a broadcast destination without
 * {@link #broadcast(boolean)}, or no route to the destination.
 *
 * <h2>Receive</h2>
 * Either a zero-copy {@link UdpHandler} set with {@link #handler(UdpHandler)}, called for each datagram with a view
 * of the receive buffer; or, without a handler, a bounded receive queue (an off-heap ring allocated at open; when
 * it is full datagrams are dropped and counted, RcvbufErrors) drained by the {@code receive} methods, which return
 * the datagram's length, or {@link #NOTHING} when the queue is empty, and leave the sender in
 * {@link #lastSourceAddress()} and {@link #lastSourcePort()}.
 *
 * <h2>Multicast and broadcast</h2>
 * {@link #joinGroup(int)} makes the socket receive datagrams sent to a group on its port (bind to the wildcard
 * address or to the group address; with {@link #reuseAddress(boolean)} several sockets, of one application or
 * several, share the port and each gets its own copy); the stack reports the membership with IGMP and sends the
 * leave report when the last socket leaves. {@link #leaveGroup(int)} or {@link #close()} ends it. At most
 * {@value #MAX_GROUPS} groups per socket (Linux's {@code igmp_max_memberships} default). Sending to a group needs no
 * join: it goes to the group's MAC address with {@link #multicastTtl(int)} (1 by default), and is not looped back to
 * this stack's own sockets. Broadcast datagrams reach every socket bound to their port; sending one needs
 * {@link #broadcast(boolean)}. See {@link Udp} for the exact delivery rules.
 *
 * <h2>Errors</h2>
 * ICMP errors quoting a datagram this socket sent, and next hops that did not resolve, reach the socket like
 * Linux's {@code IP_RECVERR}: through a {@link UdpErrorHandler}, or else a bounded error queue read with
 * {@link #pollError(UdpError)}.
 */
public final class UdpSocket implements AutoCloseable
{
    /** {@code receive} result: the queue is empty. */
    public static final int NOTHING = -1;
    /** The most groups one socket joins at once (Linux's {@code net.ipv4.igmp_max_memberships} default). */
    public static final int MAX_GROUPS = 20;

    private final Udp udp;
    private final ReceiveRing ring;
    private final int[] errorOrigin;
    private final int[] errorType;
    private final int[] errorCode;
    private final int[] errorInfo;
    private final int[] errorAddress;
    private final int[] errorPort;
    private int errorHead;
    private int errorCount;
    private final int[] groups = new int[MAX_GROUPS];
    private int groupCount;

    UdpSocket nextOnPort;

    private boolean closed;
    private boolean bound;
    private int localAddress;
    private int localPort;
    private boolean connected;
    private int remoteAddress;
    private int remotePort;
    private boolean broadcast;
    private boolean reuseAddress;
    private boolean pathMtuDiscovery = true;
    private int ttl;
    private int multicastTtl;
    private int tos;
    private UdpHandler handler;
    private UdpErrorHandler errorHandler;
    private int lastSourceAddress;
    private int lastSourcePort;
    private ByteBuffer cachedBuffer;
    private MemorySegment cachedSegment;

    UdpSocket(final Udp udp, final ReceiveRing ring, final int errorQueueLength, final int ttl,
        final int multicastTtl)
    {
        this.udp = udp;
        this.ring = ring;
        this.ttl = ttl;
        this.multicastTtl = multicastTtl;
        errorOrigin = new int[errorQueueLength];
        errorType = new int[errorQueueLength];
        errorCode = new int[errorQueueLength];
        errorInfo = new int[errorQueueLength];
        errorAddress = new int[errorQueueLength];
        errorPort = new int[errorQueueLength];
    }

    // ------------------------------------------------------------------------------------------------------------
    // Binding and connecting
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Binds to a local address and port.
     *
     * @param address 0 (0.0.0.0, every address), the stack's address, a broadcast address or a multicast group.
     * @param port    {@code [0, 65535]}; 0 picks a free ephemeral port.
     * @return this.
     * @throws IllegalStateException if closed, already bound, or the port is in use (EADDRINUSE) without
     *                               {@link #reuseAddress(boolean)} on every socket sharing it.
     * @throws IllegalArgumentException for a port out of range or an address not of this stack.
     */
    public UdpSocket bind(final int address, final int port)
    {
        checkOpen();
        if (bound)
        {
            throw new IllegalStateException("UDP socket is already bound to " + Ipv4Address.toString(localAddress)
                + ":" + localPort);
        }
        udp.bind(this, address, port);
        return this;
    }

    /**
     * Binds to a port on every address of the stack.
     *
     * @param port {@code [0, 65535]}; 0 picks an ephemeral port.
     * @return this.
     */
    public UdpSocket bind(final int port)
    {
        return bind(Ipv4Address.ANY, port);
    }

    void bound(final int address, final int port)
    {
        bound = true;
        localAddress = address;
        localPort = port;
    }

    /**
     * Connects: the socket then receives only from this peer (which wins over sockets merely bound to the port),
     * and the {@code send} forms without an address go to it. An unbound socket is bound to an ephemeral port.
     *
     * @param address the peer's address.
     * @param port    the peer's port, {@code [1, 65535]}.
     * @return this.
     * @throws IllegalStateException if closed, or the peer is a broadcast address without
     *                               {@link #broadcast(boolean)}.
     * @throws IllegalArgumentException for a port out of range or a peer without a route.
     */
    public UdpSocket connect(final int address, final int port)
    {
        checkOpen();
        checkPort(port);
        udp.checkRoute(address);
        if (udp.ipv4().isBroadcast(address) && !broadcast)
        {
            throw new IllegalStateException("connecting to the broadcast address " + Ipv4Address.toString(address)
                + " needs broadcast(true) on the socket (SO_BROADCAST)");
        }
        if (!bound)
        {
            udp.bind(this, Ipv4Address.ANY, 0);
        }
        connected = true;
        remoteAddress = address;
        remotePort = port;
        return this;
    }

    /**
     * Forgets the peer: the socket receives from anyone again.
     *
     * @return this.
     */
    public UdpSocket disconnect()
    {
        checkOpen();
        connected = false;
        remoteAddress = 0;
        remotePort = 0;
        return this;
    }

    /**
     * Whether the socket is bound.
     *
     * @return true once bound.
     */
    public boolean isBound()
    {
        return bound;
    }

    /**
     * Whether the socket is connected.
     *
     * @return true between {@link #connect} and {@link #disconnect()}.
     */
    public boolean isConnected()
    {
        return connected;
    }

    /**
     * The local address (0 for every address).
     *
     * @return the address.
     */
    public int localAddress()
    {
        return localAddress;
    }

    /**
     * The local port.
     *
     * @return the port, 0 while unbound.
     */
    public int localPort()
    {
        return localPort;
    }

    /**
     * The connected peer's address.
     *
     * @return the address, 0 when not connected.
     */
    public int remoteAddress()
    {
        return remoteAddress;
    }

    /**
     * The connected peer's port.
     *
     * @return the port, 0 when not connected.
     */
    public int remotePort()
    {
        return remotePort;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Multicast groups
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Joins a multicast group (IP_ADD_MEMBERSHIP on the stack's one interface): datagrams to the group and this
     * socket's port are delivered to it from now on. The stack's first join of a group sends an IGMP membership
     * report. The socket need not be bound yet.
     *
     * @param group a multicast address, 224.0.0.0/4.
     * @return this.
     * @throws IllegalArgumentException if {@code group} is not a multicast address.
     * @throws IllegalStateException if closed, already a member (EADDRINUSE), {@value #MAX_GROUPS} groups are
     *                               joined already, or the stack's group table is full.
     */
    public UdpSocket joinGroup(final int group)
    {
        checkOpen();
        checkGroup(group);
        if (isMemberOf(group))
        {
            throw new IllegalStateException("UDP socket already joined " + Ipv4Address.toString(group)
                + " (EADDRINUSE)");
        }
        if (groupCount == MAX_GROUPS)
        {
            throw new IllegalStateException("UDP socket cannot join " + Ipv4Address.toString(group) + ": it is in "
                + MAX_GROUPS + " groups already, the limit per socket");
        }
        udp.joinGroup(this, group);
        groups[groupCount++] = group;
        return this;
    }

    /**
     * Leaves a multicast group joined with {@link #joinGroup(int)} (IP_DROP_MEMBERSHIP); when no other socket of
     * the stack is in it, the stack leaves the group (IGMP leave or state-change report).
     *
     * @param group the group.
     * @return this.
     * @throws IllegalArgumentException if {@code group} is not a multicast address.
     * @throws IllegalStateException if closed, or this socket did not join the group (EADDRNOTAVAIL).
     */
    public UdpSocket leaveGroup(final int group)
    {
        checkOpen();
        checkGroup(group);
        for (int i = 0; i < groupCount; i++)
        {
            if (groups[i] == group)
            {
                groups[i] = groups[--groupCount];
                udp.leaveGroup(this, group);
                return this;
            }
        }
        throw new IllegalStateException("UDP socket has not joined " + Ipv4Address.toString(group)
            + " (EADDRNOTAVAIL)");
    }

    /**
     * Whether this socket joined a group. Allocation-free.
     *
     * @param group an address.
     * @return true between {@link #joinGroup(int)} and {@link #leaveGroup(int)}.
     */
    public boolean isMemberOf(final int group)
    {
        for (int i = 0; i < groupCount; i++)
        {
            if (groups[i] == group)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * How many groups this socket joined.
     *
     * @return the count, {@code [0, MAX_GROUPS]}.
     */
    public int groupCount()
    {
        return groupCount;
    }

    private static void checkGroup(final int group)
    {
        if (!Ipv4Address.isMulticast(group))
        {
            throw new IllegalArgumentException(Ipv4Address.toString(group) + " is not a multicast group address"
                + " (224.0.0.0/4)");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Options
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Allows sending to broadcast addresses (SO_BROADCAST); off by default.
     *
     * @param value true to allow.
     * @return this.
     */
    public UdpSocket broadcast(final boolean value)
    {
        checkOpen();
        broadcast = value;
        return this;
    }

    /**
     * Whether sending to broadcast addresses is allowed.
     *
     * @return the option.
     */
    public boolean broadcast()
    {
        return broadcast;
    }

    /**
     * Lets several sockets bind the same port (SO_REUSEADDR, needed for multicast receivers); set it on every
     * socket that shares the port, before binding. Off by default.
     *
     * @param value true to allow sharing.
     * @return this.
     * @throws IllegalStateException if closed or already bound.
     */
    public UdpSocket reuseAddress(final boolean value)
    {
        checkOpen();
        if (bound)
        {
            throw new IllegalStateException("reuseAddress must be set before bind");
        }
        reuseAddress = value;
        return this;
    }

    /**
     * Whether the port may be shared.
     *
     * @return the option.
     */
    public boolean reuseAddress()
    {
        return reuseAddress;
    }

    /**
     * The TTL of unicast and broadcast datagrams (IP_TTL); the stack's default TTL unless set.
     *
     * @param value {@code [1, 255]}.
     * @return this.
     */
    public UdpSocket ttl(final int value)
    {
        checkOpen();
        if (value < 1 || value > 255)
        {
            throw new IllegalArgumentException("TTL " + value + " is not in [1, 255]");
        }
        ttl = value;
        return this;
    }

    /**
     * The TTL of unicast and broadcast datagrams.
     *
     * @return the TTL.
     */
    public int ttl()
    {
        return ttl;
    }

    /**
     * The TTL of multicast datagrams (IP_MULTICAST_TTL); the stack's multicast TTL (1) unless set.
     *
     * @param value {@code [0, 255]}.
     * @return this.
     */
    public UdpSocket multicastTtl(final int value)
    {
        checkOpen();
        if (value < 0 || value > 255)
        {
            throw new IllegalArgumentException("multicast TTL " + value + " is not in [0, 255]");
        }
        multicastTtl = value;
        return this;
    }

    /**
     * The TTL of multicast datagrams.
     *
     * @return the TTL.
     */
    public int multicastTtl()
    {
        return multicastTtl;
    }

    /**
     * The TOS byte of sent datagrams (IP_TOS); 0 by default.
     *
     * @param value {@code [0, 255]}.
     * @return this.
     */
    public UdpSocket tos(final int value)
    {
        checkOpen();
        if (value < 0 || value > 255)
        {
            throw new IllegalArgumentException("TOS " + value + " is not in [0, 255]");
        }
        tos = value;
        return this;
    }

    /**
     * The TOS byte of sent datagrams.
     *
     * @return the TOS.
     */
    public int tos()
    {
        return tos;
    }

    /**
     * Path MTU discovery (like Linux's IP_PMTUDISC_WANT, the default): datagrams that fit the path MTU carry Don't
     * Fragment so routers report smaller MTUs, larger ones are fragmented. Off: DF is never set.
     *
     * @param value true to set DF on datagrams that fit.
     * @return this.
     */
    public UdpSocket pathMtuDiscovery(final boolean value)
    {
        checkOpen();
        pathMtuDiscovery = value;
        return this;
    }

    /**
     * Whether path MTU discovery is on.
     *
     * @return the option.
     */
    public boolean pathMtuDiscovery()
    {
        return pathMtuDiscovery;
    }

    /**
     * Sets the zero-copy receive callback; null returns to the receive queue.
     *
     * @param value the handler, or null.
     * @return this.
     */
    public UdpSocket handler(final UdpHandler value)
    {
        checkOpen();
        handler = value;
        return this;
    }

    /**
     * The receive callback.
     *
     * @return the handler, or null.
     */
    public UdpHandler handler()
    {
        return handler;
    }

    /**
     * Sets the error callback; null returns to the error queue.
     *
     * @param value the handler, or null.
     * @return this.
     */
    public UdpSocket errorHandler(final UdpErrorHandler value)
    {
        checkOpen();
        errorHandler = value;
        return this;
    }

    /**
     * The error callback.
     *
     * @return the handler, or null.
     */
    public UdpErrorHandler errorHandler()
    {
        return errorHandler;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Send
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Sends a datagram.
     *
     * @param payload the memory holding the payload.
     * @param offset  where it starts.
     * @param length  its length, {@code [0, 65507]}.
     * @param address the destination.
     * @param port    the destination port, {@code [1, 65535]}.
     * @return true if sent (or queued for ARP); false if no TX buffer was free.
     * @throws IllegalStateException if closed, or for a broadcast destination without {@link #broadcast(boolean)}.
     * @throws IllegalArgumentException for a payload too big, a bad port, or no route.
     * @throws IndexOutOfBoundsException if the payload is not inside {@code payload}.
     */
    public boolean send(final MemorySegment payload, final long offset, final int length, final int address,
        final int port)
    {
        checkSend(length, address, port);
        Objects.checkFromIndexSize(offset, length, payload.byteSize());
        if (!udp.sendBegin(this, address, port, length))
        {
            return false;
        }
        try
        {
            MemorySegment.copy(payload, offset, udp.sendSegment(), udp.sendPayloadOffset(), length);
        }
        catch (final RuntimeException ex)
        {
            udp.sendAbort();
            throw ex;
        }
        return udp.sendEnd();
    }

    /**
     * Sends a datagram to the connected peer.
     *
     * @param payload the memory holding the payload.
     * @param offset  where it starts.
     * @param length  its length.
     * @return true if sent; false if no TX buffer was free.
     * @throws IllegalStateException if not connected (and as {@link #send(MemorySegment, long, int, int, int)}).
     */
    public boolean send(final MemorySegment payload, final long offset, final int length)
    {
        checkConnected();
        return send(payload, offset, length, remoteAddress, remotePort);
    }

    /**
     * Sends a datagram from an array.
     *
     * @param payload the array.
     * @param offset  where the payload starts.
     * @param length  its length, {@code [0, 65507]}.
     * @param address the destination.
     * @param port    the destination port.
     * @return true if sent; false if no TX buffer was free.
     * @throws IllegalStateException as {@link #send(MemorySegment, long, int, int, int)}.
     */
    public boolean send(final byte[] payload, final int offset, final int length, final int address, final int port)
    {
        checkSend(length, address, port);
        Objects.checkFromIndexSize(offset, length, payload.length);
        if (!udp.sendBegin(this, address, port, length))
        {
            return false;
        }
        MemorySegment.copy(payload, offset, udp.sendSegment(), ValueLayout.JAVA_BYTE, udp.sendPayloadOffset(),
            length);
        return udp.sendEnd();
    }

    /**
     * Sends a datagram from an array to the connected peer.
     *
     * @param payload the array.
     * @param offset  where the payload starts.
     * @param length  its length.
     * @return true if sent; false if no TX buffer was free.
     */
    public boolean send(final byte[] payload, final int offset, final int length)
    {
        checkConnected();
        return send(payload, offset, length, remoteAddress, remotePort);
    }

    /**
     * Sends the remaining bytes of a buffer as one datagram; the position advances past them when it is sent.
     *
     * @param payload the buffer.
     * @param address the destination.
     * @param port    the destination port.
     * @return true if sent; false if no TX buffer was free (the position is unchanged).
     */
    public boolean send(final ByteBuffer payload, final int address, final int port)
    {
        final int length = payload.remaining();
        checkSend(length, address, port);
        final int position = payload.position();
        if (!udp.sendBegin(this, address, port, length))
        {
            return false;
        }
        if (payload.hasArray())
        {
            MemorySegment.copy(payload.array(), payload.arrayOffset() + position, udp.sendSegment(),
                ValueLayout.JAVA_BYTE, udp.sendPayloadOffset(), length);
        }
        else
        {
            MemorySegment.copy(segmentOf(payload), position, udp.sendSegment(), udp.sendPayloadOffset(), length);
        }
        if (!udp.sendEnd())
        {
            return false;
        }
        payload.position(position + length);
        return true;
    }

    /**
     * Sends the remaining bytes of a buffer to the connected peer.
     *
     * @param payload the buffer.
     * @return true if sent; false if no TX buffer was free.
     */
    public boolean send(final ByteBuffer payload)
    {
        checkConnected();
        return send(payload, remoteAddress, remotePort);
    }

    /**
     * Sends the readable bytes of a Netty buffer as one datagram; the reader index advances past them when sent.
     *
     * @param payload the buffer.
     * @param address the destination.
     * @param port    the destination port.
     * @return true if sent; false if no TX buffer was free (the reader index is unchanged).
     */
    public boolean send(final ByteBuf payload, final int address, final int port)
    {
        final int length = payload.readableBytes();
        checkSend(length, address, port);
        final int index = payload.readerIndex();
        if (!udp.sendBegin(this, address, port, length))
        {
            return false;
        }
        if (payload.hasArray())
        {
            MemorySegment.copy(payload.array(), payload.arrayOffset() + index, udp.sendSegment(),
                ValueLayout.JAVA_BYTE, udp.sendPayloadOffset(), length);
        }
        else
        {
            final byte[] scratch = udp.scratch();
            payload.getBytes(index, scratch, 0, length);
            MemorySegment.copy(scratch, 0, udp.sendSegment(), ValueLayout.JAVA_BYTE, udp.sendPayloadOffset(), length);
        }
        if (!udp.sendEnd())
        {
            return false;
        }
        payload.readerIndex(index + length);
        return true;
    }

    /**
     * Sends the readable bytes of a Netty buffer to the connected peer.
     *
     * @param payload the buffer.
     * @return true if sent; false if no TX buffer was free.
     */
    public boolean send(final ByteBuf payload)
    {
        checkConnected();
        return send(payload, remoteAddress, remotePort);
    }

    private void checkSend(final int length, final int address, final int port)
    {
        checkOpen();
        if (length < 0 || length > Udp.MAX_PAYLOAD)
        {
            throw new IllegalArgumentException("UDP payload of " + length + " bytes is not in [0, " + Udp.MAX_PAYLOAD
                + "] (65535 minus the 20-byte IPv4 and 8-byte UDP headers)");
        }
        checkPort(port);
        if (!bound)
        {
            udp.checkRoute(address);
            udp.bind(this, Ipv4Address.ANY, 0);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Receive
    // ------------------------------------------------------------------------------------------------------------

    boolean enqueue(final MemorySegment segment, final long offset, final int length, final int source,
        final int sourcePort)
    {
        return ring.offer(segment, offset, length, source, sourcePort);
    }

    /**
     * Takes the oldest queued datagram into an array. Copies {@code min(length, capacity)} bytes; the rest of a
     * longer datagram is discarded.
     *
     * @param target   where to copy it.
     * @param offset   where in {@code target}.
     * @param capacity the room there.
     * @return the datagram's length (more than {@code capacity} when it was cut), or {@link #NOTHING}.
     */
    public int receive(final byte[] target, final int offset, final int capacity)
    {
        checkOpen();
        Objects.checkFromIndexSize(offset, capacity, target.length);
        if (!ring.peek())
        {
            return NOTHING;
        }
        final int length = ring.headLength();
        MemorySegment.copy(ring.memory(), ValueLayout.JAVA_BYTE, ring.headPayloadOffset(), target, offset,
            Math.min(length, capacity));
        return taken(length);
    }

    /**
     * Takes the oldest queued datagram into memory. Copies {@code min(length, capacity)} bytes.
     *
     * @param target   where to copy it.
     * @param offset   where in {@code target}.
     * @param capacity the room there.
     * @return the datagram's length, or {@link #NOTHING}.
     */
    public int receive(final MemorySegment target, final long offset, final int capacity)
    {
        checkOpen();
        Objects.checkFromIndexSize(offset, capacity, target.byteSize());
        if (!ring.peek())
        {
            return NOTHING;
        }
        final int length = ring.headLength();
        MemorySegment.copy(ring.memory(), ring.headPayloadOffset(), target, offset, Math.min(length, capacity));
        return taken(length);
    }

    /**
     * Takes the oldest queued datagram into a buffer at its position, which advances by the bytes copied
     * ({@code min(length, remaining)}).
     *
     * @param target the buffer.
     * @return the datagram's length, or {@link #NOTHING}.
     * @throws ReadOnlyBufferException if the buffer is read-only.
     */
    public int receive(final ByteBuffer target)
    {
        checkOpen();
        if (target.isReadOnly())
        {
            throw new ReadOnlyBufferException();
        }
        if (!ring.peek())
        {
            return NOTHING;
        }
        final int length = ring.headLength();
        final int n = Math.min(length, target.remaining());
        final int position = target.position();
        if (target.hasArray())
        {
            MemorySegment.copy(ring.memory(), ValueLayout.JAVA_BYTE, ring.headPayloadOffset(), target.array(),
                target.arrayOffset() + position, n);
        }
        else
        {
            MemorySegment.copy(ring.memory(), ring.headPayloadOffset(), segmentOf(target), position, n);
        }
        target.position(position + n);
        return taken(length);
    }

    /**
     * Takes the oldest queued datagram into a Netty buffer at its writer index, which advances by the bytes copied
     * ({@code min(length, writableBytes())}; the buffer is not grown).
     *
     * @param target the buffer.
     * @return the datagram's length, or {@link #NOTHING}.
     */
    public int receive(final ByteBuf target)
    {
        checkOpen();
        if (!ring.peek())
        {
            return NOTHING;
        }
        final int length = ring.headLength();
        final int n = Math.min(length, target.writableBytes());
        final int index = target.writerIndex();
        if (target.hasArray())
        {
            MemorySegment.copy(ring.memory(), ValueLayout.JAVA_BYTE, ring.headPayloadOffset(), target.array(),
                target.arrayOffset() + index, n);
        }
        else
        {
            final byte[] scratch = udp.scratch();
            MemorySegment.copy(ring.memory(), ValueLayout.JAVA_BYTE, ring.headPayloadOffset(), scratch, 0, n);
            target.setBytes(index, scratch, 0, n);
        }
        target.writerIndex(index + n);
        return taken(length);
    }

    private int taken(final int length)
    {
        lastSourceAddress = ring.headSource();
        lastSourcePort = ring.headPort();
        ring.consume();
        return length;
    }

    /**
     * The sender of the datagram the last successful {@code receive} returned.
     *
     * @return the address.
     */
    public int lastSourceAddress()
    {
        return lastSourceAddress;
    }

    /**
     * The sender's port of the datagram the last successful {@code receive} returned.
     *
     * @return the port.
     */
    public int lastSourcePort()
    {
        return lastSourcePort;
    }

    /**
     * Datagrams waiting in the receive queue.
     *
     * @return the count.
     */
    public int pendingDatagrams()
    {
        return ring.count();
    }

    /**
     * Payload bytes waiting in the receive queue.
     *
     * @return the byte count.
     */
    public long pendingBytes()
    {
        return ring.payloadBytes();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------------------

    boolean enqueueError(final int origin, final int type, final int code, final int info, final int address,
        final int port)
    {
        final int capacity = errorType.length;
        if (errorCount == capacity)
        {
            return false;
        }
        final int at = (errorHead + errorCount) % capacity;
        errorOrigin[at] = origin;
        errorType[at] = type;
        errorCode[at] = code;
        errorInfo[at] = info;
        errorAddress[at] = address;
        errorPort[at] = port;
        errorCount++;
        return true;
    }

    /**
     * Takes the oldest queued error.
     *
     * @param into the holder to fill.
     * @return false when no error is queued.
     */
    public boolean pollError(final UdpError into)
    {
        checkOpen();
        if (errorCount == 0)
        {
            return false;
        }
        final int at = errorHead;
        into.set(errorOrigin[at], errorType[at], errorCode[at], errorInfo[at], errorAddress[at], errorPort[at]);
        errorHead = (at + 1) % errorType.length;
        errorCount--;
        return true;
    }

    /**
     * Errors waiting in the error queue.
     *
     * @return the count.
     */
    public int pendingErrors()
    {
        return errorCount;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Close
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Leaves every group the socket joined, frees the port and the receive queue. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        while (groupCount > 0)
        {
            udp.leaveGroup(this, groups[--groupCount]);
        }
        udp.closed(this);
        ring.close();
        handler = null;
        errorHandler = null;
        cachedBuffer = null;
        cachedSegment = null;
    }

    /**
     * Whether the socket is closed.
     *
     * @return true after {@link #close()}.
     */
    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public String toString()
    {
        return "UdpSocket[" + (closed ? "closed" : bound ? Ipv4Address.toString(localAddress) + ":" + localPort
            : "unbound") + (connected ? " -> " + Ipv4Address.toString(remoteAddress) + ":" + remotePort : "") + "]";
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("UDP socket is closed");
        }
    }

    private void checkConnected()
    {
        checkOpen();
        if (!connected)
        {
            throw new IllegalStateException("UDP socket is not connected: give a destination address and port");
        }
    }

    private static void checkPort(final int port)
    {
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("destination port " + port + " is not in [1, 65535]");
        }
    }

    /** A segment over the whole of a buffer without an accessible array, cached by identity. */
    private MemorySegment segmentOf(final ByteBuffer buffer)
    {
        if (buffer != cachedBuffer)
        {
            cachedSegment = MemorySegment.ofBuffer(buffer.duplicate().clear());
            cachedBuffer = buffer;
        }
        return cachedSegment;
    }
}
