package io.tachyon.driver.memory;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.PacketDriver;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Helpers for MemoryWire tests: send byte arrays, receive them back with their timestamps.
 */
final class WireTestSupport
{
    /**
     * A received frame: its bytes and its receive timestamp.
     *
     * @param bytes       the frame.
     * @param timestampNs when it arrived.
     */
    record Received(byte[] bytes, long timestampNs)
    {
    }

    private WireTestSupport()
    {
    }

    static void startBoth(final MemoryWire wire)
    {
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
    }

    /**
     * A frame of {@code length} bytes whose first four bytes after the MACs carry {@code sequence}.
     */
    static byte[] frame(final int sequence, final int length)
    {
        final byte[] f = new byte[length];
        for (int i = 0; i < length; i++)
        {
            f[i] = (byte) (i * 31 + sequence * 7);
        }
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xB5;
        if (length >= 18)
        {
            f[14] = (byte) (sequence >>> 24);
            f[15] = (byte) (sequence >>> 16);
            f[16] = (byte) (sequence >>> 8);
            f[17] = (byte) sequence;
        }
        return f;
    }

    /**
     * Sends every frame (all must be accepted at once).
     */
    static void send(final PacketDriver driver, final byte[]... frames)
    {
        final DriverQueue q = driver.queue(0);
        final FrameBatch batch = new FrameBatch(frames.length);
        assertEquals(frames.length, q.acquire(batch, frames.length), "acquire");
        for (int i = 0; i < frames.length; i++)
        {
            final byte[] f = frames[i];
            MemorySegment.copy(MemorySegment.ofArray(f), 0L, batch.segment(i), batch.offset(i), f.length);
            batch.length(i, frames[i].length);
        }
        assertEquals(frames.length, q.transmit(batch), "transmit accepted");
        assertEquals(0, batch.size());
    }

    /**
     * Receives everything due now, releasing each frame after copying it.
     */
    static List<Received> receiveAll(final PacketDriver driver)
    {
        final DriverQueue q = driver.queue(0);
        final FrameBatch batch = new FrameBatch(64);
        final List<Received> out = new ArrayList<>();
        while (true)
        {
            final int n = q.receive(batch);
            if (n == 0)
            {
                return out;
            }
            for (int i = 0; i < n; i++)
            {
                final byte[] bytes = new byte[batch.length(i)];
                MemorySegment.copy(batch.segment(i), batch.offset(i), MemorySegment.ofArray(bytes), 0L, bytes.length);
                out.add(new Received(bytes, batch.timestampNs(i)));
            }
            q.releaseAll(batch);
        }
    }
}
