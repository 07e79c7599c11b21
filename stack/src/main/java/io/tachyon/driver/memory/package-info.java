/**
 * MemoryWire: an in-process link between two driver endpoints with seeded fault injection.
 */
package io.tachyon.driver.memory;
