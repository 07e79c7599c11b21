package io.tachyon.conformance;

/**
 * Facts about the conformance module. The packetdrill interpreter and replay comparison are not implemented yet.
 */
public final class Conformance
{
    /** What this module offers today. */
    public static final String STATUS = "conformance: not implemented yet";

    private Conformance()
    {
    }
}
