package io.tachyon.igmp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.SplittableRandom;

import org.agrona.collections.Int2IntHashMap;

import io.tachyon.wire.IgmpFlyweight;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

/**
 * The host side of IGMP for one interface with one IPv4 address: group membership with reference counts,
 * unsolicited and state-change reports, query responses, IGMPv2 report suppression and compatibility with older
 * queriers. IGMPv3 (RFC 3376) by default, IGMPv2 (RFC 2236) on demand, IGMPv1 (RFC 1112) only as a compatibility
 * mode. Only any-source membership is offered (a join is EXCLUDE{} in IGMPv3 terms); source filtering is not.
 * <p>
 * <b>Threading and memory.</b> One instance belongs to one stack thread and runs to completion. Everything is
 * allocated at construction: the group table is parallel primitive arrays indexed by slot plus an
 * {@link Int2IntHashMap} from group to slot sized never to grow, and one datagram buffer of {@code mtu} bytes.
 * No method allocates after construction. Bad packets never throw: they are counted ({@link IgmpCounter}) and
 * dropped. Bad API use (a group that is not multicast, a region outside its segment) throws.
 * <p>
 * <b>Time.</b> Every method takes {@code nowNs}, epoch nanoseconds from the stack's {@link io.tachyon.time.Clock};
 * deadlines are compared by subtraction. Timers run from {@link #poll(long)}; {@link #nextDeadlineNs()} tells the
 * duty cycle when to call it. Time must not go backwards. Random delays come from a {@link SplittableRandom}
 * seeded with {@link IgmpConfig#randomSeed()}, so a run is reproducible.
 * <p>
 * <b>Output.</b> Every message is a complete IPv4 datagram handed to an {@link IgmpOutput} (see there for the
 * header: TTL 1, Router Alert, TOS 0xC0). Destinations: IGMPv1/v2 reports to the group (RFC 2236 §9), IGMPv2
 * leaves to 224.0.0.2 all-routers, IGMPv3 reports to 224.0.0.22 all-IGMPv3-routers (RFC 3376 §4.2.14).
 *
 * <h2>Membership: {@link #join(int, long)}, {@link #leave(int, long)}, {@link #isMember(int)}</h2>
 * Each join adds a reference (several sockets on one group); the group is joined on the first and left on the
 * last. 224.0.0.1 all-systems is always a member and never reported (RFC 2236 §6: the host "never sends a report
 * for that group"); joining or leaving it changes nothing. On a join, by host compatibility mode:
 * <ul>
 *   <li>IGMPv3, RFC 3376 §5.1: a State-Change Report with one CHANGE_TO_EXCLUDE_MODE record without sources, sent
 *       at once and "retransmitted [Robustness Variable] - 1 more times, at intervals chosen at random from the
 *       range (0, [Unsolicited Report Interval])" (the v3 interval, 1 s by default);</li>
 *   <li>IGMPv2/v1, RFC 2236 §3: "the host should immediately transmit an unsolicited Version 2 Membership
 *       Report for that group ... it is recommended that it be repeated once or twice after short delays
 *       [Unsolicited Report Interval]": {@code robustness} reports in all, exactly the v2 interval apart.</li>
 * </ul>
 * On the last leave:
 * <ul>
 *   <li>IGMPv3: a State-Change Report with CHANGE_TO_INCLUDE_MODE and no sources, retransmitted like a join's.
 *       The group stops being a member at once but holds its slot until the last retransmission. A join during
 *       the retransmissions turns them back into CHANGE_TO_EXCLUDE_MODE ("each such additional change triggers
 *       the immediate transmission of a new State-Change Report").</li>
 *   <li>IGMPv2: one Leave Group to 224.0.0.2, <em>only if we were the last host to report the group</em> (RFC
 *       2236 §6, the "flag that we were the last host to send a report"; the RFC allows omitting it otherwise, and
 *       Linux does the same). Hearing another host's report clears the flag.</li>
 *   <li>IGMPv1: nothing (there is no leave message).</li>
 * </ul>
 *
 * <h2>Queries: {@link #onIgmp}</h2>
 * The version of a query comes from its length (RFC 3376 §7.1): 8 bytes with Max Resp 0 is IGMPv1 (its maximum
 * response time is 10 s, RFC 2236 §4), 8 bytes otherwise IGMPv2, 12 bytes or more IGMPv3; 9 to 11 bytes is
 * dropped. A response is scheduled after a delay drawn uniformly from {@code [0, Max Response Time]}:
 * <ul>
 *   <li>IGMPv3 mode, RFC 3376 §5.2: a general query sets the interface timer unless a general response is already
 *       due sooner; when it fires, every member group is reported as MODE_IS_EXCLUDE without sources, as many
 *       records per report as the MTU allows. A group-specific (or group-and-source-specific) query for a member
 *       group sets that group's timer, keeping the earlier of a pending one and the new delay; it is answered
 *       with MODE_IS_EXCLUDE without sources: an any-source member wants every source, so this is our whole
 *       state (deliberate simplification: RFC 3376 would answer a source-specific query with IS_IN of the
 *       queried sources). A query for a group we are not in is ignored (its record would be INCLUDE{}, which is
 *       never sent).</li>
 *   <li>IGMPv2/v1 mode, RFC 2236 §3: each queried member group whose timer is not running, or is running longer
 *       than the Max Response Time, gets a new random delay; when it fires, a report is sent to the group and the
 *       "last reporter" flag is set. Hearing another host's IGMPv1/v2 report for a group whose report (solicited
 *       or unsolicited) is pending cancels it and clears the flag (suppression; IGMPv3 mode never suppresses).
 *       </li>
 * </ul>
 *
 * <h2>Compatibility mode, RFC 3376 §7.2.1</h2>
 * Configured for IGMPv3, hearing an IGMPv2 query sets the IGMPv2 Querier Present timer, an IGMPv1 query the IGMPv1
 * one, each to the Older Version Querier Present Timeout (§8.12): robustness times the Query Interval plus the
 * query's Max Response Time, where robustness and Query Interval are the QRV and QQIC of the last IGMPv3 query
 * heard (when non-zero), otherwise the configured values (2 &times; 125 s + 10 s = 260 s by default). The mode is
 * IGMPv1 while that timer runs, else IGMPv2 while that one does, else IGMPv3. Configured for IGMPv2, only the
 * IGMPv1 timer exists, for RFC 2236 §8.11's fixed Version 1 Router Present Timeout of 400 s, and IGMPv3 queries
 * are treated as IGMPv2 ones. On switching to an older mode, pending IGMPv3 state-change retransmissions and the
 * general response are cancelled and groups being left are forgotten (as Linux does); the query is then answered
 * in the new mode. Switching back sends nothing: the next query is answered in IGMPv3.
 *
 * <h2>Timers: {@link #nextDeadlineNs()} and {@link #poll(long)}</h2>
 * Per group: a pending query response and pending unsolicited/state-change retransmissions; per interface: the
 * general response and the two querier-present timers. {@code nextDeadlineNs()} is O(1): a lower bound kept as
 * deadlines are set (a cancelled deadline may make it early; the poll then does nothing but recompute it). A poll
 * that has something due scans the table once, O(maxGroups); that happens at most a few times per query interval
 * and per join/leave.
 */
public final class Igmp
{
    /** {@link #nextDeadlineNs()} result when no timer is set. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    /** 224.0.0.1, all systems: always a member, never reported. */
    public static final int ALL_SYSTEMS = 0xE000_0001;
    /** 224.0.0.2, all routers: the destination of IGMPv2 leaves. */
    public static final int ALL_ROUTERS = 0xE000_0002;
    /** 224.0.0.22, all IGMPv3-capable routers: the destination of IGMPv3 reports. */
    public static final int ALL_IGMPV3_ROUTERS = 0xE000_0016;
    /** IP protocol number of IGMP. */
    public static final int PROTOCOL_IGMP = 2;
    /** Length of the IPv4 header this class writes: 20 bytes plus the 4-byte Router Alert option. */
    public static final int IP_HEADER_LENGTH = 24;
    /** The TOS of every datagram: precedence "Internetwork Control" (RFC 3376 §4). */
    public static final int TOS_INTERNETWORK_CONTROL = 0xC0;
    /** The RFC 2113 Router Alert option: type 148 (copied, class 0, number 20), length 4, value 0. */
    public static final int ROUTER_ALERT_OPTION = 0x9404_0000;
    /** RFC 2236 §8.11: the Version 1 Router Present Timeout of an IGMPv2 host, 400 s. */
    public static final long V1_ROUTER_PRESENT_TIMEOUT_NS = 400L * 1_000_000_000L;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long TENTH_NS = 100_000_000L;
    private static final int V1_MAX_RESPONSE_TENTHS = 100;
    private static final int MISSING = -1;
    private static final int FREE = 0;
    private static final int IGMP_OFFSET = IP_HEADER_LENGTH;

    private final IgmpConfig config;
    private final IgmpOutput output;
    private final int localAddress;
    private final int capacity;
    private final SplittableRandom random;

    // The table: slot-indexed parallel arrays; groups[slot] == FREE for a free slot (0.0.0.0 is never a group).
    private final Int2IntHashMap index;
    private final int[] groups;
    private final int[] references;
    private final boolean[] responsePending;
    private final long[] responseDeadlineNs;
    private final int[] changesLeft;
    private final long[] changeDeadlineNs;
    private final byte[] changeRecord;
    private final boolean[] lastReporter;
    private final int[] freeSlots;
    private int freeSlotCount;
    private int memberCount;

    // The interface: the IGMPv3 general response and the querier-present timers.
    private boolean generalPending;
    private long generalDeadlineNs;
    private boolean v1QuerierPresent;
    private long v1QuerierUntilNs;
    private boolean v2QuerierPresent;
    private long v2QuerierUntilNs;
    private int querierRobustness;
    private long querierQueryIntervalNs;
    private long earliestNs = NO_DEADLINE;

    // Receive and transmit.
    private final IgmpFlyweight rxIgmp = new IgmpFlyweight();
    private final MemorySegment txBuffer;
    private final Ipv4Flyweight txIp = new Ipv4Flyweight();
    private final IgmpFlyweight txIgmp = new IgmpFlyweight();
    private final int maxRecordsPerReport;

    private final long[] counters = new long[IgmpCounter.values().length];

    /**
     * Allocates every structure.
     *
     * @param config the configuration.
     * @param output where datagrams go.
     */
    public Igmp(final IgmpConfig config, final IgmpOutput output)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.output = Objects.requireNonNull(output, "output");
        localAddress = config.localAddress();
        capacity = config.maxGroups();
        random = new SplittableRandom(config.randomSeed());
        index = new Int2IntHashMap(Math.max(8, capacity * 2), 0.65f, MISSING);
        groups = new int[capacity];
        references = new int[capacity];
        responsePending = new boolean[capacity];
        responseDeadlineNs = new long[capacity];
        changesLeft = new int[capacity];
        changeDeadlineNs = new long[capacity];
        changeRecord = new byte[capacity];
        lastReporter = new boolean[capacity];
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
        }
        freeSlotCount = capacity;
        querierRobustness = config.robustness();
        querierQueryIntervalNs = config.queryIntervalNs();
        txBuffer = MemorySegment.ofArray(new byte[config.mtu()]);
        maxRecordsPerReport = (config.mtu() - IP_HEADER_LENGTH - IgmpFlyweight.V3_REPORT_HEADER_LENGTH)
            / IgmpFlyweight.RECORD_HEADER_LENGTH;
    }

    /**
     * The configuration.
     *
     * @return the configuration this instance was built with.
     */
    public IgmpConfig config()
    {
        return config;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Membership
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Adds a reference to a group; the first one joins it and starts the unsolicited reports (see the class
     * description). Joining 224.0.0.1 does nothing and succeeds.
     *
     * @param group a multicast address (224.0.0.0/4).
     * @param nowNs the current time.
     * @return true if the group is now joined; false if the table is full ({@link IgmpCounter#JOINS_TABLE_FULL}).
     * @throws IllegalArgumentException if {@code group} is not a multicast address.
     * @throws IllegalStateException if the group already holds {@link Integer#MAX_VALUE} references.
     */
    public boolean join(final int group, final long nowNs)
    {
        checkGroup(group);
        if (group == ALL_SYSTEMS)
        {
            return true;
        }
        expireQueriers(nowNs);
        int slot = index.get(group);
        if (slot != MISSING && references[slot] > 0)
        {
            if (references[slot] == Integer.MAX_VALUE)
            {
                throw new IllegalStateException("group " + format(group) + " already has " + Integer.MAX_VALUE
                    + " references");
            }
            references[slot]++;
            count(IgmpCounter.JOINS_SHARED);
            return true;
        }
        if (slot == MISSING)
        {
            if (freeSlotCount == 0)
            {
                count(IgmpCounter.JOINS_TABLE_FULL);
                return false;
            }
            slot = freeSlots[--freeSlotCount];
            groups[slot] = group;
            responsePending[slot] = false;
            changesLeft[slot] = 0;
            lastReporter[slot] = false;
            index.put(group, slot);
        }
        references[slot] = 1;
        memberCount++;
        count(IgmpCounter.JOINS);
        stateChange(slot, IgmpFlyweight.RECORD_CHANGE_TO_EXCLUDE, nowNs);
        return true;
    }

    /**
     * Drops a reference to a group; the last one leaves it (see the class description). Leaving 224.0.0.1 does
     * nothing and succeeds.
     *
     * @param group a multicast address (224.0.0.0/4).
     * @param nowNs the current time.
     * @return true if a reference was dropped; false if the group was not joined
     *     ({@link IgmpCounter#LEAVES_NOT_JOINED}).
     * @throws IllegalArgumentException if {@code group} is not a multicast address.
     */
    public boolean leave(final int group, final long nowNs)
    {
        checkGroup(group);
        if (group == ALL_SYSTEMS)
        {
            return true;
        }
        final int slot = index.get(group);
        if (slot == MISSING || references[slot] == 0)
        {
            count(IgmpCounter.LEAVES_NOT_JOINED);
            return false;
        }
        if (--references[slot] > 0)
        {
            count(IgmpCounter.LEAVES_SHARED);
            return true;
        }
        memberCount--;
        count(IgmpCounter.LEAVES);
        expireQueriers(nowNs);
        responsePending[slot] = false;
        final IgmpVersion mode = compatibilityMode();
        if (mode == IgmpVersion.V3)
        {
            stateChange(slot, IgmpFlyweight.RECORD_CHANGE_TO_INCLUDE, nowNs);
            return true;
        }
        if (mode == IgmpVersion.V2)
        {
            if (lastReporter[slot])
            {
                if (emitV2(IgmpFlyweight.TYPE_LEAVE, ALL_ROUTERS, group))
                {
                    count(IgmpCounter.TX_LEAVES);
                }
            }
            else
            {
                count(IgmpCounter.LEAVES_NOT_LAST_REPORTER);
            }
        }
        free(slot);
        return true;
    }

    /**
     * Whether datagrams to {@code group} are wanted: the IPv4 layer's acceptance check for multicast
     * destinations. Allocates nothing and has no side effect.
     *
     * @param group an IPv4 address.
     * @return true for 224.0.0.1 and for every group with at least one reference.
     */
    public boolean isMember(final int group)
    {
        if (group == ALL_SYSTEMS)
        {
            return true;
        }
        final int slot = index.get(group);
        return slot != MISSING && references[slot] > 0;
    }

    /**
     * How many references a group holds.
     *
     * @param group an IPv4 address.
     * @return the reference count, 0 when not joined (and for 224.0.0.1, which is not counted).
     */
    public int references(final int group)
    {
        final int slot = index.get(group);
        return slot == MISSING ? 0 : references[slot];
    }

    /**
     * How many groups are joined (224.0.0.1 not included).
     *
     * @return groups with at least one reference.
     */
    public int memberCount()
    {
        return memberCount;
    }

    /**
     * How many table slots are in use: member groups plus groups still sending IGMPv3 leave reports.
     *
     * @return {@code memberCount() <= slotsInUse() <= maxGroups}.
     */
    public int slotsInUse()
    {
        return capacity - freeSlotCount;
    }

    /**
     * The host compatibility mode, RFC 3376 §7.2.1, as of the last call that took a time.
     *
     * @return V1 while an IGMPv1 querier is present, else V2 while an IGMPv2 querier is present or when configured
     *     for IGMPv2, else V3.
     */
    public IgmpVersion compatibilityMode()
    {
        if (v1QuerierPresent)
        {
            return IgmpVersion.V1;
        }
        if (v2QuerierPresent || config.version() == IgmpVersion.V2)
        {
            return IgmpVersion.V2;
        }
        return IgmpVersion.V3;
    }

    /** Starts a join's or an IGMPv3 leave's reports: the first now, the rest from the timer. */
    private void stateChange(final int slot, final int record, final long nowNs)
    {
        changeRecord[slot] = (byte)record;
        changesLeft[slot] = config.robustness();
        sendChange(slot, nowNs);
    }

    /** Sends one unsolicited (v1/v2) or state-change (v3) report and schedules the next or frees a left group. */
    private void sendChange(final int slot, final long nowNs)
    {
        changesLeft[slot]--;
        final IgmpVersion mode = compatibilityMode();
        if (mode == IgmpVersion.V3)
        {
            emitV3Single(changeRecord[slot], groups[slot]);
            if (changesLeft[slot] > 0)
            {
                changeDeadlineNs[slot] = note(nowNs + 1 + random.nextLong(config.v3UnsolicitedReportIntervalNs()));
            }
            else if (references[slot] == 0)
            {
                free(slot);
            }
            return;
        }
        reportOlder(slot, mode);
        if (changesLeft[slot] > 0)
        {
            changeDeadlineNs[slot] = note(nowNs + config.v2UnsolicitedReportIntervalNs());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Receive path
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Processes one received IGMP message: the payload of an IPv4 datagram with protocol 2 that the IPv4 layer
     * accepted (any destination we accept: RFC 3376 §4.1.12 says a query to any of our addresses is processed).
     * Malformed messages, bad checksums and messages from our own address are counted and dropped. Responses are
     * scheduled, never sent from here; a mode change may be counted.
     *
     * @param segment the memory holding the message.
     * @param offset  the message's first byte (the IGMP type).
     * @param length  the message length: the IPv4 payload length.
     * @param source  the IPv4 source address.
     * @param nowNs   the current time.
     * @throws NullPointerException if {@code segment} is null.
     */
    public void onIgmp(final MemorySegment segment, final long offset, final int length, final int source,
        final long nowNs)
    {
        if (rxIgmp.wrap(segment, offset, length) != Malformed.OK)
        {
            count(IgmpCounter.RX_TRUNCATED);
            return;
        }
        if (!rxIgmp.verifyChecksum())
        {
            count(IgmpCounter.RX_BAD_CHECKSUM);
            return;
        }
        if (source == localAddress)
        {
            count(IgmpCounter.RX_OWN);
            return;
        }
        expireQueriers(nowNs);
        final int type = rxIgmp.type();
        if (type == IgmpFlyweight.TYPE_QUERY)
        {
            onQuery(nowNs);
        }
        else if (type == IgmpFlyweight.TYPE_V1_REPORT || type == IgmpFlyweight.TYPE_V2_REPORT)
        {
            onOlderReport(type == IgmpFlyweight.TYPE_V1_REPORT ? IgmpCounter.RX_V1_REPORTS
                : IgmpCounter.RX_V2_REPORTS);
        }
        else if (type == IgmpFlyweight.TYPE_V3_REPORT)
        {
            count(IgmpCounter.RX_V3_REPORTS);
        }
        else if (type == IgmpFlyweight.TYPE_LEAVE)
        {
            count(IgmpCounter.RX_LEAVES);
        }
        else
        {
            count(IgmpCounter.RX_UNKNOWN_TYPE);
        }
    }

    private void onQuery(final long nowNs)
    {
        final int version = rxIgmp.queryVersion();
        if (version == 0)
        {
            count(IgmpCounter.RX_BAD_QUERY_LENGTH);
            return;
        }
        final int group = version == 1 ? 0 : rxIgmp.group();
        if (group != 0 && !isMulticast(group))
        {
            count(IgmpCounter.RX_BAD_GROUP);
            return;
        }
        final long maxResponseNs = (version == 1 ? V1_MAX_RESPONSE_TENTHS : rxIgmp.maxResponseTimeTenths())
            * TENTH_NS;
        final IgmpVersion before = compatibilityMode();
        if (version == 3)
        {
            count(IgmpCounter.RX_V3_QUERIES);
            final int qrv = rxIgmp.querierRobustness();
            final int qqi = rxIgmp.querierQueryIntervalSeconds();
            querierRobustness = qrv != 0 ? qrv : config.robustness();
            querierQueryIntervalNs = qqi != 0 ? qqi * 1_000_000_000L : config.queryIntervalNs();
        }
        else if (version == 2)
        {
            count(IgmpCounter.RX_V2_QUERIES);
            if (config.version() == IgmpVersion.V3)
            {
                v2QuerierPresent = true;
                v2QuerierUntilNs = note(nowNs + olderQuerierTimeoutNs(maxResponseNs));
            }
        }
        else
        {
            count(IgmpCounter.RX_V1_QUERIES);
            v1QuerierPresent = true;
            v1QuerierUntilNs = note(nowNs + (config.version() == IgmpVersion.V3
                ? olderQuerierTimeoutNs(maxResponseNs) : V1_ROUTER_PRESENT_TIMEOUT_NS));
        }
        final IgmpVersion mode = compatibilityMode();
        if (mode != before)
        {
            enteredMode(mode);
            if (before == IgmpVersion.V3)
            {
                dropV3State();
            }
        }
        if (mode == IgmpVersion.V3)
        {
            onV3Query(group, maxResponseNs, nowNs);
        }
        else
        {
            onOlderQuery(group, maxResponseNs, nowNs);
        }
    }

    /** RFC 3376 §8.12: robustness times the query interval plus one query response interval. */
    private long olderQuerierTimeoutNs(final long maxResponseNs)
    {
        return querierRobustness * querierQueryIntervalNs + maxResponseNs;
    }

    /** RFC 3376 §5.2. */
    private void onV3Query(final int group, final long maxResponseNs, final long nowNs)
    {
        final long deadline = nowNs + random.nextLong(maxResponseNs + 1);
        if (generalPending && generalDeadlineNs - deadline <= 0)
        {
            count(IgmpCounter.RESPONSES_ALREADY_PENDING);
            return;
        }
        if (group == 0)
        {
            generalPending = true;
            generalDeadlineNs = note(deadline);
            count(IgmpCounter.GENERAL_RESPONSES_SCHEDULED);
            return;
        }
        final int slot = index.get(group);
        if (slot == MISSING || references[slot] == 0)
        {
            count(IgmpCounter.RX_QUERY_NOT_MEMBER);
            return;
        }
        if (responsePending[slot] && responseDeadlineNs[slot] - deadline <= 0)
        {
            count(IgmpCounter.RESPONSES_ALREADY_PENDING);
            return;
        }
        responsePending[slot] = true;
        responseDeadlineNs[slot] = note(deadline);
        count(IgmpCounter.GROUP_RESPONSES_SCHEDULED);
    }

    /** RFC 2236 §3 and §6 (also for IGMPv1 queries, and IGMPv3 queries heard in an older mode). */
    private void onOlderQuery(final int group, final long maxResponseNs, final long nowNs)
    {
        if (group != 0)
        {
            final int slot = index.get(group);
            if (slot == MISSING || references[slot] == 0)
            {
                count(IgmpCounter.RX_QUERY_NOT_MEMBER);
                return;
            }
            delayResponse(slot, maxResponseNs, nowNs);
            return;
        }
        for (int slot = 0; slot < capacity; slot++)
        {
            if (references[slot] > 0)
            {
                delayResponse(slot, maxResponseNs, nowNs);
            }
        }
    }

    private void delayResponse(final int slot, final long maxResponseNs, final long nowNs)
    {
        // "If a timer for the group is already running, it is reset to the random value only if the requested Max
        // Response Time is less than the remaining value of the running timer."
        if (responsePending[slot] && responseDeadlineNs[slot] - nowNs <= maxResponseNs)
        {
            count(IgmpCounter.RESPONSES_ALREADY_PENDING);
            return;
        }
        responsePending[slot] = true;
        responseDeadlineNs[slot] = note(nowNs + random.nextLong(maxResponseNs + 1));
        count(IgmpCounter.GROUP_RESPONSES_SCHEDULED);
    }

    private void onOlderReport(final IgmpCounter counter)
    {
        count(counter);
        final int group = rxIgmp.group();
        if (!isMulticast(group))
        {
            count(IgmpCounter.RX_BAD_GROUP);
            return;
        }
        final int slot = index.get(group);
        if (compatibilityMode() == IgmpVersion.V3 || slot == MISSING || references[slot] == 0
            || (!responsePending[slot] && changesLeft[slot] == 0))
        {
            count(IgmpCounter.RX_REPORT_NOT_PENDING);
            return;
        }
        // RFC 2236 §6, Delaying Member, "report received": stop timer, clear flag.
        responsePending[slot] = false;
        changesLeft[slot] = 0;
        lastReporter[slot] = false;
        count(IgmpCounter.REPORTS_SUPPRESSED);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Timers
    // ------------------------------------------------------------------------------------------------------------

    /**
     * When {@link #poll(long)} next has work: a lower bound (a cancelled timer may leave it early, in which case
     * the poll does nothing and moves it on).
     *
     * @return epoch nanoseconds, or {@link #NO_DEADLINE} when no timer is set.
     */
    public long nextDeadlineNs()
    {
        return earliestNs;
    }

    /**
     * Runs every timer due at {@code nowNs}: querier-present expiry, the general response, group responses and
     * report retransmissions. Calling it early does nothing; calling it late runs what is overdue, with new
     * deadlines counted from {@code nowNs}.
     *
     * @param nowNs the current time.
     * @return how many timers ran.
     */
    public int poll(final long nowNs)
    {
        if (earliestNs == NO_DEADLINE || nowNs - earliestNs < 0)
        {
            return 0;
        }
        earliestNs = NO_DEADLINE;
        int ran = expireQueriers(nowNs);
        if (generalPending)
        {
            if (nowNs - generalDeadlineNs >= 0)
            {
                generalPending = false;
                sendGeneralResponse();
                ran++;
            }
            else
            {
                note(generalDeadlineNs);
            }
        }
        for (int slot = 0; slot < capacity; slot++)
        {
            if (groups[slot] == FREE)
            {
                continue;
            }
            if (responsePending[slot])
            {
                if (nowNs - responseDeadlineNs[slot] >= 0)
                {
                    responsePending[slot] = false;
                    sendCurrentState(slot);
                    ran++;
                }
                else
                {
                    note(responseDeadlineNs[slot]);
                }
            }
            if (changesLeft[slot] > 0)
            {
                if (nowNs - changeDeadlineNs[slot] >= 0)
                {
                    sendChange(slot, nowNs);
                    ran++;
                }
                else
                {
                    note(changeDeadlineNs[slot]);
                }
            }
        }
        if (v1QuerierPresent)
        {
            note(v1QuerierUntilNs);
        }
        if (v2QuerierPresent)
        {
            note(v2QuerierUntilNs);
        }
        return ran;
    }

    /** Ends the querier-present timers that are due; returns how many ended. */
    private int expireQueriers(final long nowNs)
    {
        final IgmpVersion before = compatibilityMode();
        int ended = 0;
        if (v1QuerierPresent && nowNs - v1QuerierUntilNs >= 0)
        {
            v1QuerierPresent = false;
            ended++;
        }
        if (v2QuerierPresent && nowNs - v2QuerierUntilNs >= 0)
        {
            v2QuerierPresent = false;
            ended++;
        }
        final IgmpVersion mode = compatibilityMode();
        if (mode != before)
        {
            enteredMode(mode);
        }
        return ended;
    }

    private void enteredMode(final IgmpVersion mode)
    {
        count(mode == IgmpVersion.V1 ? IgmpCounter.COMPAT_V1_ENTERED
            : mode == IgmpVersion.V2 ? IgmpCounter.COMPAT_V2_ENTERED : IgmpCounter.COMPAT_V3_ENTERED);
    }

    /** Leaving IGMPv3: cancel the general response and state-change retransmissions, forget groups being left. */
    private void dropV3State()
    {
        generalPending = false;
        for (int slot = 0; slot < capacity; slot++)
        {
            if (groups[slot] == FREE)
            {
                continue;
            }
            changesLeft[slot] = 0;
            if (references[slot] == 0)
            {
                free(slot);
            }
        }
    }

    /** Answers a group's query in the current mode. */
    private void sendCurrentState(final int slot)
    {
        final IgmpVersion mode = compatibilityMode();
        if (mode == IgmpVersion.V3)
        {
            emitV3Single(IgmpFlyweight.RECORD_MODE_IS_EXCLUDE, groups[slot]);
        }
        else
        {
            reportOlder(slot, mode);
        }
    }

    /** An IGMPv1 or IGMPv2 report for a group, to the group; sets the "last reporter" flag. */
    private void reportOlder(final int slot, final IgmpVersion mode)
    {
        lastReporter[slot] = true;
        final boolean v1 = mode == IgmpVersion.V1;
        if (emitV2(v1 ? IgmpFlyweight.TYPE_V1_REPORT : IgmpFlyweight.TYPE_V2_REPORT, groups[slot], groups[slot]))
        {
            count(v1 ? IgmpCounter.TX_V1_REPORTS : IgmpCounter.TX_V2_REPORTS);
        }
    }

    /** RFC 3376 §5.2: every member group as MODE_IS_EXCLUDE{}, split over as many reports as needed. */
    private void sendGeneralResponse()
    {
        int records = 0;
        long record = 0;
        for (int slot = 0; slot < capacity; slot++)
        {
            if (references[slot] == 0)
            {
                continue;
            }
            if (records == 0)
            {
                record = IGMP_OFFSET + IgmpFlyweight.RECORDS_OFFSET;
                txIgmp.wrapForWrite(txBuffer, IGMP_OFFSET, (int)txBuffer.byteSize() - IGMP_OFFSET);
            }
            txIgmp.record(record, IgmpFlyweight.RECORD_MODE_IS_EXCLUDE, 0, 0, groups[slot]);
            record += IgmpFlyweight.RECORD_HEADER_LENGTH;
            if (++records == maxRecordsPerReport)
            {
                emitV3(records);
                records = 0;
            }
        }
        if (records > 0)
        {
            emitV3(records);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Datagram building
    // ------------------------------------------------------------------------------------------------------------

    /** An IGMPv3 report with one record without sources. */
    private void emitV3Single(final int recordType, final int group)
    {
        txIgmp.wrapForWrite(txBuffer, IGMP_OFFSET, (int)txBuffer.byteSize() - IGMP_OFFSET)
            .record(IGMP_OFFSET + IgmpFlyweight.RECORDS_OFFSET, recordType, 0, 0, group);
        emitV3(1);
    }

    /** Finishes an IGMPv3 report whose {@code records} source-less records are already written, and sends it. */
    private void emitV3(final int records)
    {
        final int igmpLength = IgmpFlyweight.V3_REPORT_HEADER_LENGTH + records * IgmpFlyweight.RECORD_HEADER_LENGTH;
        txIgmp.wrapForWrite(txBuffer, IGMP_OFFSET, igmpLength)
            .type(IgmpFlyweight.TYPE_V3_REPORT)
            .recordCount(records)
            .checksum(0)
            .updateChecksum();
        if (transmit(ALL_IGMPV3_ROUTERS, igmpLength))
        {
            count(IgmpCounter.TX_V3_REPORTS);
            counters[IgmpCounter.TX_V3_RECORDS.ordinal()] += records;
        }
    }

    /** An 8-byte IGMPv1/v2 message (Max Resp 0). */
    private boolean emitV2(final int type, final int destination, final int group)
    {
        txIgmp.wrapForWrite(txBuffer, IGMP_OFFSET, IgmpFlyweight.HEADER_LENGTH)
            .type(type)
            .maxResponseCode(0)
            .checksum(0)
            .group(group)
            .updateChecksum();
        return transmit(destination, IgmpFlyweight.HEADER_LENGTH);
    }

    /** Writes the IPv4 header in front of the IGMP message at {@link #IGMP_OFFSET} and hands the datagram out. */
    private boolean transmit(final int destination, final int igmpLength)
    {
        final int totalLength = IP_HEADER_LENGTH + igmpLength;
        txIp.wrapForWrite(txBuffer, 0, totalLength)
            .versionIhl(0x40 | (IP_HEADER_LENGTH / 4))
            .tos(TOS_INTERNETWORK_CONTROL)
            .totalLength(totalLength)
            .identification(0)
            .fragment(true, false, 0)
            .ttl(1)
            .protocol(PROTOCOL_IGMP)
            .headerChecksum(0)
            .source(localAddress)
            .destination(destination);
        txBuffer.set(U32, Ipv4Flyweight.OPTIONS_OFFSET, ROUTER_ALERT_OPTION);
        txIp.updateHeaderChecksum();
        if (output.transmit(txBuffer, 0, totalLength))
        {
            return true;
        }
        count(IgmpCounter.TX_DROPPED);
        return false;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The Ethernet multicast MAC of an IPv4 multicast address (RFC 1112 §6.4): 01:00:5e and the low 23 bits.
     *
     * @param group a multicast address.
     * @return the MAC in the low 48 bits.
     * @throws IllegalArgumentException if {@code group} is not a multicast address.
     */
    public static long multicastMac(final int group)
    {
        checkGroup(group);
        return 0x01_00_5E_00_00_00L | (group & 0x7F_FFFF);
    }

    /**
     * Whether an address is IPv4 multicast, 224.0.0.0/4.
     *
     * @param address an IPv4 address.
     * @return whether its top four bits are 1110.
     */
    public static boolean isMulticast(final int address)
    {
        return address >>> 28 == 0xE;
    }

    /** Dotted-quad text; allocates (messages only). */
    static String format(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
            + (address & 0xFF);
    }

    private static void checkGroup(final int group)
    {
        if (!isMulticast(group))
        {
            throw new IllegalArgumentException("group must be a multicast address (224.0.0.0/4), was "
                + format(group));
        }
    }

    private long note(final long deadlineNs)
    {
        if (earliestNs == NO_DEADLINE || deadlineNs - earliestNs < 0)
        {
            earliestNs = deadlineNs;
        }
        return deadlineNs;
    }

    private void free(final int slot)
    {
        index.remove(groups[slot]);
        groups[slot] = FREE;
        references[slot] = 0;
        responsePending[slot] = false;
        changesLeft[slot] = 0;
        lastReporter[slot] = false;
        freeSlots[freeSlotCount++] = slot;
    }

    /**
     * One counter.
     *
     * @param counter which.
     * @return its value.
     */
    public long counter(final IgmpCounter counter)
    {
        return counters[counter.ordinal()];
    }

    private void count(final IgmpCounter counter)
    {
        counters[counter.ordinal()]++;
    }

    /**
     * Checks every internal invariant (index against slots, free list, reference counts, pending work); for
     * tests. Allocates.
     *
     * @throws IllegalStateException describing the first broken invariant.
     */
    void verify()
    {
        if (index.size() != slotsInUse())
        {
            throw new IllegalStateException("index holds " + index.size() + " groups, table " + slotsInUse());
        }
        final boolean[] free = new boolean[capacity];
        for (int i = 0; i < freeSlotCount; i++)
        {
            if (free[freeSlots[i]])
            {
                throw new IllegalStateException("slot " + freeSlots[i] + " twice on the free list");
            }
            free[freeSlots[i]] = true;
        }
        int members = 0;
        for (int slot = 0; slot < capacity; slot++)
        {
            if (free[slot] != (groups[slot] == FREE))
            {
                throw new IllegalStateException("slot " + slot + " free list and group disagree");
            }
            if (free[slot])
            {
                if (references[slot] != 0 || responsePending[slot] || changesLeft[slot] != 0)
                {
                    throw new IllegalStateException("free slot " + slot + " holds state");
                }
                continue;
            }
            if (!isMulticast(groups[slot]) || groups[slot] == ALL_SYSTEMS || index.get(groups[slot]) != slot)
            {
                throw new IllegalStateException("slot " + slot + " holds " + format(groups[slot]));
            }
            if (references[slot] < 0 || changesLeft[slot] < 0 || changesLeft[slot] > config.robustness())
            {
                throw new IllegalStateException("slot " + slot + " has references " + references[slot]
                    + " and changes left " + changesLeft[slot]);
            }
            if (references[slot] > 0)
            {
                members++;
            }
            else if (changesLeft[slot] == 0 || responsePending[slot]
                || changeRecord[slot] != IgmpFlyweight.RECORD_CHANGE_TO_INCLUDE)
            {
                throw new IllegalStateException("slot " + slot + " kept without references or a leave to send");
            }
            if ((responsePending[slot] && responseDeadlineNs[slot] - earliestNs < 0)
                || (changesLeft[slot] > 0 && changeDeadlineNs[slot] - earliestNs < 0))
            {
                throw new IllegalStateException("slot " + slot + " has a deadline before nextDeadlineNs()");
            }
        }
        if (members != memberCount)
        {
            throw new IllegalStateException(members + " member slots, memberCount " + memberCount);
        }
        if (generalPending && generalDeadlineNs - earliestNs < 0)
        {
            throw new IllegalStateException("general response before nextDeadlineNs()");
        }
    }
}
