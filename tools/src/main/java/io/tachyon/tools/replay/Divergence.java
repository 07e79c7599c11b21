package io.tachyon.tools.replay;

/**
 * One difference between what the recorded host sent and what Tachyon sent.
 *
 * @param packet   the capture's packet number (1-based) the difference is about; for a frame only Tachyon sent, the
 *                 capture packet after which Tachyon sent it (0: before the first).
 * @param code     a short stable name of the kind of difference (e.g. {@code tcp-fin}, {@code missing}); with the
 *                 packet number it keys the expected-divergence list.
 * @param detail   what differed, for people.
 * @param category {@link Category#DIVERGENCE} or one of the kinds of difference that are only reported.
 */
public record Divergence(int packet, String code, String detail, Category category)
{
    /** How a difference counts. */
    public enum Category
    {
        /** A real difference: a failure unless expected. */
        DIVERGENCE,
        /** The same bytes cut into other segments (docs/replay.md); reported, never a failure. */
        SEGMENTATION,
        /** Another number or placement of pure ACKs with the same final acknowledgment; reported only. */
        ACK_PATTERN,
        /**
         * Tachyon sent later than Linux: the peer acknowledged data Linux had sent and Tachyon still had not after
         * the engine's wait (Nagle, a smaller congestion window); reported only, timing is not compared.
         */
        TIMING
    }

    /**
     * One line for the report, e.g. {@code packet 9 tcp-fin: ...}.
     *
     * @return the line.
     */
    @Override
    public String toString()
    {
        final String prefix = switch (category)
        {
            case DIVERGENCE -> "";
            case SEGMENTATION -> "segmentation ";
            case ACK_PATTERN -> "ack-pattern ";
            case TIMING -> "timing ";
        };
        return prefix + "packet " + packet + " " + code + ": " + detail;
    }
}
