package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.arp.ArpCounter;
import io.tachyon.arp.ArpState;
import io.tachyon.icmp.EchoListener;
import io.tachyon.icmp.IcmpCounter;
import io.tachyon.ipv4.Ipv4;

/** Two stacks over a MemoryWire ping each other. */
class StackPingTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path counters;

    /** Records echo replies. */
    static final class Replies implements EchoListener
    {
        final List<int[]> headers = new ArrayList<>();
        final List<byte[]> data = new ArrayList<>();

        @Override
        public void onEchoReply(final int source, final int identifier, final int sequence,
            final MemorySegment segment, final long offset, final int length, final long nowNs)
        {
            headers.add(new int[] {source, identifier, sequence});
            data.add(segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void shouldAnswerPingsWithTheSameIdentifierSequenceAndData()
    {
        try (StackPair pair = new StackPair(counters))
        {
            final Replies replies = new Replies();
            pair.a.icmp().echoListener(replies);
            for (int seq = 0; seq < 5; seq++)
            {
                final byte[] data = Frames.pattern(56, seq);
                assertEquals(Ipv4.OK, pair.a.icmp().ping(Frames.IP_B, 0x4242, seq, MemorySegment.ofArray(data), 0,
                    data.length, pair.clock.nanoTime()));
                final int expected = seq + 1;
                assertTrue(pair.runUntil(() -> replies.headers.size() == expected, SECOND), "reply " + seq);
                assertArrayEquals(new int[] {Frames.IP_B, 0x4242, seq}, replies.headers.get(seq));
                assertArrayEquals(data, replies.data.get(seq));
            }
            pair.a.syncCounters();
            pair.b.syncCounters();
            assertEquals(ArpState.REACHABLE, pair.a.arp().state(Frames.IP_B));
            assertEquals(1, pair.a.counters().arp().get(ArpCounter.TX_REQUESTS).get(), "one ARP request first");
            assertEquals(5, pair.b.counters().icmp().get(IcmpCounter.IN_ECHOS).get());
            assertEquals(5, pair.b.counters().icmp().get(IcmpCounter.OUT_ECHO_REPS).get());
            assertEquals(5, pair.a.counters().icmp().get(IcmpCounter.IN_ECHO_REPS).get());
            assertEquals(0, pair.a.counters().stack().get(StackCounter.ERRORS).get());
            assertEquals(0, pair.b.counters().stack().get(StackCounter.ERRORS).get());
        }
    }

    @Test
    void shouldPingBothWays()
    {
        try (StackPair pair = new StackPair(counters))
        {
            final Replies fromB = new Replies();
            final Replies fromA = new Replies();
            pair.a.icmp().echoListener(fromB);
            pair.b.icmp().echoListener(fromA);
            final MemorySegment none = MemorySegment.ofArray(new byte[0]);
            pair.a.icmp().ping(Frames.IP_B, 1, 1, none, 0, 0, pair.clock.nanoTime());
            pair.b.icmp().ping(Frames.IP_A, 2, 7, none, 0, 0, pair.clock.nanoTime());
            assertTrue(pair.runUntil(() -> fromB.headers.size() == 1 && fromA.headers.size() == 1, SECOND));
            assertArrayEquals(new int[] {Frames.IP_B, 1, 1}, fromB.headers.get(0));
            assertArrayEquals(new int[] {Frames.IP_A, 2, 7}, fromA.headers.get(0));
        }
    }
}
