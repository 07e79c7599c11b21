package io.tachyon.tcp;

/**
 * The accept callback of a {@link TcpListener}: with one set, each connection that completes its handshake is handed
 * over at once on the stack thread instead of waiting in the accept queue. Set the socket's options and
 * {@link TcpHandler} inside the call; data that arrived with the handshake's last ACK is delivered right after it.
 * An exception thrown here is counted ({@link TcpCounter#HANDLER_ERRORS}) and the connection is aborted.
 */
@FunctionalInterface
public interface TcpAcceptHandler
{
    /**
     * A connection was established.
     *
     * @param listener the listener.
     * @param socket   the new socket, ESTABLISHED (or CLOSE-WAIT).
     */
    void onAccept(TcpListener listener, TcpSocket socket);
}
