package io.tachyon.driver.afxdp;

import io.tachyon.driver.DriverException;

import java.util.Objects;

/**
 * The configuration of an {@link AfXdpDriver}; build it with {@link #builder(String)}.
 *
 * @param name           the driver's name for logs and errors.
 * @param interfaceName  the network interface, e.g. {@code eth0}.
 * @param firstQueue     the first device queue the driver binds; driver queue {@code i} is device queue
 *                       {@code firstQueue + i}.
 * @param queueCount     how many device queues the driver binds, one AF_XDP socket (and UMEM) each.
 * @param ipv4Address    the IPv4 address (host order) whose frames the XDP program steers to the driver, with ARP
 *                       about it; 0 steers every frame on the bound queues to the driver.
 * @param steerMulticast whether IPv4 multicast (224.0.0.0/4) is steered to the driver too (only with an address).
 * @param frameSize      the UMEM chunk size: 2048 or 4096.
 * @param headroom       UMEM headroom in bytes before each received frame (after the kernel's 256).
 * @param rxFrames       chunks per queue reserved for receiving (all posted to the FILL ring); a power of 2.
 * @param txFrames       chunks per queue lent out for sending; at least 1.
 * @param ringSize       entries of the RX and TX rings; a power of 2.
 * @param maxBurst       the most frames one receive, acquire or transmit call handles.
 * @param mtu            the MTU to report, at most the interface's; 0 takes the interface's.
 * @param bindMode       copy, zero-copy, or zero-copy with fallback to copy.
 * @param xdpMode        where the XDP program runs: chosen by the kernel, native (driver) or generic (skb).
 * @param attachMethod   BPF link (released with the process) or netlink (outlives it; detached on close).
 * @param needWakeup     whether to bind with XDP_USE_NEED_WAKEUP (kick the kernel only when it asks).
 * @param busyPollMicros SO_BUSY_POLL in microseconds, with SO_PREFER_BUSY_POLL; 0 leaves busy polling off.
 * @param busyPollBudget SO_BUSY_POLL_BUDGET; 0 leaves the kernel's default.
 */
public record AfXdpConfig(
    String name,
    String interfaceName,
    int firstQueue,
    int queueCount,
    int ipv4Address,
    boolean steerMulticast,
    int frameSize,
    int headroom,
    int rxFrames,
    int txFrames,
    int ringSize,
    int maxBurst,
    int mtu,
    BindMode bindMode,
    XdpMode xdpMode,
    AttachMethod attachMethod,
    boolean needWakeup,
    int busyPollMicros,
    int busyPollBudget)
{
    /** How the AF_XDP sockets are bound. */
    public enum BindMode
    {
        /** Try zero-copy; if the device cannot (EOPNOTSUPP, as on veth), bind in copy mode. The default. */
        AUTO,
        /** Copy mode (XDP_COPY): works on every device with XDP support. */
        COPY,
        /** Zero-copy (XDP_ZEROCOPY) or fail with {@link DriverException.Reason#NOT_AVAILABLE}. */
        ZERO_COPY
    }

    /** Where the XDP program runs. */
    public enum XdpMode
    {
        /** Let the kernel choose (native where the device supports it, else generic). The default. */
        AUTO,
        /** Native (driver) mode, XDP_FLAGS_DRV_MODE. */
        NATIVE,
        /** Generic (skb) mode, XDP_FLAGS_SKB_MODE: slower, works everywhere. */
        GENERIC
    }

    /** How the XDP program is attached to the interface. */
    public enum AttachMethod
    {
        /** BPF_LINK_CREATE: the program leaves the interface when the driver closes or the process dies. */
        LINK,
        /** rtnetlink IFLA_XDP: outlives a crashed process; the driver detaches it on close. */
        NETLINK
    }

    /**
     * Validates the values.
     *
     * @throws DriverException with {@link DriverException.Reason#BAD_CONFIGURATION} naming the bad value.
     */
    public AfXdpConfig
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(bindMode, "bindMode");
        Objects.requireNonNull(xdpMode, "xdpMode");
        Objects.requireNonNull(attachMethod, "attachMethod");
        if (interfaceName.isEmpty() || interfaceName.length() > 15 || interfaceName.contains("/"))
        {
            throw bad("interfaceName='" + interfaceName + "' is not a Linux interface name (1 to 15 characters)");
        }
        if (firstQueue < 0)
        {
            throw bad("firstQueue=" + firstQueue + " must be >= 0");
        }
        if (queueCount < 1)
        {
            throw bad("queueCount=" + queueCount + " must be >= 1");
        }
        if (frameSize != 2048 && frameSize != 4096)
        {
            throw bad("frameSize=" + frameSize + " must be 2048 or 4096 (aligned UMEM chunks)");
        }
        if (headroom < 0 || headroom > frameSize - 704)
        {
            throw bad("headroom=" + headroom + " outside [0, frameSize - 704 = " + (frameSize - 704) + "]");
        }
        if (rxFrames < 1 || Integer.bitCount(rxFrames) != 1)
        {
            throw bad("rxFrames=" + rxFrames + " must be a power of 2");
        }
        if (txFrames < 1)
        {
            throw bad("txFrames=" + txFrames + " must be >= 1");
        }
        if (ringSize < 1 || Integer.bitCount(ringSize) != 1)
        {
            throw bad("ringSize=" + ringSize + " must be a power of 2");
        }
        if (maxBurst < 1 || maxBurst > ringSize)
        {
            throw bad("maxBurst=" + maxBurst + " outside [1, ringSize=" + ringSize + "]");
        }
        if (mtu != 0 && mtu < 68)
        {
            throw bad("mtu=" + mtu + " must be 0 (the interface's) or >= 68");
        }
        if (busyPollMicros < 0 || busyPollBudget < 0)
        {
            throw bad("busyPollMicros=" + busyPollMicros + " and busyPollBudget=" + busyPollBudget
                + " must be >= 0");
        }
        if ((rxFrames + (long) txFrames) * frameSize > (1L << 32))
        {
            throw bad("rxFrames + txFrames = " + ((long) rxFrames + txFrames) + " chunks of " + frameSize
                + " bytes exceed 4 GiB per queue");
        }
    }

    private static DriverException bad(final String message)
    {
        return new DriverException(DriverException.Reason.BAD_CONFIGURATION, message);
    }

    /**
     * A builder with the defaults: queue 0 only, steer everything, 2048-byte frames, no headroom, 2048 RX and 2048
     * TX frames, rings of 2048, bursts of 64, AUTO bind and XDP modes, BPF link, need_wakeup on, no busy poll.
     *
     * @param interfaceName the interface.
     * @return the builder.
     */
    public static Builder builder(final String interfaceName)
    {
        return new Builder(interfaceName);
    }

    /** Bytes of frame a chunk holds after the kernel's headroom and ours. */
    int frameRoom()
    {
        return frameSize - XdpAbi.XDP_PACKET_HEADROOM - headroom;
    }

    /** Builds an {@link AfXdpConfig}. */
    public static final class Builder
    {
        private final String interfaceName;
        private String name;
        private int firstQueue;
        private int queueCount = 1;
        private int ipv4Address;
        private boolean steerMulticast = true;
        private int frameSize = 2048;
        private int headroom;
        private int rxFrames = 2048;
        private int txFrames = 2048;
        private int ringSize = 2048;
        private int maxBurst = 64;
        private int mtu;
        private BindMode bindMode = BindMode.AUTO;
        private XdpMode xdpMode = XdpMode.AUTO;
        private AttachMethod attachMethod = AttachMethod.LINK;
        private boolean needWakeup = true;
        private int busyPollMicros;
        private int busyPollBudget;

        private Builder(final String interfaceName)
        {
            this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
        }

        /**
         * Sets the driver's name (default {@code af_xdp:<interface>}).
         *
         * @param value the name.
         * @return this builder.
         */
        public Builder name(final String value)
        {
            name = value;
            return this;
        }

        /**
         * Sets the device queues to bind: {@code count} queues from {@code first}.
         *
         * @param first the first device queue.
         * @param count how many.
         * @return this builder.
         */
        public Builder queues(final int first, final int count)
        {
            firstQueue = first;
            queueCount = count;
            return this;
        }

        /**
         * Steers only frames for this IPv4 address (and ARP about it) to the driver; 0 steers every frame.
         *
         * @param address host order.
         * @return this builder.
         */
        public Builder ipv4Address(final int address)
        {
            ipv4Address = address;
            return this;
        }

        /**
         * Steers only frames for this IPv4 address (and ARP about it) to the driver.
         *
         * @param dotted e.g. {@code "10.0.0.1"}.
         * @return this builder.
         */
        public Builder ipv4Address(final String dotted)
        {
            final String[] parts = dotted.split("\\.", -1);
            if (parts.length != 4)
            {
                throw bad("ipv4Address='" + dotted + "' is not a dotted IPv4 address");
            }
            int value = 0;
            for (final String part : parts)
            {
                final int octet;
                try
                {
                    octet = Integer.parseInt(part);
                }
                catch (final NumberFormatException e)
                {
                    throw bad("ipv4Address='" + dotted + "' is not a dotted IPv4 address");
                }
                if (octet < 0 || octet > 255)
                {
                    throw bad("ipv4Address='" + dotted + "' has an octet outside 0..255");
                }
                value = value << 8 | octet;
            }
            ipv4Address = value;
            return this;
        }

        /**
         * Whether IPv4 multicast is steered to the driver as well (default true; only with an address).
         *
         * @param value true to steer 224.0.0.0/4.
         * @return this builder.
         */
        public Builder steerMulticast(final boolean value)
        {
            steerMulticast = value;
            return this;
        }

        /**
         * Sets the UMEM chunk size and headroom.
         *
         * @param size     2048 or 4096.
         * @param room     headroom before each received frame.
         * @return this builder.
         */
        public Builder frame(final int size, final int room)
        {
            frameSize = size;
            headroom = room;
            return this;
        }

        /**
         * Sets the frames per queue: {@code rx} for receiving (a power of 2), {@code tx} for sending.
         *
         * @param rx RX frames.
         * @param tx TX frames.
         * @return this builder.
         */
        public Builder frames(final int rx, final int tx)
        {
            rxFrames = rx;
            txFrames = tx;
            return this;
        }

        /**
         * Sets the RX and TX ring sizes.
         *
         * @param value a power of 2.
         * @return this builder.
         */
        public Builder ringSize(final int value)
        {
            ringSize = value;
            return this;
        }

        /**
         * Sets the burst limit.
         *
         * @param value frames per call.
         * @return this builder.
         */
        public Builder maxBurst(final int value)
        {
            maxBurst = value;
            return this;
        }

        /**
         * Reports a smaller MTU than the interface's (0 = the interface's).
         *
         * @param value the MTU.
         * @return this builder.
         */
        public Builder mtu(final int value)
        {
            mtu = value;
            return this;
        }

        /**
         * Sets the bind mode.
         *
         * @param value the mode.
         * @return this builder.
         */
        public Builder bindMode(final BindMode value)
        {
            bindMode = value;
            return this;
        }

        /**
         * Sets where the XDP program runs.
         *
         * @param value the mode.
         * @return this builder.
         */
        public Builder xdpMode(final XdpMode value)
        {
            xdpMode = value;
            return this;
        }

        /**
         * Sets how the XDP program is attached.
         *
         * @param value the method.
         * @return this builder.
         */
        public Builder attachMethod(final AttachMethod value)
        {
            attachMethod = value;
            return this;
        }

        /**
         * Whether to bind with XDP_USE_NEED_WAKEUP.
         *
         * @param value true to kick only when asked.
         * @return this builder.
         */
        public Builder needWakeup(final boolean value)
        {
            needWakeup = value;
            return this;
        }

        /**
         * Turns on busy polling (SO_PREFER_BUSY_POLL with SO_BUSY_POLL and SO_BUSY_POLL_BUDGET).
         *
         * @param micros SO_BUSY_POLL, 0 for off.
         * @param budget SO_BUSY_POLL_BUDGET, 0 for the kernel's default.
         * @return this builder.
         */
        public Builder busyPoll(final int micros, final int budget)
        {
            busyPollMicros = micros;
            busyPollBudget = budget;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the validated configuration.
         * @throws DriverException with {@link DriverException.Reason#BAD_CONFIGURATION} naming a bad value.
         */
        public AfXdpConfig build()
        {
            return new AfXdpConfig(name == null ? "af_xdp:" + interfaceName : name, interfaceName, firstQueue,
                queueCount, ipv4Address, steerMulticast, frameSize, headroom, rxFrames, txFrames, ringSize, maxBurst,
                mtu, bindMode, xdpMode, attachMethod, needWakeup, busyPollMicros, busyPollBudget);
        }
    }
}
