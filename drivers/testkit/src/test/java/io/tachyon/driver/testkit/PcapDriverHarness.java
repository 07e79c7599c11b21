package io.tachyon.driver.testkit;

import io.tachyon.driver.PacketDriver;
import io.tachyon.driver.pcap.PcapDriver;
import io.tachyon.driver.pcap.PcapDriverConfig;
import io.tachyon.pcap.LinkType;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.pcap.PcapReader;
import io.tachyon.pcap.PcapWriter;
import io.tachyon.time.VirtualClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A file harness for {@link PcapDriver}: {@link #inject(List)} writes the input capture before open (an empty
 * capture exists from the start), {@link #transmitted(int)} closes the driver and reads its output capture.
 * The driver replays as fast as possible on a {@link VirtualClock}; everything lives in a temporary directory
 * deleted by {@link #close()}.
 */
final class PcapDriverHarness implements DriverHarness
{
    private final VirtualClock clock = new VirtualClock();
    private final Path directory;
    private final Path input;
    private final Path output;
    private final PcapDriver driver;

    PcapDriverHarness() throws IOException
    {
        directory = Files.createTempDirectory("pcap-driver-kit");
        input = directory.resolve("rx.pcap");
        output = directory.resolve("tx.pcapng");
        writeInput(List.of());
        driver = new PcapDriver(PcapDriverConfig.builder()
            .name("pcap:kit")
            .input(input)
            .output(output, PcapFormat.PCAPNG)
            .build(), clock);
    }

    private void writeInput(final List<byte[]> frames) throws IOException
    {
        try (PcapWriter writer = PcapWriter.create(input, PcapFormat.PCAP_NANOS, LinkType.ETHERNET))
        {
            long timestampNs = clock.nanoTime();
            for (final byte[] frame : frames)
            {
                writer.write(frame, timestampNs);
                timestampNs += 1_000L;
            }
        }
    }

    @Override
    public PacketDriver driver()
    {
        return driver;
    }

    @Override
    public boolean injectsLive()
    {
        return false;
    }

    @Override
    public boolean observesLive()
    {
        return false;
    }

    @Override
    public void inject(final List<byte[]> frames)
    {
        if (driver.state() != io.tachyon.driver.DriverState.CREATED)
        {
            throw new IllegalStateException("PcapDriver reads its capture at open; the driver is " + driver.state());
        }
        try
        {
            writeInput(frames);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public List<byte[]> transmitted(final int expected)
    {
        driver.close();
        final List<byte[]> frames = new ArrayList<>();
        if (!Files.exists(output))
        {
            return frames;
        }
        try (PcapReader reader = PcapReader.open(output))
        {
            while (reader.next())
            {
                final byte[] frame = new byte[reader.capturedLength()];
                MemorySegment.copy(reader.segment(), reader.dataOffset(), MemorySegment.ofArray(frame), 0L,
                    frame.length);
                frames.add(frame);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return frames;
    }

    @Override
    public void pump()
    {
        clock.advance(1_000L);
    }

    @Override
    public boolean canStallTx()
    {
        return false;
    }

    @Override
    public String cannotStallTxReason()
    {
        return "PcapDriver writes every transmitted frame to a file, which never pushes back";
    }

    @Override
    public int poolFramesHint()
    {
        return driver.config().bufferCount();
    }

    @Override
    public void close()
    {
        driver.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path p : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
