package io.tachyon.driver.testkit;

/**
 * The driver test kit run against MemoryWire endpoint A, with endpoint B as the live peer.
 */
class MemoryWireDriverTest extends DriverTestKit
{
    MemoryWireDriverTest()
    {
        super(MemoryWireHarness::new);
    }
}
