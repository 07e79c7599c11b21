package io.tachyon.arp;

/**
 * Address classification and formatting (formatting allocates: for messages and tests only).
 */
final class Addresses
{
    private Addresses()
    {
    }

    /**
     * Whether an IPv4 address may name a neighbour: not 0.0.0.0/8 ("this network", RFC 1122 §3.2.1.3),
     * 127.0.0.0/8 (loopback), 224.0.0.0/4 (multicast) or 240.0.0.0/4 (reserved, including 255.255.255.255).
     */
    static boolean isUnicastHost(final int address)
    {
        final int first = address >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    /** Whether a MAC address has the group (multicast/broadcast) bit, the low bit of its first byte. */
    static boolean isGroupMac(final long mac)
    {
        return ((mac >>> 40) & 1) != 0;
    }

    /** Dotted-quad text. */
    static String ip(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
            + (address & 0xFF);
    }
}
