package io.tachyon.tcp;

import io.tachyon.counters.CounterDescriptor;

/**
 * The TCP counters, named like Linux's {@code netstat -s} (the TCP MIB of RFC 4022).
 */
public enum TcpCounter implements CounterDescriptor
{
    /** tcpActiveOpens: transitions CLOSED to SYN-SENT. */
    ACTIVE_OPENS("ActiveOpens: active connection openings"),
    /** tcpPassiveOpens: transitions LISTEN to SYN-RECEIVED. */
    PASSIVE_OPENS("PassiveOpens: passive connection openings"),
    /** tcpAttemptFails: SYN-SENT or SYN-RECEIVED to CLOSED (or SYN-RECEIVED to LISTEN). */
    ATTEMPT_FAILS("AttemptFails: failed connection attempts"),
    /** tcpEstabResets: ESTABLISHED or CLOSE-WAIT to CLOSED. */
    ESTAB_RESETS("EstabResets: connection resets received"),
    /** tcpCurrEstab: connections in ESTABLISHED or CLOSE-WAIT now (a gauge). */
    CURR_ESTAB("CurrEstab: connections established"),
    /** tcpInSegs: segments received, errors included. */
    IN_SEGS("InSegs: segments received"),
    /** tcpOutSegs: segments sent, retransmissions excluded. */
    OUT_SEGS("OutSegs: segments sent out"),
    /** tcpRetransSegs: segments retransmitted. */
    RETRANS_SEGS("RetransSegs: segments retransmitted"),
    /** tcpInErrs: malformed segments and bad checksums. */
    IN_ERRS("InErrs: bad segments received"),
    /** tcpOutRsts: segments sent with RST. */
    OUT_RSTS("OutRsts: resets sent"),
    /** Checksum failures (also in InErrs). */
    IN_CSUM_ERRORS("InCsumErrors: bad checksums"),
    /** Segments for no connection and no listener (answered with RST unless they carried one). */
    NO_PORTS("NoPorts: segments for no connection"),
    /** SYNs, and ACKs completing a handshake, dropped because the listener's accept queue was full (Linux's). */
    LISTEN_OVERFLOWS("ListenOverflows: SYNs or handshake ACKs dropped: accept queue full"),
    /** SYNs dropped because every connection of the pool is in use. */
    POOL_EXHAUSTED("PoolExhausted: SYNs dropped: no free connection"),
    /** Challenge ACKs sent (RFC 5961). */
    CHALLENGE_ACKS("ChallengeACKs: challenge ACKs sent"),
    /** Fast retransmits (RFC 5681 §3.2). */
    FAST_RETRANS("FastRetrans: fast retransmits"),
    /** Retransmission timeouts. */
    TIMEOUTS("Timeouts: retransmission timeouts"),
    /** Connections ended by the retry limit. */
    ABORT_ON_TIMEOUT("AbortOnTimeout: connections ended by retransmission timeouts"),
    /** Segments that could not be sent for lack of a TX buffer (recovered by retransmission). */
    OUT_DISCARDS("OutDiscards: segments not sent: no TX buffer"),
    /** SACK-based loss recoveries entered (RFC 6675). */
    SACK_RECOVERIES("SackRecovery: SACK-based loss recoveries"),
    /** Segments sent by limited transmit (RFC 3042). */
    LIMITED_TRANSMITS("LimitedTransmit: segments sent on the first two duplicate ACKs"),
    /** Challenge ACKs not sent: over the stack's rate limit (RFC 5961 §7). */
    CHALLENGE_ACKS_RATE_LIMITED("ChallengeACKsRateLimited: challenge ACKs suppressed by the rate limit"),
    /** SYNs dropped because the listener's SYN queue was full and SYN cookies are off (Linux TCPReqQFullDrop). */
    SYN_QUEUE_DROPS("ReqQFullDrop: SYNs dropped: SYN queue full, no SYN cookies"),
    /** SYN-ACKs sent with a SYN cookie because the SYN queue was full (Linux SyncookiesSent). */
    SYN_COOKIES_SENT("SyncookiesSent: SYN cookies sent"),
    /** ACKs that carried a valid SYN cookie and created a connection (Linux SyncookiesRecv). */
    SYN_COOKIES_RECV("SyncookiesRecv: SYN cookies validated"),
    /** ACKs to a listener that failed the SYN cookie check (answered with a RST; Linux SyncookiesFailed). */
    SYN_COOKIES_FAILED("SyncookiesFailed: invalid SYN cookies received"),
    /** Connections in TIME-WAIT ended early by an acceptable new SYN (RFC 6191; Linux TWRecycled). */
    TIME_WAIT_REUSED("TWRecycled: TIME-WAIT connections reopened by a new SYN"),
    /** Active opens refused because no ephemeral port was free for the destination. */
    EPHEMERAL_PORTS_EXHAUSTED("PortsExhausted: connects failed: no free ephemeral port"),
    /** ICMP errors ignored: the quoted sequence number is outside SND.UNA..SND.NXT (RFC 5927; Linux's). */
    OUT_OF_WINDOW_ICMPS("OutOfWindowIcmps: ICMP errors ignored: quoted sequence number outside the window"),
    /** Connection attempts ended by an ICMP hard error (port or protocol unreachable, prohibited). */
    ICMP_HARD_ERRORS("IcmpHardErrors: connection attempts ended by an ICMP hard error"),
    /** ICMP soft errors recorded on a connection (RFC 1122 §4.2.3.9). */
    ICMP_SOFT_ERRORS("IcmpSoftErrors: ICMP soft errors recorded"),
    /** Effective MSS reductions by an ICMP fragmentation needed (RFC 1191). */
    PMTU_MSS_REDUCTIONS("PmtuMssReductions: send MSS lowered by fragmentation needed"),
    /** Keepalive probes sent (Linux's TCPKeepAlive). */
    KEEPALIVE_PROBES("KeepAlive: keepalive probes sent"),
    /** Connections reset because keepalive probes went unanswered. */
    KEEPALIVE_ABORTS("KeepAliveAborts: connections reset after unanswered keepalive probes"),
    /** Partial segments sent by the sender's SWS override timeout (RFC 9293 §3.8.6.2.1). */
    SWS_OVERRIDES("SwsOverrides: partial segments sent by the override timeout"),
    /** Connections closed with SO_LINGER 0 (aborted with a RST by close). */
    LINGER_ABORTS("LingerAborts: connections aborted by close with linger 0"),
    /** Handler exceptions caught on the stack thread (zero-copy TCP callbacks). */
    HANDLER_ERRORS("HandlerErrors: exceptions thrown by TCP callbacks"),
    /** Connections reset by a close with received data unread (Linux's TCPAbortOnClose; RFC 9293 SHLD-3). */
    ABORT_ON_CLOSE("AbortOnClose: connections reset by a close with unread data"),
    /** Connections reset because data arrived after the application closed them (Linux's TCPAbortOnData). */
    ABORT_ON_DATA("AbortOnData: connections reset by data arriving after close");

    private final String label;

    TcpCounter(final String label)
    {
        this.label = label;
    }

    /**
     * The counter's id within the family.
     *
     * @return the ordinal.
     */
    @Override
    public int id()
    {
        return ordinal();
    }

    /**
     * The counter's label.
     *
     * @return "Name: description".
     */
    @Override
    public String label()
    {
        return label;
    }
}
