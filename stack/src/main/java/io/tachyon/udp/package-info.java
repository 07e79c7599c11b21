/**
 * UDP (RFC 768, RFC 1122 §4.1): demultiplexing to sockets, checksums, port allocation, and the stack-thread socket
 * API with zero-copy callbacks or bounded receive queues; {@link io.tachyon.udp.UdpChannel}, the copying API for
 * application threads (bounded lock-free rings between them and the stack thread).
 */
package io.tachyon.udp;
