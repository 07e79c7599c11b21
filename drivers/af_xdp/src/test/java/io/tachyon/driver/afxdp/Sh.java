package io.tachyon.driver.afxdp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Linux tools for the privileged tests: with a bound on the time, output captured (stdout and stderr
 * together, through a temporary file so that a chatty tool never blocks).
 */
final class Sh
{
    private Sh()
    {
    }

    /**
     * What a command did.
     *
     * @param exit   the exit status (-1 when killed at the time limit).
     * @param output stdout and stderr.
     */
    record Result(int exit, String output)
    {
    }

    /** Runs a command to completion within {@code seconds}. */
    static Result run(final int seconds, final String... command)
    {
        final Started s = start(command);
        return s.await(seconds);
    }

    /** Runs a command and fails with its output unless it exits 0. */
    static String check(final String... command)
    {
        final Result r = run(20, command);
        if (r.exit() != 0)
        {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.exit() + ": " + r.output());
        }
        return r.output();
    }

    /** Starts a command in the background. */
    static Started start(final String... command)
    {
        try
        {
            final Path out = Files.createTempFile("tachyon-sh", ".out");
            final Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            return new Started(p, out, String.join(" ", command));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /** A command running in the background. */
    static final class Started
    {
        final Process process;
        private final Path out;
        final String command;

        Started(final Process process, final Path out, final String command)
        {
            this.process = process;
            this.out = out;
            this.command = command;
        }

        boolean alive()
        {
            return process.isAlive();
        }

        /** What the command printed so far. */
        String output()
        {
            try
            {
                return Files.readString(out, StandardCharsets.ISO_8859_1);
            }
            catch (final IOException e)
            {
                return "";
            }
        }

        /** Waits for the end (killing it after {@code seconds}), and removes the output file. */
        Result await(final int seconds)
        {
            int exit;
            try
            {
                if (process.waitFor(seconds, TimeUnit.SECONDS))
                {
                    exit = process.exitValue();
                }
                else
                {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                    exit = -1;
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                exit = -1;
            }
            final String text = output();
            try
            {
                Files.deleteIfExists(out);
            }
            catch (final IOException e)
            {
                // a temporary file; nothing to do
            }
            return new Result(exit, text);
        }
    }
}
