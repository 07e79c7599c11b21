package io.tachyon.driver.memory;

import io.tachyon.driver.PacketDriver;
import io.tachyon.time.Clock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process link between two {@link PacketDriver} endpoints, A and B, carrying frames both ways with seeded
 * fault injection (loss, duplication, reordering, corruption, delay and jitter, a rate limit).
 * <p>
 * Each endpoint is a copy-mode driver ({@code zeroCopy = false}, {@code txFromRxFrame = true}) with one queue and
 * its own off-heap buffer pool. {@code transmit} decides the faults, copies the frame into the direction's bounded
 * in-flight queue with its delivery time and returns the TX buffer at once; {@code receive} copies frames whose
 * delivery time has come into the receiver's own buffers, in delivery-time order (ties in send order). When the
 * in-flight queue is full, {@code transmit} accepts only a prefix of the batch.
 * <p>
 * All time comes from the injected {@link Clock}: with a {@link io.tachyon.time.VirtualClock} and the same seed,
 * the same calls give the same deliveries. The two endpoints may be polled from two threads; the handover per
 * direction is a lock-free single-producer/single-consumer structure. Nothing on the data path allocates.
 * <p>
 * The in-flight memory belongs to the wire and is freed when both endpoints are closed. Frames sent to an endpoint
 * that is closed are counted as lost.
 */
public final class MemoryWire implements AutoCloseable
{
    private final MemoryWireConfig config;
    private final Arena wireArena;
    private final WireDirection aToB;
    private final WireDirection bToA;
    private final WireEndpoint endpointA;
    private final WireEndpoint endpointB;
    private final AtomicInteger openEndpoints = new AtomicInteger(2);

    /**
     * Builds a wire and its two endpoints, both in {@link io.tachyon.driver.DriverState#CREATED}.
     *
     * @param config how to build it.
     * @param clock  the source of time for delivery, delay and rate.
     */
    public MemoryWire(final MemoryWireConfig config, final Clock clock)
    {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        final long slotBytes = (long) config.inFlightFrames() * config.frameSize();
        wireArena = Arena.ofShared();
        final MemorySegment forward = wireArena.allocate(slotBytes, 64L);
        final MemorySegment backward = wireArena.allocate(slotBytes, 64L);
        final SplittableRandom root = new SplittableRandom(config.seed());
        final SplittableRandom forwardRandom = root.split();
        final SplittableRandom backwardRandom = root.split();
        aToB = new WireDirection(config.name() + ":a->b", config.aToB(), config.frameSize(), config.inFlightFrames(),
            forward, forwardRandom);
        bToA = new WireDirection(config.name() + ":b->a", config.bToA(), config.frameSize(), config.inFlightFrames(),
            backward, backwardRandom);
        endpointA = new WireEndpoint(this, config.name() + ":a", config, clock, aToB, bToA);
        endpointB = new WireEndpoint(this, config.name() + ":b", config, clock, bToA, aToB);
        endpointA.peer(endpointB);
        endpointB.peer(endpointA);
    }

    /**
     * A wire with the default configuration and no faults.
     *
     * @param clock the source of time.
     * @return a new wire.
     */
    public static MemoryWire of(final Clock clock)
    {
        return new MemoryWire(MemoryWireConfig.DEFAULT, clock);
    }

    /**
     * The configuration the wire was built from.
     *
     * @return the configuration.
     */
    public MemoryWireConfig config()
    {
        return config;
    }

    /**
     * Endpoint A, named {@code name + ":a"}.
     *
     * @return the driver.
     */
    public PacketDriver endpointA()
    {
        return endpointA;
    }

    /**
     * Endpoint B, named {@code name + ":b"}.
     *
     * @return the driver.
     */
    public PacketDriver endpointB()
    {
        return endpointB;
    }

    /**
     * The direction from A to B, with its counters.
     *
     * @return the direction.
     */
    public WireDirection aToB()
    {
        return aToB;
    }

    /**
     * The direction from B to A, with its counters.
     *
     * @return the direction.
     */
    public WireDirection bToA()
    {
        return bToA;
    }

    /**
     * Closes both endpoints (and with them the wire's memory). Idempotent.
     */
    @Override
    public void close()
    {
        endpointA.close();
        endpointB.close();
    }

    void endpointClosed()
    {
        if (openEndpoints.decrementAndGet() == 0)
        {
            wireArena.close();
        }
    }
}
