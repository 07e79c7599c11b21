package io.tachyon.driver.afxdp;

/**
 * Facts about the AF_XDP driver module.
 */
public final class AfXdp
{
    /** What this module offers today, shown by tools that list drivers. */
    public static final String STATUS = "AF_XDP driver: copy and zero-copy modes, BPF-link or netlink attach";

    private AfXdp()
    {
    }
}
