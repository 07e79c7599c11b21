package io.tachyon.link;

import java.lang.foreign.MemorySegment;

/**
 * Told about frames ARP gave up on because their next hop did not resolve, so the IPv4 layer can count them and
 * report the failure to the sender (RFC 1122 §3.2.2.1 host unreachable; for our own datagrams, an error on the
 * socket). Called on the stack thread; the bytes are valid only during the call.
 */
@FunctionalInterface
public interface UnresolvedListener
{
    /**
     * A queued frame was dropped.
     *
     * @param nextHop the address that did not resolve.
     * @param frame   the memory holding the Ethernet frame.
     * @param offset  the frame's first byte.
     * @param length  the frame length.
     */
    void unresolved(int nextHop, MemorySegment frame, long offset, int length);
}
