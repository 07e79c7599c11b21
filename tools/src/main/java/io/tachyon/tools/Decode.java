package io.tachyon.tools;

import io.tachyon.pcap.PcapFormat;
import io.tachyon.pcap.PcapFormatException;
import io.tachyon.pcap.PcapReader;
import io.tachyon.wire.ArpFlyweight;
import io.tachyon.wire.EthernetFlyweight;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.IcmpFlyweight;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.TcpFlyweight;
import io.tachyon.wire.TcpOptions;
import io.tachyon.wire.UdpFlyweight;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code ./tachyon decode FILE}: one line per frame of a pcap or pcapng capture, in the spirit of tcpdump: time,
 * addresses, protocol, flags, sequence and acknowledgment numbers, lengths, and what is wrong with the frame.
 * <p>
 * With {@code --fields}, one tab-separated line per frame instead, for programs (and for the test that compares
 * decode with tshark): number, ip.src, ip.dst, ip.proto, src port, dst port, tcp flags (hex), tcp seq, tcp ack,
 * ip total length, tcp payload length, udp length, captured length, malformation reason; empty where a field does
 * not apply.
 * <p>
 * Exit status: 0 when the whole file was read; 2, with a message on standard error naming the byte offset, when the
 * file cannot be opened or is corrupt (the frames before the damage are still printed).
 */
public final class Decode
{
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final FrameDissector dissector = new FrameDissector();
    private final TcpOptions options = new TcpOptions();
    private final StringBuilder line = new StringBuilder(256);
    private final boolean fields;
    private boolean microsecondFile;

    private Decode(final boolean fields)
    {
        this.fields = fields;
    }

    /**
     * Runs the command.
     *
     * @param args {@code [--fields] FILE}.
     * @param out  where frame lines go.
     * @param err  where errors go.
     * @return the exit status: 0, or 2 for an unreadable or corrupt file or bad usage.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        boolean fields = false;
        String file = null;
        for (final String arg : args)
        {
            if ("--fields".equals(arg))
            {
                fields = true;
            }
            else if (arg.startsWith("-"))
            {
                err.println("tachyon decode: unknown option '" + arg + "' (usage: ./tachyon decode [--fields] FILE)");
                return 2;
            }
            else if (file == null)
            {
                file = arg;
            }
            else
            {
                err.println("tachyon decode: one file at a time (usage: ./tachyon decode [--fields] FILE)");
                return 2;
            }
        }
        if (file == null)
        {
            err.println("tachyon decode: no file given (usage: ./tachyon decode [--fields] FILE)");
            return 2;
        }
        return new Decode(fields).decode(Path.of(file), out, err);
    }

    private int decode(final Path file, final PrintStream out, final PrintStream err)
    {
        try (PcapReader reader = PcapReader.open(file))
        {
            // Like tcpdump: microseconds for a microsecond pcap, nanoseconds otherwise (pcapng may carry either).
            microsecondFile = reader.format() == PcapFormat.PCAP_MICROS;
            while (reader.next())
            {
                line.setLength(0);
                dissector.dissect(reader.linkType(), reader.segment(), reader.dataOffset(), reader.capturedLength());
                if (fields)
                {
                    appendFields(reader);
                }
                else
                {
                    appendLine(reader);
                }
                out.println(line);
            }
            return 0;
        }
        catch (final PcapFormatException ex)
        {
            out.flush();
            err.println("tachyon decode: " + file + ": " + ex.getMessage() + " (byte offset " + ex.byteOffset()
                + "; the frames before it were decoded)");
            return 2;
        }
        catch (final NoSuchFileException ex)
        {
            err.println("tachyon decode: " + file + ": no such file");
            return 2;
        }
        catch (final IOException ex)
        {
            err.println("tachyon decode: " + file + ": cannot read: " + ex.getMessage());
            return 2;
        }
    }

    private void appendLine(final PcapReader reader)
    {
        line.append(reader.recordNumber()).append(' ');
        appendTime(reader.timestampNs());
        final FrameDissector d = dissector;
        if (d.has(FrameDissector.Layer.ETHERNET))
        {
            final EthernetFlyweight eth = d.ethernet();
            if (eth.hasVlan())
            {
                line.append("vlan ").append(eth.vlanId()).append(", ");
            }
        }
        if (d.has(FrameDissector.Layer.ARP))
        {
            appendArp(d.arp());
        }
        else if (d.has(FrameDissector.Layer.IPV4))
        {
            appendIpv4(d);
        }
        else if (d.has(FrameDissector.Layer.ETHERNET))
        {
            final int type = d.ethernet().etherType();
            line.append("ethertype 0x").append(hex4(type)).append(etherTypeName(type));
        }
        else if (d.has(FrameDissector.Layer.LINUX_SLL))
        {
            line.append("Linux cooked, protocol 0x").append(hex4(d.linuxSll().protocol()));
        }
        else if (d.malformed().isOk())
        {
            line.append("link type ").append(reader.linkType()).append(" not decoded");
        }
        line.append(", length ").append(reader.capturedLength());
        if (reader.capturedLength() != reader.originalLength())
        {
            line.append(" (of ").append(reader.originalLength()).append(')');
        }
        if (!d.malformed().isOk())
        {
            line.append(" [malformed: ").append(d.malformed().description()).append(']');
        }
        if (d.ipv4Checksum().isBad())
        {
            line.append(" [bad ip cksum]");
        }
        if (d.transportChecksum().isBad())
        {
            line.append(" [bad ").append(protocolName(d.ipv4().protocol()).toLowerCase()).append(" cksum]");
        }
    }

    private void appendTime(final long timestampNs)
    {
        if (timestampNs == PcapReader.NO_TIMESTAMP)
        {
            line.append("-                          ");
            return;
        }
        final long seconds = Math.floorDiv(timestampNs, 1_000_000_000L);
        final long nanos = Math.floorMod(timestampNs, 1_000_000_000L);
        line.append(TIME.format(Instant.ofEpochSecond(seconds))).append('.');
        final String digits = Long.toString(1_000_000_000L + nanos).substring(1);
        line.append(microsecondFile ? digits.substring(0, 6) : digits).append(' ');
    }

    private void appendArp(final ArpFlyweight arp)
    {
        line.append("ARP, ");
        if (arp.operation() == 1)
        {
            line.append("Request who-has ");
            ip(arp.targetProtocolAddress()).append(" tell ");
            ip(arp.senderProtocolAddress());
        }
        else if (arp.operation() == 2)
        {
            line.append("Reply ");
            ip(arp.senderProtocolAddress()).append(" is-at ");
            mac(arp.senderHardwareAddress());
        }
        else
        {
            line.append("operation ").append(arp.operation());
        }
    }

    private void appendIpv4(final FrameDissector d)
    {
        final Ipv4Flyweight ip = d.ipv4();
        line.append("IP ");
        final boolean laterFragment = ip.fragmentOffset() != 0;
        if (d.has(FrameDissector.Layer.TCP) && !laterFragment)
        {
            final TcpFlyweight tcp = d.tcp();
            ip(ip.source()).append('.').append(tcp.sourcePort()).append(" > ");
            ip(ip.destination()).append('.').append(tcp.destinationPort()).append(": Flags [");
            tcpFlags(tcp).append("], seq ").append(Integer.toUnsignedString(tcp.sequenceNumber()));
            if (tcp.ack())
            {
                line.append(", ack ").append(Integer.toUnsignedString(tcp.acknowledgmentNumber()));
            }
            line.append(", win ").append(tcp.window());
            if (tcp.optionsLength() > 0)
            {
                line.append(", options [");
                appendTcpOptions(tcp);
                line.append(']');
            }
            line.append(", length ").append(tcpPayloadLength(ip, tcp));
        }
        else if (d.has(FrameDissector.Layer.UDP) && !laterFragment)
        {
            final UdpFlyweight udp = d.udp();
            ip(ip.source()).append('.').append(udp.sourcePort()).append(" > ");
            ip(ip.destination()).append('.').append(udp.destinationPort()).append(": UDP, length ")
                .append(udp.udpLength() - 8);
        }
        else if (d.has(FrameDissector.Layer.ICMP) && !laterFragment)
        {
            ip(ip.source()).append(" > ");
            ip(ip.destination()).append(": ICMP ");
            appendIcmp(d.icmp());
        }
        else
        {
            ip(ip.source()).append(" > ");
            ip(ip.destination()).append(": ").append(protocolName(ip.protocol()))
                .append(" (").append(ip.protocol()).append(')');
        }
        if (ip.isFragment())
        {
            line.append(", frag id ").append(ip.identification()).append(" offset ").append(ip.fragmentOffsetBytes())
                .append(ip.moreFragments() ? " flags [+]" : "");
        }
        line.append(", ip len ").append(ip.totalLength()).append(" ttl ").append(ip.ttl());
    }

    private void appendIcmp(final IcmpFlyweight icmp)
    {
        switch (icmp.type())
        {
            case 0, 8 ->
            {
                line.append(icmp.type() == 8 ? "echo request" : "echo reply").append(", id ")
                    .append(icmp.identifier()).append(", seq ").append(icmp.sequenceNumber());
            }
            case 3 ->
            {
                line.append("destination unreachable, code ").append(icmp.code());
                if (icmp.isFragmentationNeeded())
                {
                    line.append(" (need to frag, mtu ").append(icmp.nextHopMtu()).append(')');
                }
            }
            case 11 -> line.append("time exceeded, code ").append(icmp.code());
            default -> line.append("type ").append(icmp.type()).append(", code ").append(icmp.code());
        }
    }

    private void appendTcpOptions(final TcpFlyweight tcp)
    {
        final TcpOptions o = options;
        o.wrap(tcp);
        boolean first = true;
        while (o.next())
        {
            if (!first)
            {
                line.append(',');
            }
            first = false;
            switch (o.kind())
            {
                case 0 -> line.append("eol");
                case 1 -> line.append("nop");
                case 2 -> line.append("mss ").append(o.mss());
                case 3 -> line.append("wscale ").append(o.windowScale());
                case 4 -> line.append("sackOK");
                case 5 ->
                {
                    line.append("sack ").append(o.sackBlockCount());
                    for (int b = 0; b < o.sackBlockCount(); b++)
                    {
                        line.append(" {").append(Integer.toUnsignedString(o.sackLeftEdge(b))).append(':')
                            .append(Integer.toUnsignedString(o.sackRightEdge(b))).append('}');
                    }
                }
                case 8 -> line.append("TS val ").append(Integer.toUnsignedString(o.timestampValue()))
                    .append(" ecr ").append(Integer.toUnsignedString(o.timestampEcho()));
                default -> line.append("opt-").append(o.kind()).append(" len ").append(o.optionLength());
            }
        }
        if (!o.malformed().isOk())
        {
            line.append(first ? "" : ",").append("bad opts");
        }
    }

    private void appendFields(final PcapReader reader)
    {
        final FrameDissector d = dissector;
        line.append(reader.recordNumber());
        if (!d.has(FrameDissector.Layer.IPV4))
        {
            line.append("\t\t\t\t\t\t\t\t\t\t\t\t").append(reader.capturedLength());
            appendMalformed();
            return;
        }
        final Ipv4Flyweight ip = d.ipv4();
        line.append('\t');
        ip(ip.source()).append('\t');
        ip(ip.destination()).append('\t').append(ip.protocol()).append('\t');
        final boolean firstFragment = ip.fragmentOffset() == 0;
        final boolean tcp = firstFragment && d.has(FrameDissector.Layer.TCP);
        final boolean udp = firstFragment && d.has(FrameDissector.Layer.UDP);
        if (tcp)
        {
            final TcpFlyweight t = d.tcp();
            line.append(t.sourcePort()).append('\t').append(t.destinationPort()).append('\t')
                .append("0x").append(hex4(t.flags())).append('\t')
                .append(Integer.toUnsignedString(t.sequenceNumber())).append('\t')
                .append(Integer.toUnsignedString(t.acknowledgmentNumber())).append('\t');
        }
        else if (udp)
        {
            line.append(d.udp().sourcePort()).append('\t').append(d.udp().destinationPort()).append("\t\t\t\t");
        }
        else
        {
            line.append("\t\t\t\t\t");
        }
        line.append(ip.totalLength()).append('\t');
        if (tcp)
        {
            line.append(tcpPayloadLength(ip, d.tcp()));
        }
        line.append('\t');
        if (udp)
        {
            line.append(d.udp().udpLength());
        }
        line.append('\t').append(reader.capturedLength());
        appendMalformed();
    }

    private void appendMalformed()
    {
        line.append('\t');
        if (!dissector.malformed().isOk())
        {
            line.append(dissector.malformed().name());
        }
    }

    private static int tcpPayloadLength(final Ipv4Flyweight ip, final TcpFlyweight tcp)
    {
        return Math.max(0, ip.payloadLength() - tcp.headerLength());
    }

    private StringBuilder tcpFlags(final TcpFlyweight tcp)
    {
        final int start = line.length();
        if (tcp.fin())
        {
            line.append('F');
        }
        if (tcp.syn())
        {
            line.append('S');
        }
        if (tcp.rst())
        {
            line.append('R');
        }
        if (tcp.psh())
        {
            line.append('P');
        }
        if (tcp.urg())
        {
            line.append('U');
        }
        if (tcp.ece())
        {
            line.append('E');
        }
        if (tcp.cwr())
        {
            line.append('W');
        }
        if (tcp.ae())
        {
            line.append('e');
        }
        if (tcp.ack())
        {
            line.append('.');
        }
        if (line.length() == start)
        {
            line.append("none");
        }
        return line;
    }

    private StringBuilder ip(final int address)
    {
        return line.append(address >>> 24).append('.').append((address >>> 16) & 0xff).append('.')
            .append((address >>> 8) & 0xff).append('.').append(address & 0xff);
    }

    private void mac(final long mac)
    {
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            final int b = (int)(mac >>> shift) & 0xff;
            line.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            if (shift > 0)
            {
                line.append(':');
            }
        }
    }

    private static String hex4(final int value)
    {
        final String s = Integer.toHexString(value & 0xffff);
        return "0000".substring(s.length()) + s;
    }

    private static String etherTypeName(final int type)
    {
        return switch (type)
        {
            case 0x86dd -> " (IPv6)";
            case 0x0800 -> " (IPv4)";
            case 0x0806 -> " (ARP)";
            case 0x88cc -> " (LLDP)";
            default -> "";
        };
    }

    private static String protocolName(final int protocol)
    {
        return switch (protocol)
        {
            case 1 -> "ICMP";
            case 2 -> "IGMP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 47 -> "GRE";
            case 50 -> "ESP";
            case 132 -> "SCTP";
            default -> "proto";
        };
    }
}
