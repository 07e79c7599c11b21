package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Chooses which Ethernet frames of a capture {@link PcapDriver} injects: all of them, or those sent by (or to) one
 * IPv4 address, one IPv4 address and TCP/UDP port, or one MAC address. Replaying one side of a recorded
 * conversation into a stack (while the stack must produce the other side) is the intended use.
 * <p>
 * Specification syntax, parsed by {@link #parse(String)}:
 * <pre>
 *   [src|dst] a.b.c.d              IPv4 source (or destination) address; ARP frames match on the sender
 *                                  (or target) protocol address
 *   [src|dst] a.b.c.d:port         IPv4 address and TCP/UDP port; a non-first fragment, which has no ports,
 *                                  matches on the address alone
 *   [src|dst] xx:xx:xx:xx:xx:xx    Ethernet source (or destination) address ('-' separators also accepted)
 *   all                            every frame
 * </pre>
 * Without a direction, {@code src} is meant. Up to two 802.1Q/802.1ad tags are skipped. {@link #matches} reads only
 * inside the frame, never throws for bad input, and allocates nothing; a frame too short or malformed to decide
 * does not match.
 */
public final class PcapFilter
{
    /** The filter that accepts every frame. */
    public static final PcapFilter ALL = new PcapFilter(Kind.ALL, true, 0, -1, 0L, "all");

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ETHERNET_HEADER = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;
    private static final String SYNTAX =
        "expected [src|dst] a.b.c.d, [src|dst] a.b.c.d:port, [src|dst] xx:xx:xx:xx:xx:xx or all";

    private enum Kind
    {
        ALL,
        IPV4,
        IPV4_PORT,
        MAC
    }

    private final Kind kind;
    private final boolean source;
    private final int address;
    private final int port;
    private final long mac;
    private final String spec;

    private PcapFilter(
        final Kind kind, final boolean source, final int address, final int port, final long mac, final String spec)
    {
        this.kind = kind;
        this.source = source;
        this.address = address;
        this.port = port;
        this.mac = mac;
        this.spec = spec;
    }

    /**
     * Parses a filter specification (see the class description).
     *
     * @param spec the specification, e.g. {@code "10.0.0.1"}, {@code "dst 10.0.0.1:80"},
     *             {@code "02:00:00:00:00:01"}.
     * @return the filter.
     * @throws DriverException with {@link DriverException.Reason#BAD_CONFIGURATION} naming the specification and
     *                         what is wrong with it.
     */
    public static PcapFilter parse(final String spec)
    {
        if (spec == null)
        {
            throw bad("null", "a filter specification is required; " + SYNTAX);
        }
        String rest = spec.strip();
        boolean source = true;
        final String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.equals("all"))
        {
            return ALL;
        }
        if (lower.equals("src") || lower.equals("dst"))
        {
            throw bad(spec, "no address after '" + rest + "'; " + SYNTAX);
        }
        if (lower.startsWith("src ") || lower.startsWith("dst "))
        {
            source = lower.startsWith("src ");
            rest = rest.substring(4).strip();
        }
        if (rest.isEmpty())
        {
            throw bad(spec, "no address; " + SYNTAX);
        }
        final String direction = source ? "src " : "dst ";
        final int colons = count(rest, ':');
        if (colons == 5 || count(rest, '-') == 5)
        {
            final long mac = parseMac("filter '" + spec + "'", rest);
            return new PcapFilter(Kind.MAC, source, 0, -1, mac, direction + formatMac(mac));
        }
        if (colons == 1)
        {
            final int colon = rest.indexOf(':');
            final int address = parseIpv4(spec, rest.substring(0, colon));
            final int port = parsePort(spec, rest.substring(colon + 1));
            return new PcapFilter(Kind.IPV4_PORT, source, address, port, 0L,
                direction + formatIpv4(address) + ":" + port);
        }
        if (colons == 0)
        {
            final int address = parseIpv4(spec, rest);
            return new PcapFilter(Kind.IPV4, source, address, -1, 0L, direction + formatIpv4(address));
        }
        throw bad(spec, SYNTAX);
    }

    /**
     * Whether the Ethernet frame {@code [offset, offset + length)} of {@code segment} is one to inject.
     *
     * @param segment memory holding the frame.
     * @param offset  where the frame starts (its destination MAC).
     * @param length  the frame's (captured) length; nothing beyond it is read.
     * @return true if the frame matches.
     */
    public boolean matches(final MemorySegment segment, final long offset, final int length)
    {
        if (kind == Kind.ALL)
        {
            return true;
        }
        if (length < ETHERNET_HEADER)
        {
            return false;
        }
        if (kind == Kind.MAC)
        {
            final long at = source ? offset + 6 : offset;
            final long found = ((segment.get(U16, at) & 0xffffL) << 32) | (segment.get(U32, at + 2) & 0xffffffffL);
            return found == mac;
        }
        int etherType = segment.get(U16, offset + 12) & 0xffff;
        long l3 = offset + ETHERNET_HEADER;
        int remaining = length - ETHERNET_HEADER;
        for (int tags = 0; tags < 2 && (etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ); tags++)
        {
            if (remaining < 4)
            {
                return false;
            }
            etherType = segment.get(U16, l3 + 2) & 0xffff;
            l3 += 4;
            remaining -= 4;
        }
        if (etherType == ETHERTYPE_IPV4)
        {
            return matchesIpv4(segment, l3, remaining);
        }
        if (etherType == ETHERTYPE_ARP && kind == Kind.IPV4)
        {
            return matchesArp(segment, l3, remaining);
        }
        return false;
    }

    private boolean matchesIpv4(final MemorySegment segment, final long ip, final int remaining)
    {
        if (remaining < 20)
        {
            return false;
        }
        final int versionIhl = segment.get(ValueLayout.JAVA_BYTE, ip) & 0xff;
        final int headerLength = (versionIhl & 0x0f) * 4;
        if ((versionIhl >>> 4) != 4 || headerLength < 20 || headerLength > remaining)
        {
            return false;
        }
        if (segment.get(U32, ip + (source ? 12 : 16)) != address)
        {
            return false;
        }
        if (kind == Kind.IPV4)
        {
            return true;
        }
        if ((segment.get(U16, ip + 6) & 0x1fff) != 0)
        {
            return true;
        }
        final int protocol = segment.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xff;
        if ((protocol != PROTOCOL_TCP && protocol != PROTOCOL_UDP) || remaining - headerLength < 4)
        {
            return false;
        }
        return (segment.get(U16, ip + headerLength + (source ? 0 : 2)) & 0xffff) == port;
    }

    private boolean matchesArp(final MemorySegment segment, final long arp, final int remaining)
    {
        if (remaining < 28
            || (segment.get(U16, arp + 2) & 0xffff) != ETHERTYPE_IPV4
            || segment.get(ValueLayout.JAVA_BYTE, arp + 4) != 6
            || segment.get(ValueLayout.JAVA_BYTE, arp + 5) != 4)
        {
            return false;
        }
        return segment.get(U32, arp + (source ? 14 : 24)) == address;
    }

    /**
     * Whether this filter accepts every frame.
     *
     * @return true for {@link #ALL}.
     */
    public boolean acceptsAll()
    {
        return kind == Kind.ALL;
    }

    /**
     * The canonical specification, e.g. {@code "src 10.0.0.1:80"}; {@link #parse(String)} of it gives an equal
     * filter.
     *
     * @return the specification.
     */
    @Override
    public String toString()
    {
        return spec;
    }

    /**
     * Filters are equal when they accept the same frames by the same rule.
     *
     * @param other the other object.
     * @return true if {@code other} is a filter with the same canonical specification.
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof PcapFilter f && f.spec.equals(spec);
    }

    /**
     * A hash consistent with {@link #equals(Object)}.
     *
     * @return the hash of the canonical specification.
     */
    @Override
    public int hashCode()
    {
        return spec.hashCode();
    }

    /**
     * Parses a MAC address {@code xx:xx:xx:xx:xx:xx} (or with '-') into its 48-bit value.
     *
     * @param what what is being parsed, for the error message, e.g. {@code "sourceMac"}.
     * @param text the address.
     * @return the address in the low 48 bits, first byte most significant.
     * @throws DriverException BAD_CONFIGURATION naming {@code what} if the text is not a MAC address.
     */
    static long parseMac(final String what, final String text)
    {
        final String[] parts = text.split("[:-]", -1);
        if (parts.length != 6)
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                what + ": '" + text + "' is not a MAC address xx:xx:xx:xx:xx:xx");
        }
        long mac = 0;
        for (int i = 0; i < 6; i++)
        {
            final String part = parts[i];
            if (part.isEmpty() || part.length() > 2 || !isHex(part))
            {
                throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                    what + ": MAC byte " + (i + 1) + " '" + part + "' is not one or two hex digits");
            }
            mac = (mac << 8) | Integer.parseInt(part, 16);
        }
        return mac;
    }

    /**
     * Formats a 48-bit MAC address as {@code xx:xx:xx:xx:xx:xx}.
     *
     * @param mac the address in the low 48 bits.
     * @return the text.
     */
    static String formatMac(final long mac)
    {
        final StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            final int b = (int) (mac >>> shift) & 0xff;
            text.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            if (shift > 0)
            {
                text.append(':');
            }
        }
        return text.toString();
    }

    private static int parseIpv4(final String spec, final String text)
    {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4)
        {
            throw bad(spec, "'" + text + "' is not an IPv4 address a.b.c.d; " + SYNTAX);
        }
        int address = 0;
        for (int i = 0; i < 4; i++)
        {
            final String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !isDecimal(part) || Integer.parseInt(part) > 255)
            {
                throw bad(spec, "IPv4 octet " + (i + 1) + " '" + part + "' is not a number 0..255");
            }
            address = (address << 8) | Integer.parseInt(part);
        }
        return address;
    }

    private static int parsePort(final String spec, final String text)
    {
        if (text.isEmpty() || text.length() > 5 || !isDecimal(text) || Integer.parseInt(text) > 65_535)
        {
            throw bad(spec, "port '" + text + "' is not a number 0..65535");
        }
        return Integer.parseInt(text);
    }

    private static String formatIpv4(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." +
            (address & 0xff);
    }

    private static int count(final String text, final char c)
    {
        int n = 0;
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) == c)
            {
                n++;
            }
        }
        return n;
    }

    private static boolean isDecimal(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) < '0' || text.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'))
            {
                return false;
            }
        }
        return true;
    }

    private static DriverException bad(final String spec, final String problem)
    {
        return new DriverException(DriverException.Reason.BAD_CONFIGURATION,
            "filter '" + spec + "': " + problem);
    }
}
