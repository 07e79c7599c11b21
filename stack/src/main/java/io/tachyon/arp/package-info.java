/**
 * ARP for the stack's link layer: the neighbour table with resolution, pending-packet queues, neighbour
 * unreachability detection and gratuitous ARP ({@link io.tachyon.arp.Arp}), its configuration
 * ({@link io.tachyon.arp.ArpConfig}), its counters ({@link io.tachyon.arp.ArpCounter}), and the output interface
 * the duty cycle implements ({@link io.tachyon.arp.ArpOutput}, with {@link io.tachyon.arp.QueueArpOutput} over a
 * {@link io.tachyon.driver.DriverQueue}).
 * <p>
 * Standards followed: RFC 826 (packet format, reception algorithm and merge rule), RFC 1122 §2.3.2 (cache
 * validation, flood prevention, saving packets while resolving), RFC 5227 (probes, announcements, conflict
 * detection and defence); Linux's neighbour subsystem supplies the state machine and the defaults.
 * <p>
 * Typical use by the link layer, once per duty cycle:
 * <pre>{@code
 *   // receive: for each frame the dissector reached Layer.ARP on
 *   arp.onArp(dissector.arp(), nowNs);
 *   // transmit an IPv4 packet to next hop nh, built in a TX buffer without a destination MAC yet
 *   long mac = arp.resolve(nh, nowNs);
 *   if (mac != Arp.NO_MAC) { ethernet.destination(mac); send it; }
 *   else { arp.enqueue(nh, segment, offset, length, nowNs); release the buffer; }
 *   // timers
 *   if (nowNs - arp.nextDeadlineNs() >= 0) { arp.poll(nowNs); }   // (when nextDeadlineNs() != NO_DEADLINE)
 * }</pre>
 */
package io.tachyon.arp;
