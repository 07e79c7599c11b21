package io.tachyon.link;

import io.tachyon.counters.OrdinalCounterDescriptor;

/**
 * Ethernet-level events and drop reasons, type {@code Ethernet} in the counters file. Malformed frames are counted
 * per {@link io.tachyon.wire.Malformed} reason in their own type.
 */
public enum LinkCounter implements OrdinalCounterDescriptor
{
    /** Unicast frames whose destination is not our MAC address. */
    NOT_FOR_US("frames for another MAC address dropped"),
    /** Frames whose source is our MAC address (our own traffic looped back). */
    OWN_SOURCE("frames with our own source MAC dropped"),
    /** 802.1Q/802.1ad tagged frames: the stack runs on an untagged interface. */
    VLAN_DROPPED("VLAN-tagged frames dropped (the interface is untagged)"),
    /** IPv6 frames (EtherType 0x86dd). */
    IPV6_DROPPED("IPv6 frames dropped (not supported)"),
    /** Frames with an EtherType other than IPv4, ARP and IPv6. */
    UNKNOWN_ETHERTYPE("frames with an unknown EtherType dropped"),
    /** Frames to ff:ff:ff:ff:ff:ff accepted. */
    BROADCAST_IN("broadcast frames received"),
    /** Frames to the multicast MAC address of a joined group (or of 224.0.0.1) accepted. */
    MULTICAST_IN("multicast frames received"),
    /** Frames handed to ARP to wait for their next hop to resolve. */
    TX_ARP_QUEUED("frames queued waiting for ARP"),
    /** Frames ARP did not queue or send (see the Arp counters for why). */
    TX_ARP_DROPPED("frames ARP refused (queue full, failed neighbour)"),
    /** Frames not built because the driver had no free TX buffer. */
    TX_NO_BUFFER("frames not sent: no TX buffer"),
    /** Frames not built because the TX batch was full and the driver accepted none of it. */
    TX_BATCH_FULL("frames not sent: TX batch full and the driver refused more"),
    /** Duty cycles that ended with frames the driver had not accepted yet (retried next cycle). */
    TX_RETRIES("TX flushes retried after a partial acceptance"),
    /** Frames released unsent after the configured number of retries. */
    TX_DROPPED("frames dropped after the TX retry bound"),
    /** Received frames transmitted in place (echo replies reusing the request's buffer). */
    TX_IN_PLACE("received frames sent back in place"),
    /** Frames whose source MAC address is a group address (impossible for a sender). */
    BAD_SOURCE("frames with a group source MAC dropped"),
    /** Frames to a multicast MAC address that no joined group maps to. */
    MULTICAST_NOT_JOINED("frames for a multicast MAC address of no joined group dropped"),
    /** IPv4 datagrams handed over as complete datagrams (IGMP) and sent with an Ethernet header added. */
    TX_DATAGRAMS_COPIED("IPv4 datagrams copied into frames (IGMP)");


    private final String label;

    LinkCounter(final String label)
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
