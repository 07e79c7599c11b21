package io.tachyon.tools;

/**
 * Entry point of {@code ./tachyon}.
 */
public final class Main
{
    private Main()
    {
    }

    /**
     * Dispatches a subcommand.
     *
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.out.println("tachyon");
    }
}
