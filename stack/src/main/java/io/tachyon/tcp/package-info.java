/**
 * TCP building blocks (RFC 9293 and its extensions) that the TCP state machine calls: pure, single-threaded
 * components that allocate nothing after construction, take time as {@code nowNs} (epoch nanoseconds from the
 * stack's {@link io.tachyon.time.Clock}) and compare sequence numbers and timestamps as 32-bit values modulo
 * 2^32 (RFC 9293 §3.4).
 */
package io.tachyon.tcp;
