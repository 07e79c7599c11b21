package io.tachyon.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tachyon.conformance.Lexer.Kind;
import io.tachyon.conformance.Lexer.Token;
import io.tachyon.conformance.Script.Action;
import io.tachyon.conformance.Script.Call;
import io.tachyon.conformance.Script.Ellipsis;
import io.tachyon.conformance.Script.Event;
import io.tachyon.conformance.Script.Expr;
import io.tachyon.conformance.Script.Field;
import io.tachyon.conformance.Script.ListExpr;
import io.tachyon.conformance.Script.Name;
import io.tachyon.conformance.Script.Num;
import io.tachyon.conformance.Script.Or;
import io.tachyon.conformance.Script.Other;
import io.tachyon.conformance.Script.Packet;
import io.tachyon.conformance.Script.Shell;
import io.tachyon.conformance.Script.Str;
import io.tachyon.conformance.Script.Struct;
import io.tachyon.conformance.Script.Syscall;
import io.tachyon.conformance.Script.TcpOption;
import io.tachyon.conformance.Script.Time;
import io.tachyon.conformance.Script.TimeKind;

/**
 * Recursive-descent parser of packetdrill scripts: Google's grammar (events {@code TIME ACTION}, packets, system
 * calls, shell and Python blocks) plus the NPLab extensions met in the FreeBSD suite ({@code !} absolute sequence
 * numbers, {@code /udp(...)} encapsulation, which is parsed and reported as unsupported).
 */
final class ScriptParser
{
    /** A syntax error with its line. */
    static final class ParseException extends Exception
    {
        private static final long serialVersionUID = 1L;

        /** The script line. */
        final int line;

        ParseException(final int line, final String message)
        {
            super("line " + line + ": " + message);
            this.line = line;
        }
    }

    private final List<Token> tokens;
    private int pos;

    private ScriptParser(final List<Token> tokens)
    {
        this.tokens = tokens;
    }

    /**
     * Parses a whole script.
     *
     * @param source the text.
     * @return the script.
     * @throws ParseException on a syntax error.
     */
    static Script parse(final String source) throws ParseException
    {
        final Lexer lexer = new Lexer(source).run();
        final Map<String, String> options = options(lexer);
        final ScriptParser p = new ScriptParser(lexer.tokens());
        final List<Event> events = new ArrayList<>();
        while (p.peek().kind() != Kind.END)
        {
            events.add(p.event());
        }
        return new Script(options, events);
    }

    /**
     * Only the {@code --option} lines of a script (they can make a script unsupported even when its body does not
     * parse).
     *
     * @param source the text.
     * @return the options.
     */
    static Map<String, String> options(final String source)
    {
        return options(new Lexer(source).run());
    }

    private static Map<String, String> options(final Lexer lexer)
    {
        final Map<String, String> options = new LinkedHashMap<>();
        for (final Lexer.Option o : lexer.options())
        {
            options.put(o.name(), o.value());
        }
        return options;
    }

    private Token peek()
    {
        return tokens.get(pos);
    }

    private Token peek(final int ahead)
    {
        return tokens.get(Math.min(tokens.size() - 1, pos + ahead));
    }

    private Token next()
    {
        final Token t = tokens.get(pos);
        if (t.kind() != Kind.END)
        {
            pos++;
        }
        return t;
    }

    private Token expect(final char c) throws ParseException
    {
        final Token t = next();
        if (!t.is(c))
        {
            throw new ParseException(t.line(), "expected '" + c + "' but found '" + t.text() + "'");
        }
        return t;
    }

    private Token expectNumber() throws ParseException
    {
        final Token t = next();
        if (t.kind() != Kind.NUMBER)
        {
            throw new ParseException(t.line(), "expected a number but found '" + t.text() + "'");
        }
        return t;
    }

    private Event event() throws ParseException
    {
        final Token first = peek();
        final Time time;
        if (first.kind() == Kind.SHELL)
        {
            time = Time.NONE;
        }
        else
        {
            time = time();
        }
        final int line = peek().line();
        return new Event(line, time, action());
    }

    private Time time() throws ParseException
    {
        final Token t = peek();
        if (t.is('*'))
        {
            next();
            return new Time(TimeKind.ANY, 0, Double.NaN, false, Double.NaN);
        }
        boolean relative = false;
        if (t.is('+'))
        {
            next();
            relative = true;
        }
        final double start = expectNumber().decimal();
        double rangeEnd = Double.NaN;
        boolean rangeRelative = false;
        double blockingEnd = Double.NaN;
        if (peek().is('~'))
        {
            next();
            if (peek().is('+'))
            {
                next();
                rangeRelative = true;
            }
            rangeEnd = expectNumber().decimal();
        }
        else if (peek().kind() == Kind.ELLIPSIS)
        {
            next();
            blockingEnd = expectNumber().decimal();
        }
        return new Time(relative ? TimeKind.RELATIVE : TimeKind.ABSOLUTE, start, rangeEnd, rangeRelative,
            blockingEnd);
    }

    private Action action() throws ParseException
    {
        final Token t = peek();
        if (t.kind() == Kind.SHELL)
        {
            next();
            return new Shell(t.text());
        }
        if (t.kind() == Kind.PYTHON)
        {
            next();
            return new Script.Python(t.text());
        }
        if (t.is('<') || t.is('>'))
        {
            return packet();
        }
        if (t.kind() == Kind.IDENT && peek(1).is('('))
        {
            return syscall();
        }
        throw new ParseException(t.line(), "expected a packet, system call or command but found '" + t.text() + "'");
    }

    private void skipLine(final int line)
    {
        while (peek().kind() != Kind.END && peek().line() == line)
        {
            next();
        }
    }

    private Action packet() throws ParseException
    {
        final Token dir = next();
        final int line = dir.line();
        final boolean inbound = dir.is('<');
        String unsupported = null;
        // IP-level prefixes
        if (peek().is('(') && peek(1).kind() == Kind.IDENT)
        {
            final String what = peek(1).text();
            while (!peek().is(')') && peek().line() == line && peek().kind() != Kind.END)
            {
                next();
            }
            expect(')');
            if (!what.equals("tos") && !what.equals("ttl") && !what.equals("id"))
            {
                unsupported = "IP prefix (" + what + ")";
            }
        }
        if (peek().is('[') && peek(1).kind() == Kind.IDENT)
        {
            unsupported = "ECN codepoint [" + peek(1).text() + "]";
            next();
            next();
            expect(']');
        }
        final Token kind = peek();
        if (kind.isIdent("icmp") && unsupported == null)
        {
            next();
            final String type = peek().kind() == Kind.IDENT ? next().text() : "";
            final String code = peek().kind() == Kind.IDENT && !peek().isIdent("mtu") ? next().text() : "";
            int mtu = 0;
            if (peek().isIdent("mtu"))
            {
                next();
                mtu = (int)expectNumber().value();
            }
            long start = 0;
            if (peek().is('[') && peek(1).kind() == Kind.NUMBER && peek().line() == line)
            {
                next();
                start = expectNumber().value();
                skipLine(line);
            }
            else
            {
                skipLine(line);
                return new Other("icmp packet without a quoted TCP segment");
            }
            return new Script.Icmp(inbound, type, code, mtu, start);
        }
        if (kind.kind() == Kind.IDENT && isNonTcp(kind.text()))
        {
            skipLine(line);
            return new Other(kind.text() + " packet");
        }
        if (kind.kind() == Kind.NUMBER && peek(1).is('>'))
        {
            next();
            next();
            expectNumber();
        }
        final String flags = flags(line);
        final Token s = expectNumber();
        expect(':');
        expectNumber(); // END: the length below wins (FreeBSD scripts write e.g. 1:100(99))
        expect('(');
        final Token len = expectNumber();
        expect(')');
        boolean absolute = false;
        if (peek().is('!') && peek().line() == line)
        {
            next();
            absolute = true;
        }
        long ack = -1;
        int window = -1;
        int urgent = -1;
        List<TcpOption> options = null;
        while (peek().line() == line && peek().kind() != Kind.END)
        {
            final Token f = peek();
            if (f.isIdent("ack"))
            {
                next();
                ack = expectNumber().value();
            }
            else if (f.isIdent("win"))
            {
                next();
                window = (int)expectNumber().value();
            }
            else if (f.isIdent("urg"))
            {
                next();
                urgent = (int)expectNumber().value();
            }
            else if (f.is('<'))
            {
                next();
                options = options(line);
                for (final TcpOption o : options)
                {
                    if (!isSupportedOption(o.name()) && unsupported == null)
                    {
                        unsupported = "TCP option " + o.name();
                    }
                }
            }
            else if (f.is('/'))
            {
                skipLine(line);
                unsupported = "TCP over UDP encapsulation";
            }
            else
            {
                throw new ParseException(line, "unexpected '" + f.text() + "' in a packet");
            }
        }
        for (int i = 0; i < flags.length(); i++)
        {
            final char c = flags.charAt(i);
            if ("SFRP.U-".indexOf(c) < 0 && unsupported == null)
            {
                unsupported = "TCP flag " + c + " (ECN)";
            }
        }
        return new Packet(inbound, flags, s.value(), (int)len.value(), absolute, ack, window, urgent, options,
            unsupported);
    }

    private static boolean isNonTcp(final String word)
    {
        return switch (word)
        {
            case "udp", "udplite", "icmp", "ipv4", "ipv6", "encap", "gre", "mpls", "sctp" -> true;
            default -> false;
        };
    }

    private static boolean isSupportedOption(final String name)
    {
        return switch (name)
        {
            case "nop", "eol", "mss", "wscale", "sackOK", "sack", "TS", "..." -> true;
            default -> false;
        };
    }

    private String flags(final int line) throws ParseException
    {
        final StringBuilder b = new StringBuilder();
        final Token t = peek();
        if (t.is('.') || t.is('-'))
        {
            next();
            return t.text();
        }
        if (t.kind() != Kind.IDENT)
        {
            throw new ParseException(line, "expected TCP flags but found '" + t.text() + "'");
        }
        next();
        b.append(t.text());
        if (peek().is('.') && peek().line() == line)
        {
            next();
            b.append('.');
        }
        return b.toString();
    }

    private List<TcpOption> options(final int line) throws ParseException
    {
        if (peek().kind() == Kind.ELLIPSIS)
        {
            next();
            expect('>');
            return Script.ANY_OPTIONS;
        }
        final List<TcpOption> list = new ArrayList<>();
        while (true)
        {
            final Token name = next();
            if (name.is('>'))
            {
                break;
            }
            if (name.kind() != Kind.IDENT)
            {
                throw new ParseException(line, "expected a TCP option but found '" + name.text() + "'");
            }
            final List<Long> values = new ArrayList<>();
            switch (name.text())
            {
                case "mss", "wscale" -> values.add(expectNumber().value());
                case "sack" ->
                {
                    while (peek().kind() == Kind.NUMBER)
                    {
                        values.add(next().value());
                        expect(':');
                        values.add(expectNumber().value());
                    }
                }
                case "TS" ->
                {
                    if (!next().isIdent("val"))
                    {
                        throw new ParseException(line, "expected 'val' after TS");
                    }
                    values.add(expectNumber().value());
                    if (!next().isIdent("ecr"))
                    {
                        throw new ParseException(line, "expected 'ecr' after TS val");
                    }
                    values.add(expectNumber().value());
                }
                default ->
                {
                    while (!peek().is(',') && !peek().is('>') && peek().kind() != Kind.END && peek().line() == line)
                    {
                        next();
                    }
                }
            }
            final long[] v = new long[values.size()];
            for (int i = 0; i < v.length; i++)
            {
                v[i] = values.get(i);
            }
            list.add(new TcpOption(name.text(), v));
            final Token sep = next();
            if (sep.is('>'))
            {
                break;
            }
            if (!sep.is(','))
            {
                throw new ParseException(line, "expected ',' or '>' in options but found '" + sep.text() + "'");
            }
        }
        return list;
    }

    private Action syscall() throws ParseException
    {
        final Token name = next();
        expect('(');
        final List<Expr> args = exprList(')');
        expect('=');
        final int resultLine = peek().line();
        final Expr result = expr();
        String errno = null;
        if (peek().kind() == Kind.IDENT && peek().line() == resultLine)
        {
            errno = next().text();
        }
        if (peek().is('(') && peek().line() == resultLine)
        {
            int depth = 0;
            do
            {
                final Token t = next();
                if (t.is('('))
                {
                    depth++;
                }
                else if (t.is(')'))
                {
                    depth--;
                }
                else if (t.kind() == Kind.END)
                {
                    break;
                }
            }
            while (depth > 0);
        }
        return new Syscall(name.text(), args, result, errno);
    }

    private List<Expr> exprList(final char close) throws ParseException
    {
        final List<Expr> list = new ArrayList<>();
        if (peek().is(close))
        {
            next();
            return list;
        }
        while (true)
        {
            list.add(expr());
            final Token t = next();
            if (t.is(close))
            {
                return list;
            }
            if (!t.is(','))
            {
                throw new ParseException(t.line(), "expected ',' or '" + close + "' but found '" + t.text() + "'");
            }
        }
    }

    private Expr expr() throws ParseException
    {
        final Expr first = primary();
        if (!peek().is('|'))
        {
            return first;
        }
        final List<Expr> terms = new ArrayList<>();
        terms.add(first);
        while (peek().is('|'))
        {
            next();
            terms.add(primary());
        }
        return new Or(terms);
    }

    private Expr primary() throws ParseException
    {
        final Token t = next();
        switch (t.kind())
        {
            case NUMBER:
                return new Num(t.value());
            case STRING:
                return new Str(t.text());
            case ELLIPSIS:
                return new Ellipsis();
            case IDENT:
                if (peek().is('('))
                {
                    next();
                    return new Call(t.text(), exprList(')'));
                }
                return new Name(t.text());
            default:
                break;
        }
        if (t.is('-') && peek().kind() == Kind.NUMBER)
        {
            return new Num(-next().value());
        }
        if (t.is('['))
        {
            return new ListExpr(exprList(']'));
        }
        if (t.is('{'))
        {
            final List<Field> fields = new ArrayList<>();
            if (peek().is('}'))
            {
                next();
                return new Struct(fields);
            }
            while (true)
            {
                final Expr key = expr();
                Expr value = null;
                if (peek().is('='))
                {
                    next();
                    value = expr();
                }
                fields.add(new Field(key, value));
                final Token sep = next();
                if (sep.is('}'))
                {
                    return new Struct(fields);
                }
                if (!sep.is(','))
                {
                    throw new ParseException(sep.line(), "expected ',' or '}' but found '" + sep.text() + "'");
                }
            }
        }
        throw new ParseException(t.line(), "unexpected '" + t.text() + "' in an expression");
    }
}
