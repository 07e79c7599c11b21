package io.tachyon.tcp;

/**
 * Packs a connection's 4-tuple into SipHash message words, checking the ports. Package-private: the layout is
 * an internal detail shared by {@link InitialSequenceNumbers}, {@link SynCookies} and {@link TcpTimestamps}.
 */
final class FourTuple
{
    private FourTuple()
    {
    }

    /**
     * The addresses word: the local address in the high half, the remote one in the low half.
     *
     * @param localIp  our IPv4 address.
     * @param remoteIp the peer's IPv4 address.
     * @return the word.
     */
    static long addresses(final int localIp, final int remoteIp)
    {
        return ((long)localIp << 32) | (remoteIp & 0xFFFF_FFFFL);
    }

    /**
     * The ports word: the local port in bits 16..31, the remote port in bits 0..15.
     *
     * @param localPort  our port, 0..65535.
     * @param remotePort the peer's port, 0..65535.
     * @return the word.
     * @throws IllegalArgumentException when a port is outside 0..65535.
     */
    static long ports(final int localPort, final int remotePort)
    {
        if ((localPort & ~0xFFFF) != 0)
        {
            throw new IllegalArgumentException("local port must be 0..65535: " + localPort);
        }
        if ((remotePort & ~0xFFFF) != 0)
        {
            throw new IllegalArgumentException("remote port must be 0..65535: " + remotePort);
        }
        return ((long)localPort << 16) | remotePort;
    }
}
