/**
 * IGMP for the stack's IPv4 layer, host side: multicast group membership with reference counts, reports, query
 * responses and compatibility with older queriers ({@link io.tachyon.igmp.Igmp}), its configuration
 * ({@link io.tachyon.igmp.IgmpConfig}), versions ({@link io.tachyon.igmp.IgmpVersion}), counters
 * ({@link io.tachyon.igmp.IgmpCounter}), and the output interface the duty cycle implements
 * ({@link io.tachyon.igmp.IgmpOutput}). The wire format is {@link io.tachyon.wire.IgmpFlyweight}.
 * <p>
 * Standards followed: RFC 1112 (host extensions, IGMPv1, the multicast MAC mapping), RFC 2236 (IGMPv2 host
 * state machine, suppression, leaves), RFC 3376 (IGMPv3 host behaviour and compatibility modes), RFC 2113 (Router
 * Alert on every message sent).
 * <p>
 * Typical use by the IPv4 layer, on the stack thread:
 * <pre>{@code
 *   // a socket joins or leaves
 *   igmp.join(group, nowNs);  ...  igmp.leave(group, nowNs);
 *   // receive: accept a multicast destination only if igmp.isMember(destination); for protocol 2:
 *   igmp.onIgmp(segment, ipv4.payloadOffset(), ipv4.payloadLength(), ipv4.source(), nowNs);
 *   // timers
 *   if (nowNs - igmp.nextDeadlineNs() >= 0) { igmp.poll(nowNs); }   // (when nextDeadlineNs() != NO_DEADLINE)
 *   // IgmpOutput.transmit(datagram, offset, length): prepend Ethernet to Igmp.multicastMac(IPv4 destination)
 * }</pre>
 */
package io.tachyon.igmp;
