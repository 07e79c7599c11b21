package io.tachyon.icmp;

import io.tachyon.counters.OrdinalCounterDescriptor;

/**
 * ICMP counters, type {@code Icmp}, named after the ICMP objects of the IP-MIB (RFC 4293) as {@code netstat -s}
 * prints them.
 */
public enum IcmpCounter implements OrdinalCounterDescriptor
{
    /** icmpInMsgs (RFC 4293), errors included. */
    IN_MSGS("InMsgs: messages received"),
    /** icmpInErrors: bad checksums, truncated messages, errors without a usable quote. */
    IN_ERRORS("InErrors: messages with ICMP-level errors"),
    /** Checksum failures (also counted in InErrors). */
    IN_CSUM_ERRORS("InCsumErrors: bad checksums"),
    /** Type 0 received. */
    IN_ECHO_REPS("InEchoReps: echo replies"),
    /** Type 3 received. */
    IN_DEST_UNREACHS("InDestUnreachs: destination unreachable"),
    /** Type 4 received (ignored, RFC 6633). */
    IN_SRC_QUENCHS("InSrcQuenchs: source quench"),
    /** Type 5 received (ignored: the stack has one gateway). */
    IN_REDIRECTS("InRedirects: redirects"),
    /** Type 8 received. */
    IN_ECHOS("InEchos: echo requests"),
    /** Type 11 received. */
    IN_TIME_EXCDS("InTimeExcds: time exceeded"),
    /** Type 12 received. */
    IN_PARM_PROBS("InParmProbs: parameter problem"),
    /** Type 13 received (not answered). */
    IN_TIMESTAMPS("InTimestamps: timestamp requests"),
    /** Type 14 received. */
    IN_TIMESTAMP_REPS("InTimestampReps: timestamp replies"),
    /** Any other type received and ignored. */
    IN_OTHER_TYPES("InOtherTypes: other types"),
    /** Echo requests to a broadcast or multicast address, ignored (icmp_echo_ignore_broadcasts). */
    IN_ECHO_BCAST_IGNORED("InEchoBcastIgnored: echo requests to broadcast or multicast ignored"),
    /** Errors matched to a UDP socket through their quote. */
    IN_ERRORS_DELIVERED("InErrorsDelivered: errors delivered to a socket"),
    /** Errors whose quote names no datagram a socket of ours sent. */
    IN_ERRORS_UNMATCHED("InErrorsUnmatched: errors matching no socket"),
    /** icmpOutMsgs. */
    OUT_MSGS("OutMsgs: messages sent"),
    /** icmpOutErrors. */
    OUT_ERRORS("OutErrors: messages not sent for lack of buffers"),
    /** Type 0 sent. */
    OUT_ECHO_REPS("OutEchoReps: echo replies"),
    /** Type 3 sent. */
    OUT_DEST_UNREACHS("OutDestUnreachs: destination unreachable"),
    /** Type 8 sent. */
    OUT_ECHOS("OutEchos: echo requests"),
    /** Type 11 sent. */
    OUT_TIME_EXCDS("OutTimeExcds: time exceeded"),
    /** Errors the token bucket held back. */
    OUT_RATE_LIMITED("OutRateLimited: errors not sent: rate limit"),
    /**
     * Errors not sent because the offending datagram was an ICMP error, a broadcast or multicast, a non-first
     * fragment, or from a source that is not one host.
     */
    OUT_SUPPRESSED("OutSuppressed: errors not sent: RFC 1122 3.2.2 forbids them"),
    /** Echo replies that reused the received frame (txFromRxFrame). */
    OUT_ECHO_REPS_IN_PLACE("OutEchoRepsInPlace: echo replies sent from the request's own buffer"),
    /** Exceptions thrown by the application's echo listener, caught by the stack. */
    HANDLER_ERRORS("HandlerErrors: exceptions thrown by the echo listener");

    private final String label;

    IcmpCounter(final String label)
    {
        this.label = label;
    }

    /**
     * What the counter counts, as {@code ./tachyon stat} prints it.
     *
     * @return the label.
     */
    @Override
    public String label()
    {
        return label;
    }
}
