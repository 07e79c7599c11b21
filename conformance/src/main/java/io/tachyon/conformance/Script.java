package io.tachyon.conformance;

import java.util.List;
import java.util.Map;

/**
 * A parsed packetdrill script: its {@code --option} lines and its events in order.
 *
 * @param options the options (name to value; a flag without a value maps to "").
 * @param events  the events.
 */
record Script(Map<String, String> options, List<Event> events)
{
    /** When an event happens. */
    enum TimeKind
    {
        /** No time given (an init or cleanup shell command). */
        NONE,
        /** {@code *}: any time. */
        ANY,
        /** Absolute script time. */
        ABSOLUTE,
        /** Relative to the previous event. */
        RELATIVE
    }

    /**
     * An event's time.
     *
     * @param kind        the kind.
     * @param start       seconds.
     * @param rangeEnd    the end of a {@code ~} range in seconds (NaN when none).
     * @param rangeRelative whether the range end has a '+'.
     * @param blockingEnd the return time of a blocking call {@code a...b} in seconds (NaN when none).
     */
    record Time(TimeKind kind, double start, double rangeEnd, boolean rangeRelative, double blockingEnd)
    {
        static final Time NONE = new Time(TimeKind.NONE, 0, Double.NaN, false, Double.NaN);
    }

    /** An event. */
    sealed interface Action permits Packet, Icmp, Syscall, Shell, Python, Other
    {
    }

    /**
     * One event.
     *
     * @param line   the script line.
     * @param time   when.
     * @param action what.
     */
    record Event(int line, Time time, Action action)
    {
    }

    /**
     * A TCP option of a packet line.
     *
     * @param name   nop, eol, mss, wscale, sackOK, sack, TS, or another name (unsupported).
     * @param values mss/wscale: one value; sack: edge pairs; TS: val, ecr.
     */
    record TcpOption(String name, long[] values)
    {
        @Override
        public String toString()
        {
            final StringBuilder b = new StringBuilder(name);
            if (name.equals("sack"))
            {
                for (int i = 0; i + 1 < values.length; i += 2)
                {
                    b.append(' ').append(values[i]).append(':').append(values[i + 1]);
                }
            }
            else if (name.equals("TS"))
            {
                b.append(" val ").append(values[0]).append(" ecr ").append(values[1]);
            }
            else
            {
                for (final long v : values)
                {
                    b.append(' ').append(v);
                }
            }
            return b.toString();
        }
    }

    /**
     * A TCP packet line.
     *
     * @param inbound    {@code <} (injected) or {@code >} (expected).
     * @param flags      the flag letters, '.' for ACK.
     * @param start      relative start sequence number.
     * @param length     payload length.
     * @param absolute   NPLab {@code !}: no ISN mapping.
     * @param ack        the ack number (-1 when none).
     * @param window     the window (-1 when none).
     * @param urgent     the urgent pointer (-1 when none).
     * @param options    the options; null when omitted; {@link #ANY_OPTIONS} for {@code <...>}.
     * @param unsupported why this line cannot be run (null when it can).
     */
    record Packet(boolean inbound, String flags, long start, int length, boolean absolute, long ack, int window,
        int urgent, List<TcpOption> options, String unsupported) implements Action
    {
        boolean has(final char flag)
        {
            return flags.indexOf(flag) >= 0;
        }
    }

    /**
     * An ICMP packet line quoting a TCP segment: {@code < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]}.
     *
     * @param inbound whether injected.
     * @param type    the type name (unreachable, time_exceeded, ...).
     * @param code    the code name ("" when none).
     * @param mtu     the next-hop MTU (0 when none).
     * @param start   the quoted segment's relative sequence number.
     */
    record Icmp(boolean inbound, String type, String code, int mtu, long start) implements Action
    {
    }

    /** The {@code <...>} option list. */
    static final List<TcpOption> ANY_OPTIONS = List.of(new TcpOption("...", new long[0]));

    /**
     * A system call line.
     *
     * @param name   the call.
     * @param args   the arguments.
     * @param result the expected result.
     * @param errno  the expected errno name (null when none).
     */
    record Syscall(String name, List<Expr> args, Expr result, String errno) implements Action
    {
    }

    /**
     * A shell command.
     *
     * @param command the text between the backticks.
     */
    record Shell(String command) implements Action
    {
    }

    /**
     * A {@code %{ }%} block.
     *
     * @param code the Python code.
     */
    record Python(String code) implements Action
    {
    }

    /**
     * A line the interpreter does not run (e.g. a UDP or ICMP packet).
     *
     * @param what why.
     */
    record Other(String what) implements Action
    {
    }

    /** An argument or result expression. */
    sealed interface Expr permits Num, Name, Str, Ellipsis, Or, ListExpr, Struct, Call
    {
    }

    /**
     * A number.
     *
     * @param value the value.
     */
    record Num(long value) implements Expr
    {
    }

    /**
     * A symbol.
     *
     * @param name the name.
     */
    record Name(String name) implements Expr
    {
    }

    /**
     * A string.
     *
     * @param text the text.
     */
    record Str(String text) implements Expr
    {
    }

    /** {@code ...}. */
    record Ellipsis() implements Expr
    {
    }

    /**
     * {@code A|B}.
     *
     * @param terms the terms.
     */
    record Or(List<Expr> terms) implements Expr
    {
    }

    /**
     * {@code [a, b]}.
     *
     * @param items the items.
     */
    record ListExpr(List<Expr> items) implements Expr
    {
    }

    /**
     * A struct field.
     *
     * @param key   the name (an expression, e.g. {@code msg_iov(1)}).
     * @param value the value (null for a positional item).
     */
    record Field(Expr key, Expr value)
    {
    }

    /**
     * {@code {a=1, b=2}}.
     *
     * @param fields the fields.
     */
    record Struct(List<Field> fields) implements Expr
    {
        Expr get(final String name)
        {
            for (final Field f : fields)
            {
                if (f.key() instanceof Name(final String n) && n.equals(name))
                {
                    return f.value();
                }
            }
            return null;
        }
    }

    /**
     * {@code f(args)}.
     *
     * @param name the function.
     * @param args the arguments.
     */
    record Call(String name, List<Expr> args) implements Expr
    {
    }
}
