package io.tachyon.tools;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./tachyon decode} agrees with {@code tshark -r} on addresses, ports, protocols, TCP flags, seq/ack and
 * lengths for every capture in ../shared/pcaps that tshark reads.
 * <p>
 * Rules: where both decoders produce a field, the values must be equal (for a source-routed datagram the header's
 * destination is compared with tshark's {@code ip.cur_rt}, since Wireshark shows the route's end as {@code ip.dst}). Where tshark finds IPv4 and Tachyon does
 * not, the frame must be one Tachyon deliberately does not decode (a link type other than Ethernet, raw IPv4 or
 * Linux SLL; IPv4 inside an encapsulation such as MPLS, PPPoE or GRE, which appears to Tachyon as another EtherType
 * or IP protocol), or one Tachyon reports as malformed. Where Tachyon finds IPv4 and tshark does not, Tachyon must
 * report the frame malformed. Every exception is counted and printed, and the test asserts that most frames were
 * compared field by field, so it cannot pass by comparing nothing.
 */
class DecodeTsharkTest
{
    private static final String[] TSHARK_FIELDS = {
        "frame.number", "ip.src", "ip.dst", "ip.proto", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
        "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "ip.len", "tcp.len", "udp.length", "frame.cap_len", "ip.cur_rt",
    };
    private static final Set<Integer> DECODED_LINK_TYPES = Set.of(1, 101, 113, 228);

    /** Our --fields columns, by name, in order. */
    private static final int NUMBER = 0;
    private static final int SRC = 1;
    private static final int DST = 2;
    private static final int PROTO = 3;
    private static final int SPORT = 4;
    private static final int DPORT = 5;
    private static final int FLAGS = 6;
    private static final int SEQ = 7;
    private static final int ACK = 8;
    private static final int IP_LEN = 9;
    private static final int TCP_LEN = 10;
    private static final int UDP_LEN = 11;
    private static final int CAP_LEN = 12;
    private static final int MALFORMED = 13;

    @Test
    void shouldAgreeWithTsharkOnEveryReadableCapture() throws Exception
    {
        final Path pcaps = Corpus.pcaps();
        final String tshark = Corpus.tshark();
        final List<String> index = Files.readAllLines(pcaps.resolve("INDEX.tsv"));
        final List<String> disagreements = new ArrayList<>();
        final List<String> notComparable = new ArrayList<>();
        int framesCompared = 0;
        int fieldsCompared = 0;
        int files = 0;
        for (final String row : index.subList(1, index.size()))
        {
            final String[] columns = row.split("\t");
            if (!columns[1].startsWith("pcap"))
            {
                continue;
            }
            final Path file = pcaps.resolve(columns[0]);
            final Set<Integer> linkTypes = linkTypes(columns[2]);
            final List<String[]> theirs = tshark(tshark, file);
            if (theirs == null)
            {
                notComparable.add(columns[0] + ": tshark cannot read it");
                continue;
            }
            files++;
            final List<String[]> ours = decodeFields(file);
            List<String> text = null;
            assertEquals(theirs.size(), ours.size(), columns[0] + ": frame count");
            for (int i = 0; i < ours.size(); i++)
            {
                final String[] o = ours.get(i);
                final String[] t = theirs.get(i);
                final String where = columns[0] + " frame " + (i + 1);
                assertEquals(t[0], o[NUMBER], where + ": frame number");
                assertEquals(t[14], o[CAP_LEN], where + ": captured length");
                final boolean oursIp = !o[SRC].isEmpty();
                final boolean theirsIp = !t[1].isEmpty();
                final boolean malformed = !o[MALFORMED].isEmpty();
                if (oursIp != theirsIp)
                {
                    if (theirsIp && !(malformed || !linkTypes.stream().allMatch(DECODED_LINK_TYPES::contains)
                        || encapsulated(text = text == null ? decode(file.toString()).out.lines().toList() : text, i)))
                    {
                        disagreements.add(where + ": tshark decodes IPv4 " + t[1] + " > " + t[2] + ", Tachyon does not");
                    }
                    else if (oursIp && !malformed)
                    {
                        disagreements.add(where + ": Tachyon decodes IPv4, tshark does not, and Tachyon saw no fault");
                    }
                    else
                    {
                        notComparable.add(where + (malformed ? ": Tachyon reports " + o[MALFORMED]
                            : ": link type or encapsulation Tachyon does not decode"));
                    }
                    continue;
                }
                if (!oursIp)
                {
                    continue;
                }
                framesCompared++;
                fieldsCompared += compare(disagreements, where, "ip.src", o[SRC], t[1]);
                // With a source-route option Wireshark shows the route's final address as ip.dst and the header's
                // destination as ip.cur_rt; Tachyon reports the header's field, which is what is on the wire.
                fieldsCompared += compare(disagreements, where, "ip.dst", o[DST], t[15].isEmpty() ? t[2] : t[15]);
                fieldsCompared += compare(disagreements, where, "ip.proto", o[PROTO], t[3]);
                fieldsCompared += compare(disagreements, where, "ip.len", o[IP_LEN], t[11]);
                if (!o[FLAGS].isEmpty())
                {
                    fieldsCompared += compare(disagreements, where, "tcp.srcport", o[SPORT], t[4]);
                    fieldsCompared += compare(disagreements, where, "tcp.dstport", o[DPORT], t[5]);
                    fieldsCompared += compare(disagreements, where, "tcp.flags",
                        Integer.toString(Integer.decode(o[FLAGS]) & 0x1ff),
                        t[8].isEmpty() ? "" : Integer.toString(Integer.decode(t[8]) & 0x1ff));
                    fieldsCompared += compare(disagreements, where, "tcp.seq", o[SEQ], t[9]);
                    fieldsCompared += compare(disagreements, where, "tcp.ack", o[ACK], t[10]);
                    if (!malformed)
                    {
                        fieldsCompared += compare(disagreements, where, "tcp.len", o[TCP_LEN], t[12]);
                    }
                }
                else if (!o[UDP_LEN].isEmpty())
                {
                    fieldsCompared += compare(disagreements, where, "udp.srcport", o[SPORT], t[6]);
                    fieldsCompared += compare(disagreements, where, "udp.dstport", o[DPORT], t[7]);
                    fieldsCompared += compare(disagreements, where, "udp.length", o[UDP_LEN], t[13]);
                }
            }
        }
        System.out.printf("decode vs tshark: %d files, %d frames and %d fields compared, %d frames not comparable%n",
            files, framesCompared, fieldsCompared, notComparable.size());
        notComparable.stream().limit(40).forEach(s -> System.out.println("  not comparable: " + s));
        assertTrue(disagreements.isEmpty(), disagreements.size() + " disagreements:\n"
            + String.join("\n", disagreements.subList(0, Math.min(60, disagreements.size()))));
        assertTrue(files >= 100, "only " + files + " captures compared");
        assertTrue(framesCompared >= 2_000, "only " + framesCompared + " frames compared");
        assertTrue(notComparable.size() * 10 < framesCompared, "too many frames not comparable: " + notComparable.size());
    }

    @Test
    void shouldPrintTheValidPrefixAndExitTwoForATruncatedCapture() throws IOException
    {
        final Path pcaps = Corpus.pcaps();
        final byte[] whole = Files.readAllBytes(pcaps.resolve("tcpdump-tests/tcp-handshake-nano.pcap"));
        final Path cut = Files.createTempFile("tachyon-decode", ".pcap");
        try
        {
            Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 10));
            final Result result = decode(cut.toString());
            assertEquals(2, result.status);
            assertEquals(2, result.out.lines().count(), result.out);
            assertTrue(result.err.contains("truncated") && result.err.contains("byte offset"), result.err);
        }
        finally
        {
            Files.deleteIfExists(cut);
        }
    }

    @Test
    void shouldExitTwoWithAClearMessageForAFileThatIsNotACapture() throws IOException
    {
        final Path text = Files.createTempFile("tachyon-decode", ".txt");
        try
        {
            Files.writeString(text, "hello, this is not a capture\n");
            final Result result = decode(text.toString());
            assertEquals(2, result.status);
            assertTrue(result.err.contains("not a pcap or pcapng file"), result.err);
            final Result missing = decode(text + ".missing");
            assertEquals(2, missing.status);
            assertTrue(missing.err.contains("no such file"), missing.err);
        }
        finally
        {
            Files.deleteIfExists(text);
        }
    }

    @Test
    void shouldPrintTcpdumpLikeLines()
    {
        final Path pcaps = Corpus.pcaps();
        final Result result = decode(pcaps.resolve("tcpdump-tests/tcp-handshake-nano.pcap").toString());
        assertEquals(0, result.status, result.err);
        final String first = result.out.lines().findFirst().orElseThrow();
        assertEquals("1 2014-12-09 17:16:09.924505488 IP 131.155.215.69.46656 > 137.116.81.94.80: Flags [S], "
            + "seq 797190859, win 27200, options [mss 1360,sackOK,TS val 1131021154 ecr 0,nop,wscale 7], length 0, "
            + "ip len 60 ttl 64, length 76", first);
    }

    /** Whether Tachyon's line for frame i shows an encapsulation it does not parse (not IPv4 at the top). */
    private static boolean encapsulated(final List<String> lines, final int frameIndex)
    {
        final String line = frameIndex < lines.size() ? lines.get(frameIndex) : "";
        return line.contains(" ethertype 0x") || line.contains("Linux cooked, protocol")
            || line.matches(".*: (GRE|ESP|proto) \\(\\d+\\).*");
    }

    private static int compare(final List<String> disagreements, final String where, final String field,
        final String ours, final String theirs)
    {
        if (ours.isEmpty() || theirs.isEmpty())
        {
            return 0;
        }
        if (!ours.equals(theirs))
        {
            disagreements.add(where + ": " + field + " Tachyon " + ours + ", tshark " + theirs);
        }
        return 1;
    }

    private static Set<Integer> linkTypes(final String column)
    {
        final Set<Integer> types = new java.util.HashSet<>();
        for (final String s : column.split(","))
        {
            types.add(Integer.parseInt(s.trim()));
        }
        return types;
    }

    private static List<String[]> decodeFields(final Path file)
    {
        final Result result = decode("--fields", file.toString());
        Assertions.assertEquals(0, result.status, file + ": " + result.err);
        final List<String[]> rows = new ArrayList<>();
        result.out.lines().forEach(l -> rows.add(l.split("\t", -1)));
        rows.forEach(r -> assertEquals(14, r.length, file + ": fields line " + String.join("|", r)));
        return rows;
    }

    private static List<String[]> tshark(final String tshark, final Path file) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(tshark, "-r", file.toString(), "-n",
            "-o", "ip.defragment:FALSE", "-o", "ip.check_checksum:FALSE", "-T", "fields", "-E", "separator=/t",
            "-E", "occurrence=f"));
        for (final String field : TSHARK_FIELDS)
        {
            command.add("-e");
            command.add(field);
        }
        final Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        final byte[] out = process.getInputStream().readAllBytes();
        final String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(process.waitFor(60, TimeUnit.SECONDS), "tshark timed out on " + file);
        if (process.exitValue() != 0 && out.length == 0)
        {
            return null;
        }
        final List<String[]> rows = new ArrayList<>();
        for (final String line : new String(out, StandardCharsets.UTF_8).split("\n"))
        {
            if (!line.isEmpty())
            {
                rows.add(line.split("\t", -1));
            }
        }
        if (process.exitValue() != 0 && !err.contains("appears to have been cut short"))
        {
            return null;
        }
        return rows;
    }

    private static Result decode(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = Decode.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int status, String out, String err)
    {
    }
}
