package io.tachyon.driver.testkit;

/**
 * Makes a fresh {@link DriverHarness} for each test of the {@link DriverTestKit}.
 */
@FunctionalInterface
public interface DriverHarnessFactory
{
    /**
     * A new harness whose driver is in {@link io.tachyon.driver.DriverState#CREATED}.
     *
     * @return the harness.
     * @throws Exception when the harness cannot be set up.
     */
    DriverHarness create() throws Exception;
}
