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
 * Runs code on a fresh thread whose effective capabilities lack some bits. Linux capabilities are per thread and
 * capset(2) with pid 0 changes only the calling thread; only the effective set is cleared (the permitted set stays),
 * and the thread ends afterwards, so the rest of the JVM keeps its privileges.
 */
final class ThreadCapabilities
{
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_BPF = 39;
    private static final int VERSION_3 = 0x20080522;

    private ThreadCapabilities()
    {
    }

    @SuppressWarnings("restricted")
    private static MethodHandle libc(final String name)
    {
        final Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    /**
     * Runs {@code body} on a thread without the given effective capabilities.
     *
     * @return what {@code body} threw, or null.
     */
    static Throwable runWithout(final Runnable body, final int... capabilities) throws InterruptedException
    {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread t = new Thread(() ->
        {
            try (Arena arena = Arena.ofConfined())
            {
                final MemorySegment header = arena.allocate(8, 4);
                header.set(JAVA_INT, 0, VERSION_3);
                final MemorySegment data = arena.allocate(24, 4); // two {effective, permitted, inheritable}
                if ((int) libc("capget").invokeExact(header, data) != 0)
                {
                    throw new IllegalStateException("capget failed");
                }
                for (final int cap : capabilities)
                {
                    final long at = (cap / 32) * 12L;
                    data.set(JAVA_INT, at, data.get(JAVA_INT, at) & ~(1 << (cap % 32)));
                }
                if ((int) libc("capset").invokeExact(header, data) != 0)
                {
                    throw new IllegalStateException("capset failed");
                }
            }
            catch (final Throwable e)
            {
                thrown.set(new AssertionError("could not drop capabilities", e));
                return;
            }
            try
            {
                body.run();
            }
            catch (final Throwable e)
            {
                thrown.set(e);
            }
        }, "without-capabilities");
        t.start();
        t.join(30_000L);
        return thrown.get();
    }
}
