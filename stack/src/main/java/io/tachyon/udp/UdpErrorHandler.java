package io.tachyon.udp;

/**
 * Told on the stack thread about an error concerning a datagram a socket sent (an ICMP error quoting it, or a next
 * hop that did not resolve): the callback form of {@link UdpSocket#pollError(UdpError)}. An exception thrown here
 * is caught and counted ({@link UdpCounter#HANDLER_ERRORS}).
 */
@FunctionalInterface
public interface UdpErrorHandler
{
    /**
     * An error arrived.
     *
     * @param socket the socket that sent the datagram.
     * @param error  the error; valid only during the call (the object is reused).
     */
    void onError(UdpSocket socket, UdpError error);
}
