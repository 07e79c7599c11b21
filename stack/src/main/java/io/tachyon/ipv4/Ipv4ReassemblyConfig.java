package io.tachyon.ipv4;

/**
 * The bounds of an {@link Ipv4Reassembly}: every resource it may use is fixed here and allocated once, at
 * construction.
 * <p>
 * Heap bookkeeping (not counted in {@code memoryBytes}) is about
 * {@code maxDatagrams * (maxFragmentsPerDatagram * 8 + 4 * ceil(maxDatagramSize / 512) + 80)} bytes: about
 * 400 KiB for the defaults.
 *
 * @param memoryBytes the total off-heap memory of the reassembler, allocated once: one output buffer of
 *     {@code maxDatagramSize} bytes, the first-fragment header store ({@code 60} bytes per datagram), a 68-byte
 *     ICMP quote buffer and a pool of {@value Ipv4Reassembly#BLOCK_SIZE}-byte blocks for fragment data. The pool
 *     must hold at least one datagram of {@code maxDatagramSize}. Default 4 MiB, as Linux's
 *     {@code net.ipv4.ipfrag_high_thresh}.
 * @param maxDatagrams how many datagrams may be in progress (or remembered as poisoned) at once, {@code [1, 65536]};
 *     default 256.
 * @param maxFragmentsPerDatagram how many distinct fragments one datagram may have, {@code [2, 8192]}; default 128
 *     (a 65,535-byte datagram over a 576-byte MTU is 119 fragments).
 * @param maxDatagramSize the largest reassembled datagram (header and payload), RFC 1122's EMTU_R,
 *     {@code [576, 65535]} (RFC 1122 §3.3.2: EMTU_R "MUST be greater than or equal to 576" and "SHOULD be
 *     either configurable or indefinite"); default 65,535, the largest an IPv4 total length can say.
 * @param timeoutNs how long a datagram may stay incomplete, counted from its first fragment, in nanoseconds,
 *     {@code [1 ms, 255 s]}; default 30 s.
 */
public record Ipv4ReassemblyConfig(
    long memoryBytes, int maxDatagrams, int maxFragmentsPerDatagram, int maxDatagramSize, long timeoutNs)
{
    /** Default total off-heap memory: 4 MiB. */
    public static final long DEFAULT_MEMORY_BYTES = 4L * 1024 * 1024;
    /** Default number of datagrams in progress. */
    public static final int DEFAULT_MAX_DATAGRAMS = 256;
    /** Default number of fragments per datagram. */
    public static final int DEFAULT_MAX_FRAGMENTS_PER_DATAGRAM = 128;
    /** Largest IPv4 datagram: the total length field is 16 bits. */
    public static final int MAX_IPV4_DATAGRAM = 65_535;
    /** Smallest datagram every IPv4 module must forward unfragmented (RFC 791). */
    public static final int MIN_IPV4_MTU = 68;
    /** Smallest reassembly limit a host may have (RFC 1122 §3.3.2, EMTU_R). */
    public static final int MIN_EMTU_R = 576;
    /**
     * Default reassembly timeout: 30 s. RFC 1122 §3.3.2 asks for a fixed reassembly timeout and recommends a value
     * between 60 and 120 seconds; Linux ({@code net.ipv4.ipfrag_time}) uses 30 s, and so do we: a datagram not
     * complete after 30 s on a low-latency path is lost anyway, and a shorter life halves the time a forged
     * fragment pins memory. Configurable up to 255 s for those who want the RFC's range.
     */
    public static final long DEFAULT_TIMEOUT_NS = 30_000_000_000L;
    /** Largest memory accepted: 1 GiB. */
    public static final long MAX_MEMORY_BYTES = 1L << 30;
    /** Largest timeout accepted: 255 s (the largest TTL RFC 791 would allow as a timer). */
    public static final long MAX_TIMEOUT_NS = 255_000_000_000L;
    /** Smallest timeout accepted: 1 ms. */
    public static final long MIN_TIMEOUT_NS = 1_000_000L;

    /**
     * Validates the bounds.
     *
     * @throws IllegalArgumentException naming the bad value.
     */
    public Ipv4ReassemblyConfig
    {
        if (maxDatagrams < 1 || maxDatagrams > 65_536)
        {
            throw new IllegalArgumentException("maxDatagrams must be in [1, 65536], was " + maxDatagrams);
        }
        if (maxFragmentsPerDatagram < 2 || maxFragmentsPerDatagram > 8192)
        {
            throw new IllegalArgumentException(
                "maxFragmentsPerDatagram must be in [2, 8192], was " + maxFragmentsPerDatagram);
        }
        if (maxDatagramSize < MIN_EMTU_R || maxDatagramSize > MAX_IPV4_DATAGRAM)
        {
            throw new IllegalArgumentException("maxDatagramSize must be in [576, 65535], was " + maxDatagramSize);
        }
        if (timeoutNs < MIN_TIMEOUT_NS || timeoutNs > MAX_TIMEOUT_NS)
        {
            throw new IllegalArgumentException(
                "timeoutNs must be in [" + MIN_TIMEOUT_NS + ", " + MAX_TIMEOUT_NS + "], was " + timeoutNs);
        }
        if (memoryBytes > MAX_MEMORY_BYTES)
        {
            throw new IllegalArgumentException("memoryBytes must be at most " + MAX_MEMORY_BYTES + ", was "
                + memoryBytes);
        }
        final long minimum = minimumMemoryBytes(maxDatagrams, maxDatagramSize);
        if (memoryBytes < minimum)
        {
            throw new IllegalArgumentException("memoryBytes must be at least " + minimum + " for maxDatagrams "
                + maxDatagrams + " and maxDatagramSize " + maxDatagramSize
                + " (output buffer, headers and one whole datagram of blocks), was " + memoryBytes);
        }
    }

    /**
     * The defaults: 4 MiB, 256 datagrams, 128 fragments each, 65,535 bytes, 30 s.
     *
     * @return the default configuration.
     */
    public static Ipv4ReassemblyConfig defaults()
    {
        return new Ipv4ReassemblyConfig(DEFAULT_MEMORY_BYTES, DEFAULT_MAX_DATAGRAMS,
            DEFAULT_MAX_FRAGMENTS_PER_DATAGRAM, MAX_IPV4_DATAGRAM, DEFAULT_TIMEOUT_NS);
    }

    /**
     * The smallest {@code memoryBytes} accepted for these limits.
     *
     * @param maxDatagrams the datagrams in progress.
     * @param maxDatagramSize the largest datagram.
     * @return fixed buffers plus enough blocks for one datagram of {@code maxDatagramSize}.
     */
    public static long minimumMemoryBytes(final int maxDatagrams, final int maxDatagramSize)
    {
        return fixedBytes(maxDatagrams, maxDatagramSize) + (long)blocksPerDatagram(maxDatagramSize)
            * Ipv4Reassembly.BLOCK_SIZE;
    }

    /**
     * A copy with another memory bound.
     *
     * @param bytes the total off-heap memory.
     * @return the new configuration.
     */
    public Ipv4ReassemblyConfig withMemoryBytes(final long bytes)
    {
        return new Ipv4ReassemblyConfig(bytes, maxDatagrams, maxFragmentsPerDatagram, maxDatagramSize, timeoutNs);
    }

    /**
     * A copy with another datagram limit.
     *
     * @param datagrams the datagrams in progress.
     * @return the new configuration.
     */
    public Ipv4ReassemblyConfig withMaxDatagrams(final int datagrams)
    {
        return new Ipv4ReassemblyConfig(memoryBytes, datagrams, maxFragmentsPerDatagram, maxDatagramSize, timeoutNs);
    }

    /**
     * A copy with another fragment limit.
     *
     * @param fragments the fragments per datagram.
     * @return the new configuration.
     */
    public Ipv4ReassemblyConfig withMaxFragmentsPerDatagram(final int fragments)
    {
        return new Ipv4ReassemblyConfig(memoryBytes, maxDatagrams, fragments, maxDatagramSize, timeoutNs);
    }

    /**
     * A copy with another largest datagram.
     *
     * @param size the largest datagram in bytes.
     * @return the new configuration.
     */
    public Ipv4ReassemblyConfig withMaxDatagramSize(final int size)
    {
        return new Ipv4ReassemblyConfig(memoryBytes, maxDatagrams, maxFragmentsPerDatagram, size, timeoutNs);
    }

    /**
     * A copy with another timeout.
     *
     * @param nanos the timeout in nanoseconds.
     * @return the new configuration.
     */
    public Ipv4ReassemblyConfig withTimeoutNs(final long nanos)
    {
        return new Ipv4ReassemblyConfig(memoryBytes, maxDatagrams, maxFragmentsPerDatagram, maxDatagramSize, nanos);
    }

    /** Output buffer, header store and quote buffer. */
    static long fixedBytes(final int maxDatagrams, final int maxDatagramSize)
    {
        return maxDatagramSize + (long)maxDatagrams * Ipv4Reassembly.MAX_HEADER + Ipv4Reassembly.QUOTE_CAPACITY;
    }

    /** Blocks that cover the payload of the largest datagram. */
    static int blocksPerDatagram(final int maxDatagramSize)
    {
        return (maxDatagramSize - Ipv4Reassembly.MIN_HEADER + Ipv4Reassembly.BLOCK_SIZE - 1)
            / Ipv4Reassembly.BLOCK_SIZE;
    }
}
