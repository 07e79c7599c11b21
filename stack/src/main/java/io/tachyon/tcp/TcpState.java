package io.tachyon.tcp;

/**
 * The connection states of RFC 9293 §3.3.2. LISTEN belongs to {@link TcpListener}; a {@link TcpSocket} that was
 * never connected is {@link #CLOSED}.
 */
public enum TcpState
{
    /** No connection. */
    CLOSED,
    /** Waiting for a connection request (listeners only). */
    LISTEN,
    /** A SYN was sent; waiting for the matching SYN. */
    SYN_SENT,
    /** A SYN was received and answered; waiting for the ACK of ours. */
    SYN_RECEIVED,
    /** Open: data flows both ways. */
    ESTABLISHED,
    /** We closed and sent a FIN; waiting for its ACK or the peer's FIN. */
    FIN_WAIT_1,
    /** Our FIN is acknowledged; waiting for the peer's FIN. */
    FIN_WAIT_2,
    /** The peer closed; we may still send. */
    CLOSE_WAIT,
    /** Both sides closed at once; waiting for the ACK of our FIN. */
    CLOSING,
    /** The peer closed first, then we did; waiting for the ACK of our FIN. */
    LAST_ACK,
    /** Waiting 2 MSL so that the peer received the ACK of its FIN. */
    TIME_WAIT;

    /**
     * Whether the state is one of the synchronized states of RFC 9293 §3.5.2 (ESTABLISHED and later).
     *
     * @return true from ESTABLISHED on.
     */
    public boolean synchronizedState()
    {
        return ordinal() >= ESTABLISHED.ordinal();
    }
}
