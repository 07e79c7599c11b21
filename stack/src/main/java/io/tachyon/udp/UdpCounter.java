package io.tachyon.udp;

import io.tachyon.counters.OrdinalCounterDescriptor;

/**
 * UDP counters, type {@code Udp}, named after the UDP-MIB (RFC 4113) objects that {@code netstat -s} prints.
 */
public enum UdpCounter implements OrdinalCounterDescriptor
{
    /** udpInDatagrams (RFC 4113): delivered to a socket (once per datagram). */
    IN_DATAGRAMS("InDatagrams: datagrams delivered"),
    /** udpNoPorts: answered with ICMP port unreachable where RFC 1122 allows. */
    NO_PORTS("NoPorts: datagrams to a port with no socket"),
    /** udpInErrors: malformed datagrams, bad checksums, full receive queues. */
    IN_ERRORS("InErrors: datagrams not delivered for other reasons"),
    /** Datagrams dropped because the socket's receive queue was full (also in InErrors). */
    RCVBUF_ERRORS("RcvbufErrors: datagrams dropped: receive queue full"),
    /** Checksum failures (also in InErrors). */
    IN_CSUM_ERRORS("InCsumErrors: bad checksums"),
    /** udpOutDatagrams. */
    OUT_DATAGRAMS("OutDatagrams: datagrams sent"),
    /** Sends refused for lack of TX buffers (the call returned false). */
    SNDBUF_ERRORS("SndbufErrors: datagrams not sent: no TX buffer"),
    /** Broadcast and multicast datagrams no socket wanted (no ICMP is sent). */
    IGNORED_MULTI("IgnoredMulti: broadcast or multicast datagrams with no socket"),
    /** Errors not queued because the socket's error queue was full. */
    ERROR_QUEUE_OVERFLOWS("ErrQueueOverflows: ICMP errors dropped: socket error queue full"),
    /** Exceptions thrown by application datagram or error handlers, caught by the stack. */
    HANDLER_ERRORS("HandlerErrors: exceptions thrown by socket handlers");

    private final String label;

    UdpCounter(final String label)
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
