package io.tachyon.stack;

import io.tachyon.driver.DriverCapabilities;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;

/** Wraps a driver so that every received frame carries the RX checksum verdicts a test chooses. */
public final class RxFlagsDriver extends DelegatingDriver
{
    /** The {@code FrameBatch.RX_*} flags set on every received frame. */
    public int rxFlags;

    private final Queue queue = new Queue();

    /**
     * Wraps a driver.
     *
     * @param driver the driver.
     */
    public RxFlagsDriver(final PacketDriver driver)
    {
        super(driver, c -> new DriverCapabilities(c.mtu(), c.maxFrameLength(), c.maxBurst(), c.queueCount(), true,
            c.txChecksumOffload(), c.rxTimestamps(), c.zeroCopy(), c.txFromRxFrame()));
    }

    @Override
    public DriverQueue queue(final int queueId)
    {
        return queue;
    }

    private final class Queue extends DelegatingQueue
    {
        Queue()
        {
            super(driver);
        }

        @Override
        public int receive(final FrameBatch batch)
        {
            final int before = batch.size();
            final int n = inner().receive(batch);
            for (int i = before; i < before + n; i++)
            {
                batch.flags(i, rxFlags);
            }
            return n;
        }
    }
}
