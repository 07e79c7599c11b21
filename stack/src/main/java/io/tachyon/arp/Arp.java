package io.tachyon.arp;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

import org.agrona.collections.Int2IntHashMap;

import io.tachyon.time.TokenBucket;
import io.tachyon.wire.ArpFlyweight;
import io.tachyon.wire.EthernetFlyweight;

/**
 * ARP for one Ethernet interface with one IPv4 address: the neighbour table, the receive path (RFC 826), address
 * resolution with bounded queues of pending packets, neighbour unreachability detection (RFC 1122 §2.3.2.1, after
 * Linux's neighbour state machine, see {@link ArpState}), and gratuitous ARP (RFC 5227).
 * <p>
 * <b>Threading and memory.</b> One instance belongs to one stack thread and runs to completion. Everything is
 * allocated at construction: the table is parallel primitive arrays indexed by slot plus an
 * {@link Int2IntHashMap} from address to slot sized never to grow; timers are an indexed binary heap of one
 * deadline per slot; pending packets live in a fixed pool of {@code pendingMemoryBytes / maxFrameLength} slots.
 * No method allocates after construction. Bad packets never throw: they are counted ({@link ArpCounter}) and
 * dropped. Bad API use (a null segment, a frame region outside its segment) throws.
 * <p>
 * <b>Time.</b> Every method takes {@code nowNs}, epoch nanoseconds from the stack's {@link io.tachyon.time.Clock};
 * deadlines are compared by subtraction. Timers run from {@link #poll(long)}, which processes everything due;
 * {@link #nextDeadlineNs()} tells the duty cycle when to call it next. Time must not go backwards.
 * <p>
 * <b>Output.</b> Requests, replies, announcements and flushed packets go to an {@link ArpOutput}; every ARP frame
 * is 60 bytes (the Ethernet minimum without FCS), zero padded, untagged.
 *
 * <h2>Receive: {@link #onArp(ArpFlyweight, long)}</h2>
 * RFC 826, "Packet Reception":
 * <pre>
 *   Merge_flag := false
 *   If the pair &lt;protocol type, sender protocol address&gt; is already in my translation table, update the
 *   sender hardware address field of the entry with the new information in the packet and set Merge_flag to true.
 *   ?Am I the target protocol address?
 *   Yes:
 *     If Merge_flag is false, add the triplet &lt;protocol type, sender protocol address, sender hardware
 *     address&gt; to the translation table.
 *     ?Is the opcode ares_op$REQUEST?  (NOW look at the opcode!!)
 *     Yes:
 *       Swap hardware and protocol fields, putting the local hardware and protocol addresses in the sender
 *       fields. Set the ar$op field to ares_op$REPLY. Send the packet to the (new) target hardware address on
 *       the same hardware on which the request was received.
 * </pre>
 * So a flood of packets for other targets updates existing entries at most and never grows the table. Before the
 * merge, as Linux does, packets are dropped (and counted) whose sender hardware address is ours, zero or a group
 * address, whose sender address is not a unicast host address, or whose target is loopback or multicast. Then:
 * <ul>
 *   <li><b>Conflict</b> (RFC 5227 §2.4): a sender protocol address equal to ours from another hardware address is
 *       counted and reported ({@link ArpOutput#addressConflict}); nothing is merged or answered. Rule (b):
 *       "if the host has not seen any other conflicting ARP packets within the last DEFEND_INTERVAL seconds, [it]
 *       MAY elect to attempt to defend its address by recording the time that the conflicting ARP packet was
 *       received, and then broadcasting one single ARP Announcement". We do; the address is never given up
 *       (the application owns the address).</li>
 *   <li><b>Probe</b> (RFC 5227 §2.1.1, sender protocol address 0.0.0.0): never merged ("the 'sender IP address'
 *       field MUST be set to all zeroes ... to avoid polluting ARP caches"); a probe for our address is answered
 *       like any request, so the prober sees the conflict (Linux does the same).</li>
 *   <li><b>Gratuitous ARP</b> (sender == target protocol address, request or reply, RFC 5227 §3): its target is
 *       not us, so by the merge rule it updates an existing entry and never creates one.</li>
 *   <li><b>Static entries</b> are never changed by a packet ({@link ArpCounter#RX_STATIC_PROTECTED}).</li>
 * </ul>
 * The state a merge leaves follows Linux: a reply addressed to us confirms the neighbour (REACHABLE); any other
 * packet that teaches an address leaves the entry STALE (the neighbour can reach us, we have not shown that we can
 * reach it) and keeps the state when the address did not change. An entry that was INCOMPLETE flushes its pending
 * packets as soon as it learns an address.
 *
 * <h2>Resolve: {@link #resolve(int, long)} and {@link #enqueue}</h2>
 * {@code resolve} answers the hardware address of a usable entry (REACHABLE, STALE, DELAY, PROBE, STATIC). Using
 * a STALE entry starts re-confirmation, RFC 1122 §2.3.2.1 (1) and (2) as Linux does it: DELAY for
 * {@code delayProbeTimeNs}, during which {@link #confirm(int, long)} ("advice from higher layers", e.g. TCP
 * progress) or a reply makes it REACHABLE again; then PROBE: up to {@code maxRequests} unicast requests to the
 * cached address, one per {@code retryIntervalNs}, then FAILED. The entry stays usable throughout.
 * <p>
 * Without an entry, {@code resolve} creates an INCOMPLETE one and broadcasts a request; the timer repeats it every
 * {@code retryIntervalNs} until {@code maxRequests} were sent, and one interval after the last the entry becomes
 * FAILED: its pending packets are dropped (each reported to {@link ArpOutput#unresolved} for ICMP host
 * unreachable), and for {@code failedHoldDownNs} the address is not requested again and packets to it are
 * dropped at once. RFC 1122 §2.3.2.1: "a mechanism to prevent ARP flooding (repeatedly sending an ARP Request for
 * the same IP address, at a high rate) MUST be included. The recommended maximum rate is 1 per second per
 * destination." On top of the per-destination schedule, a global token bucket ({@code requestRate} per second,
 * {@code requestBurst} deep) limits every request sent; a request the bucket refuses still counts as one of the
 * {@code maxRequests} attempts, so a storm cannot keep entries INCOMPLETE forever.
 * <p>
 * RFC 1122 §2.3.2.2: "The link layer SHOULD save (rather than discard) at least one (the latest) packet of each
 * set of packets destined to the same unresolved IP address, and transmit the saved packet when the address has
 * been resolved." {@code enqueue} copies the frame into the pool: per neighbour at most
 * {@code pendingPerNeighbour} packets, the oldest dropped first; when the global pool is exhausted the new packet
 * is dropped. When the address resolves, the packets go out in order with the destination MAC filled in.
 *
 * <h2>Bounded table</h2>
 * The table holds at most {@code capacity} entries, static ones included. To create an entry in a full table, the
 * least recently used FAILED entry is evicted, else the least recently used STALE one; entries in use (REACHABLE,
 * DELAY, PROBE), resolutions in progress (INCOMPLETE, which may hold packets) and static entries are never
 * evicted. If nothing can be evicted the entry is not created ({@link ArpCounter#TABLE_FULL}). Eviction scans the
 * table, which happens only when it is full.
 *
 * <h2>Timers: {@link #nextDeadlineNs()} and {@link #poll(long)}</h2>
 * INCOMPLETE and PROBE: the next request, or FAILED. REACHABLE: STALE at exactly confirmation +
 * {@code reachableTimeNs} (not randomised, unlike Linux). STALE: freed when unused for {@code gcStaleTimeNs}.
 * DELAY: PROBE. FAILED: freed at the end of the hold-down. Announcements: the next one.
 */
public final class Arp
{
    /** {@link #resolve} result: no usable hardware address (yet). */
    public static final long NO_MAC = -1L;
    /** {@link #nextDeadlineNs()} result when no timer is set. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    /** The length of every ARP frame this class sends: the Ethernet minimum without FCS, zero padded. */
    public static final int FRAME_LENGTH = 60;

    private static final int MISSING = -1;
    private static final int ARP_OFFSET = EthernetFlyweight.HEADER_LENGTH;

    private static final byte INCOMPLETE = (byte)ArpState.INCOMPLETE.ordinal();
    private static final byte REACHABLE = (byte)ArpState.REACHABLE.ordinal();
    private static final byte STALE = (byte)ArpState.STALE.ordinal();
    private static final byte DELAY = (byte)ArpState.DELAY.ordinal();
    private static final byte PROBE = (byte)ArpState.PROBE.ordinal();
    private static final byte FAILED = (byte)ArpState.FAILED.ordinal();
    private static final byte STATIC = (byte)ArpState.STATIC.ordinal();

    private final ArpConfig config;
    private final ArpOutput output;
    private final long localMac;
    private final int localAddress;
    private final int capacity;

    // The table: slot-indexed parallel arrays.
    private final Int2IntHashMap index;
    private final int[] addresses;
    private final long[] macs;
    private final byte[] states;
    private final long[] usedNs;
    private final int[] requestsSent;
    private final int[] freeSlots;
    private int freeSlotCount;
    private final DeadlineHeap timers;

    // Pending packets: a pool of fixed-size frame slots, linked per neighbour.
    private final MemorySegment pool;
    private final int poolSlotSize;
    private final int[] poolNext;
    private final int[] poolLength;
    private final int[] freePool;
    private int freePoolCount;
    private long pendingBytes;
    private final int[] pendingHead;
    private final int[] pendingTail;
    private final int[] pendingCount;

    // Output.
    private final MemorySegment txFrame = MemorySegment.ofArray(new byte[FRAME_LENGTH]);
    private final EthernetFlyweight txEthernet = new EthernetFlyweight();
    private final ArpFlyweight txArp = new ArpFlyweight();
    private final EthernetFlyweight poolEthernet = new EthernetFlyweight();

    // The global request token bucket.
    private final TokenBucket bucket;

    // RFC 5227 announcements and defence.
    private int announcementsLeft;
    private long announceDeadlineNs;
    private boolean defended;
    private long lastDefenceNs;

    private final long[] counters = new long[ArpCounter.values().length];

    /**
     * Builds the table, loads the static entries and allocates every structure.
     *
     * @param config the configuration.
     * @param output where frames go.
     */
    public Arp(final ArpConfig config, final ArpOutput output)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.output = Objects.requireNonNull(output, "output");
        localMac = config.localMac();
        localAddress = config.localAddress();
        capacity = config.capacity();

        index = new Int2IntHashMap(Math.max(8, capacity * 2), 0.65f, MISSING);
        addresses = new int[capacity];
        macs = new long[capacity];
        states = new byte[capacity];
        usedNs = new long[capacity];
        requestsSent = new int[capacity];
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
        }
        freeSlotCount = capacity;
        timers = new DeadlineHeap(capacity);

        final int poolFrames = config.pendingFrames();
        poolSlotSize = config.maxFrameLength();
        pool = MemorySegment.ofArray(new byte[poolFrames * poolSlotSize]);
        poolNext = new int[poolFrames];
        poolLength = new int[poolFrames];
        freePool = new int[poolFrames];
        for (int i = 0; i < poolFrames; i++)
        {
            freePool[i] = poolFrames - 1 - i;
        }
        freePoolCount = poolFrames;
        pendingHead = new int[capacity];
        pendingTail = new int[capacity];
        pendingCount = new int[capacity];

        bucket = new TokenBucket(config.requestRate(), config.requestBurst());

        final List<ArpConfig.StaticEntry> statics = config.staticEntries();
        for (final ArpConfig.StaticEntry entry : statics)
        {
            final int slot = freeSlots[--freeSlotCount];
            addresses[slot] = entry.address();
            macs[slot] = entry.mac();
            states[slot] = STATIC;
            index.put(entry.address(), slot);
        }
    }

    /**
     * The configuration.
     *
     * @return the configuration this instance was built with.
     */
    public ArpConfig config()
    {
        return config;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Receive path
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Processes one received ARP packet (see the class description for the rules). The flyweight should have been
     * validated as Ethernet/IPv4 by the dissector; anything else is counted as {@link ArpCounter#RX_MALFORMED}.
     * Replies go out through the {@link ArpOutput} before this returns, as do packets flushed by a resolution.
     *
     * @param arp   the packet.
     * @param nowNs the current time.
     */
    public void onArp(final ArpFlyweight arp, final long nowNs)
    {
        if (arp.length() < ArpFlyweight.LENGTH || arp.hardwareType() != ArpFlyweight.HARDWARE_ETHERNET
            || arp.protocolType() != ArpFlyweight.PROTOCOL_IPV4 || arp.hardwareLength() != 6
            || arp.protocolLength() != 4)
        {
            count(ArpCounter.RX_MALFORMED);
            return;
        }
        final int operation = arp.operation();
        if (operation == ArpFlyweight.OPERATION_REQUEST)
        {
            count(ArpCounter.RX_REQUESTS);
        }
        else if (operation == ArpFlyweight.OPERATION_REPLY)
        {
            count(ArpCounter.RX_REPLIES);
        }
        else
        {
            count(ArpCounter.RX_UNKNOWN_OPERATION);
            return;
        }
        final long senderMac = arp.senderHardwareAddress();
        final int sender = arp.senderProtocolAddress();
        final int target = arp.targetProtocolAddress();
        if (senderMac == localMac)
        {
            count(ArpCounter.RX_OWN_MAC);
            return;
        }
        if (senderMac == 0 || Addresses.isGroupMac(senderMac))
        {
            count(ArpCounter.RX_BAD_SENDER_MAC);
            return;
        }
        final int targetFirst = target >>> 24;
        if (targetFirst == 127 || targetFirst >= 224)
        {
            count(ArpCounter.RX_BAD_TARGET_ADDRESS);
            return;
        }
        final boolean forUs = target == localAddress;
        final boolean request = operation == ArpFlyweight.OPERATION_REQUEST;
        if (sender == localAddress)
        {
            conflict(senderMac, nowNs);
            return;
        }
        if (sender == 0)
        {
            count(ArpCounter.RX_PROBES);
            if (forUs && request)
            {
                reply(senderMac, 0);
            }
            return;
        }
        if (!Addresses.isUnicastHost(sender))
        {
            count(ArpCounter.RX_BAD_SENDER_ADDRESS);
            return;
        }
        if (sender == target)
        {
            count(ArpCounter.RX_GRATUITOUS);
        }
        final int slot = index.get(sender);
        if (slot != MISSING)
        {
            merge(slot, senderMac, forUs && !request, nowNs);
        }
        else if (forUs)
        {
            final int created = createEntry(sender, nowNs);
            if (created != MISSING)
            {
                macs[created] = senderMac;
                if (request)
                {
                    enterStale(created, nowNs);
                }
                else
                {
                    enterReachable(created, nowNs);
                }
            }
        }
        else
        {
            count(ArpCounter.RX_NOT_FOR_US);
        }
        if (forUs && request)
        {
            reply(senderMac, sender);
        }
    }

    private void merge(final int slot, final long senderMac, final boolean confirms, final long nowNs)
    {
        final byte state = states[slot];
        if (state == STATIC)
        {
            if (macs[slot] != senderMac)
            {
                count(ArpCounter.RX_STATIC_PROTECTED);
            }
            return;
        }
        count(ArpCounter.ENTRIES_UPDATED);
        if (state == INCOMPLETE || state == FAILED)
        {
            macs[slot] = senderMac;
            if (confirms)
            {
                enterReachable(slot, nowNs);
            }
            else
            {
                enterStale(slot, nowNs);
            }
            flush(slot);
            return;
        }
        if (macs[slot] != senderMac)
        {
            count(ArpCounter.ENTRIES_MAC_CHANGED);
            macs[slot] = senderMac;
            if (confirms)
            {
                enterReachable(slot, nowNs);
            }
            else
            {
                enterStale(slot, nowNs);
            }
        }
        else if (confirms)
        {
            enterReachable(slot, nowNs);
        }
    }

    private void conflict(final long senderMac, final long nowNs)
    {
        count(ArpCounter.CONFLICTS);
        output.addressConflict(senderMac, nowNs);
        if (!defended || nowNs - lastDefenceNs >= config.defendIntervalNs())
        {
            defended = true;
            lastDefenceNs = nowNs;
            if (emit(EthernetFlyweight.BROADCAST, ArpFlyweight.OPERATION_REQUEST, 0, localAddress))
            {
                count(ArpCounter.TX_DEFENCES);
            }
        }
        else
        {
            count(ArpCounter.DEFENCES_SUPPRESSED);
        }
    }

    private void reply(final long requesterMac, final int requester)
    {
        if (emit(requesterMac, ArpFlyweight.OPERATION_REPLY, requesterMac, requester))
        {
            count(ArpCounter.TX_REPLIES);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Resolution path
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Looks up the hardware address of a neighbour, starting resolution (or re-confirmation of a STALE entry) when
     * needed; see the class description.
     *
     * @param address the neighbour's IPv4 address (the next hop).
     * @param nowNs   the current time.
     * @return the MAC address in the low 48 bits, or {@link #NO_MAC} when none is usable: resolution was started or
     *     is in progress, the entry is FAILED, the table is full, or the address is not a unicast neighbour
     *     (ours, 0/8, 127/8, multicast, reserved; the IP layer maps broadcast and multicast itself).
     */
    public long resolve(final int address, final long nowNs)
    {
        final int slot = lookup(address, nowNs);
        if (slot == MISSING)
        {
            return NO_MAC;
        }
        final byte state = states[slot];
        if (state == INCOMPLETE)
        {
            count(ArpCounter.RESOLVE_MISSES);
            return NO_MAC;
        }
        if (state == FAILED)
        {
            count(ArpCounter.RESOLVE_FAILED);
            return NO_MAC;
        }
        count(ArpCounter.RESOLVE_HITS);
        return macs[slot];
    }

    /**
     * Offers a frame for a neighbour. If the neighbour resolves at once, its MAC is written into the frame's
     * Ethernet destination and the frame is sent; otherwise the frame is copied into the pending pool (resolution
     * is started if needed) and sent, with its destination filled in, when the neighbour resolves. The caller
     * keeps its buffer in every case.
     *
     * @param address the neighbour's IPv4 address (the next hop).
     * @param frame   the memory holding a complete Ethernet frame.
     * @param offset  the frame's first byte.
     * @param length  the frame length, at least 14.
     * @param nowNs   the current time.
     * @return true if the frame was sent or queued; false if it was dropped (counted; for a FAILED neighbour also
     *     reported to {@link ArpOutput#unresolved}).
     * @throws NullPointerException if {@code frame} is null.
     * @throws IllegalArgumentException if {@code length < 14}.
     * @throws IndexOutOfBoundsException if the region is not inside the segment.
     */
    public boolean enqueue(final int address, final MemorySegment frame, final long offset, final int length,
        final long nowNs)
    {
        Objects.requireNonNull(frame, "frame");
        if (length < EthernetFlyweight.HEADER_LENGTH)
        {
            throw new IllegalArgumentException("frame length must be >= 14, was " + length);
        }
        if (offset < 0 || offset > frame.byteSize() - length)
        {
            throw new IndexOutOfBoundsException("frame [" + offset + ", " + (offset + length)
                + ") is outside the segment of " + frame.byteSize() + " bytes");
        }
        final int slot = lookup(address, nowNs);
        if (slot == MISSING)
        {
            count(ArpCounter.PENDING_DROPPED_NO_ENTRY);
            return false;
        }
        final byte state = states[slot];
        if (state == FAILED)
        {
            count(ArpCounter.PENDING_DROPPED_UNRESOLVED);
            output.unresolved(address, frame, offset, length);
            return false;
        }
        if (state != INCOMPLETE)
        {
            poolEthernet.wrapForWrite(frame, offset, length).destination(macs[slot]);
            if (!output.transmit(frame, offset, length))
            {
                count(ArpCounter.TX_DROPPED);
                return false;
            }
            count(ArpCounter.PENDING_SENT_DIRECT);
            return true;
        }
        if (length > poolSlotSize)
        {
            count(ArpCounter.PENDING_DROPPED_TOO_LONG);
            return false;
        }
        if (pendingCount[slot] == config.pendingPerNeighbour())
        {
            count(ArpCounter.PENDING_DROPPED_OVERFLOW);
            releasePending(popPending(slot));
        }
        if (freePoolCount == 0)
        {
            count(ArpCounter.PENDING_DROPPED_MEMORY);
            return false;
        }
        final int node = freePool[--freePoolCount];
        MemorySegment.copy(frame, offset, pool, (long)node * poolSlotSize, length);
        poolLength[node] = length;
        poolNext[node] = MISSING;
        pendingBytes += length;
        if (pendingCount[slot] == 0)
        {
            pendingHead[slot] = node;
        }
        else
        {
            poolNext[pendingTail[slot]] = node;
        }
        pendingTail[slot] = node;
        pendingCount[slot]++;
        count(ArpCounter.PENDING_QUEUED);
        return true;
    }

    /**
     * Upper-layer reachability confirmation, RFC 1122 §2.3.2.1 (1): "Advice from higher layers" (for instance TCP
     * seeing new data acknowledged) makes an existing usable entry REACHABLE again without any ARP traffic.
     *
     * @param address the neighbour's IPv4 address.
     * @param nowNs   the current time.
     * @return true if an entry was confirmed.
     */
    public boolean confirm(final int address, final long nowNs)
    {
        final int slot = index.get(address);
        if (slot == MISSING)
        {
            return false;
        }
        final byte state = states[slot];
        if (state == REACHABLE || state == STALE || state == DELAY || state == PROBE)
        {
            enterReachable(slot, nowNs);
            return true;
        }
        return false;
    }

    /**
     * The slot of a usable, INCOMPLETE or FAILED entry for {@code address}, creating an INCOMPLETE entry and
     * sending its first request when there is none; MISSING when no entry can exist.
     */
    private int lookup(final int address, final long nowNs)
    {
        final int slot = index.get(address);
        if (slot != MISSING)
        {
            final byte state = states[slot];
            if (state != INCOMPLETE && state != FAILED)
            {
                usedNs[slot] = nowNs;
                if (state == STALE)
                {
                    states[slot] = DELAY;
                    timers.schedule(slot, nowNs + config.delayProbeTimeNs());
                }
            }
            return slot;
        }
        if (!Addresses.isUnicastHost(address) || address == localAddress)
        {
            count(ArpCounter.RESOLVE_INVALID);
            return MISSING;
        }
        final int created = createEntry(address, nowNs);
        if (created == MISSING)
        {
            return MISSING;
        }
        states[created] = INCOMPLETE;
        macs[created] = 0;
        requestsSent[created] = 0;
        request(created, nowNs);
        return created;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Timers
    // ------------------------------------------------------------------------------------------------------------

    /**
     * When {@link #poll(long)} next has work.
     *
     * @return the earliest deadline in epoch nanoseconds, or {@link #NO_DEADLINE} when no timer is set.
     */
    public long nextDeadlineNs()
    {
        long next = NO_DEADLINE;
        if (!timers.isEmpty())
        {
            next = timers.firstDeadlineNs();
        }
        if (announcementsLeft > 0 && (next == NO_DEADLINE || announceDeadlineNs - next < 0))
        {
            next = announceDeadlineNs;
        }
        return next;
    }

    /**
     * Runs every timer due at {@code nowNs}: retries, FAILED transitions, aging, garbage collection, hold-down
     * expiry, announcements. Calling it early does nothing; calling it late runs what is overdue, with new
     * deadlines counted from {@code nowNs}.
     *
     * @param nowNs the current time.
     * @return how many timers ran.
     */
    public int poll(final long nowNs)
    {
        int ran = 0;
        if (announcementsLeft > 0 && nowNs - announceDeadlineNs >= 0)
        {
            announceOnce(nowNs);
            ran++;
        }
        // Each expiry either frees the slot or schedules it at least one positive duration after nowNs, so every
        // slot runs at most once per call.
        while (!timers.isEmpty() && nowNs - timers.firstDeadlineNs() >= 0)
        {
            final int slot = timers.first();
            timers.cancel(slot);
            expire(slot, nowNs);
            ran++;
        }
        return ran;
    }

    private void expire(final int slot, final long nowNs)
    {
        final byte state = states[slot];
        if (state == INCOMPLETE || state == PROBE)
        {
            if (requestsSent[slot] < config.maxRequests())
            {
                request(slot, nowNs);
            }
            else
            {
                fail(slot, nowNs);
            }
        }
        else if (state == REACHABLE)
        {
            count(ArpCounter.ENTRIES_STALED);
            enterStale(slot, nowNs);
        }
        else if (state == STALE)
        {
            final long idleUntil = usedNs[slot] + config.gcStaleTimeNs();
            if (idleUntil - nowNs > 0)
            {
                timers.schedule(slot, idleUntil);
            }
            else
            {
                count(ArpCounter.ENTRIES_EXPIRED);
                free(slot);
            }
        }
        else if (state == DELAY)
        {
            states[slot] = PROBE;
            requestsSent[slot] = 0;
            request(slot, nowNs);
        }
        else if (state == FAILED)
        {
            count(ArpCounter.ENTRIES_EXPIRED);
            free(slot);
        }
    }

    /** Sends the next request of an INCOMPLETE (broadcast) or PROBE (unicast) entry and sets the retry timer. */
    private void request(final int slot, final long nowNs)
    {
        requestsSent[slot]++;
        timers.schedule(slot, nowNs + config.retryIntervalNs());
        if (!bucket.tryTake(nowNs))
        {
            count(ArpCounter.REQUESTS_RATE_LIMITED);
            return;
        }
        if (states[slot] == PROBE)
        {
            if (emit(macs[slot], ArpFlyweight.OPERATION_REQUEST, 0, addresses[slot]))
            {
                count(ArpCounter.TX_PROBES);
            }
        }
        else if (emit(EthernetFlyweight.BROADCAST, ArpFlyweight.OPERATION_REQUEST, 0, addresses[slot]))
        {
            count(ArpCounter.TX_REQUESTS);
        }
    }

    private void fail(final int slot, final long nowNs)
    {
        count(ArpCounter.ENTRIES_FAILED);
        states[slot] = FAILED;
        timers.schedule(slot, nowNs + config.failedHoldDownNs());
        final int address = addresses[slot];
        while (pendingCount[slot] > 0)
        {
            final int node = popPending(slot);
            count(ArpCounter.PENDING_DROPPED_UNRESOLVED);
            output.unresolved(address, pool, (long)node * poolSlotSize, poolLength[node]);
            releasePending(node);
        }
    }

    private void enterReachable(final int slot, final long nowNs)
    {
        count(ArpCounter.ENTRIES_CONFIRMED);
        states[slot] = REACHABLE;
        timers.schedule(slot, nowNs + config.reachableTimeNs());
    }

    private void enterStale(final int slot, final long nowNs)
    {
        states[slot] = STALE;
        timers.schedule(slot, nowNs + config.gcStaleTimeNs());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Announcements (RFC 5227 §2.3)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Starts announcing our address, RFC 5227 §2.3: "the host MUST then announce its claimed address by sending
     * ANNOUNCE_NUM ARP Announcements, spaced ANNOUNCE_INTERVAL seconds apart. An ARP Announcement is identical to
     * the ARP Probe described above, except that now the sender and target IP addresses are both set to the
     * host's newly selected IPv4 address." The first goes out now, the others from {@link #poll(long)}; neighbours
     * that hold an entry for us update it (gratuitous ARP). Calling it again restarts the sequence. Announcements
     * are not subject to the request rate limit. (Probing before use, RFC 5227 §2.1, is not done.)
     *
     * @param nowNs the current time.
     */
    public void announce(final long nowNs)
    {
        announcementsLeft = config.announceCount();
        announceDeadlineNs = nowNs;
        if (announcementsLeft > 0)
        {
            announceOnce(nowNs);
        }
    }

    private void announceOnce(final long nowNs)
    {
        announcementsLeft--;
        announceDeadlineNs = nowNs + config.announceIntervalNs();
        if (emit(EthernetFlyweight.BROADCAST, ArpFlyweight.OPERATION_REQUEST, 0, localAddress))
        {
            count(ArpCounter.TX_ANNOUNCEMENTS);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Table management
    // ------------------------------------------------------------------------------------------------------------

    /** A new slot mapped to {@code address}, evicting if needed; MISSING (counted) when the table is full. */
    private int createEntry(final int address, final long nowNs)
    {
        if (freeSlotCount == 0 && !evict())
        {
            count(ArpCounter.TABLE_FULL);
            return MISSING;
        }
        final int slot = freeSlots[--freeSlotCount];
        addresses[slot] = address;
        macs[slot] = 0;
        usedNs[slot] = nowNs;
        requestsSent[slot] = 0;
        pendingCount[slot] = 0;
        index.put(address, slot);
        count(ArpCounter.ENTRIES_CREATED);
        return slot;
    }

    /** Frees the least recently used FAILED entry, else the least recently used STALE one. */
    private boolean evict()
    {
        int victim = MISSING;
        boolean victimFailed = false;
        for (int slot = 0; slot < capacity; slot++)
        {
            final byte state = states[slot];
            final boolean failed = state == FAILED;
            if (!failed && state != STALE)
            {
                continue;
            }
            if (victim == MISSING || (failed && !victimFailed)
                || (failed == victimFailed && usedNs[slot] - usedNs[victim] < 0))
            {
                victim = slot;
                victimFailed = failed;
            }
        }
        if (victim == MISSING)
        {
            return false;
        }
        count(ArpCounter.ENTRIES_EVICTED);
        free(victim);
        return true;
    }

    private void free(final int slot)
    {
        timers.cancel(slot);
        index.remove(addresses[slot]);
        states[slot] = 0;
        macs[slot] = 0;
        while (pendingCount[slot] > 0)
        {
            releasePending(popPending(slot));
        }
        freeSlots[freeSlotCount++] = slot;
    }

    private void flush(final int slot)
    {
        final long mac = macs[slot];
        while (pendingCount[slot] > 0)
        {
            final int node = popPending(slot);
            final long at = (long)node * poolSlotSize;
            final int length = poolLength[node];
            poolEthernet.wrapForWrite(pool, at, length).destination(mac);
            if (output.transmit(pool, at, length))
            {
                count(ArpCounter.PENDING_FLUSHED);
            }
            else
            {
                count(ArpCounter.TX_DROPPED);
            }
            releasePending(node);
        }
    }

    private int popPending(final int slot)
    {
        final int node = pendingHead[slot];
        pendingHead[slot] = poolNext[node];
        pendingCount[slot]--;
        return node;
    }

    private void releasePending(final int node)
    {
        pendingBytes -= poolLength[node];
        freePool[freePoolCount++] = node;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Frame building
    // ------------------------------------------------------------------------------------------------------------

    /** An ARP frame from us (sender = our MAC and address) to the Ethernet broadcast or to a unicast MAC. */
    private boolean emit(final long ethernetDestination, final int operation, final long targetMac,
        final int target)
    {
        txFrame.fill((byte)0);
        txEthernet.wrapForWrite(txFrame, 0, FRAME_LENGTH)
            .destination(ethernetDestination)
            .source(localMac)
            .etherType(EthernetFlyweight.ETHER_TYPE_ARP);
        txArp.wrapForWrite(txFrame, ARP_OFFSET, ArpFlyweight.LENGTH)
            .operation(operation)
            .senderHardwareAddress(localMac)
            .senderProtocolAddress(localAddress)
            .targetHardwareAddress(targetMac)
            .targetProtocolAddress(target);
        if (output.transmit(txFrame, 0, FRAME_LENGTH))
        {
            return true;
        }
        count(ArpCounter.TX_DROPPED);
        return false;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Queries
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The state of the entry for {@code address}, without side effects.
     *
     * @param address an IPv4 address.
     * @return its state, {@link ArpState#NONE} without an entry.
     */
    public ArpState state(final int address)
    {
        final int slot = index.get(address);
        return slot == MISSING ? ArpState.NONE : ArpState.of(states[slot]);
    }

    /**
     * The hardware address held for {@code address}, without side effects (no aging, no probing).
     *
     * @param address an IPv4 address.
     * @return the MAC of a usable entry, else {@link #NO_MAC}.
     */
    public long peek(final int address)
    {
        final int slot = index.get(address);
        return slot == MISSING || !ArpState.of(states[slot]).usable() ? NO_MAC : macs[slot];
    }

    /**
     * How many entries the table holds, static ones included.
     *
     * @return {@code 0 <= size() <= capacity}.
     */
    public int size()
    {
        return capacity - freeSlotCount;
    }

    /**
     * How many packets are queued for {@code address}.
     *
     * @param address an IPv4 address.
     * @return the queue length, 0 without an entry.
     */
    public int pendingCount(final int address)
    {
        final int slot = index.get(address);
        return slot == MISSING ? 0 : pendingCount[slot];
    }

    /**
     * How many packets are queued in total.
     *
     * @return frames in the pending pool.
     */
    public int pendingFrames()
    {
        return freePool.length - freePoolCount;
    }

    /**
     * How many bytes of frames are queued in total.
     *
     * @return the sum of the queued frame lengths, at most {@code pendingMemoryBytes}.
     */
    public long pendingBytes()
    {
        return pendingBytes;
    }

    /**
     * One counter.
     *
     * @param counter which.
     * @return its value.
     */
    public long counter(final ArpCounter counter)
    {
        return counters[counter.ordinal()];
    }

    private void count(final ArpCounter counter)
    {
        counters[counter.ordinal()]++;
    }

    /**
     * Checks every internal invariant (index against slots, free lists, timers, pending queues and byte count);
     * for tests. Allocates.
     *
     * @throws IllegalStateException describing the first broken invariant.
     */
    void verify()
    {
        timers.verify();
        if (index.size() != size())
        {
            throw new IllegalStateException("index holds " + index.size() + " entries, table " + size());
        }
        final boolean[] free = new boolean[capacity];
        for (int i = 0; i < freeSlotCount; i++)
        {
            free[freeSlots[i]] = true;
        }
        int queued = 0;
        long bytes = 0;
        for (int slot = 0; slot < capacity; slot++)
        {
            if (free[slot])
            {
                if (timers.contains(slot) || pendingCount[slot] != 0)
                {
                    throw new IllegalStateException("free slot " + slot + " has a timer or packets");
                }
                continue;
            }
            if (index.get(addresses[slot]) != slot)
            {
                throw new IllegalStateException("slot " + slot + " not indexed");
            }
            final byte state = states[slot];
            if (state == 0)
            {
                throw new IllegalStateException("slot " + slot + " in use with state NONE");
            }
            if ((state == STATIC) == timers.contains(slot))
            {
                throw new IllegalStateException("slot " + slot + " in state " + ArpState.of(state)
                    + (timers.contains(slot) ? " has" : " lacks") + " a timer");
            }
            if (pendingCount[slot] > 0 && state != INCOMPLETE)
            {
                throw new IllegalStateException("slot " + slot + " holds packets in state " + ArpState.of(state));
            }
            if (pendingCount[slot] > config.pendingPerNeighbour())
            {
                throw new IllegalStateException("slot " + slot + " holds " + pendingCount[slot] + " packets");
            }
            int node = pendingHead[slot];
            for (int i = 0; i < pendingCount[slot]; i++)
            {
                bytes += poolLength[node];
                queued++;
                node = poolNext[node];
            }
        }
        if (queued != pendingFrames() || bytes != pendingBytes)
        {
            throw new IllegalStateException("pending pool: " + queued + " frames / " + bytes + " bytes linked, "
                + pendingFrames() + " / " + pendingBytes + " accounted");
        }
    }
}
