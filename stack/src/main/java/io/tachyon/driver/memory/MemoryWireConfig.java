package io.tachyon.driver.memory;

import io.tachyon.driver.DriverException;

import java.util.Objects;

/**
 * How a {@link MemoryWire} is built. Start from {@link #DEFAULT} and change what a test needs with the
 * {@code with*} methods.
 *
 * @param name           the wire's name; the endpoints are called {@code name + ":a"} and {@code name + ":b"}.
 * @param frameSize      bytes per frame buffer (the room of each RX/TX buffer), at least {@code mtu + 18}.
 * @param poolFrames     frame buffers per endpoint (RX and TX share the pool), in {@code [1, 1 << 20]}.
 * @param inFlightFrames frames one direction holds on the wire at once, in {@code [1, 1 << 20]}; when they are all
 *                       taken, {@code transmit} accepts only a prefix.
 * @param mtu            the link MTU, at least 68.
 * @param maxBurst       the most frames one receive, acquire or transmit call handles, at least 1.
 * @param seed           the seed of the fault generators (each direction draws from its own stream).
 * @param aToB           the faults on frames sent by endpoint A to endpoint B.
 * @param bToA           the faults on frames sent by endpoint B to endpoint A.
 */
public record MemoryWireConfig(
    String name,
    int frameSize,
    int poolFrames,
    int inFlightFrames,
    int mtu,
    int maxBurst,
    long seed,
    FaultProfile aToB,
    FaultProfile bToA)
{
    /** Ethernet header plus one 802.1Q tag: the room a frame needs beyond the MTU. */
    public static final int FRAME_OVERHEAD = 18;
    /** The most buffers a pool or a direction may hold. */
    public static final int MAX_FRAMES = 1 << 20;

    /** 2048-byte frames, 256 per pool, 256 in flight per direction, MTU 1500, bursts of 32, seed 1, no faults. */
    public static final MemoryWireConfig DEFAULT =
        new MemoryWireConfig("memory-wire", 2048, 256, 256, 1500, 32, 1L, FaultProfile.NONE, FaultProfile.NONE);

    /**
     * Validates the values.
     *
     * @throws DriverException with {@link DriverException.Reason#BAD_CONFIGURATION} naming the bad value.
     */
    public MemoryWireConfig
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(aToB, "aToB");
        Objects.requireNonNull(bToA, "bToA");
        if (mtu < 68)
        {
            throw bad("mtu=" + mtu + " is below the IPv4 minimum of 68");
        }
        if (mtu > 65_535 - FRAME_OVERHEAD)
        {
            throw new DriverException(DriverException.Reason.MTU_TOO_LARGE, "mtu=" + mtu + " exceeds 65517");
        }
        if (frameSize < mtu + FRAME_OVERHEAD)
        {
            throw new DriverException(DriverException.Reason.MTU_TOO_LARGE,
                "frameSize=" + frameSize + " cannot hold mtu=" + mtu + " plus " + FRAME_OVERHEAD + " bytes of header");
        }
        if (poolFrames < 1 || poolFrames > MAX_FRAMES)
        {
            throw bad("poolFrames=" + poolFrames + " outside [1, " + MAX_FRAMES + "]");
        }
        if (inFlightFrames < 1 || inFlightFrames > MAX_FRAMES)
        {
            throw bad("inFlightFrames=" + inFlightFrames + " outside [1, " + MAX_FRAMES + "]");
        }
        if (maxBurst < 1)
        {
            throw bad("maxBurst=" + maxBurst + " must be >= 1");
        }
        if ((long) frameSize * Math.max(poolFrames, inFlightFrames) > (1L << 34))
        {
            throw bad("frameSize=" + frameSize + " times " + Math.max(poolFrames, inFlightFrames)
                + " frames exceeds 16 GiB");
        }
    }

    /**
     * The largest frame the wire carries: {@code mtu + 18} (Ethernet header and one VLAN tag, no FCS).
     *
     * @return the maximum frame length in bytes.
     */
    public int maxFrameLength()
    {
        return mtu + FRAME_OVERHEAD;
    }

    /**
     * This configuration with another name.
     *
     * @param newName the wire's name.
     * @return a new configuration.
     */
    public MemoryWireConfig withName(final String newName)
    {
        return new MemoryWireConfig(newName, frameSize, poolFrames, inFlightFrames, mtu, maxBurst, seed, aToB, bToA);
    }

    /**
     * This configuration with another buffer size.
     *
     * @param bytes bytes per frame buffer.
     * @return a new configuration.
     */
    public MemoryWireConfig withFrameSize(final int bytes)
    {
        return new MemoryWireConfig(name, bytes, poolFrames, inFlightFrames, mtu, maxBurst, seed, aToB, bToA);
    }

    /**
     * This configuration with another pool size.
     *
     * @param frames buffers per endpoint.
     * @return a new configuration.
     */
    public MemoryWireConfig withPoolFrames(final int frames)
    {
        return new MemoryWireConfig(name, frameSize, frames, inFlightFrames, mtu, maxBurst, seed, aToB, bToA);
    }

    /**
     * This configuration with another in-flight capacity.
     *
     * @param frames frames per direction on the wire at once.
     * @return a new configuration.
     */
    public MemoryWireConfig withInFlightFrames(final int frames)
    {
        return new MemoryWireConfig(name, frameSize, poolFrames, frames, mtu, maxBurst, seed, aToB, bToA);
    }

    /**
     * This configuration with another MTU.
     *
     * @param bytes the MTU.
     * @return a new configuration.
     */
    public MemoryWireConfig withMtu(final int bytes)
    {
        return new MemoryWireConfig(name, frameSize, poolFrames, inFlightFrames, bytes, maxBurst, seed, aToB, bToA);
    }

    /**
     * This configuration with another burst size.
     *
     * @param frames the most frames per call.
     * @return a new configuration.
     */
    public MemoryWireConfig withMaxBurst(final int frames)
    {
        return new MemoryWireConfig(name, frameSize, poolFrames, inFlightFrames, mtu, frames, seed, aToB, bToA);
    }

    /**
     * This configuration with another seed.
     *
     * @param newSeed the fault generators' seed.
     * @return a new configuration.
     */
    public MemoryWireConfig withSeed(final long newSeed)
    {
        return new MemoryWireConfig(name, frameSize, poolFrames, inFlightFrames, mtu, maxBurst, newSeed, aToB, bToA);
    }

    /**
     * This configuration with other faults on frames from A to B.
     *
     * @param faults the faults.
     * @return a new configuration.
     */
    public MemoryWireConfig withAToB(final FaultProfile faults)
    {
        return new MemoryWireConfig(name, frameSize, poolFrames, inFlightFrames, mtu, maxBurst, seed, faults, bToA);
    }

    /**
     * This configuration with other faults on frames from B to A.
     *
     * @param faults the faults.
     * @return a new configuration.
     */
    public MemoryWireConfig withBToA(final FaultProfile faults)
    {
        return new MemoryWireConfig(name, frameSize, poolFrames, inFlightFrames, mtu, maxBurst, seed, aToB, faults);
    }

    /**
     * This configuration with the same faults in both directions.
     *
     * @param faults the faults.
     * @return a new configuration.
     */
    public MemoryWireConfig withFaults(final FaultProfile faults)
    {
        return new MemoryWireConfig(name, frameSize, poolFrames, inFlightFrames, mtu, maxBurst, seed, faults, faults);
    }

    private static DriverException bad(final String message)
    {
        return new DriverException(DriverException.Reason.BAD_CONFIGURATION, message);
    }
}
