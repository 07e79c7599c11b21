package io.tachyon.tcp;

/**
 * What became of a {@link TcpSocket#close()} under SO_LINGER ({@link TcpSocket#lingerResult()}).
 */
public enum TcpLingerResult
{
    /** Not closed, or closed without SO_LINGER (the connection finishes in the background; nothing to report). */
    NONE,
    /** Closed with a linger time: the data and the FIN are not acknowledged yet and the linger time runs. */
    PENDING,
    /** Every byte written and the FIN were acknowledged within the linger time. */
    ACKNOWLEDGED,
    /** The linger time passed first (the connection goes on in the background, as on Linux). */
    TIMED_OUT,
    /** The connection ended abnormally (reset, timed out) before the FIN was acknowledged. */
    FAILED,
    /**
     * Closed with linger 0 (or with a linger time but unread received data): the connection was aborted with a RST;
     * unsent data was discarded.
     */
    ABORTED
}
