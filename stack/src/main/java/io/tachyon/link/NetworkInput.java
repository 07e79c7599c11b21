package io.tachyon.link;

import java.lang.foreign.MemorySegment;

/**
 * Where {@link Link} hands received IPv4 packets: the IPv4 layer implements it. Called on the stack thread during
 * the receive part of the duty cycle; the bytes are valid only during the call.
 */
@FunctionalInterface
public interface NetworkInput
{
    /**
     * One received IPv4 packet.
     *
     * @param segment       the memory holding the frame.
     * @param offset        where the IPv4 header starts.
     * @param length        the bytes after the Ethernet header (may include link padding).
     * @param rxFlags       the driver's {@code RX_*} checksum verdicts.
     * @param rxIndex       the frame's index in the RX batch (for {@link Link#transmitReceived}).
     * @param linkBroadcast whether the frame was sent to a link-layer broadcast or multicast address.
     * @param nowNs         the duty cycle's time.
     * @return true if the packet was delivered or held (reassembly); false if it was dropped (counted).
     */
    boolean onIpv4(MemorySegment segment, long offset, int length, int rxFlags, int rxIndex, boolean linkBroadcast,
        long nowNs);
}
