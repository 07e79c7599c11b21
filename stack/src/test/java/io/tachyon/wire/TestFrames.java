package io.tachyon.wire;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Emits random, well-formed frames with the flyweights under test (Ethernet with optional VLAN tags, then ARP or
 * IPv4 carrying TCP with random options, UDP, or ICMP echo / error), optionally with corrupted checksums.
 */
final class TestFrames
{
    /** Room every emitted frame fits in. */
    static final int MAX_FRAME = 1600;

    /** Kinds of frames. */
    enum Kind
    {
        TCP, UDP, ICMP_ECHO, ICMP_ERROR, ARP
    }

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv4Flyweight quoted = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    private final TcpOptionsWriter options = new TcpOptionsWriter();

    /** Whether to use 802.1ad + 802.1Q double tags sometimes (pcap4j does not decode them). */
    boolean allowQinq = true;
    /** Probability that a checksum (IPv4 header or transport) is corrupted. */
    double corruptProbability;

    /** Emits a random frame of a random kind at offset 0; returns its length. */
    int randomFrame(final SplittableRandom random, final MemorySegment segment)
    {
        final Kind[] kinds = Kind.values();
        return frame(random, segment, kinds[random.nextInt(kinds.length)]);
    }

    /** Emits a random frame of the given kind at offset 0; returns its length. */
    int frame(final SplittableRandom random, final MemorySegment segment, final Kind kind)
    {
        segment.asSlice(0, MAX_FRAME).fill((byte)0);
        ethernet.wrapForWrite(segment, 0, MAX_FRAME)
            .destination(random.nextLong() & Bytes.MAC_MASK)
            .source(random.nextLong() & Bytes.MAC_MASK);
        final int tags = random.nextInt(10);
        if (tags >= 9 && allowQinq)
        {
            ethernet.qinq(random.nextInt(8), random.nextBoolean(), random.nextInt(4096),
                random.nextInt(8), random.nextBoolean(), random.nextInt(4096));
        }
        else if (tags >= 6)
        {
            ethernet.vlan(random.nextInt(8), random.nextBoolean(), random.nextInt(4096));
        }
        final int l3 = ethernet.headerLength();
        int length;
        if (kind == Kind.ARP)
        {
            ethernet.etherType(EthernetFlyweight.ETHER_TYPE_ARP);
            arp.wrapForWrite(segment, l3, ArpFlyweight.LENGTH)
                .operation(1 + random.nextInt(2))
                .senderHardwareAddress(random.nextLong() & Bytes.MAC_MASK)
                .senderProtocolAddress(random.nextInt())
                .targetHardwareAddress(random.nextLong() & Bytes.MAC_MASK)
                .targetProtocolAddress(random.nextInt());
            length = l3 + ArpFlyweight.LENGTH;
        }
        else
        {
            ethernet.etherType(EthernetFlyweight.ETHER_TYPE_IPV4);
            length = ipv4(random, segment, l3, kind);
        }
        if (length < 60 && random.nextBoolean())
        {
            length = 60;
        }
        return length;
    }

    private int ipv4(final SplittableRandom random, final MemorySegment segment, final int l3, final Kind kind)
    {
        final int optionWords = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0;
        final int headerLength = 20 + optionWords * 4;
        for (int i = 20; i < headerLength; i++)
        {
            // NOPs, then an EOL in the last byte: options that every decoder accepts.
            Bytes.putU8(segment, l3 + i, i == headerLength - 1 ? 0 : 1);
        }
        final int source = random.nextInt();
        final int destination = random.nextInt();
        final int l4 = l3 + headerLength;
        final int l4Length = switch (kind)
        {
            case TCP -> tcp(random, segment, l4, source, destination);
            case UDP -> udp(random, segment, l4, source, destination);
            case ICMP_ECHO -> icmpEcho(random, segment, l4);
            default -> icmpError(random, segment, l4);
        };
        final int protocol = switch (kind)
        {
            case TCP -> Ipv4Flyweight.PROTOCOL_TCP;
            case UDP -> Ipv4Flyweight.PROTOCOL_UDP;
            default -> Ipv4Flyweight.PROTOCOL_ICMP;
        };
        ipv4.wrapForWrite(segment, l3, headerLength + l4Length)
            .ihl(headerLength / 4)
            .tos(random.nextInt(256))
            .totalLength(headerLength + l4Length)
            .identification(random.nextInt(0x10000))
            .fragment(random.nextBoolean(), false, 0)
            .ttl(1 + random.nextInt(255))
            .protocol(protocol)
            .source(source)
            .destination(destination)
            .updateHeaderChecksum();
        if (random.nextDouble() < corruptProbability)
        {
            ipv4.headerChecksum(ipv4.headerChecksum() ^ (1 + random.nextInt(0xFFFF)));
        }
        return l4 + l4Length;
    }

    private int tcp(final SplittableRandom random, final MemorySegment segment, final int l4, final int source,
        final int destination)
    {
        options.wrap(segment, l4 + TcpFlyweight.OPTIONS_OFFSET, TcpOptions.MAX_OPTIONS_LENGTH);
        final int count = random.nextInt(6);
        for (int i = 0; i < count; i++)
        {
            final int room = TcpOptions.MAX_OPTIONS_LENGTH - options.length();
            switch (random.nextInt(8))
            {
                case 0 -> option(room >= 4, () -> options.mss(random.nextInt(0x10000)));
                case 1 -> option(room >= 3, () -> options.windowScale(random.nextInt(15)));
                case 2 -> option(room >= 2, options::sackPermitted);
                case 3 -> option(room >= 10, () -> options.timestamps(random.nextInt(), random.nextInt()));
                case 4 -> option(room >= 18, () ->
                {
                    options.sackBlock(random.nextInt(), random.nextInt());
                    options.sackBlock(random.nextInt(), random.nextInt());
                });
                case 5 -> option(room >= 10, () -> options.sackBlock(random.nextInt(), random.nextInt()));
                case 6 -> option(room >= 1, options::nop);
                default ->
                {
                    final int dataLength = random.nextInt(7);
                    if (room >= 2 + dataLength)
                    {
                        final MemorySegment data = MemorySegment.ofArray(new byte[dataLength]);
                        for (int b = 0; b < dataLength; b++)
                        {
                            data.set(Bytes.U8, b, (byte)random.nextInt(256));
                        }
                        options.raw(200 + random.nextInt(53), data, 0, dataLength);
                    }
                }
            }
        }
        if (options.length() < TcpOptions.MAX_OPTIONS_LENGTH && random.nextInt(4) == 0)
        {
            options.eol();
        }
        final int optionsLength = options.finish();
        final int headerLength = TcpFlyweight.MIN_HEADER_LENGTH + optionsLength;
        final int payload = random.nextInt(4) == 0 ? 0 : random.nextInt(300);
        fillRandom(random, segment, l4 + headerLength, payload);
        tcp.wrapForWrite(segment, l4, headerLength + payload)
            .sourcePort(random.nextInt(0x10000))
            .destinationPort(random.nextInt(0x10000))
            .sequenceNumber(random.nextInt())
            .acknowledgmentNumber(random.nextInt())
            .dataOffset(headerLength / 4)
            .flags(random.nextInt(0x200))
            .window(random.nextInt(0x10000))
            .urgentPointer(random.nextInt(0x10000))
            .updateChecksum(source, destination);
        if (random.nextDouble() < corruptProbability)
        {
            tcp.checksum(tcp.checksum() ^ (1 + random.nextInt(0xFFFF)));
        }
        return headerLength + payload;
    }

    private static void option(final boolean fits, final Runnable write)
    {
        if (fits)
        {
            write.run();
        }
    }

    private int udp(final SplittableRandom random, final MemorySegment segment, final int l4, final int source,
        final int destination)
    {
        final int payload = random.nextInt(300);
        fillRandom(random, segment, l4 + UdpFlyweight.HEADER_LENGTH, payload);
        udp.wrapForWrite(segment, l4, UdpFlyweight.HEADER_LENGTH + payload)
            .sourcePort(random.nextInt(0x10000))
            .destinationPort(random.nextInt(0x10000))
            .udpLength(UdpFlyweight.HEADER_LENGTH + payload);
        if (random.nextInt(10) == 0)
        {
            udp.checksum(0);
        }
        else
        {
            udp.updateChecksum(source, destination);
            if (random.nextDouble() < corruptProbability)
            {
                udp.checksum(udp.checksum() ^ (1 + random.nextInt(0xFFFF)));
            }
        }
        return UdpFlyweight.HEADER_LENGTH + payload;
    }

    private int icmpEcho(final SplittableRandom random, final MemorySegment segment, final int l4)
    {
        final int payload = random.nextInt(100);
        fillRandom(random, segment, l4 + IcmpFlyweight.HEADER_LENGTH, payload);
        icmp.wrapForWrite(segment, l4, IcmpFlyweight.HEADER_LENGTH + payload)
            .type(random.nextBoolean() ? IcmpFlyweight.TYPE_ECHO_REQUEST : IcmpFlyweight.TYPE_ECHO_REPLY)
            .code(0)
            .identifier(random.nextInt(0x10000))
            .sequenceNumber(random.nextInt(0x10000))
            .updateChecksum();
        corruptIcmp(random);
        return IcmpFlyweight.HEADER_LENGTH + payload;
    }

    private int icmpError(final SplittableRandom random, final MemorySegment segment, final int l4)
    {
        final int quote = l4 + IcmpFlyweight.HEADER_LENGTH;
        quoted.wrapForWrite(segment, quote, 28)
            .ihl(5)
            .totalLength(28 + random.nextInt(1000))
            .identification(random.nextInt(0x10000))
            .fragment(true, false, 0)
            .ttl(1 + random.nextInt(64))
            .protocol(Ipv4Flyweight.PROTOCOL_UDP)
            .source(random.nextInt())
            .destination(random.nextInt())
            .updateHeaderChecksum();
        fillRandom(random, segment, quote + 20, 8);
        icmp.wrapForWrite(segment, l4, IcmpFlyweight.HEADER_LENGTH + 28);
        if (random.nextBoolean())
        {
            icmp.type(IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE).code(random.nextInt(16));
            if (icmp.code() == IcmpFlyweight.CODE_FRAGMENTATION_NEEDED)
            {
                icmp.nextHopMtu(68 + random.nextInt(9000));
            }
            else
            {
                icmp.restOfHeader(0);
            }
        }
        else
        {
            icmp.type(IcmpFlyweight.TYPE_TIME_EXCEEDED).code(random.nextInt(2)).restOfHeader(0);
        }
        icmp.updateChecksum();
        corruptIcmp(random);
        return IcmpFlyweight.HEADER_LENGTH + 28;
    }

    private void corruptIcmp(final SplittableRandom random)
    {
        if (random.nextDouble() < corruptProbability)
        {
            icmp.checksum(icmp.checksum() ^ (1 + random.nextInt(0xFFFF)));
        }
    }

    static void fillRandom(final SplittableRandom random, final MemorySegment segment, final long offset,
        final int length)
    {
        for (int i = 0; i < length; i++)
        {
            segment.set(Bytes.U8, offset + i, (byte)random.nextInt(256));
        }
    }

    /** The bytes of a frame as an array. */
    static byte[] bytes(final MemorySegment segment, final int length)
    {
        return segment.asSlice(0, length).toArray(Bytes.U8);
    }
}
