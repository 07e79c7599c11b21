/**
 * The packet driver SPI that every NIC backend implements: batches of frames in driver memory, no allocation per frame.
 */
package io.tachyon.driver;
