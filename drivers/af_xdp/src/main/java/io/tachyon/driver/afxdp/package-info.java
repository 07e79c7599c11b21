/**
 * The AF_XDP driver: pure Java over FFM and raw syscalls (not implemented yet).
 */
package io.tachyon.driver.afxdp;
