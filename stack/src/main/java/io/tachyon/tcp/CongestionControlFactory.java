package io.tachyon.tcp;

import java.util.List;
import java.util.Objects;

/**
 * Creates a {@link CongestionControl} per connection; {@link #forName(String)} picks an algorithm by name, as
 * Linux's {@code net.ipv4.tcp_congestion_control} does.
 */
@FunctionalInterface
public interface CongestionControlFactory
{
    /**
     * Creates one connection's congestion control, in its initial state (cwnd = the initial window).
     *
     * @param smss         the sender maximum segment size, in {@code [1, 65535]} (create it once the MSS is
     *                     known, after the handshake).
     * @param maxCwndBytes the ceiling of cwnd, at least {@code 2 * smss}.
     * @return a new instance.
     * @throws IllegalArgumentException naming the bad value.
     */
    CongestionControl create(int smss, long maxCwndBytes);

    /**
     * The names {@link #forName(String)} accepts.
     *
     * @return {@code ["newreno", "cubic"]}.
     */
    static List<String> names()
    {
        return List.of(NewReno.NAME, Cubic.NAME);
    }

    /**
     * The factory of the named algorithm.
     *
     * @param name "newreno" or "cubic" (exact, lower case).
     * @return its factory.
     * @throws IllegalArgumentException for an unknown name, listing the known ones.
     * @throws NullPointerException for a null name.
     */
    static CongestionControlFactory forName(final String name)
    {
        Objects.requireNonNull(name, "name");
        return switch (name)
        {
            case NewReno.NAME -> NewReno::new;
            case Cubic.NAME -> Cubic::new;
            default -> throw new IllegalArgumentException(
                "unknown congestion control '" + name + "'; known: " + String.join(", ", names()));
        };
    }
}
