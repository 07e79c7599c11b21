package io.tachyon.tcp;

/** Something the stack serves in every duty cycle ({@link Tcp#pollChannels}): a channel or a server channel. */
interface TcpPollable
{
    /**
     * Does the stack's part. Stack thread.
     *
     * @param nowNs the time.
     * @return the work done.
     */
    int poll(long nowNs);

    /**
     * Whether the stack may forget it.
     *
     * @return true when finished.
     */
    boolean done();

    /** The stack is closing. Stack thread. */
    void stackClosed();
}
