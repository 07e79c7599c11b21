package io.tachyon.tcp;

/**
 * SYN cookies, after Linux (net/ipv4/syncookies.c, {@code tcp_syncookies}): when the SYN queue is full, a
 * listener answers a SYN with a SYN-ACK whose ISN encodes what it must remember, keeps no state, and rebuilds the
 * connection from the returning ACK. Stateless: the only fields are the key, the SipHash state and counters.
 *
 * <h2>The cookie (our ISN)</h2>
 * With H1 = SipHash(key, 4-tuple) and H2 = SipHash(key, 4-tuple, count, mssIndex) (messages of 16 and 24 bytes,
 * so the two uses of the key never collide), where {@code count} is a coarse clock that ticks every
 * {@link #PERIOD_NS} = 64 s (Linux ticks once a minute; a power-of-two-ish period is as good and is what the issue
 * suggests) and {@code mssIndex} indexes the table {536, 1300, 1440, 1460} (Linux's IPv4 {@code msstab}; the
 * largest entry not above the peer's MSS, 536 when the peer's is smaller still):
 * <pre>
 *   cookie = H1 + peerIsn + (count &lt;&lt; 24) + ((H2 &lt;&lt; 2 | mssIndex) mod 2^24)      (all modulo 2^32)
 *
 *   bits of (cookie - H1 - peerIsn):  31..24 count mod 256 | 23..2 low 22 bits of H2 | 1..0 mssIndex
 * </pre>
 * Like Linux, the ISN is hidden by H1 and the peer's ISN, and the time counter sits in the top 8 bits. Unlike
 * Linux, which adds the MSS index to H2 (so that ack+1 of a valid cookie is valid with the next MSS), the MSS
 * index is an input of H2 and the 22 hash bits are checked exactly: any change of the cookie fails unless it
 * matches a fresh 22-bit tag (chance 2^-22 per forged ACK, less the chance that the counter bits also match).
 *
 * <h2>Checking the ACK</h2>
 * The third segment of the handshake has SEG.SEQ = peerIsn + 1 and SEG.ACK = cookie + 1. {@link #check} subtracts
 * H1 and the peer's ISN, reads the counter and accepts it when it is at most {@link #MAX_AGE} - 1 = 1 step old
 * (Linux's {@code MAX_SYNCOOKIE_AGE} is 2 with the same test), so a cookie lives at least 64 s and less than
 * 128 s; a counter from the future fails too. It then recomputes H2 for that counter and the index the cookie
 * carries and compares the 22 bits. One H1 and one H2 per check, as Linux.
 *
 * <h2>Options in the timestamp</h2>
 * An ISN has no room for the SYN's window scale and SACK-permitted options, so, like Linux's
 * {@code cookie_init_timestamp}, when the SYN carried the Timestamps option the low 6 bits of the SYN-ACK's TSval
 * carry them and the peer echoes them back in the ACK's TSecr ({@link #timestamp}, {@link #timestampOptions}):
 * <pre>
 *   bits 3..0 window scale 0..14, or 15 when the SYN had no window scale option
 *   bit  4    SACK permitted
 *   bit  5    ECN (the SYN asked for ECN, RFC 3168)
 * </pre>
 * The TSval is the timestamp clock with those 6 bits replaced, moved 64 ticks back if that would put it ahead of
 * the clock, so it never runs ahead of later TSvals. These bits are not authenticated (they are the peer's own
 * options, as in Linux). When the SYN had no timestamps, the connection goes on without window scaling and SACK.
 *
 * <h2>Threading and memory</h2>
 * One instance belongs to the stack thread; nothing allocates after construction. The key is the listener's (or
 * the stack's) secret: {@link SipKey#random()} in production, {@link SipKey#fromSeed(long)} in tests, not shared
 * with {@link InitialSequenceNumbers}.
 */
public final class SynCookies
{
    /** {@link #check} result for an ACK that does not carry a valid cookie. */
    public static final int INVALID = 0;
    /** The period of the cookie's time counter: 64 s. */
    public static final long PERIOD_NS = 64_000_000_000L;
    /** Cookies are accepted while {@code counterNow - counterInCookie < MAX_AGE} (in counter steps). */
    public static final int MAX_AGE = 2;
    /** The number of MSS values a cookie can carry. */
    public static final int MSS_TABLE_SIZE = 4;
    /** {@link #windowScale(int)} result when the SYN carried no window scale option. */
    public static final int NO_WINDOW_SCALE = -1;
    /** The largest window scale (shift count) of RFC 7323 §2.3. */
    public static final int MAX_WINDOW_SCALE = 14;

    /** The timestamp bits that carry options. */
    static final int TS_OPTION_BITS = 6;
    static final int TS_OPTION_MASK = (1 << TS_OPTION_BITS) - 1;
    static final int TS_WSCALE_MASK = 0x0F;
    static final int TS_SACK = 0x10;
    static final int TS_ECN = 0x20;

    private static final int MSS_0 = 536;
    private static final int MSS_1 = 1300;
    private static final int MSS_2 = 1440;
    private static final int MSS_3 = 1460;
    private static final int COUNT_SHIFT = 24;
    private static final int LOW_MASK = (1 << COUNT_SHIFT) - 1;
    private static final int TAG_MASK = LOW_MASK >>> 2;
    private static final int INDEX_MASK = MSS_TABLE_SIZE - 1;

    private final SipHash sip;
    private long cookiesSent;
    private long cookiesAccepted;
    private long cookiesRejected;

    /**
     * A cookie codec keyed by {@code key}.
     *
     * @param key the secret.
     */
    public SynCookies(final SipKey key)
    {
        sip = new SipHash(key);
    }

    /**
     * The ISN of a SYN-ACK sent in cookie mode.
     *
     * @param localIp    our IPv4 address (the SYN's destination).
     * @param localPort  our port, 0..65535.
     * @param remoteIp   the peer's IPv4 address.
     * @param remotePort the peer's port, 0..65535.
     * @param peerIsn    the SYN's sequence number.
     * @param peerMss    the SYN's MSS option, or 536 when it had none (RFC 9293 §3.7.1), 0..65535; it is rounded
     *                   down to a table entry ({@link #mssIndex(int)}).
     * @param nowNs      the current time, epoch nanoseconds.
     * @return the cookie, to send as our ISN.
     * @throws IllegalArgumentException when a port or {@code peerMss} is out of range.
     */
    public int cookie(
        final int localIp,
        final int localPort,
        final int remoteIp,
        final int remotePort,
        final int peerIsn,
        final int peerMss,
        final long nowNs)
    {
        final long addresses = FourTuple.addresses(localIp, remoteIp);
        final long ports = FourTuple.ports(localPort, remotePort);
        final int index = mssIndex(peerMss);
        final int count = counter(nowNs);
        final int h1 = (int)sip.hash(addresses, ports);
        final int h2 = (int)sip.hash(addresses, ports, h2Word(count, index));
        cookiesSent++;
        return h1 + peerIsn + (count << COUNT_SHIFT) + ((h2 << 2 | index) & LOW_MASK);
    }

    /**
     * Checks the ACK that completes a cookie handshake and recovers the MSS.
     *
     * @param localIp    our IPv4 address (the ACK's destination).
     * @param localPort  our port, 0..65535.
     * @param remoteIp   the peer's IPv4 address.
     * @param remotePort the peer's port, 0..65535.
     * @param segSeq     the ACK's sequence number (the peer's ISN + 1).
     * @param segAck     the ACK's acknowledgment number (the cookie + 1).
     * @param nowNs      the current time, epoch nanoseconds.
     * @return the MSS the cookie carries (a table entry), or {@link #INVALID}.
     * @throws IllegalArgumentException when a port is out of range.
     */
    public int check(
        final int localIp,
        final int localPort,
        final int remoteIp,
        final int remotePort,
        final int segSeq,
        final int segAck,
        final long nowNs)
    {
        final long addresses = FourTuple.addresses(localIp, remoteIp);
        final long ports = FourTuple.ports(localPort, remotePort);
        final int value = (segAck - 1) - (int)sip.hash(addresses, ports) - (segSeq - 1);
        final int now = counter(nowNs);
        final int age = (now - (value >>> COUNT_SHIFT)) & 0xFF;
        if (age >= MAX_AGE)
        {
            cookiesRejected++;
            return INVALID;
        }
        final int index = value & INDEX_MASK;
        final int h2 = (int)sip.hash(addresses, ports, h2Word(now - age, index));
        if (((value >>> 2) & TAG_MASK) != (h2 & TAG_MASK))
        {
            cookiesRejected++;
            return INVALID;
        }
        cookiesAccepted++;
        return mss(index);
    }

    /**
     * The index of the largest table entry not above {@code peerMss}; 0 (536) when {@code peerMss} is smaller.
     *
     * @param peerMss the peer's MSS, 0..65535.
     * @return 0..3.
     * @throws IllegalArgumentException when {@code peerMss} is outside 0..65535.
     */
    public static int mssIndex(final int peerMss)
    {
        if ((peerMss & ~0xFFFF) != 0)
        {
            throw new IllegalArgumentException("peer MSS must be 0..65535: " + peerMss);
        }
        if (peerMss >= MSS_3)
        {
            return 3;
        }
        if (peerMss >= MSS_2)
        {
            return 2;
        }
        return peerMss >= MSS_1 ? 1 : 0;
    }

    /**
     * The MSS of a table entry.
     *
     * @param index 0..3.
     * @return 536, 1300, 1440 or 1460.
     * @throws IllegalArgumentException when {@code index} is outside 0..3.
     */
    public static int mss(final int index)
    {
        return switch (index)
        {
            case 0 -> MSS_0;
            case 1 -> MSS_1;
            case 2 -> MSS_2;
            case 3 -> MSS_3;
            default -> throw new IllegalArgumentException("MSS table index must be 0..3: " + index);
        };
    }

    /**
     * The cookie's time counter.
     *
     * @param nowNs the current time, epoch nanoseconds.
     * @return {@code floor(nowNs / PERIOD_NS)} modulo 2^32 (the cookie keeps its low 8 bits).
     */
    public static int counter(final long nowNs)
    {
        return (int)Math.floorDiv(nowNs, PERIOD_NS);
    }

    /**
     * The TSval of a SYN-ACK sent in cookie mode when the SYN carried the Timestamps option: the clock with its
     * low 6 bits replaced by the options, 64 ticks earlier if that would be ahead of the clock.
     *
     * @param tsvalNow      our timestamp clock now ({@link TcpTimestamps#clock(long, int)}).
     * @param windowScale   the SYN's window scale 0..14, or {@link #NO_WINDOW_SCALE}.
     * @param sackPermitted whether the SYN carried SACK-permitted.
     * @param ecn           whether the SYN asked for ECN.
     * @return the TSval to send.
     * @throws IllegalArgumentException when {@code windowScale} is not -1 or 0..14.
     */
    public static int timestamp(final int tsvalNow, final int windowScale, final boolean sackPermitted,
        final boolean ecn)
    {
        if (windowScale < NO_WINDOW_SCALE || windowScale > MAX_WINDOW_SCALE)
        {
            throw new IllegalArgumentException("window scale must be -1 (none) or 0..14: " + windowScale);
        }
        final int options = (windowScale == NO_WINDOW_SCALE ? TS_WSCALE_MASK : windowScale)
            | (sackPermitted ? TS_SACK : 0)
            | (ecn ? TS_ECN : 0);
        final int tsval = (tsvalNow & ~TS_OPTION_MASK) | options;
        return tsval - tsvalNow > 0 ? tsval - (TS_OPTION_MASK + 1) : tsval;
    }

    /**
     * The options a cookie-mode SYN-ACK's TSval carried, read from the TSecr of the ACK that echoes it; read them
     * with {@link #windowScale(int)}, {@link #sackPermitted(int)} and {@link #ecn(int)}. Only meaningful once
     * {@link #check} accepted the ACK and when the ACK carries the Timestamps option.
     *
     * @param tsecr the ACK's TSecr.
     * @return the 6 option bits.
     */
    public static int timestampOptions(final int tsecr)
    {
        return tsecr & TS_OPTION_MASK;
    }

    /**
     * The window scale in the options.
     *
     * @param options from {@link #timestampOptions(int)}.
     * @return 0..14, or {@link #NO_WINDOW_SCALE} (the field is 15).
     */
    public static int windowScale(final int options)
    {
        final int field = options & TS_WSCALE_MASK;
        return field == TS_WSCALE_MASK ? NO_WINDOW_SCALE : field;
    }

    /**
     * Whether the SYN carried SACK-permitted.
     *
     * @param options from {@link #timestampOptions(int)}.
     * @return bit 4.
     */
    public static boolean sackPermitted(final int options)
    {
        return (options & TS_SACK) != 0;
    }

    /**
     * Whether the SYN asked for ECN.
     *
     * @param options from {@link #timestampOptions(int)}.
     * @return bit 5.
     */
    public static boolean ecn(final int options)
    {
        return (options & TS_ECN) != 0;
    }

    /**
     * Cookies made by {@link #cookie}.
     *
     * @return the count.
     */
    public long cookiesSent()
    {
        return cookiesSent;
    }

    /**
     * ACKs {@link #check} accepted.
     *
     * @return the count.
     */
    public long cookiesAccepted()
    {
        return cookiesAccepted;
    }

    /**
     * ACKs {@link #check} rejected (expired, from the future, forged or modified).
     *
     * @return the count.
     */
    public long cookiesRejected()
    {
        return cookiesRejected;
    }

    private static long h2Word(final int count, final int index)
    {
        return ((long)count << 32) | index;
    }
}
