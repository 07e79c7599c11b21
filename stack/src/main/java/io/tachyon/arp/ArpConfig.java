package io.tachyon.arp;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration of one {@link Arp} instance, validated at construction: every error names the bad value.
 * Start from {@link #of(long, int)} (defaults after Linux's neighbour table) and change fields with the
 * {@code with*} methods. Durations are nanoseconds.
 *
 * @param localMac            our hardware address (unicast, non-zero, low 48 bits).
 * @param localAddress        our IPv4 address (a unicast host address).
 * @param capacity            the most entries the table holds, static entries included; default 1024 (Linux
 *                            {@code gc_thresh3}).
 * @param reachableTimeNs     how long a confirmation keeps an entry REACHABLE; default 30 s (Linux
 *                            {@code base_reachable_time}, here not randomised so aging is exact).
 * @param delayProbeTimeNs    how long a used STALE entry waits (DELAY) for an upper-layer confirmation before
 *                            unicast probing; default 5 s (Linux {@code delay_first_probe_time}).
 * @param gcStaleTimeNs       how long an unused STALE entry lives before it is freed; default 60 s (Linux
 *                            {@code gc_stale_time}).
 * @param retryIntervalNs     the interval between requests of one resolution or re-confirmation; default 1 s
 *                            (Linux {@code retrans_time}; RFC 1122 §2.3.2.1: at most one request per second per
 *                            destination).
 * @param maxRequests         requests sent per resolution (broadcast) or re-confirmation (unicast) before FAILED,
 *                            the first one included: requests go out at 0, 1 s and 2 s and the entry fails at 3 s;
 *                            default 3 (Linux {@code mcast_solicit} and {@code ucast_solicit}).
 * @param failedHoldDownNs    how long a FAILED entry refuses new resolutions (and drops packets) before it is
 *                            freed; default 5 s.
 * @param requestRate         the global request rate limit, requests per second (token bucket refill); default 100.
 * @param requestBurst        the token bucket size, requests; default 10.
 * @param pendingPerNeighbour the most packets queued for one unresolved neighbour; default 3 (like Linux's small
 *                            {@code unres_qlen}); when full the oldest is dropped.
 * @param pendingMemoryBytes  the global bound on pending memory; the pool holds
 *                            {@code pendingMemoryBytes / maxFrameLength} frames; default 256 KiB.
 * @param maxFrameLength      the longest frame that can be queued; default 1518.
 * @param announceCount       ARP announcements sent by {@link Arp#announce}; default 2 (RFC 5227 ANNOUNCE_NUM).
 * @param announceIntervalNs  the interval between announcements; default 2 s (RFC 5227 ANNOUNCE_INTERVAL).
 * @param defendIntervalNs    the least time between two defences of our address; default 10 s (RFC 5227
 *                            DEFEND_INTERVAL).
 * @param staticEntries       hand-configured entries; fewer than {@code capacity}, distinct addresses.
 */
public record ArpConfig(
    long localMac,
    int localAddress,
    int capacity,
    long reachableTimeNs,
    long delayProbeTimeNs,
    long gcStaleTimeNs,
    long retryIntervalNs,
    int maxRequests,
    long failedHoldDownNs,
    int requestRate,
    int requestBurst,
    int pendingPerNeighbour,
    int pendingMemoryBytes,
    int maxFrameLength,
    int announceCount,
    long announceIntervalNs,
    long defendIntervalNs,
    List<StaticEntry> staticEntries)
{
    /** The largest table capacity accepted. */
    public static final int MAX_CAPACITY = 1 << 20;
    /** The largest frame length accepted (a 9216-byte jumbo frame plus headers). */
    public static final int MAX_FRAME_LENGTH = 9234;
    /** The largest pending memory accepted: 256 MiB. */
    public static final int MAX_PENDING_MEMORY = 256 << 20;
    /** The longest duration accepted: one day. */
    public static final long MAX_DURATION_NS = 86_400L * 1_000_000_000L;

    private static final long SECOND = 1_000_000_000L;

    /**
     * A hand-configured neighbour (Linux {@code PERMANENT}).
     *
     * @param address the IPv4 address.
     * @param mac     its hardware address (unicast, non-zero).
     */
    public record StaticEntry(int address, long mac)
    {
        /**
         * Validates the entry.
         *
         * @throws IllegalArgumentException for an address ARP does not resolve or a bad MAC.
         */
        public StaticEntry
        {
            if (!Addresses.isUnicastHost(address))
            {
                throw new IllegalArgumentException("static entry address must be a unicast host address, was "
                    + Addresses.ip(address));
            }
            checkMac("static entry MAC for " + Addresses.ip(address), mac);
        }
    }

    /**
     * Validates the configuration.
     *
     * @throws IllegalArgumentException naming the first bad value.
     * @throws NullPointerException if {@code staticEntries} is null.
     */
    public ArpConfig
    {
        checkMac("localMac", localMac);
        if (!Addresses.isUnicastHost(localAddress))
        {
            throw new IllegalArgumentException("localAddress must be a unicast host address, was "
                + Addresses.ip(localAddress));
        }
        checkRange("capacity", capacity, 1, MAX_CAPACITY);
        checkDuration("reachableTimeNs", reachableTimeNs);
        checkDuration("delayProbeTimeNs", delayProbeTimeNs);
        checkDuration("gcStaleTimeNs", gcStaleTimeNs);
        checkDuration("retryIntervalNs", retryIntervalNs);
        checkRange("maxRequests", maxRequests, 1, 255);
        checkDuration("failedHoldDownNs", failedHoldDownNs);
        checkRange("requestRate", requestRate, 1, 1_000_000);
        checkRange("requestBurst", requestBurst, 1, 1_000_000);
        checkRange("pendingPerNeighbour", pendingPerNeighbour, 1, 1024);
        checkRange("maxFrameLength", maxFrameLength, 60, MAX_FRAME_LENGTH);
        checkRange("pendingMemoryBytes", pendingMemoryBytes, maxFrameLength, MAX_PENDING_MEMORY);
        checkRange("announceCount", announceCount, 0, 16);
        checkDuration("announceIntervalNs", announceIntervalNs);
        checkDuration("defendIntervalNs", defendIntervalNs);
        staticEntries = List.copyOf(Objects.requireNonNull(staticEntries, "staticEntries"));
        if (staticEntries.size() >= capacity)
        {
            throw new IllegalArgumentException("staticEntries must leave room for dynamic entries: "
                + staticEntries.size() + " static entries with capacity " + capacity);
        }
        final Set<Integer> seen = new HashSet<>();
        for (final StaticEntry entry : staticEntries)
        {
            if (entry.address() == localAddress)
            {
                throw new IllegalArgumentException("static entry for our own address " + Addresses.ip(localAddress));
            }
            if (!seen.add(entry.address()))
            {
                throw new IllegalArgumentException("duplicate static entry for " + Addresses.ip(entry.address()));
            }
        }
    }

    /**
     * The default configuration for an interface.
     *
     * @param localMac     our hardware address.
     * @param localAddress our IPv4 address.
     * @return the configuration with every default.
     * @throws IllegalArgumentException for a bad address.
     */
    public static ArpConfig of(final long localMac, final int localAddress)
    {
        return new ArpConfig(localMac, localAddress, 1024, 30 * SECOND, 5 * SECOND, 60 * SECOND, SECOND, 3,
            5 * SECOND, 100, 10, 3, 256 * 1024, 1518, 2, 2 * SECOND, 10 * SECOND, List.of());
    }

    /**
     * How many frames the pending pool holds.
     *
     * @return {@code pendingMemoryBytes / maxFrameLength}.
     */
    public int pendingFrames()
    {
        return pendingMemoryBytes / maxFrameLength;
    }

    /**
     * With another table capacity.
     *
     * @param value the capacity.
     * @return a new configuration.
     */
    public ArpConfig withCapacity(final int value)
    {
        return new ArpConfig(localMac, localAddress, value, reachableTimeNs, delayProbeTimeNs, gcStaleTimeNs,
            retryIntervalNs, maxRequests, failedHoldDownNs, requestRate, requestBurst, pendingPerNeighbour,
            pendingMemoryBytes, maxFrameLength, announceCount, announceIntervalNs, defendIntervalNs, staticEntries);
    }

    /**
     * With another reachable time.
     *
     * @param value nanoseconds.
     * @return a new configuration.
     */
    public ArpConfig withReachableTimeNs(final long value)
    {
        return new ArpConfig(localMac, localAddress, capacity, value, delayProbeTimeNs, gcStaleTimeNs,
            retryIntervalNs, maxRequests, failedHoldDownNs, requestRate, requestBurst, pendingPerNeighbour,
            pendingMemoryBytes, maxFrameLength, announceCount, announceIntervalNs, defendIntervalNs, staticEntries);
    }

    /**
     * With another delay-probe time.
     *
     * @param value nanoseconds.
     * @return a new configuration.
     */
    public ArpConfig withDelayProbeTimeNs(final long value)
    {
        return new ArpConfig(localMac, localAddress, capacity, reachableTimeNs, value, gcStaleTimeNs,
            retryIntervalNs, maxRequests, failedHoldDownNs, requestRate, requestBurst, pendingPerNeighbour,
            pendingMemoryBytes, maxFrameLength, announceCount, announceIntervalNs, defendIntervalNs, staticEntries);
    }

    /**
     * With another stale GC time.
     *
     * @param value nanoseconds.
     * @return a new configuration.
     */
    public ArpConfig withGcStaleTimeNs(final long value)
    {
        return new ArpConfig(localMac, localAddress, capacity, reachableTimeNs, delayProbeTimeNs, value,
            retryIntervalNs, maxRequests, failedHoldDownNs, requestRate, requestBurst, pendingPerNeighbour,
            pendingMemoryBytes, maxFrameLength, announceCount, announceIntervalNs, defendIntervalNs, staticEntries);
    }

    /**
     * With another retry schedule.
     *
     * @param intervalNs  the interval between requests.
     * @param requests    requests per resolution before FAILED.
     * @param holdDownNs  the FAILED hold-down.
     * @return a new configuration.
     */
    public ArpConfig withRetries(final long intervalNs, final int requests, final long holdDownNs)
    {
        return new ArpConfig(localMac, localAddress, capacity, reachableTimeNs, delayProbeTimeNs, gcStaleTimeNs,
            intervalNs, requests, holdDownNs, requestRate, requestBurst, pendingPerNeighbour,
            pendingMemoryBytes, maxFrameLength, announceCount, announceIntervalNs, defendIntervalNs, staticEntries);
    }

    /**
     * With another global request rate limit.
     *
     * @param perSecond requests per second.
     * @param burst     the bucket size.
     * @return a new configuration.
     */
    public ArpConfig withRequestRate(final int perSecond, final int burst)
    {
        return new ArpConfig(localMac, localAddress, capacity, reachableTimeNs, delayProbeTimeNs, gcStaleTimeNs,
            retryIntervalNs, maxRequests, failedHoldDownNs, perSecond, burst, pendingPerNeighbour,
            pendingMemoryBytes, maxFrameLength, announceCount, announceIntervalNs, defendIntervalNs, staticEntries);
    }

    /**
     * With other pending-queue bounds.
     *
     * @param perNeighbour packets per neighbour.
     * @param memoryBytes  the global pending memory.
     * @param frameLength  the longest frame that can be queued.
     * @return a new configuration.
     */
    public ArpConfig withPending(final int perNeighbour, final int memoryBytes, final int frameLength)
    {
        return new ArpConfig(localMac, localAddress, capacity, reachableTimeNs, delayProbeTimeNs, gcStaleTimeNs,
            retryIntervalNs, maxRequests, failedHoldDownNs, requestRate, requestBurst, perNeighbour,
            memoryBytes, frameLength, announceCount, announceIntervalNs, defendIntervalNs, staticEntries);
    }

    /**
     * With other RFC 5227 announcement and defence parameters.
     *
     * @param count      announcements sent by {@link Arp#announce}.
     * @param intervalNs the interval between them.
     * @param defendNs   the least time between two defences.
     * @return a new configuration.
     */
    public ArpConfig withAnnouncements(final int count, final long intervalNs, final long defendNs)
    {
        return new ArpConfig(localMac, localAddress, capacity, reachableTimeNs, delayProbeTimeNs, gcStaleTimeNs,
            retryIntervalNs, maxRequests, failedHoldDownNs, requestRate, requestBurst, pendingPerNeighbour,
            pendingMemoryBytes, maxFrameLength, count, intervalNs, defendNs, staticEntries);
    }

    /**
     * With other static entries.
     *
     * @param entries the entries.
     * @return a new configuration.
     */
    public ArpConfig withStaticEntries(final List<StaticEntry> entries)
    {
        return new ArpConfig(localMac, localAddress, capacity, reachableTimeNs, delayProbeTimeNs, gcStaleTimeNs,
            retryIntervalNs, maxRequests, failedHoldDownNs, requestRate, requestBurst, pendingPerNeighbour,
            pendingMemoryBytes, maxFrameLength, announceCount, announceIntervalNs, defendIntervalNs, entries);
    }

    private static void checkMac(final String what, final long mac)
    {
        if ((mac & ~0xFFFF_FFFF_FFFFL) != 0 || mac == 0 || Addresses.isGroupMac(mac))
        {
            throw new IllegalArgumentException(what + " must be a non-zero unicast 48-bit MAC address, was 0x"
                + Long.toHexString(mac));
        }
    }

    private static void checkRange(final String what, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    private static void checkDuration(final String what, final long value)
    {
        if (value <= 0 || value > MAX_DURATION_NS)
        {
            throw new IllegalArgumentException(what + " must be in (0, " + MAX_DURATION_NS + "] ns, was " + value);
        }
    }
}
