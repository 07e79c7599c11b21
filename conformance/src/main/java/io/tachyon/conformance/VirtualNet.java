package io.tachyon.conformance;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayDeque;

import io.tachyon.driver.DriverQueue;
import io.tachyon.driver.FrameBatch;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.driver.memory.MemoryWireConfig;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.stack.Stack;
import io.tachyon.stack.StackConfig;
import io.tachyon.tcp.TcpConfig;
import io.tachyon.time.VirtualClock;

/**
 * A fresh Tachyon stack at packetdrill's local address (192.168.0.1/16, gateway 192.168.0.2) on one end of an
 * in-memory wire whose other end this class drives: it injects frames from packetdrill's remote address (192.0.2.1,
 * through the gateway's MAC) and captures the TCP segments the stack sends, each with its virtual send time.
 */
final class VirtualNet implements AutoCloseable
{
    static final int LOCAL = Ipv4Address.parse("192.168.0.1");
    static final int REMOTE = Ipv4Address.parse("192.0.2.1");
    static final int GATEWAY = Ipv4Address.parse("192.168.0.2");
    static final long MAC_LOCAL = 0x02_00_00_00_00_01L;
    static final long MAC_GATEWAY = 0x02_00_00_00_00_FEL;
    static final long STEP_NS = 1_000_000L;

    /**
     * A TCP segment the stack sent.
     *
     * @param timeNs  when (virtual clock).
     * @param tcp     the TCP header and payload.
     */
    record Captured(long timeNs, byte[] tcp)
    {
        int u8(final int i)
        {
            return tcp[i] & 0xFF;
        }

        int u16(final int i)
        {
            return u8(i) << 8 | u8(i + 1);
        }

        long u32(final int i)
        {
            return (long)u16(i) << 16 | u16(i + 2);
        }

        int sourcePort()
        {
            return u16(0);
        }

        int destinationPort()
        {
            return u16(2);
        }

        long seq()
        {
            return u32(4);
        }

        long ack()
        {
            return u32(8);
        }

        int headerLength()
        {
            return (u8(12) >> 4) * 4;
        }

        int flags()
        {
            return u8(13);
        }

        int window()
        {
            return u16(14);
        }

        int urgent()
        {
            return u16(18);
        }

        int payloadLength()
        {
            return tcp.length - headerLength();
        }
    }

    final VirtualClock clock = new VirtualClock();
    final Stack stack;
    private final MemoryWire wire;
    private final DriverQueue peer;
    private final FrameBatch batch = new FrameBatch(64);
    private final ArrayDeque<Captured> captured = new ArrayDeque<>();

    VirtualNet(final TcpConfig tcp, final Path countersDirectory, final int largestInbound)
    {
        // the wire carries inbound segments larger than the stack's MTU (1500), as packetdrill's tun device does
        final int wireMtu = Math.min(65_517, Math.max(1500, largestInbound + 100));
        final int frames = wireMtu > 1500 ? 128 : 1024;
        wire = new MemoryWire(MemoryWireConfig.DEFAULT.withFrameSize(Math.max(2048, wireMtu + 18)).withMtu(wireMtu)
            .withPoolFrames(frames).withInFlightFrames(frames), clock);
        wire.endpointA().open();
        wire.endpointB().open();
        wire.endpointA().start();
        wire.endpointB().start();
        peer = wire.endpointB().queue(0);
        stack = new Stack(StackConfig.builder().name("pdrill").countersDirectory(countersDirectory).mac(MAC_LOCAL)
            .address(LOCAL, 16).gateway(GATEWAY).staticArp(GATEWAY, MAC_GATEWAY).secretSeed(7).tcp(tcp).mtu(1500)
            .timerWheel(1_000_000L, 4096, 4096).build(), wire.endpointA(), 0, clock);
    }

    long now()
    {
        return clock.nanoTime();
    }

    /** Runs the stack's duty cycle a few times and collects what it sent. */
    void work()
    {
        for (int i = 0; i < 3; i++)
        {
            stack.doWork();
        }
        collect();
    }

    /** Moves the clock forward by at most one step and runs the stack. */
    void step(final long targetNs)
    {
        final long now = clock.nanoTime();
        if (targetNs > now)
        {
            clock.advanceTo(Math.min(targetNs, now + STEP_NS));
        }
        work();
    }

    ArrayDeque<Captured> captured()
    {
        return captured;
    }

    private void collect()
    {
        while (true)
        {
            final int n = peer.receive(batch);
            if (n == 0)
            {
                return;
            }
            for (int i = 0; i < n; i++)
            {
                final MemorySegment s = batch.segment(i);
                final long off = batch.offset(i);
                final int len = batch.length(i);
                if (len < 34 || (s.get(ValueLayout.JAVA_BYTE, off + 12) & 0xFF) != 0x08
                    || s.get(ValueLayout.JAVA_BYTE, off + 13) != 0)
                {
                    continue;
                }
                final int ihl = (s.get(ValueLayout.JAVA_BYTE, off + 14) & 0x0F) * 4;
                final int proto = s.get(ValueLayout.JAVA_BYTE, off + 14 + 9) & 0xFF;
                final int total = (s.get(ValueLayout.JAVA_BYTE, off + 16) & 0xFF) << 8
                    | s.get(ValueLayout.JAVA_BYTE, off + 17) & 0xFF;
                if (proto != 6 || total > len - 14 || total < ihl + 20)
                {
                    continue;
                }
                final byte[] tcp = s.asSlice(off + 14 + ihl, total - ihl).toArray(ValueLayout.JAVA_BYTE);
                captured.add(new Captured(clock.nanoTime(), tcp));
            }
            peer.releaseAll(batch);
        }
    }

    /** Sends one IPv4 datagram (header included) to the stack in an Ethernet frame from the gateway. */
    void inject(final byte[] datagram)
    {
        if (peer.acquire(batch, 1) != 1)
        {
            throw new IllegalStateException("the wire has no TX buffer");
        }
        final int i = batch.size() - 1;
        final MemorySegment s = batch.segment(i);
        final long off = batch.offset(i);
        final byte[] eth = new byte[14];
        for (int k = 0; k < 6; k++)
        {
            eth[k] = (byte)(MAC_LOCAL >>> (40 - 8 * k));
            eth[6 + k] = (byte)(MAC_GATEWAY >>> (40 - 8 * k));
        }
        eth[12] = 0x08;
        MemorySegment.copy(eth, 0, s, ValueLayout.JAVA_BYTE, off, 14);
        MemorySegment.copy(datagram, 0, s, ValueLayout.JAVA_BYTE, off + 14, datagram.length);
        batch.length(i, 14 + datagram.length);
        while (!batch.isEmpty())
        {
            if (peer.transmit(batch) == 0)
            {
                throw new IllegalStateException("the wire refused a frame");
            }
        }
        work();
    }

    /**
     * Builds an IPv4/TCP datagram from the remote host to the stack.
     *
     * @param sport   source port.
     * @param dport   destination port.
     * @param seq     sequence number.
     * @param ack     acknowledgment number.
     * @param flags   TCP flag bits.
     * @param window  window field.
     * @param urgent  urgent pointer.
     * @param options option bytes (padded to 4 here).
     * @param payload payload length (zeros).
     * @return the datagram.
     */
    static byte[] tcpDatagram(final int sport, final int dport, final long seq, final long ack, final int flags,
        final int window, final int urgent, final byte[] options, final int payload)
    {
        final int optLen = (options.length + 3) & ~3;
        final int tcpLen = 20 + optLen + payload;
        final byte[] d = new byte[20 + tcpLen];
        d[0] = 0x45;
        put16(d, 2, d.length);
        put16(d, 4, 1);
        d[8] = 64;
        d[9] = 6;
        put32(d, 12, REMOTE);
        put32(d, 16, LOCAL);
        put16(d, 10, checksum(d, 0, 20, 0));
        final int t = 20;
        put16(d, t, sport);
        put16(d, t + 2, dport);
        put32(d, t + 4, (int)seq);
        put32(d, t + 8, (int)ack);
        d[t + 12] = (byte)((5 + optLen / 4) << 4);
        d[t + 13] = (byte)flags;
        put16(d, t + 14, window);
        put16(d, t + 18, urgent);
        System.arraycopy(options, 0, d, t + 20, options.length);
        final int pseudo = (REMOTE >>> 16) + (REMOTE & 0xFFFF) + (LOCAL >>> 16) + (LOCAL & 0xFFFF) + 6 + tcpLen;
        put16(d, t + 16, checksum(d, t, tcpLen, pseudo));
        return d;
    }

    static void put16(final byte[] b, final int i, final int v)
    {
        b[i] = (byte)(v >>> 8);
        b[i + 1] = (byte)v;
    }

    static void put32(final byte[] b, final int i, final int v)
    {
        put16(b, i, v >>> 16);
        put16(b, i + 2, v & 0xFFFF);
    }

    static int checksum(final byte[] b, final int off, final int len, final int initial)
    {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2)
        {
            sum += (b[off + i] & 0xFF) << 8 | b[off + i + 1] & 0xFF;
        }
        if ((len & 1) != 0)
        {
            sum += (b[off + len - 1] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    @Override
    public void close()
    {
        stack.close();
        wire.close();
    }
}
