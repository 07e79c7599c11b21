package io.tachyon.driver.pcap;

/**
 * When {@link PcapDriver} hands each captured frame to the stack, driven by the capture's timestamps and the
 * driver's injected {@link io.tachyon.time.Clock}.
 */
public enum PcapTiming
{
    /**
     * Every {@code receive} delivers the next frames, up to the burst, whatever the clock says. When the clock is a
     * {@link io.tachyon.time.VirtualClock}, the driver advances it to each delivered frame's capture timestamp
     * (never backwards), so the stack's timers see capture time.
     */
    AS_FAST_AS_POSSIBLE,
    /**
     * A frame is delivered once the clock time since {@code start()} is at least the frame's capture offset since
     * the first frame of the capture.
     */
    ORIGINAL_PACE,
    /**
     * As {@link #ORIGINAL_PACE}, with the capture offsets divided by a speed factor: 2.0 replays twice as fast,
     * 0.5 half as fast.
     */
    SCALED_PACE
}
