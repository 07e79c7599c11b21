package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.arp.ArpCounter;
import io.tachyon.counters.CounterSnapshot;
import io.tachyon.counters.CountersLocation;
import io.tachyon.counters.CountersReader;
import io.tachyon.counters.SystemCounterDescriptor;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.icmp.IcmpCounter;
import io.tachyon.igmp.IgmpCounter;
import io.tachyon.ipv4.Ipv4;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.ipv4.ReassemblyCounter;
import io.tachyon.link.LinkCounter;
import io.tachyon.time.SystemClock;
import io.tachyon.udp.UdpCounter;
import io.tachyon.udp.UdpSocket;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.Malformed;

/** Running stacks on AgentRunners, commands from other threads, errors, close, and the counters file. */
class StackLifecycleTest
{
    /** Wall-clock time for bounding waits on real threads (the injected clock's production implementation). */
    private static final SystemClock WALL_CLOCK = new SystemClock();

    @TempDir
    Path counters;

    @Test
    void shouldRunOnAgentRunnersAndTakeCommandsFromOtherThreads() throws Exception
    {
        final SystemClock clock = new SystemClock();
        final MemoryWire wire = MemoryWire.of(clock);
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
        final Stack a = new Stack(StackConfig.builder().name("runner-a").secretSeed(7).countersDirectory(counters)
            .mac(Frames.MAC_A).address(Frames.IP_A, 24).build(), wire.endpointA(), 0, clock);
        final Stack b = new Stack(StackConfig.builder().name("runner-b").secretSeed(7).countersDirectory(counters)
            .mac(Frames.MAC_B).address(Frames.IP_B, 24).build(), wire.endpointB(), 0, clock);
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final ErrorHandler errors = ex ->
        {
            if (!(ex instanceof AgentTerminationException))
            {
                failures.add(ex);
            }
        };
        final AgentRunner runnerA = new AgentRunner(new YieldingIdleStrategy(), errors, null, a);
        final AgentRunner runnerB = new AgentRunner(new YieldingIdleStrategy(), errors, null, b);
        AgentRunner.startOnThread(runnerA);
        AgentRunner.startOnThread(runnerB);
        try
        {
            final UdpSocket server = b.openUdpSocketAsync(0, 7).get(10, TimeUnit.SECONDS);
            assertEquals(7, server.localPort());
            final CompletableFuture<Void> echoing = new CompletableFuture<>();
            b.submit((stack, now) ->
            {
                server.handler((s, segment, offset, length, address, port) ->
                    s.send(segment, offset, length, address, port));
                echoing.complete(null);
            });
            echoing.get(10, TimeUnit.SECONDS);
            final UdpSocket client = a.openUdpSocketAsync(0, 0).get(10, TimeUnit.SECONDS);
            final CompletableFuture<byte[]> echoed = new CompletableFuture<>();
            a.submit((stack, now) ->
            {
                client.handler((s, segment, offset, length, address, port) ->
                    echoed.complete(segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE)));
                client.send(new byte[] {1, 2, 3}, 0, 3, Frames.IP_B, 7);
            });
            assertEquals(List.of((byte)1, (byte)2, (byte)3), List.of(box(echoed.get(10, TimeUnit.SECONDS))));

            final ExecutionException inUse = assertThrows(ExecutionException.class,
                () -> b.openUdpSocketAsync(0, 7).get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, inUse.getCause());
            assertTrue(inUse.getCause().getMessage().contains("EADDRINUSE"));

            a.requestClose();
            b.requestClose();
            final long deadline = WALL_CLOCK.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((!a.isClosed() || !b.isClosed()) && WALL_CLOCK.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertTrue(a.isClosed() && b.isClosed());
            assertEquals(List.of(), failures, "only the requested termination reached the runners");
        }
        finally
        {
            runnerA.close();
            runnerB.close();
            wire.close();
        }
        try (CountersReader reader = CountersReader.open(CountersLocation.counterFile(counters, "runner-a")))
        {
            assertTrue(reader.isClosed(), "closed cleanly, final values kept");
        }
    }

    private static Byte[] box(final byte[] bytes)
    {
        final Byte[] boxed = new Byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            boxed[i] = bytes[i];
        }
        return boxed;
    }

    @Test
    void shouldCountExceptionsPerFrameAndCommandAndCarryOn()
    {
        try (Harness h = new Harness(counters))
        {
            final AtomicInteger igmp = new AtomicInteger();
            h.stack.ipv4().igmp((ip, rxFlags, rxIndex, destinationClass, nowNs) ->
            {
                igmp.incrementAndGet();
                throw new IllegalStateException("bug in a protocol");
            });
            final byte[] data = new byte[8];
            final List<byte[]> out = h.exchange(Frames.ip().protocol(Ipv4.PROTOCOL_IGMP).payload(data).frame(),
                Frames.echoRequest(1, 1, data));
            assertEquals(1, out.size(), "the frame after the failing one was still answered");
            assertEquals(1, igmp.get());
            assertEquals(1, h.stack.counters().stack().get(StackCounter.ERRORS).get());
            assertEquals("bug in a protocol", h.stack.lastError().getMessage());

            assertTrue(h.stack.submit((stack, now) ->
            {
                throw new IllegalArgumentException("bad command");
            }));
            h.stack.doWork();
            assertEquals(1, h.stack.counters().stack().get(StackCounter.COMMAND_ERRORS).get());
            assertEquals("bad command", h.stack.lastError().getMessage());
        }
    }

    @Test
    void shouldAnnounceOnStartAndStopAfterClose()
    {
        try (Harness h = new Harness(counters))
        {
            h.stack.onStart();
            final List<byte[]> out = h.exchange();
            assertEquals(1, out.size());
            final FrameDissector d = new FrameDissector();
            assertEquals(Malformed.OK, d.dissectEthernet(MemorySegment.ofArray(out.get(0)), 0, 60));
            assertEquals(Frames.IP_A, d.arp().senderProtocolAddress());
            assertEquals(Frames.IP_A, d.arp().targetProtocolAddress());
            h.stack.requestClose();
            assertThrows(AgentTerminationException.class, h.stack::doWork);
            assertTrue(h.stack.isClosed());
            assertThrows(AgentTerminationException.class, h.stack::doWork);
            assertThrows(IllegalStateException.class, h.stack::openUdpSocket);
        }
    }

    @Test
    void shouldRegisterEveryCounterWithReadableNamesInTheCountersFile() throws Exception
    {
        try (Harness h = new Harness(counters))
        {
            h.exchange(Frames.udpFrame(1, 9, new byte[1]), Frames.echoRequest(1, 1, new byte[4]),
                Frames.arp(Frames.BROADCAST_MAC, Frames.MAC_OTHER, 1, Frames.MAC_OTHER, Frames.IP_OTHER, 0,
                    Frames.IP_A));
            h.clock.advance(200_000_000L);
            h.stack.doWork();
            try (CountersReader reader = CountersReader.open(CountersLocation.counterFile(counters, "h")))
            {
                final Map<String, Long> byName = new HashMap<>();
                for (final CounterSnapshot counter : reader.snapshot())
                {
                    byName.put(counter.typeName() + "/" + counter.label(), counter.value());
                }
                assertEquals(3L, byName.get("Stack/frames received"));
                assertEquals(3L, byName.get("Stack/frames sent"), "port unreachable, echo reply, ARP reply");
                assertEquals(2L, byName.get("Ip/InReceives: datagrams received"));
                assertEquals(1L, byName.get("Udp/NoPorts: datagrams to a port with no socket"));
                assertEquals(1L, byName.get("Icmp/InEchos: echo requests"));
                assertEquals(1L, byName.get("Arp/tx replies"), "synced by the periodic timer");
                assertEquals(0L, byName.get("Malformed/drops: IP version is not 4"));
                assertEquals(0L, byName.get("Stack/errors: unexpected exceptions caught by the duty cycle"));
                assertEquals(0L, byName.get("Reassembly/datagrams reassembled"));
                assertEquals(0L, byName.get("Igmp/joins"));
                assertEquals(SystemCounterDescriptor.values().length + StackCounter.values().length
                    + LinkCounter.values().length + Malformed.values().length
                    + ArpCounter.values().length + Ipv4Counter.values().length
                    + ReassemblyCounter.values().length + IcmpCounter.values().length
                    + UdpCounter.values().length + IgmpCounter.values().length
                    + io.tachyon.tcp.TcpCounter.values().length, byName.size());
            }
        }
    }
}
