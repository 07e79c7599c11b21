package io.tachyon.ipv4;

import io.tachyon.wire.Ipv4Flyweight;

/**
 * Where {@link Ipv4} delivers an accepted datagram of one protocol (ICMP, UDP, IGMP). Called on the stack thread;
 * the datagram is valid only during the call.
 */
@FunctionalInterface
public interface TransportInput
{
    /**
     * One datagram for this protocol, whole (reassembled if it came in fragments) and with a good header checksum.
     *
     * @param ip               the IPv4 flyweight wrapped on the datagram; {@code ip.length()} may exceed
     *                         {@code ip.totalLength()} by link padding.
     * @param rxFlags          the driver's {@code RX_*} checksum verdicts, 0 for a reassembled datagram.
     * @param rxIndex          the RX batch index of the frame holding the datagram, or -1 when it is not in a
     *                         received frame (reassembled).
     * @param destinationClass {@link Ipv4#UNICAST}, {@link Ipv4#BROADCAST} or {@link Ipv4#MULTICAST}.
     * @param nowNs            the duty cycle's time.
     * @return true if the datagram was taken; false if it was dropped (counted by the protocol).
     */
    boolean onDatagram(Ipv4Flyweight ip, int rxFlags, int rxIndex, int destinationClass, long nowNs);
}
