package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.tachyon.testing.Allocations;

/** The hashed timer wheel: order, cancel, capacity, long jumps, no allocation. */
class TimerWheelTest
{
    private static final long START = 1_000_000_000_000L;
    private static final long MS = 1_000_000L;

    /** Records fired timers as "kind@now". */
    static final class Fired implements TimerWheel.Handler
    {
        final List<Long> payloads = new ArrayList<>();
        final List<Long> times = new ArrayList<>();

        @Override
        public void onTimer(final long handle, final int kind, final long payload, final long nowNs)
        {
            payloads.add(payload);
            times.add(nowNs);
        }
    }

    @Test
    void shouldFireInDeadlineOrderNeverEarly()
    {
        final TimerWheel wheel = new TimerWheel(START, MS, 8, 64);
        final Fired fired = new Fired();
        wheel.schedule(START + 5 * MS + 10, 0, 3L);
        wheel.schedule(START + 5 * MS + 5, 0, 2L);
        wheel.schedule(START + 2 * MS, 0, 1L);
        wheel.schedule(START + 20 * MS, 0, 5L); // same bucket as tick 4 after wrapping
        wheel.schedule(START + 5 * MS + 5, 0, 4L); // tie: scheduling order
        assertEquals(0, wheel.poll(START + 2 * MS - 1, fired));
        assertEquals(1, wheel.poll(START + 2 * MS, fired));
        assertEquals(0, wheel.poll(START + 5 * MS + 4, fired));
        assertEquals(3, wheel.poll(START + 19 * MS, fired));
        assertEquals(List.of(1L, 2L, 4L, 3L), fired.payloads);
        assertEquals(1, wheel.size());
        assertEquals(1, wheel.poll(START + 20 * MS, fired));
        assertEquals(5L, fired.payloads.get(4));
        assertEquals(0, wheel.size());
    }

    @Test
    void shouldCancelByHandleAndIgnoreStaleHandles()
    {
        final TimerWheel wheel = new TimerWheel(START, MS, 16, 4);
        final Fired fired = new Fired();
        final long a = wheel.schedule(START + MS, 1, 1L);
        final long b = wheel.schedule(START + MS, 1, 2L);
        assertTrue(wheel.isScheduled(a));
        assertEquals(START + MS, wheel.deadlineNs(a));
        assertTrue(wheel.cancel(a));
        assertFalse(wheel.cancel(a));
        assertFalse(wheel.isScheduled(a));
        assertThrows(IllegalArgumentException.class, () -> wheel.deadlineNs(a));
        final long c = wheel.schedule(START + MS, 1, 3L); // reuses a's slot with a new generation
        assertEquals((int)a, (int)c);
        assertFalse(wheel.cancel(a), "a stale handle cancels nothing");
        assertEquals(2, wheel.poll(START + MS, fired));
        assertEquals(List.of(2L, 3L), fired.payloads);
        assertFalse(wheel.cancel(b));
        assertFalse(wheel.cancel(TimerWheel.NULL_HANDLE));
    }

    @Test
    void shouldRefuseWhenFullAndLetHandlersCancelOrReschedule()
    {
        final TimerWheel wheel = new TimerWheel(START, MS, 4, 2);
        final long[] other = new long[1];
        final List<Long> seen = new ArrayList<>();
        final TimerWheel.Handler handler = (handle, kind, payload, now) ->
        {
            seen.add(payload);
            if (payload == 1L)
            {
                wheel.cancel(other[0]);
                wheel.schedule(now, 0, 9L); // due now: fires at the next poll, not this one
            }
        };
        wheel.schedule(START + MS, 0, 1L);
        other[0] = wheel.schedule(START + MS, 0, 2L);
        assertEquals(TimerWheel.NULL_HANDLE, wheel.schedule(START, 0, 3L));
        assertEquals(1, wheel.poll(START + MS, handler));
        assertEquals(List.of(1L), seen);
        assertEquals(1, wheel.poll(START + MS, handler));
        assertEquals(List.of(1L, 9L), seen);
    }

    @Test
    void shouldMatchAModelOverRandomSchedulesAndLongJumps()
    {
        final SplittableRandom random = new SplittableRandom(20261122L);
        final TimerWheel wheel = new TimerWheel(START, 1000, 64, 512);
        final PriorityQueue<long[]> model = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0])
            : Long.compare(x[1], y[1]));
        final List<Long> handles = new ArrayList<>();
        final List<long[]> entries = new ArrayList<>();
        final Fired fired = new Fired();
        long now = START;
        long sequence = 0;
        for (int step = 0; step < 20_000; step++)
        {
            final int action = random.nextInt(10);
            if (action < 5 && wheel.size() < 512)
            {
                final long deadline = now + random.nextLong(random.nextBoolean() ? 5_000 : 500_000);
                final long[] entry = {deadline, sequence++};
                handles.add(wheel.schedule(deadline, 0, entry[1]));
                entries.add(entry);
                model.add(entry);
            }
            else if (action < 7 && !handles.isEmpty())
            {
                final int i = random.nextInt(handles.size());
                final boolean live = model.remove(entries.get(i));
                assertEquals(live, wheel.cancel(handles.get(i)));
                handles.remove(i);
                entries.remove(i);
            }
            else
            {
                now += random.nextInt(100) == 0 ? random.nextLong(1_000_000) : random.nextLong(3_000);
                fired.payloads.clear();
                wheel.poll(now, fired);
                final List<Long> expected = new ArrayList<>();
                while (!model.isEmpty() && model.peek()[0] <= now)
                {
                    expected.add(model.poll()[1]);
                }
                assertEquals(expected, fired.payloads, "at step " + step);
            }
            assertEquals(model.size(), wheel.size());
        }
    }

    @Test
    void shouldRejectBadConstruction()
    {
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, 0, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, 1, 6, 8));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, 1, 8, 0));
    }

    @Test
    void shouldNotAllocateWhenSchedulingFiringAndCancelling() throws Exception
    {
        final TimerWheel wheel = new TimerWheel(START, MS, 256, 1024);
        final TimerWheel.Handler handler = (handle, kind, payload, now) -> { };
        final long[] now = {START};
        Allocations.assertSteadyStateAllocatesNothing("100k timers", 5, 10, () ->
        {
            for (int i = 0; i < 100_000; i++)
            {
                final long handle = wheel.schedule(now[0] + (i % 7) * MS, 0, i);
                if ((i & 3) == 0)
                {
                    wheel.cancel(handle);
                }
                now[0] += MS / 4;
                wheel.poll(now[0], handler);
            }
        });
    }
}
