/**
 * The command-line tools behind ./tachyon.
 */
module io.tachyon.tools
{
    requires transitive io.tachyon.stack;
    requires io.tachyon.driver.afxdp;
    requires io.tachyon.conformance;

    exports io.tachyon.tools;
    exports io.tachyon.tools.http;
    exports io.tachyon.tools.replay;
}
