/**
 * The AF_XDP driver (a later issue).
 */
module io.tachyon.driver.afxdp
{
    requires io.tachyon.stack;

    exports io.tachyon.driver.afxdp;
}
