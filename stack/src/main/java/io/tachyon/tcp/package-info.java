/**
 * TCP building blocks that the TCP state machine (RFC 9293) calls: sequence-number arithmetic ({@link Seq}), the
 * retransmission timer's estimator ({@link io.tachyon.tcp.RttEstimator}, RFC 6298 and RFC 7323 §4), and pluggable
 * congestion control ({@link io.tachyon.tcp.CongestionControl} with {@link io.tachyon.tcp.NewReno} and
 * {@link io.tachyon.tcp.Cubic}, chosen by name through {@link io.tachyon.tcp.CongestionControlFactory}).
 * <p>
 * Every component is single-threaded (it belongs to the stack thread), allocates nothing after construction, takes
 * time as {@code nowNs} from the stack's {@link io.tachyon.time.Clock}, and throws only for bad API use, with a
 * message naming the bad value.
 */
package io.tachyon.tcp;
