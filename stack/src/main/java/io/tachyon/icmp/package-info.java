/**
 * ICMP (RFC 792, RFC 1122 §3.2.2, RFC 1191): echo, error generation with RFC 1122's never-send rules and a rate
 * limit, and received errors matched to the socket that caused them.
 */
package io.tachyon.icmp;
