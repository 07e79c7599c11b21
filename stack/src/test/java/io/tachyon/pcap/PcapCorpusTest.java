package io.tachyon.pcap;

import io.tachyon.testing.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads every capture that /work/shared/pcaps/INDEX.tsv lists and checks the packet count and link types.
 */
class PcapCorpusTest
{
    @TestFactory
    List<DynamicTest> shouldReadEveryIndexedCapture() throws IOException
    {
        if (!SharedData.hasPcaps())
        {
            return List.of(DynamicTest.dynamicTest("shared corpus", SharedData::pcaps));
        }
        final Path index = SharedData.require("INDEX.tsv");
        final List<String> lines = Files.readAllLines(index);
        final List<String> header = List.of(lines.getFirst().split("\t"));
        final int fileColumn = header.indexOf("file");
        final int formatColumn = header.indexOf("format");
        final int linkColumn = header.indexOf("linktypes");
        final int packetsColumn = header.indexOf("packets");
        final List<DynamicTest> tests = new ArrayList<>();
        int captures = 0;
        for (final String line : lines.subList(1, lines.size()))
        {
            if (line.isBlank())
            {
                continue;
            }
            final String[] cells = line.split("\t");
            final Path file = index.getParent().resolve(cells[fileColumn]);
            final String format = cells[formatColumn];
            if (format.equals("pcap") || format.equals("pcapng"))
            {
                captures++;
                final long packets = Long.parseLong(cells[packetsColumn]);
                final Set<Integer> linkTypes = new TreeSet<>();
                for (final String linkType : cells[linkColumn].split(","))
                {
                    linkTypes.add(Integer.parseInt(linkType.trim()));
                }
                tests.add(DynamicTest.dynamicTest(cells[fileColumn],
                    () -> checkCapture(file, format, packets, linkTypes)));
            }
            else
            {
                tests.add(DynamicTest.dynamicTest(cells[fileColumn] + " is rejected", () -> checkNotCapture(file)));
            }
        }
        final int indexed = captures;
        tests.add(DynamicTest.dynamicTest("index lists captures", () -> assertTrue(indexed > 100, "" + indexed)));
        return tests;
    }

    private static void checkCapture(final Path file, final String format, final long packets, final Set<Integer> links)
    {
        final Captures.Result result = Captures.readAll(file);
        assertNull(result.error(), () -> "unexpected " + result.error());
        assertEquals(format.equals("pcapng"), result.format() == PcapFormat.PCAPNG);
        assertEquals(packets, result.records().size());
        final Set<Integer> seen = new TreeSet<>();
        for (final Captures.Rec rec : result.records())
        {
            seen.add(rec.linkType());
            assertTrue(rec.data().length <= rec.originalLength());
            assertFalse(rec.timestampNs() < 0, "timestamp " + rec.timestampNs());
        }
        assertEquals(links, seen);
    }

    private static void checkNotCapture(final Path file)
    {
        final Captures.Result result = Captures.readAll(file);
        assertNotNull(result.error());
        assertEquals(0, result.error().byteOffset());
        assertTrue(result.error().getMessage().startsWith("not a pcap or pcapng file (magic 0x"),
            result.error().getMessage());
    }
}
