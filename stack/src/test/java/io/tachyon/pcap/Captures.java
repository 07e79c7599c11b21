package io.tachyon.pcap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers: read a whole small capture into records, write records into an in-memory capture.
 */
final class Captures
{
    private Captures()
    {
    }

    /** One record as read. */
    record Rec(
        byte[] data, int originalLength, long timestampNs, int linkType, int interfaceId, long number, long byteOffset)
    {
    }

    /** Everything read from a file: the records before the first error, and that error (or null). */
    record Result(PcapFormat format, List<Rec> records, PcapFormatException error)
    {
    }

    /** One packet to write. */
    record Packet(byte[] data, int originalLength, long timestampNs)
    {
    }

    static Result readAll(final byte[] file, final int maxCapturedLength)
    {
        try
        {
            return readAll(new PcapReader(Channels.newChannel(new ByteArrayInputStream(file)), maxCapturedLength));
        }
        catch (final PcapFormatException ex)
        {
            return new Result(null, List.of(), ex);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static Result readAll(final byte[] file)
    {
        return readAll(file, PcapReader.DEFAULT_MAX_CAPTURED_LENGTH);
    }

    static Result readAll(final Path path)
    {
        try
        {
            return readAll(PcapReader.open(path));
        }
        catch (final PcapFormatException ex)
        {
            return new Result(null, List.of(), ex);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static Result readAll(final PcapReader opened) throws IOException
    {
        final List<Rec> records = new ArrayList<>();
        try (PcapReader reader = opened)
        {
            try
            {
                while (reader.next())
                {
                    final byte[] data = new byte[reader.capturedLength()];
                    MemorySegment.copy(reader.segment(), ValueLayout.JAVA_BYTE, reader.dataOffset(), data, 0,
                        data.length);
                    records.add(new Rec(data, reader.originalLength(), reader.timestampNs(), reader.linkType(),
                        reader.interfaceId(), reader.recordNumber(), reader.recordByteOffset()));
                }
                return new Result(reader.format(), records, null);
            }
            catch (final PcapFormatException ex)
            {
                return new Result(reader.format(), records, ex);
            }
        }
    }

    static byte[] write(
        final PcapFormat format,
        final int linkType,
        final int snapLength,
        final ByteOrder order,
        final List<Packet> packets)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter writer = PcapWriter.create(out, format, linkType, snapLength, order))
        {
            for (final Packet packet : packets)
            {
                writer.write(MemorySegment.ofArray(packet.data()), 0, packet.data().length, packet.originalLength(),
                    packet.timestampNs());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }
}
