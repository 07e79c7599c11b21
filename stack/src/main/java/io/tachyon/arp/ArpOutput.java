package io.tachyon.arp;

import java.lang.foreign.MemorySegment;

/**
 * Where {@link Arp} sends frames, and how it reports packets it gives up on. The stack's duty cycle implements it
 * (see {@link QueueArpOutput} for an implementation over a {@link io.tachyon.driver.DriverQueue}).
 * <p>
 * <b>Decision: copy-out.</b> {@link Arp} builds every ARP frame in a 60-byte buffer of its own and holds pending
 * packets in its own pool, then hands the bytes to {@link #transmit}; the implementation copies them into a TX
 * buffer (for instance one acquired into a {@link io.tachyon.driver.FrameBatch}) and sends or batches it. Copying
 * 60 bytes costs less than any acquire/commit protocol across the interface, needs no state shared between the two
 * sides, and works the same for every driver. The implementation must not keep a reference to the memory after
 * the call returns, must not allocate on this path, and must not call back into the {@link Arp}.
 */
public interface ArpOutput
{
    /**
     * Sends one complete Ethernet frame.
     *
     * @param frame  the memory holding the frame; valid only during the call.
     * @param offset the frame's first byte (the destination MAC).
     * @param length the frame length, at least 60 for ARP frames (zero padded).
     * @return true if the frame was sent or queued for sending; false if it was dropped (no TX buffer, ring
     *     full), which {@link Arp} counts as {@link ArpCounter#TX_DROPPED}.
     */
    boolean transmit(MemorySegment frame, long offset, int length);

    /**
     * Reports a queued packet dropped because its next hop could not be resolved (the entry became
     * {@link ArpState#FAILED}, or the packet was offered while it was). The stack answers it with an ICMP
     * destination unreachable, code 1 (host unreachable), RFC 1122 §3.2.2.1. Called once per dropped packet, in
     * queue order. The default does nothing.
     *
     * @param address the IPv4 address that did not resolve.
     * @param frame   the memory holding the dropped frame; valid only during the call.
     * @param offset  the frame's first byte.
     * @param length  the frame length.
     */
    default void unresolved(final int address, final MemorySegment frame, final long offset, final int length)
    {
    }

    /**
     * Reports an address conflict: another host ({@code senderMac}) sent an ARP packet claiming our IPv4 address
     * (RFC 5227 §2.4). The default does nothing.
     *
     * @param senderMac the other host's hardware address.
     * @param nowNs     when the conflicting packet was processed.
     */
    default void addressConflict(final long senderMac, final long nowNs)
    {
    }
}
