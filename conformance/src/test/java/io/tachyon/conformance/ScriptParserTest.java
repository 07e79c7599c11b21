package io.tachyon.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.tachyon.conformance.Script.Event;
import io.tachyon.conformance.Script.Packet;
import io.tachyon.conformance.Script.Syscall;
import io.tachyon.conformance.Script.TimeKind;

class ScriptParserTest
{
    @Test
    void shouldParseOptionsTimesPacketsAndCalls() throws Exception
    {
        final Script s = ScriptParser.parse("""
            --ip_version=ipv4
            --tolerance_usecs=10000
            // a comment
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3 /* inline */
            +.1 < S 0:0(0) win 32792 <mss 1460,sackOK,nop,nop,nop,wscale 7>
            +0 > S. 0:0(0) ack 1 <...>
            * > . 1:1(0) ack 1 win 257 <nop,nop,TS val 100 ecr 200>
            0.1~0.3 < P. 1:1001(1000) ack 1 win 257 <sack 1461:2921 3001:4001,nop,nop>
            +0...0.200 read(4, ..., 2000) = 2000
            +0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
            +0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0
            +0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0
            """);
        assertEquals("ipv4", s.options().get("ip_version"));
        assertEquals("10000", s.options().get("tolerance_usecs"));
        final List<Event> e = s.events();
        assertEquals(9, e.size());
        assertEquals(4, e.get(0).line());
        final Packet syn = assertInstanceOf(Packet.class, e.get(1).action());
        assertTrue(syn.inbound());
        assertEquals("S", syn.flags());
        assertEquals(32_792, syn.window());
        assertEquals(6, syn.options().size());
        assertEquals(TimeKind.RELATIVE, e.get(1).time().kind());
        assertEquals(0.1, e.get(1).time().start(), 1e-9);
        final Packet synAck = assertInstanceOf(Packet.class, e.get(2).action());
        assertSame(Script.ANY_OPTIONS, synAck.options());
        assertEquals(1, synAck.ack());
        assertEquals(-1, synAck.window());
        assertEquals(TimeKind.ANY, e.get(3).time().kind());
        final Packet ts = (Packet)e.get(3).action();
        assertEquals(200, ts.options().get(2).values()[1]);
        assertEquals(0.3, e.get(4).time().rangeEnd(), 1e-9);
        final Packet data = (Packet)e.get(4).action();
        assertEquals(1000, data.length());
        assertEquals(4, data.options().getFirst().values().length);
        assertEquals(0.2, e.get(5).time().blockingEnd(), 1e-9);
        final Syscall connect = assertInstanceOf(Syscall.class, e.get(6).action());
        assertEquals("EINPROGRESS", connect.errno());
        assertEquals(new Script.Num(-1), connect.result());
        final Syscall fcntl = (Syscall)e.get(7).action();
        assertInstanceOf(Script.Or.class, fcntl.args().get(2));
        final Syscall linger = (Syscall)e.get(8).action();
        assertInstanceOf(Script.Struct.class, linger.args().get(3));
    }

    @Test
    void shouldParseShellPythonAndNplabExtensions() throws Exception
    {
        final Script s = ScriptParser.parse("""
            `../common/defaults.sh
            ethtool -K tun0 tso off`
            0 < R 0:0(0)! win 0
            +0 %{ assert tcpi_snd_cwnd == 10 }%
            +0 < udp (100)
            +0 > S 0:0(0) <mss 1460, FO abcd, nop, nop>
            +0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]
            +0 sendmsg(4, {msg_name(...)=...,
                           msg_flags=0}, MSG_ERRQUEUE) = -1 EAGAIN (Resource temporarily unavailable)
            """);
        final Script.Icmp icmp = assertInstanceOf(Script.Icmp.class, s.events().get(5).action());
        assertEquals(new Script.Icmp(true, "unreachable", "frag_needed", 1200, 1), icmp);
        assertEquals("EAGAIN", ((Syscall)s.events().get(6).action()).errno());
        assertEquals(TimeKind.NONE, s.events().get(0).time().kind());
        assertInstanceOf(Script.Shell.class, s.events().get(0).action());
        assertTrue(((Packet)s.events().get(1).action()).absolute());
        assertEquals(3, s.events().get(1).line());
        assertInstanceOf(Script.Python.class, s.events().get(2).action());
        assertInstanceOf(Script.Other.class, s.events().get(3).action());
        assertEquals("TCP option FO", ((Packet)s.events().get(4).action()).unsupported());
        assertNull(((Packet)s.events().get(1).action()).unsupported());
    }

    @Test
    void shouldKeepTheStandardBranchOfConditionals() throws Exception
    {
        final Script s = ScriptParser.parse("""
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            #ifdef STANDARD
            +0 close(3) = 0
            #endif
            #ifdef FreeBSD
            +0 close(3) = -1 EBADF
            #endif
            """);
        assertEquals(2, s.events().size());
        assertEquals(3, s.events().get(1).line());
    }

    @Test
    void shouldReportTheLineOfASyntaxError()
    {
        final ScriptParser.ParseException ex = assertThrows(ScriptParser.ParseException.class,
            () -> ScriptParser.parse("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:(0) win 1\n"));
        assertEquals(2, ex.line);
    }

    @Test
    @Timeout(60)
    void shouldNeverThrowAnythingButParseExceptionOnGarbage()
    {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(20_261_122L);
        final String alphabet = "0123456789.+*~<>()[]{},:=|-!/`%\"abcSFRP ackwinmss\n";
        for (int i = 0; i < 20_000; i++)
        {
            final StringBuilder b = new StringBuilder();
            final int n = random.nextInt(60);
            for (int k = 0; k < n; k++)
            {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try
            {
                ScriptParser.parse(b.toString());
            }
            catch (final ScriptParser.ParseException ex)
            {
                assertTrue(ex.line >= 1, b.toString());
            }
        }
    }
}
