package io.tachyon.driver.memory;

import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;
import io.tachyon.time.VirtualClock;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.tachyon.driver.memory.WireTestSupport.Received;
import static io.tachyon.driver.memory.WireTestSupport.frame;
import static io.tachyon.driver.memory.WireTestSupport.receiveAll;
import static io.tachyon.driver.memory.WireTestSupport.send;
import static io.tachyon.driver.memory.WireTestSupport.startBoth;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MemoryWire's memory model, ownership checks, back-pressure and lifecycle.
 */
class MemoryWireTest
{
    private final VirtualClock clock = new VirtualClock();

    @Test
    void shouldReportCopyModeCapabilities()
    {
        try (MemoryWire wire = new MemoryWire(MemoryWireConfig.DEFAULT.withFrameSize(9018).withMtu(9000), clock))
        {
            final PacketDriver a = wire.endpointA();
            assertEquals("memory-wire:a", a.name());
            assertEquals("memory-wire:b", wire.endpointB().name());
            a.open();
            assertEquals(9000, a.capabilities().mtu());
            assertEquals(9018, a.capabilities().maxFrameLength());
            assertEquals(32, a.capabilities().maxBurst());
            assertEquals(1, a.capabilities().queueCount());
            assertTrue(!a.capabilities().zeroCopy() && a.capabilities().txFromRxFrame());
        }
    }

    @Test
    void shouldRejectABadConfigurationNamingTheValue()
    {
        final DriverException small = assertThrows(DriverException.class,
            () -> MemoryWireConfig.DEFAULT.withFrameSize(1000));
        assertEquals(DriverException.Reason.MTU_TOO_LARGE, small.reason());
        assertTrue(small.getMessage().contains("frameSize=1000"));
        final DriverException pool = assertThrows(DriverException.class,
            () -> MemoryWireConfig.DEFAULT.withPoolFrames(0));
        assertTrue(pool.getMessage().contains("poolFrames=0"));
        final DriverException loss = assertThrows(DriverException.class,
            () -> FaultProfile.NONE.withLoss(1.5));
        assertTrue(loss.getMessage().contains("lossProbability=1.5"));
        assertThrows(DriverException.class, () -> FaultProfile.NONE.withReordering(0.5, 0L));
    }

    @Test
    void shouldAcceptOnlyAPrefixWhenTheInFlightQueueIsFull()
    {
        try (MemoryWire wire = new MemoryWire(MemoryWireConfig.DEFAULT.withInFlightFrames(5), clock))
        {
            startBoth(wire);
            final DriverQueue a = wire.endpointA().queue(0);
            final FrameBatch batch = new FrameBatch(8);
            assertEquals(8, a.acquire(batch, 8));
            final long[] handles = new long[8];
            for (int i = 0; i < 8; i++)
            {
                final byte[] f = frame(i, 64);
                MemorySegment.copy(MemorySegment.ofArray(f), 0L, batch.segment(i), batch.offset(i), f.length);
                batch.length(i, f.length);
                handles[i] = batch.handle(i);
            }
            assertEquals(5, a.transmit(batch));
            assertEquals(3, batch.size());
            for (int i = 0; i < 3; i++)
            {
                assertEquals(handles[5 + i], batch.handle(i), "unsent frames keep their order");
            }
            assertEquals(0, a.transmit(batch), "still full");
            assertEquals(5, receiveAll(wire.endpointB()).size());
            assertEquals(3, a.transmit(batch));
            final List<Received> rest = receiveAll(wire.endpointB());
            assertEquals(3, rest.size());
            assertArrayEquals(frame(5, 64), rest.get(0).bytes());
            assertArrayEquals(frame(7, 64), rest.get(2).bytes());
        }
    }

    @Test
    void shouldLeaveDueFramesInFlightWhenTheReceiverHasNoBuffer()
    {
        try (MemoryWire wire = new MemoryWire(MemoryWireConfig.DEFAULT.withPoolFrames(4), clock))
        {
            startBoth(wire);
            final DriverQueue b = wire.endpointB().queue(0);
            final FrameBatch held = new FrameBatch(4);
            assertEquals(4, b.acquire(held, 4));
            send(wire.endpointA(), frame(1, 64), frame(2, 64));
            final FrameBatch rx = new FrameBatch(8);
            assertEquals(0, b.receive(rx));
            assertEquals(1L, wire.aToB().receiverNoBuffer());
            assertEquals(2, wire.aToB().inFlight());
            b.releaseAll(held);
            final List<Received> got = receiveAll(wire.endpointB());
            assertEquals(2, got.size());
            assertArrayEquals(frame(1, 64), got.get(0).bytes());
            assertEquals(0L, wire.aToB().lost());
        }
    }

    @Test
    void shouldTransmitAReceivedFrameInPlace()
    {
        try (MemoryWire wire = MemoryWire.of(clock))
        {
            startBoth(wire);
            send(wire.endpointA(), frame(1, 80));
            final DriverQueue b = wire.endpointB().queue(0);
            final FrameBatch batch = new FrameBatch(4);
            assertEquals(1, b.receive(batch));
            batch.segment(0).set(java.lang.foreign.ValueLayout.JAVA_BYTE, batch.offset(0) + 20, (byte) 0x55);
            assertEquals(1, b.transmit(batch));
            final List<Received> back = receiveAll(wire.endpointA());
            final byte[] expected = frame(1, 80);
            expected[20] = 0x55;
            assertArrayEquals(expected, back.get(0).bytes());
        }
    }

    @Test
    void shouldRejectBuffersNotLentOutNamingTheHandle()
    {
        try (MemoryWire wire = MemoryWire.of(clock))
        {
            startBoth(wire);
            final DriverQueue a = wire.endpointA().queue(0);
            final FrameBatch batch = new FrameBatch(4);
            assertEquals(2, a.acquire(batch, 2));
            final long h = batch.handle(0);
            a.release(batch, 0);
            final DriverException twice = assertThrows(DriverException.class, () -> a.release(batch, 0));
            assertEquals(DriverException.Reason.BAD_ARGUMENT, twice.reason());
            assertTrue(twice.getMessage().contains("handle=" + h), twice.getMessage());
            // The same buffer listed twice in one transmit batch is refused before anything is sent.
            batch.clear();
            assertEquals(1, a.acquire(batch, 1));
            batch.length(0, 60);
            batch.add(batch.segment(0), batch.offset(0), 60, batch.capacity(0), batch.handle(0), 0, 0L, 0);
            final DriverException dup = assertThrows(DriverException.class, () -> a.transmit(batch));
            assertEquals(DriverException.Reason.BAD_ARGUMENT, dup.reason());
            assertEquals(2, batch.size());
            assertEquals(0L, wire.aToB().sent());
            batch.remove(1);
            final FrameBatch forged = new FrameBatch(1);
            forged.add(MemorySegment.ofArray(new byte[2048]), 0L, 60, 2048, 2048L * 4096L, 0, 0L, 0);
            final DriverException bad = assertThrows(DriverException.class, () -> a.transmit(forged));
            assertTrue(bad.getMessage().contains("handle=" + 2048L * 4096L), bad.getMessage());
            batch.length(0, 13);
            final DriverException shortFrame = assertThrows(DriverException.class, () -> a.transmit(batch));
            assertTrue(shortFrame.getMessage().contains("length=13"), shortFrame.getMessage());
            batch.length(0, 1519);
            assertThrows(DriverException.class, () -> a.transmit(batch));
            batch.length(0, 1518);
            assertEquals(1, a.transmit(batch));
            assertEquals(1L, wire.aToB().sent());
        }
    }

    @Test
    void shouldFollowTheLifecycle()
    {
        final MemoryWire wire = MemoryWire.of(clock);
        final PacketDriver a = wire.endpointA();
        assertEquals(DriverState.CREATED, a.state());
        assertEquals(DriverException.Reason.ILLEGAL_STATE, assertThrows(DriverException.class, a::start).reason());
        assertEquals(DriverException.Reason.ILLEGAL_STATE,
            assertThrows(DriverException.class, a::capabilities).reason());
        a.open();
        assertEquals(DriverException.Reason.ILLEGAL_STATE, assertThrows(DriverException.class, a::open).reason());
        final DriverQueue q = a.queue(0);
        assertEquals(DriverException.Reason.ILLEGAL_STATE,
            assertThrows(DriverException.class, () -> q.receive(new FrameBatch(1))).reason());
        assertEquals(DriverException.Reason.QUEUE_MISMATCH,
            assertThrows(DriverException.class, () -> a.queue(1)).reason());
        a.start();
        assertEquals(DriverState.STARTED, a.state());
        final FrameBatch batch = new FrameBatch(2);
        assertEquals(2, q.acquire(batch, 2));
        a.close();
        a.close();
        assertEquals(DriverState.CLOSED, a.state());
        assertEquals(DriverException.Reason.ILLEGAL_STATE,
            assertThrows(DriverException.class, () -> q.transmit(batch)).reason());
        assertEquals(DriverException.Reason.ILLEGAL_STATE,
            assertThrows(DriverException.class, () -> q.release(batch, 0)).reason());
        wire.close();
        assertEquals(DriverState.CLOSED, wire.endpointB().state());
    }

    @Test
    void shouldCountFramesSentToAClosedPeerAsLost()
    {
        try (MemoryWire wire = MemoryWire.of(clock))
        {
            startBoth(wire);
            wire.endpointB().close();
            send(wire.endpointA(), frame(1, 64), frame(2, 64));
            assertEquals(2L, wire.aToB().lost());
            assertEquals(0, wire.aToB().inFlight());
        }
    }
}
