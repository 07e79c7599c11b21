package io.tachyon.stack;

import io.tachyon.counters.CounterDescriptor;

/**
 * The stack's own counters, beyond {@link io.tachyon.counters.SystemCounterDescriptor}: registered in the same
 * type ({@code Stack}, type id 0) with keys from 100.
 */
public enum StackCounter implements CounterDescriptor
{
    /** Unexpected exceptions caught per frame or per timer; the loop continued. Zero in a healthy stack. */
    ERRORS("errors: unexpected exceptions caught by the duty cycle"),
    /** Commands from other threads run. */
    COMMANDS("commands run"),
    /** Commands that threw; see {@link Stack#lastError()}. */
    COMMAND_ERRORS("commands that threw"),
    /** Timer wheel timers fired. */
    TIMERS_FIRED("timers fired"),
    /** Timers that could not be scheduled because the wheel was full. */
    TIMER_WHEEL_FULL("timers not scheduled: timer wheel full");

    private final String label;

    StackCounter(final String label)
    {
        this.label = label;
    }

    /**
     * The counter's key in its type: 100 plus the ordinal (keys below 100 belong to the system counters).
     *
     * @return the id.
     */
    @Override
    public int id()
    {
        return 100 + ordinal();
    }

    /**
     * What the counter counts, as {@code ./tachyon stat} prints it.
     *
     * @return the label.
     */
    @Override
    public String label()
    {
        return label;
    }
}
