package io.tachyon.driver;

/**
 * A driver failure that names its cause. Thrown by the control plane (open, start, close) and for bad calls;
 * the data path reports ordinary conditions (ring empty, ring full) through return values, never exceptions.
 */
public final class DriverException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Why a driver call failed.
     */
    public enum Reason
    {
        /** The backend cannot run here: a library, a device or a kernel feature is missing. */
        NOT_AVAILABLE,
        /** The process lacks a privilege or capability (CAP_NET_RAW, CAP_BPF, CAP_NET_ADMIN, memlock). */
        PERMISSION_DENIED,
        /** The named network interface does not exist. */
        NO_SUCH_INTERFACE,
        /** The configured MTU or frame size does not fit the device or the driver mode. */
        MTU_TOO_LARGE,
        /** The requested queue does not exist on the device, or queue counts do not match. */
        QUEUE_MISMATCH,
        /** The device or queue is held by someone else (EBUSY), after the driver's retries. */
        BUSY,
        /** The configuration is invalid; the message names the value. */
        BAD_CONFIGURATION,
        /** The application passed a bad argument: an index out of range, a frame released twice, a length too long. */
        BAD_ARGUMENT,
        /** The call is not allowed in the driver's current {@link DriverState}. */
        ILLEGAL_STATE,
        /** An operating-system or I/O call failed; the message carries the call and errno. */
        IO_ERROR
    }

    private final Reason reason;

    /**
     * A failure with a reason and a message saying what was wrong.
     *
     * @param reason  the category, for programs.
     * @param message what went wrong, for people.
     */
    public DriverException(final Reason reason, final String message)
    {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /**
     * A failure with a reason, a message and the exception that caused it.
     *
     * @param reason  the category, for programs.
     * @param message what went wrong, for people.
     * @param cause   the underlying failure.
     */
    public DriverException(final Reason reason, final String message, final Throwable cause)
    {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /**
     * The category of the failure.
     *
     * @return the reason.
     */
    public Reason reason()
    {
        return reason;
    }
}
