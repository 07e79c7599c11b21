package io.tachyon.ipv4;

import io.tachyon.wire.InternetChecksum;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Bounded, allocation-free reassembly of IPv4 fragments (RFC 791 §3.2, RFC 1122 §3.3.2), one fragment at a time.
 * The caller has already checked the header checksum and that the datagram is for us; the reassembler does not.
 * <p>
 * <b>Use.</b> Hand every received IPv4 datagram that is a fragment (MF set or a non-zero offset) to
 * {@link #accept(MemorySegment, long, int, long)} with the current time. When it returns {@link Outcome#COMPLETE},
 * {@link #datagramSegment()}, {@link #datagramOffset()} and {@link #datagramLength()} give the whole datagram,
 * contiguous: the first fragment's header (its options kept: RFC 791 says the first fragment's header, options
 * included, is the one used) with Total Length set, MF and Fragment Offset cleared and the header checksum
 * recomputed, followed by the payload. The view is valid until the next call on this instance. Call
 * {@link #expire(long)} from the duty cycle so timeouts fire without traffic ({@code accept} also expires first).
 * <p>
 * <b>Identity.</b> RFC 791: fragments belong together when they have the same source, destination, protocol and
 * identification. TTL, TOS and options of later fragments are ignored.
 * <p>
 * <b>Policies.</b> Every policy ends in a counted outcome; nothing here throws for any packet content.
 * <ul>
 *   <li><em>Overlap</em>: RFC 5722's rule for IPv6, applied to IPv4 as Linux has done since 2018: if any
 *       fragments of a datagram overlap, its reassembly is abandoned and every fragment received for it, and
 *       every one still to come, is silently discarded. RFC 1122 §3.3.2 still allows overlap (retransmissions
 *       re-packetized under the same identification), but no modern sender does that, and RFC 1858 shows
 *       overlap is how filters are evaded. The datagram's memory is freed and its key is remembered (poisoned)
 *       until the datagram's own deadline, so the rest of its fragments are dropped too
 *       ({@link #overlapsDropped()}, {@link #poisonedDropped()}). A poisoned key also ends at that deadline,
 *       silently: no ICMP for a datagram we dropped.</li>
 *   <li><em>Exact duplicates</em> (same offset and length as a fragment already held): ignored, counted
 *       ({@link #duplicates()}). Links and retransmitting middleboxes duplicate packets; RFC 5722 §4 lets an
 *       implementation drop exact duplicates while keeping the other fragments. Their content is not compared:
 *       the first copy wins.</li>
 *   <li><em>The last fragment</em> (MF = 0) fixes the payload length (RFC 791 computes the total data length
 *       from it). A later last fragment that ends elsewhere, a last fragment ending before data already held,
 *       or a fragment with data beyond the fixed end, makes the datagram inconsistent: it is dropped and poisoned
 *       ({@link #inconsistentDropped()}).</li>
 *   <li><em>Bad length</em>: a fragment with MF set must carry a non-zero multiple of 8 bytes (RFC 791 counts
 *       offsets in 8-octet units, so every fragment but the last carries a whole number of them), and an IPv4
 *       header must be well formed with its whole Total Length present. Such a fragment alone is dropped
 *       ({@link #badLengthDropped()}, {@link #malformedDropped()}); the datagram it claims to belong to is
 *       untouched and will complete or time out.</li>
 *   <li><em>Too big</em>: data beyond {@code maxDatagramSize - 20} or a first header plus payload above
 *       {@code maxDatagramSize} (the "ping of death") drops and poisons the datagram ({@link #tooBigDropped()}).
 *       </li>
 *   <li><em>Too many fragments</em> for one datagram: dropped and poisoned ({@link #tooManyFragmentsDropped()}).
 *       </li>
 *   <li><em>Limits</em>: when a new datagram finds every slot taken, or a fragment needs more blocks than are
 *       free, the oldest datagram in progress is evicted, freed and counted ({@link #evictions()}), never the one
 *       the fragment belongs to. Like Linux, and unlike refusing new datagrams, this cannot be starved forever: a
 *       flood of forged fragments displaces itself, and a real datagram that completes within the time the
 *       flood takes to cycle through the table still completes. Eviction sends nothing (no ICMP).</li>
 *   <li><em>Timeout</em>: RFC 1122 §3.3.2 asks for a fixed reassembly timeout, after which the partial datagram
 *       is discarded and, if fragment zero has been received, ICMP Time Exceeded is sent to the source (see
 *       {@link Ipv4ReassemblyConfig#DEFAULT_TIMEOUT_NS} for why 30 s). The timer starts at a datagram's first
 *       fragment and is not restarted by later ones, as in Linux, so a trickle of fragments cannot keep a
 *       datagram alive. A datagram is freed when {@code nowNs - firstNs >= timeoutNs} ({@link #timeouts()}).
 *       Only if its fragment with offset 0 was received is the {@link TimeoutListener} given that fragment's
 *       header and first 8 payload bytes, to quote in an ICMP Time Exceeded message, code 1 "fragment reassembly
 *       time exceeded" (RFC 792) ({@link #timeoutsReported()}). RFC 1122 notes the first fragment's header must
 *       be kept for exactly this, so it is stored apart from the data.</li>
 *   <li><em>After completion</em> the datagram is forgotten, as in Linux: a late copy of one of its fragments
 *       starts a new datagram, which will time out unless the sender really reuses the identification.</li>
 * </ul>
 * A datagram that is not a fragment (MF = 0, offset 0) passes through untouched ({@link Outcome#NOT_FRAGMENT},
 * the view is the input) and does not disturb a reassembly with the same key, as in Linux. ECN bits of later
 * fragments (RFC 3168 §5.3) are not merged: the first fragment's TOS byte is kept.
 * <p>
 * <b>Memory.</b> All off-heap memory ({@link Ipv4ReassemblyConfig#memoryBytes()}) is allocated once at
 * construction: an output buffer, the stored first headers, a quote buffer and a pool of {@value #BLOCK_SIZE}-byte
 * blocks. A fragment's data is copied into the blocks that cover its offsets in its datagram, allocated on first
 * touch; {@link #memoryInUse()} counts the blocks in use and can never exceed the pool. Bookkeeping lives in
 * preallocated {@code int} arrays. Lookup is an open-addressing hash table of twice the datagram limit.
 * <p>
 * Single-threaded: one instance per stack thread. {@link #close()} frees the memory.
 */
public final class Ipv4Reassembly implements AutoCloseable
{
    /** Size of one block of the fragment-data pool. */
    public static final int BLOCK_SIZE = 512;
    /** Room kept for a first fragment's header: the largest IPv4 header. */
    static final int MAX_HEADER = Ipv4Flyweight.MAX_HEADER_LENGTH;
    /** The smallest IPv4 header. */
    static final int MIN_HEADER = Ipv4Flyweight.MIN_HEADER_LENGTH;
    /** Bytes of original data an ICMP error quotes after the header (RFC 792). */
    public static final int QUOTED_DATA = 8;
    /** Room of the ICMP quote buffer: the largest header plus 8 bytes. */
    static final int QUOTE_CAPACITY = MAX_HEADER + QUOTED_DATA;

    private static final int BLOCK_SHIFT = 9;
    private static final int FREE = 0;
    private static final int ACTIVE = 1;
    private static final int POISONED = 2;
    private static final int NONE = -1;
    private static final int UNKNOWN = -1;

    /** What {@link #accept(MemorySegment, long, int, long)} did with a datagram. */
    public enum Outcome
    {
        /** The fragment completed its datagram: the view holds the reassembled datagram. */
        COMPLETE,
        /** The fragment was stored; its datagram is still incomplete. */
        HELD,
        /** The fragment repeats one already held (same offset and length) and was ignored. */
        DUPLICATE,
        /** The fragment was dropped (and possibly its whole datagram): see the counters. */
        DROPPED,
        /** Not a fragment (MF clear, offset 0): the view is the input datagram, untouched. */
        NOT_FRAGMENT
    }

    /**
     * Told when an incomplete datagram whose first fragment had arrived times out, so the stack can send ICMP Time
     * Exceeded, code 1 (RFC 792). Called synchronously from {@link #expire(long)} or {@link #accept}; it must not
     * call back into the reassembler, and the bytes are valid only during the call.
     */
    @FunctionalInterface
    public interface TimeoutListener
    {
        /**
         * A datagram timed out.
         *
         * @param segment memory holding the first fragment's header as received followed by its first 8 payload
         *     bytes.
         * @param offset where the header starts.
         * @param length header length plus 8.
         */
        void reassemblyTimedOut(MemorySegment segment, long offset, int length);
    }

    private final Ipv4ReassemblyConfig config;
    private final TimeoutListener listener;
    private final Arena arena;
    private final MemorySegment memory;
    private final long headersBase;
    private final long quoteBase;
    private final long poolBase;
    private final int maxPayloadEnd;
    private final int maxFragments;
    private final int blocksPerDatagram;
    private final long timeoutNs;
    private final Ipv4Flyweight in = new Ipv4Flyweight();
    private final Ipv4Flyweight out = new Ipv4Flyweight();

    // Per-slot state, structure of arrays.
    private final int[] state;
    private final int[] source;
    private final int[] destination;
    private final int[] protocolId;
    private final long[] deadline;
    private final int[] prev;
    private final int[] next;
    private final int[] total;
    private final int[] maxEnd;
    private final int[] received;
    private final int[] headerLength;
    private final int[] fragmentCount;
    private final int[] fragmentStart;
    private final int[] fragmentEnd;
    private final int[] blockTable;
    private final int[] freeSlots;
    private int freeSlotCount;
    private int head = NONE;
    private int tail = NONE;

    // Hash table of slot + 1 (0 = empty), linear probing.
    private final int[] table;
    private final int tableMask;

    // Block pool.
    private final int[] freeBlocks;
    private int freeBlockCount;
    private final int blockCount;

    private MemorySegment viewSegment;
    private long viewOffset;
    private int viewLength;

    private long fragmentsReceived;
    private long datagramsReassembled;
    private long duplicates;
    private long overlapsDropped;
    private long tooBigDropped;
    private long badLengthDropped;
    private long malformedDropped;
    private long inconsistentDropped;
    private long tooManyFragmentsDropped;
    private long poisonedDropped;
    private long timeouts;
    private long timeoutsReported;
    private long evictions;
    private int datagramsInProgress;
    private int poisonedKeys;

    /**
     * A reassembler with the default bounds and no timeout listener.
     */
    public Ipv4Reassembly()
    {
        this(Ipv4ReassemblyConfig.defaults(), null);
    }

    /**
     * A reassembler; allocates all its memory now.
     *
     * @param config the bounds.
     * @param listener told about timeouts worth an ICMP error, or {@code null} for none.
     */
    public Ipv4Reassembly(final Ipv4ReassemblyConfig config, final TimeoutListener listener)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = listener;
        final int slots = config.maxDatagrams();
        maxFragments = config.maxFragmentsPerDatagram();
        blocksPerDatagram = Ipv4ReassemblyConfig.blocksPerDatagram(config.maxDatagramSize());
        maxPayloadEnd = config.maxDatagramSize() - MIN_HEADER;
        timeoutNs = config.timeoutNs();
        final long fixed = Ipv4ReassemblyConfig.fixedBytes(slots, config.maxDatagramSize());
        blockCount = (int)((config.memoryBytes() - fixed) / BLOCK_SIZE);

        state = new int[slots];
        source = new int[slots];
        destination = new int[slots];
        protocolId = new int[slots];
        deadline = new long[slots];
        prev = new int[slots];
        next = new int[slots];
        total = new int[slots];
        maxEnd = new int[slots];
        received = new int[slots];
        headerLength = new int[slots];
        fragmentCount = new int[slots];
        fragmentStart = new int[slots * maxFragments];
        fragmentEnd = new int[slots * maxFragments];
        blockTable = new int[slots * blocksPerDatagram];
        freeSlots = new int[slots];
        for (int i = 0; i < slots; i++)
        {
            freeSlots[i] = slots - 1 - i;
        }
        freeSlotCount = slots;
        final int tableSize = Integer.highestOneBit(slots * 2 - 1) << 1;
        table = new int[tableSize];
        tableMask = tableSize - 1;
        freeBlocks = new int[blockCount];
        for (int i = 0; i < blockCount; i++)
        {
            freeBlocks[i] = blockCount - 1 - i;
        }
        freeBlockCount = blockCount;

        arena = Arena.ofShared();
        memory = arena.allocate(config.memoryBytes(), 64);
        headersBase = config.maxDatagramSize();
        quoteBase = headersBase + (long)slots * MAX_HEADER;
        poolBase = quoteBase + QUOTE_CAPACITY;
        viewSegment = memory;
    }

    /**
     * The bounds this reassembler was built with.
     *
     * @return the configuration.
     */
    public Ipv4ReassemblyConfig config()
    {
        return config;
    }

    /**
     * Offers one fragment, already wrapped by the caller.
     *
     * @param ipv4 a flyweight wrapped on the datagram (its wrapped length is the bytes available).
     * @param nowNs the current time, epoch nanoseconds.
     * @return what was done.
     */
    public Outcome accept(final Ipv4Flyweight ipv4, final long nowNs)
    {
        final MemorySegment segment = ipv4.segment();
        if (segment == null)
        {
            malformedDropped++;
            return Outcome.DROPPED;
        }
        return accept(segment, ipv4.offset(), ipv4.length(), nowNs);
    }

    /**
     * Offers one IPv4 datagram (normally a fragment). Expires timed-out datagrams first.
     *
     * @param segment the memory holding it.
     * @param offset where its IPv4 header starts.
     * @param length the bytes available (trailing link padding is allowed; Total Length decides).
     * @param nowNs the current time, epoch nanoseconds.
     * @return what was done; {@link Outcome#COMPLETE} and {@link Outcome#NOT_FRAGMENT} set the view.
     * @throws NullPointerException if {@code segment} is {@code null}.
     */
    public Outcome accept(final MemorySegment segment, final long offset, final int length, final long nowNs)
    {
        Objects.requireNonNull(segment, "segment");
        expire(nowNs);
        final Malformed malformed = in.wrap(segment, offset, length);
        if (malformed != Malformed.OK)
        {
            malformedDropped++;
            return Outcome.DROPPED;
        }
        if (!in.isFragment())
        {
            setView(segment, offset, in.totalLength());
            return Outcome.NOT_FRAGMENT;
        }
        fragmentsReceived++;
        final int start = in.fragmentOffsetBytes();
        final int payloadLength = in.payloadLength();
        final int end = start + payloadLength;
        final boolean last = !in.moreFragments();
        if (!last && (payloadLength == 0 || (payloadLength & 7) != 0))
        {
            badLengthDropped++;
            return Outcome.DROPPED;
        }
        final int src = in.source();
        final int dst = in.destination();
        final int protoId = in.protocol() << 16 | in.identification();
        int slot = lookup(src, dst, protoId);
        if (slot != NONE && state[slot] == POISONED)
        {
            poisonedDropped++;
            return Outcome.DROPPED;
        }
        if (end > maxPayloadEnd)
        {
            tooBigDropped++;
            if (slot != NONE)
            {
                poison(slot);
            }
            return Outcome.DROPPED;
        }
        if (slot == NONE)
        {
            slot = newSlot(src, dst, protoId, nowNs);
        }
        return add(slot, segment, start, end, last, payloadLength);
    }

    private Outcome add(final int slot, final MemorySegment segment, final int start, final int end,
        final boolean last, final int payloadLength)
    {
        final int knownTotal = total[slot];
        if (last ? (knownTotal != UNKNOWN ? end != knownTotal : end < maxEnd[slot])
            : knownTotal != UNKNOWN && end > knownTotal)
        {
            inconsistentDropped++;
            poison(slot);
            return Outcome.DROPPED;
        }
        final int hl = in.headerLength();
        final int firstHeader = start == 0 ? hl : headerLength[slot];
        final int newTotal = last ? end : knownTotal;
        if (firstHeader != 0 && newTotal != UNKNOWN && firstHeader + newTotal > config.maxDatagramSize())
        {
            tooBigDropped++;
            poison(slot);
            return Outcome.DROPPED;
        }
        boolean duplicate = false;
        if (payloadLength > 0)
        {
            final int base = slot * maxFragments;
            final int count = fragmentCount[slot];
            final int index = insertionPoint(base, count, start);
            if (index < count && fragmentStart[base + index] == start && fragmentEnd[base + index] == end)
            {
                duplicate = true;
            }
            else if (index < count && fragmentStart[base + index] < end
                || index > 0 && fragmentEnd[base + index - 1] > start)
            {
                overlapsDropped++;
                poison(slot);
                return Outcome.DROPPED;
            }
            else if (count == maxFragments)
            {
                tooManyFragmentsDropped++;
                poison(slot);
                return Outcome.DROPPED;
            }
            else
            {
                if (!reserveBlocks(slot, start, end))
                {
                    evictions++;
                    free(slot);
                    return Outcome.DROPPED;
                }
                store(slot, segment, in.payloadOffset(), start, end);
                System.arraycopy(fragmentStart, base + index, fragmentStart, base + index + 1, count - index);
                System.arraycopy(fragmentEnd, base + index, fragmentEnd, base + index + 1, count - index);
                fragmentStart[base + index] = start;
                fragmentEnd[base + index] = end;
                fragmentCount[slot] = count + 1;
                received[slot] += payloadLength;
            }
        }
        else
        {
            duplicate = knownTotal == end;
        }
        if (start == 0 && headerLength[slot] == 0)
        {
            headerLength[slot] = hl;
            MemorySegment.copy(segment, in.offset(), memory, headersBase + (long)slot * MAX_HEADER, hl);
        }
        total[slot] = newTotal;
        if (end > maxEnd[slot])
        {
            maxEnd[slot] = end;
        }
        if (newTotal != UNKNOWN && headerLength[slot] != 0 && received[slot] == newTotal)
        {
            complete(slot);
            return Outcome.COMPLETE;
        }
        if (duplicate)
        {
            duplicates++;
            return Outcome.DUPLICATE;
        }
        return Outcome.HELD;
    }

    private int insertionPoint(final int base, final int count, final int start)
    {
        int low = 0;
        int high = count;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (fragmentStart[base + mid] < start)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /** Makes sure every block under [start, end) is allocated, evicting older datagrams if needed. */
    private boolean reserveBlocks(final int slot, final int start, final int end)
    {
        final int first = start >>> BLOCK_SHIFT;
        final int lastBlock = (end - 1) >>> BLOCK_SHIFT;
        final int tableBase = slot * blocksPerDatagram;
        int needed = 0;
        for (int b = first; b <= lastBlock; b++)
        {
            if (blockTable[tableBase + b] == 0)
            {
                needed++;
            }
        }
        while (freeBlockCount < needed)
        {
            final int victim = oldestHoldingMemory(slot);
            if (victim == NONE)
            {
                return false;
            }
            evictions++;
            free(victim);
        }
        for (int b = first; b <= lastBlock; b++)
        {
            if (blockTable[tableBase + b] == 0)
            {
                blockTable[tableBase + b] = freeBlocks[--freeBlockCount] + 1;
            }
        }
        return true;
    }

    private int oldestHoldingMemory(final int except)
    {
        for (int s = head; s != NONE; s = next[s])
        {
            if (s != except && state[s] == ACTIVE && received[s] > 0)
            {
                return s;
            }
        }
        return NONE;
    }

    private void store(final int slot, final MemorySegment segment, final long payloadOffset, final int start,
        final int end)
    {
        final int tableBase = slot * blocksPerDatagram;
        int position = start;
        while (position < end)
        {
            final int block = position >>> BLOCK_SHIFT;
            final int within = position & (BLOCK_SIZE - 1);
            final int chunk = Math.min(BLOCK_SIZE - within, end - position);
            final long target = poolBase + (long)(blockTable[tableBase + block] - 1) * BLOCK_SIZE + within;
            MemorySegment.copy(segment, payloadOffset + (position - start), memory, target, chunk);
            position += chunk;
        }
    }

    private void complete(final int slot)
    {
        final int hl = headerLength[slot];
        final int payload = total[slot];
        MemorySegment.copy(memory, headersBase + (long)slot * MAX_HEADER, memory, 0, hl);
        final int tableBase = slot * blocksPerDatagram;
        int position = 0;
        while (position < payload)
        {
            final int chunk = Math.min(BLOCK_SIZE, payload - position);
            final long source = poolBase + (long)(blockTable[tableBase + (position >>> BLOCK_SHIFT)] - 1) * BLOCK_SIZE;
            MemorySegment.copy(memory, source, memory, hl + position, chunk);
            position += chunk;
        }
        out.wrapForWrite(memory, 0, hl + payload);
        out.totalLength(hl + payload);
        out.flagsAndFragmentOffset(out.flagsAndFragmentOffset() & (Ipv4Flyweight.FLAG_DF
            | Ipv4Flyweight.FLAG_RESERVED));
        out.headerChecksum(0);
        out.headerChecksum(InternetChecksum.checksum(memory, 0, hl, 0));
        setView(memory, 0, hl + payload);
        datagramsReassembled++;
        free(slot);
    }

    private void setView(final MemorySegment segment, final long offset, final int length)
    {
        viewSegment = segment;
        viewOffset = offset;
        viewLength = length;
    }

    /**
     * Frees every datagram whose deadline has passed ({@code nowNs - firstFragmentNs >= timeoutNs}), telling the
     * listener about those whose first fragment had arrived. Poisoned keys are forgotten at the same deadline.
     *
     * @param nowNs the current time, epoch nanoseconds.
     * @return how many datagrams in progress timed out.
     */
    public int expire(final long nowNs)
    {
        int expired = 0;
        while (head != NONE && nowNs - deadline[head] >= 0)
        {
            final int slot = head;
            if (state[slot] == ACTIVE)
            {
                expired++;
                timeouts++;
                final int hl = headerLength[slot];
                if (hl != 0)
                {
                    timeoutsReported++;
                    if (listener != null)
                    {
                        MemorySegment.copy(memory, headersBase + (long)slot * MAX_HEADER, memory, quoteBase, hl);
                        MemorySegment.copy(memory, poolBase + (long)(blockTable[slot * blocksPerDatagram] - 1)
                            * BLOCK_SIZE, memory, quoteBase + hl, QUOTED_DATA);
                        free(slot);
                        listener.reassemblyTimedOut(memory, quoteBase, hl + QUOTED_DATA);
                        continue;
                    }
                }
            }
            free(slot);
        }
        return expired;
    }

    private int newSlot(final int src, final int dst, final int protoId, final long nowNs)
    {
        if (freeSlotCount == 0)
        {
            final int victim = head;
            if (state[victim] == ACTIVE)
            {
                evictions++;
            }
            free(victim);
        }
        final int slot = freeSlots[--freeSlotCount];
        state[slot] = ACTIVE;
        source[slot] = src;
        destination[slot] = dst;
        protocolId[slot] = protoId;
        deadline[slot] = nowNs + timeoutNs;
        total[slot] = UNKNOWN;
        maxEnd[slot] = 0;
        received[slot] = 0;
        headerLength[slot] = 0;
        fragmentCount[slot] = 0;
        prev[slot] = tail;
        next[slot] = NONE;
        if (tail == NONE)
        {
            head = slot;
        }
        else
        {
            next[tail] = slot;
        }
        tail = slot;
        int index = hash(src, dst, protoId) & tableMask;
        while (table[index] != 0)
        {
            index = (index + 1) & tableMask;
        }
        table[index] = slot + 1;
        datagramsInProgress++;
        return slot;
    }

    private int lookup(final int src, final int dst, final int protoId)
    {
        int index = hash(src, dst, protoId) & tableMask;
        int entry;
        while ((entry = table[index]) != 0)
        {
            final int slot = entry - 1;
            if (source[slot] == src && destination[slot] == dst && protocolId[slot] == protoId)
            {
                return slot;
            }
            index = (index + 1) & tableMask;
        }
        return NONE;
    }

    private static int hash(final int src, final int dst, final int protoId)
    {
        long h = (src & 0xFFFF_FFFFL) * 0x9E37_79B9_7F4A_7C15L;
        h = (h ^ (dst & 0xFFFF_FFFFL)) * 0xC2B2_AE3D_27D4_EB4FL;
        h = (h ^ protoId) * 0x1656_67B1_9E37_79F9L;
        return (int)(h ^ (h >>> 29) ^ (h >>> 47));
    }

    /** Releases a slot's blocks and fragments but keeps its key until its deadline (RFC 5722 style). */
    private void poison(final int slot)
    {
        releaseBlocks(slot);
        state[slot] = POISONED;
        datagramsInProgress--;
        poisonedKeys++;
    }

    private void releaseBlocks(final int slot)
    {
        final int tableBase = slot * blocksPerDatagram;
        final int blocks = (maxEnd[slot] + BLOCK_SIZE - 1) >>> BLOCK_SHIFT;
        for (int b = 0; b < blocks; b++)
        {
            final int entry = blockTable[tableBase + b];
            if (entry != 0)
            {
                freeBlocks[freeBlockCount++] = entry - 1;
                blockTable[tableBase + b] = 0;
            }
        }
        maxEnd[slot] = 0;
        fragmentCount[slot] = 0;
        received[slot] = 0;
        headerLength[slot] = 0;
    }

    /** Forgets a slot entirely: blocks, hash entry, age list. */
    private void free(final int slot)
    {
        if (state[slot] == ACTIVE)
        {
            releaseBlocks(slot);
            datagramsInProgress--;
        }
        else
        {
            poisonedKeys--;
        }
        state[slot] = FREE;
        removeFromTable(slot);
        final int p = prev[slot];
        final int n = next[slot];
        if (p == NONE)
        {
            head = n;
        }
        else
        {
            next[p] = n;
        }
        if (n == NONE)
        {
            tail = p;
        }
        else
        {
            prev[n] = p;
        }
        freeSlots[freeSlotCount++] = slot;
    }

    private void removeFromTable(final int slot)
    {
        int index = hash(source[slot], destination[slot], protocolId[slot]) & tableMask;
        while (table[index] != slot + 1)
        {
            index = (index + 1) & tableMask;
        }
        // Backward-shift deletion keeps every probe chain unbroken.
        int hole = index;
        int probe = (index + 1) & tableMask;
        while (table[probe] != 0)
        {
            final int other = table[probe] - 1;
            final int home = hash(source[other], destination[other], protocolId[other]) & tableMask;
            if (((probe - home) & tableMask) >= ((probe - hole) & tableMask))
            {
                table[hole] = table[probe];
                hole = probe;
            }
            probe = (probe + 1) & tableMask;
        }
        table[hole] = 0;
    }

    /**
     * The memory of the last completed (or passed-through) datagram.
     *
     * @return the segment; valid until the next call.
     */
    public MemorySegment datagramSegment()
    {
        return viewSegment;
    }

    /**
     * Where the last completed datagram's IPv4 header starts in {@link #datagramSegment()}.
     *
     * @return the offset.
     */
    public long datagramOffset()
    {
        return viewOffset;
    }

    /**
     * The length of the last completed datagram (its Total Length).
     *
     * @return header plus payload bytes.
     */
    public int datagramLength()
    {
        return viewLength;
    }

    /**
     * Fragments offered (datagrams that were fragments and well formed), whatever became of them.
     *
     * @return the count.
     */
    public long fragmentsReceived()
    {
        return fragmentsReceived;
    }

    /**
     * Datagrams completed.
     *
     * @return the count.
     */
    public long datagramsReassembled()
    {
        return datagramsReassembled;
    }

    /**
     * Exact duplicate fragments ignored.
     *
     * @return the count.
     */
    public long duplicates()
    {
        return duplicates;
    }

    /**
     * Datagrams dropped because two fragments overlapped.
     *
     * @return the count.
     */
    public long overlapsDropped()
    {
        return overlapsDropped;
    }

    /**
     * Datagrams dropped for exceeding the largest datagram size.
     *
     * @return the count.
     */
    public long tooBigDropped()
    {
        return tooBigDropped;
    }

    /**
     * Fragments dropped because MF was set and the payload was empty or not a multiple of 8.
     *
     * @return the count.
     */
    public long badLengthDropped()
    {
        return badLengthDropped;
    }

    /**
     * Datagrams dropped because their IPv4 header was malformed or their Total Length was not all present.
     *
     * @return the count.
     */
    public long malformedDropped()
    {
        return malformedDropped;
    }

    /**
     * Datagrams dropped because their last fragment conflicted with another fragment.
     *
     * @return the count.
     */
    public long inconsistentDropped()
    {
        return inconsistentDropped;
    }

    /**
     * Datagrams dropped for having more than {@link Ipv4ReassemblyConfig#maxFragmentsPerDatagram()} fragments.
     *
     * @return the count.
     */
    public long tooManyFragmentsDropped()
    {
        return tooManyFragmentsDropped;
    }

    /**
     * Fragments dropped because their datagram had already been dropped (its key is remembered).
     *
     * @return the count.
     */
    public long poisonedDropped()
    {
        return poisonedDropped;
    }

    /**
     * Incomplete datagrams freed at their deadline.
     *
     * @return the count.
     */
    public long timeouts()
    {
        return timeouts;
    }

    /**
     * Timeouts whose first fragment had arrived (worth an ICMP Time Exceeded, code 1).
     *
     * @return the count.
     */
    public long timeoutsReported()
    {
        return timeoutsReported;
    }

    /**
     * Datagrams in progress evicted to make room for newer ones.
     *
     * @return the count.
     */
    public long evictions()
    {
        return evictions;
    }

    /**
     * Bytes of fragment-data blocks in use now.
     *
     * @return {@code blocksInUse * BLOCK_SIZE}, never above {@link #memoryCapacity()}.
     */
    public long memoryInUse()
    {
        return (long)(blockCount - freeBlockCount) * BLOCK_SIZE;
    }

    /**
     * Bytes of fragment-data blocks in the pool: the most {@link #memoryInUse()} can reach.
     *
     * @return the pool size, at most {@link Ipv4ReassemblyConfig#memoryBytes()}.
     */
    public long memoryCapacity()
    {
        return (long)blockCount * BLOCK_SIZE;
    }

    /**
     * Off-heap bytes allocated by this reassembler, all at construction.
     *
     * @return exactly {@link Ipv4ReassemblyConfig#memoryBytes()}.
     */
    public long memoryAllocated()
    {
        return memory.byteSize();
    }

    /**
     * Datagrams being reassembled now.
     *
     * @return the count, at most {@link Ipv4ReassemblyConfig#maxDatagrams()}.
     */
    public int datagramsInProgress()
    {
        return datagramsInProgress;
    }

    /**
     * Keys of dropped datagrams remembered now (their fragments are dropped until the deadline).
     *
     * @return the count.
     */
    public int poisonedKeys()
    {
        return poisonedKeys;
    }

    /**
     * Frees the off-heap memory. The reassembler must not be used afterwards.
     */
    @Override
    public void close()
    {
        arena.close();
    }
}
