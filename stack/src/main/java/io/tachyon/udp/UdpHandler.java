package io.tachyon.udp;

import java.lang.foreign.MemorySegment;

/**
 * Zero-copy receive: called on the stack thread for each datagram delivered to a socket, with a view of the
 * payload in the driver's receive buffer (or the reassembly buffer). The view is valid only during the call: copy
 * what must outlive it. A handler may send (on any socket of the same stack) from inside the call. Implementations
 * should be objects created once, not lambdas capturing per-call state. An exception thrown here is caught and
 * counted ({@link UdpCounter#HANDLER_ERRORS}).
 */
@FunctionalInterface
public interface UdpHandler
{
    /**
     * A datagram arrived.
     *
     * @param socket        the socket it was delivered to.
     * @param segment       the memory holding the payload.
     * @param offset        where the payload starts.
     * @param length        the payload length.
     * @param sourceAddress the sender's address.
     * @param sourcePort    the sender's port.
     */
    void onDatagram(UdpSocket socket, MemorySegment segment, long offset, int length, int sourceAddress,
        int sourcePort);
}
