/**
 * Zero-copy flyweights over frame memory for Ethernet, ARP, IPv4, ICMPv4, IGMP, UDP and TCP, and the Internet checksum.
 * <p>
 * Every header class is a flyweight over a {@link java.lang.foreign.MemorySegment}: it holds (segment, offset,
 * length), reads and writes big-endian fields with {@code static final} unaligned
 * {@link java.lang.foreign.ValueLayout}s, and allocates nothing when it is (re)wrapped. Parsing never throws for
 * any content and never reads outside the wrapped range: it returns {@link io.tachyon.wire.Malformed#OK} or one
 * typed {@link io.tachyon.wire.Malformed} reason. Checksum failures are separate boolean verdicts, not
 * malformations. {@link io.tachyon.wire.FrameDissector} chains the flyweights over a whole frame.
 * <p>
 * <b>Decision: MemorySegment rather than Agrona's UnsafeBuffer.</b> A {@code MemorySegment} can wrap any memory a
 * driver hands us (AF_XDP UMEM, DPDK mempool areas, ef_vi registered regions, plain heap arrays in tests) with
 * bounds checks on every access and without {@code sun.misc.Unsafe}, whose memory-access methods are deprecated
 * for removal since JDK 23 and warn by default from JDK 24. A driver may deliver frames inside one large segment
 * at an offset, so wrapping a frame is only storing (segment, offset, length): no slice, no allocation. The JIT
 * hoists most bounds checks out of the hot path, and an out-of-frame read on a segment sliced to the frame throws
 * instead of reading a neighbour's bytes, which the fuzz tests rely on.
 */
package io.tachyon.wire;
