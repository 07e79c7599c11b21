package io.tachyon.counters;

import java.io.IOException;
import java.io.Serial;

/**
 * A file is not a counters file this code can read: wrong magic, another layout version, truncated, or corrupt.
 * The message names the file and what is wrong.
 */
public final class CountersFormatException extends IOException
{
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * A format error.
     *
     * @param message what is wrong, naming the file.
     */
    public CountersFormatException(final String message)
    {
        super(message);
    }
}
