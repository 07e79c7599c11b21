package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import static io.tachyon.driver.pcap.PcapDriverSupport.arpFrame;
import static io.tachyon.driver.pcap.PcapDriverSupport.ethernet;
import static io.tachyon.driver.pcap.PcapDriverSupport.ipv4;
import static io.tachyon.driver.pcap.PcapDriverSupport.udpFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PcapFilter: parsing with clear errors, matching on crafted frames, and robustness on cut and random frames.
 */
class PcapFilterTest
{
    private static boolean matches(final PcapFilter filter, final byte[] frame)
    {
        return filter.matches(MemorySegment.ofArray(frame), 0, frame.length);
    }

    @Test
    void shouldParseEveryFormIntoItsCanonicalSpecification()
    {
        assertEquals("src 10.0.0.1", PcapFilter.parse("10.0.0.1").toString());
        assertEquals("src 10.0.0.1", PcapFilter.parse("  src 10.0.0.1 ").toString());
        assertEquals("dst 192.168.1.200:8080", PcapFilter.parse("DST 192.168.1.200:8080").toString());
        assertEquals("src 02:00:00:00:0a:ff", PcapFilter.parse("02-00-00-00-0A-FF").toString());
        assertEquals("src 10.0.0.1:0", PcapFilter.parse("10.0.0.1:0").toString());
        assertSame(PcapFilter.ALL, PcapFilter.parse("all"));
        assertTrue(PcapFilter.ALL.acceptsAll());
        assertEquals(PcapFilter.parse("10.0.0.1:80"), PcapFilter.parse(PcapFilter.parse("10.0.0.1:80").toString()));
    }

    @Test
    void shouldRejectBadSpecificationsNamingThemAndTheProblem()
    {
        assertBad("10.0.0.256", "octet 4 '256'");
        assertBad("10.0.0", "is not an IPv4 address");
        assertBad("10.0.0.1:65536", "port '65536'");
        assertBad("10.0.0.1:", "port ''");
        assertBad("10.0.0.1:8a", "port '8a'");
        assertBad("10.0.-1.1", "octet 3 '-1'");
        assertBad("02:00:00:00:00:0g", "MAC byte 6 '0g'");
        assertBad("02:00:00:00:00:001", "MAC byte 6 '001'");
        assertBad("1:2:3", "expected");
        assertBad("", "no address");
        assertBad("src", "no address");
        assertBad("src ", "no address");
        assertBad("host 10.0.0.1", "octet 1 'host 10'");
        assertBad("１0.0.0.1", "octet 1");
        final DriverException ex = assertThrows(DriverException.class, () -> PcapFilter.parse(null));
        assertEquals(DriverException.Reason.BAD_CONFIGURATION, ex.reason());
    }

    private static void assertBad(final String spec, final String problem)
    {
        final DriverException ex = assertThrows(DriverException.class, () -> PcapFilter.parse(spec), spec);
        assertEquals(DriverException.Reason.BAD_CONFIGURATION, ex.reason());
        assertTrue(ex.getMessage().contains("'" + spec + "'"), ex.getMessage());
        assertTrue(ex.getMessage().contains(problem), ex.getMessage());
    }

    @Test
    void shouldMatchAddressesPortsAndMacs()
    {
        final byte[] udp = udpFrame("10.0.0.1", 53, "10.0.0.2", 4000, 8);
        final byte[] tcp = ethernet(1, 2, 0x0800, ipv4(6, "10.0.0.1", 80, "10.0.0.2", 4001, 0));
        final byte[] icmp = ethernet(1, 2, 0x0800, ipv4(1, "10.0.0.1", 0, "10.0.0.2", 0, 8));
        assertTrue(matches(PcapFilter.parse("10.0.0.1"), udp));
        assertFalse(matches(PcapFilter.parse("10.0.0.2"), udp));
        assertTrue(matches(PcapFilter.parse("dst 10.0.0.2"), udp));
        assertTrue(matches(PcapFilter.parse("10.0.0.1:53"), udp));
        assertFalse(matches(PcapFilter.parse("10.0.0.1:54"), udp));
        assertTrue(matches(PcapFilter.parse("dst 10.0.0.2:4000"), udp));
        assertTrue(matches(PcapFilter.parse("10.0.0.1:80"), tcp));
        assertTrue(matches(PcapFilter.parse("dst 10.0.0.2:4001"), tcp));
        assertFalse(matches(PcapFilter.parse("10.0.0.1:0"), icmp), "ICMP has no ports");
        assertTrue(matches(PcapFilter.parse("10.0.0.1"), icmp));
        assertTrue(matches(PcapFilter.parse("02:00:00:00:00:0b"), udp));
        assertTrue(matches(PcapFilter.parse("dst 02:00:00:00:00:0a"), udp));
        assertFalse(matches(PcapFilter.parse("02:00:00:00:00:0a"), udp));

        final byte[] arp = arpFrame(0x02_00_00_00_00_07L, "10.0.0.1", "10.0.0.9");
        assertTrue(matches(PcapFilter.parse("10.0.0.1"), arp), "ARP sender address");
        assertTrue(matches(PcapFilter.parse("dst 10.0.0.9"), arp), "ARP target address");
        assertFalse(matches(PcapFilter.parse("10.0.0.1:0"), arp), "ARP has no ports");
    }

    @Test
    void shouldSkipVlanTagsAndMatchNonFirstFragmentsOnTheAddress()
    {
        final byte[] ip = ipv4(17, "10.1.1.1", 7, "10.1.1.2", 9, 4);
        final byte[] tagged = ethernet(1, 2, 0x88a8, concat(new byte[] {0, 10, (byte) 0x81, 0},
            new byte[] {0, 20, 8, 0}, ip));
        assertTrue(matches(PcapFilter.parse("10.1.1.1:7"), tagged), "802.1ad + 802.1Q tags");
        final byte[] fragment = ip.clone();
        fragment[6] = 0;
        fragment[7] = 3; // fragment offset 3 (x 8 bytes): no ports inside
        fragment[20] = 0;
        fragment[21] = 0;
        final byte[] frame = ethernet(1, 2, 0x0800, fragment);
        assertTrue(matches(PcapFilter.parse("10.1.1.1:7"), frame));
        assertFalse(matches(PcapFilter.parse("10.1.1.3:7"), frame));
        final byte[] options = ethernet(1, 2, 0x0800, ipWithOptions());
        assertTrue(matches(PcapFilter.parse("10.2.2.2:1234"), options), "ports after a 24-byte header");
    }

    private static byte[] ipWithOptions()
    {
        final ByteBuffer b = ByteBuffer.allocate(32);
        b.put((byte) 0x46).put((byte) 0).putShort((short) 32).putInt(0).put((byte) 64).put((byte) 17)
            .putShort((short) 0).putInt(PcapDriverSupport.ip("10.2.2.2")).putInt(PcapDriverSupport.ip("10.2.2.3"))
            .putInt(0x01010100).putShort((short) 1234).putShort((short) 80);
        return b.array();
    }

    private static byte[] concat(final byte[]... parts)
    {
        byte[] out = new byte[0];
        for (final byte[] p : parts)
        {
            final int at = out.length;
            out = Arrays.copyOf(out, at + p.length);
            System.arraycopy(p, 0, out, at, p.length);
        }
        return out;
    }

    @Test
    void shouldNeverThrowOrReadPastTheFrameOnCutOrRandomFrames()
    {
        final PcapFilter[] filters = {PcapFilter.parse("10.0.0.1"), PcapFilter.parse("dst 10.0.0.2:4000"),
            PcapFilter.parse("02:00:00:00:00:0b"), PcapFilter.parse("10.0.0.1:53")};
        final byte[] udp = udpFrame("10.0.0.1", 53, "10.0.0.2", 4000, 8);
        for (int cut = 0; cut <= udp.length; cut++)
        {
            final MemorySegment exact = MemorySegment.ofArray(Arrays.copyOf(udp, cut));
            for (final PcapFilter f : filters)
            {
                final boolean m = f.matches(exact, 0, cut);
                if (cut < 14)
                {
                    assertFalse(m, f + " on " + cut + " bytes");
                }
            }
        }
        assertTrue(filters[3].matches(MemorySegment.ofArray(udp), 0, 14 + 20 + 4), "ports fit in 38 bytes");
        assertFalse(filters[3].matches(MemorySegment.ofArray(udp), 0, 14 + 20 + 3), "ports do not fit in 37");

        final SplittableRandom random = new SplittableRandom(20261122);
        final byte[] buffer = new byte[128];
        for (int i = 0; i < 100_000; i++)
        {
            final int length = random.nextInt(buffer.length + 1);
            random.nextBytes(buffer);
            if (random.nextBoolean())
            {
                buffer[12] = (byte) (random.nextBoolean() ? 0x08 : 0x81);
                buffer[13] = (byte) (buffer[12] == 0x08 ? random.nextInt(7) : 0);
                buffer[14] = (byte) (0x40 | random.nextInt(16));
            }
            final MemorySegment exact = MemorySegment.ofArray(Arrays.copyOf(buffer, length));
            for (final PcapFilter f : filters)
            {
                f.matches(exact, 0, length);
            }
        }
    }
}
