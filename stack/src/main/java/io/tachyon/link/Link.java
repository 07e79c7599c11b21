package io.tachyon.link;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import io.tachyon.arp.Arp;
import io.tachyon.arp.ArpOutput;
import io.tachyon.counters.CounterFamily;
import io.tachyon.counters.SystemCounterDescriptor;
import io.tachyon.driver.DriverCapabilities;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.wire.ArpFlyweight;
import io.tachyon.wire.EthernetFlyweight;
import io.tachyon.wire.Malformed;

/**
 * Ethernet for one driver queue: receive-side classification and dispatch, and the transmit side of the stack.
 * <p>
 * <b>Receive.</b> {@link #receive()} fills the RX batch; {@link #onFrame(int, long)} parses one frame and hands it
 * to ARP or to the {@link NetworkInput}. Accepted: frames to our MAC, to the broadcast address and to group
 * addresses (the IPv4 layer filters multicast groups). Dropped and counted: malformed frames (per
 * {@link Malformed} reason), unicast frames for other MACs, frames from our own or a group source MAC, VLAN-tagged
 * frames (the stack runs on an untagged interface), IPv6 and unknown EtherTypes. {@link #releaseReceived()} hands
 * the RX frames back, except those transmitted in place.
 * <p>
 * <b>Transmit.</b> Frames are built in TX buffers acquired into one {@link FrameBatch} and handed to the driver by
 * {@link #flush()}. A protocol builds one frame at a time: {@link #begin(long, int)}, write from
 * {@link #frameOffset()} + 14, {@link #end(int, int, long)}. A frame whose next hop has no MAC address yet is built
 * in a scratch buffer and handed to {@link Arp#enqueue}, which keeps a copy until the address resolves. A full batch is
 * flushed before a new buffer is taken (never while a frame is half built). The driver may accept a prefix of a
 * batch: the rest is retried at the next flush, and after {@code txRetryLimit} duty cycles without progress it is
 * released and counted ({@link LinkCounter#TX_DROPPED}). Frames shorter than the Ethernet minimum of 60 bytes are
 * padded with zeros.
 * <p>
 * <b>ARP.</b> The link is ARP's {@link ArpOutput}: ARP frames are copied into TX buffers of the same batch.
 * <p>
 * Threading: the stack thread only. Nothing allocates after construction.
 */
public final class Link implements ArpOutput
{
    /** The Ethernet header length (untagged). */
    public static final int HEADER_LENGTH = EthernetFlyweight.HEADER_LENGTH;
    /** The shortest Ethernet frame without FCS; shorter frames are zero padded. */
    public static final int MIN_FRAME_LENGTH = 60;

    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[MIN_FRAME_LENGTH]);
    private static final int NONE = -1;
    private static final int SCRATCH = -2;

    private final DriverQueue queue;
    private final DriverCapabilities capabilities;
    private final long localMac;
    private final int txRetryLimit;
    private final CounterFamily<LinkCounter> counters;
    private final CounterFamily<Malformed> malformed;
    private final CounterFamily<SystemCounterDescriptor> system;
    private final FrameBatch rx;
    private final boolean[] rxConsumed;
    private final FrameBatch tx;
    private final long[] prefixBytes;
    private final MemorySegment scratch;
    private final EthernetFlyweight rxEthernet = new EthernetFlyweight();
    private final EthernetFlyweight txEthernet = new EthernetFlyweight();
    private final ArpFlyweight rxArp = new ArpFlyweight();

    private Arp arp;
    private NetworkInput network;
    private UnresolvedListener unresolvedListener;
    private int pending = NONE;
    private int pendingNextHop;
    private int retryCycles;

    /**
     * A link over a started (or about to be started) driver queue.
     *
     * @param queue        the queue.
     * @param capabilities the driver's capabilities.
     * @param localMac     our MAC address.
     * @param rxBurst      the RX batch capacity.
     * @param txBatch      the TX batch capacity.
     * @param txRetryLimit duty cycles refused frames are retried.
     * @param counters     the Ethernet counters.
     * @param malformed    the per-reason malformed counters.
     * @param system       the system counters (frames and bytes in and out).
     */
    public Link(final DriverQueue queue, final DriverCapabilities capabilities, final long localMac,
        final int rxBurst, final int txBatch, final int txRetryLimit, final CounterFamily<LinkCounter> counters,
        final CounterFamily<Malformed> malformed, final CounterFamily<SystemCounterDescriptor> system)
    {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
        this.localMac = localMac;
        this.txRetryLimit = txRetryLimit;
        this.counters = Objects.requireNonNull(counters, "counters");
        this.malformed = Objects.requireNonNull(malformed, "malformed");
        this.system = Objects.requireNonNull(system, "system");
        rx = new FrameBatch(rxBurst);
        rxConsumed = new boolean[rxBurst];
        tx = new FrameBatch(txBatch);
        prefixBytes = new long[txBatch + 1];
        scratch = MemorySegment.ofArray(new byte[Math.max(capabilities.maxFrameLength(), MIN_FRAME_LENGTH)]);
    }

    /**
     * Connects ARP (set once, before traffic).
     *
     * @param value the ARP instance whose output this link is.
     */
    public void arp(final Arp value)
    {
        arp = Objects.requireNonNull(value, "arp");
    }

    /**
     * Connects the IPv4 layer (set once, before traffic).
     *
     * @param value where IPv4 packets go.
     */
    public void network(final NetworkInput value)
    {
        network = Objects.requireNonNull(value, "network");
    }

    /**
     * Connects the listener for frames whose next hop did not resolve.
     *
     * @param value the listener.
     */
    public void unresolvedListener(final UnresolvedListener value)
    {
        unresolvedListener = value;
    }

    /**
     * Our MAC address.
     *
     * @return the address.
     */
    public long localMac()
    {
        return localMac;
    }

    /**
     * The driver's capabilities.
     *
     * @return the capabilities.
     */
    public DriverCapabilities capabilities()
    {
        return capabilities;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Receive
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Receives one burst into the RX batch.
     *
     * @return how many frames arrived.
     */
    public int receive()
    {
        final int n = queue.receive(rx);
        long bytes = 0;
        for (int i = 0; i < n; i++)
        {
            rxConsumed[i] = false;
            bytes += rx.length(i);
        }
        if (n > 0)
        {
            system.get(SystemCounterDescriptor.FRAMES_RECEIVED).add(n);
            system.get(SystemCounterDescriptor.BYTES_RECEIVED).add(bytes);
        }
        return n;
    }

    /**
     * The RX batch (valid between {@link #receive()} and {@link #releaseReceived()}).
     *
     * @return the batch.
     */
    public FrameBatch received()
    {
        return rx;
    }

    /**
     * Parses and dispatches received frame {@code index}.
     *
     * @param index the frame's index in the RX batch.
     * @param nowNs the duty cycle's time.
     * @return true if a protocol took it; false if it was dropped (counted by reason).
     */
    public boolean onFrame(final int index, final long nowNs)
    {
        final MemorySegment segment = rx.segment(index);
        final Malformed result = rxEthernet.wrap(segment, rx.offset(index), rx.length(index));
        if (result != Malformed.OK)
        {
            malformed.increment(result);
            return false;
        }
        final long destination = rxEthernet.destination();
        final boolean group = (destination >>> 40 & 1) != 0;
        if (!group && destination != localMac)
        {
            counters.increment(LinkCounter.NOT_FOR_US);
            return false;
        }
        final long source = rxEthernet.source();
        if (source == localMac)
        {
            counters.increment(LinkCounter.OWN_SOURCE);
            return false;
        }
        if ((source >>> 40 & 1) != 0)
        {
            counters.increment(LinkCounter.BAD_SOURCE);
            return false;
        }
        if (rxEthernet.vlanTagCount() != 0)
        {
            counters.increment(LinkCounter.VLAN_DROPPED);
            return false;
        }
        if (group)
        {
            counters.increment(destination == EthernetFlyweight.BROADCAST ? LinkCounter.BROADCAST_IN
                : LinkCounter.MULTICAST_IN);
        }
        final int etherType = rxEthernet.etherType();
        if (etherType == EthernetFlyweight.ETHER_TYPE_IPV4)
        {
            return network.onIpv4(segment, rxEthernet.payloadOffset(), rxEthernet.payloadLength(), rx.flags(index),
                index, group, nowNs);
        }
        if (etherType == EthernetFlyweight.ETHER_TYPE_ARP)
        {
            final Malformed arpResult = rxArp.wrap(segment, rxEthernet.payloadOffset(), rxEthernet.payloadLength());
            if (arpResult != Malformed.OK)
            {
                malformed.increment(arpResult);
                return false;
            }
            arp.onArp(rxArp, nowNs);
            return true;
        }
        counters.increment(etherType == EthernetFlyweight.ETHER_TYPE_IPV6 ? LinkCounter.IPV6_DROPPED
            : LinkCounter.UNKNOWN_ETHERTYPE);
        return false;
    }

    /**
     * Hands every received frame back to the driver, except those transmitted in place, and empties the RX batch.
     */
    public void releaseReceived()
    {
        final int n = rx.size();
        for (int i = 0; i < n; i++)
        {
            if (!rxConsumed[i])
            {
                queue.release(rx, i);
            }
        }
        rx.clear();
    }

    /**
     * Transmits received frame {@code rxIndex} in place, back to the MAC address it came from: swaps the Ethernet
     * addresses (destination = the frame's source, source = us) and moves the frame into the TX batch. The caller
     * has already rewritten the rest of the frame. Only when the driver allows it
     * ({@link DriverCapabilities#txFromRxFrame()}).
     *
     * @param rxIndex     the frame's index in the RX batch.
     * @param frameLength the new frame length (padded to 60 if shorter).
     * @return false if the TX batch is full and the driver accepts nothing (counted); the frame is then released
     *     normally.
     */
    public boolean transmitReceived(final int rxIndex, final int frameLength)
    {
        if (!capabilities.txFromRxFrame())
        {
            throw new IllegalStateException("driver does not allow transmitting a received frame in place");
        }
        if (!room())
        {
            return false;
        }
        final MemorySegment segment = rx.segment(rxIndex);
        final long offset = rx.offset(rxIndex);
        final int length = Math.max(frameLength, MIN_FRAME_LENGTH);
        if (length > rx.capacity(rxIndex))
        {
            throw new IllegalArgumentException("frame length " + length + " exceeds the RX buffer's capacity "
                + rx.capacity(rxIndex));
        }
        rxEthernet.wrap(segment, offset, length);
        final long requester = rxEthernet.source();
        txEthernet.wrapForWrite(segment, offset, length).destination(requester).source(localMac);
        tx.add(segment, offset, length, rx.capacity(rxIndex), rx.handle(rxIndex), rx.queue(rxIndex),
            FrameBatch.NO_TIMESTAMP, 0);
        rxConsumed[rxIndex] = true;
        counters.increment(LinkCounter.TX_IN_PLACE);
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Transmit
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Starts an IPv4 frame: takes a TX buffer (or, when {@code destinationMac} is {@link Arp#NO_MAC}, the scratch
     * buffer whose frame {@link #end} gives to ARP) and writes the Ethernet header. One frame at a time.
     *
     * @param destinationMac the next hop's MAC, or {@link Arp#NO_MAC} when ARP has not resolved it yet.
     * @param nextHop        the next hop's IPv4 address (for ARP).
     * @return false when no TX buffer is available (counted).
     * @throws IllegalStateException if a frame is already being built.
     */
    public boolean begin(final long destinationMac, final int nextHop)
    {
        if (pending != NONE)
        {
            throw new IllegalStateException("a frame is already being built");
        }
        if (destinationMac == Arp.NO_MAC)
        {
            pending = SCRATCH;
            pendingNextHop = nextHop;
            txEthernet.wrapForWrite(scratch, 0, HEADER_LENGTH).destination(0).source(localMac)
                .etherType(EthernetFlyweight.ETHER_TYPE_IPV4);
            return true;
        }
        final int index = acquire();
        if (index < 0)
        {
            return false;
        }
        pending = index;
        txEthernet.wrapForWrite(tx.segment(index), tx.offset(index), HEADER_LENGTH).destination(destinationMac)
            .source(localMac).etherType(EthernetFlyweight.ETHER_TYPE_IPV4);
        return true;
    }

    /**
     * The memory of the frame being built.
     *
     * @return the segment.
     */
    public MemorySegment frameSegment()
    {
        return pending == SCRATCH ? scratch : tx.segment(pending);
    }

    /**
     * Where the frame being built starts (its Ethernet header); the IPv4 header goes 14 bytes later.
     *
     * @return the offset.
     */
    public long frameOffset()
    {
        return pending == SCRATCH ? 0 : tx.offset(pending);
    }

    /**
     * The room of the frame being built, from {@link #frameOffset()}.
     *
     * @return bytes.
     */
    public int frameCapacity()
    {
        return pending == SCRATCH ? (int)scratch.byteSize() : tx.capacity(pending);
    }

    /**
     * Finishes the frame being built: it joins the TX batch, or, when its next hop is unresolved, goes to ARP.
     *
     * @param frameLength the frame's length, Ethernet header included (padded to 60 if shorter).
     * @param txFlags     {@code FrameBatch.TX_*} offload requests, or 0.
     * @param nowNs       the current time.
     * @return true if the frame was batched or queued by ARP; false if ARP dropped it (counted).
     */
    public boolean end(final int frameLength, final int txFlags, final long nowNs)
    {
        final int index = pending;
        if (index == NONE)
        {
            throw new IllegalStateException("no frame is being built");
        }
        pending = NONE;
        final MemorySegment segment = index == SCRATCH ? scratch : tx.segment(index);
        final long offset = index == SCRATCH ? 0 : tx.offset(index);
        int length = frameLength;
        if (length < MIN_FRAME_LENGTH)
        {
            MemorySegment.copy(ZEROS, 0, segment, offset + length, MIN_FRAME_LENGTH - length);
            length = MIN_FRAME_LENGTH;
        }
        if (index == SCRATCH)
        {
            if (arp.enqueue(pendingNextHop, scratch, 0, length, nowNs))
            {
                counters.increment(LinkCounter.TX_ARP_QUEUED);
                return true;
            }
            counters.increment(LinkCounter.TX_ARP_DROPPED);
            return false;
        }
        tx.length(index, length);
        tx.flags(index, txFlags);
        return true;
    }

    /**
     * Abandons the frame being built: its TX buffer goes back to the driver. Does nothing if none is.
     */
    public void cancel()
    {
        final int index = pending;
        pending = NONE;
        if (index >= 0)
        {
            queue.release(tx, index);
            tx.remove(index);
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Copies the frame into a TX buffer of the batch.
     */
    @Override
    public boolean transmit(final MemorySegment frame, final long offset, final int length)
    {
        final int index = acquire();
        if (index < 0)
        {
            return false;
        }
        if (tx.capacity(index) < length)
        {
            queue.release(tx, index);
            tx.remove(index);
            return false;
        }
        MemorySegment.copy(frame, offset, tx.segment(index), tx.offset(index), length);
        tx.length(index, length);
        tx.flags(index, 0);
        return true;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Passes the frame to the {@link UnresolvedListener}.
     */
    @Override
    public void unresolved(final int address, final MemorySegment frame, final long offset, final int length)
    {
        final UnresolvedListener listener = unresolvedListener;
        if (listener != null)
        {
            listener.unresolved(address, frame, offset, length);
        }
    }

    /**
     * Hands the TX batch to the driver, as much as it accepts.
     *
     * @return how many frames it accepted.
     */
    public int flush()
    {
        int accepted = 0;
        if (pending >= 0)
        {
            return 0; // a frame is half built at the end of the batch: never hand it to the driver
        }
        while (!tx.isEmpty())
        {
            final int size = tx.size();
            long sum = 0;
            for (int i = 0; i < size; i++)
            {
                prefixBytes[i] = sum;
                sum += tx.length(i);
            }
            prefixBytes[size] = sum;
            final int k = queue.transmit(tx);
            if (k == 0)
            {
                break;
            }
            accepted += k;
            system.get(SystemCounterDescriptor.FRAMES_SENT).add(k);
            system.get(SystemCounterDescriptor.BYTES_SENT).add(prefixBytes[k]);
            retryCycles = 0;
        }
        return accepted;
    }

    /**
     * Ends a duty cycle's transmit: frames still unaccepted count one retry; past the retry bound they are released
     * and counted as dropped.
     */
    public void endCycle()
    {
        if (tx.isEmpty())
        {
            retryCycles = 0;
            return;
        }
        system.increment(SystemCounterDescriptor.SEND_BACK_PRESSURE);
        counters.increment(LinkCounter.TX_RETRIES);
        if (++retryCycles > txRetryLimit)
        {
            counters.get(LinkCounter.TX_DROPPED).add(tx.size());
            queue.releaseAll(tx);
            retryCycles = 0;
        }
    }

    /**
     * Frames waiting in the TX batch.
     *
     * @return the count.
     */
    public int pendingTransmit()
    {
        return tx.size();
    }

    /**
     * Releases every frame the link holds (TX batch, unreleased RX frames). For close.
     */
    public void releaseAll()
    {
        pending = NONE;
        if (!tx.isEmpty())
        {
            queue.releaseAll(tx);
        }
        if (!rx.isEmpty())
        {
            releaseReceived();
        }
    }

    private boolean room()
    {
        if (tx.remaining() == 0)
        {
            flush();
            if (tx.remaining() == 0)
            {
                counters.increment(LinkCounter.TX_BATCH_FULL);
                return false;
            }
        }
        return true;
    }

    private int acquire()
    {
        if (!room())
        {
            return -1;
        }
        if (queue.acquire(tx, 1) != 1)
        {
            counters.increment(LinkCounter.TX_NO_BUFFER);
            return -1;
        }
        return tx.size() - 1;
    }
}
