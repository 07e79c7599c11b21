package io.tachyon.driver;

/**
 * The lifecycle of a {@link PacketDriver}: {@code CREATED → OPEN → STARTED → CLOSED}, and
 * {@code CREATED → CLOSED} or {@code OPEN → CLOSED} when set-up is abandoned. No state is entered twice.
 */
public enum DriverState
{
    /** Constructed; holds no resources yet. */
    CREATED,
    /** Resources acquired (memory, rings, sockets); capabilities and queues are known; no traffic yet. */
    OPEN,
    /** Frames flow: receive, acquire and transmit work. */
    STARTED,
    /** Every resource released; every call other than {@code close()} and {@code state()} fails. */
    CLOSED
}
