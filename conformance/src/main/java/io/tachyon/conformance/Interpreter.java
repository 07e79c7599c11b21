package io.tachyon.conformance;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import io.tachyon.conformance.Script.Call;
import io.tachyon.conformance.Script.Ellipsis;
import io.tachyon.conformance.Script.Event;
import io.tachyon.conformance.Script.Expr;
import io.tachyon.conformance.Script.ListExpr;
import io.tachyon.conformance.Script.Name;
import io.tachyon.conformance.Script.Num;
import io.tachyon.conformance.Script.Or;
import io.tachyon.conformance.Script.Other;
import io.tachyon.conformance.Script.Packet;
import io.tachyon.conformance.Script.Python;
import io.tachyon.conformance.Script.Shell;
import io.tachyon.conformance.Script.Struct;
import io.tachyon.conformance.Script.Syscall;
import io.tachyon.conformance.Script.TcpOption;
import io.tachyon.conformance.Script.Time;
import io.tachyon.conformance.Script.TimeKind;
import io.tachyon.conformance.VirtualNet.Captured;
import io.tachyon.tcp.Tcp;
import io.tachyon.tcp.TcpConfig;
import io.tachyon.tcp.TcpError;
import io.tachyon.tcp.TcpListener;
import io.tachyon.tcp.TcpSocket;
import io.tachyon.tcp.TcpState;

/**
 * Runs one packetdrill script against a fresh Tachyon stack on a virtual clock (packetdrill.md §7): inbound packets
 * are built and injected at their script time, outbound packets are captured with their send time and matched in
 * order, system calls map onto the Tachyon TCP API, and a call that would block stays pending while later events run
 * (packetdrill runs it in a second thread) until it can complete.
 */
final class Interpreter
{
    /** The remote side's initial sequence number (packetdrill picks one; any value works). */
    static final long REMOTE_ISN = 1_000_000_000L;
    static final int LISTEN_PORT = 8080;
    static final int REMOTE_PORT = 48_000;
    static final long MAX_WAIT_NS = 200_000_000_000L;
    private static final long RELAXED_TOLERANCE_NS = 250_000_000L;
    private static final String[] SUPPORTED_CALLS = {
        "socket", "bind", "listen", "accept", "connect", "read", "recv", "recvfrom", "write", "send", "sendto",
        "close", "shutdown", "setsockopt", "getsockopt", "fcntl"};

    /** An expectation did not hold. */
    static final class Failure extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int line;

        Failure(final int line, final String message)
        {
            super(message, null, false, false);
            this.line = line;
        }
    }

    /** The script needs something not available. */
    static final class Unsupported extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int line;

        Unsupported(final int line, final String message)
        {
            super(message, null, false, false);
            this.line = line;
        }
    }

    /** A system call's result: a value, or -1 with an errno name. */
    private record SysResult(long value, String errno)
    {
        static SysResult ok(final long v)
        {
            return new SysResult(v, null);
        }

        static SysResult error(final String errno)
        {
            return new SysResult(-1, errno);
        }
    }

    /** A script file descriptor. */
    private static final class Sock
    {
        TcpSocket socket;
        TcpListener listener;
        int port = LISTEN_PORT;
        boolean nonblocking;
        boolean readShut;
        boolean linger0;
        boolean connected;
        boolean errorTaken;
        boolean reuseaddr;
        boolean nodelay;
    }

    private record Pending(Event event, Syscall call, Supplier<SysResult> op, long endNs, long tolNs)
    {
    }

    private final Script script;
    private final Mode mode;
    private final boolean freebsd;
    private final Path countersDirectory;
    private final Map<Integer, Sock> fds = new HashMap<>();
    private final List<TcpSocket> sockets = new ArrayList<>();
    private final List<TcpListener> listeners = new ArrayList<>();
    private final byte[] buffer = new byte[1 << 16];
    private final long toleranceNs;
    private final double tolerancePercent;
    private final boolean strictSegments;
    private TcpConfig config;
    private VirtualNet net;
    private long zeroNs;
    private long anchorNs;
    private long localIsn;
    private boolean localIsnKnown;
    private long tsOffset;
    private boolean tsKnown;
    private int localPort = LISTEN_PORT;
    private boolean localPortKnown;
    private int remotePort = REMOTE_PORT;
    private boolean listening;
    private boolean injectedSinceListen;
    private boolean passiveSynSeen;
    private Pending pending;
    private Failure deferred;
    private java.io.PrintStream trace;

    Interpreter(final Script script, final Mode mode, final boolean freebsd, final Path countersDirectory)
    {
        this.script = script;
        this.mode = mode;
        this.freebsd = freebsd;
        this.countersDirectory = countersDirectory;
        this.toleranceNs = 1000L * parseLong(script.options().getOrDefault("tolerance_usecs", "4000"), 4000);
        this.tolerancePercent = parseDouble(script.options().getOrDefault("tolerance_percent", "12.5"), 12.5);
        this.strictSegments = script.options().containsKey("strict_segments");
        final TcpConfig base = TcpConfig.DEFAULT.withMaxConnections(16).withRetries(15, 5);
        this.config = freebsd ? base.withBuffers(32_768, 65_536) : base;
    }

    private static long parseLong(final String s, final long fallback)
    {
        try
        {
            return Long.parseLong(s.trim());
        }
        catch (final NumberFormatException ex)
        {
            return fallback;
        }
    }

    private static double parseDouble(final String s, final double fallback)
    {
        try
        {
            return Double.parseDouble(s.trim());
        }
        catch (final NumberFormatException ex)
        {
            return fallback;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Static checks
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Why a script cannot run here, found without running it.
     *
     * @param script the script.
     * @return the reason with its line, or null when it can run.
     */
    static Outcome unsupported(final Script script)
    {
        final Map<String, String> o = script.options();
        final String ip = o.get("ip_version");
        if (ip != null && !ip.equals("ipv4"))
        {
            return new Outcome(Outcome.Result.UNSUPPORTED, 0, "IP version " + ip + " (Tachyon is IPv4 only)");
        }
        for (final String key : o.keySet())
        {
            switch (key)
            {
                case "ip_version", "tolerance_usecs", "tolerance_percent", "strict_segments", "non_fatal",
                    "tcp_ts_tick_usecs", "gateway_ip", "netmask_ip" ->
                {
                }
                case "local_ip" ->
                {
                    if (!o.get(key).equals("192.168.0.1"))
                    {
                        return new Outcome(Outcome.Result.UNSUPPORTED, 0, "--local_ip=" + o.get(key));
                    }
                }
                case "remote_ip" ->
                {
                    if (!o.get(key).equals("192.0.2.1"))
                    {
                        return new Outcome(Outcome.Result.UNSUPPORTED, 0, "--remote_ip=" + o.get(key));
                    }
                }
                case "mtu" ->
                {
                    if (!o.get(key).equals("1500"))
                    {
                        return new Outcome(Outcome.Result.UNSUPPORTED, 0, "--mtu=" + o.get(key));
                    }
                }
                case "udp_encapsulation" ->
                {
                    return new Outcome(Outcome.Result.UNSUPPORTED, 0, "TCP over UDP encapsulation");
                }
                default ->
                {
                    return new Outcome(Outcome.Result.UNSUPPORTED, 0, "option --" + key);
                }
            }
        }
        for (final Event e : script.events())
        {
            final String why = switch (e.action())
            {
                case Python p -> "%{ }% Python assert (TCP_INFO)";
                case Other other -> other.what();
                case Packet p -> p.unsupported();
                case Script.Icmp i -> i.inbound() ? icmpType(i) < 0 ? "ICMP " + i.type() + " " + i.code() : null
                    : "outbound ICMP";
                case Syscall s -> unsupportedCall(s);
                case Shell s -> null;
            };
            if (why != null)
            {
                return new Outcome(Outcome.Result.UNSUPPORTED, e.line(), why);
            }
        }
        return null;
    }

    private static String unsupportedCall(final Syscall s)
    {
        boolean known = false;
        for (final String c : SUPPORTED_CALLS)
        {
            known |= c.equals(s.name());
        }
        if (!known)
        {
            return "system call " + s.name();
        }
        final List<Expr> a = s.args();
        switch (s.name())
        {
            case "socket" ->
            {
                if (a.size() < 2 || !(a.get(1) instanceof Name(final String type)) || !type.equals("SOCK_STREAM"))
                {
                    return "socket type other than SOCK_STREAM";
                }
                if (a.get(0) instanceof Name(final String family) && !family.equals("AF_INET"))
                {
                    return "socket family " + family;
                }
            }
            case "setsockopt", "getsockopt" ->
            {
                if (a.size() < 3 || !(a.get(2) instanceof Name(final String opt)))
                {
                    return s.name() + " with a numeric option";
                }
                final boolean ok = switch (opt)
                {
                    case "SO_REUSEADDR", "SO_REUSEPORT", "TCP_NODELAY", "SO_LINGER" -> true;
                    case "SO_ERROR", "SO_RCVBUF", "SO_SNDBUF", "TCP_MAXSEG" -> s.name().equals("getsockopt");
                    default -> false;
                };
                if (!ok)
                {
                    return s.name() + " " + opt;
                }
            }
            case "sendto", "recvfrom", "send", "recv" ->
            {
                if (a.size() >= 4 && flagsOf(a.get(3)).contains("MSG_FASTOPEN"))
                {
                    return "TCP Fast Open (MSG_FASTOPEN)";
                }
                if (s.name().equals("sendto") && a.size() >= 5 && !(a.get(4) instanceof Ellipsis)
                    && !(a.get(4) instanceof Name(final String n) && n.equals("NULL")))
                {
                    return "sendto with an address";
                }
            }
            default ->
            {
            }
        }
        return null;
    }

    private static List<String> flagsOf(final Expr e)
    {
        final List<String> names = new ArrayList<>();
        if (e instanceof Name(final String n))
        {
            names.add(n);
        }
        else if (e instanceof Or(final List<Expr> terms))
        {
            for (final Expr t : terms)
            {
                names.addAll(flagsOf(t));
            }
        }
        return names;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Running
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Runs the script.
     *
     * @return the outcome.
     */
    Outcome run()
    {
        final Outcome pre = unsupported(script);
        if (pre != null)
        {
            return pre;
        }
        try
        {
            for (final Event e : script.events())
            {
                runEvent(e);
            }
            if (pending != null)
            {
                final Pending p = pending;
                while (pending != null && rel() <= p.endNs() + p.tolNs())
                {
                    step(p.endNs() + p.tolNs() + 1);
                }
                if (pending != null)
                {
                    throw new Failure(p.event().line(), "blocking " + p.call().name() + " never returned");
                }
            }
            if (deferred != null)
            {
                throw deferred;
            }
            return Outcome.PASSED;
        }
        catch (final Failure f)
        {
            return new Outcome(Outcome.Result.FAIL, f.line, f.getMessage());
        }
        catch (final Unsupported u)
        {
            return new Outcome(Outcome.Result.UNSUPPORTED, u.line, u.getMessage());
        }
        finally
        {
            if (net != null)
            {
                net.close();
            }
        }
    }

    private long rel()
    {
        return net.now() - zeroNs;
    }

    private void ensureStack()
    {
        if (net == null)
        {
            int largest = 0;
            for (final Event e : script.events())
            {
                if (e.action() instanceof Packet p && p.inbound())
                {
                    largest = Math.max(largest, p.length());
                }
            }
            net = new VirtualNet(config, countersDirectory, largest);
            zeroNs = net.now();
        }
    }

    private void step(final long targetRel)
    {
        net.step(zeroNs + targetRel);
        pollPending();
    }

    private void advanceTo(final long targetRel)
    {
        while (rel() < targetRel)
        {
            step(targetRel);
        }
        net.work();
        pollPending();
    }

    private long tolerance(final long gapNs)
    {
        final long t = Math.max(toleranceNs, (long)(Math.abs(gapNs) * tolerancePercent / 100.0));
        return mode == Mode.RELAXED ? Math.max(t, RELAXED_TOLERANCE_NS) : t;
    }

    private static long ns(final double seconds)
    {
        return Math.round(seconds * 1e9);
    }

    private static String sec(final long nanos)
    {
        return String.format(Locale.ROOT, "%.4f", nanos / 1e9);
    }

    private long expectedTime(final Time t)
    {
        return switch (t.kind())
        {
            case ABSOLUTE -> ns(t.start());
            case RELATIVE -> anchorNs + ns(t.start());
            case ANY, NONE -> net == null ? 0 : rel();
        };
    }

    /**
     * Prints every event and every segment the stack sends to {@code out} (null: silent).
     *
     * @param out where.
     * @return this.
     */
    Interpreter trace(final java.io.PrintStream out)
    {
        trace = out;
        return this;
    }

    private void runEvent(final Event e)
    {
        if (trace != null)
        {
            trace.printf(Locale.ROOT, "%8s  line %d: %s%n", net == null ? "-" : sec(rel()), e.line(), e.action());
        }
        if (e.action() instanceof Shell(final String command))
        {
            if (net != null && e.time().kind() != TimeKind.NONE)
            {
                advanceTo(expectedTime(e.time()));
            }
            shell(e.line(), command);
            if (net != null)
            {
                anchorNs = rel();
            }
            return;
        }
        ensureStack();
        final long expected = expectedTime(e.time());
        switch (e.action())
        {
            case Packet p when p.inbound() ->
            {
                advanceTo(expected);
                inject(e.line(), p);
                anchorNs = e.time().kind() == TimeKind.ANY ? rel() : expected;
            }
            case Packet p -> anchorNs = expectOutbound(e, p, expected);
            case Script.Icmp i ->
            {
                advanceTo(expected);
                injectIcmp(i);
                anchorNs = e.time().kind() == TimeKind.ANY ? rel() : expected;
            }
            case Syscall s ->
            {
                advanceTo(expected);
                syscall(e, s, expected);
                anchorNs = e.time().kind() == TimeKind.ANY ? rel() : expected;
            }
            default -> throw new Unsupported(e.line(), "event");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Packets
    // ------------------------------------------------------------------------------------------------------------

    private static int flagBits(final String flags)
    {
        int bits = 0;
        for (int i = 0; i < flags.length(); i++)
        {
            bits |= switch (flags.charAt(i))
            {
                case 'F' -> 0x01;
                case 'S' -> 0x02;
                case 'R' -> 0x04;
                case 'P' -> 0x08;
                case '.' -> 0x10;
                case 'U' -> 0x20;
                case 'E' -> 0x40;
                case 'W' -> 0x80;
                default -> 0;
            };
        }
        return bits;
    }

    private static String flagText(final int bits)
    {
        final StringBuilder b = new StringBuilder();
        final String letters = "FSRP.UEW";
        final int[] order = {1, 0, 2, 3, 5, 6, 7, 4};
        for (final int i : order)
        {
            if ((bits & (1 << i)) != 0)
            {
                b.append(letters.charAt(i));
            }
        }
        return b.isEmpty() ? "-" : b.toString();
    }

    private void inject(final int line, final Packet p)
    {
        // packetdrill gives the connection accepted from a listener its own remote port at the first SYN; segments
        // injected to the listener before it came from another port (so the answers to them are not the
        // connection's, and the sniffer skips them)
        if (listening && p.flags().equals("S") && !passiveSynSeen)
        {
            passiveSynSeen = true;
            if (injectedSinceListen)
            {
                remotePort++;
            }
        }
        injectedSinceListen = true;
        final long seq = p.absolute() ? p.start() : REMOTE_ISN + p.start();
        final long ack = p.ack() < 0 ? 0 : p.absolute() ? p.ack() : localIsn + p.ack();
        final byte[] opts = encodeOptions(p.options());
        if (opts.length > 40)
        {
            throw new Unsupported(line, "more than 40 bytes of TCP options");
        }
        net.inject(VirtualNet.tcpDatagram(remotePort, localPort, seq, ack, flagBits(p.flags()),
            Math.max(0, p.window()), Math.max(0, p.urgent()), opts, p.length()));
        pollPending();
    }

    /** The ICMP type and code of a script's names (type &lt;&lt; 8 | code), -1 when unknown. */
    static int icmpType(final Script.Icmp i)
    {
        final String[] unreachable = {"net_unreachable", "host_unreachable", "protocol_unreachable",
            "port_unreachable", "frag_needed", "source_route_failed", "net_unknown", "host_unknown",
            "source_host_isolated", "net_prohibited", "host_prohibited", "net_unreachable_for_tos",
            "host_unreachable_for_tos", "packet_filtered", "precedence_violation", "precedence_cutoff"};
        return switch (i.type())
        {
            case "unreachable" -> indexOf(unreachable, i.code()) < 0 ? -1 : 3 << 8 | indexOf(unreachable, i.code());
            case "time_exceeded" -> switch (i.code())
            {
                case "ttl_exceeded_in_transit" -> 11 << 8;
                case "frag_reass_exceeded" -> 11 << 8 | 1;
                default -> -1;
            };
            case "parameter_problem" -> i.code().matches("code_[0-2]") ? 12 << 8 | (i.code().charAt(5) - '0') : -1;
            case "redirect" -> i.code().isEmpty() ? 5 << 8 : -1;
            case "source_quench" -> i.code().isEmpty() ? 4 << 8 : -1;
            default -> -1;
        };
    }

    private static int indexOf(final String[] names, final String name)
    {
        for (int k = 0; k < names.length; k++)
        {
            if (names[k].equals(name))
            {
                return k;
            }
        }
        return -1;
    }

    /** Injects an ICMP error from the remote host quoting a segment the stack sent (RFC 792). */
    private void injectIcmp(final Script.Icmp i)
    {
        final int typeCode = icmpType(i);
        final byte[] d = new byte[20 + 8 + 20 + 8];
        d[0] = 0x45;
        VirtualNet.put16(d, 2, d.length);
        d[8] = 64;
        d[9] = 1;
        VirtualNet.put32(d, 12, VirtualNet.REMOTE);
        VirtualNet.put32(d, 16, VirtualNet.LOCAL);
        VirtualNet.put16(d, 10, VirtualNet.checksum(d, 0, 20, 0));
        d[20] = (byte)(typeCode >>> 8);
        d[21] = (byte)typeCode;
        if (i.mtu() > 0)
        {
            VirtualNet.put16(d, 26, i.mtu());
        }
        final int q = 28;
        d[q] = 0x45;
        VirtualNet.put16(d, q + 2, 40);
        d[q + 8] = 64;
        d[q + 9] = 6;
        VirtualNet.put32(d, q + 12, VirtualNet.LOCAL);
        VirtualNet.put32(d, q + 16, VirtualNet.REMOTE);
        VirtualNet.put16(d, q + 10, VirtualNet.checksum(d, q, 20, 0));
        VirtualNet.put16(d, q + 20, localPort);
        VirtualNet.put16(d, q + 22, remotePort);
        VirtualNet.put32(d, q + 24, (int)(localIsn + i.start()));
        VirtualNet.put16(d, 22, VirtualNet.checksum(d, 20, d.length - 20, 0));
        net.inject(d);
        pollPending();
    }

    private byte[] encodeOptions(final List<TcpOption> options)
    {
        if (options == null || options == Script.ANY_OPTIONS)
        {
            return new byte[0];
        }
        final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (final TcpOption o : options)
        {
            final long[] v = o.values();
            switch (o.name())
            {
                case "nop" -> b.write(1);
                case "eol" -> b.write(0);
                case "mss" -> b.writeBytes(new byte[] {2, 4, (byte)(v[0] >>> 8), (byte)v[0]});
                case "wscale" -> b.writeBytes(new byte[] {3, 3, (byte)v[0]});
                case "sackOK" -> b.writeBytes(new byte[] {4, 2});
                case "sack" ->
                {
                    b.write(5);
                    b.write(2 + 4 * v.length);
                    for (final long edge : v)
                    {
                        final byte[] four = new byte[4];
                        VirtualNet.put32(four, 0, (int)(localIsn + edge));
                        b.writeBytes(four);
                    }
                }
                case "TS" ->
                {
                    final byte[] ts = new byte[10];
                    ts[0] = 8;
                    ts[1] = 10;
                    VirtualNet.put32(ts, 2, (int)v[0]);
                    VirtualNet.put32(ts, 6, (int)(v[1] == 0 || !tsKnown ? v[1] : v[1] + tsOffset));
                    b.writeBytes(ts);
                }
                default -> throw new Unsupported(0, "TCP option " + o.name());
            }
        }
        return b.toByteArray();
    }

    private long expectOutbound(final Event e, final Packet p, final long expected)
    {
        final Time t = e.time();
        final long tol = tolerance(expected - anchorNs);
        final long low;
        final long high;
        if (t.kind() == TimeKind.ANY)
        {
            low = Long.MIN_VALUE;
            high = anchorNs + MAX_WAIT_NS;
        }
        else if (!Double.isNaN(t.rangeEnd()))
        {
            low = expected - tol;
            high = (t.kind() == TimeKind.RELATIVE ? anchorNs : 0) + ns(t.rangeEnd()) + tol;
        }
        else
        {
            low = expected - tol;
            high = expected + tol;
        }
        long start = p.start();
        int remaining = p.length();
        long firstTime = -1;
        final ArrayDeque<Captured> queue = net.captured();
        while (true)
        {
            while (queue.isEmpty() && rel() <= high)
            {
                step(high + 1);
            }
            if (queue.isEmpty())
            {
                throw new Failure(e.line(), "Timed out waiting for packet " + describe(p) + " (expected at "
                    + sec(expected) + " s)");
            }
            final Captured c = queue.poll();
            if (!localPortKnown && (c.flags() & 0x02) != 0 && c.destinationPort() == remotePort)
            {
                localPort = c.sourcePort();
                localPortKnown = true;
            }
            if (c.sourcePort() != localPort || c.destinationPort() != remotePort)
            {
                // packetdrill's sniffer only sees the segments of the connection under test
                if (trace != null)
                {
                    trace.printf(Locale.ROOT, "%8s  > (other connection %d>%d) %s%n", sec(c.timeNs() - zeroNs),
                        c.sourcePort(), c.destinationPort(), describe(c));
                }
                continue;
            }
            learnIsn(p, c);
            if (trace != null)
            {
                trace.printf(Locale.ROOT, "%8s  > %s%n", sec(c.timeNs() - zeroNs), describe(c));
            }
            final long when = c.timeNs() - zeroNs;
            if (firstTime < 0)
            {
                firstTime = when;
            }
            final int consumed = match(e.line(), p, c, start, remaining);
            if (when < low || when > high)
            {
                throw new Failure(e.line(), "timing error: " + describe(c) + " sent at " + sec(when)
                    + " s, expected at " + sec(expected) + " s (tolerance " + sec(tol) + " s)");
            }
            if (consumed >= remaining)
            {
                return firstTime;
            }
            start += consumed;
            remaining -= consumed;
        }
    }

    private String describe(final Packet p)
    {
        return p.flags() + " " + p.start() + ":" + (p.start() + p.length()) + "(" + p.length() + ")"
            + (p.ack() >= 0 ? " ack " + p.ack() : "") + (p.window() >= 0 ? " win " + p.window() : "")
            + (p.options() == null ? "" : " " + p.options());
    }

    private String describe(final Captured c)
    {
        final long seq = (c.seq() - localIsn) & 0xFFFF_FFFFL;
        final long ack = (c.ack() - REMOTE_ISN) & 0xFFFF_FFFFL;
        return flagText(c.flags()) + " " + seq + ":" + (seq + c.payloadLength()) + "(" + c.payloadLength() + ")"
            + ((c.flags() & 0x10) != 0 ? " ack " + ack : "") + " win " + c.window() + " " + liveOptions(c);
    }

    /** Learns the stack's ISN from its SYN or SYN-ACK. */
    private void learnIsn(final Packet p, final Captured c)
    {
        if (p.has('S') && !localIsnKnown && !p.absolute())
        {
            localIsn = (c.seq() - p.start()) & 0xFFFF_FFFFL;
            localIsnKnown = true;
        }
    }

    private int match(final int line, final Packet p, final Captured c, final long start, final int remaining)
    {
        final int expectedFlags = flagBits(p.flags());
        final int len = c.payloadLength();
        final boolean partial = len < remaining && !strictSegments && len > 0;
        int mask = 0xFF;
        if (partial || mode == Mode.RELAXED)
        {
            mask &= ~0x08;
        }
        if (partial)
        {
            mask &= ~0x01;
        }
        final String bad;
        final long seq = p.absolute() ? c.seq() : (c.seq() - localIsn) & 0xFFFF_FFFFL;
        final long ack = p.absolute() ? c.ack() : (c.ack() - REMOTE_ISN) & 0xFFFF_FFFFL;
        if ((c.flags() & mask) != (expectedFlags & mask))
        {
            bad = "flags";
        }
        else if (seq != (start & 0xFFFF_FFFFL))
        {
            bad = "sequence number";
        }
        else if (len > remaining || len < remaining && !partial)
        {
            bad = "payload length";
        }
        else if (p.ack() >= 0 && (expectedFlags & 0x10) != 0 && ack != (p.ack() & 0xFFFF_FFFFL))
        {
            bad = "ack number";
        }
        else if (p.window() >= 0 && mode != Mode.RELAXED && c.window() != p.window())
        {
            bad = "window";
        }
        else if (p.urgent() >= 0 && c.urgent() != p.urgent())
        {
            bad = "urgent pointer";
        }
        else
        {
            bad = optionsMismatch(p, c);
        }
        if (bad != null)
        {
            throw new Failure(line, "bad outbound packet (" + bad + "): expected " + describe(p) + " but got "
                + describe(c));
        }
        return len;
    }

    /** The live options as (name, values) in wire order. */
    private List<TcpOption> liveOptions(final Captured c)
    {
        final List<TcpOption> list = new ArrayList<>();
        final byte[] t = c.tcp();
        final int end = Math.min(t.length, c.headerLength());
        int i = 20;
        while (i < end)
        {
            final int kind = t[i] & 0xFF;
            if (kind == 0 || kind == 1)
            {
                list.add(new TcpOption(kind == 0 ? "eol" : "nop", new long[0]));
                i++;
                continue;
            }
            if (i + 1 >= end)
            {
                break;
            }
            final int len = t[i + 1] & 0xFF;
            if (len < 2 || i + len > end)
            {
                list.add(new TcpOption("malformed", new long[0]));
                break;
            }
            switch (kind)
            {
                case 2 -> list.add(new TcpOption("mss", new long[] {c.u16(i + 2)}));
                case 3 -> list.add(new TcpOption("wscale", new long[] {c.u8(i + 2)}));
                case 4 -> list.add(new TcpOption("sackOK", new long[0]));
                case 5 ->
                {
                    final long[] edges = new long[(len - 2) / 4];
                    for (int k = 0; k < edges.length; k++)
                    {
                        edges[k] = (c.u32(i + 2 + 4 * k) - REMOTE_ISN) & 0xFFFF_FFFFL;
                    }
                    list.add(new TcpOption("sack", edges));
                }
                case 8 -> list.add(new TcpOption("TS", new long[] {c.u32(i + 2), c.u32(i + 6)}));
                default -> list.add(new TcpOption("kind" + kind, new long[0]));
            }
            i += len;
        }
        return list;
    }

    private String optionsMismatch(final Packet p, final Captured c)
    {
        final List<TcpOption> live = liveOptions(c);
        final List<TcpOption> want = p.options();
        learnTimestamp(want, live);
        if (want == Script.ANY_OPTIONS)
        {
            return null;
        }
        if (p.has('S') && mode != Mode.EXACT)
        {
            return null;
        }
        if (want == null)
        {
            return mode == Mode.RELAXED || live.isEmpty() ? null : "options (none expected)";
        }
        if (mode == Mode.RELAXED)
        {
            final List<TcpOption> a = strip(want);
            final List<TcpOption> b = strip(live);
            if (sameOptions(a, b, false))
            {
                return null;
            }
            // a D-SACK block (RFC 2883) is optional: accept its absence
            if (!a.isEmpty() && a.getFirst().name().equals("sack") && isDsack(a.getFirst(), p.ack()))
            {
                final TcpOption rest = dropFirstBlock(a.getFirst());
                final List<TcpOption> without = new ArrayList<>(a);
                if (rest.values().length == 0)
                {
                    without.removeFirst();
                }
                else
                {
                    without.set(0, rest);
                }
                return sameOptions(without, b, false) ? null : "options";
            }
            return "options";
        }
        return sameOptions(want, live, mode == Mode.EXACT) ? null : "options";
    }

    private static boolean isDsack(final TcpOption sack, final long ack)
    {
        final long[] v = sack.values();
        if (v.length < 2)
        {
            return false;
        }
        if (ack >= 0 && v[1] <= ack)
        {
            return true;
        }
        return v.length >= 4 && v[0] >= v[2] && v[1] <= v[3];
    }

    private static TcpOption dropFirstBlock(final TcpOption sack)
    {
        final long[] v = sack.values();
        final long[] rest = new long[v.length - 2];
        System.arraycopy(v, 2, rest, 0, rest.length);
        return new TcpOption("sack", rest);
    }

    private static List<TcpOption> strip(final List<TcpOption> options)
    {
        final List<TcpOption> out = new ArrayList<>();
        for (final TcpOption o : options)
        {
            if (!o.name().equals("nop") && !o.name().equals("eol") && !o.name().equals("TS"))
            {
                out.add(o);
            }
        }
        return out;
    }

    private void learnTimestamp(final List<TcpOption> want, final List<TcpOption> live)
    {
        if (tsKnown || want == null || want == Script.ANY_OPTIONS)
        {
            return;
        }
        for (final TcpOption w : want)
        {
            if (w.name().equals("TS"))
            {
                for (final TcpOption l : live)
                {
                    if (l.name().equals("TS"))
                    {
                        tsOffset = l.values()[0] - w.values()[0];
                        tsKnown = true;
                    }
                }
            }
        }
    }

    private static boolean sameOptions(final List<TcpOption> want, final List<TcpOption> live,
        final boolean checkEcr)
    {
        if (want.size() != live.size())
        {
            return false;
        }
        for (int i = 0; i < want.size(); i++)
        {
            final TcpOption w = want.get(i);
            final TcpOption l = live.get(i);
            if (!w.name().equals(l.name()))
            {
                return false;
            }
            if (w.name().equals("TS"))
            {
                if (checkEcr && (w.values()[1] & 0xFFFF_FFFFL) != l.values()[1])
                {
                    return false;
                }
            }
            else if (!java.util.Arrays.equals(mask32(w.values()), l.values()))
            {
                return false;
            }
        }
        return true;
    }

    private static long[] mask32(final long[] v)
    {
        final long[] m = new long[v.length];
        for (int i = 0; i < v.length; i++)
        {
            m[i] = v[i] & 0xFFFF_FFFFL;
        }
        return m;
    }

    // ------------------------------------------------------------------------------------------------------------
    // System calls
    // ------------------------------------------------------------------------------------------------------------

    private void pollPending()
    {
        final Pending p = pending;
        if (p == null)
        {
            return;
        }
        final SysResult r = p.op().get();
        final long now = rel();
        // like packetdrill, a blocking call's outcome is reported at the next system call or at the end
        if (r != null)
        {
            pending = null;
            try
            {
                checkResult(p.event().line(), p.call(), r);
                if (Math.abs(now - p.endNs()) > p.tolNs())
                {
                    throw new Failure(p.event().line(), "blocking " + p.call().name() + " returned at " + sec(now)
                        + " s, expected at " + sec(p.endNs()) + " s");
                }
            }
            catch (final Failure f)
            {
                deferred = deferred == null ? f : deferred;
            }
        }
        else if (now > p.endNs() + p.tolNs())
        {
            pending = null;
            deferred = deferred == null ? new Failure(p.event().line(), "blocking " + p.call().name()
                + " still blocked at " + sec(now) + " s, expected to return at " + sec(p.endNs()) + " s") : deferred;
        }
    }

    private void syscall(final Event e, final Syscall s, final long startNs)
    {
        if (deferred != null)
        {
            throw deferred;
        }
        if (pending != null)
        {
            throw new Unsupported(e.line(), "a system call while another one blocks");
        }
        final Supplier<SysResult> op = operation(e.line(), s);
        final SysResult r = op.get();
        final Time t = e.time();
        final long end = Double.isNaN(t.blockingEnd()) ? startNs
            : (t.kind() == TimeKind.RELATIVE ? anchorNs : 0) + ns(t.blockingEnd());
        final long tol = tolerance(end - startNs);
        if (r != null)
        {
            checkResult(e.line(), s, r);
            if (!Double.isNaN(t.blockingEnd()) && Math.abs(rel() - end) > tol)
            {
                throw new Failure(e.line(), s.name() + " returned at once (" + sec(rel()) + " s), expected to block"
                    + " until " + sec(end) + " s");
            }
            return;
        }
        pending = new Pending(e, s, op, end, t.kind() == TimeKind.ANY ? MAX_WAIT_NS : tol);
    }

    private static boolean sameErrno(final String a, final String b)
    {
        return norm(a).equals(norm(b));
    }

    private static String norm(final String errno)
    {
        return errno.equals("EWOULDBLOCK") ? "EAGAIN" : errno;
    }

    private void checkResult(final int line, final Syscall s, final SysResult r)
    {
        final Expr want = s.result();
        if (want instanceof Ellipsis)
        {
            return;
        }
        final long expected = intValue(line, want);
        if (r.errno() != null)
        {
            if (expected >= 0)
            {
                throw new Failure(line, s.name() + ": expected non-negative result " + expected + " but got -1 with"
                    + " errno " + r.errno());
            }
            if (expected != -1)
            {
                throw new Failure(line, s.name() + ": expected result " + expected + " but got -1 with errno "
                    + r.errno());
            }
            if (s.errno() != null && !sameErrno(s.errno(), r.errno()))
            {
                throw new Failure(line, s.name() + ": expected errno " + s.errno() + " but got " + r.errno());
            }
            return;
        }
        if (r.value() != expected)
        {
            throw new Failure(line, s.name() + ": expected result " + expected + (s.errno() != null ? " "
                + s.errno() : "") + " but got " + r.value());
        }
    }

    private long symbol(final int line, final String name)
    {
        final Long v = Symbols.value(name, freebsd);
        if (v == null)
        {
            throw new Unsupported(line, "symbol " + name);
        }
        return v;
    }

    private long intValue(final int line, final Expr e)
    {
        return switch (e)
        {
            case Num(final long v) -> v;
            case Name(final String n) -> symbol(line, n);
            case Or(final List<Expr> terms) ->
            {
                long v = 0;
                for (final Expr t : terms)
                {
                    v |= intValue(line, t);
                }
                yield v;
            }
            case ListExpr(final List<Expr> items) when items.size() == 1 -> intValue(line, items.getFirst());
            case Call(final String f, final List<Expr> args) when f.equals("htons") && args.size() == 1 ->
                intValue(line, args.getFirst());
            default -> throw new Unsupported(line, "expression " + e);
        };
    }

    private Sock sock(final int line, final Expr fd)
    {
        final Sock s = fds.get((int)intValue(line, fd));
        if (s == null)
        {
            throw new Failure(line, "no socket " + fd + " in the script (EBADF)");
        }
        return s;
    }

    private static Expr arg(final Syscall s, final int i)
    {
        return i < s.args().size() ? s.args().get(i) : new Ellipsis();
    }

    private int portOf(final int line, final Expr address, final int fallback)
    {
        if (address instanceof Struct st)
        {
            final Expr port = st.get("sin_port");
            if (port != null)
            {
                return (int)intValue(line, port);
            }
        }
        return fallback;
    }

    private Supplier<SysResult> operation(final int line, final Syscall s)
    {
        return switch (s.name())
        {
            case "socket" -> () -> socket(line, s);
            case "bind" -> () ->
            {
                final Sock k = sock(line, arg(s, 0));
                k.port = portOf(line, arg(s, 1), LISTEN_PORT);
                localPort = k.port;
                return SysResult.ok(0);
            };
            case "listen" -> () -> listen(line, s);
            case "accept" -> () -> accept(line, s);
            case "connect" -> connect(line, s);
            case "read", "recv", "recvfrom" -> read(line, s);
            case "write", "send", "sendto" -> write(line, s);
            case "close" -> () -> close(line, s);
            case "shutdown" -> () -> shutdown(line, s);
            case "setsockopt" -> () -> setsockopt(line, s);
            case "getsockopt" -> () -> getsockopt(line, s);
            case "fcntl" -> () -> fcntl(line, s);
            default -> throw new Unsupported(line, "system call " + s.name());
        };
    }

    private SysResult socket(final int line, final Syscall s)
    {
        if (arg(s, 2) instanceof Name(final String protocol) && !protocol.equals("IPPROTO_TCP"))
        {
            return SysResult.error("EPROTONOSUPPORT");
        }
        if (!(s.result() instanceof Num(final long fd)) || fd < 0)
        {
            throw new Unsupported(line, "socket() without a file descriptor result");
        }
        final Sock k = new Sock();
        fds.put((int)fd, k);
        return SysResult.ok(fd);
    }

    private SysResult listen(final int line, final Syscall s)
    {
        final Sock k = sock(line, arg(s, 0));
        if (k.listener != null)
        {
            return SysResult.ok(0);
        }
        if (k.socket != null)
        {
            return SysResult.error("EINVAL");
        }
        final int backlog = (int)Math.max(1, Math.min(65_536, intValue(line, arg(s, 1))));
        final Tcp tcp = net.stack.tcp();
        try
        {
            k.listener = tcp.listen(k.port, backlog);
        }
        catch (final IllegalStateException ex)
        {
            return SysResult.error("EADDRINUSE");
        }
        listeners.add(k.listener);
        localPort = k.port;
        remotePort = REMOTE_PORT;
        listening = true;
        return SysResult.ok(0);
    }

    private SysResult accept(final int line, final Syscall s)
    {
        final Sock k = sock(line, arg(s, 0));
        if (k.listener == null)
        {
            return SysResult.error("EINVAL");
        }
        final TcpSocket accepted = k.listener.accept();
        if (accepted == null)
        {
            return k.nonblocking ? SysResult.error("EAGAIN") : null;
        }
        if (!(s.result() instanceof Num(final long fd)) || fd < 0)
        {
            throw new Failure(line, "accept returned a socket but the script expects " + s.result());
        }
        final Sock n = new Sock();
        n.socket = accepted;
        n.connected = true;
        n.nodelay = k.nodelay;
        if (k.nodelay)
        {
            accepted.nodelay(true);
        }
        sockets.add(accepted);
        fds.put((int)fd, n);
        return SysResult.ok(fd);
    }

    private String takeError(final Sock k)
    {
        if (k.errorTaken || k.socket == null)
        {
            return null;
        }
        final String errno = switch (k.socket.error())
        {
            case REFUSED -> "ECONNREFUSED";
            case RESET -> "ECONNRESET";
            case TIMED_OUT -> "ETIMEDOUT";
            default -> null;
        };
        if (errno != null)
        {
            k.errorTaken = true;
        }
        return errno;
    }

    private Supplier<SysResult> connect(final int line, final Syscall s)
    {
        final Sock k = sock(line, arg(s, 0));
        final int port = portOf(line, arg(s, 1), LISTEN_PORT);
        final boolean[] started = {false};
        return () ->
        {
            if (!started[0])
            {
                started[0] = true;
                if (k.listener != null)
                {
                    return SysResult.error("EISCONN");
                }
                if (k.socket != null)
                {
                    final TcpState st = k.socket.state();
                    if (st == TcpState.SYN_SENT)
                    {
                        return SysResult.error("EALREADY");
                    }
                    final String err = takeError(k);
                    if (err != null)
                    {
                        return SysResult.error(err);
                    }
                    return SysResult.error(k.socket.isEstablished() ? "EISCONN" : "EINVAL");
                }
                k.socket = net.stack.tcp().open();
                k.socket.nodelay(k.nodelay);
                sockets.add(k.socket);
                remotePort = port;
                localPortKnown = false;
                try
                {
                    k.socket.connect(VirtualNet.REMOTE, port);
                }
                catch (final IllegalArgumentException | IllegalStateException ex)
                {
                    return SysResult.error("EADDRNOTAVAIL");
                }
                k.connected = true;
                net.work();
                if (k.nonblocking)
                {
                    return SysResult.error("EINPROGRESS");
                }
            }
            if (k.socket.isEstablished() || k.socket.state().synchronizedState() && k.socket.error()
                == TcpError.NONE)
            {
                return SysResult.ok(0);
            }
            final String err = takeError(k);
            if (err != null)
            {
                return SysResult.error(err);
            }
            return k.socket.state() == TcpState.CLOSED ? SysResult.error("ECONNABORTED") : null;
        };
    }

    private static boolean hasFlag(final Expr flags, final String name)
    {
        return flagsOf(flags).contains(name);
    }

    private Supplier<SysResult> read(final int line, final Syscall s)
    {
        final Sock k = sock(line, arg(s, 0));
        final int length = (int)Math.min(buffer.length, intValue(line, arg(s, 2)));
        final Expr flags = s.name().equals("read") ? new Num(0) : arg(s, 3);
        final boolean peek = hasFlag(flags, "MSG_PEEK");
        final boolean dontwait = hasFlag(flags, "MSG_DONTWAIT");
        for (final String f : flagsOf(flags))
        {
            if (!f.equals("MSG_PEEK") && !f.equals("MSG_DONTWAIT"))
            {
                throw new Unsupported(line, "recv flag " + f);
            }
        }
        return () ->
        {
            if (k.listener != null || k.socket == null)
            {
                return SysResult.error("ENOTCONN");
            }
            final TcpSocket t = k.socket;
            final int available = t.readable();
            if (available > 0)
            {
                final int n = Math.min(length, available);
                if (!peek)
                {
                    t.read(buffer, 0, n);
                }
                net.work();
                return SysResult.ok(n);
            }
            if (k.readShut || t.isEndOfStream())
            {
                return SysResult.ok(0);
            }
            final String err = takeError(k);
            if (err != null)
            {
                return SysResult.error(err);
            }
            if (t.state() == TcpState.CLOSED)
            {
                return k.connected && t.error() != TcpError.NONE ? SysResult.ok(0) : SysResult.error("ENOTCONN");
            }
            return k.nonblocking || dontwait ? SysResult.error("EAGAIN") : null;
        };
    }

    private Supplier<SysResult> write(final int line, final Syscall s)
    {
        final Sock k = sock(line, arg(s, 0));
        final boolean nullBuffer = arg(s, 1) instanceof Name(final String n) && n.equals("NULL");
        final long length = intValue(line, arg(s, 2));
        if (s.args().size() >= 4)
        {
            for (final String f : flagsOf(arg(s, 3)))
            {
                if (!f.equals("MSG_DONTWAIT") && !f.equals("MSG_NOSIGNAL"))
                {
                    throw new Unsupported(line, "send flag " + f);
                }
            }
        }
        final boolean dontwait = s.args().size() >= 4 && hasFlag(arg(s, 3), "MSG_DONTWAIT");
        final long[] written = {0};
        return () ->
        {
            if (nullBuffer && length > 0)
            {
                return SysResult.error("EFAULT");
            }
            if (k.listener != null || k.socket == null)
            {
                return SysResult.error("ENOTCONN");
            }
            final TcpSocket t = k.socket;
            final String err = takeError(k);
            if (err != null)
            {
                return written[0] > 0 ? SysResult.ok(written[0]) : SysResult.error(err);
            }
            final TcpState st = t.state();
            if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECEIVED)
            {
                return k.nonblocking || dontwait ? SysResult.error("EAGAIN") : null;
            }
            if (st != TcpState.ESTABLISHED && st != TcpState.CLOSE_WAIT)
            {
                return written[0] > 0 ? SysResult.ok(written[0]) : SysResult.error("EPIPE");
            }
            try
            {
                while (written[0] < length)
                {
                    final int chunk = (int)Math.min(buffer.length, length - written[0]);
                    final int n = t.write(new byte[chunk], 0, chunk);
                    if (n <= 0)
                    {
                        break;
                    }
                    written[0] += n;
                }
            }
            catch (final IllegalStateException ex)
            {
                return written[0] > 0 ? SysResult.ok(written[0]) : SysResult.error("EPIPE");
            }
            net.work();
            if (written[0] == length || k.nonblocking || dontwait)
            {
                return written[0] == 0 && length > 0 ? SysResult.error("EAGAIN") : SysResult.ok(written[0]);
            }
            return null;
        };
    }

    private SysResult close(final int line, final Syscall s)
    {
        final int fd = (int)intValue(line, arg(s, 0));
        final Sock k = fds.remove(fd);
        if (k == null)
        {
            return SysResult.error("EBADF");
        }
        if (k.listener != null)
        {
            k.listener.close();
        }
        if (k.socket != null)
        {
            if (k.linger0)
            {
                k.socket.abort();
            }
            else
            {
                k.socket.close();
            }
        }
        net.work();
        return SysResult.ok(0);
    }

    private SysResult shutdown(final int line, final Syscall s)
    {
        final Sock k = sock(line, arg(s, 0));
        final Expr how = arg(s, 1);
        final String name = how instanceof Name(final String n) ? n : "";
        if (k.socket == null || k.socket.state() == TcpState.CLOSED && !k.connected)
        {
            return SysResult.error("ENOTCONN");
        }
        if (k.socket.state() == TcpState.CLOSED)
        {
            return SysResult.error("ENOTCONN");
        }
        switch (name)
        {
            case "SHUT_RD" -> k.readShut = true;
            case "SHUT_WR" -> k.socket.shutdownOutput();
            case "SHUT_RDWR" ->
            {
                k.readShut = true;
                k.socket.shutdownOutput();
            }
            default -> throw new Unsupported(line, "shutdown how=" + how);
        }
        net.work();
        return SysResult.ok(0);
    }

    private static String optName(final Syscall s)
    {
        return arg(s, 2) instanceof Name(final String n) ? n : "?";
    }

    private SysResult setsockopt(final int line, final Syscall s)
    {
        final Sock k = sock(line, arg(s, 0));
        final String opt = optName(s);
        final Expr value = arg(s, 3);
        switch (opt)
        {
            case "SO_REUSEADDR", "SO_REUSEPORT" -> k.reuseaddr = intValue(line, value) != 0;
            case "TCP_NODELAY" ->
            {
                k.nodelay = intValue(line, value) != 0;
                if (k.socket != null)
                {
                    k.socket.nodelay(k.nodelay);
                    net.work();
                }
            }
            case "SO_LINGER" ->
            {
                if (!(value instanceof Struct st) || st.get("onoff") == null || st.get("linger") == null)
                {
                    throw new Unsupported(line, "SO_LINGER value " + value);
                }
                final long on = intValue(line, st.get("onoff"));
                final long secs = intValue(line, st.get("linger"));
                if (on != 0 && secs != 0)
                {
                    throw new Unsupported(line, "SO_LINGER with a timeout");
                }
                k.linger0 = on != 0;
            }
            default -> throw new Unsupported(line, "setsockopt " + opt);
        }
        return SysResult.ok(0);
    }

    private SysResult getsockopt(final int line, final Syscall s)
    {
        final Sock k = sock(line, arg(s, 0));
        final String opt = optName(s);
        final Expr want = arg(s, 3);
        final Object actual;
        boolean check = true;
        switch (opt)
        {
            case "SO_ERROR" ->
            {
                final String err = takeError(k);
                actual = err == null ? "0" : err;
            }
            case "SO_RCVBUF" ->
            {
                actual = String.valueOf(config.receiveBufferBytes());
                check = mode == Mode.EXACT;
            }
            case "SO_SNDBUF" ->
            {
                actual = String.valueOf(config.sendBufferBytes());
                check = mode == Mode.EXACT;
            }
            case "TCP_MAXSEG" -> actual = String.valueOf(k.socket == null ? 536 : k.socket.mss());
            case "TCP_NODELAY" -> actual = k.nodelay ? "1" : "0";
            case "SO_REUSEADDR", "SO_REUSEPORT" -> actual = k.reuseaddr ? "1" : "0";
            default -> throw new Unsupported(line, "getsockopt " + opt);
        }
        if (check && !(want instanceof Ellipsis))
        {
            final Expr w = want instanceof ListExpr(final List<Expr> items) && items.size() == 1 ? items.getFirst()
                : want;
            final String expected = switch (w)
            {
                case Num(final long v) -> String.valueOf(v);
                case Name(final String n) -> n;
                default -> throw new Unsupported(line, "getsockopt value " + want);
            };
            if (!expected.equals(actual))
            {
                throw new Failure(line, "getsockopt " + opt + ": expected " + expected + " but got " + actual);
            }
        }
        return SysResult.ok(0);
    }

    private SysResult fcntl(final int line, final Syscall s)
    {
        final Sock k = sock(line, arg(s, 0));
        final String cmd = arg(s, 1) instanceof Name(final String n) ? n : "?";
        final long nonblock = symbol(line, "O_NONBLOCK");
        return switch (cmd)
        {
            case "F_GETFL" -> SysResult.ok(symbol(line, "O_RDWR") | (k.nonblocking ? nonblock : 0));
            case "F_SETFL" ->
            {
                k.nonblocking = (intValue(line, arg(s, 2)) & nonblock) != 0;
                yield SysResult.ok(0);
            }
            default -> throw new Unsupported(line, "fcntl " + cmd);
        };
    }

    // ------------------------------------------------------------------------------------------------------------
    // Shell
    // ------------------------------------------------------------------------------------------------------------

    private void shell(final int line, final String command)
    {
        for (final String raw : command.split("[\\n;]"))
        {
            final String c = raw.trim();
            if (c.isEmpty())
            {
                continue;
            }
            final String[] w = c.split("\\s+");
            final String cmd = w[0];
            if (cmd.endsWith("defaults.sh") || cmd.equals("ethtool") || cmd.startsWith("/tmp/sysctl_restore")
                || c.startsWith("ip tcp_metrics flush") || c.startsWith("kldstat") || c.equals("true"))
            {
                continue;
            }
            if (cmd.equals("sysctl"))
            {
                for (int i = 1; i < w.length; i++)
                {
                    if (!w[i].startsWith("-") && w[i].contains("="))
                    {
                        final String[] kv = w[i].split("=", 2);
                        sysctl(line, kv[0], kv[1]);
                    }
                }
                continue;
            }
            if (cmd.endsWith("set_sysctls.py"))
            {
                for (int i = 1; i < w.length; i++)
                {
                    final String[] kv = w[i].split("=", 2);
                    if (kv.length == 2 && kv[0].startsWith("/proc/sys/"))
                    {
                        sysctl(line, kv[0].substring("/proc/sys/".length()).replace('/', '.'), kv[1]);
                    }
                }
                continue;
            }
            if (cmd.equals("sockstat"))
            {
                ensureStack();
                sockstat(line, c);
                continue;
            }
            if (cmd.equals("tcpdrop") && c.contains("TIME_WAIT"))
            {
                ensureStack();
                for (final TcpSocket t : sockets)
                {
                    if (t.state() == TcpState.TIME_WAIT)
                    {
                        t.abort();
                    }
                }
                continue;
            }
            throw new Unsupported(line, "shell command: " + c);
        }
    }

    private void sysctl(final int line, final String name, final String value)
    {
        final long v = parseLong(value, Long.MIN_VALUE);
        TcpConfig next = config;
        switch (name)
        {
            case "net.ipv4.tcp_timestamps" -> next = next.withOptions(next.windowScaling(), next.sack(), v != 0);
            case "net.ipv4.tcp_sack", "net.inet.tcp.sack.enable" ->
                next = next.withOptions(next.windowScaling(), v != 0, next.timestamps());
            case "net.ipv4.tcp_window_scaling" -> next = next.withOptions(v != 0, next.sack(), next.timestamps());
            case "net.ipv4.tcp_syn_retries" -> next = next.withRetries(next.retries(), (int)Math.max(1, v));
            case "net.inet.tcp.rfc1323" -> next = next.withOptions(v == 1 || v == 2, next.sack(), v == 1 || v == 3);
            case "net.inet.tcp.recvspace" -> next = next.withBuffers(next.sendBufferBytes(), (int)v);
            case "net.inet.tcp.sendspace" -> next = next.withBuffers((int)v, next.receiveBufferBytes());
            case "net.inet.tcp.delacktime" -> next = next.withDelayedAckNs(v * 1_000_000L);
            case "net.inet.tcp.hostcache.purgenow", "kern.ipc.maxsockbuf" ->
            {
            }
            default ->
            {
                final String ok = switch (name)
                {
                    case "net.inet.tcp.blackhole", "net.inet.tcp.insecure_rst", "net.inet.tcp.insecure_syn",
                        "net.inet.tcp.drop_synfin", "net.inet.tcp.syncookies_only",
                        "net.inet.tcp.rexmit_drop_options" -> "0";
                    case "net.inet.tcp.syncookies", "net.inet.tcp.icmp_may_rst" -> "1";
                    case "net.inet.tcp.rexmit_initial" -> "1000";
                    case "net.inet.tcp.rexmit_slop" -> "200";
                    default -> null;
                };
                if (name.equals("net.inet.tcp.ecn.enable") && (v == 0 || v == 2))
                {
                    return;
                }
                if (ok == null || !ok.equals(value))
                {
                    throw new Unsupported(line, "sysctl " + name + "=" + value);
                }
                return;
            }
        }
        if (next.equals(config))
        {
            return;
        }
        if (net != null)
        {
            throw new Unsupported(line, "sysctl " + name + "=" + value + " after the stack started");
        }
        config = next;
    }

    private void sockstat(final int line, final String command)
    {
        final String[] stages = command.split("\\|");
        String state = null;
        long want = -1;
        int port = -1;
        final String[] first = stages[0].trim().split("\\s+");
        for (int i = 0; i + 1 < first.length; i++)
        {
            if (first[i].equals("-p"))
            {
                port = (int)parseLong(first[i + 1], -1);
            }
        }
        for (int i = 1; i < stages.length; i++)
        {
            final String[] w = stages[i].trim().split("\\s+");
            if (w.length == 3 && w[0].equals("grep") && w[1].equals("-c"))
            {
                state = w[2];
            }
            else if (w.length == 2 && w[0].equals("grep") && state != null)
            {
                want = parseLong(w[1], -1);
            }
        }
        if (state == null || want < 0)
        {
            throw new Unsupported(line, "shell command: " + command);
        }
        final long count = countState(line, state, port);
        if (count != want)
        {
            throw new Failure(line, "sockstat: " + count + " connection(s) in " + state + ", expected " + want);
        }
    }

    private long countState(final int line, final String state, final int port)
    {
        if (state.equals("SYN_RCVD"))
        {
            long live = 0;
            for (final TcpSocket t : sockets)
            {
                if (t.state() != TcpState.CLOSED)
                {
                    live++;
                }
            }
            long queued = 0;
            for (final TcpListener l : listeners)
            {
                queued += l.isClosed() ? 0 : l.pending();
            }
            return net.stack.tcp().connectionCount() - live - queued;
        }
        if (state.equals("CLOSED"))
        {
            long n = 0;
            for (final Sock k : fds.values())
            {
                if (k.listener == null && (k.socket == null || k.socket.state() == TcpState.CLOSED))
                {
                    n++;
                }
            }
            return n;
        }
        final TcpState wanted;
        try
        {
            wanted = TcpState.valueOf(state);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Unsupported(line, "sockstat state " + state);
        }
        long n = 0;
        for (final TcpSocket t : sockets)
        {
            if (t.state() == wanted && (port < 0 || t.localPort() == port || t.remotePort() == port))
            {
                n++;
            }
        }
        return n;
    }
}
