package io.tachyon.counters;

/**
 * The stack-wide counters every running stack registers, under type {@link #TYPE_ID} ("Stack"). Protocol layers
 * register their own types and families ({@link CountersFile#allocateFamily}).
 * <p>
 * Ids are stable: constants are only appended, with the next id, and an id is never reused.
 */
public enum SystemCounterDescriptor implements CounterDescriptor
{
    /** Turns of the stack's duty cycle. */
    DUTY_CYCLES(0, "duty cycles"),
    /** Frames the driver delivered. */
    FRAMES_RECEIVED(1, "frames received"),
    /** Bytes in the frames the driver delivered. */
    BYTES_RECEIVED(2, "bytes received"),
    /** Frames handed to the driver for transmission. */
    FRAMES_SENT(3, "frames sent"),
    /** Bytes in the frames handed to the driver. */
    BYTES_SENT(4, "bytes sent"),
    /** Received frames dropped for any reason (the per-reason counts are in the protocol types). */
    FRAMES_DROPPED(5, "frames dropped"),
    /** Transmissions the driver refused because its queue was full. */
    SEND_BACK_PRESSURE(6, "sends refused by back-pressure"),
    /** Errors the driver reported. */
    DRIVER_ERRORS(7, "driver errors");

    /** The type id of the system counters. */
    public static final int TYPE_ID = 0;
    /** The type name of the system counters, the group heading in {@code ./tachyon stat}. */
    public static final String TYPE_NAME = "Stack";

    private final int id;
    private final String label;

    SystemCounterDescriptor(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int id()
    {
        return id;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String label()
    {
        return label;
    }

    /**
     * Registers every system counter.
     *
     * @param file where.
     * @return the counters, indexed by this enum.
     * @throws IllegalStateException if the file has too little capacity left.
     */
    public static CounterFamily<SystemCounterDescriptor> allocateAll(final CountersFile file)
    {
        return file.allocateDescriptors(TYPE_ID, TYPE_NAME, SystemCounterDescriptor.class);
    }
}
