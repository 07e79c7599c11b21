package io.tachyon.driver;

import java.util.Objects;

/**
 * The {@link DriverState} of one {@link PacketDriver}, with the checks every driver makes before a call: a driver
 * holds one of these, asks it to {@code require...} a state at the top of each SPI method, and moves it along
 * {@code CREATED → OPEN → STARTED → CLOSED} as its resources come and go.
 * <p>
 * A failed check throws {@link DriverException} with {@link DriverException.Reason#ILLEGAL_STATE} and the message
 * {@code "<driver>: <operation> needs state <needed>, state is <current>"}, so every driver reports a call in the
 * wrong state the same way, naming the current state as the SPI requires.
 * <p>
 * The state is volatile: data-path threads may check it while the control plane changes it. Transitions are not
 * synchronized here; a driver makes its control-plane calls (open, start, close) under its own lock. The checks
 * allocate nothing unless they fail, so they may be made on the data path.
 */
public final class DriverLifecycle
{
    private final String driverName;
    private volatile DriverState state = DriverState.CREATED;

    /**
     * A lifecycle in {@link DriverState#CREATED}.
     *
     * @param driverName the driver's name, which starts every message.
     * @throws NullPointerException if {@code driverName} is null.
     */
    public DriverLifecycle(final String driverName)
    {
        this.driverName = Objects.requireNonNull(driverName, "driverName");
    }

    /**
     * The current state.
     *
     * @return the state.
     */
    public DriverState state()
    {
        return state;
    }

    /**
     * Whether the driver is closed.
     *
     * @return {@code true} once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return state == DriverState.CLOSED;
    }

    /**
     * Checks that the driver is in exactly one state.
     *
     * @param needed    the state the call needs.
     * @param operation the call, as it appears in the message, e.g. {@code "start()"}.
     * @throws DriverException {@link DriverException.Reason#ILLEGAL_STATE} in any other state.
     */
    public void require(final DriverState needed, final String operation)
    {
        if (state != needed)
        {
            throw illegalState(operation, needed.name());
        }
    }

    /**
     * Checks that the driver is {@link DriverState#STARTED}, as the data path needs.
     *
     * @param operation the call, as it appears in the message, e.g. {@code "receive"}.
     * @throws DriverException {@link DriverException.Reason#ILLEGAL_STATE} in any other state.
     */
    public void requireStarted(final String operation)
    {
        require(DriverState.STARTED, operation);
    }

    /**
     * Checks that the driver is {@link DriverState#OPEN} or {@link DriverState#STARTED}, as calls for capabilities
     * and queues need.
     *
     * @param operation the call, as it appears in the message, e.g. {@code "capabilities()"}.
     * @throws DriverException {@link DriverException.Reason#ILLEGAL_STATE} in any other state.
     */
    public void requireOpenOrStarted(final String operation)
    {
        final DriverState s = state;
        if (s != DriverState.OPEN && s != DriverState.STARTED)
        {
            throw illegalState(operation, "OPEN or STARTED");
        }
    }

    /**
     * Checks that the driver is {@link DriverState#OPEN} or {@link DriverState#STARTED} before
     * {@code queue(queueId)}; the message names the queue. Builds no message unless the check fails.
     *
     * @param queueId the queue asked for.
     * @throws DriverException {@link DriverException.Reason#ILLEGAL_STATE} in any other state.
     */
    public void requireQueueAccess(final int queueId)
    {
        final DriverState s = state;
        if (s != DriverState.OPEN && s != DriverState.STARTED)
        {
            throw illegalState("queue(" + queueId + ")", "OPEN or STARTED");
        }
    }

    /**
     * Moves to the next state on the way up: {@code CREATED → OPEN} once resources are held, {@code OPEN → STARTED}
     * once traffic may flow. The driver checks the state with {@link #require} first and calls this last, after
     * everything the new state promises is in place.
     *
     * @param next {@link DriverState#OPEN} or {@link DriverState#STARTED}.
     * @throws DriverException {@link DriverException.Reason#ILLEGAL_STATE} unless the driver is in the state just
     *                         before {@code next}.
     * @throws IllegalArgumentException if {@code next} is {@link DriverState#CREATED} or {@link DriverState#CLOSED}
     *                                  (use {@link #close()}).
     */
    public void moveTo(final DriverState next)
    {
        final DriverState before = switch (next)
        {
            case OPEN -> DriverState.CREATED;
            case STARTED -> DriverState.OPEN;
            case CREATED, CLOSED -> throw new IllegalArgumentException(
                "moveTo(" + next + "): only OPEN and STARTED are entered with moveTo; close() enters CLOSED");
        };
        if (state != before)
        {
            throw illegalState("entering " + next, before.name());
        }
        state = next;
    }

    /**
     * Enters {@link DriverState#CLOSED} from any state.
     *
     * @return {@code true} if this call closed the driver, {@code false} if it was already closed (close is
     *         idempotent: the caller then has nothing to release).
     */
    public boolean close()
    {
        if (state == DriverState.CLOSED)
        {
            return false;
        }
        state = DriverState.CLOSED;
        return true;
    }

    /**
     * The exception for a call made in the wrong state, for checks this class does not cover.
     *
     * @param operation the call, as it appears in the message.
     * @param needed    the state or states the call needs, as they appear in the message.
     * @return an {@link DriverException.Reason#ILLEGAL_STATE} exception naming the driver, the call, the needed
     *         state and the current one.
     */
    public DriverException illegalState(final String operation, final String needed)
    {
        return new DriverException(DriverException.Reason.ILLEGAL_STATE,
            driverName + ": " + operation + " needs state " + needed + ", state is " + state);
    }

    /**
     * What a data-path call that hit released memory because {@link #close()} ran on another thread reports: an
     * {@link DriverException.Reason#ILLEGAL_STATE} exception when the driver is closed; any other cause is a bug
     * and is rethrown.
     *
     * @param queueName the queue, as it appears in the message.
     * @param operation the call, as it appears in the message.
     * @param cause     what the call ran into.
     * @return the exception to throw.
     * @throws IllegalStateException {@code cause}, when the driver is not closed.
     */
    public DriverException closedUnderneath(final String queueName, final String operation,
        final IllegalStateException cause)
    {
        if (isClosed())
        {
            return new DriverException(DriverException.Reason.ILLEGAL_STATE,
                queueName + ": " + operation + " ran into close(); state is CLOSED", cause);
        }
        throw cause;
    }

    /**
     * The exception for a buffer handle the queue did not lend out (released twice, forged, or listed twice).
     *
     * @param queueName the queue, as it appears in the message.
     * @param operation the call ("release", "transmit", ...).
     * @param handle    the bad handle.
     * @param index     its index in the batch.
     * @return a {@link DriverException.Reason#BAD_ARGUMENT} exception naming all of them.
     */
    public static DriverException notLent(final String queueName, final String operation, final long handle,
        final int index)
    {
        return new DriverException(DriverException.Reason.BAD_ARGUMENT,
            queueName + ": " + operation + " of handle=" + handle + " (0x" + Long.toHexString(handle) + ") at index "
                + index + ": the buffer is not lent out by this queue (released twice, forged, or listed twice)"
                + (operation.equals("transmit") ? "; nothing was sent" : ""));
    }
}
