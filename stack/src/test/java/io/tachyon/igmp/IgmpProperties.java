package io.tachyon.igmp;

import static io.tachyon.igmp.IgmpTestSupport.OUR_IP;
import static io.tachyon.igmp.IgmpTestSupport.SECOND;
import static io.tachyon.igmp.IgmpTestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import io.tachyon.wire.IgmpFlyweight;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

/**
 * Under any mix of joins, leaves, queries of every version, other hosts' reports, garbage and time, the state stays
 * bounded and consistent (a group is a member iff its reference count is positive), every datagram sent is well
 * formed and addressed per the RFCs, and nothing throws.
 */
class IgmpProperties
{
    private static final int POOL = 12;
    private static final int ROUTER = IgmpTestSupport.ROUTER_IP;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Property(seed = "20261122")
    void shouldStayBoundedAndConsistentUnderRandomTraffic(
        @ForAll final long seed,
        @ForAll @IntRange(min = 1, max = 10) final int maxGroups,
        @ForAll @IntRange(min = 1, max = 4) final int robustness,
        @ForAll final boolean v2)
    {
        run(seed, maxGroups, robustness, v2);
    }

    /** The traffic is not vacuous: over a few hundred runs every counter moves. */
    @Example
    void shouldReachEveryCounter()
    {
        final long[] totals = new long[IgmpCounter.values().length];
        final SplittableRandom seeds = new SplittableRandom(20261122);
        for (int i = 0; i < 300; i++)
        {
            final Igmp igmp = run(seeds.nextLong(), 1 + seeds.nextInt(10), 1 + seeds.nextInt(4), seeds.nextBoolean());
            for (final IgmpCounter counter : IgmpCounter.values())
            {
                totals[counter.ordinal()] += igmp.counter(counter);
            }
        }
        for (final IgmpCounter counter : IgmpCounter.values())
        {
            assertTrue(totals[counter.ordinal()] > 0, counter + " never happened");
        }
    }

    /** Checks every datagram as it is sent. */
    private static final class CheckingOutput implements IgmpOutput
    {
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        final IgmpFlyweight igmp = new IgmpFlyweight();
        boolean refuse;
        int sent;

        @Override
        public boolean transmit(final MemorySegment datagram, final long offset, final int length)
        {
            assertEquals(Malformed.OK, ip.wrap(datagram, offset, length));
            assertEquals(length, ip.totalLength());
            assertTrue(ip.verifyHeaderChecksum());
            assertEquals(1, ip.ttl());
            assertEquals(2, ip.protocol());
            assertEquals(OUR_IP, ip.source());
            assertEquals(Igmp.ROUTER_ALERT_OPTION, datagram.get(U32, ip.optionsOffset()));
            assertEquals(Malformed.OK, igmp.wrap(datagram, ip.payloadOffset(), ip.payloadLength()));
            assertTrue(igmp.verifyChecksum());
            switch (igmp.type())
            {
                case IgmpFlyweight.TYPE_V3_REPORT ->
                {
                    assertEquals(Igmp.ALL_IGMPV3_ROUTERS, ip.destination());
                    assertTrue(igmp.recordCount() > 0);
                    long record = igmp.firstRecordOffset();
                    for (int i = 0; i < igmp.recordCount(); i++)
                    {
                        assertTrue(Igmp.isMulticast(igmp.recordGroup(record)));
                        assertTrue(igmp.recordGroup(record) != Igmp.ALL_SYSTEMS);
                        record = igmp.nextRecordOffset(record);
                    }
                }
                case IgmpFlyweight.TYPE_V2_REPORT, IgmpFlyweight.TYPE_V1_REPORT ->
                    assertEquals(igmp.group(), ip.destination());
                case IgmpFlyweight.TYPE_LEAVE -> assertEquals(Igmp.ALL_ROUTERS, ip.destination());
                default -> throw new AssertionError("sent type " + igmp.type());
            }
            sent++;
            return !refuse;
        }
    }

    private static Igmp run(final long seed, final int maxGroups, final int robustness, final boolean v2)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final CheckingOutput out = new CheckingOutput();
        final Igmp igmp = new Igmp(IgmpConfig.of(OUR_IP).withMaxGroups(maxGroups).withRobustness(robustness)
            .withVersion(v2 ? IgmpVersion.V2 : IgmpVersion.V3).withRandomSeed(seed).withMtu(68 + random.nextInt(100)),
            out);
        final int[] pool = new int[POOL];
        for (int i = 0; i < POOL; i++)
        {
            pool[i] = 0xEF00_0000 | (i + 1);
        }
        pool[0] = Igmp.ALL_SYSTEMS;
        final Map<Integer, Integer> model = new HashMap<>();
        long now = T0;
        for (int step = 0; step < 200; step++)
        {
            final int group = pool[random.nextInt(POOL)];
            out.refuse = random.nextInt(20) == 0;
            switch (random.nextInt(12))
            {
                case 0, 1 ->
                {
                    final boolean joined = igmp.join(group, now);
                    if (joined && group != Igmp.ALL_SYSTEMS)
                    {
                        model.merge(group, 1, Integer::sum);
                    }
                }
                case 2, 3 ->
                {
                    final boolean left = igmp.leave(group, now);
                    final int refs = model.getOrDefault(group, 0);
                    assertEquals(group == Igmp.ALL_SYSTEMS || refs > 0, left);
                    if (refs > 0)
                    {
                        model.put(group, refs - 1);
                    }
                }
                case 4 -> deliver(igmp, IgmpTestSupport.v3Query(random.nextBoolean() ? 0 : group,
                    random.nextInt(256), random.nextInt(8), random.nextInt(256)), ROUTER, now);
                case 5 -> deliver(igmp, IgmpTestSupport.v2Query(random.nextBoolean() ? 0 : group,
                    1 + random.nextInt(255)), ROUTER, now);
                case 6 -> deliver(igmp, IgmpTestSupport.v2Query(0, 0), ROUTER, now);
                case 7 -> deliver(igmp, IgmpTestSupport.igmp(String.format("%s00 0000 %08x",
                    random.nextBoolean() ? "16" : "12", random.nextInt(4) == 0 ? random.nextInt() : group)),
                    IgmpTestSupport.OTHER_HOST_IP, now);
                case 8 -> deliver(igmp, IgmpTestSupport.igmp(random.nextBoolean()
                    ? String.format("1700 0000 %08x", group)
                    : String.format("2200 0000 0000 0001 %02x000000 %08x", 1 + random.nextInt(6), group)),
                    IgmpTestSupport.OTHER_HOST_IP, now);
                case 9 ->
                {
                    final byte[] garbage = new byte[random.nextInt(24)];
                    random.nextBytes(garbage);
                    final byte[] message = garbage.length >= 4 && random.nextBoolean()
                        ? IgmpTestSupport.igmp(IgmpTestSupport.hex(garbage)) : garbage;
                    deliver(igmp, message, random.nextInt(8) == 0 ? OUR_IP : ROUTER, now);
                }
                default ->
                {
                    now += random.nextInt(4) == 0 ? random.nextLong(300 * SECOND) : random.nextLong(2 * SECOND);
                    if (igmp.nextDeadlineNs() != Igmp.NO_DEADLINE && now - igmp.nextDeadlineNs() >= 0)
                    {
                        igmp.poll(now);
                        assertTrue(igmp.nextDeadlineNs() == Igmp.NO_DEADLINE || igmp.nextDeadlineNs() - now > 0,
                            "a poll leaves nothing due");
                    }
                }
            }
            check(igmp, model, pool, maxGroups);
        }
        return igmp;
    }

    private static void deliver(final Igmp igmp, final byte[] message, final int source, final long now)
    {
        igmp.onIgmp(MemorySegment.ofArray(message), 0, message.length, source, now);
    }

    private static void check(final Igmp igmp, final Map<Integer, Integer> model, final int[] pool,
        final int maxGroups)
    {
        igmp.verify();
        int members = 0;
        for (final int group : pool)
        {
            final int refs = group == Igmp.ALL_SYSTEMS ? 0 : model.getOrDefault(group, 0);
            assertEquals(refs, igmp.references(group));
            assertEquals(group == Igmp.ALL_SYSTEMS || refs > 0, igmp.isMember(group), "member iff referenced");
            if (refs > 0)
            {
                members++;
            }
        }
        assertEquals(members, igmp.memberCount());
        assertTrue(igmp.slotsInUse() >= members && igmp.slotsInUse() <= maxGroups);
    }
}
