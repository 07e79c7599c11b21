/**
 * The command-line tools behind ./tachyon.
 */
module io.tachyon.tools
{
    requires io.tachyon.stack;

    exports io.tachyon.tools;
    exports io.tachyon.tools.replay;
}
