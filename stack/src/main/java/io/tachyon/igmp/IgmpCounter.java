package io.tachyon.igmp;

/**
 * Every event and every drop reason {@link Igmp} counts; read with {@link Igmp#counter(IgmpCounter)}. Counters are
 * plain longs owned by the stack's thread.
 */
public enum IgmpCounter
{
    /** IGMPv1 queries accepted (8 bytes, Max Resp 0). */
    RX_V1_QUERIES,
    /** IGMPv2 queries accepted (8 bytes, Max Resp non-zero). */
    RX_V2_QUERIES,
    /** IGMPv3 queries accepted (12 bytes or more). */
    RX_V3_QUERIES,
    /** IGMPv1 reports heard from other hosts. */
    RX_V1_REPORTS,
    /** IGMPv2 reports heard from other hosts. */
    RX_V2_REPORTS,
    /** IGMPv3 reports heard from other hosts (hosts ignore them: IGMPv3 has no suppression). */
    RX_V3_REPORTS,
    /** IGMPv2 leaves heard from other hosts (hosts ignore them). */
    RX_LEAVES,
    /** Dropped: fewer than 8 bytes, or fewer than the IGMPv3 sources or group records announced. */
    RX_TRUNCATED,
    /** Dropped: the checksum over the message is wrong. */
    RX_BAD_CHECKSUM,
    /** Dropped: a query of 9 to 11 bytes, which RFC 3376 §7.1 says to ignore. */
    RX_BAD_QUERY_LENGTH,
    /** Dropped: a group-specific query or a report whose group is not a multicast address. */
    RX_BAD_GROUP,
    /** Dropped: a type hosts do not know (e.g. DVMRP, PIMv1, multicast traceroute). */
    RX_UNKNOWN_TYPE,
    /** Dropped: sent from our own address (our message looped back). */
    RX_OWN,
    /** Ignored: a group-specific query for a group we are not a member of. */
    RX_QUERY_NOT_MEMBER,
    /** Ignored: an IGMPv1/v2 report in IGMPv3 mode, or for a group we are not waiting to report (no suppression). */
    RX_REPORT_NOT_PENDING,

    /** IGMPv2 (or v1) reports not sent because another host's report for the group was heard (RFC 2236 §3). */
    REPORTS_SUPPRESSED,
    /** IGMPv3 query responses scheduled for the whole interface (general queries). */
    GENERAL_RESPONSES_SCHEDULED,
    /** Query responses scheduled or rescheduled for one group. */
    GROUP_RESPONSES_SCHEDULED,
    /** Queries answered by a response already pending that is due sooner (RFC 3376 §5.2 rule 1, RFC 2236 §3). */
    RESPONSES_ALREADY_PENDING,
    /** IGMPv2 leaves not sent because another host reported the group after us (RFC 2236 §6 flag). */
    LEAVES_NOT_LAST_REPORTER,

    /** Groups joined (the first reference). */
    JOINS,
    /** Further references to a group already joined. */
    JOINS_SHARED,
    /** Joins refused because {@code maxGroups} slots are in use. */
    JOINS_TABLE_FULL,
    /** Groups left (the last reference). */
    LEAVES,
    /** References dropped from a group still joined by others. */
    LEAVES_SHARED,
    /** Leaves for a group not joined. */
    LEAVES_NOT_JOINED,

    /** Entered IGMPv1 compatibility mode: an IGMPv1 querier was heard. */
    COMPAT_V1_ENTERED,
    /** Entered IGMPv2 compatibility mode: an IGMPv2 querier was heard, or the IGMPv1 one timed out. */
    COMPAT_V2_ENTERED,
    /** Returned to IGMPv3: every older querier timed out. */
    COMPAT_V3_ENTERED,

    /** IGMPv1 reports sent. */
    TX_V1_REPORTS,
    /** IGMPv2 reports sent. */
    TX_V2_REPORTS,
    /** IGMPv2 leaves sent. */
    TX_LEAVES,
    /** IGMPv3 reports sent (datagrams, each with one or more group records). */
    TX_V3_REPORTS,
    /** IGMPv3 group records sent. */
    TX_V3_RECORDS,
    /** Datagrams the {@link IgmpOutput} refused (no TX buffer). */
    TX_DROPPED
}
