/**
 * The IPv4 layer's fragment handling: {@link io.tachyon.ipv4.Ipv4Reassembly} puts received fragments back together
 * within fixed memory and time bounds (RFC 791, RFC 1122 §3.3.2, RFC 5722-style overlap policy), and
 * {@link io.tachyon.ipv4.Ipv4Fragmenter} splits a datagram to fit an MTU. Both are single-threaded, run to
 * completion and allocate nothing after construction; bad packets become counted drops, never exceptions.
 */
package io.tachyon.ipv4;
