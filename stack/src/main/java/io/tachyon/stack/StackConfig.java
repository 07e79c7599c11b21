package io.tachyon.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.tachyon.arp.ArpConfig;
import io.tachyon.tcp.TcpConfig;
import io.tachyon.counters.CountersLocation;
import io.tachyon.igmp.IgmpConfig;
import io.tachyon.igmp.IgmpVersion;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.ipv4.Ipv4ReassemblyConfig;

/**
 * Everything a {@link Stack} needs to know, validated once by {@link Builder#build()}: every limit is here, and
 * every error names the bad value and why it is bad. Values that depend on the driver (the MTU against the
 * device's) are checked again when the stack is built.
 * <p>
 * Build one with {@link #builder()}, e.g.
 * <pre>
 *   StackConfig.builder().name("edge-1").mac("02:00:00:00:00:01").address("10.0.0.1/24").gateway("10.0.0.254")
 *       .build();
 * </pre>
 * Immutable and safe to share between threads.
 */
public final class StackConfig
{
    /** Linux's {@code net.ipv4.ip_local_port_range} low end, the default first ephemeral port. */
    public static final int DEFAULT_EPHEMERAL_LOW = 32768;
    /** Linux's {@code net.ipv4.ip_local_port_range} high end, the default last ephemeral port. */
    public static final int DEFAULT_EPHEMERAL_HIGH = 60999;
    /** RFC 1191 §3 recommends ten minutes before trying a larger path MTU again. */
    public static final long DEFAULT_PATH_MTU_EXPIRY_NS = 600_000_000_000L;
    /** The smallest receive queue in bytes accepted. */
    public static final int MIN_RECEIVE_QUEUE_BYTES = 2048;

    private final String name;
    private final Path countersDirectory;
    private final long mac;
    private final int address;
    private final int prefixLength;
    private final int gateway;
    private final int mtu;
    private final ArpConfig arp;
    private final int rxBurst;
    private final int txBatch;
    private final int txRetryLimit;
    private final int commandQueueCapacity;
    private final int udpSocketLimit;
    private final int udpReceiveQueueDatagrams;
    private final int udpReceiveQueueBytes;
    private final int udpErrorQueueLength;
    private final Ipv4ReassemblyConfig reassembly;
    private final int icmpErrorRatePerSecond;
    private final int icmpErrorBurst;
    private final boolean icmpEchoIgnoreBroadcasts;
    private final int ephemeralPortLow;
    private final int ephemeralPortHigh;
    private final int defaultTtl;
    private final int multicastTtl;
    private final IgmpVersion igmpVersion;
    private final int igmpRobustness;
    private final int igmpMaxGroups;
    private final int pathMtuCacheSize;
    private final long pathMtuExpiryNs;
    private final long timerTickNs;
    private final int timerBuckets;
    private final int timerCapacity;
    private final long countersSyncIntervalNs;
    private final int countersCapacity;
    private final boolean txChecksumOffload;
    private final TcpConfig tcp;
    private final boolean secretSeeded;
    private final long secretSeed;

    private StackConfig(final Builder b, final ArpConfig arp)
    {
        name = b.name;
        countersDirectory = b.countersDirectory;
        mac = b.mac;
        address = b.address;
        prefixLength = b.prefixLength;
        gateway = b.gateway;
        mtu = b.mtu;
        this.arp = arp;
        tcp = b.tcp;
        secretSeeded = b.secretSeeded;
        secretSeed = b.secretSeed;
        rxBurst = b.rxBurst;
        txBatch = b.txBatch;
        txRetryLimit = b.txRetryLimit;
        commandQueueCapacity = b.commandQueueCapacity;
        udpSocketLimit = b.udpSocketLimit;
        udpReceiveQueueDatagrams = b.udpReceiveQueueDatagrams;
        udpReceiveQueueBytes = b.udpReceiveQueueBytes;
        udpErrorQueueLength = b.udpErrorQueueLength;
        reassembly = b.reassembly;
        icmpErrorRatePerSecond = b.icmpErrorRatePerSecond;
        icmpErrorBurst = b.icmpErrorBurst;
        icmpEchoIgnoreBroadcasts = b.icmpEchoIgnoreBroadcasts;
        ephemeralPortLow = b.ephemeralPortLow;
        ephemeralPortHigh = b.ephemeralPortHigh;
        defaultTtl = b.defaultTtl;
        multicastTtl = b.multicastTtl;
        igmpVersion = b.igmpVersion;
        igmpRobustness = b.igmpRobustness;
        igmpMaxGroups = b.igmpMaxGroups;
        pathMtuCacheSize = b.pathMtuCacheSize;
        pathMtuExpiryNs = b.pathMtuExpiryNs;
        timerTickNs = b.timerTickNs;
        timerBuckets = b.timerBuckets;
        timerCapacity = b.timerCapacity;
        countersSyncIntervalNs = b.countersSyncIntervalNs;
        countersCapacity = b.countersCapacity;
        txChecksumOffload = b.txChecksumOffload;
    }

    /**
     * A builder with every default; MAC address and IPv4 address have none and must be set.
     *
     * @return a new builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * A builder holding this configuration's values, to derive another.
     *
     * @return a new builder.
     */
    public Builder toBuilder()
    {
        final Builder b = new Builder();
        b.name = name;
        b.countersDirectory = countersDirectory;
        b.mac = mac;
        b.address = address;
        b.addressSet = true;
        b.prefixLength = prefixLength;
        b.gateway = gateway;
        b.mtu = mtu;
        b.arp = arp;
        b.tcp = tcp;
        b.secretSeeded = secretSeeded;
        b.secretSeed = secretSeed;
        b.rxBurst = rxBurst;
        b.txBatch = txBatch;
        b.txRetryLimit = txRetryLimit;
        b.commandQueueCapacity = commandQueueCapacity;
        b.udpSocketLimit = udpSocketLimit;
        b.udpReceiveQueueDatagrams = udpReceiveQueueDatagrams;
        b.udpReceiveQueueBytes = udpReceiveQueueBytes;
        b.udpErrorQueueLength = udpErrorQueueLength;
        b.reassembly = reassembly;
        b.icmpErrorRatePerSecond = icmpErrorRatePerSecond;
        b.icmpErrorBurst = icmpErrorBurst;
        b.icmpEchoIgnoreBroadcasts = icmpEchoIgnoreBroadcasts;
        b.ephemeralPortLow = ephemeralPortLow;
        b.ephemeralPortHigh = ephemeralPortHigh;
        b.defaultTtl = defaultTtl;
        b.multicastTtl = multicastTtl;
        b.igmpVersion = igmpVersion;
        b.igmpRobustness = igmpRobustness;
        b.igmpMaxGroups = igmpMaxGroups;
        b.pathMtuCacheSize = pathMtuCacheSize;
        b.pathMtuExpiryNs = pathMtuExpiryNs;
        b.timerTickNs = timerTickNs;
        b.timerBuckets = timerBuckets;
        b.timerCapacity = timerCapacity;
        b.countersSyncIntervalNs = countersSyncIntervalNs;
        b.countersCapacity = countersCapacity;
        b.txChecksumOffload = txChecksumOffload;
        return b;
    }

    /**
     * The stack's name: the Agrona role name and the counters file's name for {@code ./tachyon stat NAME}.
     *
     * @return 1 to 64 letters, digits, '.', '_' or '-'.
     */
    public String name()
    {
        return name;
    }

    /**
     * Where counters files live; the file is {@code DIR/NAME/counters.dat}.
     *
     * @return the directory, {@link CountersLocation#defaultRoot()} unless set.
     */
    public Path countersDirectory()
    {
        return countersDirectory != null ? countersDirectory : CountersLocation.defaultRoot();
    }

    /**
     * Our MAC address.
     *
     * @return the address in the low 48 bits.
     */
    public long mac()
    {
        return mac;
    }

    /**
     * Our IPv4 address.
     *
     * @return the address.
     */
    public int address()
    {
        return address;
    }

    /**
     * The prefix length of our subnet.
     *
     * @return {@code [1, 32]}.
     */
    public int prefixLength()
    {
        return prefixLength;
    }

    /**
     * Our subnet mask.
     *
     * @return the mask.
     */
    public int netmask()
    {
        return Ipv4Address.mask(prefixLength);
    }

    /**
     * The subnet-directed broadcast address, RFC 1122 §3.2.1.3 (d), or 0 for /31 and /32 subnets (RFC 3021: a /31
     * has no broadcast address).
     *
     * @return the address or 0.
     */
    public int subnetBroadcast()
    {
        return prefixLength >= 31 ? 0 : address | ~netmask();
    }

    /**
     * The default gateway.
     *
     * @return its address, or 0 when there is none (only the connected subnet is reachable).
     */
    public int gateway()
    {
        return gateway;
    }

    /**
     * The configured MTU.
     *
     * @return the MTU in bytes, or 0 to use the driver's.
     */
    public int mtu()
    {
        return mtu;
    }

    /**
     * The ARP configuration (our MAC and address, static entries, every ARP limit).
     *
     * @return the configuration.
     */
    public ArpConfig arp()
    {
        return arp;
    }

    /**
     * The TCP settings.
     *
     * @return the TCP configuration; {@link TcpConfig#DEFAULT} unless set.
     */
    public TcpConfig tcp()
    {
        return tcp;
    }

    /**
     * Whether the keyed hashes (TCP initial sequence numbers, SYN cookies, timestamp offsets) use a key derived
     * from {@link #secretSeed()} rather than a random one.
     *
     * @return true when a seed was set.
     */
    public boolean secretSeeded()
    {
        return secretSeeded;
    }

    /**
     * The seed of the keyed hashes when {@link #secretSeeded()}: tests and replays set it so that the same seed gives
     * the same run; production leaves it unset and gets a key from {@link java.security.SecureRandom}, as RFC 6528
     * requires a secret the peer cannot guess.
     *
     * @return the seed (meaningless unless {@link #secretSeeded()}).
     */
    public long secretSeed()
    {
        return secretSeed;
    }

    /**
     * The most frames one duty cycle receives.
     *
     * @return the RX burst.
     */
    public int rxBurst()
    {
        return rxBurst;
    }

    /**
     * The TX batch's capacity: frames gathered before the driver is called.
     *
     * @return the batch size.
     */
    public int txBatch()
    {
        return txBatch;
    }

    /**
     * How many duty cycles frames the driver refused are retried before they are dropped.
     *
     * @return the bound.
     */
    public int txRetryLimit()
    {
        return txRetryLimit;
    }

    /**
     * The command queue's capacity.
     *
     * @return commands that can wait at once.
     */
    public int commandQueueCapacity()
    {
        return commandQueueCapacity;
    }

    /**
     * The most UDP sockets open at once.
     *
     * @return the socket table size.
     */
    public int udpSocketLimit()
    {
        return udpSocketLimit;
    }

    /**
     * A socket's receive queue bound in datagrams.
     *
     * @return the bound.
     */
    public int udpReceiveQueueDatagrams()
    {
        return udpReceiveQueueDatagrams;
    }

    /**
     * A socket's receive queue bound in bytes (the off-heap ring's size).
     *
     * @return the bound.
     */
    public int udpReceiveQueueBytes()
    {
        return udpReceiveQueueBytes;
    }

    /**
     * A socket's error queue bound.
     *
     * @return the most ICMP errors waiting per socket.
     */
    public int udpErrorQueueLength()
    {
        return udpErrorQueueLength;
    }

    /**
     * The reassembler's bounds.
     *
     * @return the configuration.
     */
    public Ipv4ReassemblyConfig reassembly()
    {
        return reassembly;
    }

    /**
     * The ICMP error token bucket's refill rate.
     *
     * @return errors per second.
     */
    public int icmpErrorRatePerSecond()
    {
        return icmpErrorRatePerSecond;
    }

    /**
     * The ICMP error token bucket's depth.
     *
     * @return errors.
     */
    public int icmpErrorBurst()
    {
        return icmpErrorBurst;
    }

    /**
     * Whether echo requests to broadcast and multicast addresses are ignored (Linux's default,
     * {@code icmp_echo_ignore_broadcasts=1}).
     *
     * @return true to ignore them.
     */
    public boolean icmpEchoIgnoreBroadcasts()
    {
        return icmpEchoIgnoreBroadcasts;
    }

    /**
     * The first ephemeral port.
     *
     * @return the port.
     */
    public int ephemeralPortLow()
    {
        return ephemeralPortLow;
    }

    /**
     * The last ephemeral port.
     *
     * @return the port.
     */
    public int ephemeralPortHigh()
    {
        return ephemeralPortHigh;
    }

    /**
     * The TTL of unicast and broadcast datagrams we originate.
     *
     * @return {@code [1, 255]}, 64 by default (RFC 1700 / Linux).
     */
    public int defaultTtl()
    {
        return defaultTtl;
    }

    /**
     * The default TTL of multicast datagrams (RFC 1112 §6.1: 1 unless the application says otherwise).
     *
     * @return {@code [0, 255]}.
     */
    public int multicastTtl()
    {
        return multicastTtl;
    }

    /**
     * The IGMP version the stack speaks (it falls back to older ones when it hears older queriers).
     *
     * @return {@link IgmpVersion#V3} by default, or {@link IgmpVersion#V2}.
     */
    public IgmpVersion igmpVersion()
    {
        return igmpVersion;
    }

    /**
     * The IGMP Robustness Variable: how many times each unsolicited or state-change report is sent.
     *
     * @return {@code [1, 7]}, 2 by default (RFC 3376 §8.1).
     */
    public int igmpRobustness()
    {
        return igmpRobustness;
    }

    /**
     * The most multicast groups the stack is in at once (groups still sending IGMPv3 leave reports included).
     *
     * @return {@code [1, 65536]}, 256 by default.
     */
    public int igmpMaxGroups()
    {
        return igmpMaxGroups;
    }

    /**
     * How many destinations the path MTU cache remembers.
     *
     * @return the capacity.
     */
    public int pathMtuCacheSize()
    {
        return pathMtuCacheSize;
    }

    /**
     * How long a lowered path MTU estimate lasts.
     *
     * @return nanoseconds.
     */
    public long pathMtuExpiryNs()
    {
        return pathMtuExpiryNs;
    }

    /**
     * The timer wheel's tick.
     *
     * @return nanoseconds.
     */
    public long timerTickNs()
    {
        return timerTickNs;
    }

    /**
     * The timer wheel's bucket count.
     *
     * @return a power of two.
     */
    public int timerBuckets()
    {
        return timerBuckets;
    }

    /**
     * The timer wheel's capacity.
     *
     * @return timers scheduled at once.
     */
    public int timerCapacity()
    {
        return timerCapacity;
    }

    /**
     * How often component counters (ARP, reassembly) are copied into the counters file.
     *
     * @return nanoseconds.
     */
    public long countersSyncIntervalNs()
    {
        return countersSyncIntervalNs;
    }

    /**
     * The counters file's capacity.
     *
     * @return counters.
     */
    public int countersCapacity()
    {
        return countersCapacity;
    }

    /**
     * Whether checksums are left to the device on transmit when it offers TX checksum offload.
     *
     * @return true to use the offload.
     */
    public boolean txChecksumOffload()
    {
        return txChecksumOffload;
    }

    @Override
    public String toString()
    {
        return "StackConfig[" + name + " " + Ipv4Address.macToString(mac) + " " + Ipv4Address.toString(address)
            + "/" + prefixLength + (gateway != 0 ? " via " + Ipv4Address.toString(gateway) : "")
            + (mtu != 0 ? " mtu " + mtu : "") + "]";
    }

    /**
     * Collects values; {@link #build()} validates them all at once. Not thread-safe.
     */
    public static final class Builder
    {
        private String name = "tachyon";
        private Path countersDirectory;
        private long mac = -1;
        private int address;
        private boolean addressSet;
        private int prefixLength = 24;
        private int gateway;
        private int mtu;
        private ArpConfig arp;
        private TcpConfig tcp = TcpConfig.DEFAULT;
        private boolean secretSeeded;
        private long secretSeed;
        private final List<ArpConfig.StaticEntry> staticArp = new ArrayList<>();
        private int rxBurst = 32;
        private int txBatch = 64;
        private int txRetryLimit = 16;
        private int commandQueueCapacity = 64;
        private int udpSocketLimit = 1024;
        private int udpReceiveQueueDatagrams = 256;
        private int udpReceiveQueueBytes = 256 * 1024;
        private int udpErrorQueueLength = 16;
        private Ipv4ReassemblyConfig reassembly = Ipv4ReassemblyConfig.defaults();
        private int icmpErrorRatePerSecond = 1000;
        private int icmpErrorBurst = 50;
        private boolean icmpEchoIgnoreBroadcasts = true;
        private int ephemeralPortLow = DEFAULT_EPHEMERAL_LOW;
        private int ephemeralPortHigh = DEFAULT_EPHEMERAL_HIGH;
        private int defaultTtl = 64;
        private int multicastTtl = 1;
        private IgmpVersion igmpVersion = IgmpVersion.V3;
        private int igmpRobustness = 2;
        private int igmpMaxGroups = 256;
        private int pathMtuCacheSize = 256;
        private long pathMtuExpiryNs = DEFAULT_PATH_MTU_EXPIRY_NS;
        private long timerTickNs = 1_000_000L;
        private int timerBuckets = 512;
        private int timerCapacity = 1024;
        private long countersSyncIntervalNs = 100_000_000L;
        private int countersCapacity = 1024;
        private boolean txChecksumOffload;

        private Builder()
        {
        }

        /**
         * The stack's name (role name and counters file name); default {@code tachyon}.
         *
         * @param value 1 to 64 letters, digits, '.', '_' or '-'.
         * @return this.
         */
        public Builder name(final String value)
        {
            name = value;
            return this;
        }

        /**
         * The counters root directory; default {@link CountersLocation#defaultRoot()}.
         *
         * @param value the directory.
         * @return this.
         */
        public Builder countersDirectory(final Path value)
        {
            countersDirectory = value;
            return this;
        }

        /**
         * Our MAC address (required).
         *
         * @param value a unicast address in the low 48 bits.
         * @return this.
         */
        public Builder mac(final long value)
        {
            mac = value;
            return this;
        }

        /**
         * Our MAC address (required).
         *
         * @param value e.g. {@code "02:00:00:00:00:01"}.
         * @return this.
         */
        public Builder mac(final String value)
        {
            return mac(Ipv4Address.parseMac(value));
        }

        /**
         * Our IPv4 address and prefix length (required).
         *
         * @param value        the address.
         * @param prefixBits   the prefix length, {@code [1, 32]}.
         * @return this.
         */
        public Builder address(final int value, final int prefixBits)
        {
            address = value;
            addressSet = true;
            prefixLength = prefixBits;
            return this;
        }

        /**
         * Our IPv4 address with its prefix length (required).
         *
         * @param cidr e.g. {@code "10.0.0.1/24"}; without {@code /N} the prefix is 24.
         * @return this.
         */
        public Builder address(final String cidr)
        {
            final int slash = cidr.indexOf('/');
            if (slash < 0)
            {
                return address(Ipv4Address.parse(cidr), 24);
            }
            final int bits;
            try
            {
                bits = Integer.parseInt(cidr.substring(slash + 1));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + cidr + "' has a bad prefix length", ex);
            }
            return address(Ipv4Address.parse(cidr.substring(0, slash)), bits);
        }

        /**
         * The default gateway; default none.
         *
         * @param value its address, on our subnet; 0 for none.
         * @return this.
         */
        public Builder gateway(final int value)
        {
            gateway = value;
            return this;
        }

        /**
         * The default gateway.
         *
         * @param value e.g. {@code "10.0.0.254"}.
         * @return this.
         */
        public Builder gateway(final String value)
        {
            return gateway(Ipv4Address.parse(value));
        }

        /**
         * The MTU; default 0, the driver's.
         *
         * @param value {@code [68, 65535]} and at most the driver's, or 0.
         * @return this.
         */
        public Builder mtu(final int value)
        {
            mtu = value;
            return this;
        }

        /**
         * The TCP settings; default {@link TcpConfig#DEFAULT}.
         *
         * @param value the TCP configuration.
         * @return this.
         */
        public Builder tcp(final TcpConfig value)
        {
            tcp = Objects.requireNonNull(value, "tcp");
            return this;
        }

        /**
         * Derives the keyed hashes' secret from a seed, for reproducible tests and replays (never in production:
         * a guessable key makes sequence numbers guessable, RFC 6528). Default: a random key.
         *
         * @param value the seed.
         * @return this.
         */
        public Builder secretSeed(final long value)
        {
            secretSeeded = true;
            secretSeed = value;
            return this;
        }

        /**
         * The ARP configuration; default {@link ArpConfig#of(long, int)} for our MAC and address. Its MAC and
         * address must be ours.
         *
         * @param value the configuration.
         * @return this.
         */
        public Builder arp(final ArpConfig value)
        {
            arp = value;
            return this;
        }

        /**
         * Adds a static ARP entry (added to those of {@link #arp(ArpConfig)}).
         *
         * @param ipAddress the neighbour.
         * @param macAddress its MAC.
         * @return this.
         */
        public Builder staticArp(final int ipAddress, final long macAddress)
        {
            staticArp.add(new ArpConfig.StaticEntry(ipAddress, macAddress));
            return this;
        }

        /**
         * Frames received per duty cycle at most; default 32.
         *
         * @param value {@code [1, 4096]}.
         * @return this.
         */
        public Builder rxBurst(final int value)
        {
            rxBurst = value;
            return this;
        }

        /**
         * The TX batch capacity; default 64.
         *
         * @param value {@code [1, 4096]}.
         * @return this.
         */
        public Builder txBatch(final int value)
        {
            txBatch = value;
            return this;
        }

        /**
         * Duty cycles a refused frame is retried before it is dropped; default 16.
         *
         * @param value {@code [0, 1000000]}.
         * @return this.
         */
        public Builder txRetryLimit(final int value)
        {
            txRetryLimit = value;
            return this;
        }

        /**
         * The command queue capacity; default 64 (rounded up to a power of two).
         *
         * @param value {@code [1, 65536]}.
         * @return this.
         */
        public Builder commandQueueCapacity(final int value)
        {
            commandQueueCapacity = value;
            return this;
        }

        /**
         * The most UDP sockets open at once; default 1024.
         *
         * @param value {@code [1, 65536]}.
         * @return this.
         */
        public Builder udpSocketLimit(final int value)
        {
            udpSocketLimit = value;
            return this;
        }

        /**
         * The per-socket receive queue bounds; default 256 datagrams and 256 KiB.
         *
         * @param datagrams {@code [1, 1048576]}.
         * @param bytes     {@code [2048, 1 GiB]}: the off-heap ring each socket allocates when opened.
         * @return this.
         */
        public Builder udpReceiveQueue(final int datagrams, final int bytes)
        {
            udpReceiveQueueDatagrams = datagrams;
            udpReceiveQueueBytes = bytes;
            return this;
        }

        /**
         * The per-socket error queue bound; default 16.
         *
         * @param value {@code [1, 4096]}.
         * @return this.
         */
        public Builder udpErrorQueueLength(final int value)
        {
            udpErrorQueueLength = value;
            return this;
        }

        /**
         * The reassembler's bounds; default {@link Ipv4ReassemblyConfig#defaults()}.
         *
         * @param value the configuration.
         * @return this.
         */
        public Builder reassembly(final Ipv4ReassemblyConfig value)
        {
            reassembly = value;
            return this;
        }

        /**
         * The ICMP error rate limit; default 1000 per second with bursts of 50 (Linux's
         * {@code icmp_msgs_per_sec} and {@code icmp_msgs_burst}).
         *
         * @param perSecond refill rate, {@code [1, 1000000]}.
         * @param burst     bucket depth, {@code [1, 1000000]}.
         * @return this.
         */
        public Builder icmpErrorRate(final int perSecond, final int burst)
        {
            icmpErrorRatePerSecond = perSecond;
            icmpErrorBurst = burst;
            return this;
        }

        /**
         * Whether echo requests to broadcast or multicast addresses are ignored; default true.
         *
         * @param value true to ignore them.
         * @return this.
         */
        public Builder icmpEchoIgnoreBroadcasts(final boolean value)
        {
            icmpEchoIgnoreBroadcasts = value;
            return this;
        }

        /**
         * The ephemeral port range; default 32768 to 60999 (Linux).
         *
         * @param low  the first port, {@code [1, 65535]}.
         * @param high the last port, {@code [low, 65535]}.
         * @return this.
         */
        public Builder ephemeralPorts(final int low, final int high)
        {
            ephemeralPortLow = low;
            ephemeralPortHigh = high;
            return this;
        }

        /**
         * The default TTLs; default 64 for unicast, 1 for multicast.
         *
         * @param unicast   {@code [1, 255]}.
         * @param multicast {@code [0, 255]}.
         * @return this.
         */
        public Builder ttl(final int unicast, final int multicast)
        {
            defaultTtl = unicast;
            multicastTtl = multicast;
            return this;
        }

        /**
         * IGMP: the version spoken, the Robustness Variable and the group table size; default IGMPv3, 2, 256.
         *
         * @param version    {@link IgmpVersion#V3} or {@link IgmpVersion#V2}.
         * @param robustness {@code [1, 7]}.
         * @param maxGroups  {@code [1, 65536]}.
         * @return this.
         */
        public Builder igmp(final IgmpVersion version, final int robustness, final int maxGroups)
        {
            igmpVersion = version;
            igmpRobustness = robustness;
            igmpMaxGroups = maxGroups;
            return this;
        }

        /**
         * The path MTU cache; default 256 destinations, estimates kept 10 minutes (RFC 1191 §3).
         *
         * @param size     {@code [1, 65536]}.
         * @param expiryNs {@code [1 s, 1 day]}.
         * @return this.
         */
        public Builder pathMtuCache(final int size, final long expiryNs)
        {
            pathMtuCacheSize = size;
            pathMtuExpiryNs = expiryNs;
            return this;
        }

        /**
         * The timer wheel; default 1 ms ticks, 512 buckets, 1024 timers (the stack adds one per TCP connection).
         *
         * @param tickNs   {@code [1 µs, 1 s]}.
         * @param buckets  a power of two in {@code [1, 1048576]}.
         * @param capacity {@code [16, 1048576]}.
         * @return this.
         */
        public Builder timerWheel(final long tickNs, final int buckets, final int capacity)
        {
            timerTickNs = tickNs;
            timerBuckets = buckets;
            timerCapacity = capacity;
            return this;
        }

        /**
         * How often ARP and reassembly counts are copied into the counters file; default 100 ms.
         *
         * @param value {@code [1 ms, 1 min]}.
         * @return this.
         */
        public Builder countersSyncIntervalNs(final long value)
        {
            countersSyncIntervalNs = value;
            return this;
        }

        /**
         * The counters file capacity; default 1024 (the stack registers about 170, the rest is for later
         * protocols).
         *
         * @param value {@code [256, 65536]}.
         * @return this.
         */
        public Builder countersCapacity(final int value)
        {
            countersCapacity = value;
            return this;
        }

        /**
         * Whether to leave checksums to the device when it offers TX checksum offload; default false.
         *
         * @param value true to use the offload.
         * @return this.
         */
        public Builder txChecksumOffload(final boolean value)
        {
            txChecksumOffload = value;
            return this;
        }

        /**
         * Validates every value and builds the configuration.
         *
         * @return the configuration.
         * @throws IllegalArgumentException naming the first bad value and why it is bad.
         */
        public StackConfig build()
        {
            CountersLocation.requireValidStackName(name);
            if (mac == -1)
            {
                throw new IllegalArgumentException("mac is required: the stack's own MAC address");
            }
            if ((mac & ~0xFFFF_FFFF_FFFFL) != 0 || mac == 0 || (mac >>> 40 & 1) != 0)
            {
                throw new IllegalArgumentException("mac must be a non-zero unicast 48-bit MAC address, was 0x"
                    + Long.toHexString(mac));
            }
            if (!addressSet)
            {
                throw new IllegalArgumentException("address is required: the stack's own IPv4 address");
            }
            if (!Ipv4Address.isUnicastHost(address))
            {
                throw new IllegalArgumentException("address must be a unicast host address, was "
                    + Ipv4Address.toString(address) + " (0/8, 127/8, 224/4 and 240/4 cannot name one host)");
            }
            range("prefixLength", prefixLength, 1, 32);
            final int netmask = Ipv4Address.mask(prefixLength);
            if (prefixLength <= 30 && ((address & ~netmask) == 0 || (address | netmask) == -1))
            {
                throw new IllegalArgumentException("address " + Ipv4Address.toString(address) + "/" + prefixLength
                    + " is the subnet's network or broadcast address, not a host address");
            }
            if (gateway != 0)
            {
                if (!Ipv4Address.isUnicastHost(gateway) || gateway == address)
                {
                    throw new IllegalArgumentException("gateway must be a unicast host address other than ours, was "
                        + Ipv4Address.toString(gateway));
                }
                if ((gateway & netmask) != (address & netmask))
                {
                    throw new IllegalArgumentException("gateway " + Ipv4Address.toString(gateway)
                        + " is not on the connected subnet " + Ipv4Address.toString(address & netmask) + "/"
                        + prefixLength);
                }
            }
            if (mtu != 0)
            {
                range("mtu", mtu, 68, 65535);
            }
            range("rxBurst", rxBurst, 1, 4096);
            range("txBatch", txBatch, 1, 4096);
            range("txRetryLimit", txRetryLimit, 0, 1_000_000);
            range("commandQueueCapacity", commandQueueCapacity, 1, 65536);
            range("udpSocketLimit", udpSocketLimit, 1, 65536);
            range("udpReceiveQueueDatagrams", udpReceiveQueueDatagrams, 1, 1 << 20);
            range("udpReceiveQueueBytes", udpReceiveQueueBytes, MIN_RECEIVE_QUEUE_BYTES, 1 << 30);
            range("udpErrorQueueLength", udpErrorQueueLength, 1, 4096);
            Objects.requireNonNull(reassembly, "reassembly");
            range("icmpErrorRatePerSecond", icmpErrorRatePerSecond, 1, 1_000_000);
            range("icmpErrorBurst", icmpErrorBurst, 1, 1_000_000);
            range("ephemeralPortLow", ephemeralPortLow, 1, 65535);
            range("ephemeralPortHigh", ephemeralPortHigh, ephemeralPortLow, 65535);
            range("defaultTtl", defaultTtl, 1, 255);
            range("multicastTtl", multicastTtl, 0, 255);
            Objects.requireNonNull(igmpVersion, "igmpVersion");
            if (igmpVersion == IgmpVersion.V1)
            {
                throw new IllegalArgumentException("igmpVersion must be V2 or V3, was V1 (IGMPv1 is only a"
                    + " compatibility mode)");
            }
            range("igmpRobustness", igmpRobustness, 1, 7);
            range("igmpMaxGroups", igmpMaxGroups, 1, IgmpConfig.MAX_GROUPS);
            range("pathMtuCacheSize", pathMtuCacheSize, 1, 65536);
            rangeNs("pathMtuExpiryNs", pathMtuExpiryNs, 1_000_000_000L, 86_400_000_000_000L);
            rangeNs("timerTickNs", timerTickNs, 1_000L, 1_000_000_000L);
            if (timerBuckets < 1 || timerBuckets > 1 << 20 || Integer.bitCount(timerBuckets) != 1)
            {
                throw new IllegalArgumentException("timerBuckets must be a power of two in [1, 1048576], was "
                    + timerBuckets);
            }
            range("timerCapacity", timerCapacity, 16, 1 << 20);
            rangeNs("countersSyncIntervalNs", countersSyncIntervalNs, 1_000_000L, 60_000_000_000L);
            range("countersCapacity", countersCapacity, 256, 65536);

            ArpConfig arpConfig = arp != null ? arp : ArpConfig.of(mac, address);
            if (arpConfig.localMac() != mac || arpConfig.localAddress() != address)
            {
                throw new IllegalArgumentException("arp config is for " + Ipv4Address.macToString(arpConfig.localMac())
                    + " " + Ipv4Address.toString(arpConfig.localAddress()) + ", not for this stack's "
                    + Ipv4Address.macToString(mac) + " " + Ipv4Address.toString(address));
            }
            if (!staticArp.isEmpty())
            {
                final List<ArpConfig.StaticEntry> entries = new ArrayList<>(arpConfig.staticEntries());
                entries.addAll(staticArp);
                arpConfig = arpConfig.withStaticEntries(entries);
            }
            for (final ArpConfig.StaticEntry entry : arpConfig.staticEntries())
            {
                if ((entry.address() & netmask) != (address & netmask))
                {
                    throw new IllegalArgumentException("static ARP entry " + Ipv4Address.toString(entry.address())
                        + " is not on the connected subnet " + Ipv4Address.toString(address & netmask) + "/"
                        + prefixLength);
                }
            }
            return new StackConfig(this, arpConfig);
        }

        private static void range(final String what, final int value, final int min, final int max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], was " + value);
            }
        }

        private static void rangeNs(final String what, final long value, final long min, final long max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "] ns, was " + value);
            }
        }
    }
}
