package io.tachyon.stack;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.wire.ArpFlyweight;
import io.tachyon.wire.EthernetFlyweight;
import io.tachyon.wire.IcmpFlyweight;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.TcpFlyweight;
import io.tachyon.wire.UdpFlyweight;

/** Builds exact test frames with the wire flyweights (checksums correct unless a test breaks them). */
public final class Frames
{
    /** Stack A's MAC. */
    public static final long MAC_A = 0x02_00_00_00_00_01L;
    /** Stack B's (or the test peer's) MAC. */
    public static final long MAC_B = 0x02_00_00_00_00_02L;
    /** The gateway's MAC. */
    public static final long MAC_GW = 0x02_00_00_00_00_FEL;
    /** Another host's MAC. */
    public static final long MAC_OTHER = 0x02_00_00_00_00_33L;
    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST_MAC = EthernetFlyweight.BROADCAST;
    /** 10.0.0.1, stack A. */
    public static final int IP_A = Ipv4Address.parse("10.0.0.1");
    /** 10.0.0.2, stack B or the test peer. */
    public static final int IP_B = Ipv4Address.parse("10.0.0.2");
    /** 10.0.0.254, the gateway. */
    public static final int IP_GW = Ipv4Address.parse("10.0.0.254");
    /** 10.0.0.33, a neighbour without an ARP entry. */
    public static final int IP_OTHER = Ipv4Address.parse("10.0.0.33");
    /** 192.0.2.7, off the subnet. */
    public static final int IP_FAR = Ipv4Address.parse("192.0.2.7");
    /** 10.0.0.255. */
    public static final int SUBNET_BROADCAST = Ipv4Address.parse("10.0.0.255");

    private Frames()
    {
    }

    /** A whole IPv4 datagram description. */
    public static final class Ip
    {
        long srcMac = MAC_B;
        long dstMac = MAC_A;
        int src = IP_B;
        int dst = IP_A;
        int protocol = Ipv4Flyweight.PROTOCOL_UDP;
        int ttl = 64;
        int id = 0x1234;
        int tos;
        boolean df;
        boolean mf;
        int fragmentOffsetBytes;
        byte[] options = new byte[0];
        byte[] payload = new byte[0];
        boolean badChecksum;
        int padTo;

        /** A UDP datagram from B to A, no payload yet. */
        public Ip()
        {
        }

        /** Sets the Ethernet source. */
        public Ip srcMac(final long v)
        {
            srcMac = v;
            return this;
        }

        /** Sets the Ethernet destination. */
        public Ip dstMac(final long v)
        {
            dstMac = v;
            return this;
        }

        /** Sets the IPv4 source. */
        public Ip src(final int v)
        {
            src = v;
            return this;
        }

        /** Sets the IPv4 destination. */
        public Ip dst(final int v)
        {
            dst = v;
            return this;
        }

        /** Sets the protocol. */
        public Ip protocol(final int v)
        {
            protocol = v;
            return this;
        }

        /** Sets the TTL. */
        public Ip ttl(final int v)
        {
            ttl = v;
            return this;
        }

        /** Sets the identification. */
        public Ip id(final int v)
        {
            id = v;
            return this;
        }

        /** Sets Don't Fragment. */
        public Ip df(final boolean v)
        {
            df = v;
            return this;
        }

        /** Makes it a fragment: MF and the offset in bytes. */
        public Ip fragment(final boolean more, final int offsetBytes)
        {
            mf = more;
            fragmentOffsetBytes = offsetBytes;
            return this;
        }

        /** Sets the options (a multiple of 4 bytes). */
        public Ip options(final byte[] v)
        {
            options = v;
            return this;
        }

        /** Sets the payload after the IPv4 header. */
        public Ip payload(final byte[] v)
        {
            payload = v;
            return this;
        }

        /** Breaks the header checksum. */
        public Ip badChecksum()
        {
            badChecksum = true;
            return this;
        }

        /** Pads the frame to a length. */
        public Ip padTo(final int frameLength)
        {
            padTo = frameLength;
            return this;
        }

        /** The Ethernet frame. */
        public byte[] frame()
        {
            final int headerLength = 20 + options.length;
            final int total = headerLength + payload.length;
            final byte[] bytes = new byte[Math.max(14 + total, padTo)];
            final MemorySegment s = MemorySegment.ofArray(bytes);
            new EthernetFlyweight().wrapForWrite(s, 0, 14).destination(dstMac).source(srcMac)
                .etherType(EthernetFlyweight.ETHER_TYPE_IPV4);
            MemorySegment.copy(MemorySegment.ofArray(options), 0, s, 34, options.length);
            MemorySegment.copy(MemorySegment.ofArray(payload), 0, s, 14 + headerLength, payload.length);
            final Ipv4Flyweight ip = new Ipv4Flyweight().wrapForWrite(s, 14, headerLength);
            ip.versionIhl(0x40 | headerLength / 4).tos(tos).totalLength(total).identification(id)
                .flagsAndFragmentOffset((df ? Ipv4Flyweight.FLAG_DF : 0) | (mf ? Ipv4Flyweight.FLAG_MF : 0)
                    | fragmentOffsetBytes / 8)
                .ttl(ttl).protocol(protocol).headerChecksum(0).source(src).destination(dst).updateHeaderChecksum();
            if (badChecksum)
            {
                ip.headerChecksum(ip.headerChecksum() ^ 0x0101);
            }
            return bytes;
        }
    }

    /** A new datagram description. */
    public static Ip ip()
    {
        return new Ip();
    }

    /** A UDP datagram (header + payload) with a correct checksum for src/dst. */
    public static byte[] udp(final int src, final int dst, final int srcPort, final int dstPort, final byte[] payload)
    {
        final byte[] bytes = new byte[8 + payload.length];
        final MemorySegment s = MemorySegment.ofArray(bytes);
        System.arraycopy(payload, 0, bytes, 8, payload.length);
        new UdpFlyweight().wrapForWrite(s, 0, bytes.length).sourcePort(srcPort).destinationPort(dstPort)
            .udpLength(bytes.length).checksum(0).updateChecksum(src, dst);
        return bytes;
    }

    /** A UDP frame from B to A. */
    public static byte[] udpFrame(final int srcPort, final int dstPort, final byte[] payload)
    {
        return ip().payload(udp(IP_B, IP_A, srcPort, dstPort, payload)).frame();
    }

    /** An ICMP message with a correct checksum. */
    public static byte[] icmp(final int type, final int code, final int rest, final byte[] data)
    {
        final byte[] bytes = new byte[8 + data.length];
        final MemorySegment s = MemorySegment.ofArray(bytes);
        System.arraycopy(data, 0, bytes, 8, data.length);
        new IcmpFlyweight().wrapForWrite(s, 0, bytes.length).type(type).code(code).checksum(0).restOfHeader(rest)
            .updateChecksum();
        return bytes;
    }

    /** An echo request from B to A. */
    public static byte[] echoRequest(final int id, final int seq, final byte[] data)
    {
        return ip().protocol(1).payload(icmp(8, 0, id << 16 | seq, data)).frame();
    }

    /** A 60-byte ARP frame. */
    public static byte[] arp(final long ethDst, final long ethSrc, final int op, final long sha, final int spa,
        final long tha, final int tpa)
    {
        final byte[] bytes = new byte[60];
        final MemorySegment s = MemorySegment.ofArray(bytes);
        new EthernetFlyweight().wrapForWrite(s, 0, 14).destination(ethDst).source(ethSrc)
            .etherType(EthernetFlyweight.ETHER_TYPE_ARP);
        new ArpFlyweight().wrapForWrite(s, 14, ArpFlyweight.LENGTH).operation(op).senderHardwareAddress(sha)
            .senderProtocolAddress(spa).targetHardwareAddress(tha).targetProtocolAddress(tpa);
        return bytes;
    }

    /** Bytes [from, to) of a frame. */
    public static byte[] slice(final byte[] frame, final int from, final int to)
    {
        return Arrays.copyOfRange(frame, from, to);
    }

    /** A deterministic payload. */
    public static byte[] pattern(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + seed * 7 + (i >>> 8));
        }
        return bytes;
    }

    // TCP segments in frames of Ethernet + a 20-byte IPv4 header (the TCP header at 34).

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int TCP_AT = 34;

    /** A TCP segment from B ({@link #IP_B}) to A ({@link #IP_A}) with options (4n bytes), correct checksum. */
    public static byte[] tcp(final int srcPort, final int dstPort, final int seq, final int ack, final int flags,
        final int window, final byte[] options, final byte[] payload)
    {
        final int header = 20 + options.length;
        final byte[] bytes = new byte[header + payload.length];
        System.arraycopy(options, 0, bytes, 20, options.length);
        System.arraycopy(payload, 0, bytes, header, payload.length);
        final TcpFlyweight t = new TcpFlyweight().wrapForWrite(MemorySegment.ofArray(bytes), 0, bytes.length);
        t.sourcePort(srcPort).destinationPort(dstPort).sequenceNumber(seq).acknowledgmentNumber(ack)
            .dataOffset(header / 4).flags(flags).window(window).checksum(0).urgentPointer(0);
        t.checksum(t.computeChecksum(IP_B, IP_A));
        return ip().protocol(6).payload(bytes).frame();
    }

    /** TCP options NOP NOP Timestamps(TSval, TSecr): 12 bytes. */
    public static byte[] ts(final int tsval, final int tsecr)
    {
        final byte[] o = {1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0};
        MemorySegment.ofArray(o).set(U32, 4, tsval);
        MemorySegment.ofArray(o).set(U32, 8, tsecr);
        return o;
    }

    /**
     * SYN options: MSS; NOP + window scale if {@code shift >= 0}; NOP NOP + SACK-permitted if {@code sack}; NOP NOP
     * + timestamps (TSval {@code tsval}, TSecr 0) if {@code tsval != 0}.
     */
    public static byte[] synOptions(final int mss, final int shift, final boolean sack, final int tsval)
    {
        final byte[] o = new byte[4 + (shift >= 0 ? 4 : 0) + (sack ? 4 : 0) + (tsval != 0 ? 12 : 0)];
        o[0] = 2;
        o[1] = 4;
        MemorySegment.ofArray(o).set(U16, 2, (short)mss);
        int at = 4;
        if (shift >= 0)
        {
            o[at] = 1;
            o[at + 1] = 3;
            o[at + 2] = 3;
            o[at + 3] = (byte)shift;
            at += 4;
        }
        if (sack)
        {
            o[at] = 1;
            o[at + 1] = 1;
            o[at + 2] = 4;
            o[at + 3] = 2;
            at += 4;
        }
        if (tsval != 0)
        {
            System.arraycopy(ts(tsval, 0), 0, o, at, 12);
        }
        return o;
    }

    /** The big-endian 32-bit word at {@code at} of a frame. */
    public static int u32(final byte[] frame, final int at)
    {
        return MemorySegment.ofArray(frame).get(U32, at);
    }

    /** The TCP sequence number. */
    public static int seqOf(final byte[] frame)
    {
        return u32(frame, TCP_AT + 4);
    }

    /** The TCP acknowledgment number. */
    public static int ackOf(final byte[] frame)
    {
        return u32(frame, TCP_AT + 8);
    }

    /** The TCP flags byte. */
    public static int flagsOf(final byte[] frame)
    {
        return frame[TCP_AT + 13] & 0xFF;
    }
}
