package io.tachyon.tcp;

import java.io.Serial;

/**
 * A connection used through a {@link TcpChannel} ended abnormally (or could not be opened): {@link #error()} says
 * why (like an {@code IOException} with ECONNREFUSED, ECONNRESET or ETIMEDOUT).
 */
public final class TcpException extends RuntimeException
{
    @Serial
    private static final long serialVersionUID = 1L;

    /** Why the connection ended. */
    private final TcpError error;

    /**
     * Creates the exception.
     *
     * @param error   why the connection ended.
     * @param message what failed.
     */
    public TcpException(final TcpError error, final String message)
    {
        super(message + " (" + error + ")");
        this.error = error;
    }

    /**
     * Why the connection ended.
     *
     * @return the error.
     */
    public TcpError error()
    {
        return error;
    }
}
