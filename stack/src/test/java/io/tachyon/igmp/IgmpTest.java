package io.tachyon.igmp;

import static io.tachyon.igmp.IgmpTestSupport.GROUP;
import static io.tachyon.igmp.IgmpTestSupport.GROUP2;
import static io.tachyon.igmp.IgmpTestSupport.OTHER_HOST_IP;
import static io.tachyon.igmp.IgmpTestSupport.OUR_IP;
import static io.tachyon.igmp.IgmpTestSupport.ROUTER_IP;
import static io.tachyon.igmp.IgmpTestSupport.SECOND;
import static io.tachyon.igmp.IgmpTestSupport.T0;
import static io.tachyon.igmp.IgmpTestSupport.deliver;
import static io.tachyon.igmp.IgmpTestSupport.igmp;
import static io.tachyon.igmp.IgmpTestSupport.ip;
import static io.tachyon.igmp.IgmpTestSupport.v1Report;
import static io.tachyon.igmp.IgmpTestSupport.v2Leave;
import static io.tachyon.igmp.IgmpTestSupport.v2Query;
import static io.tachyon.igmp.IgmpTestSupport.v2Report;
import static io.tachyon.igmp.IgmpTestSupport.v3Query;
import static io.tachyon.igmp.IgmpTestSupport.v3Report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tachyon.time.VirtualClock;
import io.tachyon.wire.IgmpFlyweight;

/** The host rules of RFC 3376, RFC 2236 and RFC 1112, frame by frame on a virtual clock. */
class IgmpTest
{
    private static final int TO_EX = IgmpFlyweight.RECORD_CHANGE_TO_EXCLUDE;
    private static final int TO_IN = IgmpFlyweight.RECORD_CHANGE_TO_INCLUDE;
    private static final int IS_EX = IgmpFlyweight.RECORD_MODE_IS_EXCLUDE;

    /** A datagram and when it was sent, relative to T0. */
    private record Sent(long atNs, String hex)
    {
    }

    private final VirtualClock clock = new VirtualClock(T0);
    private final IgmpTestSupport.RecordingOutput out = new IgmpTestSupport.RecordingOutput();

    private Igmp newIgmp(final IgmpConfig config)
    {
        return new Igmp(config, out);
    }

    private static IgmpConfig v3()
    {
        return IgmpConfig.of(OUR_IP).withRandomSeed(42);
    }

    private static IgmpConfig v2()
    {
        return v3().withVersion(IgmpVersion.V2);
    }

    private long now()
    {
        return clock.nanoTime();
    }

    /** Runs every timer up to {@code targetNs} (relative to T0) and returns what was sent, with times. */
    private List<Sent> runTo(final Igmp igmp, final long targetNs)
    {
        final List<Sent> sent = new ArrayList<>();
        for (final String hex : out.drain())
        {
            sent.add(new Sent(now() - T0, hex));
        }
        while (igmp.nextDeadlineNs() != Igmp.NO_DEADLINE && igmp.nextDeadlineNs() - (T0 + targetNs) <= 0)
        {
            clock.advanceTo(igmp.nextDeadlineNs());
            igmp.poll(now());
            igmp.verify();
            for (final String hex : out.drain())
            {
                sent.add(new Sent(now() - T0, hex));
            }
        }
        clock.advanceTo(T0 + targetNs);
        igmp.poll(now());
        for (final String hex : out.drain())
        {
            sent.add(new Sent(now() - T0, hex));
        }
        igmp.verify();
        return sent;
    }

    private static List<String> hexes(final List<Sent> sent)
    {
        final List<String> hexes = new ArrayList<>();
        for (final Sent s : sent)
        {
            hexes.add(s.hex());
        }
        return hexes;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Joins and leaves
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldSendTheExactV3JoinReportAndRetransmitItWithinTheUnsolicitedInterval()
    {
        final Igmp igmp = newIgmp(v3());
        assertTrue(igmp.join(GROUP, now()));
        assertTrue(igmp.isMember(GROUP));
        final List<Sent> sent = runTo(igmp, 30 * SECOND);
        assertEquals(2, sent.size(), "robustness 2: the report and one retransmission");
        // Precomputed independently: IPv4 (IHL 6, TOS c0, DF, TTL 1, proto 2, Router Alert) + CHANGE_TO_EXCLUDE{}.
        final String expected = "46c000280000400001024250c0a80101e0000016940400002200e8f90000000104000000ef010203";
        assertEquals(expected, sent.get(0).hex());
        assertEquals(expected, v3Report(TO_EX, GROUP), "the test builder agrees with the precomputed bytes");
        assertEquals(0, sent.get(0).atNs(), "the first report goes out at once");
        assertEquals(expected, sent.get(1).hex());
        assertTrue(sent.get(1).atNs() > 0 && sent.get(1).atNs() <= SECOND,
            "RFC 3376 §5.1: retransmitted after a random interval in (0, 1 s], was " + sent.get(1).atNs());
        assertEquals(2, igmp.counter(IgmpCounter.TX_V3_REPORTS));
        assertEquals(Igmp.NO_DEADLINE, igmp.nextDeadlineNs());
    }

    @Test
    void shouldSendRobustnessManyV3ReportsEachWithinTheIntervalOfThePrevious()
    {
        final Igmp igmp = newIgmp(v3().withRobustness(5));
        igmp.join(GROUP, now());
        final List<Sent> sent = runTo(igmp, 30 * SECOND);
        assertEquals(5, sent.size());
        for (int i = 1; i < sent.size(); i++)
        {
            final long gap = sent.get(i).atNs() - sent.get(i - 1).atNs();
            assertTrue(gap > 0 && gap <= SECOND, "gap " + i + " was " + gap);
            assertEquals(v3Report(TO_EX, GROUP), sent.get(i).hex());
        }
    }

    @Test
    void shouldSendV2UnsolicitedReportsExactlyTheIntervalApart()
    {
        final Igmp igmp = newIgmp(v2().withRobustness(3));
        igmp.join(GROUP, now());
        final List<Sent> sent = runTo(igmp, 60 * SECOND);
        final String expected = "46c00020000040000102316ac0a80101ef010203940400001600f8faef010203";
        assertEquals(v2Report(GROUP), expected, "the test builder agrees with the precomputed bytes");
        assertEquals(List.of(new Sent(0, expected), new Sent(10 * SECOND, expected), new Sent(20 * SECOND, expected)),
            sent);
        assertEquals(3, igmp.counter(IgmpCounter.TX_V2_REPORTS));
    }

    @Test
    void shouldCountReferencesAndLeaveOnlyWithTheLast()
    {
        final Igmp igmp = newIgmp(v2());
        assertTrue(igmp.join(GROUP, now()));
        assertTrue(igmp.join(GROUP, now()));
        assertTrue(igmp.join(GROUP, now()));
        assertEquals(3, igmp.references(GROUP));
        assertEquals(1, hexes(runTo(igmp, 0)).size(), "one unsolicited report for three joins");
        runTo(igmp, 30 * SECOND);

        assertTrue(igmp.leave(GROUP, now()));
        assertTrue(igmp.leave(GROUP, now()));
        assertTrue(igmp.isMember(GROUP), "still one reference");
        assertTrue(out.frames.isEmpty(), "no leave while referenced");
        assertTrue(igmp.leave(GROUP, now()));
        assertFalse(igmp.isMember(GROUP));
        assertEquals(List.of("46c00020000040000102426cc0a80101e0000002940400001700f7faef010203"), out.drain(),
            "RFC 2236: the last reporter sends a leave to 224.0.0.2");
        assertEquals(v2Leave(GROUP), "46c00020000040000102426cc0a80101e0000002940400001700f7faef010203");
        assertFalse(igmp.leave(GROUP, now()), "leaving a group not joined");
        assertEquals(1, igmp.counter(IgmpCounter.LEAVES_NOT_JOINED));
        assertEquals(2, igmp.counter(IgmpCounter.JOINS_SHARED));
        assertEquals(2, igmp.counter(IgmpCounter.LEAVES_SHARED));
        assertEquals(1, igmp.counter(IgmpCounter.JOINS));
        assertEquals(1, igmp.counter(IgmpCounter.LEAVES));
        assertEquals(0, igmp.slotsInUse());
        igmp.verify();
    }

    @Test
    void shouldSendV3LeaveReportsAndHoldTheSlotUntilTheLastOne()
    {
        final Igmp igmp = newIgmp(v3());
        igmp.join(GROUP, now());
        runTo(igmp, 10 * SECOND);
        igmp.leave(GROUP, now());
        assertFalse(igmp.isMember(GROUP), "not a member as soon as the last socket leaves");
        assertEquals(1, igmp.slotsInUse(), "held for the retransmission");
        assertEquals(0, igmp.memberCount());
        final List<Sent> sent = runTo(igmp, 20 * SECOND);
        assertEquals(List.of(v3Report(TO_IN, GROUP), v3Report(TO_IN, GROUP)), hexes(sent));
        assertEquals(10 * SECOND, sent.get(0).atNs());
        assertTrue(sent.get(1).atNs() - sent.get(0).atNs() <= SECOND);
        assertEquals(0, igmp.slotsInUse());
        assertEquals(Igmp.NO_DEADLINE, igmp.nextDeadlineNs());
    }

    @Test
    void shouldTurnPendingLeaveRetransmissionsIntoJoinsOnRejoin()
    {
        final Igmp igmp = newIgmp(v3());
        igmp.join(GROUP, now());
        runTo(igmp, 10 * SECOND);
        igmp.leave(GROUP, now());
        assertEquals(List.of(v3Report(TO_IN, GROUP)), out.drain());
        assertTrue(igmp.join(GROUP, now()));
        assertTrue(igmp.isMember(GROUP));
        final List<Sent> sent = runTo(igmp, 20 * SECOND);
        assertEquals(List.of(v3Report(TO_EX, GROUP), v3Report(TO_EX, GROUP)), hexes(sent),
            "a new change sends at once and restarts the retransmissions");
        assertEquals(1, igmp.slotsInUse());
    }

    @Test
    void shouldAlwaysBeAMemberOfAllSystemsAndNeverReportIt()
    {
        final Igmp igmp = newIgmp(v3());
        assertTrue(igmp.isMember(Igmp.ALL_SYSTEMS));
        assertTrue(igmp.join(Igmp.ALL_SYSTEMS, now()));
        assertTrue(igmp.leave(Igmp.ALL_SYSTEMS, now()));
        assertTrue(igmp.leave(Igmp.ALL_SYSTEMS, now()));
        assertTrue(igmp.isMember(Igmp.ALL_SYSTEMS));
        deliver(igmp, v3Query(0, 10, 2, 125), ROUTER_IP, now());
        assertTrue(runTo(igmp, 60 * SECOND).isEmpty(), "nothing to report");
        assertEquals(0, igmp.slotsInUse());
        assertFalse(igmp.isMember(GROUP));
        assertFalse(igmp.isMember(OUR_IP));
    }

    @Test
    void shouldRejectGroupsThatAreNotMulticast()
    {
        final Igmp igmp = newIgmp(v3());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> igmp.join(ip("10.0.0.1"), now()));
        assertTrue(e.getMessage().contains("10.0.0.1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> igmp.leave(ip("240.0.0.1"), now()));
        assertThrows(IllegalArgumentException.class, () -> Igmp.multicastMac(ip("1.2.3.4")));
        assertEquals(0x01005E010203L, Igmp.multicastMac(ip("239.129.2.3")), "RFC 1112 §6.4: the low 23 bits");
    }

    @Test
    void shouldRefuseJoinsBeyondMaxGroups()
    {
        final Igmp igmp = newIgmp(v3().withMaxGroups(2));
        assertTrue(igmp.join(GROUP, now()));
        assertTrue(igmp.join(GROUP2, now()));
        assertFalse(igmp.join(ip("239.0.0.99"), now()));
        assertFalse(igmp.isMember(ip("239.0.0.99")));
        assertEquals(1, igmp.counter(IgmpCounter.JOINS_TABLE_FULL));
        assertTrue(igmp.join(GROUP, now()), "another reference to a joined group needs no slot");
    }

    @Test
    void shouldCountDatagramsTheOutputRefuses()
    {
        final Igmp igmp = newIgmp(v3());
        out.refuse = true;
        igmp.join(GROUP, now());
        assertEquals(1, igmp.counter(IgmpCounter.TX_DROPPED));
        assertEquals(0, igmp.counter(IgmpCounter.TX_V3_REPORTS));
        assertTrue(igmp.isMember(GROUP), "membership does not depend on the output");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Queries
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldAnswerAV3GeneralQueryWithEveryGroupWithinTheMaxResponseTime()
    {
        for (long seed = 0; seed < 20; seed++)
        {
            final Igmp igmp = new Igmp(v3().withRandomSeed(seed), out);
            igmp.join(GROUP, now());
            igmp.join(GROUP2, now());
            runTo(igmp, clock.nanoTime() - T0 + 10 * SECOND);
            final long queriedAt = now() - T0;
            deliver(igmp, v3Query(0, 50, 2, 125), ROUTER_IP, now());
            assertEquals(1, igmp.counter(IgmpCounter.GENERAL_RESPONSES_SCHEDULED));
            final List<Sent> sent = runTo(igmp, queriedAt + 60 * SECOND);
            assertEquals(List.of(v3Report(IS_EX, GROUP, GROUP2)), hexes(sent), "seed " + seed);
            final long delay = sent.get(0).atNs() - queriedAt;
            assertTrue(delay >= 0 && delay <= 5 * SECOND, "within Max Resp Code 50 = 5 s, was " + delay);
            assertEquals(6, igmp.counter(IgmpCounter.TX_V3_RECORDS), "2 x 2 join reports, then 2 records");
        }
    }

    @Test
    void shouldNotRescheduleAGeneralResponseThatIsDueSooner()
    {
        final Igmp igmp = newIgmp(v3());
        igmp.join(GROUP, now());
        runTo(igmp, 10 * SECOND);
        deliver(igmp, v3Query(0, 10, 2, 125), ROUTER_IP, now());
        final long first = igmp.nextDeadlineNs();
        deliver(igmp, v3Query(0, 255, 2, 125), ROUTER_IP, now());
        deliver(igmp, v3Query(GROUP, 255, 2, 125), ROUTER_IP, now());
        assertEquals(2, igmp.counter(IgmpCounter.RESPONSES_ALREADY_PENDING), "RFC 3376 §5.2 rule 1");
        assertEquals(first, igmp.nextDeadlineNs());
        assertEquals(1, runTo(igmp, 100 * SECOND).size(), "one response");
    }

    @Test
    void shouldDecodeLargeMaxRespCodes()
    {
        final Igmp igmp = newIgmp(v3());
        igmp.join(GROUP, now());
        runTo(igmp, 10 * SECOND);
        // 0x8A: exp 0, mant 0xA: (0x1A) << 3 = 208 tenths = 20.8 s.
        for (int i = 0; i < 30; i++)
        {
            final long at = now();
            deliver(igmp, v3Query(GROUP, 0x8A, 2, 125), ROUTER_IP, at);
            final long delay = igmp.nextDeadlineNs() - at;
            assertTrue(delay >= 0 && delay <= 20_800_000_000L, "delay " + delay);
            runTo(igmp, now() - T0 + 30 * SECOND);
        }
    }

    @Test
    void shouldAnswerAV3GroupSpecificQueryOnlyForAMemberGroup()
    {
        final Igmp igmp = newIgmp(v3());
        igmp.join(GROUP, now());
        runTo(igmp, 10 * SECOND);
        deliver(igmp, v3Query(GROUP2, 10, 2, 125), GROUP, now());
        assertEquals(1, igmp.counter(IgmpCounter.RX_QUERY_NOT_MEMBER));
        deliver(igmp, v3Query(GROUP, 10, 2, 125), ROUTER_IP, now());
        final List<Sent> sent = runTo(igmp, 20 * SECOND);
        assertEquals(List.of(v3Report(IS_EX, GROUP)), hexes(sent));
        assertTrue(sent.get(0).atNs() - 10 * SECOND <= SECOND);
    }

    @Test
    void shouldAnswerAGroupAndSourceSpecificQueryWithTheWholeState()
    {
        final Igmp igmp = newIgmp(v3());
        igmp.join(GROUP, now());
        runTo(igmp, 10 * SECOND);
        deliver(igmp, igmp("1164 0000" + IgmpTestSupport.ipHex(GROUP) + "027d 0002 0a000001 0a000002"), ROUTER_IP,
            now());
        assertEquals(List.of(v3Report(IS_EX, GROUP)), hexes(runTo(igmp, 20 * SECOND)));
    }

    @Test
    void shouldSplitAGeneralResponseThatDoesNotFitTheMtu()
    {
        final Igmp igmp = newIgmp(v3().withMtu(68));
        final int[] groups = new int[10];
        for (int i = 0; i < groups.length; i++)
        {
            groups[i] = ip("239.0.0." + (i + 1));
            igmp.join(groups[i], now());
        }
        runTo(igmp, 10 * SECOND);
        deliver(igmp, v3Query(0, 10, 2, 125), ROUTER_IP, now());
        final List<String> sent = hexes(runTo(igmp, 20 * SECOND));
        assertEquals(List.of(v3Report(IS_EX, groups[0], groups[1], groups[2], groups[3]),
            v3Report(IS_EX, groups[4], groups[5], groups[6], groups[7]),
            v3Report(IS_EX, groups[8], groups[9])), sent, "(68 - 24 - 8) / 8 = 4 records per report");
        for (final String hex : sent)
        {
            assertTrue(hex.length() / 2 <= 68);
        }
    }

    @Test
    void shouldAnswerV2QueriesWithinTheMaxResponseTimeAndResetOnlyToAShorterOne()
    {
        final Igmp igmp = newIgmp(v2());
        igmp.join(GROUP, now());
        igmp.join(GROUP2, now());
        runTo(igmp, 30 * SECOND);
        deliver(igmp, v2Query(0, 100), ROUTER_IP, now());
        final long queried = now() - T0;
        final long pending = igmp.nextDeadlineNs();
        deliver(igmp, v2Query(GROUP, 200), ROUTER_IP, now());
        assertEquals(1, igmp.counter(IgmpCounter.RESPONSES_ALREADY_PENDING),
            "RFC 2236 §3: a longer Max Response Time leaves the running timer alone");
        assertEquals(pending, igmp.nextDeadlineNs());
        final List<Sent> sent = runTo(igmp, 60 * SECOND);
        assertEquals(2, sent.size());
        assertTrue(hexes(sent).containsAll(List.of(v2Report(GROUP), v2Report(GROUP2))));
        for (final Sent s : sent)
        {
            assertTrue(s.atNs() - queried >= 0 && s.atNs() - queried <= 10 * SECOND, "at " + s.atNs());
        }
    }

    @Test
    void shouldSuppressAPendingV2ReportWhenAnotherHostReportsTheGroup()
    {
        final Igmp igmp = newIgmp(v2());
        igmp.join(GROUP, now());
        runTo(igmp, 30 * SECOND);
        deliver(igmp, v2Query(0, 100), ROUTER_IP, now());
        deliver(igmp, igmp("1600 0000" + IgmpTestSupport.ipHex(GROUP)), OTHER_HOST_IP, now());
        assertEquals(1, igmp.counter(IgmpCounter.REPORTS_SUPPRESSED));
        assertTrue(runTo(igmp, 60 * SECOND).isEmpty(), "our report is suppressed");
        igmp.leave(GROUP, now());
        assertTrue(out.frames.isEmpty(), "not the last reporter: no leave");
        assertEquals(1, igmp.counter(IgmpCounter.LEAVES_NOT_LAST_REPORTER));
    }

    @Test
    void shouldSuppressUnsolicitedV2RetransmissionsToo()
    {
        final Igmp igmp = newIgmp(v2().withRobustness(3));
        igmp.join(GROUP, now());
        assertEquals(1, out.drain().size());
        deliver(igmp, igmp("1200 0000" + IgmpTestSupport.ipHex(GROUP)), OTHER_HOST_IP, now());
        assertEquals(1, igmp.counter(IgmpCounter.RX_V1_REPORTS));
        assertTrue(runTo(igmp, 60 * SECOND).isEmpty());
    }

    @Test
    void shouldNotSuppressInV3()
    {
        final Igmp igmp = newIgmp(v3());
        igmp.join(GROUP, now());
        runTo(igmp, 10 * SECOND);
        deliver(igmp, v3Query(GROUP, 10, 2, 125), ROUTER_IP, now());
        deliver(igmp, igmp("1600 0000" + IgmpTestSupport.ipHex(GROUP)), OTHER_HOST_IP, now());
        deliver(igmp, igmp("2200 0000 0000 0001 02000000" + IgmpTestSupport.ipHex(GROUP)), OTHER_HOST_IP, now());
        assertEquals(0, igmp.counter(IgmpCounter.REPORTS_SUPPRESSED));
        assertEquals(1, igmp.counter(IgmpCounter.RX_V3_REPORTS));
        assertEquals(List.of(v3Report(IS_EX, GROUP)), hexes(runTo(igmp, 20 * SECOND)));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Compatibility modes
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldFallBackToV2OnAV2QueryAndReturnAfterTheOlderQuerierTimeout()
    {
        final Igmp igmp = newIgmp(v3());
        igmp.join(GROUP, now());
        runTo(igmp, 10 * SECOND);
        deliver(igmp, v2Query(0, 100), ROUTER_IP, now());
        assertEquals(IgmpVersion.V2, igmp.compatibilityMode());
        assertEquals(1, igmp.counter(IgmpCounter.COMPAT_V2_ENTERED));
        final List<Sent> sent = runTo(igmp, 20 * SECOND);
        assertEquals(List.of(v2Report(GROUP)), hexes(sent), "answered in IGMPv2, to the group");
        // A join in IGMPv2 mode sends v2 reports; a leave sends a v2 leave (we were the last reporter).
        igmp.join(GROUP2, now());
        assertEquals(List.of(v2Report(GROUP2)), out.drain());
        igmp.leave(GROUP, now());
        assertEquals(List.of(v2Leave(GROUP)), out.drain());
        // 2 x 125 s + 10 s after the query (at 10 s): still V2 just before 270 s, V3 at 270 s.
        runTo(igmp, 270 * SECOND - 1);
        assertEquals(IgmpVersion.V2, igmp.compatibilityMode());
        runTo(igmp, 270 * SECOND);
        assertEquals(IgmpVersion.V3, igmp.compatibilityMode());
        assertEquals(1, igmp.counter(IgmpCounter.COMPAT_V3_ENTERED));
        deliver(igmp, v3Query(0, 10, 2, 125), ROUTER_IP, now());
        assertEquals(List.of(v3Report(IS_EX, GROUP2)), hexes(runTo(igmp, 280 * SECOND)));
    }

    @Test
    void shouldTakeTheOlderQuerierTimeoutFromTheLastV3QueryRobustnessAndInterval()
    {
        final Igmp igmp = newIgmp(v3());
        deliver(igmp, v3Query(0, 10, 3, 60), ROUTER_IP, now());
        runTo(igmp, 10 * SECOND);
        deliver(igmp, v2Query(0, 50), ROUTER_IP, now());
        runTo(igmp, 10 * SECOND + 185 * SECOND - 1);
        assertEquals(IgmpVersion.V2, igmp.compatibilityMode());
        runTo(igmp, 10 * SECOND + 185 * SECOND);
        assertEquals(IgmpVersion.V3, igmp.compatibilityMode(), "QRV 3 x QQIC 60 s + 5 s");
    }

    @Test
    void shouldCancelV3StateChangesAndForgetLeavingGroupsOnFallingBack()
    {
        final Igmp igmp = newIgmp(v3().withRobustness(4));
        igmp.join(GROUP, now());
        igmp.join(GROUP2, now());
        igmp.leave(GROUP2, now());
        assertEquals(3, out.drain().size());
        assertEquals(2, igmp.slotsInUse());
        deliver(igmp, v2Query(GROUP, 10), ROUTER_IP, now());
        assertEquals(1, igmp.slotsInUse(), "the group being left is forgotten");
        final List<Sent> sent = runTo(igmp, 60 * SECOND);
        assertEquals(List.of(v2Report(GROUP)), hexes(sent), "only the answer to the query, in IGMPv2");
    }

    @Test
    void shouldEnterV1ModeOnAV1QuerySendV1ReportsAndNoLeaves()
    {
        final Igmp igmp = newIgmp(v2());
        igmp.join(GROUP, now());
        runTo(igmp, 30 * SECOND);
        deliver(igmp, v2Query(ip("239.255.255.255"), 0), ROUTER_IP, now());
        assertEquals(IgmpVersion.V1, igmp.compatibilityMode(), "8 bytes with Max Resp 0 is IGMPv1, group ignored");
        assertEquals(1, igmp.counter(IgmpCounter.RX_V1_QUERIES));
        final List<Sent> sent = runTo(igmp, 60 * SECOND);
        assertEquals(List.of(v1Report(GROUP)), hexes(sent));
        assertTrue(sent.get(0).atNs() - 30 * SECOND <= 10 * SECOND, "IGMPv1: at most 10 s");
        igmp.leave(GROUP, now());
        assertTrue(out.frames.isEmpty(), "IGMPv1 has no leave");
        runTo(igmp, 30 * SECOND + 400 * SECOND - 1);
        assertEquals(IgmpVersion.V1, igmp.compatibilityMode());
        runTo(igmp, 30 * SECOND + 400 * SECOND);
        assertEquals(IgmpVersion.V2, igmp.compatibilityMode(), "RFC 2236 §8.11: 400 s");
        assertEquals(1, igmp.counter(IgmpCounter.COMPAT_V2_ENTERED));
    }

    @Test
    void shouldTreatAV3QueryAsAV2QueryWhenConfiguredForV2()
    {
        final Igmp igmp = newIgmp(v2());
        igmp.join(GROUP, now());
        runTo(igmp, 30 * SECOND);
        deliver(igmp, v3Query(0, 10, 2, 125), ROUTER_IP, now());
        assertEquals(IgmpVersion.V2, igmp.compatibilityMode());
        assertEquals(List.of(v2Report(GROUP)), hexes(runTo(igmp, 40 * SECOND)));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Validation
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldDropInvalidMessagesAndCountEachReason()
    {
        final Igmp igmp = newIgmp(v3());
        igmp.join(GROUP, now());
        runTo(igmp, 10 * SECOND);
        final byte[] badChecksum = v3Query(0, 10, 2, 125);
        badChecksum[3] ^= 1;
        deliver(igmp, badChecksum, ROUTER_IP, now());
        deliver(igmp, IgmpTestSupport.bytes("1164 ee9b 0000"), ROUTER_IP, now());
        deliver(igmp, igmp("1164 0000 00000000 0000"), ROUTER_IP, now());
        deliver(igmp, igmp("1164 0000 0a000001"), ROUTER_IP, now());
        deliver(igmp, igmp("1600 0000 0a000001"), OTHER_HOST_IP, now());
        deliver(igmp, igmp("1300 0000 00000000"), ROUTER_IP, now());
        deliver(igmp, igmp("1164 0000 00000000 027d 0005 0a000001"), ROUTER_IP, now());
        deliver(igmp, v3Query(0, 10, 2, 125), OUR_IP, now());
        assertEquals(1, igmp.counter(IgmpCounter.RX_BAD_CHECKSUM));
        assertEquals(2, igmp.counter(IgmpCounter.RX_TRUNCATED), "6 bytes; 5 sources announced, 1 present");
        assertEquals(1, igmp.counter(IgmpCounter.RX_BAD_QUERY_LENGTH), "a 10-byte query");
        assertEquals(2, igmp.counter(IgmpCounter.RX_BAD_GROUP), "a query and a report for 10.0.0.1");
        assertEquals(1, igmp.counter(IgmpCounter.RX_UNKNOWN_TYPE));
        assertEquals(1, igmp.counter(IgmpCounter.RX_OWN));
        assertEquals(0, igmp.counter(IgmpCounter.RX_V2_QUERIES) + igmp.counter(IgmpCounter.RX_V3_QUERIES));
        assertEquals(IgmpVersion.V3, igmp.compatibilityMode());
        assertTrue(runTo(igmp, 60 * SECOND).isEmpty(), "nothing scheduled by invalid messages");
    }

    @Test
    void shouldValidateTheConfiguration()
    {
        assertThrows(IllegalArgumentException.class, () -> IgmpConfig.of(ip("224.0.0.5")));
        assertThrows(IllegalArgumentException.class, () -> IgmpConfig.of(0));
        assertThrows(IllegalArgumentException.class, () -> v3().withVersion(IgmpVersion.V1));
        assertThrows(NullPointerException.class, () -> v3().withVersion(null));
        assertThrows(IllegalArgumentException.class, () -> v3().withMaxGroups(0));
        assertThrows(IllegalArgumentException.class, () -> v3().withRobustness(0));
        assertThrows(IllegalArgumentException.class, () -> v3().withRobustness(8));
        assertThrows(IllegalArgumentException.class, () -> v3().withMtu(67));
        assertThrows(IllegalArgumentException.class, () -> v3().withV2UnsolicitedReportIntervalNs(0));
        assertThrows(IllegalArgumentException.class, () -> v3().withV3UnsolicitedReportIntervalNs(-1));
        assertThrows(IllegalArgumentException.class, () -> v3().withQueryIntervalNs(IgmpConfig.MAX_DURATION_NS + 1));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> v3().withMaxGroups(IgmpConfig.MAX_GROUPS + 1));
        assertTrue(e.getMessage().contains("maxGroups"), e.getMessage());
        final IgmpConfig defaults = IgmpConfig.of(OUR_IP);
        assertEquals(IgmpVersion.V3, defaults.version());
        assertEquals(10 * SECOND, defaults.v2UnsolicitedReportIntervalNs());
        assertEquals(SECOND, defaults.v3UnsolicitedReportIntervalNs());
        assertEquals(2, defaults.robustness());
        assertEquals(125 * SECOND, defaults.queryIntervalNs());
    }
}
