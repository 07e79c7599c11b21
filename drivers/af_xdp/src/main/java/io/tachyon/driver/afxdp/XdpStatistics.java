package io.tachyon.driver.afxdp;

/**
 * The kernel's counters for one AF_XDP socket ({@code struct xdp_statistics}).
 *
 * @param rxDropped            frames dropped on receive for any reason (in copy mode: no FILL entry).
 * @param rxInvalidDescs       invalid FILL descriptors.
 * @param txInvalidDescs       invalid TX descriptors (bad address, length or options).
 * @param rxRingFull           frames dropped because the RX ring was full.
 * @param rxFillRingEmptyDescs times the FILL ring was found empty.
 * @param txRingEmptyDescs     times the kernel found the TX ring empty when asked to send.
 */
public record XdpStatistics(
    long rxDropped,
    long rxInvalidDescs,
    long txInvalidDescs,
    long rxRingFull,
    long rxFillRingEmptyDescs,
    long txRingEmptyDescs)
{
}
