package io.tachyon.ipv4;

import static io.tachyon.ipv4.Datagrams.segment;
import static io.tachyon.ipv4.Datagrams.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.tachyon.ipv4.Ipv4Reassembly.Outcome;
import io.tachyon.time.VirtualClock;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.constraints.IntRange;

/** Properties (a) to (d) of the reassembler and fragmenter. */
class Ipv4ReassemblyPropertiesTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long TIMEOUT = 30 * SECOND;

    /** Shared across tries (each try leaves it empty or lets its leftovers expire). */
    private static final Ipv4Reassembly SHARED = new Ipv4Reassembly(Ipv4ReassemblyConfig.defaults()
        .withMaxDatagrams(8).withMaxFragmentsPerDatagram(8192).withMemoryBytes(1L << 20), null);
    private static final MemorySegment PIECES = MemorySegment.ofArray(new byte[65_535 + 8192 * 60]);
    private static long sharedNow = VirtualClock.DEFAULT_START_NS;

    @AfterContainer
    static void closeShared()
    {
        SHARED.close();
    }

    /** A fresh instant for each try, after every leftover of the previous try has expired. */
    private static long nextTry()
    {
        sharedNow += 2 * TIMEOUT;
        SHARED.expire(sharedNow);
        assertEquals(0, SHARED.memoryInUse());
        return sharedNow;
    }

    /** Boundaries {@code 0 = b0 < b1 < ... < bn = size}, inner ones multiples of 8, at least two pieces. */
    static int[] cuts(final SplittableRandom random, final int size)
    {
        final int units = (size - 1) / 8; // inner cut candidates 8, 16, ... < size
        final int wanted = 1 + random.nextInt(Math.min(units, 1 + random.nextInt(40)));
        final int[] chosen = new int[wanted];
        for (int i = 0; i < wanted; i++)
        {
            chosen[i] = 8 * (1 + random.nextInt(units));
        }
        final int[] inner = Arrays.stream(chosen).distinct().sorted().toArray();
        final int[] bounds = new int[inner.length + 2];
        System.arraycopy(inner, 0, bounds, 1, inner.length);
        bounds[bounds.length - 1] = size;
        return bounds;
    }

    static byte[] options(final SplittableRandom random)
    {
        final int words = random.nextInt(3) == 0 ? random.nextInt(11) : 0;
        final byte[] options = new byte[words * 4];
        for (int w = 0; w < words; w++)
        {
            final byte[] word = random.nextBoolean() ? new byte[] {(byte)0x94, 4, 0, 0} : new byte[] {1, 1, 1, 1};
            System.arraycopy(word, 0, options, w * 4, 4);
        }
        return options;
    }

    static <T> void shuffle(final List<T> list, final SplittableRandom random)
    {
        for (int i = list.size() - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    /** (a) Random aligned splits, random order, random exact duplicates: byte-exact, exactly once. */
    @Property(seed = "20261122")
    void shouldReassembleAnySplitInAnyOrderExactlyOnce(
        @ForAll @IntRange(min = 9, max = 20_000) final int size, @ForAll final long seed)
    {
        final long now = nextTry();
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] options = options(random);
        final byte[] payload = Datagrams.randomBytes(random, size);
        final int id = random.nextInt(65_536);
        final int[] bounds = cuts(random, size);
        final List<byte[]> arrivals = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.length; i++)
        {
            arrivals.add(Datagrams.fragment(Datagrams.SOURCE, 17, id, options, payload, bounds[i], bounds[i + 1],
                i + 2 < bounds.length));
        }
        shuffle(arrivals, random);
        // Duplicates of every piece but the one that arrives last, anywhere before it: after completion the
        // reassembler has forgotten the datagram (as Linux has), so a late copy would start a new one.
        final List<byte[]> repeats = new ArrayList<>();
        for (int i = 0; i + 1 < arrivals.size(); i++)
        {
            if (random.nextInt(4) == 0)
            {
                repeats.add(arrivals.get(i).clone());
            }
        }
        for (final byte[] repeat : repeats)
        {
            arrivals.add(random.nextInt(arrivals.size()), repeat);
        }
        final int distinct = bounds.length - 1;
        final java.util.Set<Integer> seen = new java.util.HashSet<>();
        int completions = 0;
        final long duplicatesBefore = SHARED.duplicates();
        int expectedDuplicates = 0;
        for (final byte[] piece : arrivals)
        {
            final boolean repeat = !seen.add(Arrays.hashCode(piece));
            final Outcome outcome = SHARED.accept(segment(piece), 0, piece.length, now);
            if (repeat)
            {
                expectedDuplicates++;
                assertEquals(Outcome.DUPLICATE, outcome);
            }
            else if (seen.size() == distinct)
            {
                assertEquals(Outcome.COMPLETE, outcome);
                assertArrayEquals(Datagrams.datagram(Datagrams.SOURCE, 17, id, options, payload, false),
                    view(SHARED));
                completions++;
            }
            else
            {
                assertEquals(Outcome.HELD, outcome);
            }
        }
        assertEquals(1, completions);
        assertEquals(expectedDuplicates, SHARED.duplicates() - duplicatesBefore);
    }

    /** (b) Fragmenter then reassembler, any size and MTU, any order: the original, byte-exact. */
    @Property(seed = "20261123")
    void shouldRoundTripThroughFragmenterAndReassembly(
        @ForAll @IntRange(min = 0, max = 65_515) final int requestedSize,
        @ForAll @IntRange(min = 68, max = 9000) final int mtu, @ForAll final long seed)
    {
        final long now = nextTry();
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] options = options(random);
        final int size = Math.min(requestedSize, 65_515 - options.length);
        final byte[] payload = Datagrams.randomBytes(random, size);
        final int id = random.nextInt(65_536);
        final byte[] original = Datagrams.datagram(Datagrams.SOURCE, 6, id, options, payload, false);
        final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();
        final int count = fragmenter.start(segment(original), 0, original.length, mtu);
        final List<long[]> pieces = new ArrayList<>();
        long at = 0;
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        int expectedStart = 0;
        while (fragmenter.hasNext())
        {
            final int length = fragmenter.next(PIECES, at, mtu);
            assertTrue(length <= mtu);
            assertEquals(Malformed.OK, ip.wrap(PIECES, at, length));
            assertTrue(ip.verifyHeaderChecksum());
            assertEquals(id, ip.identification());
            assertEquals(expectedStart, ip.fragmentOffsetBytes());
            final boolean last = !fragmenter.hasNext();
            assertEquals(!last, ip.moreFragments());
            if (!last)
            {
                assertEquals(0, ip.payloadLength() % 8);
            }
            expectedStart += ip.payloadLength();
            pieces.add(new long[] {at, length});
            at += length;
        }
        assertEquals(count, pieces.size());
        assertEquals(size, expectedStart);
        assertEquals(original.length <= mtu ? 1 : count, pieces.size());
        shuffle(pieces, random);
        int completions = 0;
        for (final long[] piece : pieces)
        {
            final Outcome outcome = SHARED.accept(PIECES, piece[0], (int)piece[1], now);
            if (outcome == Outcome.COMPLETE || outcome == Outcome.NOT_FRAGMENT)
            {
                completions++;
                assertEquals(pieces.size() == 1 ? Outcome.NOT_FRAGMENT : Outcome.COMPLETE, outcome);
                assertArrayEquals(original, view(SHARED));
            }
            else
            {
                assertEquals(Outcome.HELD, outcome);
            }
        }
        assertEquals(1, completions);
    }

    /** (c1) Garbage interleaved with good datagrams, generous bounds: every good datagram arrives, exactly. */
    @Property(seed = "20261124")
    void shouldDeliverEveryGoodDatagramAmidGarbage(@ForAll final long seed)
    {
        garbage(seed, Ipv4ReassemblyConfig.defaults(), true);
    }

    /** (c2) The same under tight bounds: memory and slots never exceed their bounds, nothing throws. */
    @Property(seed = "20261125")
    void shouldStayWithinBoundsUnderGarbage(@ForAll final long seed)
    {
        garbage(seed, Ipv4ReassemblyConfig.defaults().withMaxDatagrams(8).withMaxFragmentsPerDatagram(16)
            .withMemoryBytes(Ipv4ReassemblyConfig.minimumMemoryBytes(8, 65_535)), false);
    }

    private static void garbage(final long seed, final Ipv4ReassemblyConfig config, final boolean generous)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final VirtualClock clock = new VirtualClock();
        try (Ipv4Reassembly reassembly = new Ipv4Reassembly(config, null))
        {
            assertEquals(config.memoryBytes(), reassembly.memoryAllocated());
            final Map<Integer, byte[]> expected = new HashMap<>();
            final List<byte[]> arrivals = new ArrayList<>();
            final int good = 1 + random.nextInt(6);
            for (int g = 0; g < good; g++)
            {
                final int id = 1000 + g;
                final byte[] payload = Datagrams.randomBytes(random, 9 + random.nextInt(12_000));
                expected.put(id, Datagrams.datagram(id, payload));
                final int[] bounds = cuts(random, payload.length);
                for (int i = 0; i + 1 < bounds.length; i++)
                {
                    arrivals.add(Datagrams.fragment(id, payload, bounds[i], bounds[i + 1], i + 2 < bounds.length));
                }
            }
            final int garbageCount = random.nextInt(300);
            for (int i = 0; i < garbageCount; i++)
            {
                arrivals.add(garbageFragment(random));
            }
            shuffle(arrivals, random);
            final Map<Integer, Integer> completions = new HashMap<>();
            final Ipv4Flyweight ip = new Ipv4Flyweight();
            for (final byte[] piece : arrivals)
            {
                clock.advance(random.nextInt(50_000_000)); // at most 300 * 50 ms = 15 s in all: no timeouts
                final Outcome outcome = reassembly.accept(segment(piece), 0, piece.length, clock.nanoTime());
                assertTrue(reassembly.memoryInUse() <= reassembly.memoryCapacity());
                assertTrue(reassembly.memoryCapacity() <= config.memoryBytes());
                assertTrue(reassembly.datagramsInProgress() + reassembly.poisonedKeys() <= config.maxDatagrams());
                if (outcome == Outcome.COMPLETE)
                {
                    final byte[] whole = view(reassembly);
                    assertEquals(Malformed.OK, ip.wrap(segment(whole), 0, whole.length));
                    assertTrue(ip.verifyHeaderChecksum());
                    final byte[] want = expected.get(ip.identification());
                    if (ip.source() == Datagrams.SOURCE && want != null)
                    {
                        assertArrayEquals(want, whole);
                        completions.merge(ip.identification(), 1, Integer::sum);
                    }
                }
            }
            completions.values().forEach(n -> assertEquals(1, n));
            if (generous)
            {
                assertEquals(0, reassembly.evictions());
                assertEquals(expected.keySet(), completions.keySet());
            }
            assertEquals(0, reassembly.timeouts());
            clock.advance(TIMEOUT);
            reassembly.expire(clock.nanoTime());
            assertEquals(0, reassembly.memoryInUse());
            assertEquals(0, reassembly.datagramsInProgress());
            assertEquals(0, reassembly.poisonedKeys());
        }
    }

    /** Random fragments under keys the good datagrams never use, sometimes with a broken header. */
    private static byte[] garbageFragment(final SplittableRandom random)
    {
        final int source = 0x0B00_0000 + random.nextInt(4);
        final int protocol = 250 + random.nextInt(2);
        final int id = random.nextInt(16);
        final int start = 8 * (random.nextBoolean() ? random.nextInt(64) : random.nextInt(8192));
        final int length = random.nextBoolean() ? 8 * random.nextInt(200) : random.nextInt(1600);
        final boolean more = random.nextInt(3) != 0;
        final byte[] payload = new byte[start + length];
        final byte[] bytes = Datagrams.fragment(source, protocol, id, new byte[0], payload, start, start + length,
            more || start == 0);
        switch (random.nextInt(10))
        {
            case 0 -> bytes[random.nextInt(20)] = (byte)random.nextInt(256);
            case 1 -> bytes[3] = (byte)(bytes[3] + 1 + random.nextInt(50));
            case 2 -> random.nextBytes(bytes);
            default ->
            {
            }
        }
        return bytes;
    }

    /** (d) A datagram missing a piece is freed exactly at 30 s and reported only if offset 0 arrived. */
    @Property(seed = "20261126")
    void shouldTimeOutExactlyAndReportOnlyWithTheFirstFragment(
        @ForAll @IntRange(min = 17, max = 9000) final int size, @ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<byte[]> quotes = new ArrayList<>();
        final VirtualClock clock = new VirtualClock(VirtualClock.DEFAULT_START_NS + random.nextLong(1L << 40));
        try (Ipv4Reassembly reassembly = new Ipv4Reassembly(Ipv4ReassemblyConfig.defaults().withMaxDatagrams(4),
            (segment, offset, length) -> quotes.add(segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE))))
        {
            final byte[] payload = Datagrams.randomBytes(random, size);
            final byte[] options = options(random);
            final int[] bounds = cuts(random, size);
            final List<byte[]> pieces = new ArrayList<>();
            for (int i = 0; i + 1 < bounds.length; i++)
            {
                pieces.add(Datagrams.fragment(Datagrams.SOURCE, 17, 77, options, payload, bounds[i], bounds[i + 1],
                    i + 2 < bounds.length));
            }
            final byte[] first = pieces.get(0);
            // Deliver a random proper, non-empty subset.
            final List<byte[]> delivered = new ArrayList<>(pieces);
            shuffle(delivered, random);
            final int keep = 1 + random.nextInt(pieces.size() - 1);
            delivered.subList(keep, delivered.size()).clear();
            final boolean firstSeen = delivered.contains(first);
            final long start = clock.nanoTime();
            for (final byte[] piece : delivered)
            {
                assertEquals(Outcome.HELD, reassembly.accept(segment(piece), 0, piece.length, clock.nanoTime()));
                clock.advance(random.nextLong(TIMEOUT / delivered.size()));
            }
            clock.advanceTo(start + TIMEOUT - 1);
            assertEquals(0, reassembly.expire(clock.nanoTime()));
            assertEquals(1, reassembly.datagramsInProgress());
            assertTrue(quotes.isEmpty());
            clock.advance(1);
            assertEquals(1, reassembly.expire(clock.nanoTime()));
            assertEquals(0, reassembly.datagramsInProgress());
            assertEquals(0, reassembly.memoryInUse());
            assertEquals(1, reassembly.timeouts());
            assertEquals(firstSeen ? 1 : 0, reassembly.timeoutsReported());
            assertEquals(firstSeen ? 1 : 0, quotes.size());
            if (firstSeen)
            {
                final byte[] quote = quotes.get(0);
                assertNotNull(quote);
                assertArrayEquals(Arrays.copyOf(first, 20 + options.length + 8), quote);
            }
        }
    }
}
