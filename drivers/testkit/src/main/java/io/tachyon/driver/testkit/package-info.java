/**
 * The driver test kit: abstract JUnit 5 tests that every PacketDriver implementation must pass.
 */
package io.tachyon.driver.testkit;
