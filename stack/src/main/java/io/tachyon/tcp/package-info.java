/**
 * TCP building blocks (RFC 9293 and its extensions) that the TCP state machine calls: sequence-number arithmetic
 * ({@link io.tachyon.tcp.Seq}), the retransmission timer's estimator ({@link io.tachyon.tcp.RttEstimator}, RFC 6298
 * and RFC 7323 §4), pluggable congestion control ({@link io.tachyon.tcp.CongestionControl} with
 * {@link io.tachyon.tcp.NewReno} and {@link io.tachyon.tcp.Cubic}, chosen by name through
 * {@link io.tachyon.tcp.CongestionControlFactory}), initial sequence numbers (RFC 6528), SYN cookies and timestamp
 * rules (RFC 7323), the send and receive queues with out-of-order assembly and SACK/D-SACK generation
 * (RFC 2018, 2883), and the sender's SACK scoreboard (RFC 6675).
 * <p>
 * The socket API: {@link io.tachyon.tcp.TcpSocket} and {@link io.tachyon.tcp.TcpListener} on the stack thread
 * (options, {@link io.tachyon.tcp.TcpInfo}, the zero-copy {@link io.tachyon.tcp.TcpHandler} and
 * {@link io.tachyon.tcp.TcpAcceptHandler} callbacks, copying reads and writes), and the blocking
 * {@link io.tachyon.tcp.TcpChannel} and {@link io.tachyon.tcp.TcpServerChannel} for any thread.
 * <p>
 * Every component (the channels aside) is single-threaded (it belongs to the stack thread), allocates nothing after construction, takes
 * time as {@code nowNs} (epoch nanoseconds from the stack's {@link io.tachyon.time.Clock}), compares sequence
 * numbers and timestamps as 32-bit values modulo 2^32 (RFC 9293 §3.4), and throws only for bad API use, with a
 * message naming the bad value.
 */
package io.tachyon.tcp;
