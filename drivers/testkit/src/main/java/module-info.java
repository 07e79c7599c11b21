/**
 * The driver test kit, shared by every driver module's tests.
 */
module io.tachyon.driver.testkit
{
    requires transitive io.tachyon.stack;
    requires transitive org.junit.jupiter.api;

    exports io.tachyon.driver.testkit;
}
