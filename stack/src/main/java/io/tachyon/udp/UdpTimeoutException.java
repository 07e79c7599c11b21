package io.tachyon.udp;

/**
 * A blocking {@link UdpChannel} call (or opening a channel) did not complete within its timeout: the send ring
 * stayed full, no datagram arrived, or the stack did not answer.
 */
public final class UdpTimeoutException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message saying what timed out.
     *
     * @param message the message.
     */
    public UdpTimeoutException(final String message)
    {
        super(message);
    }
}
