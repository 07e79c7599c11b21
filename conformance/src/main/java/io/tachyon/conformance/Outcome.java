package io.tachyon.conformance;

/**
 * The result of one script in one mode.
 *
 * @param result pass, fail, unsupported or error.
 * @param line   the first script line that diverged (0 when none).
 * @param reason why (empty on a pass).
 */
public record Outcome(Result result, int line, String reason)
{
    /** Result kinds. */
    public enum Result
    {
        /** Every expectation held. */
        PASS,
        /** An expectation did not hold. */
        FAIL,
        /** The script needs something the interpreter or Tachyon does not have. */
        UNSUPPORTED,
        /** The script could not be parsed or the interpreter broke. */
        ERROR;

        /**
         * The lower-case name used in reports.
         *
         * @return e.g. {@code pass}.
         */
        public String label()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final Outcome PASSED = new Outcome(Result.PASS, 0, "");
}
