package io.tachyon.driver.memory;

import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.tachyon.driver.memory.WireTestSupport.Received;
import static io.tachyon.driver.memory.WireTestSupport.frame;
import static io.tachyon.driver.memory.WireTestSupport.receiveAll;
import static io.tachyon.driver.memory.WireTestSupport.send;
import static io.tachyon.driver.memory.WireTestSupport.startBoth;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each fault of a MemoryWire on a virtual clock, with exact expectations, and determinism by seed.
 */
class MemoryWireFaultTest
{
    private static final long MS = 1_000_000L;

    private final VirtualClock clock = new VirtualClock();

    private MemoryWire wire(final FaultProfile aToB)
    {
        final MemoryWire wire = new MemoryWire(MemoryWireConfig.DEFAULT.withAToB(aToB).withSeed(42L), clock);
        startBoth(wire);
        return wire;
    }

    @Test
    void shouldDeliverByteExactInOrderBothWaysOnAPerfectLink()
    {
        try (MemoryWire wire = wire(FaultProfile.NONE))
        {
            final long t0 = clock.nanoTime();
            send(wire.endpointA(), frame(1, 60), frame(2, 1518), frame(3, 14));
            send(wire.endpointB(), frame(4, 100));
            final List<Received> atB = receiveAll(wire.endpointB());
            final List<Received> atA = receiveAll(wire.endpointA());
            assertEquals(3, atB.size());
            assertArrayEquals(frame(1, 60), atB.get(0).bytes());
            assertArrayEquals(frame(2, 1518), atB.get(1).bytes());
            assertArrayEquals(frame(3, 14), atB.get(2).bytes());
            assertEquals(t0, atB.get(0).timestampNs());
            assertEquals(1, atA.size());
            assertArrayEquals(frame(4, 100), atA.get(0).bytes());
            assertEquals(3L, wire.aToB().sent());
            assertEquals(3L, wire.aToB().delivered());
            assertEquals(60L + 1518L + 14L, wire.aToB().bytesSent());
            assertEquals(60L + 1518L + 14L, wire.aToB().bytesDelivered());
            assertEquals(1L, wire.bToA().delivered());
            assertEquals(0, wire.aToB().inFlight());
        }
    }

    @Test
    void shouldDeliverNothingAndCountEveryFrameAtFullLoss()
    {
        try (MemoryWire wire = wire(FaultProfile.NONE.withLoss(1.0)))
        {
            for (int i = 0; i < 10; i++)
            {
                send(wire.endpointA(), frame(i, 64));
            }
            clock.advance(1_000 * MS);
            assertEquals(List.of(), receiveAll(wire.endpointB()));
            assertEquals(10L, wire.aToB().sent());
            assertEquals(10L, wire.aToB().lost());
            assertEquals(0L, wire.aToB().delivered());
            assertEquals(0, wire.aToB().inFlight());
        }
    }

    @Test
    void shouldHoldADelayedFrameUntilTheDelayHasPassed()
    {
        try (MemoryWire wire = wire(FaultProfile.NONE.withDelay(5 * MS, 0L)))
        {
            final long t0 = clock.nanoTime();
            send(wire.endpointA(), frame(1, 64));
            assertEquals(0, receiveAll(wire.endpointB()).size());
            clock.advance(5 * MS - 1L);
            assertEquals(0, receiveAll(wire.endpointB()).size());
            assertEquals(1, wire.aToB().inFlight());
            clock.advance(1L);
            final List<Received> got = receiveAll(wire.endpointB());
            assertEquals(1, got.size());
            assertEquals(t0 + 5 * MS, got.get(0).timestampNs());
            assertArrayEquals(frame(1, 64), got.get(0).bytes());
        }
    }

    @Test
    void shouldKeepJitteredDelaysWithinTheirBounds()
    {
        try (MemoryWire wire = wire(FaultProfile.NONE.withDelay(MS, MS)))
        {
            final long t0 = clock.nanoTime();
            for (int i = 0; i < 50; i++)
            {
                send(wire.endpointA(), frame(i, 64));
            }
            clock.advance(MS - 1L);
            assertEquals(0, receiveAll(wire.endpointB()).size());
            clock.advance(MS + 1L);
            final List<Received> got = receiveAll(wire.endpointB());
            assertEquals(50, got.size());
            long previous = Long.MIN_VALUE;
            for (final Received r : got)
            {
                assertTrue(r.timestampNs() >= t0 + MS && r.timestampNs() <= t0 + 2 * MS, "in [t0+1ms, t0+2ms]");
                assertTrue(r.timestampNs() >= previous, "delivered in delivery-time order");
                previous = r.timestampNs();
            }
            assertNotEquals(got.get(0).timestampNs(), got.get(49).timestampNs(), "jitter varies the delay");
        }
    }

    @Test
    void shouldSpaceFramesByTheirSerialisationTimeAtALimitedRate()
    {
        try (MemoryWire wire = wire(FaultProfile.NONE.withRate(1_000_000L)))
        {
            final long t0 = clock.nanoTime();
            send(wire.endpointA(), frame(1, 1000), frame(2, 1000), frame(3, 1000));
            assertEquals(2L, wire.aToB().delayedByRate(), "frames 2 and 3 queue behind frame 1");
            for (int i = 1; i <= 3; i++)
            {
                clock.advanceTo(t0 + i * 8 * MS - 1L);
                assertEquals(0, receiveAll(wire.endpointB()).size(), "frame " + i + " still serialising");
                clock.advance(1L);
                final List<Received> got = receiveAll(wire.endpointB());
                assertEquals(1, got.size(), "frame " + i);
                assertEquals(t0 + i * 8 * MS, got.get(0).timestampNs());
                assertArrayEquals(frame(i, 1000), got.get(0).bytes());
            }
        }
    }

    @Test
    void shouldLetLaterFramesOvertakeAReorderedFrame()
    {
        try (MemoryWire wire = wire(FaultProfile.NONE.withReordering(0.5, MS)))
        {
            final List<Integer> held = new ArrayList<>();
            final List<Integer> onTime = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                final long before = wire.aToB().reordered();
                send(wire.endpointA(), frame(i, 64));
                (wire.aToB().reordered() > before ? held : onTime).add(i);
            }
            assertTrue(!held.isEmpty() && !onTime.isEmpty(), "seed 42 reorders some frames but not all");
            assertTrue(held.get(0) < onTime.get(onTime.size() - 1), "some later frame can overtake a held one");
            final List<Received> first = receiveAll(wire.endpointB());
            assertEquals(onTime.size(), first.size());
            for (int i = 0; i < onTime.size(); i++)
            {
                assertArrayEquals(frame(onTime.get(i), 64), first.get(i).bytes());
            }
            clock.advance(MS);
            final List<Received> later = receiveAll(wire.endpointB());
            assertEquals(held.size(), later.size());
            for (int i = 0; i < held.size(); i++)
            {
                assertArrayEquals(frame(held.get(i), 64), later.get(i).bytes());
            }
            assertEquals(held.size(), wire.aToB().reordered());
        }
    }

    @Test
    void shouldDeliverTwoCopiesOfADuplicatedFrame()
    {
        try (MemoryWire wire = wire(FaultProfile.NONE.withDuplication(1.0)))
        {
            send(wire.endpointA(), frame(1, 64), frame(2, 70));
            final List<Received> got = receiveAll(wire.endpointB());
            assertEquals(4, got.size());
            assertArrayEquals(frame(1, 64), got.get(0).bytes());
            assertArrayEquals(frame(1, 64), got.get(1).bytes());
            assertArrayEquals(frame(2, 70), got.get(2).bytes());
            assertArrayEquals(frame(2, 70), got.get(3).bytes());
            assertEquals(2L, wire.aToB().sent());
            assertEquals(2L, wire.aToB().duplicated());
            assertEquals(4L, wire.aToB().delivered());
        }
    }

    @Test
    void shouldFlipExactlyTheReportedBitsOfOneByte()
    {
        try (MemoryWire wire = wire(FaultProfile.NONE.withCorruption(1.0)))
        {
            for (int i = 0; i < 100; i++)
            {
                final byte[] sent = frame(i, 14 + i * 7);
                send(wire.endpointA(), sent);
                final List<Received> got = receiveAll(wire.endpointB());
                assertEquals(1, got.size());
                final byte[] received = got.get(0).bytes();
                assertEquals(sent.length, received.length, "a corrupted frame keeps its length");
                final int at = wire.aToB().lastCorruptionOffset();
                final int mask = wire.aToB().lastCorruptionMask();
                assertTrue(at >= 0 && at < sent.length && mask >= 1 && mask <= 255);
                final byte[] expected = sent.clone();
                expected[at] ^= (byte) mask;
                assertArrayEquals(expected, received, "only byte " + at + " differs, by mask " + mask);
                assertEquals(i + 1L, wire.aToB().corrupted());
            }
        }
    }

    @Test
    void shouldGiveTheSameDeliveriesForTheSameSeed()
    {
        final FaultProfile lossy = new FaultProfile(0.2, 0.1, 0.1, 3 * MS, 0.1, MS, 2 * MS, 100_000_000L);
        final List<String> first = deliveryLog(7L, lossy);
        final List<String> second = deliveryLog(7L, lossy);
        final List<String> other = deliveryLog(8L, lossy);
        assertTrue(first.size() > 100, "the scenario delivers frames");
        assertEquals(first, second);
        assertNotEquals(first, other);
    }

    /**
     * Runs a fixed scenario of sends, clock steps and receives in both directions and logs every delivery.
     */
    private static List<String> deliveryLog(final long seed, final FaultProfile faults)
    {
        final VirtualClock clock = new VirtualClock();
        final List<String> log = new ArrayList<>();
        try (MemoryWire wire = new MemoryWire(MemoryWireConfig.DEFAULT.withSeed(seed).withFaults(faults), clock))
        {
            startBoth(wire);
            final SplittableRandom script = new SplittableRandom(99L); // the calls do not depend on the wire's seed
            for (int step = 0; step < 400; step++)
            {
                send(wire.endpointA(), frame(step, 14 + script.nextInt(1500)));
                send(wire.endpointB(), frame(-step, 14 + script.nextInt(1500)));
                clock.advance(script.nextLong(500_000L));
                for (final Received r : receiveAll(wire.endpointB()))
                {
                    log.add("b " + r.timestampNs() + " " + Arrays.hashCode(r.bytes()));
                }
                for (final Received r : receiveAll(wire.endpointA()))
                {
                    log.add("a " + r.timestampNs() + " " + Arrays.hashCode(r.bytes()));
                }
            }
            log.add("counters " + wire.aToB().lost() + " " + wire.aToB().duplicated() + " " + wire.bToA().corrupted());
        }
        return log;
    }
}
