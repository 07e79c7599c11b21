/**
 * The ef_vi driver (a later issue).
 */
module io.tachyon.driver.efvi
{
    requires io.tachyon.stack;

    exports io.tachyon.driver.efvi;
}
