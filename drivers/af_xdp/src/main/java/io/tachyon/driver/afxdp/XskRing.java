package io.tachyon.driver.afxdp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One single-producer/single-consumer AF_XDP ring shared with the kernel (FILL, RX, TX or COMPLETION), mapped from
 * the socket. The producer and consumer words are u32 indices that run freely mod 2^32; the slot of index
 * {@code i} is {@code i & mask}.
 * <p>
 * Memory ordering follows the kernel's pairing (net/xdp/xsk_queue.h): a producer writes entries and then
 * publishes them with a release store of {@code producer}; a consumer reads {@code producer} with an acquire load
 * before it reads entries, and hands slots back with a release store of {@code consumer}; a producer that needs
 * room refreshes its view with an acquire load of {@code consumer}. The UMEM frame bytes ride on the same pairs:
 * an RX frame is read after the acquire of the RX producer, a TX frame is written before the release of the TX
 * producer. Both sides keep cached copies and touch the shared words only to publish or to refresh.
 * <p>
 * Used by one thread; allocates nothing.
 */
final class XskRing
{
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    final MemorySegment memory;
    final int size;
    final int mask;
    private final long producerOffset;
    private final long consumerOffset;
    private final long flagsOffset;
    final long descOffset;
    final int entrySize;
    private int cachedProducer;
    private int cachedConsumer;

    XskRing(final MemorySegment memory, final int size, final int entrySize, final long producerOffset,
        final long consumerOffset, final long flagsOffset, final long descOffset)
    {
        this.memory = memory;
        this.size = size;
        this.mask = size - 1;
        this.entrySize = entrySize;
        this.producerOffset = producerOffset;
        this.consumerOffset = consumerOffset;
        this.flagsOffset = flagsOffset;
        this.descOffset = descOffset;
    }

    /** The byte offset of the entry for index {@code index}. */
    long entry(final int index)
    {
        return descOffset + (long) (index & mask) * entrySize;
    }

    // ------------------------------------------------------------------------------------------- producer side

    /**
     * How many entries up to {@code wanted} can be produced now, refreshing the consumer (acquire) only when the
     * cached view has too little room.
     */
    int producerFree(final int wanted)
    {
        int free = size - (cachedProducer - cachedConsumer);
        if (free < wanted)
        {
            cachedConsumer = (int) INT.getAcquire(memory, consumerOffset);
            free = size - (cachedProducer - cachedConsumer);
        }
        return Math.min(free, wanted);
    }

    /** The index of the next entry to produce. */
    int producerIndex()
    {
        return cachedProducer;
    }

    /** Publishes {@code count} written entries (release store of producer). */
    void produce(final int count)
    {
        cachedProducer += count;
        INT.setRelease(memory, producerOffset, cachedProducer);
    }

    /** Whether the kernel has not yet consumed everything produced (acquire load of consumer). */
    boolean producerPending()
    {
        cachedConsumer = (int) INT.getAcquire(memory, consumerOffset);
        return cachedConsumer != cachedProducer;
    }

    // ------------------------------------------------------------------------------------------- consumer side

    /** How many entries up to {@code wanted} can be consumed, refreshing the producer (acquire) when empty. */
    int consumerAvailable(final int wanted)
    {
        int available = cachedProducer - cachedConsumer;
        if (available == 0)
        {
            cachedProducer = (int) INT.getAcquire(memory, producerOffset);
            available = cachedProducer - cachedConsumer;
        }
        return Math.min(available, wanted);
    }

    /** The index of the next entry to consume. */
    int consumerIndex()
    {
        return cachedConsumer;
    }

    /** Hands {@code count} consumed entries back (release store of consumer). */
    void consume(final int count)
    {
        cachedConsumer += count;
        INT.setRelease(memory, consumerOffset, cachedConsumer);
    }

    // --------------------------------------------------------------------------------------------------- flags

    /**
     * Whether the kernel asks to be woken (XDP_RING_NEED_WAKEUP). A full fence first, so that the load is not
     * reordered before the release store of producer that just preceded it (store-load).
     */
    boolean needsWakeup()
    {
        VarHandle.fullFence();
        return ((int) INT.getVolatile(memory, flagsOffset) & XdpAbi.XDP_RING_NEED_WAKEUP) != 0;
    }
}
