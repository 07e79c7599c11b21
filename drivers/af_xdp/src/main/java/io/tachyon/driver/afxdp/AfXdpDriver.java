package io.tachyon.driver.afxdp;

import io.tachyon.driver.DriverCapabilities;
import io.tachyon.driver.DriverException;
import io.tachyon.driver.DriverLifecycle;
import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.DriverState;
import io.tachyon.driver.PacketDriver;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An AF_XDP driver in pure Java: FFM downcalls into libc and the raw bpf(2) syscall; no JNI, no libbpf, no C.
 * <p>
 * {@link #open()} looks the interface up, creates an XSKMAP, loads an XDP program assembled in Java (steering the
 * configured IPv4 address and ARP about it to the sockets, or every frame when no address is set, and passing
 * everything else to the kernel), opens one AF_XDP socket per queue with its own UMEM and rings, binds it
 * (zero-copy, or copy where the device cannot), and attaches the program with a BPF link (or netlink).
 * {@link #start()} puts the sockets into the XSKMAP, so frames flow from then on. {@link #close()} deletes the map
 * entries, detaches the program, closes the sockets, unmaps the memory and closes the map and program.
 * <p>
 * Needs CAP_NET_RAW, CAP_BPF and CAP_NET_ADMIN (or root), and {@code --enable-native-access} for this module.
 * Errors name their cause with a {@link DriverException.Reason}.
 */
public final class AfXdpDriver implements PacketDriver
{
    private static final Path SYS_NET = Path.of("/sys/class/net");

    private final AfXdpConfig config;
    private final DriverLifecycle lifecycle;
    private final MemorySegment errno;
    private int ifindex;
    private long mac;
    private int deviceMtu;
    private int deviceQueues;
    private int mapFd = -1;
    private int programFd = -1;
    private int linkFd = -1;
    private int netlinkFlags = -1;
    private AfXdpQueue[] queues = new AfXdpQueue[0];
    private DriverCapabilities capabilities;
    private String modeDescription = "";

    /**
     * A driver in {@link DriverState#CREATED}; nothing is touched until {@link #open()}.
     *
     * @param config the configuration.
     */
    public AfXdpDriver(final AfXdpConfig config)
    {
        this.config = Objects.requireNonNull(config, "config");
        lifecycle = new DriverLifecycle(config.name());
        errno = Native.newErrnoSlot(Arena.ofAuto());
    }

    /**
     * The configuration.
     *
     * @return the configuration this driver was made with.
     */
    public AfXdpConfig config()
    {
        return config;
    }

    @Override
    public String name()
    {
        return config.name();
    }

    @Override
    public DriverState state()
    {
        return lifecycle.state();
    }

    @Override
    public synchronized void open()
    {
        lifecycle.require(DriverState.CREATED, "open()");
        try
        {
            openResources();
        }
        catch (final RuntimeException e)
        {
            releaseResources();
            throw e;
        }
        lifecycle.moveTo(DriverState.OPEN);
    }

    private void openResources()
    {
        final String ifName = config.interfaceName();
        try (Arena scratch = Arena.ofConfined())
        {
            ifindex = Native.ifNameToIndex(errno, scratch.allocateFrom(ifName));
        }
        if (ifindex == 0)
        {
            throw new DriverException(DriverException.Reason.NO_SUCH_INTERFACE, name() + ": no network interface '"
                + ifName + "' (if_nametoindex: " + Native.errnoName(Native.errno(errno)) + "); `ip link` lists them");
        }
        mac = readMac(ifName);
        deviceMtu = (int) readNumber(ifName, "mtu");
        deviceQueues = countRxQueues(ifName);
        if (config.firstQueue() + config.queueCount() > deviceQueues)
        {
            throw new DriverException(DriverException.Reason.QUEUE_MISMATCH, name() + ": queues ["
                + config.firstQueue() + ", " + (config.firstQueue() + config.queueCount()) + ") requested but "
                + ifName + " has " + deviceQueues + " RX queue(s)");
        }
        final int mtu = config.mtu() == 0 ? deviceMtu : config.mtu();
        if (config.mtu() > deviceMtu)
        {
            throw new DriverException(DriverException.Reason.MTU_TOO_LARGE, name() + ": mtu=" + config.mtu()
                + " exceeds the MTU of " + ifName + " (" + deviceMtu + ")");
        }
        if (mtu + 14 > config.frameRoom())
        {
            throw new DriverException(DriverException.Reason.MTU_TOO_LARGE, name() + ": MTU " + mtu + " of " + ifName
                + " needs " + (mtu + 14) + "-byte frames but a " + config.frameSize() + "-byte chunk holds "
                + config.frameRoom() + " after " + XdpAbi.XDP_PACKET_HEADROOM + " bytes of kernel headroom and "
                + config.headroom() + " of ours; use frame(4096, 0), a smaller MTU (ip link set dev " + ifName
                + " mtu 1500), or config mtu(...)");
        }
        mapFd = Bpf.createXskMap(errno, name(), Math.max(deviceQueues, config.firstQueue() + config.queueCount()));
        final byte[] program = config.ipv4Address() == 0 ? XdpProgram.redirectAll(mapFd)
            : XdpProgram.steerIpv4(mapFd, config.ipv4Address(), config.steerMulticast());
        programFd = Bpf.loadXdpProgram(errno, name(), program);
        queues = new AfXdpQueue[config.queueCount()];
        boolean allZeroCopy = true;
        final StringBuilder notes = new StringBuilder();
        for (int i = 0; i < queues.length; i++)
        {
            queues[i] = new AfXdpQueue(this, lifecycle, config, i, ifindex);
            queues[i].maxFrameLength(mtu + 14);
            allZeroCopy &= queues[i].zeroCopy();
            if (i == 0 && !queues[i].bindNote().isEmpty())
            {
                notes.append(queues[i].bindNote());
            }
        }
        attach();
        modeDescription = (allZeroCopy ? "zero-copy" : "copy") + ", XDP " + config.xdpMode() + " via "
            + config.attachMethod() + (notes.isEmpty() ? "" : "; " + notes);
        capabilities = new DriverCapabilities(mtu, mtu + 14, config.maxBurst(), config.queueCount(), false, false,
            false, allZeroCopy, true);
    }

    private int modeFlags()
    {
        return switch (config.xdpMode())
        {
            case AUTO -> 0;
            case NATIVE -> XdpAbi.XDP_FLAGS_DRV_MODE;
            case GENERIC -> XdpAbi.XDP_FLAGS_SKB_MODE;
        };
    }

    private void attach()
    {
        final int flags = modeFlags();
        final int result;
        String extack = "";
        if (config.attachMethod() == AfXdpConfig.AttachMethod.LINK)
        {
            result = Bpf.linkCreate(errno, programFd, ifindex, flags);
            if (result >= 0)
            {
                linkFd = result;
                return;
            }
        }
        else
        {
            final int netlinkMode = flags == 0 ? XdpAbi.XDP_FLAGS_DRV_MODE : flags;
            final Netlink.Result r = Netlink.setXdp(errno, ifindex, programFd,
                netlinkMode | XdpAbi.XDP_FLAGS_UPDATE_IF_NOEXIST);
            if (r.result() == 0)
            {
                netlinkFlags = netlinkMode;
                return;
            }
            result = r.result();
            extack = r.message().isEmpty() ? "" : " (kernel: " + r.message() + ")";
        }
        throw attachFailure(-result, extack);
    }

    private DriverException attachFailure(final int e, final String extack)
    {
        final String ifName = config.interfaceName();
        final String what = name() + ": attaching the XDP program to " + ifName + " (" + config.xdpMode() + " via "
            + config.attachMethod() + ") failed with " + Native.errnoName(e) + extack + ": ";
        return switch (e)
        {
            case Native.EBUSY, Native.EEXIST -> new DriverException(DriverException.Reason.BUSY, what
                + "another XDP program is attached (a netlink-attached one outlives its process: "
                + "`ip link set dev " + ifName + " xdp off` removes it)");
            case Native.ERANGE -> new DriverException(DriverException.Reason.MTU_TOO_LARGE, what
                + "the MTU is too large for native XDP (on veth: the peer's MTU must be <= 3506); use XdpMode.GENERIC"
                + " or a smaller MTU");
            case Native.ENOSPC -> new DriverException(DriverException.Reason.QUEUE_MISMATCH, what
                + "queue counts do not fit native XDP (on veth: this end needs as many RX queues as the peer has TX"
                + " queues); use XdpMode.GENERIC or matching queue counts");
            case Native.EPERM, Native.EACCES -> new DriverException(DriverException.Reason.PERMISSION_DENIED, what
                + "needs CAP_NET_ADMIN (and CAP_BPF for a BPF link)");
            case Native.EOPNOTSUPP, Native.EINVAL -> new DriverException(DriverException.Reason.NOT_AVAILABLE, what
                + "the device or kernel refuses this XDP mode; try XdpMode.GENERIC");
            default -> new DriverException(DriverException.Reason.IO_ERROR, what.substring(0, what.length() - 2));
        };
    }

    @Override
    public synchronized void start()
    {
        lifecycle.require(DriverState.OPEN, "start()");
        for (final AfXdpQueue q : queues)
        {
            final int r = Bpf.mapPut(errno, mapFd, q.deviceQueue(), q.fd());
            if (r < 0)
            {
                throw new DriverException(DriverException.Reason.IO_ERROR, name() + ": putting the socket of queue "
                    + q.deviceQueue() + " into the XSKMAP failed with " + Native.errnoName(-r));
            }
        }
        lifecycle.moveTo(DriverState.STARTED);
    }

    @Override
    public DriverCapabilities capabilities()
    {
        lifecycle.requireOpenOrStarted("capabilities()");
        return capabilities;
    }

    @Override
    public DriverQueue queue(final int queueId)
    {
        lifecycle.requireQueueAccess(queueId);
        if (queueId < 0 || queueId >= queues.length)
        {
            throw new DriverException(DriverException.Reason.QUEUE_MISMATCH, name() + ": queue " + queueId
                + " does not exist; queueCount=" + queues.length);
        }
        return queues[queueId];
    }

    /**
     * The interface's MAC address, read at open.
     *
     * @return the 48-bit address in the low bits (02:00:00:00:00:01 = 0x020000000001).
     */
    public long macAddress()
    {
        lifecycle.requireOpenOrStarted("macAddress()");
        return mac;
    }

    /**
     * The interface index, read at open.
     *
     * @return the ifindex.
     */
    public int interfaceIndex()
    {
        lifecycle.requireOpenOrStarted("interfaceIndex()");
        return ifindex;
    }

    /**
     * How the sockets were bound and the program attached, e.g. {@code "copy, XDP AUTO via LINK; zero-copy bind
     * failed with EOPNOTSUPP (95) ... fell back to copy mode"}.
     *
     * @return the description.
     */
    public String modeDescription()
    {
        lifecycle.requireOpenOrStarted("modeDescription()");
        return modeDescription;
    }

    /**
     * The kernel's counters for one queue's socket.
     *
     * @param queueId the queue.
     * @return the statistics.
     */
    public XdpStatistics statistics(final int queueId)
    {
        lifecycle.requireQueueAccess(queueId);
        return ((AfXdpQueue) queue(queueId)).statistics();
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            if (!lifecycle.close())
            {
                return;
            }
            releaseResources();
        }
    }

    /** The teardown order of afxdp.md §7: map entries, program detach, sockets, memory, program, map. */
    private void releaseResources()
    {
        if (mapFd >= 0)
        {
            for (final AfXdpQueue q : queues)
            {
                if (q != null)
                {
                    Bpf.mapPut(errno, mapFd, q.deviceQueue(), -1);
                }
            }
        }
        if (linkFd >= 0)
        {
            Bpf.linkDetach(errno, linkFd);
            Native.close(linkFd);
            linkFd = -1;
        }
        if (netlinkFlags >= 0)
        {
            Netlink.setXdp(errno, ifindex, -1, netlinkFlags);
            netlinkFlags = -1;
        }
        for (int i = 0; i < queues.length; i++)
        {
            if (queues[i] != null)
            {
                queues[i].close();
            }
        }
        Native.close(programFd);
        programFd = -1;
        Native.close(mapFd);
        mapFd = -1;
    }

    // ------------------------------------------------------------------------------------------------- sysfs

    private long readMac(final String ifName)
    {
        final String text = readSys(ifName, "address");
        final String[] parts = text.split(":");
        if (parts.length != 6)
        {
            throw new DriverException(DriverException.Reason.NOT_AVAILABLE, name() + ": " + ifName
                + " has no Ethernet address (sysfs says '" + text + "')");
        }
        long value = 0;
        for (final String p : parts)
        {
            value = value << 8 | Integer.parseInt(p, 16);
        }
        return value;
    }

    private long readNumber(final String ifName, final String file)
    {
        final String text = readSys(ifName, file);
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException e)
        {
            throw new DriverException(DriverException.Reason.NOT_AVAILABLE, name() + ": /sys/class/net/" + ifName
                + "/" + file + " holds '" + text + "', not a number", e);
        }
    }

    private String readSys(final String ifName, final String file)
    {
        try
        {
            return Files.readString(SYS_NET.resolve(ifName).resolve(file)).strip();
        }
        catch (final IOException e)
        {
            throw new DriverException(DriverException.Reason.NO_SUCH_INTERFACE, name() + ": cannot read /sys/class/net/"
                + ifName + "/" + file + " (" + e + ")", e);
        }
    }

    private int countRxQueues(final String ifName)
    {
        try (Stream<Path> entries = Files.list(SYS_NET.resolve(ifName).resolve("queues")))
        {
            final int n = (int) entries.filter(p -> p.getFileName().toString().startsWith("rx-")).count();
            return Math.max(1, n);
        }
        catch (final IOException e)
        {
            return 1;
        }
    }
}
