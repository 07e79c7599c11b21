package io.tachyon.igmp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Addresses, an independent checksum and datagram builder (not the production code) and a recording output for
 * the IGMP tests.
 */
final class IgmpTestSupport
{
    static final int OUR_IP = ip("192.168.1.1");
    static final int ROUTER_IP = ip("192.168.1.254");
    static final int OTHER_HOST_IP = ip("192.168.1.7");
    static final int GROUP = ip("239.1.2.3");
    static final int GROUP2 = ip("239.9.8.7");
    static final long SECOND = 1_000_000_000L;
    static final long T0 = 1_704_067_200L * SECOND;

    private IgmpTestSupport()
    {
    }

    static int ip(final String dotted)
    {
        final String[] parts = dotted.split("\\.");
        return (Integer.parseInt(parts[0]) << 24) | (Integer.parseInt(parts[1]) << 16)
            | (Integer.parseInt(parts[2]) << 8) | Integer.parseInt(parts[3]);
    }

    static byte[] bytes(final String hex)
    {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String hex(final byte[] bytes)
    {
        return HexFormat.of().formatHex(bytes);
    }

    /** RFC 1071 by the book, byte by byte. */
    static int checksum(final byte[] data, final int from, final int to)
    {
        long sum = 0;
        for (int i = from; i < to; i += 2)
        {
            final int hi = data[i] & 0xFF;
            final int lo = i + 1 < to ? data[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    /** An IGMP message (hex, checksum field ignored) with its checksum filled in. */
    static byte[] igmp(final String hex)
    {
        final byte[] message = bytes(hex);
        message[2] = 0;
        message[3] = 0;
        final int sum = checksum(message, 0, message.length);
        message[2] = (byte)(sum >>> 8);
        message[3] = (byte)sum;
        return message;
    }

    /** The datagram {@link Igmp} should send: IHL 6 with Router Alert, TOS 0xC0, ID 0, DF, TTL 1, protocol 2. */
    static String datagram(final int destination, final String igmpHex)
    {
        final byte[] igmp = igmp(igmpHex);
        final byte[] d = new byte[24 + igmp.length];
        d[0] = 0x46;
        d[1] = (byte)0xC0;
        d[2] = (byte)(d.length >>> 8);
        d[3] = (byte)d.length;
        d[6] = 0x40;
        d[8] = 1;
        d[9] = 2;
        putInt(d, 12, OUR_IP);
        putInt(d, 16, destination);
        d[20] = (byte)0x94;
        d[21] = 4;
        final int sum = checksum(d, 0, 24);
        d[10] = (byte)(sum >>> 8);
        d[11] = (byte)sum;
        System.arraycopy(igmp, 0, d, 24, igmp.length);
        return hex(d);
    }

    static String ipHex(final int address)
    {
        return String.format("%08x", address);
    }

    /** An IGMPv2 report for {@code group} to the group. */
    static String v2Report(final int group)
    {
        return datagram(group, "1600 0000" + ipHex(group));
    }

    /** An IGMPv1 report for {@code group} to the group. */
    static String v1Report(final int group)
    {
        return datagram(group, "1200 0000" + ipHex(group));
    }

    /** An IGMPv2 leave for {@code group} to 224.0.0.2. */
    static String v2Leave(final int group)
    {
        return datagram(Igmp.ALL_ROUTERS, "1700 0000" + ipHex(group));
    }

    /** An IGMPv3 report to 224.0.0.22 with one source-less record per group, all of one type. */
    static String v3Report(final int recordType, final int... groups)
    {
        final StringBuilder igmp = new StringBuilder(String.format("2200 0000 0000 %04x", groups.length));
        for (final int group : groups)
        {
            igmp.append(String.format("%02x000000", recordType)).append(ipHex(group));
        }
        return datagram(Igmp.ALL_IGMPV3_ROUTERS, igmp.toString());
    }

    static void putInt(final byte[] b, final int at, final int value)
    {
        b[at] = (byte)(value >>> 24);
        b[at + 1] = (byte)(value >>> 16);
        b[at + 2] = (byte)(value >>> 8);
        b[at + 3] = (byte)value;
    }

    /** Delivers a message (checksum filled in unless {@code keepChecksum}) to {@code igmp}. */
    static void deliver(final Igmp igmp, final byte[] message, final int source, final long nowNs)
    {
        igmp.onIgmp(MemorySegment.ofArray(message), 0, message.length, source, nowNs);
    }

    /** A v2 (or v1 with maxResponseTenths 0) query, 8 bytes. */
    static byte[] v2Query(final int group, final int maxResponseTenths)
    {
        return igmp(String.format("11%02x 0000", maxResponseTenths) + ipHex(group));
    }

    /** A v3 query without sources. */
    static byte[] v3Query(final int group, final int maxResponseCode, final int qrv, final int qqic)
    {
        return igmp(String.format("11%02x 0000", maxResponseCode) + ipHex(group)
            + String.format("%02x%02x 0000", qrv, qqic));
    }

    /** Records every datagram; can refuse them. */
    static final class RecordingOutput implements IgmpOutput
    {
        final List<byte[]> frames = new ArrayList<>();
        boolean refuse;

        @Override
        public boolean transmit(final MemorySegment datagram, final long offset, final int length)
        {
            if (refuse)
            {
                return false;
            }
            frames.add(datagram.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
            return true;
        }

        List<String> drain()
        {
            final List<String> out = new ArrayList<>();
            for (final byte[] f : frames)
            {
                out.add(hex(f));
            }
            frames.clear();
            return out;
        }
    }
}
