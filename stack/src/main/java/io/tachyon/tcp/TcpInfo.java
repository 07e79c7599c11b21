package io.tachyon.tcp;

/**
 * The TCP_INFO of one connection: a mutable view that {@link TcpSocket#info(TcpInfo)} fills in, so an application
 * reuses one object and reading it allocates nothing. The values are a snapshot taken on the stack thread; read
 * them on the thread that called {@code info}.
 */
public final class TcpInfo
{
    TcpState state = TcpState.CLOSED;
    TcpError error = TcpError.NONE;
    long srttNs;
    long rttvarNs;
    long rtoNs;
    long cwnd;
    long ssthresh;
    int retries;
    long totalRetransmits;
    long bytesInFlight;
    int sndMss;
    int rcvMss;
    long sndWnd;
    int rcvWnd;
    long bytesAcked;
    long bytesReceived;
    long bytesWritten;
    int unacked;
    int unsent;
    int readable;
    boolean windowScaling;
    int sndWscale;
    int rcvWscale;
    boolean sack;
    boolean timestamps;
    int keepaliveProbes;
    long keepaliveProbesSent;
    long swsOverrides;
    long lastReceivedAgoNs;
    int dupAcks;

    /**
     * An empty view (state CLOSED, every number 0).
     */
    public TcpInfo()
    {
    }

    /**
     * The value of state.
     *
     * @return the connection state ({@link TcpState#CLOSED} before connect and after the end).
     */
    public TcpState state()
    {
        return state;
    }

    /**
     * The value of error.
     *
     * @return why the connection ended, {@link TcpError#NONE} if it did not end abnormally.
     */
    public TcpError error()
    {
        return error;
    }

    /**
     * The value of srttNs.
     *
     * @return the smoothed round-trip time (tcpi_rtt), nanoseconds, 0 without a sample.
     */
    public long srttNs()
    {
        return srttNs;
    }

    /**
     * The value of rttvarNs.
     *
     * @return the round-trip time variation (tcpi_rttvar), nanoseconds.
     */
    public long rttvarNs()
    {
        return rttvarNs;
    }

    /**
     * The value of rtoNs.
     *
     * @return the retransmission timeout, backoff included (tcpi_rto), nanoseconds.
     */
    public long rtoNs()
    {
        return rtoNs;
    }

    /**
     * The value of cwnd.
     *
     * @return the congestion window (tcpi_snd_cwnd, here in bytes), 0 before the handshake completed.
     */
    public long cwnd()
    {
        return cwnd;
    }

    /**
     * The value of ssthresh.
     *
     * @return the slow start threshold (tcpi_snd_ssthresh, in bytes), 0 before the handshake completed.
     */
    public long ssthresh()
    {
        return ssthresh;
    }

    /**
     * The value of retries.
     *
     * @return consecutive unanswered retransmissions or probes now (tcpi_retransmits).
     */
    public int retries()
    {
        return retries;
    }

    /**
     * The value of totalRetransmits.
     *
     * @return segments retransmitted over the connection's life (tcpi_total_retrans).
     */
    public long totalRetransmits()
    {
        return totalRetransmits;
    }

    /**
     * The value of bytesInFlight.
     *
     * @return sequence numbers sent and not acknowledged, SND.MAX - SND.UNA.
     */
    public long bytesInFlight()
    {
        return bytesInFlight;
    }

    /**
     * The value of sndMss.
     *
     * @return the effective send MSS (tcpi_snd_mss).
     */
    public int sndMss()
    {
        return sndMss;
    }

    /**
     * The value of rcvMss.
     *
     * @return the MSS this side announced (tcpi_advmss).
     */
    public int rcvMss()
    {
        return rcvMss;
    }

    /**
     * The value of sndWnd.
     *
     * @return the peer's window SND.WND, scaled, in bytes (tcpi_snd_wnd).
     */
    public long sndWnd()
    {
        return sndWnd;
    }

    /**
     * The value of rcvWnd.
     *
     * @return the window advertised to the peer, RCV.WND, in bytes (tcpi_rcv_wnd).
     */
    public int rcvWnd()
    {
        return rcvWnd;
    }

    /**
     * The value of bytesAcked.
     *
     * @return data bytes the peer acknowledged (tcpi_bytes_acked).
     */
    public long bytesAcked()
    {
        return bytesAcked;
    }

    /**
     * The value of bytesReceived.
     *
     * @return in-order data bytes received (tcpi_bytes_received).
     */
    public long bytesReceived()
    {
        return bytesReceived;
    }

    /**
     * The value of bytesWritten.
     *
     * @return data bytes the application wrote.
     */
    public long bytesWritten()
    {
        return bytesWritten;
    }

    /**
     * The value of unacked.
     *
     * @return sequence numbers sent and not acknowledged by the send queue (SND.NXT - SND.UNA).
     */
    public int unacked()
    {
        return unacked;
    }

    /**
     * The value of unsent.
     *
     * @return data bytes written and not sent yet (tcpi_notsent_bytes).
     */
    public int unsent()
    {
        return unsent;
    }

    /**
     * The value of readable.
     *
     * @return in-order bytes waiting to be read.
     */
    public int readable()
    {
        return readable;
    }

    /**
     * The value of windowScaling.
     *
     * @return whether window scaling was negotiated (TCPI_OPT_WSCALE).
     */
    public boolean windowScaling()
    {
        return windowScaling;
    }

    /**
     * The value of sndWscale.
     *
     * @return the peer's window shift (tcpi_snd_wscale), 0 without window scaling.
     */
    public int sndWscale()
    {
        return sndWscale;
    }

    /**
     * The value of rcvWscale.
     *
     * @return our window shift (tcpi_rcv_wscale), 0 without window scaling.
     */
    public int rcvWscale()
    {
        return rcvWscale;
    }

    /**
     * The value of sack.
     *
     * @return whether SACK was negotiated (TCPI_OPT_SACK).
     */
    public boolean sack()
    {
        return sack;
    }

    /**
     * The value of timestamps.
     *
     * @return whether timestamps were negotiated (TCPI_OPT_TIMESTAMPS).
     */
    public boolean timestamps()
    {
        return timestamps;
    }

    /**
     * The value of keepaliveProbes.
     *
     * @return keepalive probes sent and not yet answered (tcpi_probes).
     */
    public int keepaliveProbes()
    {
        return keepaliveProbes;
    }

    /**
     * The value of keepaliveProbesSent.
     *
     * @return keepalive probes sent over the connection's life.
     */
    public long keepaliveProbesSent()
    {
        return keepaliveProbesSent;
    }

    /**
     * The value of swsOverrides.
     *
     * @return partial segments the SWS override timeout sent.
     */
    public long swsOverrides()
    {
        return swsOverrides;
    }

    /**
     * The value of lastReceivedAgoNs.
     *
     * @return nanoseconds since the last segment arrived (tcpi_last_data_recv, any segment).
     */
    public long lastReceivedAgoNs()
    {
        return lastReceivedAgoNs;
    }

    /**
     * The value of dupAcks.
     *
     * @return duplicate ACKs counted now.
     */
    public int dupAcks()
    {
        return dupAcks;
    }

    /** Clears the view (a socket without a connection). */
    void clear()
    {
        state = TcpState.CLOSED;
        error = TcpError.NONE;
        srttNs = 0;
        rttvarNs = 0;
        rtoNs = 0;
        cwnd = 0;
        ssthresh = 0;
        retries = 0;
        totalRetransmits = 0;
        bytesInFlight = 0;
        sndMss = 0;
        rcvMss = 0;
        sndWnd = 0;
        rcvWnd = 0;
        bytesAcked = 0;
        bytesReceived = 0;
        bytesWritten = 0;
        unacked = 0;
        unsent = 0;
        readable = 0;
        windowScaling = false;
        sndWscale = 0;
        rcvWscale = 0;
        sack = false;
        timestamps = false;
        keepaliveProbes = 0;
        keepaliveProbesSent = 0;
        swsOverrides = 0;
        lastReceivedAgoNs = 0;
        dupAcks = 0;
    }

    @Override
    public String toString()
    {
        return "TcpInfo[" + state + (error != TcpError.NONE ? " " + error : "") + " srtt=" + srttNs / 1_000
            + "us rttvar=" + rttvarNs / 1_000 + "us rto=" + rtoNs / 1_000_000 + "ms cwnd=" + cwnd + " ssthresh="
            + ssthresh + " mss=" + sndMss + "/" + rcvMss + " wnd=" + sndWnd + "/" + rcvWnd + " inflight="
            + bytesInFlight + " retrans=" + totalRetransmits + " acked=" + bytesAcked + " received=" + bytesReceived
            + (windowScaling ? " ws=" + sndWscale + "/" + rcvWscale : "") + (sack ? " sack" : "")
            + (timestamps ? " ts" : "") + "]";
    }
}
