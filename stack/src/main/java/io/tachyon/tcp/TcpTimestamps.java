package io.tachyon.tcp;

/**
 * The TCP Timestamps option's rules (RFC 7323): our TSval clock, PAWS, the TS.Recent update and the RTT sample.
 * Timestamps are 32-bit values compared modulo 2^32: RFC 7323 §5.2, "If s and t are timestamp values,
 * s &lt; t if 0 &lt; (t - s) &lt; 2^31, computed in unsigned 32-bit arithmetic" ({@link #before(int, int)}).
 *
 * <h2>Our clock ({@link #clock(long, int)}, {@link #offset(int, int, int, int)})</h2>
 * TSval = {@code nowNs / 1 ms} + offset, modulo 2^32. RFC 7323 §5.4 asks for a clock between 1 ms and 1 s per
 * tick, monotone and approximately proportional to real time; 1 ms keeps the sign bit from wrapping for 24.8 days
 * and gives RTT samples in milliseconds. The same section: "A random offset may be added to the timestamp clock on
 * a per-connection basis. See [RFC6528], Section 3 ... The same function with a different secret key can be used
 * to generate the per-connection timestamp offset." The choice here: the offset is F(4-tuple) = SipHash of the 4-tuple
 * under this instance's key. So the TSval does not reveal the host's clock or uptime, one connection's TSvals say
 * nothing about another's, and every incarnation of one 4-tuple gets the same offset, so TSvals stay monotone from
 * one incarnation to the next, which RFC 6191 relies on to accept a new SYN for a connection in TIME-WAIT (a
 * fresh random offset per connection would break that; Linux keys its offset by the address pair alone, which
 * also keeps RFC 6191 working but links all connections between two hosts). The caller computes the offset once
 * per connection and keeps it.
 *
 * <h2>PAWS ({@link #paws(int, int, long, long)})</h2>
 * RFC 7323 §5.3 R1: "If there is a Timestamps option in the arriving segment, SEG.TSval &lt; TS.Recent, TS.Recent
 * is valid (see later discussion), and if the RST bit is not set, then treat the arriving segment as not
 * acceptable". §5.5: "We therefore require that an implementation of PAWS include a mechanism to 'invalidate' the
 * TS.Recent value when a connection is idle for more than 24 days"; Appendix D: "If the connection has been idle
 * more than 24 days, save SEG.TSval in variable TS.Recent, else the segment is not acceptable". Idle is measured
 * from the last update of TS.Recent, as Linux does ({@code ts_recent_stamp}, {@code TCP_PAWS_24DAYS}); unlike
 * Linux there is no one-tick tolerance ({@code TCP_PAWS_WINDOW}). Callers skip PAWS for RST segments and for
 * segments without the option.
 *
 * <h2>TS.Recent ({@link #updatesTsRecent(int, int, int, int)})</h2>
 * RFC 7323 §4.3 (2): "If: SEG.TSval &gt;= TS.Recent and SEG.SEQ &lt;= Last.ACK.sent then SEG.TSval is copied to
 * TS.Recent; otherwise, it is ignored." (§5.3 R3 repeats it.) Last.ACK.sent is the ACK field of the last segment
 * we sent, so with delayed ACKs the echoed value is the earliest unacknowledged segment's, and an out-of-order
 * segment (SEG.SEQ beyond Last.ACK.sent) never updates it.
 *
 * <h2>RTT ({@link #rttSampleMs(int, int)})</h2>
 * RFC 7323 §4.1: the sender measures an RTT as its current timestamp clock minus the TSecr echoed in an ACK.
 * Which ACKs to sample (those that acknowledge new data, RFC 7323 §4.1 and Appendix D: "If SND.UNA &lt; SEG.ACK
 * &lt;= SND.NXT ... Also compute a new estimate of round-trip time") is the caller's test. A TSecr of 0 gives no
 * sample (RFC 7323 §3.2 has segments without ACK carry TSecr 0; Linux ignores
 * a zero echo too), nor does a TSecr ahead of our clock.
 *
 * <h2>Threading and memory</h2>
 * The static rules are pure; an instance holds only the offset key and the SipHash state and belongs to the stack
 * thread. Nothing allocates after construction.
 */
public final class TcpTimestamps
{
    /** The tick of our timestamp clock: 1 ms. */
    public static final long TICK_NS = 1_000_000L;
    /** TS.Recent becomes invalid when not updated for more than this: 24 days (RFC 7323 §5.5). */
    public static final long TS_RECENT_VALIDITY_NS = 24L * 86_400L * 1_000_000_000L;
    /** {@link #paws} result: the segment passes PAWS (SEG.TSval is not older than TS.Recent). */
    public static final int PAWS_ACCEPT = 0;
    /** {@link #paws} result: the segment is not acceptable (R1); answer it with an ACK and drop it. */
    public static final int PAWS_REJECT = 1;
    /**
     * {@link #paws} result: SEG.TSval is older than TS.Recent but TS.Recent is invalid (idle more than 24 days):
     * the segment is accepted and the caller saves SEG.TSval in TS.Recent (RFC 7323 Appendix D).
     */
    public static final int PAWS_ACCEPT_STALE_RECENT = 2;
    /** {@link #rttSampleMs} result when the echo gives no sample. */
    public static final int NO_RTT_SAMPLE = -1;

    private final SipHash sip;

    /**
     * Timestamp offsets keyed by {@code key}: {@link SipKey#random()} in production, {@link SipKey#fromSeed(long)}
     * in tests; not the key of {@link InitialSequenceNumbers} or {@link SynCookies}.
     *
     * @param key the secret of the offsets.
     */
    public TcpTimestamps(final SipKey key)
    {
        sip = new SipHash(key);
    }

    /**
     * The TSval offset of a connection: the low 32 bits of SipHash of the 4-tuple (computed once per connection).
     *
     * @param localIp    our IPv4 address.
     * @param localPort  our port, 0..65535.
     * @param remoteIp   the peer's IPv4 address.
     * @param remotePort the peer's port, 0..65535.
     * @return the offset to pass to {@link #clock(long, int)}.
     * @throws IllegalArgumentException when a port is outside 0..65535.
     */
    public int offset(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        return (int)sip.hash(FourTuple.addresses(localIp, remoteIp), FourTuple.ports(localPort, remotePort));
    }

    /**
     * Our timestamp clock for a connection.
     *
     * @param nowNs  the current time, epoch nanoseconds.
     * @param offset the connection's {@link #offset}.
     * @return {@code floor(nowNs / 1 ms) + offset} modulo 2^32.
     */
    public static int clock(final long nowNs, final int offset)
    {
        return (int)Math.floorDiv(nowNs, TICK_NS) + offset;
    }

    /**
     * Whether timestamp {@code s} is before {@code t} modulo 2^32 (RFC 7323 §5.2).
     *
     * @param s a timestamp.
     * @param t a timestamp.
     * @return {@code 0 < (t - s) < 2^31}.
     */
    public static boolean before(final int s, final int t)
    {
        return t - s > 0;
    }

    /**
     * The PAWS test (RFC 7323 §5.3 R1, §5.5) for a non-RST segment that carries the Timestamps option.
     *
     * @param segTsval          the segment's TSval.
     * @param tsRecent          TS.Recent.
     * @param tsRecentUpdatedNs when TS.Recent was last set, epoch nanoseconds.
     * @param nowNs             the current time, epoch nanoseconds.
     * @return {@link #PAWS_ACCEPT}, {@link #PAWS_REJECT} or {@link #PAWS_ACCEPT_STALE_RECENT}.
     */
    public static int paws(final int segTsval, final int tsRecent, final long tsRecentUpdatedNs, final long nowNs)
    {
        if (!before(segTsval, tsRecent))
        {
            return PAWS_ACCEPT;
        }
        return nowNs - tsRecentUpdatedNs > TS_RECENT_VALIDITY_NS ? PAWS_ACCEPT_STALE_RECENT : PAWS_REJECT;
    }

    /**
     * The TS.Recent update rule (RFC 7323 §4.3 (2), §5.3 R3) for an acceptable segment with the option.
     *
     * @param segTsval    the segment's TSval.
     * @param segSeq      the segment's sequence number.
     * @param tsRecent    TS.Recent.
     * @param lastAckSent the ACK field of the last segment we sent.
     * @return whether {@code segTsval} becomes TS.Recent: SEG.TSval &gt;= TS.Recent and SEG.SEQ &lt;=
     *     Last.ACK.sent, both modulo 2^32.
     */
    public static boolean updatesTsRecent(final int segTsval, final int segSeq, final int tsRecent,
        final int lastAckSent)
    {
        return segTsval - tsRecent >= 0 && segSeq - lastAckSent <= 0;
    }

    /**
     * An RTT sample from the TSecr of an ACK that acknowledges new data (RFC 7323 §4.1, §4.2).
     *
     * @param tsvalNow  our timestamp clock now ({@link #clock}).
     * @param segTsecr  the ACK's TSecr.
     * @return the RTT in milliseconds (clock ticks), 0 or more, or {@link #NO_RTT_SAMPLE} when TSecr is 0 or
     *     ahead of our clock.
     */
    public static int rttSampleMs(final int tsvalNow, final int segTsecr)
    {
        if (segTsecr == 0)
        {
            return NO_RTT_SAMPLE;
        }
        final int rtt = tsvalNow - segTsecr;
        return rtt >= 0 ? rtt : NO_RTT_SAMPLE;
    }
}
