package io.tachyon.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * Temporary: keeps the JMH build honest until the real benchmark lands.
 */
public class Placeholder
{
    /**
     * Nothing.
     *
     * @return zero.
     */
    @Benchmark
    public int nothing()
    {
        return 0;
    }
}
