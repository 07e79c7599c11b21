package io.tachyon.ipv4;

/**
 * IPv4 addresses as {@code int}s (the first octet in the high byte): parsing, formatting and classification.
 * Parsing and formatting allocate and are meant for configuration, messages and tests; the predicates allocate
 * nothing and may be used on the data path.
 */
public final class Ipv4Address
{
    /** 0.0.0.0: "any address" when binding, "this host" as a source (RFC 1122 §3.2.1.3). */
    public static final int ANY = 0;
    /** 255.255.255.255: the limited broadcast address (RFC 1122 §3.2.1.3 (c)). */
    public static final int LIMITED_BROADCAST = 0xFFFF_FFFF;
    /** 224.0.0.1: the all-hosts group every multicast host belongs to (RFC 1112). */
    public static final int ALL_HOSTS_GROUP = 0xE000_0001;

    private Ipv4Address()
    {
    }

    /**
     * Parses dotted-quad text.
     *
     * @param dotted e.g. {@code "192.168.1.1"}.
     * @return the address.
     * @throws IllegalArgumentException naming the text if it is not four decimal octets.
     */
    public static int parse(final String dotted)
    {
        if (dotted == null)
        {
            throw new IllegalArgumentException("IPv4 address is null");
        }
        final String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("'" + dotted + "' is not a dotted-quad IPv4 address");
        }
        int address = 0;
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit))
            {
                throw new IllegalArgumentException("'" + dotted + "' is not a dotted-quad IPv4 address");
            }
            final int octet = Integer.parseInt(part);
            if (octet > 255)
            {
                throw new IllegalArgumentException("'" + dotted + "' has an octet above 255");
            }
            address = address << 8 | octet;
        }
        return address;
    }

    /**
     * Dotted-quad text.
     *
     * @param address the address.
     * @return e.g. {@code "10.0.0.1"}.
     */
    public static String toString(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
            + (address & 0xFF);
    }

    /**
     * Whether an address is a multicast group, 224.0.0.0/4 (class D).
     *
     * @param address the address.
     * @return true for 224.0.0.0 to 239.255.255.255.
     */
    public static boolean isMulticast(final int address)
    {
        return (address & 0xF000_0000) == 0xE000_0000;
    }

    /**
     * Whether an address may name one host: not 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4 or 240.0.0.0/4 (which holds
     * 255.255.255.255), RFC 1122 §3.2.1.3. Subnet broadcasts are not recognised here: they depend on the prefix.
     *
     * @param address the address.
     * @return whether it can be a unicast host address.
     */
    public static boolean isUnicastHost(final int address)
    {
        final int first = address >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    /**
     * The network mask of a prefix length.
     *
     * @param prefixLength {@code [0, 32]}.
     * @return e.g. {@code 0xFFFFFF00} for 24.
     */
    public static int mask(final int prefixLength)
    {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /**
     * The Ethernet group address an IPv4 multicast group maps to (RFC 1112 §6.4): 01:00:5e followed by the low
     * 23 bits of the group.
     *
     * @param group a multicast address.
     * @return the MAC in the low 48 bits.
     */
    public static long multicastMac(final int group)
    {
        return 0x01_00_5E_00_00_00L | (group & 0x7F_FFFF);
    }

    /**
     * Formats a MAC address held in the low 48 bits of a long.
     *
     * @param mac the address.
     * @return e.g. {@code "02:00:00:00:00:01"}.
     */
    public static String macToString(final long mac)
    {
        final StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            if (shift != 40)
            {
                text.append(':');
            }
            final int octet = (int)(mac >>> shift) & 0xFF;
            text.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
        }
        return text.toString();
    }

    /**
     * Parses a MAC address written as six colon- or dash-separated hexadecimal octets.
     *
     * @param text e.g. {@code "02:00:00:00:00:01"}.
     * @return the address in the low 48 bits.
     * @throws IllegalArgumentException naming the text if it is not a MAC address.
     */
    public static long parseMac(final String text)
    {
        if (text == null)
        {
            throw new IllegalArgumentException("MAC address is null");
        }
        final String[] parts = text.split("[:-]", -1);
        if (parts.length != 6)
        {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address of six hexadecimal octets");
        }
        long mac = 0;
        for (final String part : parts)
        {
            if (part.length() != 2 || Character.digit(part.charAt(0), 16) < 0
                || Character.digit(part.charAt(1), 16) < 0)
            {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address of six hexadecimal octets");
            }
            mac = mac << 8 | Integer.parseInt(part, 16);
        }
        return mac;
    }
}
