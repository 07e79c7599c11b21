package io.tachyon.driver.testkit;

/**
 * The driver test kit run against {@link io.tachyon.driver.pcap.PcapDriver}, through its file path: frames to
 * receive are written to the input capture before open, transmitted frames are read from the output capture after
 * close.
 */
class PcapDriverTest extends DriverTestKit
{
    PcapDriverTest()
    {
        super(PcapDriverHarness::new);
    }
}
