package io.tachyon.tcp;

/**
 * NewReno: RFC 5681 slow start and congestion avoidance with RFC 3465 byte counting, and RFC 6582 fast recovery
 * (the shared rules, with the initial window, are described in full on the package-private base and summarised on
 * {@link CongestionControl}).
 * <ul>
 *   <li>Initial window: min(10 * SMSS, max(2 * SMSS, 14600)) (RFC 6928).</li>
 *   <li>Slow start: cwnd += min(acked, 2 * SMSS) per ACK (RFC 3465 §2.2, L = 2 * SMSS), not past ssthresh.</li>
 *   <li>Congestion avoidance: RFC 3465 §2.1 byte counting, which RFC 5681 §3.1 allows: bytes acknowledged are
 *       accumulated and each time they reach cwnd, cwnd grows by one SMSS and cwnd bytes are taken off: exactly
 *       one SMSS per window acknowledged, i.e. per RTT.</li>
 *   <li>Loss (fast retransmit, timeout, ECN): ssthresh = max(FlightSize / 2, 2 * SMSS) (RFC 5681 equation
 *       (4)).</li>
 *   <li>Fast recovery: cwnd = ssthresh + 3 * SMSS; + SMSS per duplicate ACK; partial ACK deflation; full ACK:
 *       cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) (RFC 6582 §3.2).</li>
 *   <li>Timeout: cwnd = 1 SMSS, the loss window (RFC 5681 §3.1).</li>
 * </ul>
 */
public final class NewReno extends WindowedCongestionControl
{
    /** The name {@link CongestionControlFactory#forName(String)} knows it by. */
    public static final String NAME = "newreno";

    /**
     * A NewReno instance at the initial window.
     *
     * @param smss         the sender maximum segment size, in {@code [1, 65535]}.
     * @param maxCwndBytes the ceiling of cwnd, at least {@code 2 * smss}.
     * @throws IllegalArgumentException naming the bad value.
     */
    public NewReno(final int smss, final long maxCwndBytes)
    {
        super(smss, maxCwndBytes);
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    long decreasedSsthresh(final long flightSize)
    {
        return Math.max(flightSize / 2, 2L * smss);
    }

    @Override
    void onCongestionEvent(final long nowNs, final boolean timeout)
    {
    }

    @Override
    void congestionAvoidance(final long ackedBytes, final long nowNs)
    {
        bytesAcked += ackedBytes;
        if (bytesAcked >= cwnd)
        {
            final long windows = bytesAcked / cwnd;
            bytesAcked -= windows * cwnd;
            cwnd = clamp(cwnd + windows * smss);
        }
    }
}
