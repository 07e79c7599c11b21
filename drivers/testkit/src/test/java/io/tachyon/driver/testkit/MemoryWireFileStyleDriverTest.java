package io.tachyon.driver.testkit;

/**
 * The driver test kit's file-driver path (inject before open, observe after close), run against MemoryWire.
 */
class MemoryWireFileStyleDriverTest extends DriverTestKit
{
    MemoryWireFileStyleDriverTest()
    {
        super(MemoryWireHarness::asFileDriver);
    }
}
