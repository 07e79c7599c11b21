package io.tachyon.icmp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import io.tachyon.counters.CounterFamily;
import io.tachyon.ipv4.IcmpErrorSender;
import io.tachyon.ipv4.Ipv4;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.ipv4.Ipv4Reassembly;
import io.tachyon.ipv4.TransportErrorListener;
import io.tachyon.ipv4.TransportInput;
import io.tachyon.link.Link;
import io.tachyon.time.Clock;
import io.tachyon.time.TokenBucket;
import io.tachyon.wire.IcmpFlyweight;
import io.tachyon.wire.InternetChecksum;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

/**
 * ICMP for one IPv4 interface (RFC 792, RFC 1122 §3.2.2).
 *
 * <h2>Echo</h2>
 * An echo request to our address is answered with an echo reply carrying the same identifier, sequence number and
 * data (RFC 1122 §3.2.2.6: "Every host MUST implement an ICMP Echo server function"). When the driver allows it
 * ({@code txFromRxFrame}), the request's own frame is turned into the reply in place: Ethernet and IP addresses
 * swapped, a fresh TTL and identification, type 0, and the ICMP checksum patched by RFC 1624's incremental update
 * (only the type changed). The reply goes back to the MAC address the request came from, with no ARP lookup. A
 * request with IP options, or one that arrived in fragments, is answered with a copy built through the normal output
 * path (without options: RFC 1122 §3.2.2.6 says record-route and timestamp options SHOULD be copied, which we do
 * not). Echo requests to a broadcast or multicast address are ignored by default, as Linux does
 * ({@code icmp_echo_ignore_broadcasts=1}); RFC 1122 §3.2.2.6 allows it: "An ICMP Echo Request destined to an IP
 * broadcast or IP multicast address MAY be silently discarded." {@link #ping} sends requests; replies go to the
 * {@link EchoListener}.
 *
 * <h2>Errors we send</h2>
 * {@link #sendError} builds destination unreachable, time exceeded and parameter problem messages quoting the
 * offending datagram's header and as much of its data as keeps the message within 576 bytes (RFC 1812 §4.3.2.3; RFC
 * 1122 requires at least 8 bytes). RFC 1122 §3.2.2: "An ICMP error message MUST NOT be sent as the result of
 * receiving: an ICMP error message, or a datagram destined to an IP broadcast or IP multicast address, or a
 * datagram sent as a link-layer broadcast, or a non-initial fragment, or a datagram whose source address does not
 * define a single host" — each is counted as {@link IcmpCounter#OUT_SUPPRESSED} (link-layer broadcasts carrying a
 * unicast destination never get this far: IPv4 drops them). A token bucket ({@code rate} per second, {@code burst}
 * deep) limits every error sent, as RFC 1812 §4.3.2.8 describes for routers and as Linux does for hosts
 * ({@code icmp_msgs_per_sec}, {@code icmp_msgs_burst}); those held back count as
 * {@link IcmpCounter#OUT_RATE_LIMITED}. Errors carry a zero TOS (RFC 1122 §3.2.2: "An ICMP error message SHOULD be
 * sent with normal (i.e., zero) TOS bits"). Reassembly timeouts become time exceeded, code 1, with the first
 * fragment's header and 8 bytes as the quote.
 *
 * <h2>Errors we receive</h2>
 * Destination unreachable, time exceeded and parameter problem must quote a whole IPv4 header plus 8 bytes whose
 * source is our address; the quote is handed to the transport (for UDP: the socket bound to the quoted source port,
 * see {@link TransportErrorListener}; for TCP: the connection of the quoted 4-tuple). Fragmentation needed also
 * lowers the path MTU estimate for the quoted destination (RFC 1191). Source quench is ignored (RFC 6633), as are redirects (one gateway) and timestamp
 * requests (RFC 1122 §3.2.2.8 makes them optional).
 * <p>
 * Threading: the stack thread only. Nothing allocates after construction.
 */
public final class Icmp implements TransportInput, IcmpErrorSender, Ipv4Reassembly.TimeoutListener
{
    /** The largest ICMP error message we send, IP header included (RFC 1812 §4.3.2.3). */
    public static final int MAX_ERROR_DATAGRAM = 576;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ICMP = Ipv4Flyweight.PROTOCOL_ICMP;
    /** RFC 1122 §3.2.2: "An ICMP error message SHOULD be sent with normal (i.e., zero) TOS bits." */
    private static final int ERROR_TOS = 0;

    private final Ipv4 ipv4;
    private final Link link;
    private final Clock clock;
    private final CounterFamily<IcmpCounter> counters;
    private final CounterFamily<Malformed> malformed;
    private final boolean ignoreBroadcastEchos;
    private final int ttl;
    private final int multicastTtl;
    private final TokenBucket bucket;
    private final IcmpFlyweight rxIcmp = new IcmpFlyweight();
    private final IcmpFlyweight txIcmp = new IcmpFlyweight();
    private final Ipv4Flyweight quoted = new Ipv4Flyweight();
    private final Ipv4Flyweight offending = new Ipv4Flyweight();

    private EchoListener echoListener;
    private TransportErrorListener udpErrors;
    private TransportErrorListener tcpErrors;

    /**
     * ICMP over an IPv4 layer.
     *
     * @param ipv4                 the IPv4 layer (output, addresses, path MTU).
     * @param clock                the clock (for errors raised from timers).
     * @param counters             the ICMP counters.
     * @param malformed            the per-reason malformed counters.
     * @param errorRatePerSecond   the error token bucket's refill rate.
     * @param errorBurst           the error token bucket's depth.
     * @param ignoreBroadcastEchos whether echo requests to broadcast or multicast addresses are ignored.
     * @param ttl                  the TTL of what we send.
     * @param multicastTtl         the TTL of echo requests to multicast groups.
     */
    public Icmp(final Ipv4 ipv4, final Clock clock, final CounterFamily<IcmpCounter> counters,
        final CounterFamily<Malformed> malformed, final int errorRatePerSecond, final int errorBurst,
        final boolean ignoreBroadcastEchos, final int ttl, final int multicastTtl)
    {
        this.ipv4 = Objects.requireNonNull(ipv4, "ipv4");
        this.link = ipv4.link();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.malformed = Objects.requireNonNull(malformed, "malformed");
        if (errorRatePerSecond < 1 || errorBurst < 1)
        {
            throw new IllegalArgumentException("ICMP error rate " + errorRatePerSecond + "/s and burst " + errorBurst
                + " must both be >= 1");
        }
        this.ignoreBroadcastEchos = ignoreBroadcastEchos;
        this.ttl = ttl;
        this.multicastTtl = multicastTtl;
        bucket = new TokenBucket(errorRatePerSecond, errorBurst);
    }

    /**
     * Sets who hears echo replies.
     *
     * @param listener the listener, or null.
     */
    public void echoListener(final EchoListener listener)
    {
        echoListener = listener;
    }

    /**
     * Sets who hears errors about our UDP datagrams.
     *
     * @param listener the UDP layer, or null.
     */
    public void udpErrors(final TransportErrorListener listener)
    {
        udpErrors = listener;
    }

    /**
     * Sets who hears errors about our TCP segments (RFC 9293 §3.9.2.2 MUST-54).
     *
     * @param listener the TCP layer, or null.
     */
    public void tcpErrors(final TransportErrorListener listener)
    {
        tcpErrors = listener;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Echo
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Sends an echo request.
     *
     * @param destination whom to ping.
     * @param identifier  the echo identifier, {@code [0, 65535]}.
     * @param sequence    the sequence number, {@code [0, 65535]}.
     * @param data        the memory holding the data to echo.
     * @param offset      where the data starts.
     * @param length      the data length, {@code [0, 65507]}.
     * @param nowNs       the current time.
     * @return {@link Ipv4#OK}, {@link Ipv4#NO_ROUTE} or {@link Ipv4#NO_BUFFER}.
     * @throws IllegalArgumentException for an identifier, sequence or length out of range.
     */
    public int ping(final int destination, final int identifier, final int sequence, final MemorySegment data,
        final long offset, final int length, final long nowNs)
    {
        if ((identifier & ~0xFFFF) != 0 || (sequence & ~0xFFFF) != 0)
        {
            throw new IllegalArgumentException("echo identifier " + identifier + " and sequence " + sequence
                + " must be in [0, 65535]");
        }
        if (length < 0 || length > Ipv4.MAX_DATAGRAM - 28)
        {
            throw new IllegalArgumentException("echo data of " + length + " bytes does not fit a datagram (at most "
                + (Ipv4.MAX_DATAGRAM - 28) + ")");
        }
        final int status = ipv4.prepare(destination, ICMP, IcmpFlyweight.HEADER_LENGTH + length,
            Ipv4Address.isMulticast(destination) ? multicastTtl : ttl, 0, 0, nowNs);
        if (status != Ipv4.OK)
        {
            if (status == Ipv4.NO_BUFFER)
            {
                counters.increment(IcmpCounter.OUT_ERRORS);
            }
            return status;
        }
        final MemorySegment segment = ipv4.segment();
        final long at = ipv4.l4Offset();
        if (length > 0)
        {
            MemorySegment.copy(data, offset, segment, at + IcmpFlyweight.HEADER_LENGTH, length);
        }
        txIcmp.wrapForWrite(segment, at, IcmpFlyweight.HEADER_LENGTH + length)
            .type(IcmpFlyweight.TYPE_ECHO_REQUEST).code(0).checksum(0).identifier(identifier)
            .sequenceNumber(sequence).updateChecksum();
        counters.increment(IcmpCounter.OUT_MSGS);
        counters.increment(IcmpCounter.OUT_ECHOS);
        return ipv4.commit(nowNs);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Input
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public boolean onDatagram(final Ipv4Flyweight ip, final int rxFlags, final int rxIndex,
        final int destinationClass, final long nowNs)
    {
        counters.increment(IcmpCounter.IN_MSGS);
        final IcmpFlyweight icmp = rxIcmp;
        final Malformed result = icmp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength());
        if (result != Malformed.OK)
        {
            malformed.increment(result);
            counters.increment(IcmpCounter.IN_ERRORS);
            return false;
        }
        if (!icmp.verifyChecksum())
        {
            counters.increment(IcmpCounter.IN_CSUM_ERRORS);
            counters.increment(IcmpCounter.IN_ERRORS);
            return false;
        }
        final int type = icmp.type();
        switch (type)
        {
            case IcmpFlyweight.TYPE_ECHO_REQUEST:
                counters.increment(IcmpCounter.IN_ECHOS);
                return echoRequest(ip, icmp, rxIndex, destinationClass, nowNs);
            case IcmpFlyweight.TYPE_ECHO_REPLY:
                counters.increment(IcmpCounter.IN_ECHO_REPS);
                echoReply(ip, icmp, nowNs);
                return true;
            case IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE:
                counters.increment(IcmpCounter.IN_DEST_UNREACHS);
                return error(icmp, nowNs);
            case IcmpFlyweight.TYPE_TIME_EXCEEDED:
                counters.increment(IcmpCounter.IN_TIME_EXCDS);
                return error(icmp, nowNs);
            case IcmpFlyweight.TYPE_PARAMETER_PROBLEM:
                counters.increment(IcmpCounter.IN_PARM_PROBS);
                return error(icmp, nowNs);
            case IcmpFlyweight.TYPE_SOURCE_QUENCH:
                counters.increment(IcmpCounter.IN_SRC_QUENCHS);
                return true;
            case IcmpFlyweight.TYPE_REDIRECT:
                counters.increment(IcmpCounter.IN_REDIRECTS);
                return true;
            case IcmpFlyweight.TYPE_TIMESTAMP:
                counters.increment(IcmpCounter.IN_TIMESTAMPS);
                return true;
            case IcmpFlyweight.TYPE_TIMESTAMP_REPLY:
                counters.increment(IcmpCounter.IN_TIMESTAMP_REPS);
                return true;
            default:
                counters.increment(IcmpCounter.IN_OTHER_TYPES);
                return true;
        }
    }

    private boolean echoRequest(final Ipv4Flyweight ip, final IcmpFlyweight icmp, final int rxIndex,
        final int destinationClass, final long nowNs)
    {
        if (destinationClass != Ipv4.UNICAST && ignoreBroadcastEchos)
        {
            counters.increment(IcmpCounter.IN_ECHO_BCAST_IGNORED);
            return true;
        }
        final int requester = ip.source();
        if (!ipv4.isUnicastPeer(requester))
        {
            return true;
        }
        final int icmpLength = icmp.length();
        if (rxIndex >= 0 && destinationClass == Ipv4.UNICAST && ip.headerLength() == Ipv4Flyweight.MIN_HEADER_LENGTH
            && link.capabilities().txFromRxFrame())
        {
            final int oldTypeCode = IcmpFlyweight.TYPE_ECHO_REQUEST << 8 | icmp.code();
            final int newTypeCode = IcmpFlyweight.TYPE_ECHO_REPLY << 8 | icmp.code();
            icmp.type(IcmpFlyweight.TYPE_ECHO_REPLY)
                .checksum(patched(icmp, InternetChecksum.update16(icmp.checksum(), oldTypeCode, newTypeCode)));
            ip.source(ipv4.address()).destination(requester).ttl(ttl).identification(ipv4.nextIdentification())
                .flagsAndFragmentOffset(0).headerChecksum(0).updateHeaderChecksum();
            if (!link.transmitReceived(rxIndex, Link.HEADER_LENGTH + ip.totalLength()))
            {
                counters.increment(IcmpCounter.OUT_ERRORS);
                return true;
            }
            ipv4.sentInPlace();
            counters.increment(IcmpCounter.OUT_MSGS);
            counters.increment(IcmpCounter.OUT_ECHO_REPS);
            counters.increment(IcmpCounter.OUT_ECHO_REPS_IN_PLACE);
            return true;
        }
        final int status = ipv4.prepare(requester, ICMP, icmpLength, ttl, ip.tos(), 0, nowNs);
        if (status != Ipv4.OK)
        {
            counters.increment(IcmpCounter.OUT_ERRORS);
            return true;
        }
        final MemorySegment segment = ipv4.segment();
        final long at = ipv4.l4Offset();
        MemorySegment.copy(icmp.segment(), icmp.offset(), segment, at, icmpLength);
        final int typeCode = icmp.code();
        txIcmp.wrapForWrite(segment, at, icmpLength).type(IcmpFlyweight.TYPE_ECHO_REPLY);
        txIcmp.checksum(patched(txIcmp, InternetChecksum.update16(icmp.checksum(),
            IcmpFlyweight.TYPE_ECHO_REQUEST << 8 | typeCode, typeCode)));
        counters.increment(IcmpCounter.OUT_MSGS);
        counters.increment(IcmpCounter.OUT_ECHO_REPS);
        if (ipv4.commit(nowNs) != Ipv4.OK)
        {
            counters.increment(IcmpCounter.OUT_ERRORS);
        }
        return true;
    }

    /**
     * An incrementally updated checksum of 0 is ambiguous (RFC 1624 eqn. 3 cannot tell whether the rest of the
     * message sums to +0 or -0): an all-zero echo (identifier, sequence and data 0) needs 0xFFFF. Recomputed then.
     */
    private static int patched(final IcmpFlyweight message, final int checksum)
    {
        return checksum != 0 ? checksum : message.computeChecksum();
    }

    private void echoReply(final Ipv4Flyweight ip, final IcmpFlyweight icmp, final long nowNs)
    {
        final EchoListener listener = echoListener;
        if (listener == null)
        {
            return;
        }
        try
        {
            listener.onEchoReply(ip.source(), icmp.identifier(), icmp.sequenceNumber(), icmp.segment(),
                icmp.dataOffset(), icmp.dataLength(), nowNs);
        }
        catch (final RuntimeException ex)
        {
            counters.increment(IcmpCounter.HANDLER_ERRORS);
        }
    }

    private boolean error(final IcmpFlyweight icmp, final long nowNs)
    {
        if (!icmp.hasCompleteQuote())
        {
            counters.increment(IcmpCounter.IN_ERRORS);
            return false;
        }
        final Malformed result = quoted.wrap(icmp.segment(), icmp.dataOffset(), icmp.dataLength());
        if ((result != Malformed.OK && result != Malformed.IPV4_PAYLOAD_TRUNCATED)
            || quoted.source() != ipv4.address())
        {
            counters.increment(IcmpCounter.IN_ERRORS_UNMATCHED);
            return true;
        }
        final int type = icmp.type();
        int info = 0;
        if (icmp.isFragmentationNeeded())
        {
            ipv4.fragmentationNeeded(quoted.destination(), icmp.nextHopMtu(), quoted.totalLength(), nowNs);
            info = ipv4.pathMtuCache().mtu(quoted.destination(), ipv4.linkMtu(), nowNs);
        }
        else if (type == IcmpFlyweight.TYPE_PARAMETER_PROBLEM)
        {
            info = icmp.restOfHeader() >>> 24;
        }
        final TransportErrorListener listener = quoted.protocol() == Ipv4Flyweight.PROTOCOL_UDP ? udpErrors
            : quoted.protocol() == Ipv4Flyweight.PROTOCOL_TCP ? tcpErrors : null;
        if (listener != null && listener.onError(TransportErrorListener.ORIGIN_ICMP, type, icmp.code(), info,
            quoted))
        {
            counters.increment(IcmpCounter.IN_ERRORS_DELIVERED);
        }
        else
        {
            counters.increment(IcmpCounter.IN_ERRORS_UNMATCHED);
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Errors we send
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public boolean sendError(final int type, final int code, final int info, final MemorySegment segment,
        final long offset, final int length, final int destinationClass, final long nowNs)
    {
        if (destinationClass != Ipv4.UNICAST || !mayQuote(segment, offset, length))
        {
            counters.increment(IcmpCounter.OUT_SUPPRESSED);
            return false;
        }
        if (!bucket.tryTake(nowNs))
        {
            counters.increment(IcmpCounter.OUT_RATE_LIMITED);
            return false;
        }
        final Ipv4Flyweight bad = offending;
        final int available = Math.min(bad.totalLength(), length);
        final int minimum = Math.min(available, bad.headerLength() + 8);
        final int room = Math.min(MAX_ERROR_DATAGRAM, ipv4.linkMtu()) - Ipv4Flyweight.MIN_HEADER_LENGTH
            - IcmpFlyweight.HEADER_LENGTH;
        final int quote = Math.max(minimum, Math.min(available, room));
        final int status = ipv4.prepare(bad.source(), ICMP, IcmpFlyweight.HEADER_LENGTH + quote, ttl,
            ERROR_TOS, 0, nowNs);
        if (status != Ipv4.OK)
        {
            counters.increment(IcmpCounter.OUT_ERRORS);
            return false;
        }
        final MemorySegment out = ipv4.segment();
        final long at = ipv4.l4Offset();
        MemorySegment.copy(segment, offset, out, at + IcmpFlyweight.HEADER_LENGTH, quote);
        final int rest;
        if (type == IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE && code == IcmpFlyweight.CODE_FRAGMENTATION_NEEDED)
        {
            rest = info & 0xFFFF;
        }
        else if (type == IcmpFlyweight.TYPE_PARAMETER_PROBLEM)
        {
            rest = (info & 0xFF) << 24;
        }
        else
        {
            rest = 0;
        }
        txIcmp.wrapForWrite(out, at, IcmpFlyweight.HEADER_LENGTH + quote).type(type).code(code).checksum(0)
            .restOfHeader(rest).updateChecksum();
        counters.increment(IcmpCounter.OUT_MSGS);
        counters.increment(type == IcmpFlyweight.TYPE_TIME_EXCEEDED ? IcmpCounter.OUT_TIME_EXCDS
            : IcmpCounter.OUT_DEST_UNREACHS);
        if (ipv4.commit(nowNs) != Ipv4.OK)
        {
            counters.increment(IcmpCounter.OUT_ERRORS);
            return false;
        }
        return true;
    }

    /**
     * RFC 1122 §3.2.2's source, fragment and ICMP-error rules; wraps {@link #offending} on the datagram.
     */
    private boolean mayQuote(final MemorySegment segment, final long offset, final int length)
    {
        final Ipv4Flyweight bad = offending;
        final Malformed result = bad.wrap(segment, offset, length);
        if (result != Malformed.OK && result != Malformed.IPV4_PAYLOAD_TRUNCATED)
        {
            return false;
        }
        if (!ipv4.isUnicastPeer(bad.source()) || bad.fragmentOffset() != 0)
        {
            return false;
        }
        if (bad.protocol() == ICMP)
        {
            if (bad.availablePayloadLength() < 1)
            {
                return false;
            }
            final int innerType = segment.get(ValueLayout.JAVA_BYTE, bad.payloadOffset()) & 0xFF;
            return isInformational(innerType);
        }
        return true;
    }

    /** Query types (RFC 792, RFC 950): errors may be sent about them; about anything else (errors, unknown), not. */
    private static boolean isInformational(final int type)
    {
        return type == IcmpFlyweight.TYPE_ECHO_REPLY || type == IcmpFlyweight.TYPE_ECHO_REQUEST
            || type == IcmpFlyweight.TYPE_TIMESTAMP || type == IcmpFlyweight.TYPE_TIMESTAMP_REPLY
            || (type >= 15 && type <= 18);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Sends time exceeded, code 1 (fragment reassembly time exceeded), quoting the first fragment.
     */
    @Override
    public void reassemblyTimedOut(final MemorySegment segment, final long offset, final int length)
    {
        final int destination = segment.get(U32, offset + Ipv4Flyweight.DESTINATION_OFFSET);
        sendError(IcmpFlyweight.TYPE_TIME_EXCEEDED, IcmpFlyweight.CODE_REASSEMBLY_TIME_EXCEEDED, 0, segment, offset,
            length, ipv4.destinationClass(destination), clock.nanoTime());
    }
}
