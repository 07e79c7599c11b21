package io.tachyon.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.time.VirtualClock;
import io.tachyon.udp.UdpSocket;

/** {@code ./tachyon stat NAME} on a running stack: every group and label reads like netstat -s. */
class StatStackTest
{
    @TempDir
    Path root;

    @Test
    void shouldShowARunningStacksCountersGroupedByLayer()
    {
        final VirtualClock clock = new VirtualClock();
        try (MemoryWire wire = MemoryWire.of(clock))
        {
            wire.endpointA().open();
            wire.endpointB().open();
            wire.endpointA().start();
            wire.endpointB().start();
            try (Stack a = new Stack(StackConfig.builder().name("edge-a").countersDirectory(root)
                .mac("02:00:00:00:00:01").address("10.0.0.1/24").build(), wire.endpointA(), 0, clock);
                Stack b = new Stack(StackConfig.builder().name("edge-b").countersDirectory(root)
                    .mac("02:00:00:00:00:02").address("10.0.0.2/24").build(), wire.endpointB(), 0, clock))
            {
                final UdpSocket socket = a.openUdpSocket();
                socket.send(new byte[8], 0, 8, Ipv4Address.parse("10.0.0.2"), 9);
                a.icmp().ping(Ipv4Address.parse("10.0.0.2"), 1, 1, MemorySegment.ofArray(new byte[8]), 0, 8,
                    clock.nanoTime());
                for (int i = 0; i < 20; i++)
                {
                    a.doWork();
                    b.doWork();
                    clock.advance(10_000_000L);
                }
                final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
                assertEquals(0, Stat.run(new String[] {"edge-b", "--dir", root.toString()}, out, out, clock));
                final String text = bytes.toString(StandardCharsets.UTF_8);
                assertTrue(text.startsWith("stack edge-b ("), text);
                assertTrue(text.contains(", running\n"), text);
                for (final String line : new String[] {
                    "Stack:\n", "    3 frames received\n",
                    "Arp:\n", "    1 rx requests\n", "    1 tx replies\n",
                    "Ip:\n", "    2 InReceives: datagrams received\n", "    2 OutRequests: datagrams sent\n",
                    "    2 InDelivers: datagrams delivered to ICMP,"
                        + " UDP or IGMP\n",
                    "Icmp:\n", "    1 InEchos: echo requests\n", "    1 OutDestUnreachs: destination unreachable\n",
                    "Udp:\n", "    1 NoPorts: datagrams to a port with no socket\n"})
                {
                    assertTrue(text.contains(line), "missing '" + line.strip() + "' in:\n" + text);
                }
                assertTrue(text.indexOf("Stack:") < text.indexOf("Arp:") && text.indexOf("Arp:") < text.indexOf("Ip:")
                    && text.indexOf("Ip:") < text.indexOf("Icmp:") && text.indexOf("Icmp:") < text.indexOf("Udp:"),
                    "groups in layer order");
            }
        }
    }
}
