package io.tachyon.driver.testkit;

import io.tachyon.driver.PacketDriver;
import io.tachyon.driver.pcap.CaptureDriver;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.time.VirtualClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The driver test kit run against a {@link CaptureDriver} recording endpoint A of a live MemoryWire: the decorator
 * must keep every part of the contract of the driver it wraps.
 */
class CaptureDriverOverMemoryWireTest extends DriverTestKit
{
    CaptureDriverOverMemoryWireTest()
    {
        super(CaptureHarness::new);
    }

    /**
     * A MemoryWire harness whose driver under test is wrapped in a CaptureDriver writing to a temporary file.
     */
    private static final class CaptureHarness implements DriverHarness
    {
        private final MemoryWireHarness wire = new MemoryWireHarness();
        private final Path file;
        private final CaptureDriver driver;

        CaptureHarness() throws IOException
        {
            file = Files.createTempFile("capture-kit", ".pcapng");
            driver = CaptureDriver.oneFile(wire.driver(), file, PcapFormat.PCAPNG, new VirtualClock());
        }

        @Override
        public PacketDriver driver()
        {
            return driver;
        }

        @Override
        public boolean injectsLive()
        {
            return wire.injectsLive();
        }

        @Override
        public boolean observesLive()
        {
            return wire.observesLive();
        }

        @Override
        public void inject(final List<byte[]> frames)
        {
            wire.inject(frames);
        }

        @Override
        public List<byte[]> transmitted(final int expected)
        {
            return wire.transmitted(expected);
        }

        @Override
        public void pump()
        {
            wire.pump();
        }

        @Override
        public boolean canStallTx()
        {
            return wire.canStallTx();
        }

        @Override
        public void stallTx()
        {
            wire.stallTx();
        }

        @Override
        public void unstallTx()
        {
            wire.unstallTx();
        }

        @Override
        public int poolFramesHint()
        {
            return wire.poolFramesHint();
        }

        @Override
        public void close()
        {
            driver.close();
            wire.close();
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
