package io.tachyon.driver.afxdp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A veth pair for the privileged tests, named from the process id and a counter so that concurrent runs never
 * collide (interface names stay within 15 characters). End {@code a} stays in the root namespace without an
 * address (the Tachyon side); end {@code b} is either in the root namespace too (for two drivers back to back) or
 * in its own network namespace with an IPv4 address (for Linux tools, run with {@link #inNamespace}).
 * <p>
 * Both ends have one RX and one TX queue (so every frame lands on queue 0), fixed MACs, IPv6 off (no stray router
 * solicitations), and in the namespace TX checksum offload off: a frame from a local sender with offload on reaches
 * an XDP program with only the pseudo-header sum in its L4 checksum (afxdp.md §11), which Tachyon would drop.
 * {@link #close()} deletes the pair and the namespace; it never throws and is safe to call twice.
 */
final class VethPair implements AutoCloseable
{
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The Tachyon end, in the root namespace. */
    final String a;
    /** The other end. */
    final String b;
    /** The namespace holding {@code b}, or null. */
    final String namespace;
    /** The MAC address of {@code a}. */
    final long macA = 0x02_00_5E_00_00_01L;
    /** The MAC address of {@code b}. */
    final long macB = 0x02_00_5E_00_00_02L;
    /** The IPv4 address the tests give Tachyon (host order). */
    final int ipA;
    /** The IPv4 address of {@code b} in the namespace (host order). */
    final int ipB;
    /** RX and TX queues on each end. */
    final int queues;
    private boolean closed;

    private VethPair(final boolean peerInNamespace, final int queues)
    {
        this.queues = queues;
        final long pid = ProcessHandle.current().pid() % 1_000_000L;
        final int n = COUNTER.incrementAndGet();
        final String base = "tx" + pid + "n" + n;
        a = base + "a";
        b = base + "b";
        namespace = peerInNamespace ? "tachyon-" + pid + "-" + n : null;
        final int subnet = (int) ((pid * 7 + n) % 250) + 1;
        ipA = 10 << 24 | 77 << 16 | subnet << 8 | 1;
        ipB = 10 << 24 | 77 << 16 | subnet << 8 | 2;
    }

    /**
     * Creates a pair.
     *
     * @param peerInNamespace whether {@code b} goes into a fresh namespace with address {@link #ipB}/24.
     * @return the pair, up.
     */
    static VethPair create(final boolean peerInNamespace)
    {
        return create(peerInNamespace, 1);
    }

    /**
     * Creates a pair with {@code queues} RX and TX queues on each end (frames sent on TX queue i of one end arrive on
     * RX queue i of the other).
     *
     * @param peerInNamespace whether {@code b} goes into a fresh namespace.
     * @param queues          queues per end.
     * @return the pair, up.
     */
    static VethPair create(final boolean peerInNamespace, final int queues)
    {
        final VethPair pair = new VethPair(peerInNamespace, queues);
        try
        {
            pair.setUp();
            return pair;
        }
        catch (final RuntimeException e)
        {
            pair.close();
            throw e;
        }
    }

    private void setUp()
    {
        if (namespace != null)
        {
            Sh.check("ip", "netns", "add", namespace);
        }
        final String q = Integer.toString(queues);
        Sh.check("ip", "link", "add", a, "address", mac(macA), "numtxqueues", q, "numrxqueues", q, "type", "veth",
            "peer", "name", b, "address", mac(macB), "numtxqueues", q, "numrxqueues", q);
        disableIpv6(a);
        if (namespace == null)
        {
            disableIpv6(b);
            Sh.check("ip", "link", "set", b, "up");
        }
        else
        {
            Sh.check("ip", "link", "set", b, "netns", namespace);
            Sh.check("ip", "-n", namespace, "link", "set", "lo", "up");
            Sh.check("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf." + b + ".disable_ipv6=1");
            Sh.check("ip", "-n", namespace, "addr", "add", dotted(ipB) + "/24", "dev", b);
            Sh.check("ip", "-n", namespace, "link", "set", b, "up");
            Sh.check("ip", "-n", namespace, "route", "add", "224.0.0.0/4", "dev", b);
            Sh.check("ip", "netns", "exec", namespace, "ethtool", "-K", b, "tx", "off");
        }
        Sh.check("ip", "link", "set", a, "up");
    }

    private static void disableIpv6(final String ifName)
    {
        final Path p = Path.of("/proc/sys/net/ipv6/conf", ifName, "disable_ipv6");
        try
        {
            if (Files.exists(p))
            {
                Files.writeString(p, "1");
            }
        }
        catch (final java.io.IOException e)
        {
            throw new IllegalStateException("cannot disable IPv6 on " + ifName, e);
        }
    }

    /** The command prefixed with {@code ip netns exec <namespace>}. */
    String[] inNamespace(final String... command)
    {
        final String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = namespace;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    static String mac(final long mac)
    {
        final StringBuilder sb = new StringBuilder();
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            sb.append(String.format("%02x", (mac >>> shift) & 0xFF));
            if (shift > 0)
            {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    static String dotted(final int address)
    {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    /** Whether an interface exists in the root namespace. */
    static boolean exists(final String ifName)
    {
        return Files.exists(Path.of("/sys/class/net", ifName));
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        Sh.run(20, "ip", "link", "del", a);
        if (namespace != null)
        {
            Sh.run(20, "ip", "netns", "del", namespace);
        }
    }
}
