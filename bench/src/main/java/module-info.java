/**
 * JMH benchmarks of the stack.
 */
module io.tachyon.bench
{
    requires io.tachyon.stack;
    requires io.tachyon.driver.afxdp;
    requires jmh.core;
    requires HdrHistogram;

    exports io.tachyon.bench;
}
