package io.tachyon.tcp;

import java.lang.foreign.MemorySegment;

/**
 * The zero-copy callback API of a {@link TcpSocket} (like lwIP's raw API or TCPDirect's {@code zft_zc_recv}): the
 * stack thread calls it for each event of the connection. {@link #onData} receives in-order bytes straight from the
 * received frame when nothing is queued before them, else from the receive buffer; the view is valid only during the
 * call. Implementations should be objects created once, not lambdas capturing per-event state; nothing is allocated
 * per event. A handler may write, shut down, close or abort the socket from inside any call. An exception thrown
 * here is caught and counted ({@link TcpCounter#HANDLER_ERRORS}); from {@link #onData} it counts as nothing
 * consumed.
 */
public interface TcpHandler
{
    /**
     * In-order data arrived. Return how much was consumed: the rest stays in the receive buffer (closing the window
     * as it fills, which is flow control) and is offered again with the next data, or by
     * {@link TcpSocket#deliver()}.
     *
     * @param socket  the socket.
     * @param segment the memory holding the bytes (a frame or the receive buffer); valid only during the call.
     * @param offset  where they start.
     * @param length  how many, at least 1.
     * @return bytes consumed, 0 to {@code length} (values outside are clamped).
     */
    int onData(TcpSocket socket, MemorySegment segment, long offset, int length);

    /**
     * The active open completed: the connection is ESTABLISHED.
     *
     * @param socket the socket.
     */
    default void onConnected(final TcpSocket socket)
    {
    }

    /**
     * The peer acknowledged data, so the send buffer has room ({@link TcpSocket#writable()}).
     *
     * @param socket the socket.
     */
    default void onWritable(final TcpSocket socket)
    {
    }

    /**
     * The peer closed its side (its FIN arrived) and every byte before it was delivered: end of stream. Called once.
     *
     * @param socket the socket.
     */
    default void onPeerClosed(final TcpSocket socket)
    {
    }

    /**
     * The connection ended (CLOSED): normally ({@link TcpError#NONE}) or with an error (reset, timed out, aborted,
     * stack closed). Called once; no call follows.
     *
     * @param socket the socket.
     * @param error  why, {@link TcpError#NONE} after a normal close.
     */
    default void onClosed(final TcpSocket socket, final TcpError error)
    {
    }
}
