package io.tachyon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceMainTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteTsvAndMarkdownReportsForEveryScriptAndMode() throws IOException
    {
        final Path corpus = Files.createDirectories(dir.resolve("corpus/src/a"));
        Files.writeString(corpus.resolve("ok.pkt"), """
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 bind(3, ..., ...) = 0
            +0 listen(3, 1) = 0
            +0 < S 0:0(0) win 32792 <mss 1000>
            +0 > S. 0:0(0) ack 1 <...>
            """);
        Files.writeString(corpus.resolve("v6.pkt"), "--ip_version=ipv6\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
        Files.writeString(dir.resolve("corpus/INDEX.tsv"), "path\tcategory\nsrc/a/ok.pkt\tbasic-tcp\n");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = ConformanceMain.run(new String[] {dir.resolve("corpus").toString(), "--out",
            dir.resolve("out").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        final List<String> tsv = Files.readAllLines(dir.resolve("out/report.tsv"));
        assertEquals("path\tmode\tresult\tline\treason", tsv.getFirst());
        assertEquals(7, tsv.size());
        assertTrue(tsv.contains("src/a/ok.pkt\trelaxed\tpass\t0\t"), tsv.toString());
        assertTrue(tsv.stream().anyMatch(l -> l.startsWith("src/a/v6.pkt\texact\tunsupported\t0\tIP version ipv6")),
            tsv.toString());
        final String summary = out.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("| src / basic-tcp | 1/1 run (100.0%), 0 unsupported |"), summary);
        assertTrue(Files.readString(dir.resolve("out/report.md")).contains("## By category"));
    }

    @Test
    void shouldFailClearlyWithoutACorpus()
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = ConformanceMain.run(new String[] {dir.resolve("missing").toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("corpus not found"));
    }
}
