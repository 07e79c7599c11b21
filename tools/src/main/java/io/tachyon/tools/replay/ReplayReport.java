package io.tachyon.tools.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of one replay: the side played, what was compared and every difference found.
 *
 * @param capture     the capture's name.
 * @param side        the side Tachyon played, e.g. {@code 10.77.0.1:5001}.
 * @param linuxFrames frames the recorded side sent.
 * @param tachyonFrames frames Tachyon sent.
 * @param injected    capture frames injected into Tachyon.
 * @param differences every difference, real divergences and reported-only ones, in order of packet number.
 * @param notes       remarks that are not differences (e.g. a connection not replayed, and why).
 */
public record ReplayReport(String capture, String side, int linuxFrames, int tachyonFrames, int injected,
    List<Divergence> differences, List<String> notes)
{
    /**
     * The real divergences (category DIVERGENCE).
     *
     * @return them, in order.
     */
    public List<Divergence> divergences()
    {
        final List<Divergence> result = new ArrayList<>();
        for (final Divergence d : differences)
        {
            if (d.category() == Divergence.Category.DIVERGENCE)
            {
                result.add(d);
            }
        }
        return result;
    }

    /**
     * The report as text: a summary line, then one line per difference and note.
     *
     * @return the text, ending in a newline.
     */
    public String format()
    {
        final StringBuilder s = new StringBuilder();
        final int real = divergences().size();
        s.append("replay ").append(capture).append(": Tachyon played ").append(side).append("; ")
            .append(injected).append(" frames injected, recorded side sent ").append(linuxFrames)
            .append(", Tachyon sent ").append(tachyonFrames).append("; ").append(real)
            .append(real == 1 ? " divergence" : " divergences").append(", ")
            .append(differences.size() - real).append(" reported-only differences\n");
        for (final Divergence d : differences)
        {
            s.append("  ").append(d).append('\n');
        }
        for (final String note : notes)
        {
            s.append("  note: ").append(note).append('\n');
        }
        return s.toString();
    }
}
