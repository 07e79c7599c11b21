package io.tachyon.tools;

import io.tachyon.tools.replay.ReplayEngine;
import io.tachyon.tools.replay.ReplayReport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code ./tachyon replay CAPTURE [--side ADDR[:PORT]]}: plays one side of a capture with a Tachyon stack and
 * prints where Tachyon's frames differ from the recorded host's (docs/replay.md). {@code --output FILE} writes the
 * replayed session (frames injected and frames Tachyon sent) to a pcap.
 */
public final class Replay
{
    private static final String USAGE = "usage: ./tachyon replay CAPTURE [--side ADDR[:PORT]] [--output FILE]";

    private Replay()
    {
    }

    /**
     * Runs the command.
     *
     * @param args {@code CAPTURE [--side ADDR[:PORT]] [--output FILE]}.
     * @param out  where the report goes.
     * @param err  where errors go.
     * @return 0 without divergences, 1 with divergences (or an unreadable capture), 2 for bad arguments.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        Path capture = null;
        String side = null;
        Path output = null;
        for (int i = 0; i < args.length; i++)
        {
            if ("--side".equals(args[i]) && i + 1 < args.length)
            {
                side = args[++i];
            }
            else if ("--output".equals(args[i]) && i + 1 < args.length)
            {
                output = Path.of(args[++i]);
            }
            else if (!args[i].startsWith("-") && capture == null)
            {
                capture = Path.of(args[i]);
            }
            else
            {
                err.println("tachyon replay: unexpected argument '" + args[i] + "' (" + USAGE + ")");
                return 2;
            }
        }
        if (capture == null)
        {
            err.println("tachyon replay: no capture given (" + USAGE + ")");
            return 2;
        }
        final ReplayReport report;
        try
        {
            report = ReplayEngine.replay(capture, side, output);
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("tachyon replay: " + ex.getMessage());
            return 2;
        }
        catch (final IOException ex)
        {
            err.println("tachyon replay: " + ex.getMessage());
            return 1;
        }
        out.print(report.format());
        return report.divergences().isEmpty() ? 0 : 1;
    }
}
