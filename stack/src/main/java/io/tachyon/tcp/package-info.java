/**
 * TCP building blocks (RFC 9293 and its extensions) that the TCP state machine calls: single-threaded, allocation
 * free after construction, bounded memory. Sequence numbers are {@code int} values compared modulo 2^32
 * (RFC 9293 §3.4).
 */
package io.tachyon.tcp;
