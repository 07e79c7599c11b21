package io.tachyon.ipv4;

import org.agrona.collections.Int2IntHashMap;

/**
 * Path MTU estimates per destination (RFC 1191), bounded and allocation-free.
 * <p>
 * A destination without an entry has the link MTU. {@link #lower} records a smaller estimate learnt from an ICMP
 * "fragmentation needed" message. RFC 1191 §3: "A host MUST not increase its estimate of the Path MTU in response to
 * the contents of a Datagram Too Big message", so an estimate at or above the current one is ignored; and "A host
 * MUST never reduce its estimate of the Path MTU below 68 octets". An estimate expires {@code expiryNs} after it was
 * set; the next lookup then returns the link MTU again, which is how an increase is detected. RFC 1191 §3: an
 * attempt to detect an increase "MUST NOT be done less than 5 minutes after a Datagram Too Big message has been
 * received for the given destination [...] We recommend setting these timers at twice their minimum values (10
 * minutes [...])". When the cache is full the entry closest to expiry is replaced.
 * <p>
 * Routers that predate RFC 1191 send a next-hop MTU of 0; {@link #plateau(int)} gives the estimate RFC 1191 §5
 * recommends for them: the largest plateau below the size of the datagram that was too big.
 * <p>
 * Threading: the stack thread only.
 */
public final class PathMtuCache
{
    /** The smallest MTU every IPv4 link carries (RFC 791). */
    public static final int MIN_MTU = 68;

    private static final int MISSING = -1;
    /** RFC 1191 §7, table 7-1: the plateaus of common MTUs, largest first. */
    private static final int[] PLATEAUS = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

    private final int capacity;
    private final long expiryNs;
    private final Int2IntHashMap index;
    private final int[] destinations;
    private final int[] mtus;
    private final long[] expiries;
    private final int[] freeSlots;
    private int freeCount;

    /**
     * An empty cache.
     *
     * @param capacity the most destinations, {@code [1, 65536]}.
     * @param expiryNs how long an estimate lasts, positive.
     * @throws IllegalArgumentException naming the bad value.
     */
    public PathMtuCache(final int capacity, final long expiryNs)
    {
        if (capacity < 1 || capacity > 65536)
        {
            throw new IllegalArgumentException("path MTU cache capacity must be in [1, 65536], was " + capacity);
        }
        if (expiryNs <= 0)
        {
            throw new IllegalArgumentException("path MTU expiry must be positive, was " + expiryNs + " ns");
        }
        this.capacity = capacity;
        this.expiryNs = expiryNs;
        index = new Int2IntHashMap(Math.max(8, capacity * 2), 0.65f, MISSING);
        destinations = new int[capacity];
        mtus = new int[capacity];
        expiries = new long[capacity];
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
        }
        freeCount = capacity;
    }

    /**
     * The path MTU to use for a destination.
     *
     * @param destination the destination address.
     * @param linkMtu     the link MTU, returned when nothing smaller is known.
     * @param nowNs       the current time; an expired estimate is forgotten.
     * @return the estimate, at most {@code linkMtu}.
     */
    public int mtu(final int destination, final int linkMtu, final long nowNs)
    {
        if (freeCount == capacity)
        {
            return linkMtu;
        }
        final int slot = index.get(destination);
        if (slot == MISSING)
        {
            return linkMtu;
        }
        if (nowNs - expiries[slot] >= 0)
        {
            remove(slot);
            return linkMtu;
        }
        return Math.min(mtus[slot], linkMtu);
    }

    /**
     * Records a smaller estimate for a destination.
     *
     * @param destination the destination address.
     * @param mtu         the next-hop MTU reported (raised to 68 if lower).
     * @param linkMtu     the link MTU.
     * @param nowNs       the current time.
     * @return true if the estimate went down; false if it was not lower than the current one.
     */
    public boolean lower(final int destination, final int mtu, final int linkMtu, final long nowNs)
    {
        final int estimate = Math.max(MIN_MTU, mtu);
        if (estimate >= mtu(destination, linkMtu, nowNs))
        {
            return false;
        }
        int slot = index.get(destination);
        if (slot == MISSING)
        {
            if (freeCount == 0)
            {
                remove(soonestToExpire());
            }
            slot = freeSlots[--freeCount];
            destinations[slot] = destination;
            index.put(destination, slot);
        }
        mtus[slot] = estimate;
        expiries[slot] = nowNs + expiryNs;
        return true;
    }

    /**
     * Forgets the estimate for a destination.
     *
     * @param destination the destination.
     * @return true if there was one.
     */
    public boolean forget(final int destination)
    {
        final int slot = index.get(destination);
        if (slot == MISSING)
        {
            return false;
        }
        remove(slot);
        return true;
    }

    /**
     * How many destinations have an estimate (expired ones included until looked up).
     *
     * @return the count.
     */
    public int size()
    {
        return capacity - freeCount;
    }

    /**
     * The RFC 1191 §5 estimate when a router reports no next-hop MTU: the largest plateau smaller than the total
     * length of the datagram that was too big.
     *
     * @param tooBigLength the quoted datagram's total length.
     * @return a plateau, at least 68.
     */
    public static int plateau(final int tooBigLength)
    {
        for (final int plateau : PLATEAUS)
        {
            if (plateau < tooBigLength)
            {
                return plateau;
            }
        }
        return MIN_MTU;
    }

    private int soonestToExpire()
    {
        int best = MISSING;
        for (int slot = 0; slot < capacity; slot++)
        {
            if (index.get(destinations[slot]) == slot && (best == MISSING || expiries[slot] - expiries[best] < 0))
            {
                best = slot;
            }
        }
        return best;
    }

    private void remove(final int slot)
    {
        index.remove(destinations[slot]);
        freeSlots[freeCount++] = slot;
    }
}
