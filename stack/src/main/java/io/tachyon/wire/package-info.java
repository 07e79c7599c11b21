/**
 * Zero-copy flyweights over frame memory for Ethernet, ARP, IPv4, ICMPv4, UDP and TCP, and the Internet checksum.
 */
package io.tachyon.wire;
