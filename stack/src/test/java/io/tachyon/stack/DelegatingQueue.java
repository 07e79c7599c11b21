package io.tachyon.stack;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;

/**
 * A {@link DriverQueue} that forwards every call to queue 0 of another driver (looked up per call, since the driver
 * may not be open yet when the wrapper is built); test wrappers extend it and override only what they change.
 */
public class DelegatingQueue implements DriverQueue
{
    private final PacketDriver driver;

    /**
     * Forwards to {@code driver.queue(0)}.
     *
     * @param driver the wrapped driver.
     */
    public DelegatingQueue(final PacketDriver driver)
    {
        this.driver = driver;
    }

    /**
     * The wrapped queue.
     *
     * @return queue 0 of the wrapped driver.
     */
    protected final DriverQueue inner()
    {
        return driver.queue(0);
    }

    @Override
    public int queueId()
    {
        return 0;
    }

    @Override
    public int receive(final FrameBatch batch)
    {
        return inner().receive(batch);
    }

    @Override
    public void release(final FrameBatch batch, final int index)
    {
        inner().release(batch, index);
    }

    @Override
    public int acquire(final FrameBatch batch, final int count)
    {
        return inner().acquire(batch, count);
    }

    @Override
    public int transmit(final FrameBatch batch)
    {
        return inner().transmit(batch);
    }
}
