package io.tachyon.driver.memory;

import io.tachyon.driver.DriverException;

/**
 * The faults one direction of a {@link MemoryWire} injects. Every random choice comes from the wire's seeded
 * generator, so a run on a {@link io.tachyon.time.VirtualClock} with the same seed and the same calls is the same.
 * <p>
 * Per frame, in this order: the rate limit serialises it behind the frames before it; it is lost with
 * {@code lossProbability}; otherwise it arrives after {@code delayNs} plus a uniform jitter in
 * {@code [0, jitterNs]}; with {@code reorderProbability} it is held {@code reorderDelayNs} longer so that later
 * frames overtake it; with {@code corruptProbability} random bits of one random byte are flipped (the length stays);
 * with {@code duplicateProbability} a second, identical copy arrives right after it.
 *
 * @param lossProbability      chance in {@code [0, 1]} that a frame is lost.
 * @param duplicateProbability chance in {@code [0, 1]} that a frame arrives twice.
 * @param reorderProbability   chance in {@code [0, 1]} that a frame is held back by {@code reorderDelayNs}.
 * @param reorderDelayNs       the extra delay of a reordered frame, in nanoseconds; positive when reordering is on.
 * @param corruptProbability   chance in {@code [0, 1]} that a frame has bits flipped.
 * @param delayNs              the fixed one-way delay, in nanoseconds, {@code >= 0}.
 * @param jitterNs             the largest extra random delay, in nanoseconds, {@code >= 0}.
 * @param rateBitsPerSecond    the link rate; 0 means unlimited. A frame of {@code n} bytes occupies the link for
 *                             {@code n * 8 / rate} seconds, and later frames queue behind it.
 */
public record FaultProfile(
    double lossProbability,
    double duplicateProbability,
    double reorderProbability,
    long reorderDelayNs,
    double corruptProbability,
    long delayNs,
    long jitterNs,
    long rateBitsPerSecond)
{
    /** A perfect link: no loss, no delay, unlimited rate. */
    public static final FaultProfile NONE = new FaultProfile(0.0, 0.0, 0.0, 0L, 0.0, 0L, 0L, 0L);

    /**
     * Validates the values.
     *
     * @throws DriverException with {@link DriverException.Reason#BAD_CONFIGURATION} naming the bad value.
     */
    public FaultProfile
    {
        checkProbability("lossProbability", lossProbability);
        checkProbability("duplicateProbability", duplicateProbability);
        checkProbability("reorderProbability", reorderProbability);
        checkProbability("corruptProbability", corruptProbability);
        checkNonNegative("reorderDelayNs", reorderDelayNs);
        checkNonNegative("delayNs", delayNs);
        checkNonNegative("jitterNs", jitterNs);
        checkNonNegative("rateBitsPerSecond", rateBitsPerSecond);
        if (reorderProbability > 0.0 && reorderDelayNs == 0L)
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                "reorderProbability=" + reorderProbability + " needs a positive reorderDelayNs, was 0");
        }
        if (jitterNs == Long.MAX_VALUE)
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                "jitterNs=" + jitterNs + " is too large");
        }
    }

    /**
     * This profile with frames lost at random.
     *
     * @param probability chance in {@code [0, 1]} per frame.
     * @return a new profile.
     */
    public FaultProfile withLoss(final double probability)
    {
        return new FaultProfile(probability, duplicateProbability, reorderProbability, reorderDelayNs,
            corruptProbability, delayNs, jitterNs, rateBitsPerSecond);
    }

    /**
     * This profile with frames duplicated at random.
     *
     * @param probability chance in {@code [0, 1]} per frame.
     * @return a new profile.
     */
    public FaultProfile withDuplication(final double probability)
    {
        return new FaultProfile(lossProbability, probability, reorderProbability, reorderDelayNs,
            corruptProbability, delayNs, jitterNs, rateBitsPerSecond);
    }

    /**
     * This profile with frames held back at random so that later frames overtake them.
     *
     * @param probability chance in {@code [0, 1]} per frame.
     * @param extraDelayNs how much longer a chosen frame takes, in nanoseconds; positive.
     * @return a new profile.
     */
    public FaultProfile withReordering(final double probability, final long extraDelayNs)
    {
        return new FaultProfile(lossProbability, duplicateProbability, probability, extraDelayNs,
            corruptProbability, delayNs, jitterNs, rateBitsPerSecond);
    }

    /**
     * This profile with bits flipped at random.
     *
     * @param probability chance in {@code [0, 1]} per frame.
     * @return a new profile.
     */
    public FaultProfile withCorruption(final double probability)
    {
        return new FaultProfile(lossProbability, duplicateProbability, reorderProbability, reorderDelayNs,
            probability, delayNs, jitterNs, rateBitsPerSecond);
    }

    /**
     * This profile with a fixed delay plus a uniform random jitter.
     *
     * @param fixedDelayNs the delay every frame has, in nanoseconds.
     * @param maxJitterNs  the largest extra random delay, in nanoseconds.
     * @return a new profile.
     */
    public FaultProfile withDelay(final long fixedDelayNs, final long maxJitterNs)
    {
        return new FaultProfile(lossProbability, duplicateProbability, reorderProbability, reorderDelayNs,
            corruptProbability, fixedDelayNs, maxJitterNs, rateBitsPerSecond);
    }

    /**
     * This profile with a link rate.
     *
     * @param bitsPerSecond the rate; 0 for unlimited.
     * @return a new profile.
     */
    public FaultProfile withRate(final long bitsPerSecond)
    {
        return new FaultProfile(lossProbability, duplicateProbability, reorderProbability, reorderDelayNs,
            corruptProbability, delayNs, jitterNs, bitsPerSecond);
    }

    private static void checkProbability(final String name, final double value)
    {
        if (!(value >= 0.0 && value <= 1.0))
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                name + "=" + value + " is not a probability in [0, 1]");
        }
    }

    private static void checkNonNegative(final String name, final long value)
    {
        if (value < 0L)
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION, name + "=" + value + " is negative");
        }
    }
}
