package io.tachyon.conformance;

/**
 * How strictly a script's expectations are checked (docs/conformance.md has the exact rules).
 */
public enum Mode
{
    /** The script as written. */
    EXACT("exact"),
    /** SYN and SYN-ACK option lists are not checked, nor TS echo values and socket-buffer sizes. */
    RELAXED_SYN("relaxed-syn"),
    /**
     * As {@link #RELAXED_SYN}, plus: outbound windows and PSH are not checked; option lists are compared without
     * NOP/EOL padding, timestamps and a leading D-SACK block; an omitted option list accepts any options; timing
     * tolerance is at least 250 ms.
     */
    RELAXED("relaxed");

    private final String label;

    Mode(final String label)
    {
        this.label = label;
    }

    /**
     * The name used in reports.
     *
     * @return e.g. {@code relaxed-syn}.
     */
    public String label()
    {
        return label;
    }
}
