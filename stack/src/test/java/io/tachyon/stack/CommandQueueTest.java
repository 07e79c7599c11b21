package io.tachyon.stack;

import io.tachyon.time.SystemClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The MPSC command queue: bounds, order, many producers. */
class CommandQueueTest
{
    /** Wall-clock time for bounding waits on real threads (the injected clock's production implementation). */
    private static final SystemClock WALL_CLOCK = new SystemClock();

    /** A command that remembers who made it. */
    record Tagged(int producer, int sequence) implements StackCommand
    {
        @Override
        public void execute(final Stack stack, final long nowNs)
        {
        }
    }

    @Test
    void shouldBeBoundedAndFifo()
    {
        final CommandQueue queue = new CommandQueue(3);
        assertEquals(4, queue.capacity());
        for (int i = 0; i < 4; i++)
        {
            assertTrue(queue.offer(new Tagged(0, i)));
        }
        assertFalse(queue.offer(new Tagged(0, 4)));
        assertEquals(4, queue.size());
        for (int i = 0; i < 4; i++)
        {
            assertEquals(new Tagged(0, i), queue.poll());
        }
        assertNull(queue.poll());
        assertTrue(queue.offer(new Tagged(0, 5)));
        assertEquals(new Tagged(0, 5), queue.poll());
        assertThrows(NullPointerException.class, () -> queue.offer(null));
        assertThrows(IllegalArgumentException.class, () -> new CommandQueue(0));
    }

    @Test
    void shouldDeliverEveryCommandOfManyProducersInEachProducersOrder() throws Exception
    {
        final CommandQueue queue = new CommandQueue(64);
        final int producers = 3;
        final int perProducer = 20_000;
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int producer = p;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perProducer; i++)
                {
                    final Tagged command = new Tagged(producer, i);
                    while (!queue.offer(command))
                    {
                        Thread.yield(); // two cores: let the consumer run
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        final int[] next = new int[producers];
        int received = 0;
        final long deadline = WALL_CLOCK.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received < producers * perProducer && WALL_CLOCK.nanoTime() < deadline)
        {
            final StackCommand command = queue.poll();
            if (command == null)
            {
                Thread.yield();
                continue;
            }
            final Tagged tagged = (Tagged)command;
            assertEquals(next[tagged.producer()], tagged.sequence(), "producer " + tagged.producer());
            next[tagged.producer()]++;
            received++;
        }
        for (final Thread thread : threads)
        {
            thread.join(10_000);
        }
        assertEquals(producers * perProducer, received);
        assertNull(queue.poll());
    }
}
