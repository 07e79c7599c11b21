package io.tachyon.wire;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The common shape of every header flyweight: a view of {@code length} bytes at {@code offset} in a
 * {@link MemorySegment}. A flyweight owns no memory and allocates nothing when it is wrapped, so one instance is
 * reused for every frame.
 * <p>
 * Two ways in:
 * <ul>
 *   <li>{@code wrap(segment, offset, length)} for parsing: returns {@link Malformed#OK} or the reason; it never
 *       throws for any content and never reads outside {@code [offset, offset + length)}. Getters are valid after
 *       {@code OK} (and, where a class says so, after some reasons that leave the header intact). A region that is
 *       not inside the segment is reported as the layer's truncation reason.</li>
 *   <li>{@code wrapForWrite(segment, offset, length)} for emitting: validates the region (throwing for bad API
 *       use), writes nothing, and the fluent setters then fill the header.</li>
 * </ul>
 * Instances are not thread-safe; use one per thread.
 */
public abstract class Flyweight
{
    MemorySegment segment;
    long offset;
    int length;

    Flyweight()
    {
    }

    /**
     * The segment currently wrapped, or {@code null} before the first wrap.
     *
     * @return the segment.
     */
    public final MemorySegment segment()
    {
        return segment;
    }

    /**
     * Where this header starts in {@link #segment()}.
     *
     * @return the offset of the header's first byte.
     */
    public final long offset()
    {
        return offset;
    }

    /**
     * The number of bytes wrapped: header plus whatever follows it that belongs to this layer.
     *
     * @return the wrapped length.
     */
    public final int length()
    {
        return length;
    }

    /**
     * Wraps bytes for parsing.
     *
     * @param segment the memory that holds the header.
     * @param offset where the header starts.
     * @param length how many bytes belong to this layer (header and payload).
     * @return {@link Malformed#OK} or why the header is malformed; never throws for any content.
     * @throws NullPointerException if {@code segment} is {@code null}.
     */
    public abstract Malformed wrap(MemorySegment segment, long offset, int length);

    /** Stores the region; returns whether it lies inside the segment. */
    final boolean region(final MemorySegment segment, final long offset, final int length)
    {
        Objects.requireNonNull(segment, "segment");
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        return offset >= 0 && length >= 0 && offset <= segment.byteSize() - length;
    }

    /** Stores a region for writing after checking it (bad API use throws). */
    final void writeRegion(final String what, final MemorySegment segment, final long offset, final int length,
        final int minimum)
    {
        Bytes.checkWritable(what, segment, offset, length, minimum);
        this.segment = segment;
        this.offset = offset;
        this.length = length;
    }
}
