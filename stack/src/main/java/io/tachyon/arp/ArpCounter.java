package io.tachyon.arp;

/**
 * Every event and every drop reason {@link Arp} counts; read with {@link Arp#counter(ArpCounter)}. Counters are
 * plain longs owned by the stack's thread.
 */
public enum ArpCounter
{
    /** ARP requests received (operation 1), before any other check. */
    RX_REQUESTS,
    /** ARP replies received (operation 2), before any other check. */
    RX_REPLIES,
    /** Dropped: not an Ethernet/IPv4 ARP packet (the dissector normally filters these). */
    RX_MALFORMED,
    /** Dropped: an operation other than request or reply (RARP, InARP, garbage). */
    RX_UNKNOWN_OPERATION,
    /** Dropped: the sender hardware address is ours (our own frame looped back). */
    RX_OWN_MAC,
    /** Dropped: the sender hardware address is zero, broadcast or multicast. */
    RX_BAD_SENDER_MAC,
    /** Dropped: the sender protocol address is not a unicast host address (0/8, 127/8, 224/4, 240/4). */
    RX_BAD_SENDER_ADDRESS,
    /** Dropped: the target protocol address is loopback, multicast or reserved (Linux drops these too). */
    RX_BAD_TARGET_ADDRESS,
    /** RFC 5227 probes received (sender protocol address 0.0.0.0); answered when they ask for our address. */
    RX_PROBES,
    /** Gratuitous ARP received (sender protocol address == target protocol address). */
    RX_GRATUITOUS,
    /** Ignored: not for us and no entry for the sender, so nothing to merge (RFC 826). */
    RX_NOT_FOR_US,
    /** Ignored: a packet tried to change the hardware address of a static entry. */
    RX_STATIC_PROTECTED,
    /** Address conflicts: another hardware address claimed our IPv4 address (RFC 5227 §2.4). */
    CONFLICTS,
    /** Conflicts not defended because we defended less than the defend interval ago (RFC 5227 §2.4 (b)). */
    DEFENCES_SUPPRESSED,

    /** Replies sent to requests for our address. */
    TX_REPLIES,
    /** Broadcast requests sent to resolve an address. */
    TX_REQUESTS,
    /** Unicast requests sent to re-confirm a stale entry. */
    TX_PROBES,
    /** ARP announcements (gratuitous requests) sent by {@link Arp#announce(long)}. */
    TX_ANNOUNCEMENTS,
    /** ARP announcements sent to defend our address against a conflict. */
    TX_DEFENCES,
    /** Frames the {@link ArpOutput} refused (no TX buffer). */
    TX_DROPPED,
    /** Requests (broadcast or unicast) not sent because the global token bucket was empty. */
    REQUESTS_RATE_LIMITED,

    /** Entries created (by resolution or by the RFC 826 rule for packets addressed to us). */
    ENTRIES_CREATED,
    /** Entries updated by a received packet (RFC 826 merge), whether or not anything changed. */
    ENTRIES_UPDATED,
    /** Updates that changed an entry's hardware address. */
    ENTRIES_MAC_CHANGED,
    /** Entries made REACHABLE by a reply or by {@link Arp#confirm(int, long)}. */
    ENTRIES_CONFIRMED,
    /** REACHABLE entries aged to STALE. */
    ENTRIES_STALED,
    /** Resolutions or re-confirmations that ended FAILED. */
    ENTRIES_FAILED,
    /** Entries freed by garbage collection (STALE unused) or at the end of a FAILED hold-down. */
    ENTRIES_EXPIRED,
    /** Entries evicted to make room in a full table. */
    ENTRIES_EVICTED,
    /** Entries not created because the table was full of entries that may not be evicted. */
    TABLE_FULL,

    /** {@link Arp#resolve} answered with a hardware address. */
    RESOLVE_HITS,
    /** {@link Arp#resolve} found no usable address (resolution started or in progress). */
    RESOLVE_MISSES,
    /** {@link Arp#resolve} on an entry in FAILED hold-down. */
    RESOLVE_FAILED,
    /** {@link Arp#resolve} of an address ARP does not resolve (ours, 0/8, 127/8, multicast, reserved). */
    RESOLVE_INVALID,

    /** Packets copied into the pending pool. */
    PENDING_QUEUED,
    /** Packets offered to {@link Arp#enqueue} whose address was already resolved: sent at once. */
    PENDING_SENT_DIRECT,
    /** Pending packets sent when their neighbour resolved. */
    PENDING_FLUSHED,
    /** Pending packets dropped (the oldest of the neighbour) because its queue was full. */
    PENDING_DROPPED_OVERFLOW,
    /** Packets not queued because the global pending memory was exhausted. */
    PENDING_DROPPED_MEMORY,
    /** Packets not queued because they are longer than the configured maximum frame length. */
    PENDING_DROPPED_TOO_LONG,
    /** Packets not queued because no entry could be created (table full, or an address ARP does not resolve). */
    PENDING_DROPPED_NO_ENTRY,
    /** Packets dropped because their neighbour did not resolve (each reported to {@link ArpOutput#unresolved}). */
    PENDING_DROPPED_UNRESOLVED
}
