package io.tachyon.wire;

/**
 * The outcome of a checksum verification recorded by {@link FrameDissector}. Checksum verdicts are independent of
 * {@link Malformed} reasons.
 */
public enum ChecksumVerdict
{
    /** Not verified: the layer was not reached, or the covered bytes are not all present (fragment, truncation). */
    NOT_CHECKED,
    /** The sender sent no checksum (a UDP checksum of zero), which is allowed. */
    ABSENT,
    /** Verified and correct. */
    GOOD,
    /** Verified and wrong. */
    BAD;

    /**
     * Whether the verdict is {@link #BAD}.
     *
     * @return {@code this == BAD}.
     */
    public boolean isBad()
    {
        return this == BAD;
    }
}
