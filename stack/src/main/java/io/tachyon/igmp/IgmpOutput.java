package io.tachyon.igmp;

import java.lang.foreign.MemorySegment;

/**
 * Where {@link Igmp} sends its messages. The stack's duty cycle implements it.
 * <p>
 * <b>Decision: complete IPv4 datagrams, copy-out.</b> {@link Igmp} builds each message as a complete IPv4
 * datagram in a buffer of its own: a 24-byte header (IHL 6, TOS 0xC0 "Internetwork Control" as RFC 3376 §4 asks,
 * identification 0 with DF set, an atomic datagram per RFC 6864, TTL 1, protocol 2, our address as the source,
 * the RFC 2113 Router Alert option {@code 94 04 00 00}, header checksum filled in) followed by the IGMP message.
 * The implementation adds the Ethernet header, whose destination is the multicast MAC of the IPv4 destination
 * ({@link Igmp#multicastMac(int)} of the address at {@code offset + 16}), copies the bytes into a TX buffer and
 * sends or batches it. It must not keep a reference to the memory after the call returns, must not allocate on
 * this path, and must not call back into the {@link Igmp}.
 */
public interface IgmpOutput
{
    /**
     * Sends one complete IPv4 datagram carrying an IGMP message.
     *
     * @param datagram the memory holding the datagram; valid only during the call.
     * @param offset   the datagram's first byte (the IPv4 version/IHL byte).
     * @param length   the datagram length (the IPv4 total length).
     * @return true if the datagram was sent or queued for sending; false if it was dropped (no TX buffer, ring
     *     full), which {@link Igmp} counts as {@link IgmpCounter#TX_DROPPED}.
     */
    boolean transmit(MemorySegment datagram, long offset, int length);
}
