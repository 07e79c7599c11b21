package io.tachyon.driver;

/**
 * A NIC backend: the device-level half of the driver SPI. The data path lives in its {@link DriverQueue}s, one per
 * device queue, each driven by one stack.
 * <p>
 * Lifecycle: {@link #open()} acquires every resource and fixes {@link #capabilities()}; {@link #start()} lets frames
 * flow; {@link #close()} releases everything, may be called in any state and more than once, and makes frames
 * still held by callers invalid. Calls in the wrong state throw {@link DriverException} with
 * {@link DriverException.Reason#ILLEGAL_STATE}. Control-plane calls are made from one thread at a time; they are
 * not called concurrently with the data path, except {@code close()}, which a driver must make safe against a
 * queue that is still being polled (the poller then sees {@code ILLEGAL_STATE}, never a crash).
 */
public interface PacketDriver extends AutoCloseable
{
    /**
     * A short name for logs and errors, e.g. {@code memory-wire:a} or {@code af_xdp:veth0}.
     *
     * @return the driver's name.
     */
    String name();

    /**
     * The lifecycle state.
     *
     * @return the current state.
     */
    DriverState state();

    /**
     * Acquires resources: memory, rings, sockets, programs.
     *
     * @throws DriverException naming the cause when a resource cannot be had, or in the wrong state.
     */
    void open();

    /**
     * Starts traffic.
     *
     * @throws DriverException in the wrong state or when the device refuses.
     */
    void start();

    /**
     * What the device can do. Valid once open.
     *
     * @return the capabilities.
     * @throws DriverException with {@link DriverException.Reason#ILLEGAL_STATE} before open or after close.
     */
    DriverCapabilities capabilities();

    /**
     * The data path for one queue. Valid once open; the same object is returned for the same id.
     *
     * @param queueId the queue, {@code 0 <= queueId < capabilities().queueCount()}.
     * @return the queue.
     * @throws DriverException with {@link DriverException.Reason#QUEUE_MISMATCH} for a queue the device lacks.
     */
    DriverQueue queue(int queueId);

    /**
     * Releases every resource. Idempotent; never throws for resources that are already gone.
     */
    @Override
    void close();
}
