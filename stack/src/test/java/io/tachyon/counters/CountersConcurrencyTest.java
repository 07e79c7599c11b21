package io.tachyon.counters;

import io.tachyon.time.SystemClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tachyon.time.VirtualClock;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A writer thread counts while a reader (on its own mapping of the file) polls. */
class CountersConcurrencyTest
{
    /** Wall-clock time for bounding waits on real threads (the injected clock's production implementation). */
    private static final SystemClock WALL_CLOCK = new SystemClock();

    private static final int EVENTS = 2_000_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNeverSeeACounterGoBackwardsAndFinallySeeExactTotals() throws Exception
    {
        final Path path = dir.resolve(CountersFile.FILE_NAME);
        try (CountersFile file = CountersFile.create(path, 4, new VirtualClock());
            CountersReader reader = CountersReader.open(path))
        {
            final Counter events = file.allocate(1, "Test", 0, "events");
            final Counter bytes = file.allocate(1, "Test", 1, "bytes");
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread writer = Thread.ofPlatform().name("counters-writer").start(() ->
            {
                try
                {
                    for (int i = 0; i < EVENTS; i++)
                    {
                        events.increment();
                        bytes.add(3);
                        file.heartbeat(VirtualClock.DEFAULT_START_NS + i);
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });

            long lastEvents = 0;
            long lastBytes = 0;
            long lastHeartbeat = Long.MIN_VALUE;
            long polls = 0;
            final long deadline = WALL_CLOCK.nanoTime() + TimeUnit.SECONDS.toNanos(50);
            while (lastEvents < EVENTS || lastBytes < 3L * EVENTS)
            {
                if (WALL_CLOCK.nanoTime() - deadline > 0)
                {
                    fail("reader saw only " + lastEvents + " events and " + lastBytes + " bytes after " + polls
                        + " polls");
                }
                // bytes is stored after events: having seen bytes (acquire), the reader must see the events
                // stored before it (release), so events >= bytes / 3.
                final long nowBytes = reader.value(1);
                final long nowEvents = reader.value(0);
                final long heartbeat = reader.heartbeatNs();
                assertTrue(nowEvents >= lastEvents, "events went back from " + lastEvents + " to " + nowEvents);
                assertTrue(nowBytes >= lastBytes, "bytes went back from " + lastBytes + " to " + nowBytes);
                assertTrue(heartbeat >= lastHeartbeat, "heartbeat went back");
                assertTrue(nowEvents >= nowBytes / 3, "saw bytes " + nowBytes + " but only events " + nowEvents);
                lastEvents = nowEvents;
                lastBytes = nowBytes;
                lastHeartbeat = heartbeat;
                polls++;
            }
            writer.join(TimeUnit.SECONDS.toMillis(10));
            assertNull(failure.get());
            assertEquals(EVENTS, reader.value(0));
            assertEquals(3L * EVENTS, reader.value(1));
            assertEquals(VirtualClock.DEFAULT_START_NS + EVENTS - 1, reader.heartbeatNs());
            assertTrue(polls > 0);
        }
    }
}
