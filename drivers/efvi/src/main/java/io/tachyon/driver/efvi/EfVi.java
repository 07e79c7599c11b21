package io.tachyon.driver.efvi;

/**
 * Facts about the ef_vi driver module. The driver itself is not implemented yet.
 */
public final class EfVi
{
    /** What this module offers today, shown by tools that list drivers. */
    public static final String STATUS = "ef_vi driver: not implemented yet";

    private EfVi()
    {
    }
}
