/**
 * The AF_XDP driver: pure Java over FFM (needs --enable-native-access=io.tachyon.driver.afxdp).
 */
module io.tachyon.driver.afxdp
{
    requires transitive io.tachyon.stack;

    exports io.tachyon.driver.afxdp;
}
