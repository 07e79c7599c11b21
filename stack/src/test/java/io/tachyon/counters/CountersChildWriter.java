package io.tachyon.counters;

import io.tachyon.time.SystemClock;
import io.tachyon.wire.Malformed;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The other process of {@link CountersCrossProcessTest}: creates a counters file, counts known totals, says
 * {@code READY}, and closes the file when its standard input ends.
 */
public final class CountersChildWriter
{
    /** The type id of the Malformed family written. */
    static final int DROPS_TYPE_ID = 2;

    private CountersChildWriter()
    {
    }

    /**
     * Runs the child.
     *
     * @param args the file and the number of frames to count.
     * @throws IOException if the file cannot be created.
     */
    public static void main(final String[] args) throws IOException
    {
        final Path path = Path.of(args[0]);
        final int frames = Integer.parseInt(args[1]);
        final SystemClock clock = new SystemClock();
        try (CountersFile file = CountersFile.create(path, 64, clock))
        {
            final CounterFamily<SystemCounterDescriptor> system = SystemCounterDescriptor.allocateAll(file);
            final CounterFamily<Malformed> drops =
                file.allocateFamily(DROPS_TYPE_ID, "Ipv4", Malformed.class, m -> "IPv4 drops: " + m.description());
            for (int i = 0; i < frames; i++)
            {
                system.increment(SystemCounterDescriptor.FRAMES_RECEIVED);
                system.get(SystemCounterDescriptor.BYTES_RECEIVED).add(60);
                if (i % 100 == 0)
                {
                    drops.increment(Malformed.IPV4_BAD_VERSION);
                }
            }
            file.heartbeat(clock.nanoTime());
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // wait for the parent to close our standard input
            }
        }
    }
}
