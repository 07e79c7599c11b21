package io.tachyon.arp;

import static io.tachyon.arp.ArpTestSupport.destinationOf;
import static io.tachyon.arp.ArpTestSupport.ip;
import static io.tachyon.arp.ArpTestSupport.payloadFrame;
import static io.tachyon.arp.ArpTestSupport.sequenceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.driver.memory.FaultProfile;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.time.VirtualClock;
import io.tachyon.wire.EthernetFlyweight;
import io.tachyon.wire.FrameDissector;

/** Two {@link Arp} instances over a {@link MemoryWire} resolve each other and deliver their queued packets. */
class ArpMemoryWireTest
{
    private static final long MAC_A = 0x02_AA_00_00_00_01L;
    private static final long MAC_B = 0x02_BB_00_00_00_02L;
    private static final int IP_A = ip("172.16.0.1");
    private static final int IP_B = ip("172.16.0.2");
    private static final long STEP_NS = 100_000L;

    /** One host: an Arp over one endpoint, with a receive loop that feeds it and collects other frames. */
    private static final class Host
    {
        final DriverQueue queue;
        final QueueArpOutput output;
        final Arp arp;
        final FrameBatch rx = new FrameBatch(32);
        final FrameDissector dissector = new FrameDissector();
        final List<byte[]> delivered = new ArrayList<>();

        Host(final PacketDriver driver, final long mac, final int address)
        {
            queue = driver.queue(0);
            output = new QueueArpOutput(queue, 16);
            arp = new Arp(ArpConfig.of(mac, address), output);
        }

        void step(final long nowNs)
        {
            queue.receive(rx);
            for (int i = 0; i < rx.size(); i++)
            {
                dissector.dissectEthernet(rx.segment(i), rx.offset(i), rx.length(i));
                if (dissector.layer() == FrameDissector.Layer.ARP)
                {
                    arp.onArp(dissector.arp(), nowNs);
                }
                else if (dissector.has(FrameDissector.Layer.ETHERNET) && dissector.ethernet().etherType() == 0x88B5)
                {
                    delivered.add(rx.segment(i).asSlice(rx.offset(i), rx.length(i)).toArray(ValueLayout.JAVA_BYTE));
                }
            }
            queue.releaseAll(rx);
            final long deadline = arp.nextDeadlineNs();
            if (deadline != Arp.NO_DEADLINE && nowNs - deadline >= 0)
            {
                arp.poll(nowNs);
            }
            output.flush();
        }

        void send(final int to, final byte[] frame, final long nowNs)
        {
            final MemorySegment memory = MemorySegment.ofArray(frame);
            final long mac = arp.resolve(to, nowNs);
            if (mac != Arp.NO_MAC)
            {
                new EthernetFlyweight().wrapForWrite(memory, 0, frame.length).destination(mac);
                assertTrue(output.transmit(memory, 0, frame.length));
            }
            else
            {
                assertTrue(arp.enqueue(to, memory, 0, frame.length, nowNs));
            }
        }
    }

    private static void run(final VirtualClock clock, final Host a, final Host b, final int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            a.step(clock.nanoTime());
            b.step(clock.nanoTime());
            clock.advance(STEP_NS);
        }
    }

    private static void start(final MemoryWire wire)
    {
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
    }

    @Test
    void shouldResolveEachOtherAndDeliverQueuedPacketsInOrder()
    {
        final VirtualClock clock = new VirtualClock();
        try (MemoryWire wire = MemoryWire.of(clock))
        {
            start(wire);
            final Host a = new Host(wire.endpointA(), MAC_A, IP_A);
            final Host b = new Host(wire.endpointB(), MAC_B, IP_B);
            a.arp.announce(clock.nanoTime());
            for (int i = 1; i <= 3; i++)
            {
                a.send(IP_B, payloadFrame(i, 100 + i), clock.nanoTime());
            }
            assertEquals(3, a.arp.pendingCount(IP_B));
            run(clock, a, b, 10);

            assertEquals(3, b.delivered.size());
            for (int i = 0; i < 3; i++)
            {
                assertEquals(i + 1, sequenceOf(b.delivered.get(i)), "in order");
                assertEquals(MAC_B, destinationOf(b.delivered.get(i)));
                assertEquals(101 + i, b.delivered.get(i).length);
            }
            assertEquals(ArpState.REACHABLE, a.arp.state(IP_B));
            assertEquals(ArpState.STALE, b.arp.state(IP_A), "B learnt A from A's request (RFC 826)");
            assertEquals(1, a.arp.counter(ArpCounter.TX_REQUESTS));
            assertEquals(1, b.arp.counter(ArpCounter.TX_REPLIES));

            // B answers through its learnt (STALE) entry: usable at once, then re-confirmed by a unicast probe.
            b.send(IP_A, payloadFrame(9, 90), clock.nanoTime());
            run(clock, a, b, (int)(6_000_000_000L / STEP_NS));
            assertEquals(1, a.delivered.size());
            assertEquals(MAC_A, destinationOf(a.delivered.getFirst()));
            assertEquals(1, b.arp.counter(ArpCounter.TX_PROBES));
            assertEquals(ArpState.REACHABLE, b.arp.state(IP_A));
            assertEquals(0, a.output.dropped() + b.output.dropped());
            assertEquals(0, a.arp.counter(ArpCounter.TX_DROPPED) + b.arp.counter(ArpCounter.TX_DROPPED));
        }
    }

    @Test
    void shouldResolveThroughLossByRetrying()
    {
        final VirtualClock clock = new VirtualClock();
        // Every frame from A to B is lost with probability 0.5 (seeded); replies from B all arrive.
        final MemoryWireConfig config = MemoryWireConfig.DEFAULT.withSeed(7)
            .withAToB(FaultProfile.NONE.withLoss(0.5));
        final int rounds = 40;
        try (MemoryWire wire = new MemoryWire(config, clock))
        {
            start(wire);
            final Host a = new Host(wire.endpointA(), MAC_A, IP_A);
            final Host b = new Host(wire.endpointB(), MAC_B, IP_B);
            int failed = 0;
            for (int round = 0; round < rounds; round++)
            {
                assertEquals(ArpState.NONE, a.arp.state(IP_B), "every round starts a fresh resolution");
                a.send(IP_B, payloadFrame(round, 70), clock.nanoTime());
                // Requests at 0, 1 and 2 s; FAILED at 3 s unless one got through.
                run(clock, a, b, (int)(4_000_000_000L / STEP_NS));
                if (a.arp.state(IP_B) == ArpState.FAILED)
                {
                    failed++;
                }
                else
                {
                    assertEquals(ArpState.REACHABLE, a.arp.state(IP_B));
                }
                // Let the entry age (REACHABLE -> STALE -> collected) or its hold-down end: late polls catch up.
                for (int jump = 0; jump < 2; jump++)
                {
                    clock.advance(100_000_000_000L);
                    run(clock, a, b, 1);
                }
            }
            final long flushed = a.arp.counter(ArpCounter.PENDING_FLUSHED);
            final long unresolved = a.arp.counter(ArpCounter.PENDING_DROPPED_UNRESOLVED);
            assertEquals(rounds, flushed + unresolved, "each packet was either sent on resolution or reported");
            assertEquals(failed, unresolved);
            assertEquals(failed, a.arp.counter(ArpCounter.ENTRIES_FAILED));
            assertTrue(failed > 0 && failed < rounds / 2, "about one in eight resolutions fails, was " + failed);
            assertTrue(a.arp.counter(ArpCounter.TX_REQUESTS) > rounds, "retries were needed");
            // A failed resolution sent exactly 3 requests; a successful one 1 to 3.
            final long successRequests = a.arp.counter(ArpCounter.TX_REQUESTS) - 3L * failed;
            assertTrue(successRequests >= rounds - failed && successRequests <= 3L * (rounds - failed),
                "requests of successful resolutions: " + successRequests);
            // Everything A sent was either lost on the wire, a request B received, or a packet B received.
            assertEquals(wire.aToB().sent(), wire.aToB().lost() + b.arp.counter(ArpCounter.RX_REQUESTS)
                + b.delivered.size());
            assertTrue(b.delivered.size() > 0);
        }
    }

    @Test
    void shouldBatchThroughQueueOutputAndCountItsDrops()
    {
        final VirtualClock clock = new VirtualClock();
        try (MemoryWire wire = new MemoryWire(MemoryWireConfig.DEFAULT.withPoolFrames(4), clock))
        {
            start(wire);
            final QueueArpOutput output = new QueueArpOutput(wire.endpointA().queue(0), 2);
            final MemorySegment small = MemorySegment.ofArray(payloadFrame(1, 60));
            assertTrue(output.transmit(small, 0, 60));
            assertTrue(output.transmit(small, 0, 60));
            assertEquals(2, output.waiting());
            assertTrue(output.transmit(small, 0, 60), "a full batch is flushed first");
            assertEquals(2, output.sent());
            assertEquals(1, output.waiting());
            final int tooLong = wire.config().frameSize() + 1;
            assertTrue(!output.transmit(MemorySegment.ofArray(new byte[tooLong]), 0, tooLong));
            assertEquals(1, output.dropped());
            assertEquals(1, output.flush());
            assertEquals(0, output.flush());
            assertEquals(3, output.sent());
            final FrameBatch rx = new FrameBatch(8);
            assertEquals(3, wire.endpointB().queue(0).receive(rx));
            wire.endpointB().queue(0).releaseAll(rx);
        }
    }
}
