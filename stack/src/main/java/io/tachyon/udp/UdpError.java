package io.tachyon.udp;

import io.tachyon.ipv4.Ipv4Address;

/**
 * One error about a datagram a socket sent, like Linux's {@code IP_RECVERR} extended error: where it came from,
 * the ICMP type and code, the offending datagram's destination, and for fragmentation needed the MTU. A mutable
 * holder filled by {@link UdpSocket#pollError(UdpError)}, so reading errors allocates nothing.
 */
public final class UdpError
{
    /** {@link #origin()}: an ICMP message from the network. */
    public static final int ORIGIN_ICMP = 2;
    /** {@link #origin()}: this host (the next hop did not resolve). */
    public static final int ORIGIN_LOCAL = 1;

    private int origin;
    private int type;
    private int code;
    private int info;
    private int destinationAddress;
    private int destinationPort;

    /** An empty holder. */
    public UdpError()
    {
    }

    void set(final int newOrigin, final int newType, final int newCode, final int newInfo, final int address,
        final int port)
    {
        origin = newOrigin;
        type = newType;
        code = newCode;
        info = newInfo;
        destinationAddress = address;
        destinationPort = port;
    }

    /**
     * Where the error came from.
     *
     * @return {@link #ORIGIN_ICMP} or {@link #ORIGIN_LOCAL}.
     */
    public int origin()
    {
        return origin;
    }

    /**
     * The ICMP type: 3 destination unreachable, 11 time exceeded, 12 parameter problem.
     *
     * @return the type.
     */
    public int type()
    {
        return type;
    }

    /**
     * The ICMP code, e.g. 3 port unreachable, 4 fragmentation needed, 1 host unreachable.
     *
     * @return the code.
     */
    public int code()
    {
        return code;
    }

    /**
     * For fragmentation needed, the path MTU now in use for the destination; for parameter problem, the pointer;
     * otherwise 0.
     *
     * @return the value.
     */
    public int info()
    {
        return info;
    }

    /**
     * For fragmentation needed, the path MTU now in use for the destination.
     *
     * @return the MTU, or 0 for other errors.
     */
    public int mtu()
    {
        return type == 3 && code == 4 ? info : 0;
    }

    /**
     * The destination of the datagram that caused the error.
     *
     * @return the address.
     */
    public int destinationAddress()
    {
        return destinationAddress;
    }

    /**
     * The destination port of the datagram that caused the error.
     *
     * @return the port.
     */
    public int destinationPort()
    {
        return destinationPort;
    }

    @Override
    public String toString()
    {
        return "UdpError[" + (origin == ORIGIN_ICMP ? "icmp" : "local") + " type " + type + " code " + code
            + " info " + info + " to " + Ipv4Address.toString(destinationAddress) + ":" + destinationPort + "]";
    }
}
