package io.tachyon.driver;

/**
 * What a driver can do, fixed once the driver is open.
 *
 * @param mtu                the largest IPv4 datagram the link carries, in bytes (1500 on ordinary Ethernet).
 * @param maxFrameLength     the largest Ethernet frame (without FCS) a queue can receive or send, in bytes;
 *                           at least {@code mtu + 14}, plus 4 where 802.1Q tags are carried.
 * @param maxBurst           the most frames one {@code receive}, {@code acquire} or {@code transmit} call handles.
 * @param queueCount         how many queues the device exposes; each is driven by its own stack.
 * @param rxChecksumOffload  whether received frames carry checksum verdicts in {@link FrameBatch#flags(int)}.
 * @param txChecksumOffload  whether the device fills IPv4/TCP/UDP checksums on transmit when asked to.
 * @param rxTimestamps       whether received frames carry timestamps in {@link FrameBatch#timestampNs(int)}.
 * @param zeroCopy           whether frames are the device's DMA memory (true) or copies (false).
 * @param txFromRxFrame      whether a received frame may be transmitted in place (an echo reply reusing it).
 */
public record DriverCapabilities(
    int mtu,
    int maxFrameLength,
    int maxBurst,
    int queueCount,
    boolean rxChecksumOffload,
    boolean txChecksumOffload,
    boolean rxTimestamps,
    boolean zeroCopy,
    boolean txFromRxFrame)
{
    /**
     * Validates the values.
     *
     * @throws DriverException with {@link DriverException.Reason#BAD_CONFIGURATION} naming the bad value.
     */
    public DriverCapabilities
    {
        if (mtu < 68)
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                "mtu=" + mtu + " is below the IPv4 minimum of 68 (RFC 791)");
        }
        if (maxFrameLength < mtu + 14)
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                "maxFrameLength=" + maxFrameLength + " cannot hold an Ethernet header plus mtu=" + mtu);
        }
        if (maxBurst < 1)
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION, "maxBurst=" + maxBurst + " must be >= 1");
        }
        if (queueCount < 1)
        {
            throw new DriverException(DriverException.Reason.BAD_CONFIGURATION,
                "queueCount=" + queueCount + " must be >= 1");
        }
    }
}
