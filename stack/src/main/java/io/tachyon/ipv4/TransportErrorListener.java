package io.tachyon.ipv4;

import io.tachyon.wire.Ipv4Flyweight;

/**
 * Told about errors concerning a datagram this host sent: received ICMP errors, and datagrams whose next hop did not
 * resolve. RFC 1122 §3.2.2: "the IP protocol number MUST be extracted from the original header and used to select the
 * appropriate transport protocol entity to handle the error"; §4.1.3.3: "UDP MUST pass to the application layer all
 * ICMP error messages that it receives from the IP layer." The transport matches the quoted header to the socket
 * that sent it. Called on the stack thread; the quote is valid only during
 * the call.
 */
@FunctionalInterface
public interface TransportErrorListener
{
    /** {@link #onError} origin: an ICMP message from the network. */
    int ORIGIN_ICMP = 2;
    /** {@link #onError} origin: this host (the next hop did not resolve). */
    int ORIGIN_LOCAL = 1;

    /**
     * An error about one of our datagrams.
     *
     * @param origin      {@link #ORIGIN_ICMP} or {@link #ORIGIN_LOCAL}.
     * @param type        the ICMP type (3, 11, 12; 3 for local unresolved errors).
     * @param code        the ICMP code (1, host unreachable, for local unresolved errors).
     * @param info        the next-hop MTU for fragmentation needed, the pointer for parameter problem, else 0.
     * @param quoted      the quoted IPv4 header (its source is ours); {@code quoted.length()} covers the bytes of the
     *                    quote present, at least the header plus 8 bytes.
     * @return true if a socket took the error.
     */
    boolean onError(int origin, int type, int code, int info, Ipv4Flyweight quoted);
}
