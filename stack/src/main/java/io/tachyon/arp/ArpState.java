package io.tachyon.arp;

/**
 * The state of one neighbour entry, after the Linux neighbour state machine (NUD states) that RFC 1122 §2.3.2.1
 * describes in outline.
 * <pre>
 *            resolve()               reply for us          reachable time
 *   NONE -------------> INCOMPLETE --------------> REACHABLE --------------> STALE
 *                           |                         ^                        |
 *                           | maxRequests             | reply for us, or       | resolve()
 *                           | unanswered              | confirm()              v
 *                           v                         +------ PROBE <------- DELAY
 *                        FAILED <-------------------------------+  delay-probe time
 *                           |         maxRequests unanswered
 *                           | hold-down over
 *                           v
 *                         NONE (freed)            (STALE unused for the GC time: freed)
 * </pre>
 * A request or a gratuitous ARP that teaches a new address leaves an entry STALE: it proves the neighbour can
 * reach us, not that we can reach it. {@link #STATIC} entries come from the configuration and never change.
 */
public enum ArpState
{
    /** No entry for the address. */
    NONE,
    /** Resolution in progress: broadcast requests are being sent, packets may be queued. */
    INCOMPLETE,
    /** Confirmed by a reply (or an upper-layer confirmation) less than the reachable time ago. Usable. */
    REACHABLE,
    /** Known but unconfirmed. Usable; the next use starts re-confirmation ({@link #DELAY}). */
    STALE,
    /** Used while stale; waiting the delay-probe time for an upper-layer confirmation before probing. Usable. */
    DELAY,
    /** Re-confirming with unicast requests (RFC 1122 §2.3.2.1 "unicast poll"). Usable. */
    PROBE,
    /** Resolution failed; held down (no requests, packets dropped) until the hold-down time expires. */
    FAILED,
    /** Configured by hand; never updated by ARP, never aged, never evicted. */
    STATIC;

    private static final ArpState[] VALUES = values();

    static ArpState of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    /**
     * Whether an entry in this state holds a usable hardware address.
     *
     * @return true for REACHABLE, STALE, DELAY, PROBE and STATIC.
     */
    public boolean usable()
    {
        return this == REACHABLE || this == STALE || this == DELAY || this == PROBE || this == STATIC;
    }
}
