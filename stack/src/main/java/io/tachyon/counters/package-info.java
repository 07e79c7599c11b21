/**
 * Counters that another process can read: every drop reason and protocol event of a running stack, in a
 * memory-mapped file (by default {@code /dev/shm/tachyon-<user>/<stack-name>/counters.dat}) that
 * {@code ./tachyon stat} prints like {@code netstat -s}.
 * <p>
 * The owner creates a {@link io.tachyon.counters.CountersFile}, registers counters off the hot path (single
 * {@link io.tachyon.counters.Counter}s, {@link io.tachyon.counters.CounterDescriptor} enums such as
 * {@link io.tachyon.counters.SystemCounterDescriptor}, or one counter per constant of any enum as a
 * {@link io.tachyon.counters.CounterFamily}), then counts with {@code counter.increment()}: a plain read and a
 * release store, no allocation, no atomic read-modify-write (one writer per counter). It updates the header's
 * heartbeat every duty cycle so readers can tell a live stack from a dead file. Readers use
 * {@link io.tachyon.counters.CountersReader}, which maps the file read-only. The byte layout is drawn in
 * {@link io.tachyon.counters.CountersLayout}.
 * <p>
 * <b>Decision: MemorySegment over a mapped file rather than Agrona's CountersManager.</b> Agrona's counters rest
 * on {@code UnsafeBuffer}, i.e. {@code sun.misc.Unsafe} memory access, deprecated for removal and warned about
 * from JDK 24. {@code FileChannel.map(mode, offset, size, arena)} gives a bounds-checked
 * {@link java.lang.foreign.MemorySegment} with a deterministic unmap, and {@code ValueLayout.JAVA_LONG.varHandle()}
 * gives the acquire/release accesses the single-writer protocol needs.
 */
package io.tachyon.counters;
