package io.tachyon.conformance;

/**
 * Facts about the conformance module: the in-process packetdrill interpreter ({@link ConformanceMain},
 * {@link Corpus}).
 */
public final class Conformance
{
    /** What this module offers today. */
    public static final String STATUS = "conformance: packetdrill interpreter (./tachyon conformance)";

    private Conformance()
    {
    }
}
