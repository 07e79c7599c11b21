package io.tachyon.driver.afxdp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * An XDP program of the tests' own on an interface inside a network namespace (the Linux side of a
 * {@link VethPair}): a short-lived thread enters the namespace with setns(2) (which changes only the calling
 * thread), looks the interface up and attaches the program there with a BPF link. The link's fd belongs to the
 * process, so the program stays until {@link #close()} (or the process dies).
 */
final class NamespaceXdp implements AutoCloseable
{
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    private final int programFd;
    private final int linkFd;

    private NamespaceXdp(final int programFd, final int linkFd)
    {
        this.programFd = programFd;
        this.linkFd = linkFd;
    }

    @SuppressWarnings("restricted")
    private static MethodHandle libc(final String name, final FunctionDescriptor descriptor)
    {
        final Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    /**
     * Attaches {@code program} to {@code ifName} in {@code namespace}.
     *
     * @return the attachment.
     */
    static NamespaceXdp attach(final String namespace, final String ifName, final byte[] program)
        throws InterruptedException
    {
        final AtomicReference<Object> result = new AtomicReference<>();
        final Thread t = new Thread(() ->
        {
            try (Arena arena = Arena.ofConfined())
            {
                final MethodHandle open = libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
                final MethodHandle setns = libc("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
                final int nsFd = (int) open.invokeExact(arena.allocateFrom("/var/run/netns/" + namespace),
                    O_RDONLY_CLOEXEC);
                if (nsFd < 0 || (int) setns.invokeExact(nsFd, CLONE_NEWNET) != 0)
                {
                    throw new IllegalStateException("cannot enter namespace " + namespace);
                }
                Native.close(nsFd);
                final MemorySegment slot = Native.newErrnoSlot(arena);
                final int ifindex = Native.ifNameToIndex(slot, arena.allocateFrom(ifName));
                if (ifindex == 0)
                {
                    throw new IllegalStateException("no " + ifName + " in " + namespace);
                }
                final int prog = Bpf.loadXdpProgram(slot, "test", program);
                final int link = Bpf.linkCreate(slot, prog, ifindex, 0);
                if (link < 0)
                {
                    Native.close(prog);
                    throw new IllegalStateException("BPF_LINK_CREATE in " + namespace + ": "
                        + Native.errnoName(-link));
                }
                result.set(new NamespaceXdp(prog, link));
            }
            catch (final Throwable e)
            {
                result.set(e);
            }
        }, "setns-" + namespace);
        t.start();
        t.join(10_000L);
        final Object r = result.get();
        if (r instanceof NamespaceXdp x)
        {
            return x;
        }
        throw new IllegalStateException("attaching XDP in " + namespace + " failed", (Throwable) r);
    }

    @Override
    public void close()
    {
        try (Arena arena = Arena.ofConfined())
        {
            Bpf.linkDetach(Native.newErrnoSlot(arena), linkFd);
        }
        Native.close(linkFd);
        Native.close(programFd);
    }
}
