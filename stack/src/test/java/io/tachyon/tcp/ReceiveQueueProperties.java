package io.tachyon.tcp;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Out-of-order assembly under random segmentations, permutations, duplicates and overlaps. */
class ReceiveQueueProperties
{
    @Property(seed = "20261201")
    void shouldDeliverTheExactStreamWithAWindowThatNeverShrinks(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int n = 1 + random.nextInt(3000);
        final int capacity = 16 + random.nextInt(3000);
        final int maxBlocks = 1 + random.nextInt(8);
        final int shift = random.nextInt(4);
        final int mss = 1 + random.nextInt(1460);
        final int base = random.nextBoolean() ? -random.nextInt(4000) : random.nextInt();
        final byte[] stream = new byte[n];
        random.nextBytes(stream);

        final int[] starts = new int[4 * n + 16];
        final int[] lengths = new int[starts.length];
        int count = 0;
        for (int at = 0; at < n; )
        {
            final int length = Math.min(n - at, 1 + random.nextInt(200));
            starts[count] = at;
            lengths[count++] = length;
            at += length;
        }
        final int cover = count;
        final int extras = random.nextInt(cover + 1);
        for (int i = 0; i < extras; i++)
        {
            if (random.nextBoolean())
            {
                final int copy = random.nextInt(cover);
                starts[count] = starts[copy];
                lengths[count++] = lengths[copy];
            }
            else
            {
                final int s = random.nextInt(n);
                starts[count] = s;
                lengths[count++] = 1 + random.nextInt(Math.min(n - s, 400));
            }
        }

        try (Arena arena = Arena.ofConfined(); ReceiveQueue queue = new ReceiveQueue(capacity, maxBlocks))
        {
            final MemorySegment wire = arena.allocate(n);
            MemorySegment.copy(MemorySegment.ofArray(stream), 0, wire, 0, n);
            final MemorySegment out = arena.allocate(capacity);
            final byte[] received = new byte[n];
            final ByteBuffer heap = ByteBuffer.wrap(received);
            int delivered = 0;
            queue.open(base, shift, mss);
            int edge = queue.rcvNxt();
            queue.advertiseWindow();
            int rounds = 0;
            while (queue.rcvNxt() != base + n)
            {
                assertTrue(++rounds <= n + 1, "no progress after " + rounds + " rounds");
                shuffle(random, starts, lengths, count);
                for (int i = 0; i < count; i++)
                {
                    final int before = queue.rcvNxt();
                    final int moved = queue.offer(base + starts[i], wire, starts[i], lengths[i]);
                    assertEquals(queue.rcvNxt() - before, moved);
                    assertEquals(lengths[i], queue.lastInOrder() + queue.lastOutOfOrder() + queue.lastDuplicate()
                        + queue.lastOutsideWindow() + queue.lastDropped());
                    assertTrue(queue.outOfOrderBlocks() <= maxBlocks);
                    assertTrue(queue.outOfOrderBytes() + queue.readable() <= capacity, "memory bounded");
                    queue.advertiseWindow();
                    final int newEdge = queue.advertisedRightEdge();
                    assertTrue(Seq.geq(newEdge, edge), "right edge moved left");
                    assertTrue(newEdge - (queue.rcvNxt() + queue.freeSpace()) <= 1 << shift,
                        "edge at most one scale unit past the buffer end");
                    assertEquals(0, queue.receiveWindow() & ((1 << shift) - 1));
                    edge = newEdge;
                    final int wanted = random.nextInt(queue.readable() + 1);
                    if (random.nextBoolean())
                    {
                        heap.limit(delivered + wanted).position(delivered);
                        delivered += queue.read(heap);
                    }
                    else
                    {
                        final int got = queue.read(out, 0, wanted);
                        MemorySegment.copy(out, 0, MemorySegment.ofArray(received), delivered, got);
                        delivered += got;
                    }
                }
                final int got = queue.read(out, 0, capacity);
                MemorySegment.copy(out, 0, MemorySegment.ofArray(received), delivered, got);
                delivered += got;
            }
            assertEquals(n, delivered);
            assertArrayEquals(stream, received);
            assertEquals(0, queue.outOfOrderBlocks());
            assertEquals(n, queue.bytesInOrder() + queue.bytesOutOfOrder());
        }
    }

    private static void shuffle(final SplittableRandom random, final int[] a, final int[] b, final int count)
    {
        for (int i = count - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = a[i];
            a[i] = a[j];
            a[j] = t;
            final int u = b[i];
            b[i] = b[j];
            b[j] = u;
        }
    }
}
