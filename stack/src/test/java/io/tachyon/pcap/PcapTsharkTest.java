package io.tachyon.pcap;

import io.tachyon.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * tshark (Wireshark) reads every kind of file the writer produces, without a warning.
 */
class PcapTsharkTest
{
    private static final int[] LINK_TYPES = {LinkType.ETHERNET, LinkType.RAW, LinkType.IPV4, LinkType.LINUX_SLL};
    private static final int RECORDS = 9;

    private static Path tshark()
    {
        final List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("/usr/bin/tshark"));
        final String pathVariable = System.getenv("PATH");
        if (pathVariable != null)
        {
            for (final String dir : pathVariable.split(File.pathSeparator))
            {
                candidates.add(Path.of(dir, "tshark"));
            }
        }
        for (final Path candidate : candidates)
        {
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /** A small IPv4/UDP datagram, behind the link-layer header the link type wants. */
    private static byte[] packet(final int linkType, final int index)
    {
        final byte[] ip = new byte[28 + index * 10];
        ip[0] = 0x45;
        ip[2] = (byte) (ip.length >> 8);
        ip[3] = (byte) ip.length;
        ip[8] = 64;
        ip[9] = 17;
        ip[12] = 10;
        ip[15] = 1;
        ip[16] = 10;
        ip[19] = 2;
        ip[20] = 0x30;
        ip[21] = 0x39;
        ip[22] = 0x30;
        ip[23] = 0x3a;
        ip[25] = (byte) (ip.length - 20);
        final byte[] header = switch (linkType)
        {
            case LinkType.ETHERNET -> new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
            case LinkType.LINUX_SLL -> new byte[] {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00};
            default -> new byte[0];
        };
        final byte[] frame = new byte[header.length + ip.length];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(ip, 0, frame, header.length, ip.length);
        return frame;
    }

    @Test
    void shouldBeReadByTsharkWithoutWarnings(@TempDir final Path dir) throws Exception
    {
        final Path tshark = tshark();
        if (tshark == null)
        {
            SharedData.unavailable("tshark is not installed (Debian package tshark)");
        }
        int kind = 0;
        for (final PcapFormat format : PcapFormat.values())
        {
            for (final ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN})
            {
                final int linkType = LINK_TYPES[kind % LINK_TYPES.length];
                kind++;
                final Path file = dir.resolve(format + "-" + order + "-" + linkType + ".pcap");
                try (PcapWriter writer = PcapWriter.create(file, format, linkType, 60, order))
                {
                    for (int i = 0; i < RECORDS; i++)
                    {
                        writer.write(packet(linkType, i), 1_700_000_000_000_000_000L + i * 1_234_567L);
                    }
                }
                assertTsharkReads(tshark, file, dir);
                final Captures.Result ours = Captures.readAll(file);
                assertEquals(RECORDS, ours.records().size());
            }
        }
        assertTrue(kind >= LINK_TYPES.length);
    }

    private static void assertTsharkReads(final Path tshark, final Path file, final Path dir)
        throws IOException, InterruptedException
    {
        final Path out = dir.resolve("stdout.txt");
        final Path err = dir.resolve("stderr.txt");
        final Process process = new ProcessBuilder(tshark.toString(), "-r", file.toString(), "-T", "fields",
            "-e", "frame.number")
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            fail("tshark did not finish within 30 s on " + file);
        }
        final List<String> stderr = new ArrayList<>();
        for (final String line : Files.readAllLines(err))
        {
            if (!line.startsWith("Running as user \"root\""))
            {
                stderr.add(line);
            }
        }
        assertEquals(List.of(), stderr, file + ": tshark stderr");
        assertEquals(0, process.exitValue(), file + ": tshark exit code");
        final List<String> expected = new ArrayList<>();
        for (int i = 1; i <= RECORDS; i++)
        {
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, Files.readAllLines(out), file + ": tshark frame numbers");
    }
}
