/**
 * The AF_XDP driver: pure Java over FFM and raw syscalls. Start with {@link io.tachyon.driver.afxdp.AfXdpConfig}
 * and {@link io.tachyon.driver.afxdp.AfXdpDriver}.
 */
package io.tachyon.driver.afxdp;
