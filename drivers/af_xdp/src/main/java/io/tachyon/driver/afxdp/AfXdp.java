package io.tachyon.driver.afxdp;

/**
 * Facts about the AF_XDP driver module. The driver itself is not implemented yet.
 */
public final class AfXdp
{
    /** What this module offers today, shown by tools that list drivers. */
    public static final String STATUS = "AF_XDP driver: not implemented yet";

    private AfXdp()
    {
    }
}
