package io.tachyon.ipv4;

import static io.tachyon.ipv4.Datagrams.datagram;
import static io.tachyon.ipv4.Datagrams.filled;
import static io.tachyon.ipv4.Datagrams.fragment;
import static io.tachyon.ipv4.Datagrams.segment;
import static io.tachyon.ipv4.Datagrams.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.tachyon.ipv4.Ipv4Reassembly.Outcome;
import io.tachyon.time.VirtualClock;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.Malformed;

/** Every reassembly policy, with hand-made fragments. */
class Ipv4ReassemblyTest
{
    private static final long SECOND = 1_000_000_000L;

    private final VirtualClock clock = new VirtualClock();
    private final List<byte[]> reported = new ArrayList<>();
    private Ipv4Reassembly reassembly = new Ipv4Reassembly(Ipv4ReassemblyConfig.defaults(), this::record);

    private void record(final MemorySegment segment, final long offset, final int length)
    {
        reported.add(segment.asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    @AfterEach
    void close()
    {
        reassembly.close();
    }

    private Outcome offer(final byte[] fragment)
    {
        return reassembly.accept(segment(fragment), 0, fragment.length, clock.nanoTime());
    }

    private static byte[] payload(final int length, final long seed)
    {
        return Datagrams.randomBytes(new SplittableRandom(seed), length);
    }

    @Test
    void shouldReassembleInOrderIntoTheOriginalDatagram()
    {
        final byte[] payload = payload(3000, 1);
        assertEquals(Outcome.HELD, offer(fragment(7, payload, 0, 1480, true)));
        assertEquals(Outcome.HELD, offer(fragment(7, payload, 1480, 2960, true)));
        assertEquals(Outcome.COMPLETE, offer(fragment(7, payload, 2960, 3000, false)));
        assertArrayEquals(datagram(7, payload), view(reassembly));
        assertEquals(3, reassembly.fragmentsReceived());
        assertEquals(1, reassembly.datagramsReassembled());
        assertEquals(0, reassembly.memoryInUse());
        assertEquals(0, reassembly.datagramsInProgress());
    }

    @Test
    void shouldReassembleOutOfOrderWithTheFirstFragmentLast()
    {
        final byte[] payload = payload(100, 2);
        assertEquals(Outcome.HELD, offer(fragment(8, payload, 96, 100, false)));
        assertEquals(Outcome.HELD, offer(fragment(8, payload, 48, 96, true)));
        assertEquals(Outcome.COMPLETE, offer(fragment(8, payload, 0, 48, true)));
        final byte[] whole = view(reassembly);
        assertArrayEquals(datagram(8, payload), whole);
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        assertEquals(Malformed.OK, ip.wrap(segment(whole), 0, whole.length));
        assertTrue(ip.verifyHeaderChecksum());
        assertFalse(ip.isFragment());
        assertEquals(120, ip.totalLength());
    }

    @Test
    void shouldKeepTheFirstFragmentsHeaderAndOptions()
    {
        final byte[] payload = payload(64, 3);
        final byte[] options = {(byte)0x94, 4, 0, 0}; // router alert, copied
        final byte[] later = {1, 1, 1, 0}; // NOPs and end: a different header on the later fragment
        offer(fragment(Datagrams.SOURCE, 17, 9, later, payload, 32, 64, false));
        assertEquals(Outcome.COMPLETE, offer(fragment(Datagrams.SOURCE, 17, 9, options, payload, 0, 32, true)));
        assertArrayEquals(datagram(Datagrams.SOURCE, 17, 9, options, payload, false), view(reassembly));
    }

    @Test
    void shouldIgnoreExactDuplicatesAndCompleteExactlyOnce()
    {
        final byte[] payload = payload(40, 4);
        assertEquals(Outcome.HELD, offer(fragment(10, payload, 0, 16, true)));
        assertEquals(Outcome.DUPLICATE, offer(fragment(10, payload, 0, 16, true)));
        assertEquals(Outcome.HELD, offer(fragment(10, payload, 32, 40, false)));
        assertEquals(Outcome.DUPLICATE, offer(fragment(10, payload, 32, 40, false)));
        assertEquals(Outcome.COMPLETE, offer(fragment(10, payload, 16, 32, true)));
        assertEquals(2, reassembly.duplicates());
        assertArrayEquals(datagram(10, payload), view(reassembly));
        // A late duplicate after completion starts a new datagram, which then times out.
        assertEquals(Outcome.HELD, offer(fragment(10, payload, 16, 32, true)));
        assertEquals(1, reassembly.datagramsReassembled());
    }

    @Test
    void shouldKeepTheFirstCopyOfADuplicate()
    {
        assertEquals(Outcome.HELD, offer(filled(11, 0, 8, true, 0xAA)));
        assertEquals(Outcome.DUPLICATE, offer(filled(11, 0, 8, true, 0xBB)));
        assertEquals(Outcome.COMPLETE, offer(filled(11, 8, 8, false, 0xCC)));
        final byte[] whole = view(reassembly);
        assertEquals((byte)0xAA, whole[20]);
        assertEquals((byte)0xCC, whole[28]);
    }

    @Test
    void shouldDropTheWholeDatagramOnOverlapAndRememberTheKey()
    {
        final byte[] payload = payload(48, 5);
        assertEquals(Outcome.HELD, offer(fragment(12, payload, 0, 16, true)));
        assertEquals(Outcome.DROPPED, offer(fragment(12, payload, 8, 24, true)));
        assertEquals(1, reassembly.overlapsDropped());
        assertEquals(0, reassembly.memoryInUse());
        assertEquals(0, reassembly.datagramsInProgress());
        assertEquals(1, reassembly.poisonedKeys());
        // The rest of the datagram, even pieces that would complete it, is dropped.
        assertEquals(Outcome.DROPPED, offer(fragment(12, payload, 16, 48, false)));
        assertEquals(Outcome.DROPPED, offer(fragment(12, payload, 0, 16, true)));
        assertEquals(2, reassembly.poisonedDropped());
        assertEquals(0, reassembly.datagramsReassembled());
        // Other keys are unaffected.
        offer(fragment(13, payload, 0, 16, true));
        assertEquals(Outcome.COMPLETE, offer(fragment(13, payload, 16, 48, false)));
        // After the datagram's deadline the key is forgotten and may be used again; no ICMP for a dropped one.
        clock.advance(30 * SECOND);
        assertEquals(0, reassembly.expire(clock.nanoTime()));
        assertEquals(0, reassembly.poisonedKeys());
        assertTrue(reported.isEmpty());
        offer(fragment(12, payload, 0, 16, true));
        assertEquals(Outcome.COMPLETE, offer(fragment(12, payload, 16, 48, false)));
        assertArrayEquals(datagram(12, payload), view(reassembly));
    }

    @Test
    void shouldTreatAFragmentInsideAnotherAsOverlap()
    {
        assertEquals(Outcome.HELD, offer(filled(14, 0, 32, true, 1)));
        assertEquals(Outcome.DROPPED, offer(filled(14, 8, 8, true, 1)));
        assertEquals(1, reassembly.overlapsDropped());
        assertEquals(Outcome.HELD, offer(filled(15, 8, 8, true, 1)));
        assertEquals(Outcome.DROPPED, offer(filled(15, 0, 32, true, 1)));
        assertEquals(2, reassembly.overlapsDropped());
        assertEquals(Outcome.HELD, offer(filled(16, 16, 16, false, 1)));
        assertEquals(Outcome.DROPPED, offer(filled(16, 16, 8, true, 1)));
        assertEquals(3, reassembly.overlapsDropped());
    }

    @Test
    void shouldDropAConflictingSecondLastFragment()
    {
        assertEquals(Outcome.HELD, offer(filled(20, 16, 16, false, 1)));
        assertEquals(Outcome.DROPPED, offer(filled(20, 32, 8, false, 1)));
        assertEquals(1, reassembly.inconsistentDropped());
        assertEquals(0, reassembly.memoryInUse());
        assertEquals(Outcome.DROPPED, offer(filled(20, 0, 16, true, 1)));
        assertEquals(1, reassembly.poisonedDropped());
    }

    @Test
    void shouldDropDataBeyondTheLastFragment()
    {
        assertEquals(Outcome.HELD, offer(filled(21, 8, 8, false, 1)));
        assertEquals(Outcome.DROPPED, offer(filled(21, 16, 8, true, 1)));
        assertEquals(1, reassembly.inconsistentDropped());
    }

    @Test
    void shouldDropALastFragmentEndingBeforeDataAlreadyHeld()
    {
        assertEquals(Outcome.HELD, offer(filled(22, 24, 8, true, 1)));
        assertEquals(Outcome.DROPPED, offer(filled(22, 8, 8, false, 1)));
        assertEquals(1, reassembly.inconsistentDropped());
    }

    @Test
    void shouldDropOnlyTheFragmentWhoseLengthIsNotAMultipleOfEight()
    {
        final byte[] payload = payload(40, 6);
        assertEquals(Outcome.HELD, offer(fragment(23, payload, 0, 16, true)));
        assertEquals(Outcome.DROPPED, offer(fragment(23, payload, 16, 26, true)));
        assertEquals(Outcome.DROPPED, offer(fragment(23, payload, 16, 16, true)));
        assertEquals(2, reassembly.badLengthDropped());
        assertEquals(Outcome.COMPLETE, offer(fragment(23, payload, 16, 40, false)));
        assertArrayEquals(datagram(23, payload), view(reassembly));
    }

    @Test
    void shouldAcceptAnEmptyLastFragment()
    {
        final byte[] payload = payload(16, 7);
        assertEquals(Outcome.HELD, offer(fragment(24, payload, 0, 16, true)));
        assertEquals(Outcome.COMPLETE, offer(fragment(24, payload, 16, 16, false)));
        assertArrayEquals(datagram(24, payload), view(reassembly));
    }

    @Test
    void shouldDropFragmentsReachingBeyondTheLargestDatagram()
    {
        // Offset 65512 (8189 units) + 8 bytes ends at 65520 > 65515: the "ping of death".
        assertEquals(Outcome.DROPPED, offer(filled(25, 65_512, 8, false, 1)));
        assertEquals(1, reassembly.tooBigDropped());
        assertEquals(0, reassembly.datagramsInProgress());
        // A datagram in progress is dropped and poisoned by such a fragment.
        offer(filled(26, 0, 8, true, 1));
        assertEquals(Outcome.DROPPED, offer(filled(26, 65_512, 8, true, 1)));
        assertEquals(2, reassembly.tooBigDropped());
        assertEquals(1, reassembly.poisonedKeys());
    }

    @Test
    void shouldDropWhenTheFirstHeaderAndPayloadExceedTheLargestDatagram()
    {
        final byte[] options = new byte[40];
        options[0] = 1; // NOPs then zeros (end of list)
        final byte[] payload = new byte[65_496];
        // Last fragment ends at 65,496: with a 20-byte header that fits (65,516), with 60 bytes it does not.
        assertEquals(Outcome.HELD, offer(fragment(Datagrams.SOURCE, 17, 27, new byte[0], payload, 65_488,
            65_496, false)));
        assertEquals(Outcome.DROPPED, offer(fragment(Datagrams.SOURCE, 17, 27, options, payload, 0, 8, true)));
        assertEquals(1, reassembly.tooBigDropped());
    }

    @Test
    void shouldDropADatagramWithTooManyFragments()
    {
        reassembly.close();
        reassembly = new Ipv4Reassembly(Ipv4ReassemblyConfig.defaults().withMaxFragmentsPerDatagram(3), null);
        assertEquals(Outcome.HELD, offer(filled(28, 0, 8, true, 1)));
        assertEquals(Outcome.HELD, offer(filled(28, 8, 8, true, 1)));
        assertEquals(Outcome.HELD, offer(filled(28, 16, 8, true, 1)));
        assertEquals(Outcome.DUPLICATE, offer(filled(28, 16, 8, true, 1)));
        assertEquals(Outcome.DROPPED, offer(filled(28, 24, 8, false, 1)));
        assertEquals(1, reassembly.tooManyFragmentsDropped());
        assertEquals(0, reassembly.memoryInUse());
    }

    @Test
    void shouldEvictTheOldestDatagramWhenEverySlotIsTaken()
    {
        reassembly.close();
        reassembly = new Ipv4Reassembly(Ipv4ReassemblyConfig.defaults().withMaxDatagrams(2), null);
        offer(filled(30, 0, 8, true, 1));
        clock.advance(1);
        offer(filled(31, 0, 8, true, 2));
        clock.advance(1);
        offer(filled(32, 0, 8, true, 3));
        assertEquals(1, reassembly.evictions());
        assertEquals(2, reassembly.datagramsInProgress());
        // 30 was evicted: its last fragment starts a new datagram; 31 and 32 still complete.
        assertEquals(Outcome.COMPLETE, offer(filled(32, 8, 8, false, 3)));
        assertEquals(Outcome.COMPLETE, offer(filled(31, 8, 8, false, 2)));
        assertEquals(Outcome.HELD, offer(filled(30, 8, 8, false, 1)));
    }

    @Test
    void shouldEvictOlderDatagramsWhenMemoryRunsOut()
    {
        reassembly.close();
        final long minimum = Ipv4ReassemblyConfig.minimumMemoryBytes(4, 65_535);
        reassembly = new Ipv4Reassembly(Ipv4ReassemblyConfig.defaults().withMaxDatagrams(4)
            .withMemoryBytes(minimum), null);
        assertEquals(128 * Ipv4Reassembly.BLOCK_SIZE, reassembly.memoryCapacity());
        assertEquals(minimum, reassembly.memoryAllocated());
        final byte[] big = payload(60_000, 8);
        assertEquals(Outcome.HELD, offer(fragment(33, big, 0, 60_000, true)));
        assertEquals(118 * Ipv4Reassembly.BLOCK_SIZE, reassembly.memoryInUse());
        clock.advance(1);
        final byte[] other = payload(9000, 9);
        assertEquals(Outcome.HELD, offer(fragment(34, other, 0, 8192, true)));
        assertEquals(1, reassembly.evictions());
        assertEquals(16 * Ipv4Reassembly.BLOCK_SIZE, reassembly.memoryInUse());
        assertEquals(Outcome.COMPLETE, offer(fragment(34, other, 8192, 9000, false)));
        assertArrayEquals(datagram(34, other), view(reassembly));
        assertTrue(reassembly.memoryInUse() <= reassembly.memoryCapacity());
    }

    @Test
    void shouldPassAWholeDatagramThroughWithoutTouchingState()
    {
        final byte[] payload = payload(24, 10);
        offer(fragment(35, payload, 0, 8, true));
        final byte[] whole = datagram(35, payload);
        final byte[] padded = java.util.Arrays.copyOf(whole, whole.length + 6); // Ethernet trailer padding
        assertEquals(Outcome.NOT_FRAGMENT, offer(padded));
        assertArrayEquals(whole, view(reassembly));
        assertEquals(1, reassembly.datagramsInProgress());
        assertEquals(1, reassembly.fragmentsReceived());
        assertEquals(Outcome.COMPLETE, offer(fragment(35, payload, 8, 24, false)));
    }

    @Test
    void shouldDropMalformedInputWithoutThrowing()
    {
        final byte[] fragment = filled(36, 0, 16, true, 1);
        assertEquals(Outcome.DROPPED, reassembly.accept(segment(fragment), 0, 19, clock.nanoTime()));
        assertEquals(Outcome.DROPPED, reassembly.accept(segment(fragment), 0, fragment.length - 1,
            clock.nanoTime()));
        assertEquals(Outcome.DROPPED, reassembly.accept(segment(fragment), 30, 100, clock.nanoTime()));
        assertEquals(Outcome.DROPPED, reassembly.accept(new Ipv4Flyweight(), clock.nanoTime()));
        fragment[0] = 0x65;
        assertEquals(Outcome.DROPPED, offer(fragment));
        assertEquals(5, reassembly.malformedDropped());
        assertEquals(0, reassembly.fragmentsReceived());
    }

    @Test
    void shouldAcceptAWrappedFlyweight()
    {
        final byte[] payload = payload(16, 11);
        final Ipv4Flyweight ip = new Ipv4Flyweight();
        final byte[] first = fragment(37, payload, 0, 8, true);
        ip.wrap(segment(first), 0, first.length);
        assertEquals(Outcome.HELD, reassembly.accept(ip, clock.nanoTime()));
        final byte[] last = fragment(37, payload, 8, 16, false);
        ip.wrap(segment(last), 0, last.length);
        assertEquals(Outcome.COMPLETE, reassembly.accept(ip, clock.nanoTime()));
        assertArrayEquals(datagram(37, payload), view(reassembly));
    }

    @Test
    void shouldTimeOutExactlyAtTheDeadlineAndReportWhenTheFirstFragmentArrived()
    {
        final byte[] payload = payload(40, 12);
        final byte[] first = fragment(38, payload, 0, 16, true);
        offer(first);
        clock.advance(10 * SECOND);
        offer(fragment(38, payload, 32, 40, false)); // a later fragment does not restart the timer
        clock.advance(20 * SECOND - 1);
        assertEquals(0, reassembly.expire(clock.nanoTime()));
        assertEquals(1, reassembly.datagramsInProgress());
        clock.advance(1);
        assertEquals(1, reassembly.expire(clock.nanoTime()));
        assertEquals(0, reassembly.datagramsInProgress());
        assertEquals(0, reassembly.memoryInUse());
        assertEquals(1, reassembly.timeouts());
        assertEquals(1, reassembly.timeoutsReported());
        assertEquals(1, reported.size());
        assertArrayEquals(java.util.Arrays.copyOf(first, 28), reported.get(0));
    }

    @Test
    void shouldTimeOutSilentlyWithoutTheFirstFragment()
    {
        offer(filled(39, 8, 8, true, 1));
        offer(filled(39, 24, 8, false, 1));
        clock.advance(30 * SECOND);
        // accept() expires first, so the new fragment starts a fresh datagram.
        assertEquals(Outcome.HELD, offer(filled(39, 16, 8, true, 1)));
        assertEquals(1, reassembly.timeouts());
        assertEquals(0, reassembly.timeoutsReported());
        assertTrue(reported.isEmpty());
    }

    @Test
    void shouldRejectBadConfigurationNamingTheValue()
    {
        final Ipv4ReassemblyConfig defaults = Ipv4ReassemblyConfig.defaults();
        assertMessage("maxDatagrams", () -> defaults.withMaxDatagrams(0));
        assertMessage("maxFragmentsPerDatagram", () -> defaults.withMaxFragmentsPerDatagram(1));
        assertMessage("maxDatagramSize", () -> defaults.withMaxDatagramSize(575));
        assertMessage("maxDatagramSize", () -> defaults.withMaxDatagramSize(65_536));
        assertMessage("timeoutNs", () -> defaults.withTimeoutNs(0));
        assertMessage("memoryBytes", () -> defaults.withMemoryBytes(100_000));
        assertMessage("memoryBytes", () -> defaults.withMemoryBytes(1L << 31));
        assertEquals(4L << 20, defaults.memoryBytes());
        assertEquals(30 * SECOND, defaults.timeoutNs());
        try (Ipv4Reassembly small = new Ipv4Reassembly(defaults.withMaxDatagramSize(576)
            .withMemoryBytes(Ipv4ReassemblyConfig.minimumMemoryBytes(256, 576)), null))
        {
            assertEquals(2 * Ipv4Reassembly.BLOCK_SIZE, small.memoryCapacity());
            assertEquals(Outcome.DROPPED, small.accept(segment(filled(1, 552, 8, false, 1)), 0, 28, 0));
            assertEquals(1, small.tooBigDropped());
        }
    }

    private static void assertMessage(final String name, final org.junit.jupiter.api.function.Executable call)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void shouldKeyOnSourceDestinationProtocolAndIdentification()
    {
        final byte[] payload = payload(16, 13);
        offer(fragment(Datagrams.SOURCE, 17, 40, new byte[0], payload, 0, 8, true));
        // Same id, other protocol or source: separate datagrams.
        assertEquals(Outcome.HELD, offer(fragment(Datagrams.SOURCE, 6, 40, new byte[0], payload, 8, 16, false)));
        assertEquals(Outcome.HELD, offer(fragment(Datagrams.SOURCE + 1, 17, 40, new byte[0], payload, 8, 16,
            false)));
        assertEquals(3, reassembly.datagramsInProgress());
        assertEquals(Outcome.COMPLETE, offer(fragment(Datagrams.SOURCE, 17, 40, new byte[0], payload, 8, 16,
            false)));
        assertSame(Outcome.COMPLETE, offer(fragment(Datagrams.SOURCE, 6, 40, new byte[0], payload, 0, 8, true)));
    }
}
