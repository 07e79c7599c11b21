package io.tachyon.driver.dpdk;

/**
 * Facts about the DPDK driver module. The driver itself is not implemented yet.
 */
public final class Dpdk
{
    /** What this module offers today, shown by tools that list drivers. */
    public static final String STATUS = "DPDK driver: not implemented yet";

    private Dpdk()
    {
    }
}
