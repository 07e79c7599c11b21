package io.tachyon.ipv4;

import java.lang.foreign.MemorySegment;

/**
 * Sends ICMP error messages about a received datagram (implemented by the ICMP layer), applying RFC 1122
 * §3.2.2's rules about when an error must not be sent, and the rate limit. Called on the stack thread.
 */
@FunctionalInterface
public interface IcmpErrorSender
{
    /**
     * Sends an error about a datagram, quoting its header and as much of its data as fits in 576 bytes.
     *
     * @param type             the ICMP type (3 destination unreachable, 11 time exceeded, 12 parameter problem).
     * @param code             the ICMP code.
     * @param info             type-specific: the next-hop MTU for fragmentation needed, the pointer for parameter
     *                         problem, else 0.
     * @param segment          the memory holding the offending datagram.
     * @param offset           where its IPv4 header starts.
     * @param length           its bytes present (the quote never reads beyond them or its total length).
     * @param destinationClass how its destination was classified ({@link Ipv4#UNICAST}, ...).
     * @param nowNs            the current time.
     * @return true if an error was sent.
     */
    boolean sendError(int type, int code, int info, MemorySegment segment, long offset, int length,
        int destinationClass, long nowNs);
}
