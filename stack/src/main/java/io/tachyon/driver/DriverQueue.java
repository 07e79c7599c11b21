package io.tachyon.driver;

/**
 * One queue of a {@link PacketDriver}: the data path. A queue is driven by exactly one thread (the stack that
 * owns it); nothing here blocks, allocates or throws for ordinary conditions.
 * <p>
 * The contract maps onto the three memory models Tachyon ships:
 * <ul>
 *   <li>AF_XDP: {@code receive} consumes the RX ring; {@code release} posts the UMEM chunk back to the fill ring;
 *       {@code acquire} takes free chunks (refilled from the completion ring); {@code transmit} produces TX
 *       descriptors and kicks the kernel.</li>
 *   <li>DPDK: {@code receive} is {@code rx_burst}; {@code release} frees the mbuf; {@code acquire} allocates mbufs
 *       from the mempool; {@code transmit} is {@code tx_burst}, whose partial acceptance is passed through.</li>
 *   <li>ef_vi: {@code receive} polls the event queue for RX events; {@code release} re-posts the buffer;
 *       {@code acquire} takes buffers whose TX completion events have arrived; {@code transmit} posts TX
 *       descriptors and pushes the doorbell.</li>
 * </ul>
 * TX completions are reaped inside {@code acquire} and {@code receive}: a frame accepted by {@code transmit}
 * returns to the driver's free pool when the device is done with it, with no call from the stack.
 */
public interface DriverQueue
{
    /**
     * This queue's id on the device.
     *
     * @return the queue id, {@code 0 <= id < capabilities().queueCount()}.
     */
    int queueId();

    /**
     * Appends up to {@code min(batch.remaining(), maxBurst)} received frames to {@code batch}. The frames belong to
     * the caller until released or transmitted (where {@link DriverCapabilities#txFromRxFrame()} allows it).
     *
     * @param batch where to append the frames.
     * @return how many frames were appended; 0 when none is waiting.
     * @throws DriverException with {@link DriverException.Reason#ILLEGAL_STATE} unless the driver is started.
     */
    int receive(FrameBatch batch);

    /**
     * Hands one frame back to the driver: a received frame (back to the RX pool) or an acquired frame that will
     * not be sent (back to the TX pool). The batch entry itself stays; callers usually {@code clear()} after
     * releasing everything, or use {@link #releaseAll(FrameBatch)}.
     *
     * @param batch the batch holding the frame.
     * @param index the frame's index in the batch.
     * @throws DriverException with {@link DriverException.Reason#BAD_ARGUMENT} if the frame is not lent out by this
     *                         queue (released twice, or never received or acquired here).
     */
    void release(FrameBatch batch, int index);

    /**
     * Releases every frame in the batch, then clears it.
     *
     * @param batch the frames to hand back.
     */
    default void releaseAll(final FrameBatch batch)
    {
        final int n = batch.size();
        for (int i = 0; i < n; i++)
        {
            release(batch, i);
        }
        batch.clear();
    }

    /**
     * Appends up to {@code count} empty TX buffers to {@code batch}, each with {@link FrameBatch#capacity(int)} room
     * and length 0. The caller writes a frame into each and sets its length.
     *
     * @param batch where to append the buffers.
     * @param count how many are wanted, {@code 0 <= count <= batch.remaining()}.
     * @return how many were appended; fewer (possibly 0) when the TX pool is exhausted.
     * @throws DriverException with {@link DriverException.Reason#BAD_ARGUMENT} if {@code count} is out of range, or
     *                         {@link DriverException.Reason#ILLEGAL_STATE} unless the driver is started.
     */
    int acquire(FrameBatch batch, int count);

    /**
     * Offers the frames in {@code batch}, in order, to the device. The device accepts a prefix: frames
     * {@code [0, k)} now belong to the driver and are removed from the batch; the remaining frames move to the front
     * and still belong to the caller, who may retry or release them.
     *
     * @param batch the frames to send; each with {@code 14 <= length <= maxFrameLength}.
     * @return {@code k}, how many were accepted; 0 when the TX ring is full.
     * @throws DriverException with {@link DriverException.Reason#BAD_ARGUMENT} for a frame this queue did not lend
     *                         out or with a bad length (nothing is sent then), or
     *                         {@link DriverException.Reason#ILLEGAL_STATE} unless the driver is started.
     */
    int transmit(FrameBatch batch);
}
