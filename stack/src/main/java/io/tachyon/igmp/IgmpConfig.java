package io.tachyon.igmp;

import java.util.Objects;

/**
 * The configuration of an {@link Igmp}, validated once at construction. Start from {@link #of(int)} and change
 * values with the {@code with*} methods.
 *
 * @param localAddress our IPv4 address, the source of every message (a unicast host address).
 * @param version the protocol: {@link IgmpVersion#V3} (default) or {@link IgmpVersion#V2}.
 * @param maxGroups the most groups held at once, those still sending IGMPv3 leave reports included,
 *     {@code [1, 65536]}.
 * @param v2UnsolicitedReportIntervalNs the interval between unsolicited IGMPv1/v2 reports (RFC 2236 §8.10: 10 s).
 * @param v3UnsolicitedReportIntervalNs the bound of the random interval between IGMPv3 state-change report
 *     retransmissions (RFC 3376 §8.11: 1 s).
 * @param robustness the Robustness Variable: how many times each unsolicited or state-change report is sent,
 *     {@code [1, 7]} (RFC 3376 §8.1: 2).
 * @param queryIntervalNs the Query Interval assumed until an IGMPv3 query tells us the querier's
 *     (RFC 3376 §8.2: 125 s).
 * @param mtu the largest datagram sent; a general-query response that does not fit is split, {@code [68, 9216]}.
 * @param randomSeed the seed of the {@link java.util.SplittableRandom} that picks response and retransmission delays.
 */
public record IgmpConfig(
    int localAddress,
    IgmpVersion version,
    int maxGroups,
    long v2UnsolicitedReportIntervalNs,
    long v3UnsolicitedReportIntervalNs,
    int robustness,
    long queryIntervalNs,
    int mtu,
    long randomSeed)
{
    /** The largest {@code maxGroups} accepted. */
    public static final int MAX_GROUPS = 1 << 16;
    /** The longest duration accepted: one day. */
    public static final long MAX_DURATION_NS = 86_400L * 1_000_000_000L;
    /** The smallest MTU accepted (RFC 791: every internet module must forward a 68-byte datagram). */
    public static final int MIN_MTU = 68;
    /** The largest MTU accepted (a 9216-byte jumbo frame payload). */
    public static final int MAX_MTU = 9216;

    private static final long SECOND = 1_000_000_000L;

    /**
     * Validates the configuration.
     *
     * @throws IllegalArgumentException naming the first bad value.
     * @throws NullPointerException if {@code version} is null.
     */
    public IgmpConfig
    {
        final int first = localAddress >>> 24;
        if (first == 0 || first == 127 || first >= 224)
        {
            throw new IllegalArgumentException("localAddress must be a unicast host address, was "
                + Igmp.format(localAddress));
        }
        Objects.requireNonNull(version, "version");
        if (version == IgmpVersion.V1)
        {
            throw new IllegalArgumentException("version must be V2 or V3, was V1 (V1 is only a compatibility mode)");
        }
        checkRange("maxGroups", maxGroups, 1, MAX_GROUPS);
        checkDuration("v2UnsolicitedReportIntervalNs", v2UnsolicitedReportIntervalNs);
        checkDuration("v3UnsolicitedReportIntervalNs", v3UnsolicitedReportIntervalNs);
        checkRange("robustness", robustness, 1, 7);
        checkDuration("queryIntervalNs", queryIntervalNs);
        checkRange("mtu", mtu, MIN_MTU, MAX_MTU);
    }

    /**
     * The default configuration: IGMPv3, 256 groups, unsolicited report intervals 10 s (v2) and 1 s (v3),
     * robustness 2, query interval 125 s, MTU 1500, random seed 0.
     *
     * @param localAddress our IPv4 address.
     * @return the configuration.
     * @throws IllegalArgumentException for a bad address.
     */
    public static IgmpConfig of(final int localAddress)
    {
        return new IgmpConfig(localAddress, IgmpVersion.V3, 256, 10 * SECOND, SECOND, 2, 125 * SECOND, 1500, 0L);
    }

    /**
     * With another local address.
     *
     * @param value the address.
     * @return a new configuration.
     */
    public IgmpConfig withLocalAddress(final int value)
    {
        return new IgmpConfig(value, version, maxGroups, v2UnsolicitedReportIntervalNs, v3UnsolicitedReportIntervalNs,
            robustness, queryIntervalNs, mtu, randomSeed);
    }

    /**
     * With another protocol version.
     *
     * @param value {@link IgmpVersion#V2} or {@link IgmpVersion#V3}.
     * @return a new configuration.
     */
    public IgmpConfig withVersion(final IgmpVersion value)
    {
        return new IgmpConfig(localAddress, value, maxGroups, v2UnsolicitedReportIntervalNs,
            v3UnsolicitedReportIntervalNs, robustness, queryIntervalNs, mtu, randomSeed);
    }

    /**
     * With another group table size.
     *
     * @param value the number of groups.
     * @return a new configuration.
     */
    public IgmpConfig withMaxGroups(final int value)
    {
        return new IgmpConfig(localAddress, version, value, v2UnsolicitedReportIntervalNs,
            v3UnsolicitedReportIntervalNs, robustness, queryIntervalNs, mtu, randomSeed);
    }

    /**
     * With another IGMPv1/v2 unsolicited report interval.
     *
     * @param value nanoseconds.
     * @return a new configuration.
     */
    public IgmpConfig withV2UnsolicitedReportIntervalNs(final long value)
    {
        return new IgmpConfig(localAddress, version, maxGroups, value, v3UnsolicitedReportIntervalNs, robustness,
            queryIntervalNs, mtu, randomSeed);
    }

    /**
     * With another IGMPv3 unsolicited report interval.
     *
     * @param value nanoseconds.
     * @return a new configuration.
     */
    public IgmpConfig withV3UnsolicitedReportIntervalNs(final long value)
    {
        return new IgmpConfig(localAddress, version, maxGroups, v2UnsolicitedReportIntervalNs, value, robustness,
            queryIntervalNs, mtu, randomSeed);
    }

    /**
     * With another Robustness Variable.
     *
     * @param value {@code [1, 7]}.
     * @return a new configuration.
     */
    public IgmpConfig withRobustness(final int value)
    {
        return new IgmpConfig(localAddress, version, maxGroups, v2UnsolicitedReportIntervalNs,
            v3UnsolicitedReportIntervalNs, value, queryIntervalNs, mtu, randomSeed);
    }

    /**
     * With another default Query Interval.
     *
     * @param value nanoseconds.
     * @return a new configuration.
     */
    public IgmpConfig withQueryIntervalNs(final long value)
    {
        return new IgmpConfig(localAddress, version, maxGroups, v2UnsolicitedReportIntervalNs,
            v3UnsolicitedReportIntervalNs, robustness, value, mtu, randomSeed);
    }

    /**
     * With another MTU.
     *
     * @param value bytes.
     * @return a new configuration.
     */
    public IgmpConfig withMtu(final int value)
    {
        return new IgmpConfig(localAddress, version, maxGroups, v2UnsolicitedReportIntervalNs,
            v3UnsolicitedReportIntervalNs, robustness, queryIntervalNs, value, randomSeed);
    }

    /**
     * With another random seed.
     *
     * @param value the seed.
     * @return a new configuration.
     */
    public IgmpConfig withRandomSeed(final long value)
    {
        return new IgmpConfig(localAddress, version, maxGroups, v2UnsolicitedReportIntervalNs,
            v3UnsolicitedReportIntervalNs, robustness, queryIntervalNs, mtu, value);
    }

    private static void checkRange(final String what, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    private static void checkDuration(final String what, final long value)
    {
        if (value <= 0 || value > MAX_DURATION_NS)
        {
            throw new IllegalArgumentException(what + " must be in (0, " + MAX_DURATION_NS + "] ns, was " + value);
        }
    }
}
