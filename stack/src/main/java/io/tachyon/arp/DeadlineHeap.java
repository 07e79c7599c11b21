package io.tachyon.arp;

import java.util.Arrays;

/**
 * An indexed binary min-heap of deadlines: at most one deadline per id in {@code [0, capacity)}, with
 * O(log n) schedule, reschedule and cancel, and O(1) access to the earliest. Deadlines are epoch nanoseconds
 * compared by subtraction, so the order is right across any 2<sup>63</sup> ns window. Allocation-free after
 * construction.
 */
final class DeadlineHeap
{
    private static final int ABSENT = -1;

    private final int[] heap;
    private final int[] position;
    private final long[] deadlines;
    private int size;

    DeadlineHeap(final int capacity)
    {
        heap = new int[capacity];
        position = new int[capacity];
        deadlines = new long[capacity];
        Arrays.fill(position, ABSENT);
    }

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    boolean contains(final int id)
    {
        return position[id] != ABSENT;
    }

    /** The id with the earliest deadline; only when not empty. */
    int first()
    {
        return heap[0];
    }

    /** The earliest deadline; only when not empty. */
    long firstDeadlineNs()
    {
        return deadlines[heap[0]];
    }

    long deadlineNs(final int id)
    {
        return deadlines[id];
    }

    /** Sets (or moves) the deadline of {@code id}. */
    void schedule(final int id, final long deadlineNs)
    {
        deadlines[id] = deadlineNs;
        final int at = position[id];
        if (at == ABSENT)
        {
            heap[size] = id;
            position[id] = size;
            size++;
            siftUp(size - 1);
        }
        else
        {
            siftUp(at);
            siftDown(position[id]);
        }
    }

    /** Removes the deadline of {@code id}, if any. */
    void cancel(final int id)
    {
        final int at = position[id];
        if (at == ABSENT)
        {
            return;
        }
        position[id] = ABSENT;
        size--;
        if (at != size)
        {
            final int last = heap[size];
            heap[at] = last;
            position[last] = at;
            siftUp(at);
            siftDown(position[last]);
        }
    }

    /** Checks the heap property and the index; for tests. */
    void verify()
    {
        for (int i = 0; i < size; i++)
        {
            if (position[heap[i]] != i)
            {
                throw new IllegalStateException("heap index broken at " + i);
            }
            if (i > 0 && before(heap[i], heap[(i - 1) >>> 1]))
            {
                throw new IllegalStateException("heap order broken at " + i);
            }
        }
    }

    private boolean before(final int a, final int b)
    {
        return deadlines[a] - deadlines[b] < 0;
    }

    private void siftUp(final int from)
    {
        int at = from;
        while (at > 0)
        {
            final int parent = (at - 1) >>> 1;
            if (!before(heap[at], heap[parent]))
            {
                break;
            }
            swap(at, parent);
            at = parent;
        }
    }

    private void siftDown(final int from)
    {
        int at = from;
        while (true)
        {
            final int left = 2 * at + 1;
            if (left >= size)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < size && before(heap[right], heap[left]) ? right : left;
            if (!before(heap[child], heap[at]))
            {
                break;
            }
            swap(at, child);
            at = child;
        }
    }

    private void swap(final int a, final int b)
    {
        final int idA = heap[a];
        final int idB = heap[b];
        heap[a] = idB;
        heap[b] = idA;
        position[idB] = a;
        position[idA] = b;
    }
}
