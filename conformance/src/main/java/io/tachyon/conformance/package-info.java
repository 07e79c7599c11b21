/**
 * Conformance: an in-process packetdrill interpreter that runs public packetdrill scripts against a Tachyon stack
 * on a virtual clock and wire ({@link io.tachyon.conformance.ConformanceMain}, {@code ./tachyon conformance}).
 */
package io.tachyon.conformance;
