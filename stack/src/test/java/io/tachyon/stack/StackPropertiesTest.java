package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tachyon.driver.memory.FaultProfile;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.ipv4.Ipv4ReassemblyConfig;
import io.tachyon.udp.UdpHandler;
import io.tachyon.udp.UdpSocket;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Two stacks over a MemoryWire with random loss, duplication, reordering, corruption and delay, carrying random
 * datagram sizes and counts: whatever arrives is byte-exact, nothing arrives more often than the wire duplicated,
 * reassembly memory stays within its bound, no exception escapes, and a wire that loses and corrupts nothing
 * delivers everything.
 */
class StackPropertiesTest
{
    private static final long MS = 1_000_000L;
    private static final Path COUNTERS = CountersDirectory.create("tachyon-stack-properties");

    @AfterContainer
    static void deleteCounters() throws IOException
    {
        CountersDirectory.delete(COUNTERS);
    }

    /** Checks and counts what arrives; a datagram carries its sequence number and length in its first 8 bytes. */
    static final class Check implements UdpHandler
    {
        final Map<Integer, Integer> deliveries = new HashMap<>();
        int wrong;

        @Override
        public void onDatagram(final UdpSocket socket, final MemorySegment segment, final long offset,
            final int length, final int sourceAddress, final int sourcePort)
        {
            final int sequence = segment.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
            final byte[] expected = payload(sequence, length);
            final byte[] actual = segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
            if (!Arrays.equals(expected, actual))
            {
                wrong++;
            }
            deliveries.merge(sequence, 1, Integer::sum);
        }
    }

    static byte[] payload(final int sequence, final int length)
    {
        final byte[] bytes = Frames.pattern(length, sequence);
        final MemorySegment s = MemorySegment.ofArray(bytes);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 0, sequence);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 4, length);
        return bytes;
    }

    @Property(seed = "20261122")
    void shouldDeliverOnlyExactDatagramsOverAnImpairedWire(
        @ForAll @DoubleRange(min = 0.0, max = 0.2) final double loss,
        @ForAll @DoubleRange(min = 0.0, max = 0.3) final double duplication,
        @ForAll @DoubleRange(min = 0.0, max = 0.3) final double reordering,
        @ForAll @DoubleRange(min = 0.0, max = 0.1) final double corruption,
        @ForAll @LongRange(min = 0, max = 2_000_000) final long delayNs,
        @ForAll final boolean clean,
        @ForAll @Size(min = 1, max = 12) final List<@IntRange(min = 8, max = 65507) Integer> sizes)
    {
        final FaultProfile faults = clean
            ? FaultProfile.NONE.withDuplication(duplication).withReordering(reordering, 500_000L)
                .withDelay(delayNs, delayNs / 2)
            : FaultProfile.NONE.withLoss(loss).withDuplication(duplication).withReordering(reordering, 500_000L)
                .withCorruption(corruption).withDelay(delayNs, delayNs / 2);
        final MemoryWireConfig wire = MemoryWireConfig.DEFAULT.withFaults(faults)
            .withSeed(sizes.hashCode() * 31L + Double.hashCode(loss));
        final Ipv4ReassemblyConfig reassembly = Ipv4ReassemblyConfig.defaults().withMaxDatagrams(8)
            .withMemoryBytes(1L << 20);
        try (StackPair pair = new StackPair(COUNTERS, wire, c -> c.reassembly(reassembly),
            c -> c.reassembly(reassembly)))
        {
            pair.idleStepNs = 200_000L;
            final Check check = new Check();
            pair.b.openUdpSocket().bind(9).handler(check);
            final UdpSocket client = pair.a.openUdpSocket().bind(1000);
            // resolve ARP first: a lossy wire may need a few tries
            for (int attempt = 0; attempt < 20 && check.deliveries.get(-1) == null; attempt++)
            {
                client.send(payload(-1, 8), 0, 8, Frames.IP_B, 9);
                pair.runUntil(() -> check.deliveries.get(-1) != null, 100 * MS);
            }
            for (int i = 0; i < sizes.size(); i++)
            {
                final int sequence = i;
                final int size = sizes.get(i);
                assertTrue(client.send(payload(i, size), 0, size, Frames.IP_B, 9), "send " + i);
                final long end = pair.clock.nanoTime() + 50 * MS;
                while (check.deliveries.get(sequence) == null && pair.clock.nanoTime() - end < 0)
                {
                    if (pair.cycle() == 0)
                    {
                        pair.clock.advance(pair.idleStepNs);
                    }
                    assertTrue(pair.b.reassembly().memoryInUse() <= pair.b.reassembly().memoryCapacity());
                }
            }
            pair.run(20 * MS);

            assertEquals(0, check.wrong, "every delivered datagram is byte-exact");
            final long duplicated = pair.wire.aToB().duplicated();
            for (final Map.Entry<Integer, Integer> entry : check.deliveries.entrySet())
            {
                assertTrue(entry.getKey() < 0 || entry.getValue() <= 1 + duplicated, "datagram " + entry.getKey()
                    + " delivered " + entry.getValue() + " times with " + duplicated + " duplicated frames");
            }
            if (clean)
            {
                for (int i = 0; i < sizes.size(); i++)
                {
                    assertTrue(check.deliveries.containsKey(i), "lossless wire: datagram " + i + " of " + sizes.get(i)
                        + " bytes delivered");
                }
            }
            assertEquals(0, pair.a.counters().stack().get(StackCounter.ERRORS).get(), "errors at A");
            assertEquals(0, pair.b.counters().stack().get(StackCounter.ERRORS).get(), "errors at B");
            assertTrue(pair.a.reassembly().memoryInUse() <= pair.a.reassembly().memoryCapacity());
        }
    }
}
