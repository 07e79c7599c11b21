package io.tachyon.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

import io.tachyon.arp.Arp;
import io.tachyon.arp.ArpCounter;
import io.tachyon.counters.CounterFamily;
import io.tachyon.counters.CountersFile;
import io.tachyon.counters.CountersLocation;
import io.tachyon.counters.SystemCounterDescriptor;
import io.tachyon.icmp.IcmpCounter;
import io.tachyon.igmp.Igmp;
import io.tachyon.igmp.IgmpCounter;
import io.tachyon.ipv4.Ipv4Counter;
import io.tachyon.ipv4.Ipv4Reassembly;
import io.tachyon.ipv4.ReassemblyCounter;
import io.tachyon.link.LinkCounter;
import io.tachyon.tcp.TcpCounter;
import io.tachyon.time.Clock;
import io.tachyon.udp.UdpCounter;
import io.tachyon.wire.Malformed;

/**
 * Every counter of one stack, registered in its {@link CountersFile} ({@code DIR/NAME/counters.dat}, what
 * {@code ./tachyon stat NAME} prints). One type per layer, printed as one group:
 * <pre>
 *   0 Stack      SystemCounterDescriptor (frames and bytes in/out, drops, duty cycles) + {@link StackCounter}
 *   1 Ethernet   {@link LinkCounter}
 *   2 Malformed  one counter per {@link Malformed} reason ("drops: ...")
 *   3 Arp        {@link ArpCounter}, copied from {@link Arp} periodically
 *   4 Ip         {@link Ipv4Counter} (IP-MIB names)
 *   5 Reassembly {@link ReassemblyCounter}, copied from {@link Ipv4Reassembly} periodically
 *   6 Icmp       {@link IcmpCounter}
 *   7 Udp        {@link UdpCounter}
 *   8 Igmp       {@link IgmpCounter}, copied from {@link Igmp} periodically
 *   9 Tcp        reserved ({@link #file()} registers more)
 * </pre>
 * Counters are written by the stack thread only; any thread or process may read them.
 */
public final class StackCounters implements AutoCloseable
{
    /** Type id of the system and stack counters. */
    public static final int TYPE_STACK = SystemCounterDescriptor.TYPE_ID;
    /** Type id of the Ethernet counters. */
    public static final int TYPE_ETHERNET = 1;
    /** Type id of the malformed-frame counters. */
    public static final int TYPE_MALFORMED = 2;
    /** Type id of the ARP counters. */
    public static final int TYPE_ARP = 3;
    /** Type id of the IPv4 counters. */
    public static final int TYPE_IP = 4;
    /** Type id of the reassembly counters. */
    public static final int TYPE_REASSEMBLY = 5;
    /** Type id of the ICMP counters. */
    public static final int TYPE_ICMP = 6;
    /** Type id of the UDP counters. */
    public static final int TYPE_UDP = 7;
    /** Type id of the IGMP counters. */
    public static final int TYPE_IGMP = 8;
    /** Type id reserved for TCP. */
    public static final int TYPE_TCP = 9;

    private static final ArpCounter[] ARP_COUNTERS = ArpCounter.values();
    private static final IgmpCounter[] IGMP_COUNTERS = IgmpCounter.values();

    private final CountersFile file;
    private final CounterFamily<SystemCounterDescriptor> system;
    private final CounterFamily<StackCounter> stack;
    private final CounterFamily<LinkCounter> link;
    private final CounterFamily<Malformed> malformed;
    private final CounterFamily<ArpCounter> arp;
    private final CounterFamily<Ipv4Counter> ip;
    private final CounterFamily<ReassemblyCounter> reassembly;
    private final CounterFamily<IcmpCounter> icmp;
    private final CounterFamily<UdpCounter> udp;
    private final CounterFamily<IgmpCounter> igmp;
    private final CounterFamily<TcpCounter> tcp;

    private StackCounters(final CountersFile file)
    {
        this.file = file;
        system = SystemCounterDescriptor.allocateAll(file);
        stack = file.allocateDescriptors(TYPE_STACK, SystemCounterDescriptor.TYPE_NAME, StackCounter.class);
        link = file.allocateDescriptors(TYPE_ETHERNET, "Ethernet", LinkCounter.class);
        malformed = file.allocateFamily(TYPE_MALFORMED, "Malformed", Malformed.class,
            m -> "drops: " + m.description());
        arp = file.allocateFamily(TYPE_ARP, "Arp", ArpCounter.class,
            c -> c.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        ip = file.allocateDescriptors(TYPE_IP, "Ip", Ipv4Counter.class);
        reassembly = file.allocateDescriptors(TYPE_REASSEMBLY, "Reassembly", ReassemblyCounter.class);
        icmp = file.allocateDescriptors(TYPE_ICMP, "Icmp", IcmpCounter.class);
        udp = file.allocateDescriptors(TYPE_UDP, "Udp", UdpCounter.class);
        igmp = file.allocateFamily(TYPE_IGMP, "Igmp", IgmpCounter.class,
            c -> c.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        tcp = file.allocateDescriptors(TYPE_TCP, "Tcp", TcpCounter.class);
    }

    /**
     * The TCP counters (like {@code netstat -s}).
     *
     * @return the family.
     */
    public CounterFamily<TcpCounter> tcp()
    {
        return tcp;
    }

    /**
     * Creates the counters file of a stack (replacing one left by an earlier run) and registers every counter.
     *
     * @param config the stack's configuration (name, directory, capacity).
     * @param clock  the clock (start time, heartbeat at close).
     * @return the counters.
     * @throws UncheckedIOException if the file cannot be created.
     */
    public static StackCounters create(final StackConfig config, final Clock clock)
    {
        final CountersFile file;
        try
        {
            file = CountersFile.create(CountersLocation.counterFile(config.countersDirectory(), config.name()),
                config.countersCapacity(), clock);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the counters file of stack " + config.name() + " under "
                + config.countersDirectory() + ": " + ex.getMessage(), ex);
        }
        try
        {
            return new StackCounters(file);
        }
        catch (final RuntimeException ex)
        {
            file.close();
            throw ex;
        }
    }

    /**
     * The counters file (to register more counters, e.g. IGMP's or TCP's).
     *
     * @return the file.
     */
    public CountersFile file()
    {
        return file;
    }

    /**
     * The system counters.
     *
     * @return the family.
     */
    public CounterFamily<SystemCounterDescriptor> system()
    {
        return system;
    }

    /**
     * The stack's own counters.
     *
     * @return the family.
     */
    public CounterFamily<StackCounter> stack()
    {
        return stack;
    }

    /**
     * The Ethernet counters.
     *
     * @return the family.
     */
    public CounterFamily<LinkCounter> link()
    {
        return link;
    }

    /**
     * The per-reason malformed counters.
     *
     * @return the family.
     */
    public CounterFamily<Malformed> malformed()
    {
        return malformed;
    }

    /**
     * The ARP counters (copies, see {@link #syncArp(Arp)}).
     *
     * @return the family.
     */
    public CounterFamily<ArpCounter> arp()
    {
        return arp;
    }

    /**
     * The IPv4 counters.
     *
     * @return the family.
     */
    public CounterFamily<Ipv4Counter> ip()
    {
        return ip;
    }

    /**
     * The reassembly counters (copies, see {@link ReassemblyCounter#sync}).
     *
     * @return the family.
     */
    public CounterFamily<ReassemblyCounter> reassembly()
    {
        return reassembly;
    }

    /**
     * The ICMP counters.
     *
     * @return the family.
     */
    public CounterFamily<IcmpCounter> icmp()
    {
        return icmp;
    }

    /**
     * The UDP counters.
     *
     * @return the family.
     */
    public CounterFamily<UdpCounter> udp()
    {
        return udp;
    }

    /**
     * The IGMP counters (copies, see {@link #syncIgmp(Igmp)}).
     *
     * @return the family.
     */
    public CounterFamily<IgmpCounter> igmp()
    {
        return igmp;
    }

    /**
     * Copies IGMP's own counts into the file. Allocation-free.
     *
     * @param source the IGMP instance.
     */
    public void syncIgmp(final Igmp source)
    {
        final int n = igmp.size();
        for (int i = 0; i < n; i++)
        {
            igmp.get(i).set(source.counter(IGMP_COUNTERS[i]));
        }
    }

    /**
     * Copies ARP's own counts into the file. Allocation-free.
     *
     * @param source the ARP instance.
     */
    public void syncArp(final Arp source)
    {
        final int n = arp.size();
        for (int i = 0; i < n; i++)
        {
            arp.get(i).set(source.counter(ARP_COUNTERS[i]));
        }
    }

    /**
     * Closes the file (final heartbeat, marked closed; it stays readable). Idempotent.
     */
    @Override
    public void close()
    {
        file.close();
    }
}
