/**
 * JMH benchmarks of the stack.
 */
module io.tachyon.bench
{
    requires io.tachyon.stack;
    requires jmh.core;
    requires HdrHistogram;

    exports io.tachyon.bench;
}
