package io.tachyon.wire;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * An allocation-free cursor over a TCP options area (RFC 9293 section 3.1, RFC 7323, RFC 2018).
 * <pre>
 *   single-byte options        +--------+
 *   EOL (0), NOP (1)           |  kind  |
 *                              +--------+
 *   other options              +--------+--------+------------------ - -
 *                              |  kind  | length | data (length - 2 bytes)
 *                              +--------+--------+------------------ - -
 *   MSS (2, length 4):               16-bit maximum segment size
 *   window scale (3, length 3):      8-bit shift count
 *   SACK permitted (4, length 2):    no data
 *   SACK (5, length 10/18/26/34):    1..4 blocks of 32-bit left edge, 32-bit right edge
 *   timestamps (8, length 10):       32-bit TSval, 32-bit TSecr
 * </pre>
 * Use: {@link #wrap} (or {@link #wrap(TcpFlyweight)}), then {@code while (options.next()) { switch (options.kind())
 * ... }}, then {@link #malformed()} says whether the walk ended early on a bad option. Every option that
 * {@link #next()} yields is well formed: its typed getters read only inside it. Unknown kinds are yielded with
 * their kind, length and data offset, so they can be re-emitted byte for byte ({@link TcpOptionsWriter#copy}).
 * EOL is yielded once and ends the walk (what follows it is padding).
 * <p>
 * A bad option ends the walk: {@link Malformed#TCP_BAD_OPTION} for a length byte of 0 or 1, a missing length byte,
 * or an option that runs past the area; {@link Malformed#TCP_BAD_OPTION_LENGTH} for a known kind with a length it
 * never has.
 */
public final class TcpOptions
{
    /** Kind: end of option list. */
    public static final int KIND_EOL = 0;
    /** Kind: no operation (padding). */
    public static final int KIND_NOP = 1;
    /** Kind: maximum segment size. */
    public static final int KIND_MSS = 2;
    /** Kind: window scale. */
    public static final int KIND_WINDOW_SCALE = 3;
    /** Kind: SACK permitted. */
    public static final int KIND_SACK_PERMITTED = 4;
    /** Kind: SACK blocks. */
    public static final int KIND_SACK = 5;
    /** Kind: timestamps. */
    public static final int KIND_TIMESTAMPS = 8;
    /** Length of the MSS option. */
    public static final int MSS_LENGTH = 4;
    /** Length of the window scale option. */
    public static final int WINDOW_SCALE_LENGTH = 3;
    /** Length of the SACK-permitted option. */
    public static final int SACK_PERMITTED_LENGTH = 2;
    /** Length of the timestamps option. */
    public static final int TIMESTAMPS_LENGTH = 10;
    /** The most SACK blocks an option may carry (4, in 34 bytes). */
    public static final int MAX_SACK_BLOCKS = 4;
    /** The largest options area (data offset 15). */
    public static final int MAX_OPTIONS_LENGTH = 40;

    private MemorySegment segment;
    private long start;
    private long end;
    private long position;
    private boolean done;
    private boolean outsideSegment;
    private Malformed malformed = Malformed.OK;
    private int kind;
    private int optionLength;
    private long optionOffset;

    /** A cursor that wraps nothing yet. */
    public TcpOptions()
    {
    }

    /**
     * Wraps an options area and rewinds to its start.
     *
     * @param segment the memory.
     * @param offset the first option byte.
     * @param length the area length.
     * @return {@link Malformed#OK}, or {@link Malformed#TCP_BAD_OPTION} if the region is not inside the segment.
     * @throws NullPointerException if {@code segment} is {@code null}.
     */
    public Malformed wrap(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = Objects.requireNonNull(segment, "segment");
        this.start = offset;
        this.outsideSegment = offset < 0 || length < 0 || offset > segment.byteSize() - length;
        this.end = outsideSegment ? offset : offset + length;
        rewind();
        return malformed;
    }

    /**
     * Wraps the options area of a successfully wrapped TCP header.
     *
     * @param tcp the header.
     * @return as {@link #wrap(MemorySegment, long, int)}.
     */
    public Malformed wrap(final TcpFlyweight tcp)
    {
        return wrap(tcp.segment(), tcp.optionsOffset(), tcp.optionsLength());
    }

    /** Goes back to the first option and clears any malformation found by walking. */
    public void rewind()
    {
        position = start;
        done = outsideSegment;
        malformed = outsideSegment ? Malformed.TCP_BAD_OPTION : Malformed.OK;
        kind = -1;
        optionLength = 0;
        optionOffset = start;
    }

    /**
     * Walks the whole area from the start and rewinds.
     *
     * @return {@link Malformed#OK} or the first bad option's reason.
     */
    public Malformed validate()
    {
        rewind();
        while (next())
        {
            // Walking is the validation.
        }
        final Malformed result = malformed;
        rewind();
        return result;
    }

    /**
     * Advances to the next option.
     *
     * @return {@code true} if there is a well-formed option to read; {@code false} at the end of the area, after
     *     EOL, or on a bad option (then {@link #malformed()} is not OK).
     */
    public boolean next()
    {
        if (done || position >= end)
        {
            done = true;
            return false;
        }
        final int k = Bytes.u8(segment, position);
        optionOffset = position;
        if (k == KIND_EOL || k == KIND_NOP)
        {
            kind = k;
            optionLength = 1;
            position += 1;
            if (k == KIND_EOL)
            {
                position = end;
            }
            return true;
        }
        if (position + 1 >= end)
        {
            return fail(Malformed.TCP_BAD_OPTION);
        }
        final int len = Bytes.u8(segment, position + 1);
        if (len < 2 || position + len > end)
        {
            return fail(Malformed.TCP_BAD_OPTION);
        }
        if (!lengthFits(k, len))
        {
            return fail(Malformed.TCP_BAD_OPTION_LENGTH);
        }
        kind = k;
        optionLength = len;
        position += len;
        return true;
    }

    private static boolean lengthFits(final int kind, final int length)
    {
        return switch (kind)
        {
            case KIND_MSS -> length == MSS_LENGTH;
            case KIND_WINDOW_SCALE -> length == WINDOW_SCALE_LENGTH;
            case KIND_SACK_PERMITTED -> length == SACK_PERMITTED_LENGTH;
            case KIND_TIMESTAMPS -> length == TIMESTAMPS_LENGTH;
            case KIND_SACK -> length >= 10 && length <= 34 && (length - 2) % 8 == 0;
            default -> true;
        };
    }

    private boolean fail(final Malformed reason)
    {
        malformed = reason;
        done = true;
        kind = -1;
        optionLength = 0;
        return false;
    }

    /**
     * Why the walk ended early, or {@link Malformed#OK}.
     *
     * @return the reason.
     */
    public Malformed malformed()
    {
        return malformed;
    }

    /**
     * The kind of the current option.
     *
     * @return the kind, or -1 before the first {@link #next()} and after a bad option.
     */
    public int kind()
    {
        return kind;
    }

    /**
     * The total length of the current option, kind and length bytes included.
     *
     * @return 1 for EOL and NOP, otherwise the length byte.
     */
    public int optionLength()
    {
        return optionLength;
    }

    /**
     * The absolute offset of the current option's kind byte.
     *
     * @return the offset in the segment.
     */
    public long optionOffset()
    {
        return optionOffset;
    }

    /**
     * The absolute offset of the current option's data (after kind and length).
     *
     * @return the offset in the segment.
     */
    public long dataOffset()
    {
        return optionLength == 1 ? optionOffset + 1 : optionOffset + 2;
    }

    /**
     * The length of the current option's data.
     *
     * @return {@code optionLength() - 2}, or 0 for EOL and NOP.
     */
    public int dataLength()
    {
        return optionLength <= 1 ? 0 : optionLength - 2;
    }

    /**
     * The segment walked.
     *
     * @return the segment, or {@code null} before the first wrap.
     */
    public MemorySegment segment()
    {
        return segment;
    }

    /**
     * The MSS of the current {@link #KIND_MSS} option.
     *
     * @return {@code [0, 0xFFFF]}.
     * @throws IllegalStateException if the current option is not MSS.
     */
    public int mss()
    {
        require(KIND_MSS);
        return Bytes.u16(segment, optionOffset + 2);
    }

    /**
     * The shift count of the current {@link #KIND_WINDOW_SCALE} option (as sent, possibly above 14).
     *
     * @return {@code [0, 255]}.
     * @throws IllegalStateException if the current option is not window scale.
     */
    public int windowScale()
    {
        require(KIND_WINDOW_SCALE);
        return Bytes.u8(segment, optionOffset + 2);
    }

    /**
     * The number of blocks in the current {@link #KIND_SACK} option.
     *
     * @return {@code [1, 4]}.
     * @throws IllegalStateException if the current option is not SACK.
     */
    public int sackBlockCount()
    {
        require(KIND_SACK);
        return (optionLength - 2) / 8;
    }

    /**
     * The left edge of a block of the current {@link #KIND_SACK} option.
     *
     * @param block {@code [0, sackBlockCount())}.
     * @return the 32-bit left edge.
     * @throws IllegalStateException if the current option is not SACK.
     * @throws IndexOutOfBoundsException if there is no such block.
     */
    public int sackLeftEdge(final int block)
    {
        return Bytes.i32(segment, sackBlock(block));
    }

    /**
     * The right edge of a block of the current {@link #KIND_SACK} option.
     *
     * @param block {@code [0, sackBlockCount())}.
     * @return the 32-bit right edge.
     * @throws IllegalStateException if the current option is not SACK.
     * @throws IndexOutOfBoundsException if there is no such block.
     */
    public int sackRightEdge(final int block)
    {
        return Bytes.i32(segment, sackBlock(block) + 4);
    }

    private long sackBlock(final int block)
    {
        final int count = sackBlockCount();
        if (block < 0 || block >= count)
        {
            throw new IndexOutOfBoundsException("SACK block " + block + " of " + count);
        }
        return optionOffset + 2 + 8L * block;
    }

    /**
     * TSval of the current {@link #KIND_TIMESTAMPS} option.
     *
     * @return the 32-bit timestamp value.
     * @throws IllegalStateException if the current option is not timestamps.
     */
    public int timestampValue()
    {
        require(KIND_TIMESTAMPS);
        return Bytes.i32(segment, optionOffset + 2);
    }

    /**
     * TSecr of the current {@link #KIND_TIMESTAMPS} option.
     *
     * @return the 32-bit timestamp echo reply.
     * @throws IllegalStateException if the current option is not timestamps.
     */
    public int timestampEcho()
    {
        require(KIND_TIMESTAMPS);
        return Bytes.i32(segment, optionOffset + 6);
    }

    private void require(final int expected)
    {
        if (kind != expected)
        {
            throw new IllegalStateException("current TCP option kind is " + kind + ", not " + expected);
        }
    }
}
