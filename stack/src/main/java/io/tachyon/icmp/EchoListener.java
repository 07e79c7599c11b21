package io.tachyon.icmp;

import java.lang.foreign.MemorySegment;

/**
 * Told about echo replies (answers to {@link Icmp#ping}). Called on the stack thread; the data is valid only during
 * the call. Implementations should be objects created once (no capturing lambdas on the data path).
 */
@FunctionalInterface
public interface EchoListener
{
    /**
     * An echo reply arrived.
     *
     * @param source     who answered.
     * @param identifier the echo identifier.
     * @param sequence   the echo sequence number.
     * @param segment    the memory holding the echoed data.
     * @param offset     where the data starts.
     * @param length     the data length.
     * @param nowNs      the duty cycle's time.
     */
    void onEchoReply(int source, int identifier, int sequence, MemorySegment segment, long offset, int length,
        long nowNs);
}
