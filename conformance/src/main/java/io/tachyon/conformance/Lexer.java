package io.tachyon.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a packetdrill script into tokens. {@code --option} lines are returned separately; comments ({@code //} and
 * {@code /* *}{@code /}) are dropped. Never throws on odd input: an unknown character becomes a one-character
 * punctuation token.
 */
final class Lexer
{
    /** Token kinds. */
    enum Kind
    {
        NUMBER, IDENT, STRING, SHELL, PYTHON, ELLIPSIS, PUNCT, END
    }

    /**
     * One token.
     *
     * @param kind  the kind.
     * @param text  the text (a string's or shell command's content without the quotes).
     * @param line  the 1-based line where it starts.
     * @param value a number's value (seconds-style decimals keep {@link #decimal}).
     * @param decimal a number's value as a double.
     */
    record Token(Kind kind, String text, int line, long value, double decimal)
    {
        boolean is(final char c)
        {
            return kind == Kind.PUNCT && text.length() == 1 && text.charAt(0) == c;
        }

        boolean isIdent(final String name)
        {
            return kind == Kind.IDENT && text.equals(name);
        }

        @Override
        public String toString()
        {
            return kind + "(" + text + ")@" + line;
        }
    }

    /**
     * An option line.
     *
     * @param name  without the dashes.
     * @param value after '=' (empty when none).
     * @param line  the line.
     */
    record Option(String name, String value, int line)
    {
    }

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private final List<Option> options = new ArrayList<>();
    private int pos;
    private int line = 1;

    Lexer(final String source)
    {
        this.src = preprocess(source);
    }

    /**
     * The C-preprocessor conditionals of the FreeBSD suite: {@code #ifdef STANDARD} (the behaviour the RFCs
     * prescribe) is taken, {@code #ifdef FreeBSD} (FreeBSD's own choice) is not. Dropped lines become empty so line
     * numbers stay.
     */
    static String preprocess(final String source)
    {
        if (!source.contains("#if"))
        {
            return source;
        }
        final String[] lines = source.split("\n", -1);
        final java.util.ArrayDeque<Boolean> active = new java.util.ArrayDeque<>();
        final StringBuilder b = new StringBuilder(source.length());
        for (int i = 0; i < lines.length; i++)
        {
            final String t = lines[i].trim();
            final boolean on = !active.contains(Boolean.FALSE);
            String keep = on ? lines[i] : "";
            if (t.startsWith("#ifdef ") || t.startsWith("#ifndef "))
            {
                final boolean defined = t.substring(t.indexOf(' ') + 1).trim().equals("STANDARD");
                active.push(t.startsWith("#ifdef ") == defined);
                keep = "";
            }
            else if (t.equals("#else") && !active.isEmpty())
            {
                active.push(!active.pop());
                keep = "";
            }
            else if (t.equals("#endif") && !active.isEmpty())
            {
                active.pop();
                keep = "";
            }
            b.append(keep);
            if (i + 1 < lines.length)
            {
                b.append('\n');
            }
        }
        return b.toString();
    }

    List<Token> tokens()
    {
        return tokens;
    }

    List<Option> options()
    {
        return options;
    }

    Lexer run()
    {
        final int n = src.length();
        boolean lineStart = true;
        while (pos < n)
        {
            final char c = src.charAt(pos);
            if (c == '\n')
            {
                line++;
                pos++;
                lineStart = true;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f')
            {
                pos++;
                continue;
            }
            if (lineStart && c == '-' && pos + 1 < n && src.charAt(pos + 1) == '-')
            {
                option();
                continue;
            }
            lineStart = false;
            if (c == '/' && pos + 1 < n && src.charAt(pos + 1) == '/')
            {
                while (pos < n && src.charAt(pos) != '\n')
                {
                    pos++;
                }
                continue;
            }
            if (c == '/' && pos + 1 < n && src.charAt(pos + 1) == '*')
            {
                final int end = src.indexOf("*/", pos + 2);
                final int stop = end < 0 ? n : end + 2;
                countLines(pos, stop);
                pos = stop;
                continue;
            }
            if (c == '`')
            {
                delimited(Kind.SHELL, 1, "`", 1);
                continue;
            }
            if (c == '%' && pos + 1 < n && src.charAt(pos + 1) == '{')
            {
                delimited(Kind.PYTHON, 2, "}%", 2);
                continue;
            }
            if (c == '"')
            {
                delimited(Kind.STRING, 1, "\"", 1);
                continue;
            }
            if (c == '.' && src.startsWith("...", pos))
            {
                tokens.add(new Token(Kind.ELLIPSIS, "...", line, 0, 0));
                pos += 3;
                continue;
            }
            if (Character.isDigit(c) || c == '.' && pos + 1 < n && Character.isDigit(src.charAt(pos + 1))
                && !(pos > 0 && Character.isLetter(src.charAt(pos - 1))))
            {
                number();
                continue;
            }
            if (Character.isLetter(c) || c == '_')
            {
                final int start = pos;
                while (pos < n && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_'))
                {
                    pos++;
                }
                tokens.add(new Token(Kind.IDENT, src.substring(start, pos), line, 0, 0));
                continue;
            }
            tokens.add(new Token(Kind.PUNCT, String.valueOf(c), line, 0, 0));
            pos++;
        }
        tokens.add(new Token(Kind.END, "", line, 0, 0));
        return this;
    }

    private void option()
    {
        int end = src.indexOf('\n', pos);
        if (end < 0)
        {
            end = src.length();
        }
        String text = src.substring(pos + 2, end).trim();
        final int comment = text.indexOf("//");
        if (comment >= 0)
        {
            text = text.substring(0, comment).trim();
        }
        final int eq = text.indexOf('=');
        options.add(eq < 0 ? new Option(text, "", line)
            : new Option(text.substring(0, eq).trim(), text.substring(eq + 1).trim(), line));
        pos = end;
    }

    private void delimited(final Kind kind, final int open, final String close, final int closeLength)
    {
        final int startLine = line;
        final int end = src.indexOf(close, pos + open);
        final int stop = end < 0 ? src.length() : end;
        final String text = src.substring(pos + open, stop);
        countLines(pos, Math.min(src.length(), stop + closeLength));
        pos = Math.min(src.length(), stop + closeLength);
        tokens.add(new Token(kind, text, startLine, 0, 0));
    }

    private void countLines(final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (src.charAt(i) == '\n')
            {
                line++;
            }
        }
    }

    private void number()
    {
        final int n = src.length();
        final int start = pos;
        if (src.startsWith("0x", pos) || src.startsWith("0X", pos))
        {
            pos += 2;
            while (pos < n && Character.digit(src.charAt(pos), 16) >= 0)
            {
                pos++;
            }
            final String hex = src.substring(start + 2, pos);
            final long v = hex.isEmpty() ? 0 : Long.parseUnsignedLong(hex.length() > 16 ? hex.substring(0, 16) : hex,
                16);
            tokens.add(new Token(Kind.NUMBER, src.substring(start, pos), line, v, v));
            return;
        }
        while (pos < n && Character.isDigit(src.charAt(pos)))
        {
            pos++;
        }
        boolean decimal = false;
        if (pos < n && src.charAt(pos) == '.' && !src.startsWith("...", pos))
        {
            decimal = true;
            pos++;
            while (pos < n && Character.isDigit(src.charAt(pos)))
            {
                pos++;
            }
        }
        final String text = src.substring(start, pos);
        final double d = text.equals(".") ? 0 : Double.parseDouble(text);
        long v;
        try
        {
            v = decimal ? (long)d : Long.parseLong(text.length() > 18 ? text.substring(0, 18) : text);
        }
        catch (final NumberFormatException ex)
        {
            v = 0;
        }
        tokens.add(new Token(Kind.NUMBER, text, line, v, d));
    }
}
