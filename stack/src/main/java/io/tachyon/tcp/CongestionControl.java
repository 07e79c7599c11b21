package io.tachyon.tcp;

/**
 * A sender's congestion control for one connection (RFC 5681 §3 and the algorithms that refine it), pluggable:
 * {@link NewReno} and {@link Cubic}, chosen by name with {@link CongestionControlFactory#forName(String)}.
 * <p>
 * <b>Who decides what.</b> The TCP sender (the state machine) detects events and classifies ACKs; the congestion
 * control only moves {@link #cwnd()} and {@link #ssthresh()}. In particular the sender keeps RFC 6582's
 * {@code recover} and the duplicate-ACK count, and calls:
 * <ul>
 *   <li>{@link #onAck} for every ACK that advances SND.UNA, except the one that ends fast recovery; inside fast
 *       recovery such an ACK is by definition a <i>partial</i> ACK (RFC 6582 §3.2 step 4).</li>
 *   <li>{@link #onDuplicateAck} for every duplicate ACK (RFC 5681 §2). It only matters in fast recovery.</li>
 *   <li>{@link #enterRecovery} on the duplicate ACK that triggers fast retransmit (the third, RFC 5681 §3.2 step
 *       2, when RFC 6582 §3.2 step 1 allows it).</li>
 *   <li>{@link #exitRecovery} on the full ACK: the one covering {@code recover} (RFC 6582 §3.2 step 3).</li>
 *   <li>{@link #onRetransmissionTimeout} when the retransmission timer fires; it also ends fast recovery.</li>
 *   <li>{@link #onEcnCe} on an ECN-Echo (RFC 3168 §6.1.2), at most once per window of data.</li>
 * </ul>
 * Events out of order are tolerated, never thrown on: {@link #enterRecovery} in recovery and {@link #exitRecovery}
 * outside it do nothing. Arguments out of range (negative byte counts) are bad API use and throw.
 * <p>
 * <b>Units.</b> Windows and byte counts are bytes ({@code long}); time is {@code nowNs} from the stack's clock;
 * {@code flightSize} is RFC 5681's FlightSize, "the amount of data that has been sent but not yet cumulatively
 * acknowledged". {@link #cwnd()} always stays in {@code [smss, maxCwnd]}; after any loss event
 * {@link #ssthresh()} is at least {@code 2 * smss}.
 * <p>
 * Single-threaded; implementations allocate nothing after construction.
 */
public interface CongestionControl
{
    /** {@code rttNs} value for an ACK that carries no RTT sample. Any negative value means the same. */
    long NO_RTT = -1L;
    /** The initial ssthresh, "arbitrarily high" (RFC 5681 §3.1). */
    long INFINITE_SSTHRESH = Long.MAX_VALUE;

    /**
     * The algorithm's name, as {@link CongestionControlFactory#forName(String)} accepts it.
     *
     * @return e.g. "newreno" or "cubic".
     */
    String name();

    /**
     * The sender maximum segment size the windows are counted in.
     *
     * @return bytes.
     */
    int smss();

    /**
     * The configured ceiling of {@link #cwnd()}.
     *
     * @return bytes.
     */
    long maxCwnd();

    /**
     * The congestion window: the sender may have at most min(cwnd, rwnd) bytes in flight.
     *
     * @return bytes, within {@code [smss, maxCwnd]}.
     */
    long cwnd();

    /**
     * The slow start threshold.
     *
     * @return bytes; {@link #INFINITE_SSTHRESH} before the first congestion event.
     */
    long ssthresh();

    /**
     * Whether cwnd &lt; ssthresh (RFC 5681 §3.1: "The slow start algorithm is used when cwnd &lt; ssthresh").
     *
     * @return true in slow start.
     */
    boolean inSlowStart();

    /**
     * Whether fast recovery is in progress (between {@link #enterRecovery} and {@link #exitRecovery} or a timeout).
     *
     * @return true in fast recovery.
     */
    boolean inRecovery();

    /**
     * An ACK advanced SND.UNA (not the full ACK that ends fast recovery; in recovery this is a partial ACK).
     *
     * @param ackedBytes    bytes newly acknowledged, not negative.
     * @param rttNs         an RTT sample carried by this ACK (or the current SRTT), or {@link #NO_RTT}.
     * @param nowNs         the time.
     * @param bytesInFlight bytes still outstanding after this ACK, not negative; the window grows only when the
     *                      sender was using it (see the implementations).
     */
    void onAck(long ackedBytes, long rttNs, long nowNs, long bytesInFlight);

    /**
     * A duplicate ACK arrived (in fast recovery it inflates cwnd by one SMSS, RFC 5681 §3.2 step 4).
     *
     * @param nowNs the time.
     */
    void onDuplicateAck(long nowNs);

    /**
     * Fast retransmit: enter fast recovery (RFC 5681 §3.2 step 2, RFC 6582 §3.2 step 2).
     *
     * @param nowNs      the time.
     * @param flightSize FlightSize when the loss was detected, not negative.
     */
    void enterRecovery(long nowNs, long flightSize);

    /**
     * The full ACK ended fast recovery (RFC 6582 §3.2 step 3): the window deflates.
     *
     * @param nowNs      the time.
     * @param flightSize FlightSize after this ACK, not negative.
     */
    void exitRecovery(long nowNs, long flightSize);

    /**
     * The retransmission timer fired (RFC 5681 §3.1): cwnd becomes the loss window, one SMSS.
     *
     * @param nowNs      the time.
     * @param flightSize FlightSize when the timer fired, not negative.
     */
    void onRetransmissionTimeout(long nowNs, long flightSize);

    /**
     * An ECN-Echo reported congestion experienced (RFC 3168 §6.1.2): reduce as for a loss, without retransmitting.
     * The caller reacts at most once per window of data.
     *
     * @param nowNs      the time.
     * @param flightSize FlightSize now, not negative.
     */
    void onEcnCe(long nowNs, long flightSize);
}
