package io.tachyon.tools.replay;

/**
 * One Ethernet frame of a capture (or one frame Tachyon sent), parsed once into plain fields. Bad or short frames
 * parse as {@link Kind#OTHER}; nothing here throws for bad input.
 */
final class Packet
{
    /** What the frame carries. */
    enum Kind
    {
        ARP, TCP, UDP, ICMP, OTHER_IP, OTHER
    }

    static final int ETHERNET = 14;
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    final int number;
    final long timeNs;
    final byte[] frame;
    Kind kind = Kind.OTHER;
    long srcMac;
    long dstMac;
    int arpOp;
    int arpSenderIp;
    int arpTargetIp;
    long arpSenderMac;
    int ipOffset = ETHERNET;
    int src;
    int dst;
    int protocol;
    int l4Offset;
    int srcPort;
    int dstPort;
    int seq;
    int ack;
    int flags;
    int tcpHeaderLength;
    int payloadOffset;
    int payloadLength;
    /** Offset of the timestamps option's data (TSval), or -1. */
    int timestampOffset = -1;
    /** Offsets of the SACK option's data and its length, or -1. */
    int sackOffset = -1;
    int sackLength;
    /** The option kinds other than NOP, EOL and SACK, in order of appearance, e.g. "MSS,SACKOK,TS,WS". */
    String optionKinds = "";
    int icmpType;
    int icmpCode;

    Packet(final int number, final long timeNs, final byte[] frame)
    {
        this.number = number;
        this.timeNs = timeNs;
        this.frame = frame;
        parse();
    }

    static int u8(final byte[] b, final int i)
    {
        return b[i] & 0xff;
    }

    static int u16(final byte[] b, final int i)
    {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    static int u32(final byte[] b, final int i)
    {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    static long u48(final byte[] b, final int i)
    {
        return (long) u16(b, i) << 32 | (u32(b, i + 2) & 0xffffffffL);
    }

    static void put16(final byte[] b, final int i, final int v)
    {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(final byte[] b, final int i, final int v)
    {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    private void parse()
    {
        final byte[] b = frame;
        if (b.length < ETHERNET)
        {
            return;
        }
        dstMac = u48(b, 0);
        srcMac = u48(b, 6);
        final int etherType = u16(b, 12);
        if (etherType == 0x0806 && b.length >= ETHERNET + 28)
        {
            kind = Kind.ARP;
            arpOp = u16(b, ETHERNET + 6);
            arpSenderMac = u48(b, ETHERNET + 8);
            arpSenderIp = u32(b, ETHERNET + 14);
            arpTargetIp = u32(b, ETHERNET + 24);
            return;
        }
        if (etherType != 0x0800 || b.length < ETHERNET + 20 || (u8(b, ETHERNET) >>> 4) != 4)
        {
            return;
        }
        final int ihl = (u8(b, ETHERNET) & 0x0f) * 4;
        final int total = u16(b, ETHERNET + 2);
        if (ihl < 20 || total < ihl || ETHERNET + total > b.length)
        {
            return;
        }
        kind = Kind.OTHER_IP;
        protocol = u8(b, ETHERNET + 9);
        src = u32(b, ETHERNET + 12);
        dst = u32(b, ETHERNET + 16);
        l4Offset = ETHERNET + ihl;
        final int end = ETHERNET + total;
        final boolean firstFragment = (u16(b, ETHERNET + 6) & 0x1fff) == 0;
        if (!firstFragment)
        {
            return;
        }
        if (protocol == 6 && end - l4Offset >= 20)
        {
            parseTcp(b, end);
        }
        else if (protocol == 17 && end - l4Offset >= 8)
        {
            kind = Kind.UDP;
            srcPort = u16(b, l4Offset);
            dstPort = u16(b, l4Offset + 2);
            payloadOffset = l4Offset + 8;
            payloadLength = Math.max(0, Math.min(u16(b, l4Offset + 4), end - l4Offset) - 8);
        }
        else if (protocol == 1 && end - l4Offset >= 8)
        {
            kind = Kind.ICMP;
            icmpType = u8(b, l4Offset);
            icmpCode = u8(b, l4Offset + 1);
            payloadOffset = l4Offset + 4;
            payloadLength = end - payloadOffset;
        }
    }

    private void parseTcp(final byte[] b, final int end)
    {
        final int hl = (u8(b, l4Offset + 12) >>> 4) * 4;
        if (hl < 20 || l4Offset + hl > end)
        {
            return;
        }
        kind = Kind.TCP;
        srcPort = u16(b, l4Offset);
        dstPort = u16(b, l4Offset + 2);
        seq = u32(b, l4Offset + 4);
        ack = u32(b, l4Offset + 8);
        flags = u8(b, l4Offset + 13);
        tcpHeaderLength = hl;
        payloadOffset = l4Offset + hl;
        payloadLength = end - payloadOffset;
        final StringBuilder kinds = new StringBuilder();
        int i = l4Offset + 20;
        final int optionsEnd = l4Offset + hl;
        while (i < optionsEnd)
        {
            final int k = u8(b, i);
            if (k == 0)
            {
                break;
            }
            if (k == 1)
            {
                i++;
                continue;
            }
            if (i + 1 >= optionsEnd)
            {
                break;
            }
            final int len = u8(b, i + 1);
            if (len < 2 || i + len > optionsEnd)
            {
                break;
            }
            switch (k)
            {
                case 2 -> append(kinds, "MSS");
                case 3 -> append(kinds, "WS");
                case 4 -> append(kinds, "SACKOK");
                case 5 ->
                {
                    sackOffset = i + 2;
                    sackLength = len - 2;
                }
                case 8 ->
                {
                    append(kinds, "TS");
                    if (len == 10)
                    {
                        timestampOffset = i + 2;
                    }
                }
                default -> append(kinds, "opt" + k);
            }
            i += len;
        }
        optionKinds = kinds.toString();
    }

    private static void append(final StringBuilder kinds, final String name)
    {
        if (!kinds.isEmpty())
        {
            kinds.append(',');
        }
        kinds.append(name);
    }

    boolean has(final int flag)
    {
        return (flags & flag) != 0;
    }

    /** The sequence space the segment occupies: payload plus one for SYN and one for FIN. */
    int sequenceLength()
    {
        return payloadLength + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    long tsVal()
    {
        return timestampOffset < 0 ? -1 : u32(frame, timestampOffset) & 0xffffffffL;
    }

    byte[] payload()
    {
        final byte[] p = new byte[Math.max(0, payloadLength)];
        System.arraycopy(frame, payloadOffset, p, 0, p.length);
        return p;
    }

    /** Recomputes the IPv4 header checksum and the TCP/UDP checksum after a rewrite. */
    void fixChecksums()
    {
        final byte[] b = frame;
        final int ihl = l4Offset - ipOffset;
        put16(b, ipOffset + 10, 0);
        put16(b, ipOffset + 10, fold(sum(b, ipOffset, ihl, 0)));
        final int total = u16(b, ipOffset + 2);
        final int l4Length = total - ihl;
        final int checksumAt = kind == Kind.TCP ? l4Offset + 16 : l4Offset + 6;
        put16(b, checksumAt, 0);
        long s = sum(b, ipOffset + 12, 8, 0);
        s += protocol + l4Length;
        s = sum(b, l4Offset, l4Length, s);
        int c = fold(s);
        if (kind == Kind.UDP && c == 0)
        {
            c = 0xffff;
        }
        put16(b, checksumAt, c);
    }

    private static long sum(final byte[] b, final int offset, final int length, final long start)
    {
        long s = start;
        int i = 0;
        for (; i + 1 < length; i += 2)
        {
            s += u16(b, offset + i);
        }
        if (i < length)
        {
            s += (b[offset + i] & 0xff) << 8;
        }
        return s;
    }

    private static int fold(final long sum)
    {
        long s = sum;
        while ((s >>> 16) != 0)
        {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) (~s & 0xffff);
    }

    static String ip(final int a)
    {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    static String flagNames(final int f)
    {
        final StringBuilder s = new StringBuilder();
        if ((f & SYN) != 0)
        {
            s.append('S');
        }
        if ((f & FIN) != 0)
        {
            s.append('F');
        }
        if ((f & RST) != 0)
        {
            s.append('R');
        }
        if ((f & PSH) != 0)
        {
            s.append('P');
        }
        if ((f & ACK) != 0)
        {
            s.append('.');
        }
        return s.toString();
    }
}
