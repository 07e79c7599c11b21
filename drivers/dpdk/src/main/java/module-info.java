/**
 * The DPDK driver (a later issue).
 */
module io.tachyon.driver.dpdk
{
    requires io.tachyon.stack;

    exports io.tachyon.driver.dpdk;
}
