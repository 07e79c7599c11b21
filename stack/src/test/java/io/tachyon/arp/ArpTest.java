package io.tachyon.arp;

import static io.tachyon.arp.ArpTestSupport.BROADCAST;
import static io.tachyon.arp.ArpTestSupport.OTHER_IP;
import static io.tachyon.arp.ArpTestSupport.OTHER_MAC;
import static io.tachyon.arp.ArpTestSupport.OUR_IP;
import static io.tachyon.arp.ArpTestSupport.OUR_MAC;
import static io.tachyon.arp.ArpTestSupport.PEER_IP;
import static io.tachyon.arp.ArpTestSupport.PEER_MAC;
import static io.tachyon.arp.ArpTestSupport.REPLY;
import static io.tachyon.arp.ArpTestSupport.REQUEST;
import static io.tachyon.arp.ArpTestSupport.SECOND;
import static io.tachyon.arp.ArpTestSupport.arpFrame;
import static io.tachyon.arp.ArpTestSupport.deliver;
import static io.tachyon.arp.ArpTestSupport.destinationOf;
import static io.tachyon.arp.ArpTestSupport.hex;
import static io.tachyon.arp.ArpTestSupport.ip;
import static io.tachyon.arp.ArpTestSupport.payloadFrame;
import static io.tachyon.arp.ArpTestSupport.replyToUs;
import static io.tachyon.arp.ArpTestSupport.request;
import static io.tachyon.arp.ArpTestSupport.sequenceOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.tachyon.time.VirtualClock;

/** The rules of {@link Arp}, one by one, with exact frames on a virtual clock. */
class ArpTest
{
    /** The request our ARP broadcasts to resolve PEER_IP (192.168.1.2), padded to 60 bytes. */
    private static final String REQUEST_FOR_PEER = """
        ffffffffffff 020000000001 0806
        0001 0800 06 04 0001 020000000001 c0a80101 000000000000 c0a80102
        000000000000000000000000000000000000""";

    private final VirtualClock clock = new VirtualClock();
    private ArpTestSupport.RecordingOutput out;
    private Arp arp;

    @BeforeEach
    void setUp()
    {
        out = new ArpTestSupport.RecordingOutput();
        arp = new Arp(ArpConfig.of(OUR_MAC, OUR_IP), out);
    }

    private long now()
    {
        return clock.nanoTime();
    }

    private void advanceAndPoll(final long ns)
    {
        clock.advance(ns);
        arp.poll(now());
    }

    // ------------------------------------------------------------------------------------------------ receive

    @Test
    void shouldAnswerRequestForOurAddressWithByteExactReply()
    {
        deliver(arp, request(PEER_MAC, PEER_IP, OUR_IP), now());

        assertEquals(1, out.frames.size());
        assertEquals(hex(ArpTestSupport.hex("""
            020000000002 020000000001 0806
            0001 0800 06 04 0002 020000000001 c0a80101 020000000002 c0a80102
            000000000000000000000000000000000000""")), hex(out.last()));
        assertEquals(1, arp.counter(ArpCounter.RX_REQUESTS));
        assertEquals(1, arp.counter(ArpCounter.TX_REPLIES));
        // RFC 826: we are the target, so the sender is added; a request only proves it can reach us: STALE.
        assertEquals(ArpState.STALE, arp.state(PEER_IP));
        assertEquals(PEER_MAC, arp.peek(PEER_IP));
        assertEquals(1, arp.counter(ArpCounter.ENTRIES_CREATED));
    }

    @Test
    void shouldCreateReachableEntryFromReplyForUs()
    {
        deliver(arp, replyToUs(PEER_MAC, PEER_IP), now());

        assertEquals(ArpState.REACHABLE, arp.state(PEER_IP));
        assertEquals(1, arp.counter(ArpCounter.RX_REPLIES));
        assertEquals(0, out.frames.size(), "a reply is not answered");
    }

    @Test
    void shouldNotCreateEntriesOrAnswerForOtherTargets()
    {
        for (int i = 0; i < 2000; i++)
        {
            final int sender = ip("10.0.0.0") + i + 1;
            final int target = ip("10.1.0.0") + i + 1;
            deliver(arp, request(0x0200_0000_0000L + i + 16, sender, target), now());
            deliver(arp, arpFrame(BROADCAST, 0x0200_0000_0000L + i + 16, REPLY, 0x0200_0000_0000L + i + 16, sender,
                0x0200_0000_0009L, target), now());
        }
        assertEquals(0, arp.size(), "a flood for other targets cannot grow the table");
        assertEquals(4000, arp.counter(ArpCounter.RX_NOT_FOR_US));
        assertEquals(0, out.frames.size());
        assertEquals(0, arp.counter(ArpCounter.ENTRIES_CREATED));
    }

    @Test
    void shouldMergeSenderOfPacketForOtherTargetIntoExistingEntry()
    {
        deliver(arp, replyToUs(PEER_MAC, PEER_IP), now());
        assertEquals(ArpState.REACHABLE, arp.state(PEER_IP));

        // Same MAC, other target: updated (counted) but the state stays.
        deliver(arp, request(PEER_MAC, PEER_IP, OTHER_IP), now());
        assertEquals(ArpState.REACHABLE, arp.state(PEER_IP));
        assertEquals(2, arp.counter(ArpCounter.ENTRIES_UPDATED) + arp.counter(ArpCounter.ENTRIES_CREATED));

        // New MAC, other target: RFC 826 updates the hardware address; unconfirmed, so STALE.
        deliver(arp, request(OTHER_MAC, PEER_IP, OTHER_IP), now());
        assertEquals(OTHER_MAC, arp.peek(PEER_IP));
        assertEquals(ArpState.STALE, arp.state(PEER_IP));
        assertEquals(1, arp.counter(ArpCounter.ENTRIES_MAC_CHANGED));
        assertEquals(0, out.frames.size(), "nothing answered for other targets");
        assertEquals(1, arp.size());
    }

    @Test
    void shouldUpdateButNeverCreateFromGratuitousArp()
    {
        deliver(arp, request(PEER_MAC, PEER_IP, PEER_IP), now());
        deliver(arp, arpFrame(BROADCAST, PEER_MAC, REPLY, PEER_MAC, PEER_IP, BROADCAST, PEER_IP), now());
        assertEquals(ArpState.NONE, arp.state(PEER_IP), "gratuitous ARP does not create entries");
        assertEquals(2, arp.counter(ArpCounter.RX_GRATUITOUS));

        deliver(arp, replyToUs(PEER_MAC, PEER_IP), now());
        deliver(arp, request(OTHER_MAC, PEER_IP, PEER_IP), now());
        assertEquals(OTHER_MAC, arp.peek(PEER_IP), "gratuitous ARP updates an existing entry");
        assertEquals(ArpState.STALE, arp.state(PEER_IP));
        assertEquals(0, out.frames.size(), "gratuitous ARP is not answered");
    }

    @Test
    void shouldNeverChangeStaticEntries()
    {
        arp = new Arp(ArpConfig.of(OUR_MAC, OUR_IP)
            .withStaticEntries(List.of(new ArpConfig.StaticEntry(PEER_IP, PEER_MAC))), out);
        assertEquals(ArpState.STATIC, arp.state(PEER_IP));

        deliver(arp, request(OTHER_MAC, PEER_IP, OUR_IP), now());
        deliver(arp, replyToUs(OTHER_MAC, PEER_IP), now());
        deliver(arp, request(OTHER_MAC, PEER_IP, PEER_IP), now());
        assertEquals(PEER_MAC, arp.peek(PEER_IP));
        assertEquals(ArpState.STATIC, arp.state(PEER_IP));
        assertEquals(3, arp.counter(ArpCounter.RX_STATIC_PROTECTED));
        assertEquals(1, out.frames.size(), "the request for us is still answered");
        assertEquals(OTHER_MAC, destinationOf(out.last()), "the reply goes to the requester's hardware address");

        advanceAndPoll(1000 * SECOND);
        assertEquals(ArpState.STATIC, arp.state(PEER_IP), "static entries never age");
        assertEquals(PEER_MAC, arp.resolve(PEER_IP, now()));
        assertEquals(1, out.frames.size(), "resolving a static entry sends nothing");
    }

    @Test
    void shouldNeverEvictStaticEntries()
    {
        arp = new Arp(ArpConfig.of(OUR_MAC, OUR_IP).withCapacity(4)
            .withStaticEntries(List.of(new ArpConfig.StaticEntry(PEER_IP, PEER_MAC))), out);
        // Three STALE entries learnt from requests for us fill the table.
        for (int i = 10; i < 13; i++)
        {
            deliver(arp, request(0x0200_0000_0100L + i, ip("192.168.1." + i), OUR_IP), now() + i);
        }
        assertEquals(4, arp.size());
        // A fourth resolution evicts the least recently used STALE entry, never the static one.
        arp.resolve(ip("192.168.1.20"), now() + 100);
        assertEquals(4, arp.size());
        assertEquals(1, arp.counter(ArpCounter.ENTRIES_EVICTED));
        assertEquals(ArpState.NONE, arp.state(ip("192.168.1.10")));
        assertEquals(ArpState.STATIC, arp.state(PEER_IP));
        // With only INCOMPLETE and static entries left, nothing can be evicted: refused and counted.
        arp.resolve(ip("192.168.1.21"), now() + 101);
        arp.resolve(ip("192.168.1.22"), now() + 102);
        arp.resolve(ip("192.168.1.23"), now() + 103);
        assertEquals(4, arp.size());
        assertEquals(1, arp.counter(ArpCounter.TABLE_FULL));
        assertEquals(ArpState.STATIC, arp.state(PEER_IP));
        assertEquals(ArpState.NONE, arp.state(ip("192.168.1.23")));
        arp.verify();
    }

    @Test
    void shouldPreferEvictingFailedEntries()
    {
        arp = new Arp(ArpConfig.of(OUR_MAC, OUR_IP).withCapacity(3), out);
        deliver(arp, request(PEER_MAC, PEER_IP, OUR_IP), now());          // STALE, oldest
        arp.resolve(ip("192.168.1.50"), now());
        advanceAndPoll(SECOND);
        advanceAndPoll(SECOND);
        advanceAndPoll(SECOND);
        assertEquals(ArpState.FAILED, arp.state(ip("192.168.1.50")));
        deliver(arp, request(OTHER_MAC, OTHER_IP, OUR_IP), now());        // STALE, newest
        assertEquals(3, arp.size());
        arp.resolve(ip("192.168.1.60"), now());
        assertEquals(ArpState.NONE, arp.state(ip("192.168.1.50")), "FAILED goes first");
        assertEquals(ArpState.STALE, arp.state(PEER_IP));
        arp.resolve(ip("192.168.1.61"), now());
        assertEquals(ArpState.NONE, arp.state(PEER_IP), "then the least recently used STALE entry");
        assertEquals(ArpState.STALE, arp.state(OTHER_IP));
        arp.verify();
    }

    @Test
    void shouldCountAndDefendConflicts()
    {
        final byte[] claim = arpFrame(BROADCAST, OTHER_MAC, REQUEST, OTHER_MAC, OUR_IP, 0, OUR_IP);
        deliver(arp, claim, now());

        assertEquals(1, arp.counter(ArpCounter.CONFLICTS));
        assertEquals(List.of(OTHER_MAC), out.conflicts);
        assertEquals(ArpState.NONE, arp.state(OUR_IP));
        // RFC 5227 §2.4 (b): one ARP announcement defends the address.
        assertEquals(1, out.frames.size());
        assertArrayEquals(arpFrame(BROADCAST, OUR_MAC, REQUEST, OUR_MAC, OUR_IP, 0, OUR_IP), out.last());
        assertEquals(1, arp.counter(ArpCounter.TX_DEFENCES));

        // Within DEFEND_INTERVAL (10 s) no second defence; after it, again.
        clock.advance(10 * SECOND - 1);
        deliver(arp, arpFrame(OUR_MAC, OTHER_MAC, REPLY, OTHER_MAC, OUR_IP, OUR_MAC, OUR_IP), now());
        assertEquals(2, arp.counter(ArpCounter.CONFLICTS));
        assertEquals(1, arp.counter(ArpCounter.DEFENCES_SUPPRESSED));
        assertEquals(1, out.frames.size());
        clock.advance(1);
        deliver(arp, claim, now());
        assertEquals(2, arp.counter(ArpCounter.TX_DEFENCES));
        assertEquals(2, out.frames.size());
        // A request "for us" from the conflicting host is not answered.
        deliver(arp, arpFrame(BROADCAST, OTHER_MAC, REQUEST, OTHER_MAC, OUR_IP, 0, OUR_IP), now());
        assertEquals(0, arp.counter(ArpCounter.TX_REPLIES));
    }

    @Test
    void shouldAnswerProbeForOurAddressWithoutLearning()
    {
        // RFC 5227 probe: sender IP 0.0.0.0.
        deliver(arp, arpFrame(BROADCAST, OTHER_MAC, REQUEST, OTHER_MAC, 0, 0, OUR_IP), now());
        assertEquals(1, arp.counter(ArpCounter.RX_PROBES));
        assertEquals(0, arp.size());
        assertArrayEquals(arpFrame(OTHER_MAC, OUR_MAC, REPLY, OUR_MAC, OUR_IP, OTHER_MAC, 0), out.last());
        // A probe for someone else is ignored.
        deliver(arp, arpFrame(BROADCAST, OTHER_MAC, REQUEST, OTHER_MAC, 0, 0, PEER_IP), now());
        assertEquals(1, out.frames.size());
    }

    @Test
    void shouldDropBadPacketsWithCounters()
    {
        final byte[] unknownOp = request(PEER_MAC, PEER_IP, OUR_IP);
        unknownOp[21] = 3;
        deliver(arp, unknownOp, now());
        deliver(arp, request(OUR_MAC, PEER_IP, OUR_IP), now());
        deliver(arp, request(0x0100_5E00_0001L, PEER_IP, OUR_IP), now());
        deliver(arp, request(0, PEER_IP, OUR_IP), now());
        deliver(arp, request(PEER_MAC, ip("224.0.0.1"), OUR_IP), now());
        deliver(arp, request(PEER_MAC, ip("127.0.0.1"), OUR_IP), now());
        deliver(arp, request(PEER_MAC, ip("255.255.255.255"), OUR_IP), now());
        deliver(arp, request(PEER_MAC, PEER_IP, ip("127.0.0.1")), now());
        deliver(arp, request(PEER_MAC, PEER_IP, ip("239.1.1.1")), now());

        assertEquals(1, arp.counter(ArpCounter.RX_UNKNOWN_OPERATION));
        assertEquals(1, arp.counter(ArpCounter.RX_OWN_MAC));
        assertEquals(2, arp.counter(ArpCounter.RX_BAD_SENDER_MAC));
        assertEquals(3, arp.counter(ArpCounter.RX_BAD_SENDER_ADDRESS));
        assertEquals(2, arp.counter(ArpCounter.RX_BAD_TARGET_ADDRESS));
        assertEquals(0, arp.size());
        assertEquals(0, out.frames.size());

        // A flyweight that is not Ethernet/IPv4 (the dissector would have refused it) is counted, not trusted.
        final io.tachyon.wire.ArpFlyweight raw = new io.tachyon.wire.ArpFlyweight();
        final byte[] bytes = request(PEER_MAC, PEER_IP, OUR_IP);
        bytes[15] = 6;
        raw.wrap(MemorySegment.ofArray(bytes), 14, 46);
        arp.onArp(raw, now());
        assertEquals(1, arp.counter(ArpCounter.RX_MALFORMED));
    }

    @Test
    void shouldCountRepliesTheOutputRefuses()
    {
        out.refuse = true;
        deliver(arp, request(PEER_MAC, PEER_IP, OUR_IP), now());
        assertEquals(1, arp.counter(ArpCounter.TX_DROPPED));
        assertEquals(0, arp.counter(ArpCounter.TX_REPLIES));
    }

    // --------------------------------------------------------------------------------------------- resolution

    @Test
    void shouldRetryEverySecondThreeTimesThenFail()
    {
        final byte[] packet = payloadFrame(7, 100);
        assertEquals(Arp.NO_MAC, arp.resolve(PEER_IP, now()));
        assertTrue(arp.enqueue(PEER_IP, MemorySegment.ofArray(packet), 0, packet.length, now()));
        assertEquals(ArpState.INCOMPLETE, arp.state(PEER_IP));
        assertEquals(1, out.frames.size());
        assertEquals(hex(ArpTestSupport.hex(REQUEST_FOR_PEER)), hex(out.last()));
        assertEquals(now() + SECOND, arp.nextDeadlineNs());

        clock.advance(SECOND - 1);
        assertEquals(0, arp.poll(now()));
        assertEquals(1, out.frames.size());
        advanceAndPoll(1);
        assertEquals(2, out.frames.size());
        assertEquals(hex(ArpTestSupport.hex(REQUEST_FOR_PEER)), hex(out.last()));
        advanceAndPoll(SECOND);
        assertEquals(3, out.frames.size());
        assertEquals(ArpState.INCOMPLETE, arp.state(PEER_IP));
        assertTrue(out.unresolvedFrames.isEmpty());

        advanceAndPoll(SECOND);
        assertEquals(3, out.frames.size(), "three requests, then FAILED");
        assertEquals(ArpState.FAILED, arp.state(PEER_IP));
        assertEquals(3, arp.counter(ArpCounter.TX_REQUESTS));
        assertEquals(1, arp.counter(ArpCounter.ENTRIES_FAILED));
        assertEquals(List.of(PEER_IP), out.unresolvedAddresses, "the pending packet is reported for ICMP");
        assertArrayEquals(packet, out.unresolvedFrames.getFirst());
        assertEquals(1, arp.counter(ArpCounter.PENDING_DROPPED_UNRESOLVED));
        assertEquals(0, arp.pendingFrames());

        // Hold-down: no requests, packets dropped at once and reported.
        assertEquals(Arp.NO_MAC, arp.resolve(PEER_IP, now()));
        assertFalse(arp.enqueue(PEER_IP, MemorySegment.ofArray(packet), 0, packet.length, now()));
        assertEquals(2, out.unresolvedAddresses.size());
        assertEquals(1, arp.counter(ArpCounter.RESOLVE_FAILED));
        assertEquals(3, out.frames.size());
        clock.advance(5 * SECOND - 1);
        arp.poll(now());
        assertEquals(ArpState.FAILED, arp.state(PEER_IP));
        advanceAndPoll(1);
        assertEquals(ArpState.NONE, arp.state(PEER_IP), "hold-down over, entry freed");
        assertEquals(Arp.NO_DEADLINE, arp.nextDeadlineNs());

        arp.resolve(PEER_IP, now());
        assertEquals(4, out.frames.size(), "a new resolution starts after the hold-down");
        arp.verify();
    }

    @Test
    void shouldHoldRateLimitUnderResolutionStorm()
    {
        arp = new Arp(ArpConfig.of(OUR_MAC, OUR_IP).withCapacity(65_536).withRequestRate(10, 5), out);
        final long start = now();
        int resolved = 0;
        // 20 000 distinct addresses over 10 s (one every 0.5 ms), timers polled every step.
        for (int i = 0; i < 20_000; i++)
        {
            arp.resolve(ip("10.0.0.0") + i + 1, now());
            resolved++;
            advanceAndPoll(500_000);
            final long elapsed = now() - start;
            final long allowed = 5 + elapsed * 10 / SECOND;
            assertTrue(arp.counter(ArpCounter.TX_REQUESTS) <= allowed,
                "sent " + arp.counter(ArpCounter.TX_REQUESTS) + " requests in " + elapsed + " ns");
        }
        assertEquals(20_000, resolved);
        assertEquals(5 + 10 * 10, arp.counter(ArpCounter.TX_REQUESTS), "burst + rate x 10 s, used to the token");
        assertEquals(out.frames.size(), arp.counter(ArpCounter.TX_REQUESTS));
        assertTrue(arp.counter(ArpCounter.REQUESTS_RATE_LIMITED) > 40_000);
        arp.verify();
    }

    @Test
    void shouldDropOldestPendingPacketAndFlushInOrderWithResolvedMac()
    {
        for (int i = 1; i <= 5; i++)
        {
            final byte[] packet = payloadFrame(i, 64 + i);
            assertTrue(arp.enqueue(PEER_IP, MemorySegment.ofArray(packet), 0, packet.length, now()));
        }
        assertEquals(3, arp.pendingCount(PEER_IP));
        assertEquals(2, arp.counter(ArpCounter.PENDING_DROPPED_OVERFLOW));
        assertEquals(67 + 68 + 69, arp.pendingBytes());
        assertEquals(1, out.take().size(), "one request, however many packets wait");

        deliver(arp, replyToUs(PEER_MAC, PEER_IP), now());

        final List<byte[]> sent = out.take();
        assertEquals(3, sent.size());
        for (int i = 0; i < 3; i++)
        {
            final byte[] expected = payloadFrame(i + 3, 64 + i + 3);
            ArpTestSupport.putMac(expected, 0, PEER_MAC);
            assertArrayEquals(expected, sent.get(i), "packet " + (i + 3) + " in order, destination filled in");
            assertEquals(i + 3, sequenceOf(sent.get(i)));
        }
        assertEquals(3, arp.counter(ArpCounter.PENDING_FLUSHED));
        assertEquals(0, arp.pendingFrames());
        assertEquals(0, arp.pendingBytes());
        assertEquals(ArpState.REACHABLE, arp.state(PEER_IP));

        // Now resolved: enqueue sends at once, with the MAC written in.
        final byte[] direct = payloadFrame(9, 80);
        assertTrue(arp.enqueue(PEER_IP, MemorySegment.ofArray(direct), 0, direct.length, now()));
        assertEquals(PEER_MAC, destinationOf(out.last()));
        assertEquals(1, arp.counter(ArpCounter.PENDING_SENT_DIRECT));
    }

    @Test
    void shouldFlushWhenRequestFromPendingNeighbourTeachesItsAddress()
    {
        final byte[] packet = payloadFrame(1, 60);
        arp.enqueue(PEER_IP, MemorySegment.ofArray(packet), 0, packet.length, now());
        out.take();
        deliver(arp, request(PEER_MAC, PEER_IP, OUR_IP), now());
        final List<byte[]> sent = out.take();
        assertEquals(2, sent.size(), "the queued packet and our reply");
        assertEquals(PEER_MAC, destinationOf(sent.get(0)));
        assertEquals(1, sequenceOf(sent.get(0)));
        assertEquals(ArpState.STALE, arp.state(PEER_IP));
    }

    @Test
    void shouldBoundGlobalPendingMemory()
    {
        arp = new Arp(ArpConfig.of(OUR_MAC, OUR_IP).withPending(1, 2 * 1518 + 100, 1518), out);
        final byte[] packet = payloadFrame(1, 1000);
        assertTrue(arp.enqueue(PEER_IP, MemorySegment.ofArray(packet), 0, packet.length, now()));
        assertTrue(arp.enqueue(OTHER_IP, MemorySegment.ofArray(packet), 0, packet.length, now()));
        assertFalse(arp.enqueue(ip("192.168.1.4"), MemorySegment.ofArray(packet), 0, packet.length, now()));
        assertEquals(1, arp.counter(ArpCounter.PENDING_DROPPED_MEMORY));
        assertEquals(2000, arp.pendingBytes());
        // Overflowing one's own queue reuses one's own slot: the oldest goes, the newest stays.
        assertTrue(arp.enqueue(PEER_IP, MemorySegment.ofArray(packet), 0, packet.length, now()));
        assertEquals(1, arp.pendingCount(PEER_IP));
        assertEquals(1, arp.counter(ArpCounter.PENDING_DROPPED_OVERFLOW));
        assertEquals(1, arp.counter(ArpCounter.PENDING_DROPPED_MEMORY));
        assertFalse(arp.enqueue(PEER_IP, MemorySegment.ofArray(new byte[1519]), 0, 1519, now()));
        assertEquals(1, arp.counter(ArpCounter.PENDING_DROPPED_TOO_LONG));
        assertFalse(arp.enqueue(ip("224.0.0.5"), MemorySegment.ofArray(packet), 0, packet.length, now()));
        assertFalse(arp.enqueue(OUR_IP, MemorySegment.ofArray(packet), 0, packet.length, now()));
        assertEquals(2, arp.counter(ArpCounter.PENDING_DROPPED_NO_ENTRY));
        assertEquals(2, arp.counter(ArpCounter.RESOLVE_INVALID));
        arp.verify();
    }

    @Test
    void shouldAgeReachableToStaleAtExactlyThirtySecondsThenCollect()
    {
        deliver(arp, replyToUs(PEER_MAC, PEER_IP), now());
        assertEquals(ArpState.REACHABLE, arp.state(PEER_IP));
        clock.advance(30 * SECOND - 1);
        arp.poll(now());
        assertEquals(ArpState.REACHABLE, arp.state(PEER_IP));
        advanceAndPoll(1);
        assertEquals(ArpState.STALE, arp.state(PEER_IP));
        assertEquals(1, arp.counter(ArpCounter.ENTRIES_STALED));
        assertEquals(PEER_MAC, arp.peek(PEER_IP), "STALE is still usable");

        clock.advance(60 * SECOND - 1);
        arp.poll(now());
        assertEquals(ArpState.STALE, arp.state(PEER_IP));
        advanceAndPoll(1);
        assertEquals(ArpState.NONE, arp.state(PEER_IP), "unused STALE entry collected after gc_stale_time");
        assertEquals(1, arp.counter(ArpCounter.ENTRIES_EXPIRED));
        assertEquals(0, out.frames.size());
    }

    @Test
    void shouldReconfirmStaleEntryByDelayThenUnicastProbes()
    {
        deliver(arp, request(PEER_MAC, PEER_IP, OUR_IP), now());
        out.take();
        assertEquals(ArpState.STALE, arp.state(PEER_IP));

        assertEquals(PEER_MAC, arp.resolve(PEER_IP, now()), "STALE answers at once");
        assertEquals(ArpState.DELAY, arp.state(PEER_IP));
        assertEquals(0, out.frames.size());
        advanceAndPoll(5 * SECOND);
        assertEquals(ArpState.PROBE, arp.state(PEER_IP));
        assertEquals(PEER_MAC, arp.resolve(PEER_IP, now()), "PROBE still answers");
        // RFC 1122 unicast poll: the request goes to the cached address.
        assertArrayEquals(arpFrame(PEER_MAC, OUR_MAC, REQUEST, OUR_MAC, OUR_IP, 0, PEER_IP), out.last());
        advanceAndPoll(SECOND);
        advanceAndPoll(SECOND);
        assertEquals(3, arp.counter(ArpCounter.TX_PROBES));
        advanceAndPoll(SECOND);
        assertEquals(ArpState.FAILED, arp.state(PEER_IP));
        assertEquals(Arp.NO_MAC, arp.resolve(PEER_IP, now()));
    }

    @Test
    void shouldReturnToReachableOnReplyOrUpperLayerConfirmation()
    {
        deliver(arp, request(PEER_MAC, PEER_IP, OUR_IP), now());
        arp.resolve(PEER_IP, now());
        advanceAndPoll(5 * SECOND);
        assertEquals(ArpState.PROBE, arp.state(PEER_IP));
        deliver(arp, replyToUs(PEER_MAC, PEER_IP), now());
        assertEquals(ArpState.REACHABLE, arp.state(PEER_IP));

        deliver(arp, request(OTHER_MAC, OTHER_IP, OUR_IP), now());
        arp.resolve(OTHER_IP, now());
        assertEquals(ArpState.DELAY, arp.state(OTHER_IP));
        assertTrue(arp.confirm(OTHER_IP, now()));
        assertEquals(ArpState.REACHABLE, arp.state(OTHER_IP));
        assertFalse(arp.confirm(ip("192.168.1.99"), now()));
        advanceAndPoll(30 * SECOND);
        assertEquals(1, arp.counter(ArpCounter.TX_PROBES), "only the probe before the reply; OTHER was never probed");
        arp.verify();
    }

    @Test
    void shouldAnnounceTwiceTwoSecondsApart()
    {
        arp.announce(now());
        final byte[] announcement = arpFrame(BROADCAST, OUR_MAC, REQUEST, OUR_MAC, OUR_IP, 0, OUR_IP);
        assertEquals(1, out.frames.size());
        assertEquals(hex(ArpTestSupport.hex("""
            ffffffffffff 020000000001 0806
            0001 0800 06 04 0001 020000000001 c0a80101 000000000000 c0a80101
            000000000000000000000000000000000000""")), hex(out.last()));
        assertEquals(now() + 2 * SECOND, arp.nextDeadlineNs());
        clock.advance(2 * SECOND - 1);
        arp.poll(now());
        assertEquals(1, out.frames.size());
        advanceAndPoll(1);
        assertEquals(2, out.frames.size());
        assertArrayEquals(announcement, out.last());
        advanceAndPoll(10 * SECOND);
        assertEquals(2, out.frames.size());
        assertEquals(2, arp.counter(ArpCounter.TX_ANNOUNCEMENTS));
        assertEquals(Arp.NO_DEADLINE, arp.nextDeadlineNs());
    }

    @Test
    void shouldUpdatePeerEntryFromOurAnnouncement()
    {
        final ArpTestSupport.RecordingOutput peerOut = new ArpTestSupport.RecordingOutput();
        final Arp peer = new Arp(ArpConfig.of(PEER_MAC, PEER_IP), peerOut);
        deliver(peer, replyToPeer(OTHER_MAC), now());
        assertEquals(OTHER_MAC, peer.peek(OUR_IP));
        arp.announce(now());
        deliver(peer, out.last(), now());
        assertEquals(OUR_MAC, peer.peek(OUR_IP), "the announcement moved the peer's entry to our MAC");
        assertEquals(1, peer.counter(ArpCounter.RX_GRATUITOUS));
    }

    private static byte[] replyToPeer(final long senderMac)
    {
        return arpFrame(PEER_MAC, senderMac, REPLY, senderMac, OUR_IP, PEER_MAC, PEER_IP);
    }

    // ------------------------------------------------------------------------------------------------- config

    @Test
    void shouldRejectBadConfigurationNamingTheValue()
    {
        final ArpConfig ok = ArpConfig.of(OUR_MAC, OUR_IP);
        assertMessage("localMac", "0x10000000001", () -> ArpConfig.of(0x0100_0000_0001L, OUR_IP));
        assertMessage("localMac", "0x0", () -> ArpConfig.of(0, OUR_IP));
        assertMessage("localAddress", "224.0.0.1", () -> ArpConfig.of(OUR_MAC, ip("224.0.0.1")));
        assertMessage("capacity", "was 0", () -> ok.withCapacity(0));
        assertMessage("reachableTimeNs", "was -1", () -> ok.withReachableTimeNs(-1));
        assertMessage("maxRequests", "was 0", () -> ok.withRetries(SECOND, 0, SECOND));
        assertMessage("retryIntervalNs", "was 0", () -> ok.withRetries(0, 3, SECOND));
        assertMessage("requestRate", "was 0", () -> ok.withRequestRate(0, 1));
        assertMessage("pendingPerNeighbour", "was 0", () -> ok.withPending(0, 10_000, 1518));
        assertMessage("pendingMemoryBytes", "was 100", () -> ok.withPending(3, 100, 1518));
        assertMessage("maxFrameLength", "was 59", () -> ok.withPending(3, 10_000, 59));
        assertMessage("static entry address", "0.0.0.7", () -> new ArpConfig.StaticEntry(7, PEER_MAC));
        assertMessage("our own address", "192.168.1.1",
            () -> ok.withStaticEntries(List.of(new ArpConfig.StaticEntry(OUR_IP, PEER_MAC))));
        assertMessage("duplicate", "192.168.1.2", () -> ok.withStaticEntries(
            List.of(new ArpConfig.StaticEntry(PEER_IP, PEER_MAC), new ArpConfig.StaticEntry(PEER_IP, OTHER_MAC))));
        assertMessage("staticEntries", "capacity 1",
            () -> ok.withCapacity(1).withStaticEntries(List.of(new ArpConfig.StaticEntry(PEER_IP, PEER_MAC))));
        assertThrows(IllegalArgumentException.class,
            () -> arp.enqueue(PEER_IP, MemorySegment.ofArray(new byte[20]), 0, 13, now()));
        assertThrows(IndexOutOfBoundsException.class,
            () -> arp.enqueue(PEER_IP, MemorySegment.ofArray(new byte[20]), 10, 14, now()));
    }

    private static void assertMessage(final String name, final String value,
        final org.junit.jupiter.api.function.Executable call)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(value),
            "message should name " + name + " and " + value + ": " + e.getMessage());
    }
}
