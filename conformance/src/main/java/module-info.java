/**
 * Conformance tooling (a later issue).
 */
module io.tachyon.conformance
{
    requires io.tachyon.stack;

    exports io.tachyon.conformance;
}
