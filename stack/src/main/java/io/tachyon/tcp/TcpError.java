package io.tachyon.tcp;

/**
 * Why a connection ended abnormally, as a socket reports it ({@link TcpSocket#error()}).
 */
public enum TcpError
{
    /** No error. */
    NONE,
    /** The peer answered the SYN with a RST (ECONNREFUSED). */
    REFUSED,
    /** The peer reset an open connection (ECONNRESET). */
    RESET,
    /** Retransmissions went unanswered up to the retry limit (ETIMEDOUT, like tcp_retries2). */
    TIMED_OUT,
    /** The application aborted the connection (a RST was sent). */
    ABORTED,
    /** The stack closed. */
    STACK_CLOSED,
    /**
     * An ICMP destination unreachable ended the connection attempt (protocol unreachable or administratively
     * prohibited, ENOPROTOOPT/EHOSTUNREACH), or a recorded ICMP soft error (network or host unreachable, time
     * exceeded, parameter problem) explains a timeout (RFC 1122 §4.2.3.9).
     */
    UNREACHABLE
}
