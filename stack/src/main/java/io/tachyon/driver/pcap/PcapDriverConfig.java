package io.tachyon.driver.pcap;

import io.tachyon.driver.DriverException;
import io.tachyon.pcap.PcapFormat;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link PcapDriver} is built: the capture to replay (optional), the capture to record transmitted frames to
 * (optional), the timing, the filter, the MAC addresses given to converted frames, and the sizes of the driver.
 * Immutable; made with {@link #builder()}. Every value is checked by {@link Builder#build()}, which throws
 * {@link DriverException} with {@link DriverException.Reason#BAD_CONFIGURATION} naming the bad value.
 */
public final class PcapDriverConfig
{
    /** Default MTU: 1500. */
    public static final int DEFAULT_MTU = 1500;
    /** Default largest frame: 1518 bytes (1500 + 14 of Ethernet header + 4 of one 802.1Q tag). */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1518;
    /** Default burst: 32 frames. */
    public static final int DEFAULT_MAX_BURST = 32;
    /** Default pool: 256 buffers shared by RX and TX. */
    public static final int DEFAULT_BUFFER_COUNT = 256;
    /** Default Ethernet source of frames converted from raw-IP or SLL captures: 02:00:00:00:00:02. */
    public static final long DEFAULT_SOURCE_MAC = 0x02_00_00_00_00_02L;
    /** Default Ethernet destination of frames converted from raw-IP or SLL captures: 02:00:00:00:00:01. */
    public static final long DEFAULT_DESTINATION_MAC = 0x02_00_00_00_00_01L;

    private final String name;
    private final Path input;
    private final Path output;
    private final PcapFormat outputFormat;
    private final PcapTiming timing;
    private final double speed;
    private final PcapFilter filter;
    private final long sourceMac;
    private final long destinationMac;
    private final int mtu;
    private final int maxFrameLength;
    private final int maxBurst;
    private final int bufferCount;

    private PcapDriverConfig(final Builder b, final String name)
    {
        this.name = name;
        input = b.input;
        output = b.output;
        outputFormat = b.outputFormat;
        timing = b.timing;
        speed = b.speed;
        filter = b.filter;
        sourceMac = b.sourceMac;
        destinationMac = b.destinationMac;
        mtu = b.mtu;
        maxFrameLength = b.maxFrameLength;
        maxBurst = b.maxBurst;
        bufferCount = b.bufferCount;
    }

    /**
     * A builder with the defaults: no input, no output, {@link PcapTiming#AS_FAST_AS_POSSIBLE}, no filter.
     *
     * @return a new builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * The driver's name for logs and errors.
     *
     * @return the name; {@code "pcap:<input file name>"} unless set.
     */
    public String name()
    {
        return name;
    }

    /**
     * The capture to replay.
     *
     * @return the file, or null for a driver that receives nothing.
     */
    public Path input()
    {
        return input;
    }

    /**
     * The capture that transmitted frames are written to.
     *
     * @return the file, or null when transmitted frames are only counted.
     */
    public Path output()
    {
        return output;
    }

    /**
     * The format of the output capture.
     *
     * @return the format; {@link PcapFormat#PCAP_NANOS} unless set.
     */
    public PcapFormat outputFormat()
    {
        return outputFormat;
    }

    /**
     * When frames are delivered.
     *
     * @return the timing mode.
     */
    public PcapTiming timing()
    {
        return timing;
    }

    /**
     * The speed factor of {@link PcapTiming#SCALED_PACE} (1.0 for the other modes).
     *
     * @return how many times faster than captured the replay runs.
     */
    public double speed()
    {
        return speed;
    }

    /**
     * Which frames are injected.
     *
     * @return the filter; {@link PcapFilter#ALL} unless set.
     */
    public PcapFilter filter()
    {
        return filter;
    }

    /**
     * The Ethernet source address of frames converted from raw-IP captures (and of SLL frames without a 6-byte
     * link-layer address).
     *
     * @return the address in the low 48 bits.
     */
    public long sourceMac()
    {
        return sourceMac;
    }

    /**
     * The Ethernet destination address of frames converted from raw-IP or SLL captures.
     *
     * @return the address in the low 48 bits.
     */
    public long destinationMac()
    {
        return destinationMac;
    }

    /**
     * The MTU reported in the capabilities.
     *
     * @return the MTU in bytes.
     */
    public int mtu()
    {
        return mtu;
    }

    /**
     * The largest frame received or transmitted; also the size of each pool buffer. Longer captured frames are
     * dropped and counted.
     *
     * @return the length in bytes.
     */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /**
     * The most frames one call handles.
     *
     * @return the burst.
     */
    public int maxBurst()
    {
        return maxBurst;
    }

    /**
     * How many buffers the driver's pool holds, shared by received and acquired frames.
     *
     * @return the buffer count.
     */
    public int bufferCount()
    {
        return bufferCount;
    }

    /**
     * A description of the configuration for logs.
     *
     * @return the values.
     */
    @Override
    public String toString()
    {
        return "PcapDriverConfig[name=" + name + ", input=" + input + ", output=" + output + " (" + outputFormat +
            "), timing=" + timing + (timing == PcapTiming.SCALED_PACE ? " x" + speed : "") + ", filter=" + filter +
            ", sourceMac=" + PcapFilter.formatMac(sourceMac) + ", destinationMac=" +
            PcapFilter.formatMac(destinationMac) + ", mtu=" + mtu + ", maxFrameLength=" + maxFrameLength +
            ", maxBurst=" + maxBurst + ", bufferCount=" + bufferCount + "]";
    }

    /**
     * Builds a {@link PcapDriverConfig}. Not thread-safe.
     */
    public static final class Builder
    {
        private String name;
        private Path input;
        private Path output;
        private PcapFormat outputFormat = PcapFormat.PCAP_NANOS;
        private PcapTiming timing = PcapTiming.AS_FAST_AS_POSSIBLE;
        private double speed = 1.0;
        private PcapFilter filter = PcapFilter.ALL;
        private long sourceMac = DEFAULT_SOURCE_MAC;
        private long destinationMac = DEFAULT_DESTINATION_MAC;
        private int mtu = DEFAULT_MTU;
        private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
        private int maxBurst = DEFAULT_MAX_BURST;
        private int bufferCount = DEFAULT_BUFFER_COUNT;

        private Builder()
        {
        }

        /**
         * Sets the driver's name.
         *
         * @param value the name, not blank.
         * @return this builder.
         */
        public Builder name(final String value)
        {
            if (value == null || value.isBlank())
            {
                throw bad("name must not be blank");
            }
            name = value;
            return this;
        }

        /**
         * Sets the capture to replay (pcap or pcapng; link type Ethernet, raw IP or Linux SLL).
         *
         * @param value the file, or null for none.
         * @return this builder.
         */
        public Builder input(final Path value)
        {
            input = value;
            return this;
        }

        /**
         * Records transmitted frames to a capture.
         *
         * @param value  the file (created or truncated by {@code open()}), or null for none.
         * @param format its format.
         * @return this builder.
         */
        public Builder output(final Path value, final PcapFormat format)
        {
            if (format == null)
            {
                throw bad("output format must not be null");
            }
            output = value;
            outputFormat = format;
            return this;
        }

        /**
         * Sets the timing to {@link PcapTiming#AS_FAST_AS_POSSIBLE} or {@link PcapTiming#ORIGINAL_PACE}.
         *
         * @param value the mode; {@link PcapTiming#SCALED_PACE} needs {@link #scaledPace(double)}.
         * @return this builder.
         */
        public Builder timing(final PcapTiming value)
        {
            if (value == null)
            {
                throw bad("timing must not be null");
            }
            if (value == PcapTiming.SCALED_PACE)
            {
                throw bad("timing SCALED_PACE needs a speed factor: use scaledPace(speed)");
            }
            timing = value;
            speed = 1.0;
            return this;
        }

        /**
         * Sets the timing to {@link PcapTiming#SCALED_PACE}.
         *
         * @param factor how many times faster than captured, finite and greater than 0 (2.0 = twice as fast).
         * @return this builder.
         */
        public Builder scaledPace(final double factor)
        {
            if (!(factor > 0.0) || Double.isInfinite(factor))
            {
                throw bad("speed factor " + factor + " must be finite and > 0");
            }
            timing = PcapTiming.SCALED_PACE;
            speed = factor;
            return this;
        }

        /**
         * Sets the filter.
         *
         * @param value the filter.
         * @return this builder.
         */
        public Builder filter(final PcapFilter value)
        {
            filter = Objects.requireNonNull(value, "filter");
            return this;
        }

        /**
         * Parses and sets the filter (see {@link PcapFilter} for the syntax).
         *
         * @param spec e.g. {@code "10.0.0.1"}, {@code "10.0.0.1:80"} or {@code "02:00:00:00:00:01"}.
         * @return this builder.
         * @throws DriverException BAD_CONFIGURATION naming the specification if it does not parse.
         */
        public Builder filter(final String spec)
        {
            filter = PcapFilter.parse(spec);
            return this;
        }

        /**
         * Sets the Ethernet source address given to converted frames.
         *
         * @param mac {@code xx:xx:xx:xx:xx:xx}.
         * @return this builder.
         */
        public Builder sourceMac(final String mac)
        {
            sourceMac = PcapFilter.parseMac("sourceMac", mac == null ? "null" : mac);
            return this;
        }

        /**
         * Sets the Ethernet destination address given to converted frames.
         *
         * @param mac {@code xx:xx:xx:xx:xx:xx}.
         * @return this builder.
         */
        public Builder destinationMac(final String mac)
        {
            destinationMac = PcapFilter.parseMac("destinationMac", mac == null ? "null" : mac);
            return this;
        }

        /**
         * Sets the MTU.
         *
         * @param value at least 68.
         * @return this builder.
         */
        public Builder mtu(final int value)
        {
            mtu = value;
            return this;
        }

        /**
         * Sets the largest frame length.
         *
         * @param value at least {@code mtu + 14}.
         * @return this builder.
         */
        public Builder maxFrameLength(final int value)
        {
            maxFrameLength = value;
            return this;
        }

        /**
         * Sets the burst.
         *
         * @param value at least 1.
         * @return this builder.
         */
        public Builder maxBurst(final int value)
        {
            maxBurst = value;
            return this;
        }

        /**
         * Sets the pool size.
         *
         * @param value at least 1.
         * @return this builder.
         */
        public Builder bufferCount(final int value)
        {
            bufferCount = value;
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @return the configuration.
         * @throws DriverException BAD_CONFIGURATION naming the bad value.
         */
        public PcapDriverConfig build()
        {
            if (mtu < 68)
            {
                throw bad("mtu=" + mtu + " is below the IPv4 minimum of 68");
            }
            if (maxFrameLength < mtu + 14 || maxFrameLength > 65_535 + 18)
            {
                throw bad("maxFrameLength=" + maxFrameLength + " must be mtu + 14 (" + (mtu + 14) + ") to 65553");
            }
            if (maxBurst < 1)
            {
                throw bad("maxBurst=" + maxBurst + " must be >= 1");
            }
            if (bufferCount < 1 || bufferCount > 1 << 20)
            {
                throw bad("bufferCount=" + bufferCount + " must be 1 to " + (1 << 20));
            }
            if (input != null && input.equals(output))
            {
                throw bad("input and output are the same file " + input);
            }
            final String finalName = name != null ? name
                : "pcap:" + (input != null ? input.getFileName() : output != null ? output.getFileName() : "-");
            return new PcapDriverConfig(this, finalName);
        }

        private static DriverException bad(final String message)
        {
            return new DriverException(DriverException.Reason.BAD_CONFIGURATION, message);
        }
    }
}
