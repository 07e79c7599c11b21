package io.tachyon.tcp;

import java.io.Serial;

/**
 * A blocking call of a {@link TcpChannel} or {@link TcpServerChannel} did not complete within its timeout.
 */
public final class TcpTimeoutException extends RuntimeException
{
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what did not complete, and how long it waited.
     */
    public TcpTimeoutException(final String message)
    {
        super(message);
    }
}
