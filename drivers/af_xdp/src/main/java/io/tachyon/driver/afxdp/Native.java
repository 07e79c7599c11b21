package io.tachyon.driver.afxdp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc functions the driver calls, as FFM downcalls, each capturing {@code errno}. Every method takes a
 * capture segment ({@link #newErrnoSlot(Arena)}) as its first argument and returns the C result; on failure the
 * caller reads {@link #errno(MemorySegment)} from the same segment.
 * <p>
 * Only libc is linked: {@code bpf(2)} has no glibc wrapper and goes through {@code syscall(321, ...)}.
 * The data-path calls ({@code sendto}, {@code recvfrom}) allocate nothing.
 */
final class Native
{
    /** x86_64 syscall number of bpf(2). */
    static final long SYS_BPF = 321L;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int E2BIG = 7;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ERANGE = 34;
    static final int ENOTSOCK = 88;
    static final int ENOPROTOOPT = 92;
    static final int EPROTONOSUPPORT = 93;
    static final int ESOCKTNOSUPPORT = 94;
    static final int EOPNOTSUPP = 95;
    static final int EAFNOSUPPORT = 97;
    static final int ENETDOWN = 100;
    static final int ENOBUFS = 105;
    static final int ENOSYS = 38;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle SYSCALL = downcall("syscall",
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), CAPTURE,
        Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SOCKET = downcall("socket",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE);
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    private static final MethodHandle GETSOCKOPT = downcall("getsockopt",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CAPTURE);
    private static final MethodHandle MMAP = downcall("mmap",
        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE);
    private static final MethodHandle MUNMAP = downcall("munmap",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle BIND = downcall("bind",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    private static final MethodHandle SENDTO = downcall("sendto",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    private static final MethodHandle RECVFROM = downcall("recvfrom",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), CAPTURE);
    private static final MethodHandle CLOSE = downcall("close",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = downcall("if_nametoindex",
        FunctionDescriptor.of(JAVA_INT, ADDRESS), CAPTURE);

    /** mmap's failure value, MAP_FAILED = (void *) -1. */
    static final long MAP_FAILED = -1L;

    private Native()
    {
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(final String name, final FunctionDescriptor descriptor,
        final Linker.Option... options)
    {
        final MemorySegment symbol = LINKER.defaultLookup().find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /**
     * A segment that receives {@code errno} after each call; one per thread that makes calls.
     *
     * @param arena where to allocate it.
     * @return the capture segment.
     */
    static MemorySegment newErrnoSlot(final Arena arena)
    {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    static int errno(final MemorySegment slot)
    {
        return (int) ERRNO.get(slot, 0L);
    }

    static long syscall(final MemorySegment slot, final long number, final long a, final MemorySegment b,
        final long c)
    {
        try
        {
            return (long) SYSCALL.invokeExact(slot, number, a, b, c);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int socket(final MemorySegment slot, final int domain, final int type, final int protocol)
    {
        try
        {
            return (int) SOCKET.invokeExact(slot, domain, type, protocol);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int setsockopt(final MemorySegment slot, final int fd, final int level, final int name,
        final MemorySegment value, final int length)
    {
        try
        {
            return (int) SETSOCKOPT.invokeExact(slot, fd, level, name, value, length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int getsockopt(final MemorySegment slot, final int fd, final int level, final int name,
        final MemorySegment value, final MemorySegment length)
    {
        try
        {
            return (int) GETSOCKOPT.invokeExact(slot, fd, level, name, value, length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static long mmap(final MemorySegment slot, final long length, final int protection, final int flags,
        final int fd, final long offset)
    {
        try
        {
            final MemorySegment result = (MemorySegment) MMAP.invokeExact(slot, MemorySegment.NULL, length,
                protection, flags, fd, offset);
            return result.address();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int munmap(final long address, final long length)
    {
        try
        {
            return (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int bind(final MemorySegment slot, final int fd, final MemorySegment address, final int length)
    {
        try
        {
            return (int) BIND.invokeExact(slot, fd, address, length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static long sendto(final MemorySegment slot, final int fd, final MemorySegment buffer, final long length,
        final int flags, final MemorySegment address, final int addressLength)
    {
        try
        {
            return (long) SENDTO.invokeExact(slot, fd, buffer, length, flags, address, addressLength);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static long recvfrom(final MemorySegment slot, final int fd, final MemorySegment buffer, final long length,
        final int flags)
    {
        try
        {
            return (long) RECVFROM.invokeExact(slot, fd, buffer, length, flags, MemorySegment.NULL,
                MemorySegment.NULL);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int close(final int fd)
    {
        if (fd < 0)
        {
            return 0;
        }
        try
        {
            return (int) CLOSE.invokeExact(fd);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    static int ifNameToIndex(final MemorySegment slot, final MemorySegment name)
    {
        try
        {
            return (int) IF_NAMETOINDEX.invokeExact(slot, name);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(final Throwable t)
    {
        if (t instanceof RuntimeException r)
        {
            return r;
        }
        if (t instanceof Error e)
        {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }

    /**
     * The symbolic name of an errno value, for messages.
     *
     * @param errno the value.
     * @return e.g. {@code "EBUSY (16)"}.
     */
    static String errnoName(final int errno)
    {
        final String name = switch (errno)
        {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case ENXIO -> "ENXIO";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case ERANGE -> "ERANGE";
            case ENOTSOCK -> "ENOTSOCK";
            case ENOPROTOOPT -> "ENOPROTOOPT";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
            case ESOCKTNOSUPPORT -> "ESOCKTNOSUPPORT";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case ENETDOWN -> "ENETDOWN";
            case ENOBUFS -> "ENOBUFS";
            case ENOSYS -> "ENOSYS";
            default -> "errno";
        };
        return name + " (" + errno + ")";
    }
}
