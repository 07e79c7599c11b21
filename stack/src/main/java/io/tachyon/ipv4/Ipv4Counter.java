package io.tachyon.ipv4;

import io.tachyon.counters.OrdinalCounterDescriptor;

/**
 * IPv4 counters, type {@code Ip}, named after the IP-MIB (RFC 4293) objects that {@code netstat -s} prints.
 */
public enum Ipv4Counter implements OrdinalCounterDescriptor
{
    /** ipInReceives (RFC 4293): every IPv4 datagram handed up by the link, errors included. */
    IN_RECEIVES("InReceives: datagrams received"),
    /** ipInHdrErrors: malformed headers and bad header checksums. */
    IN_HDR_ERRORS("InHdrErrors: datagrams with header errors"),
    /** Header checksum failures (also counted in InHdrErrors). */
    IN_CSUM_ERRORS("InCsumErrors: bad header checksums"),
    /** Datagrams whose total length exceeds the bytes received. */
    IN_TRUNCATED("InTruncatedPkts: datagrams shorter than their total length"),
    /** ipInAddrErrors: destination neither ours, a broadcast, nor a joined group. */
    IN_ADDR_ERRORS("InAddrErrors: datagrams not addressed to us"),
    /** Sources that are multicast, reserved, loopback, a broadcast, or our own address (RFC 1122 3.2.1.3). */
    IN_MARTIANS("InMartians: datagrams from an impossible source"),
    /** RFC 1122 3.3.6: link-layer broadcast or multicast whose IP destination is unicast. */
    IN_BCAST_MISMATCH("InBcastMismatch: link broadcast carrying a unicast destination"),
    /** Multicast datagrams for groups the membership seam says we are not in. */
    IN_MCAST_NOT_JOINED("InMcastNotJoined: multicast to a group not joined"),
    /** ipInUnknownProtos: protocols other than ICMP, UDP and IGMP (TCP included until it exists). */
    IN_UNKNOWN_PROTOS("InUnknownProtos: datagrams for an unsupported protocol"),
    /** ipInDiscards. */
    IN_DISCARDS("InDiscards: datagrams discarded for lack of resources"),
    /** ipInDelivers. */
    IN_DELIVERS("InDelivers: datagrams delivered to ICMP, UDP or IGMP"),
    /** ipSystemStatsInBcastPkts. */
    IN_BCAST_PKTS("InBcastPkts: broadcast datagrams received"),
    /** ipSystemStatsInMcastPkts. */
    IN_MCAST_PKTS("InMcastPkts: multicast datagrams received"),
    /** ipOutRequests: datagrams handed to the link (before fragmentation). */
    OUT_REQUESTS("OutRequests: datagrams sent"),
    /** ipOutDiscards. */
    OUT_DISCARDS("OutDiscards: datagrams dropped on output for lack of buffers"),
    /** ipOutNoRoutes: off-link destinations without a default gateway. */
    OUT_NO_ROUTES("OutNoRoutes: datagrams with no route"),
    /** Queued datagrams dropped because ARP failed for their next hop. */
    OUT_UNRESOLVED("OutUnresolved: datagrams whose next hop did not resolve"),
    /** ipReasmReqds. */
    REASM_REQDS("ReasmReqds: fragments received"),
    /** ipReasmOKs. */
    REASM_OKS("ReasmOKs: datagrams reassembled"),
    /** ipReasmFails: fragments the reassembler dropped (see the Reassembly counters for why). */
    REASM_FAILS("ReasmFails: fragments dropped by reassembly"),
    /** ipFragOKs. */
    FRAG_OKS("FragOKs: datagrams fragmented"),
    /** ipFragFails. */
    FRAG_FAILS("FragFails: datagrams not sent: DF set and too big"),
    /** ipFragCreates. */
    FRAG_CREATES("FragCreates: fragments created"),
    /** Path MTU estimates lowered by ICMP fragmentation needed (RFC 1191). */
    PMTU_UPDATES("PmtuUpdates: path MTUs lowered by fragmentation needed"),
    /** Fragmentation needed messages that would not lower the estimate, or name an MTU below 68. */
    PMTU_IGNORED("PmtuIgnored: fragmentation needed messages ignored");

    private final String label;

    Ipv4Counter(final String label)
    {
        this.label = label;
    }

    /**
     * What the counter counts, as {@code ./tachyon stat} prints it.
     *
     * @return the label.
     */
    @Override
    public String label()
    {
        return label;
    }
}
