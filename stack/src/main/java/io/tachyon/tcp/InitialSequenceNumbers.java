package io.tachyon.tcp;

/**
 * Initial sequence numbers as RFC 6528 §3 specifies them:
 * <pre>
 *   ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 * </pre>
 * "where M is the 4 microsecond timer, and F() is a pseudorandom function (PRF) of the connection-id. F() MUST
 * NOT be computable from the outside, or an attacker could still guess at sequence numbers from the ISN used for
 * some other connection."
 * <ul>
 *   <li><b>M</b> = {@code nowNs / 4000} (epoch nanoseconds from the stack's {@link io.tachyon.time.Clock}) modulo
 *       2^32: it increases by one every 4 µs and wraps about every 4.77 hours, like RFC 9293 §3.4.1's ISN
 *       clock.</li>
 *   <li><b>F</b> = the low 32 bits of SipHash-2-4 ({@link SipHash}) of the 16-byte message
 *       {@code localip<<32 | remoteip}, {@code localport<<16 | remoteport} (two little-endian words), keyed by
 *       this instance's secret. RFC 6528 suggests MD5; SipHash is a keyed PRF built for short inputs and is what
 *       Linux uses for the same purpose.</li>
 * </ul>
 * So successive connections of one 4-tuple get ISNs that follow the 4 µs clock (RFC 9293's protection against
 * old duplicates of a previous incarnation holds per 4-tuple), while the ISN space of one 4-tuple says nothing
 * about another's.
 * <p>
 * <b>The secret.</b> Production builds the instance with {@link SipKey#random()} (a {@code SecureRandom} key drawn
 * once at construction, never changed: RFC 6528 §3 allows the key to be changed, which would break the
 * monotonicity per 4-tuple across the change); tests and reproducible runs pass {@link SipKey#fromSeed(long)} of
 * the seed in their configuration. Use a key of its own, not the one of {@link SynCookies} or
 * {@link TcpTimestamps}.
 * <p>
 * <b>Threading and memory.</b> One instance belongs to the stack thread; nothing allocates after construction.
 */
public final class InitialSequenceNumbers
{
    /** The period of the timer M: 4 µs (RFC 6528 §3, RFC 9293 §3.4.1). */
    public static final long TICK_NS = 4_000L;

    private final SipHash sip;

    /**
     * A generator keyed by {@code key}.
     *
     * @param key the secret key of F.
     */
    public InitialSequenceNumbers(final SipKey key)
    {
        sip = new SipHash(key);
    }

    /**
     * The ISN of a new connection, M + F.
     *
     * @param localIp    our IPv4 address.
     * @param localPort  our port, 0..65535.
     * @param remoteIp   the peer's IPv4 address.
     * @param remotePort the peer's port, 0..65535.
     * @param nowNs      the current time, epoch nanoseconds.
     * @return the initial sequence number.
     * @throws IllegalArgumentException when a port is outside 0..65535.
     */
    public int isn(final int localIp, final int localPort, final int remoteIp, final int remotePort, final long nowNs)
    {
        return timer(nowNs) + secretOffset(localIp, localPort, remoteIp, remotePort);
    }

    /**
     * F alone: the keyed offset of one 4-tuple, constant for the life of this instance.
     *
     * @param localIp    our IPv4 address.
     * @param localPort  our port, 0..65535.
     * @param remoteIp   the peer's IPv4 address.
     * @param remotePort the peer's port, 0..65535.
     * @return the low 32 bits of the SipHash tag of the 4-tuple.
     * @throws IllegalArgumentException when a port is outside 0..65535.
     */
    public int secretOffset(final int localIp, final int localPort, final int remoteIp, final int remotePort)
    {
        return (int)sip.hash(FourTuple.addresses(localIp, remoteIp), FourTuple.ports(localPort, remotePort));
    }

    /**
     * M alone: the 4 µs timer.
     *
     * @param nowNs the current time, epoch nanoseconds.
     * @return {@code floor(nowNs / 4000)} modulo 2^32.
     */
    public static int timer(final long nowNs)
    {
        return (int)Math.floorDiv(nowNs, TICK_NS);
    }
}
