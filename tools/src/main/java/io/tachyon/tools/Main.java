package io.tachyon.tools;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point of {@code ./tachyon}: dispatches the subcommands that run inside the JVM. The launcher script
 * handles {@code test}, {@code build} and {@code bench} itself.
 */
public final class Main
{
    private Main()
    {
    }

    /**
     * Runs a subcommand and exits with its status.
     *
     * @param args the subcommand and its arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a subcommand.
     *
     * @param args the subcommand and its arguments.
     * @param out  standard output.
     * @param err  standard error.
     * @return the exit status.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length == 0)
        {
            err.println("tachyon: no command (try ./tachyon help)");
            return 2;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        final int status = switch (args[0])
        {
            case "decode" -> Decode.run(rest, out, err);
            case "demo", "demo-afxdp" -> VethDemo.run(rest, out, err);
            case "stat" -> Stat.run(rest, out, err);
            case "conformance" -> io.tachyon.conformance.ConformanceMain.run(rest, out, err);
            case "replay" -> Replay.run(rest, out, err);
            default ->
            {
                err.println("tachyon: unknown command '" + args[0] + "' (try ./tachyon help)");
                yield 2;
            }
        };
        out.flush();
        return status;
    }
}
