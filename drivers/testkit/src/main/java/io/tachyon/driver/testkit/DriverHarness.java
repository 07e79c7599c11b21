package io.tachyon.driver.testkit;

import io.tachyon.driver.PacketDriver;

import java.time.Duration;
import java.util.List;

/**
 * What the {@link DriverTestKit} needs to test one driver: the driver itself, in
 * {@link io.tachyon.driver.DriverState#CREATED}, and its other end, which makes frames arrive at the driver's queue
 * 0 and observes the frames the driver transmits.
 * <p>
 * Two kinds of other end fit:
 * <ul>
 *   <li>a live peer ({@link #injectsLive()} and {@link #observesLive()} true): a second MemoryWire endpoint, or a raw
 *       socket or second driver across a veth pair. {@link #inject(List)} works at any time and
 *       {@link #transmitted(int)} polls the peer, both with {@link #pump()} driving progress;</li>
 *   <li>files (both false): a PcapDriver reads the frames to receive from a capture prepared by {@link #inject(List)}
 *       BEFORE {@link PacketDriver#open()}, and writes what it transmits to an output capture that
 *       {@link #transmitted(int)} reads AFTER closing the driver.</li>
 * </ul>
 * The kit calls {@link #inject(List)} at most once before open for a harness that does not inject live, and
 * {@link #transmitted(int)} once, at the end of a test, for a harness that does not observe live.
 * <p>
 * A harness is made fresh for each test and closed after it; {@code close()} closes the driver and the peer.
 */
public interface DriverHarness extends AutoCloseable
{
    /**
     * The driver under test; the same object on every call. Created, not yet opened.
     *
     * @return the driver.
     */
    PacketDriver driver();

    /**
     * Whether frames can be injected while the driver runs (a live peer), or only before open (a capture file).
     *
     * @return true for a live peer.
     */
    boolean injectsLive();

    /**
     * Whether transmitted frames can be observed while the driver runs (a live peer), or only after close.
     *
     * @return true for a live peer.
     */
    boolean observesLive();

    /**
     * Makes these frames arrive, in this order, on queue 0 of the driver. A live harness may deliver them over time
     * (as its peer's ring allows); {@link #pump()} drives delivery.
     *
     * @param frames whole Ethernet frames without FCS, each {@code 14 <= length <= maxFrameLength}.
     * @throws IllegalStateException if this harness does not inject live and the driver is already open.
     */
    void inject(List<byte[]> frames);

    /**
     * The frames the driver has transmitted so far, as the peer saw them, in order. A live harness polls (calling
     * {@link #pump()}) until at least {@code expected} frames were seen or {@link #pollTimeout()} passed; a file
     * harness closes the driver first and reads its output.
     *
     * @param expected how many frames the test expects; a hint for how long to wait.
     * @return copies of every frame seen since the harness was made.
     */
    List<byte[]> transmitted(int expected);

    /**
     * Lets the other end make progress: move injected frames along, drain what the driver sent, advance a virtual
     * clock. The kit calls it in every polling loop; a harness with nothing to do returns at once.
     */
    void pump();

    /**
     * Whether {@link #stallTx()} can make the driver refuse frames on transmit (back-pressure).
     *
     * @return true when the partial-transmit case can run.
     */
    boolean canStallTx();

    /**
     * Why TX back-pressure cannot be provoked for this driver; shown when the kit skips the partial-transmit case.
     *
     * @return a reason, for people.
     */
    default String cannotStallTxReason()
    {
        return getClass().getSimpleName() + " cannot make the driver refuse frames on transmit";
    }

    /**
     * Makes the driver's TX path fill up: the peer stops draining, the device queue stops completing, and
     * {@code transmit} soon accepts fewer frames than offered. Only called when {@link #canStallTx()}.
     */
    default void stallTx()
    {
        throw new UnsupportedOperationException(cannotStallTxReason());
    }

    /**
     * Undoes {@link #stallTx()}: the frames held back flow again.
     */
    default void unstallTx()
    {
        throw new UnsupportedOperationException(cannotStallTxReason());
    }

    /**
     * Whether the driver lends TX buffers from a bounded pool, so that {@code acquire} runs dry and returns 0.
     *
     * @return true for a bounded pool (every NIC driver).
     */
    default boolean hasBoundedPool()
    {
        return true;
    }

    /**
     * About how many frame buffers the driver's pool holds; the frame-release case cycles several times as many.
     *
     * @return a positive count.
     */
    default int poolFramesHint()
    {
        return 1024;
    }

    /**
     * A handle this driver never lends out, for the forged-handle case.
     *
     * @return the handle.
     */
    default long forgedHandle()
    {
        return 0x5A5A_5A5A_5A5A_5A5AL;
    }

    /**
     * How long a polling loop may wait for frames before the kit gives up.
     *
     * @return the bound.
     */
    default Duration pollTimeout()
    {
        return Duration.ofSeconds(10);
    }

    /**
     * The test frame with sequence number {@code sequence} and {@code length} bytes: addresses
     * 02:00:00:00:00:02 (to) and 02:00:00:00:00:01 (from), EtherType 0x88B5 (local experimental), the sequence
     * number in the next four bytes (big-endian), then a pattern derived from the sequence number. Override it where
     * the link needs other addresses or types.
     *
     * @param sequence the frame's number.
     * @param length   bytes, at least 14.
     * @return a new frame.
     */
    default byte[] frame(final int sequence, final int length)
    {
        final byte[] f = new byte[length];
        for (int i = 18; i < length; i++)
        {
            f[i] = (byte) (sequence * 131 + i * 7 + (i >>> 8));
        }
        f[0] = 2;
        f[5] = 2;
        f[6] = 2;
        f[11] = 1;
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xB5;
        for (int i = 0; i < 4 && 14 + i < length; i++)
        {
            f[14 + i] = (byte) (sequence >>> (24 - 8 * i));
        }
        return f;
    }

    /**
     * Closes the driver and the peer, and deletes temporary files. Never throws for things already closed.
     */
    @Override
    void close();
}
