package io.tachyon.pcap;

import java.io.IOException;
import java.io.Serial;

/**
 * A capture file is truncated or corrupt. The message says what is wrong; {@link #byteOffset()} says where: the
 * start of the damaged record or block (or 0 for a bad file header).
 */
public final class PcapFormatException extends IOException
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final long byteOffset;

    /**
     * A format error.
     *
     * @param message    what is wrong, normally naming the byte offset.
     * @param byteOffset where in the file the damaged record or block starts.
     */
    public PcapFormatException(final String message, final long byteOffset)
    {
        super(message);
        this.byteOffset = byteOffset;
    }

    /**
     * Where the damage is.
     *
     * @return the byte offset in the file of the start of the damaged record, block or header.
     */
    public long byteOffset()
    {
        return byteOffset;
    }
}
