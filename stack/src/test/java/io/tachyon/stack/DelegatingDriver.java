package io.tachyon.stack;

import java.util.Objects;
import java.util.function.UnaryOperator;

import io.tachyon.driver.DriverCapabilities;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.PacketDriver;

/**
 * Wraps a driver and passes every call through, except that the capabilities it reports are rewritten by a function:
 * tests use it to pretend a driver offers (or lacks) an offload. Subclasses may also wrap the queue.
 */
public class DelegatingDriver implements PacketDriver
{
    /** The wrapped driver. */
    protected final PacketDriver driver;
    private final UnaryOperator<DriverCapabilities> capabilities;

    /**
     * Wraps a driver.
     *
     * @param driver       the driver.
     * @param capabilities what to report, given what the driver reports.
     */
    public DelegatingDriver(final PacketDriver driver, final UnaryOperator<DriverCapabilities> capabilities)
    {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
    }

    /**
     * The wrapped driver's capabilities with {@code txChecksumOffload} set.
     *
     * @param driver the driver.
     * @return the wrapper.
     */
    public static DelegatingDriver withTxChecksumOffload(final PacketDriver driver)
    {
        return new DelegatingDriver(driver, c -> new DriverCapabilities(c.mtu(), c.maxFrameLength(), c.maxBurst(),
            c.queueCount(), c.rxChecksumOffload(), true, c.rxTimestamps(), c.zeroCopy(), c.txFromRxFrame()));
    }

    /**
     * The wrapped driver's capabilities with {@code txFromRxFrame} cleared, so replies are copied.
     *
     * @param driver the driver.
     * @return the wrapper.
     */
    public static DelegatingDriver withoutTxFromRxFrame(final PacketDriver driver)
    {
        return new DelegatingDriver(driver, c -> new DriverCapabilities(c.mtu(), c.maxFrameLength(), c.maxBurst(),
            c.queueCount(), c.rxChecksumOffload(), c.txChecksumOffload(), c.rxTimestamps(), c.zeroCopy(), false));
    }

    @Override
    public String name()
    {
        return driver.name();
    }

    @Override
    public DriverState state()
    {
        return driver.state();
    }

    @Override
    public void open()
    {
        driver.open();
    }

    @Override
    public void start()
    {
        driver.start();
    }

    @Override
    public DriverCapabilities capabilities()
    {
        return capabilities.apply(driver.capabilities());
    }

    @Override
    public DriverQueue queue(final int queueId)
    {
        return driver.queue(queueId);
    }

    @Override
    public void close()
    {
        driver.close();
    }
}
