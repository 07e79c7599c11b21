package io.tachyon.stack;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded lock-free multi-producer/single-consumer queue of {@link StackCommand}s: how other threads reach a
 * stack.
 * <p>
 * The slots are a power-of-two array allocated once; each slot has a sequence number (Vyukov's bounded queue):
 * slot {@code i} is free for the producer that claims position {@code p} when its sequence is {@code p}, and full
 * for the consumer at position {@code p} when its sequence is {@code p + 1}. A producer claims a position by a CAS
 * on the tail, stores the command with a plain store and publishes it with a release store of the sequence; the
 * consumer reads the sequence with an acquire load, takes the command and frees the slot with a release store of
 * {@code p + capacity}. The head and the tail live on their own cache lines.
 * <p>
 * Threads: {@link #offer} from any thread; {@link #poll} from the stack thread only. Nothing allocates.
 */
public final class CommandQueue
{
    private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INDICES = MethodHandles.arrayElementVarHandle(long[].class);
    /** The tail (next position to claim), alone on its cache line. */
    private static final int TAIL = 16;
    /** The head (next position to take), alone on its cache line. */
    private static final int HEAD = 32;

    private final StackCommand[] commands;
    private final long[] sequences;
    private final long[] indices = new long[48];
    private final int mask;

    /**
     * A queue holding at least {@code minCapacity} commands (rounded up to a power of two).
     *
     * @param minCapacity the least capacity, in {@code [1, 1 << 20]}.
     * @throws IllegalArgumentException if out of range.
     */
    public CommandQueue(final int minCapacity)
    {
        if (minCapacity < 1 || minCapacity > 1 << 20)
        {
            throw new IllegalArgumentException("command queue capacity must be in [1, 1048576], was " + minCapacity);
        }
        final int capacity = minCapacity == 1 ? 1 : Integer.highestOneBit(minCapacity - 1) << 1;
        commands = new StackCommand[capacity];
        sequences = new long[capacity];
        for (int i = 0; i < capacity; i++)
        {
            sequences[i] = i;
        }
        mask = capacity - 1;
    }

    /**
     * The number of slots.
     *
     * @return the capacity, a power of two.
     */
    public int capacity()
    {
        return commands.length;
    }

    /**
     * Appends a command. Any thread.
     *
     * @param command the command.
     * @return false when the queue is full (nothing was added).
     * @throws NullPointerException if {@code command} is null.
     */
    public boolean offer(final StackCommand command)
    {
        if (command == null)
        {
            throw new NullPointerException("command");
        }
        while (true)
        {
            final long position = (long)INDICES.getVolatile(indices, TAIL);
            final int index = (int)position & mask;
            final long sequence = (long)SEQUENCES.getAcquire(sequences, index);
            final long difference = sequence - position;
            if (difference == 0)
            {
                if (INDICES.compareAndSet(indices, TAIL, position, position + 1))
                {
                    commands[index] = command;
                    SEQUENCES.setRelease(sequences, index, position + 1);
                    return true;
                }
            }
            else if (difference < 0)
            {
                return false;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Takes the oldest command. The stack thread only.
     *
     * @return the command, or null when none is published.
     */
    public StackCommand poll()
    {
        final long position = (long)INDICES.get(indices, HEAD);
        final int index = (int)position & mask;
        final long sequence = (long)SEQUENCES.getAcquire(sequences, index);
        if (sequence != position + 1)
        {
            return null;
        }
        final StackCommand command = commands[index];
        commands[index] = null;
        INDICES.setOpaque(indices, HEAD, position + 1);
        SEQUENCES.setRelease(sequences, index, position + commands.length);
        return command;
    }

    /**
     * Commands waiting, approximately (exact when no producer is active). Any thread.
     *
     * @return the count.
     */
    public int size()
    {
        final long head = (long)INDICES.getOpaque(indices, HEAD);
        final long tail = (long)INDICES.getVolatile(indices, TAIL);
        return (int)Math.max(0, Math.min(commands.length, tail - head));
    }
}
