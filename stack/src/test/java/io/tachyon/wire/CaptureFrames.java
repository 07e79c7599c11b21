package io.tachyon.wire;

import io.tachyon.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.tachyon.pcap.PcapReader;

/**
 * Capture files of the external corpus read with {@link PcapReader}, and dissected by link type. The test-side
 * additions to {@link FrameDissector#dissect}: BSD loopback (link type 0, a 4-byte address family word before raw
 * IP) is stripped here; PPP (9) and raw IPv6 (229) are left to {@code dissect}, which reports them unsupported.
 */
final class CaptureFrames
{
    /** pcap link type of BSD loopback (4-byte host-order address family, then the IP datagram). */
    static final int LINKTYPE_NULL = 0;

    private CaptureFrames()
    {
    }

    /** One captured frame: 1-based number as tcpdump counts, link type, and the captured bytes. */
    record Frame(int number, int linkType, byte[] data, int originalLength)
    {
    }

    /** One INDEX.tsv row (only the columns used here). */
    record IndexRow(String file, String format, String linkTypes, String badChecksums)
    {
    }

    /** Every row of INDEX.tsv. */
    static List<IndexRow> index()
    {
        final Path index = SharedData.pcaps().resolve("INDEX.tsv");
        final List<IndexRow> rows = new ArrayList<>();
        try
        {
            final List<String> lines = Files.readAllLines(index);
            final List<String> header = List.of(lines.getFirst().split("\t"));
            final int file = header.indexOf("file");
            final int format = header.indexOf("format");
            final int links = header.indexOf("linktypes");
            final int bad = header.indexOf("bad_csums");
            for (final String line : lines.subList(1, lines.size()))
            {
                if (!line.isBlank())
                {
                    final String[] cells = line.split("\t");
                    rows.add(new IndexRow(cells[file], cells[format], cells[links], cells[bad]));
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** Every frame of a pcap or pcapng file, or the single frame of a raw-Ethernet fixture. */
    static List<Frame> read(final Path file, final String format)
    {
        final List<Frame> frames = new ArrayList<>();
        if (format.equals("raw-ethernet-frame"))
        {
            final byte[] data = SharedCorpus.read(file);
            frames.add(new Frame(1, FrameDissector.LINKTYPE_ETHERNET, data, data.length));
            return frames;
        }
        try (PcapReader reader = PcapReader.open(file))
        {
            int number = 0;
            while (reader.next())
            {
                number++;
                final byte[] data = reader.segment().asSlice(reader.dataOffset(), reader.capturedLength())
                    .toArray(Bytes.U8);
                frames.add(new Frame(number, reader.linkType(), data, reader.originalLength()));
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(file.toString(), e);
        }
        return frames;
    }

    /** Dissects one frame, stripping the BSD loopback header (link type 0) first. */
    static Malformed dissect(final FrameDissector dissector, final Frame frame)
    {
        final MemorySegment segment = MemorySegment.ofArray(frame.data());
        if (frame.linkType() == LINKTYPE_NULL && frame.data().length >= 4)
        {
            return dissector.dissectRawIp(segment, 4, frame.data().length - 4);
        }
        return dissector.dissect(frame.linkType(), segment, 0, frame.data().length);
    }

    /** Offset of the network-layer header for link types carrying IP directly (or -1). */
    static int networkOffset(final int linkType)
    {
        return switch (linkType)
        {
            case FrameDissector.LINKTYPE_RAW, FrameDissector.LINKTYPE_IPV4 -> 0;
            case FrameDissector.LINKTYPE_LINUX_SLL -> 16;
            case LINKTYPE_NULL -> 4;
            default -> -1;
        };
    }
}
