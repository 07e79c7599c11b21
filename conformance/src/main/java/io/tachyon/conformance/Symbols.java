package io.tachyon.conformance;

import java.util.Map;

/**
 * The numeric values of the symbolic constants scripts use (Linux and FreeBSD differ for a few).
 */
final class Symbols
{
    private static final Map<String, Long> COMMON = Map.ofEntries(
        Map.entry("AF_INET", 2L), Map.entry("SOCK_STREAM", 1L), Map.entry("IPPROTO_TCP", 6L),
        Map.entry("SOL_TCP", 6L), Map.entry("IPPROTO_IP", 0L), Map.entry("O_RDWR", 2L), Map.entry("O_RDONLY", 0L),
        Map.entry("F_GETFL", 3L), Map.entry("F_SETFL", 4L), Map.entry("SHUT_RD", 0L), Map.entry("SHUT_WR", 1L),
        Map.entry("SHUT_RDWR", 2L), Map.entry("MSG_PEEK", 2L), Map.entry("NULL", 0L), Map.entry("TCP_NODELAY", 1L));

    private static final Map<String, Long> LINUX = Map.ofEntries(
        Map.entry("O_NONBLOCK", 0x800L), Map.entry("SOL_SOCKET", 1L), Map.entry("MSG_DONTWAIT", 0x40L),
        Map.entry("SO_REUSEADDR", 2L), Map.entry("SO_ERROR", 4L), Map.entry("SO_SNDBUF", 7L),
        Map.entry("SO_RCVBUF", 8L), Map.entry("SO_LINGER", 13L), Map.entry("SO_REUSEPORT", 15L),
        Map.entry("TCP_MAXSEG", 2L));

    private static final Map<String, Long> FREEBSD = Map.ofEntries(
        Map.entry("O_NONBLOCK", 4L), Map.entry("SOL_SOCKET", 0xFFFFL), Map.entry("MSG_DONTWAIT", 0x80L),
        Map.entry("SO_REUSEADDR", 4L), Map.entry("SO_ERROR", 0x1007L), Map.entry("SO_SNDBUF", 0x1001L),
        Map.entry("SO_RCVBUF", 0x1002L), Map.entry("SO_LINGER", 0x80L), Map.entry("SO_REUSEPORT", 0x200L),
        Map.entry("TCP_MAXSEG", 2L));

    private Symbols()
    {
    }

    /**
     * A constant's value.
     *
     * @param name    the name.
     * @param freebsd FreeBSD's value where it differs from Linux's.
     * @return the value, or null for an unknown name.
     */
    static Long value(final String name, final boolean freebsd)
    {
        final Long v = COMMON.get(name);
        if (v != null)
        {
            return v;
        }
        return (freebsd ? FREEBSD : LINUX).get(name);
    }
}
