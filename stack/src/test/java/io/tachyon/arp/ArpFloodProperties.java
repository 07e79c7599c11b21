package io.tachyon.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import io.tachyon.wire.ArpFlyweight;

/** Under any mix of ARP packets, resolutions, queued packets and time, every bound holds and nothing throws. */
class ArpFloodProperties
{
    private static final long OUR_MAC = 0x02_00_00_00_00_01L;
    private static final int OUR_IP = 0x0A_00_00_01;
    private static final int STATIC_IP = 0x0A_00_00_02;
    private static final long STATIC_MAC = 0x02_00_00_00_00_02L;

    @Property(seed = "20261122")
    void shouldStayWithinEveryBoundUnderRandomFlood(
        @ForAll final long seed,
        @ForAll @IntRange(min = 2, max = 24) final int capacity,
        @ForAll @IntRange(min = 1, max = 5) final int perNeighbour,
        @ForAll @IntRange(min = 1, max = 12) final int poolFrames,
        @ForAll @IntRange(min = 1, max = 20) final int rate)
    {
        flood(seed, capacity, perNeighbour, poolFrames, rate);
    }

    /** The flood is not vacuous: over a few hundred runs every path the property guards is taken. */
    @Example
    void shouldReachEveryPathOfTheFlood()
    {
        final long[] totals = new long[ArpCounter.values().length];
        final SplittableRandom seeds = new SplittableRandom(20261122);
        for (int run = 0; run < 300; run++)
        {
            final Arp arp = flood(seeds.nextLong(), 2 + seeds.nextInt(23), 1 + seeds.nextInt(5),
                1 + seeds.nextInt(12), 1 + seeds.nextInt(20));
            for (final ArpCounter counter : ArpCounter.values())
            {
                totals[counter.ordinal()] += arp.counter(counter);
            }
        }
        for (final ArpCounter counter : ArpCounter.values())
        {
            assertTrue(totals[counter.ordinal()] > 0, counter + " never happened in the flood");
        }
    }

    private static Arp flood(final long seed, final int capacity, final int perNeighbour, final int poolFrames,
        final int rate)
    {
        final int maxFrame = 200;
        final int memory = poolFrames * maxFrame + Math.floorMod(seed, maxFrame);
        final ArpConfig config = ArpConfig.of(OUR_MAC, OUR_IP)
            .withCapacity(capacity)
            .withPending(perNeighbour, memory, maxFrame)
            .withRequestRate(rate, 1 + rate / 2)
            .withRetries(100_000_000L, 3, 500_000_000L)
            .withReachableTimeNs(2_000_000_000L)
            .withGcStaleTimeNs(3_000_000_000L)
            .withStaticEntries(List.of(new ArpConfig.StaticEntry(STATIC_IP, STATIC_MAC)));
        final SplittableRandom random = new SplittableRandom(seed);
        final Output output = new Output(random);
        final Arp arp = new Arp(config, output);
        final byte[] packet = new byte[28];
        final MemorySegment packetMemory = MemorySegment.ofArray(packet);
        final ArpFlyweight flyweight = new ArpFlyweight();
        final byte[] frame = new byte[maxFrame + 20];
        final MemorySegment frameMemory = MemorySegment.ofArray(frame);
        long now = 1_700_000_000_000_000_000L + random.nextLong(1L << 40);

        for (int step = 0; step < 400; step++)
        {
            final int op = random.nextInt(10);
            if (op < 5)
            {
                randomArp(random, packet);
                flyweight.wrap(packetMemory, 0, packet.length);
                arp.onArp(flyweight, now);
            }
            else if (op < 7)
            {
                arp.resolve(address(random), now);
            }
            else if (op < 9)
            {
                final int length = 14 + random.nextInt(maxFrame + 6 - 14 + 1);
                random.nextBytes(frame);
                arp.enqueue(address(random), frameMemory, 0, length, now);
            }
            else if (random.nextBoolean())
            {
                arp.confirm(address(random), now);
            }
            else
            {
                arp.announce(now);
            }
            now += random.nextInt(4) == 0 ? random.nextLong(400_000_000L) : 0;
            final long deadline = arp.nextDeadlineNs();
            if (deadline != Arp.NO_DEADLINE && now - deadline >= 0)
            {
                arp.poll(now);
                assertTrue(arp.nextDeadlineNs() == Arp.NO_DEADLINE || arp.nextDeadlineNs() - now > 0,
                    "poll ran everything due");
            }

            assertTrue(arp.size() <= capacity, "table " + arp.size() + " > capacity " + capacity);
            assertTrue(arp.pendingBytes() <= memory, "pending " + arp.pendingBytes() + " > bound " + memory);
            assertTrue(arp.pendingFrames() <= config.pendingFrames());
            assertEquals(STATIC_MAC, arp.peek(STATIC_IP), "static entry intact");
            assertEquals(ArpState.STATIC, arp.state(STATIC_IP));
            assertTrue(arp.counter(ArpCounter.TX_REQUESTS) + arp.counter(ArpCounter.TX_PROBES)
                <= output.requestBudget(config, now), "request rate limit");
            arp.verify();
        }
        assertEquals(output.sent, arp.counter(ArpCounter.TX_REPLIES) + arp.counter(ArpCounter.TX_REQUESTS)
            + arp.counter(ArpCounter.TX_PROBES) + arp.counter(ArpCounter.TX_ANNOUNCEMENTS)
            + arp.counter(ArpCounter.TX_DEFENCES) + arp.counter(ArpCounter.PENDING_FLUSHED)
            + arp.counter(ArpCounter.PENDING_SENT_DIRECT), "every frame sent is counted");
        return arp;
    }

    /** Addresses from a small pool, so that senders, targets and resolutions collide, plus odd ones. */
    private static int address(final SplittableRandom random)
    {
        return switch (random.nextInt(12))
        {
            case 0 -> OUR_IP;
            case 1 -> STATIC_IP;
            case 2 -> 0;
            case 3 -> random.nextInt();
            case 4 -> 0xE0_00_00_00 | random.nextInt(1 << 28);
            default -> 0x0A_00_00_00 | random.nextInt(40);
        };
    }

    private static long mac(final SplittableRandom random)
    {
        return switch (random.nextInt(8))
        {
            case 0 -> OUR_MAC;
            case 1 -> 0;
            case 2 -> 0xFFFF_FFFF_FFFFL;
            case 3 -> random.nextLong(1L << 48);
            default -> 0x02_00_00_00_00_00L | random.nextInt(8);
        };
    }

    private static void randomArp(final SplittableRandom random, final byte[] p)
    {
        if (random.nextInt(20) == 0)
        {
            random.nextBytes(p);
            return;
        }
        p[0] = 0;
        p[1] = 1;
        p[2] = 8;
        p[3] = 0;
        p[4] = 6;
        p[5] = 4;
        p[6] = 0;
        p[7] = (byte)(random.nextInt(8) == 0 ? random.nextInt(256) : 1 + random.nextInt(2));
        final long sha = mac(random);
        final int spa = address(random);
        final int tpa = random.nextInt(6) == 0 ? spa : address(random);
        ArpTestSupport.putMac(p, 8, sha);
        ArpTestSupport.putInt(p, 14, spa);
        ArpTestSupport.putMac(p, 18, mac(random));
        ArpTestSupport.putInt(p, 24, tpa);
    }

    /** Accepts most frames, refuses some; counts what it accepted. */
    private static final class Output implements ArpOutput
    {
        private final SplittableRandom random;
        private long sent;
        private long firstNs = Long.MIN_VALUE;

        Output(final SplittableRandom random)
        {
            this.random = random;
        }

        @Override
        public boolean transmit(final MemorySegment frame, final long offset, final int length)
        {
            if (length < 14 || frame.byteSize() < offset + length)
            {
                throw new AssertionError("bad frame handed out");
            }
            if (random.nextInt(10) == 0)
            {
                return false;
            }
            sent++;
            return true;
        }

        /** Requests the token bucket can have let through by {@code nowNs} (refused ones included). */
        long requestBudget(final ArpConfig config, final long nowNs)
        {
            if (firstNs == Long.MIN_VALUE)
            {
                firstNs = nowNs - 1_000_000_000L; // generous: the bucket started at or after the first step
            }
            return config.requestBurst() + (nowNs - firstNs) / (1_000_000_000L / config.requestRate()) + 1;
        }
    }
}
