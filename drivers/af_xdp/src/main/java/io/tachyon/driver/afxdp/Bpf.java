package io.tachyon.driver.afxdp;

import io.tachyon.driver.DriverException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The bpf(2) commands the driver needs, through {@code syscall(321, cmd, &attr, size)}: create the XSKMAP, load the
 * program, attach it with a BPF link, update the map. Control plane only; each call allocates its attribute buffer
 * in a confined arena.
 */
final class Bpf
{
    private static final String LICENSE = "Apache-2.0";
    private static final int LOG_SIZE = 64 * 1024;

    private Bpf()
    {
    }

    private static long call(final MemorySegment slot, final int command, final MemorySegment attr)
    {
        return Native.syscall(slot, Native.SYS_BPF, command, attr, attr.byteSize());
    }

    private static MemorySegment attr(final Arena arena)
    {
        return arena.allocate(XdpAbi.BPF_ATTR_SIZE, 8L); // zeroed
    }

    private static void name(final MemorySegment attr, final long offset, final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, attr, JAVA_BYTE, offset, Math.min(bytes.length, 15));
    }

    /**
     * Creates an XSKMAP of {@code entries} sockets.
     *
     * @return the map fd.
     */
    static int createXskMap(final MemorySegment slot, final String driverName, final int entries)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment attr = attr(arena);
            attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_MAP_CREATE, "map_type"), XdpAbi.BPF_MAP_TYPE_XSKMAP);
            attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_MAP_CREATE, "key_size"), 4);
            attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_MAP_CREATE, "value_size"), 4);
            attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_MAP_CREATE, "max_entries"), entries);
            name(attr, XdpAbi.offset(XdpAbi.BPF_ATTR_MAP_CREATE, "map_name"), "tachyon_xsks");
            final long fd = call(slot, XdpAbi.BPF_MAP_CREATE, attr);
            if (fd < 0)
            {
                throw bpfFailure(driverName, "BPF_MAP_CREATE (XSKMAP, " + entries + " entries)", Native.errno(slot),
                    null);
            }
            return (int) fd;
        }
    }

    /**
     * Loads an XDP program.
     *
     * @param program the encoded instructions.
     * @return the program fd.
     */
    static int loadXdpProgram(final MemorySegment slot, final String driverName, final byte[] program)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment insns = arena.allocate(program.length, 8L);
            MemorySegment.copy(program, 0, insns, JAVA_BYTE, 0L, program.length);
            final MemorySegment license = arena.allocateFrom(LICENSE);
            final MemorySegment attr = attr(arena);
            fillProgLoad(attr, insns, program, license);
            long fd = call(slot, XdpAbi.BPF_PROG_LOAD, attr);
            if (fd >= 0)
            {
                return (int) fd;
            }
            int errno = Native.errno(slot);
            String log = null;
            if (errno == Native.EINVAL || errno == Native.EACCES)
            {
                // load again with the verifier log, to say why
                final MemorySegment logBuffer = arena.allocate(LOG_SIZE);
                attr.fill((byte) 0);
                fillProgLoad(attr, insns, program, license);
                attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_PROG_LOAD, "log_level"), 1);
                attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_PROG_LOAD, "log_size"), LOG_SIZE);
                attr.set(JAVA_LONG, XdpAbi.offset(XdpAbi.BPF_ATTR_PROG_LOAD, "log_buf"), logBuffer.address());
                fd = call(slot, XdpAbi.BPF_PROG_LOAD, attr);
                if (fd >= 0)
                {
                    return (int) fd;
                }
                errno = Native.errno(slot);
                log = logBuffer.getString(0L).strip();
            }
            throw bpfFailure(driverName, "BPF_PROG_LOAD (XDP, " + XdpProgram.count(program) + " instructions)", errno,
                log == null ? null : "verifier log:\n" + log + "\nprogram:\n" + XdpProgram.dump(program));
        }
    }

    private static void fillProgLoad(final MemorySegment attr, final MemorySegment insns, final byte[] program,
        final MemorySegment license)
    {
        attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_PROG_LOAD, "prog_type"), XdpAbi.BPF_PROG_TYPE_XDP);
        attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_PROG_LOAD, "insn_cnt"), XdpProgram.count(program));
        attr.set(JAVA_LONG, XdpAbi.offset(XdpAbi.BPF_ATTR_PROG_LOAD, "insns"), insns.address());
        attr.set(JAVA_LONG, XdpAbi.offset(XdpAbi.BPF_ATTR_PROG_LOAD, "license"), license.address());
        name(attr, XdpAbi.offset(XdpAbi.BPF_ATTR_PROG_LOAD, "prog_name"), "tachyon_xdp");
        attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_PROG_LOAD, "expected_attach_type"), XdpAbi.BPF_XDP);
    }

    /**
     * Attaches an XDP program to an interface with a BPF link; the program goes away with the link fd (also when
     * the process dies).
     *
     * @param flags 0 (the kernel picks native, else generic), XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE.
     * @return the link fd, or {@code -errno}.
     */
    static int linkCreate(final MemorySegment slot, final int programFd, final int ifindex, final int flags)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment attr = attr(arena);
            attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_LINK_CREATE, "prog_fd"), programFd);
            attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_LINK_CREATE, "target_ifindex"), ifindex);
            attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_LINK_CREATE, "attach_type"), XdpAbi.BPF_XDP);
            attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_LINK_CREATE, "flags"), flags);
            final long fd = call(slot, XdpAbi.BPF_LINK_CREATE, attr);
            return fd < 0 ? -Native.errno(slot) : (int) fd;
        }
    }

    /**
     * Detaches a BPF link (the program leaves the interface even while the fd stays open).
     *
     * @return 0 or {@code -errno}.
     */
    static int linkDetach(final MemorySegment slot, final int linkFd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment attr = attr(arena);
            attr.set(JAVA_INT, 0L, linkFd);
            return call(slot, XdpAbi.BPF_LINK_DETACH, attr) < 0 ? -Native.errno(slot) : 0;
        }
    }

    /**
     * Puts a socket into the XSKMAP at {@code key}, or deletes the key when {@code socketFd < 0}.
     *
     * @return 0 or {@code -errno}.
     */
    static int mapPut(final MemorySegment slot, final int mapFd, final int key, final int socketFd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment keySegment = arena.allocateFrom(JAVA_INT, key);
            final MemorySegment valueSegment = arena.allocateFrom(JAVA_INT, socketFd);
            final MemorySegment attr = attr(arena);
            attr.set(JAVA_INT, XdpAbi.offset(XdpAbi.BPF_ATTR_MAP_ELEM, "map_fd"), mapFd);
            attr.set(JAVA_LONG, XdpAbi.offset(XdpAbi.BPF_ATTR_MAP_ELEM, "key"), keySegment.address());
            final int command;
            if (socketFd >= 0)
            {
                attr.set(JAVA_LONG, XdpAbi.offset(XdpAbi.BPF_ATTR_MAP_ELEM, "value"), valueSegment.address());
                attr.set(JAVA_LONG, XdpAbi.offset(XdpAbi.BPF_ATTR_MAP_ELEM, "flags"), XdpAbi.BPF_ANY);
                command = XdpAbi.BPF_MAP_UPDATE_ELEM;
            }
            else
            {
                command = XdpAbi.BPF_MAP_DELETE_ELEM;
            }
            return call(slot, command, attr) < 0 ? -Native.errno(slot) : 0;
        }
    }

    /**
     * The exception for a failed MAP_CREATE or PROG_LOAD, naming the capability when the kernel said EPERM.
     */
    static DriverException bpfFailure(final String driverName, final String what, final int errno,
        final String detail)
    {
        final String suffix = detail == null ? "" : "\n" + detail;
        if (errno == Native.EPERM || errno == Native.EACCES && detail == null)
        {
            return new DriverException(DriverException.Reason.PERMISSION_DENIED, driverName + ": bpf " + what
                + " failed with " + Native.errnoName(errno) + ": needs CAP_BPF and CAP_NET_ADMIN, or CAP_SYS_ADMIN"
                + " (run as root, or grant the capabilities)" + suffix);
        }
        if (errno == Native.ENOSYS)
        {
            return new DriverException(DriverException.Reason.NOT_AVAILABLE, driverName + ": bpf " + what
                + " failed: the kernel has no bpf(2)" + suffix);
        }
        return new DriverException(DriverException.Reason.IO_ERROR,
            driverName + ": bpf " + what + " failed with " + Native.errnoName(errno) + suffix);
    }
}
