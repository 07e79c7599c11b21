/**
 * The DPDK driver: DPDK 22.11 through FFM alone (not implemented yet).
 */
package io.tachyon.driver.dpdk;
