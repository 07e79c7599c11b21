/**
 * The link layer: Ethernet framing on receive and transmit, the TX batch with bounded retries, in-place transmit of
 * received frames, and the hand-over to ARP for frames whose next hop is not resolved yet.
 */
package io.tachyon.link;
