package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.udp.UdpSocket;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random joins, leaves and sends across six sockets (two per stack, all on one port) on three stacks and three
 * groups, over a lossless hub drained after every step: every datagram reaches exactly the sockets that had joined
 * its group when it was sent, on the stacks other than the sender (there is no multicast loopback), once each, and
 * no other socket.
 */
class StackMulticastPropertiesTest
{
    private static final int STACKS = 3;
    private static final int SOCKETS_PER_STACK = 2;
    private static final int SOCKETS = STACKS * SOCKETS_PER_STACK;
    private static final int[] GROUPS = {Ipv4Address.parse("239.1.1.1"), Ipv4Address.parse("239.1.1.2"),
        Ipv4Address.parse("224.5.6.7")};
    private static final int PORT = 6000;
    private static final Path COUNTERS = CountersDirectory.create("tachyon-multicast-properties");

    @AfterContainer
    static void deleteCounters() throws IOException
    {
        CountersDirectory.delete(COUNTERS);
    }

    @Property(seed = "20261122")
    void shouldDeliverEachDatagramExactlyToTheSocketsJoinedAtSendTime(
        @ForAll @Size(min = 1, max = 40) final List<@IntRange(min = 0, max = 1_000_000) Integer> steps)
    {
        try (Lan lan = new Lan(COUNTERS, STACKS))
        {
            final UdpSocket[] sockets = new UdpSocket[SOCKETS];
            final UdpSocket[] senders = new UdpSocket[STACKS];
            for (int s = 0; s < SOCKETS; s++)
            {
                sockets[s] = lan.stacks[s / SOCKETS_PER_STACK].openUdpSocket().reuseAddress(true).bind(PORT);
            }
            for (int i = 0; i < STACKS; i++)
            {
                senders[i] = lan.stacks[i].openUdpSocket().bind(7000);
            }
            final boolean[][] joined = new boolean[SOCKETS][GROUPS.length];
            final byte[] payload = new byte[8];
            final byte[] into = new byte[64];
            int sequence = 0;
            for (final int step : steps)
            {
                final int kind = step % 3;
                final int s = step / 3 % SOCKETS;
                final int g = step / 18 % GROUPS.length;
                final UdpSocket socket = sockets[s];
                if (kind == 0)
                {
                    if (joined[s][g])
                    {
                        assertThrows(IllegalStateException.class, () -> socket.joinGroup(GROUPS[g]));
                    }
                    else
                    {
                        socket.joinGroup(GROUPS[g]);
                        joined[s][g] = true;
                    }
                }
                else if (kind == 1)
                {
                    if (joined[s][g])
                    {
                        socket.leaveGroup(GROUPS[g]);
                        joined[s][g] = false;
                    }
                    else
                    {
                        assertThrows(IllegalStateException.class, () -> socket.leaveGroup(GROUPS[g]));
                    }
                }
                else
                {
                    final int from = step / 54 % STACKS;
                    sequence++;
                    MemorySegment.ofArray(payload).set(ValueLayout.JAVA_INT_UNALIGNED, 0, sequence);
                    MemorySegment.ofArray(payload).set(ValueLayout.JAVA_INT_UNALIGNED, 4, g);
                    assertTrue(senders[from].send(payload, 0, payload.length, GROUPS[g], PORT));
                    lan.drain();
                    for (int r = 0; r < SOCKETS; r++)
                    {
                        final boolean expected = joined[r][g] && r / SOCKETS_PER_STACK != from;
                        final int length = sockets[r].receive(into, 0, into.length);
                        if (expected)
                        {
                            assertEquals(payload.length, length, "socket " + r + " joined group " + g
                                + " and gets datagram " + sequence + " from stack " + from);
                            assertEquals(sequence, MemorySegment.ofArray(into).get(ValueLayout.JAVA_INT_UNALIGNED,
                                0));
                        }
                        else
                        {
                            assertEquals(UdpSocket.NOTHING, length, "socket " + r + " (not in group " + g + ", or"
                                + " on the sending stack " + from + ") gets nothing of datagram " + sequence);
                        }
                        assertEquals(UdpSocket.NOTHING, sockets[r].receive(into, 0, into.length),
                            "socket " + r + " gets nothing more (datagram " + sequence + " to group " + g
                                + " from stack " + from + ")");
                    }
                }
                lan.drain();
            }
            for (int i = 0; i < STACKS; i++)
            {
                for (int g = 0; g < GROUPS.length; g++)
                {
                    int references = 0;
                    for (int k = 0; k < SOCKETS_PER_STACK; k++)
                    {
                        references += joined[i * SOCKETS_PER_STACK + k][g] ? 1 : 0;
                    }
                    assertEquals(references, lan.stacks[i].igmp().references(GROUPS[g]), "stack " + i + " group "
                        + g);
                    assertEquals(references > 0, lan.stacks[i].link().acceptsMulticastMac(
                        Ipv4Address.multicastMac(GROUPS[g])));
                }
                assertEquals(0, lan.stacks[i].counters().stack().get(StackCounter.ERRORS).get());
            }
        }
    }
}
