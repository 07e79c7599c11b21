/**
 * The ef_vi driver for Solarflare NICs through FFM (not implemented yet).
 */
package io.tachyon.driver.efvi;
