package io.tachyon.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Emit every header with random field values, parse it back, get the same fields; checksums verify and catch flips. */
class WireRoundTripTest
{
    private static final long MAC_MAX = 0xFFFF_FFFF_FFFFL;

    @Property(seed = "20261122")
    void shouldRoundTripEthernet(@ForAll @LongRange(max = MAC_MAX) final long destination,
        @ForAll @LongRange(max = MAC_MAX) final long source, @ForAll @IntRange(max = 2) final int tags,
        @ForAll @IntRange(max = 7) final int pcp, @ForAll final boolean dei,
        @ForAll @IntRange(max = 4095) final int vid,
        @ForAll @IntRange(max = 7) final int innerPcp, @ForAll @IntRange(max = 4095) final int innerVid,
        @ForAll @IntRange(max = 0xFFFF) final int etherType, @ForAll @IntRange(max = 64) final int payload)
    {
        Assume.that(etherType != EthernetFlyweight.TPID_8021Q && etherType != EthernetFlyweight.TPID_8021AD);
        final int length = 22 + payload;
        final MemorySegment segment = MemorySegment.ofArray(new byte[length]);
        final EthernetFlyweight writer = new EthernetFlyweight().wrapForWrite(segment, 0, length)
            .destination(destination).source(source);
        if (tags == 1)
        {
            writer.vlan(pcp, dei, vid);
        }
        else if (tags == 2)
        {
            writer.qinq(pcp, dei, vid, innerPcp, false, innerVid);
        }
        writer.etherType(etherType);
        final EthernetFlyweight reader = new EthernetFlyweight();
        assertEquals(Malformed.OK, reader.wrap(segment, 0, length));
        assertEquals(destination, reader.destination());
        assertEquals(source, reader.source());
        assertEquals(etherType, reader.etherType());
        assertEquals(tags, reader.vlanTagCount());
        assertEquals(14 + 4 * tags, reader.headerLength());
        assertEquals(length - 14 - 4 * tags, reader.payloadLength());
        if (tags > 0)
        {
            assertEquals(pcp, reader.vlanPcp());
            assertEquals(dei, reader.vlanDei());
            assertEquals(vid, reader.vlanId());
            assertEquals(tags == 1 ? EthernetFlyweight.TPID_8021Q : EthernetFlyweight.TPID_8021AD, reader.vlanTpid());
        }
        if (tags == 2)
        {
            assertEquals(innerVid, reader.innerVlanId());
            assertEquals(innerPcp, reader.innerVlanTci() >>> 13);
        }
    }

    @Property(seed = "20261122")
    void shouldRoundTripLinuxSll(@ForAll @IntRange(max = 4) final int packetType,
        @ForAll @IntRange(max = 0xFFFF) final int arphrd, @ForAll @LongRange(max = MAC_MAX) final long mac,
        @ForAll @IntRange(max = 0xFFFF) final int protocol)
    {
        final MemorySegment segment = MemorySegment.ofArray(new byte[20]);
        new LinuxSllFlyweight().wrapForWrite(segment, 0, 20).packetType(packetType).arphrdType(arphrd).macAddress(mac)
            .protocol(protocol);
        final LinuxSllFlyweight reader = new LinuxSllFlyweight();
        assertEquals(Malformed.OK, reader.wrap(segment, 0, 20));
        assertEquals(packetType, reader.packetType());
        assertEquals(arphrd, reader.arphrdType());
        assertEquals(6, reader.addressLength());
        assertEquals(mac, reader.macAddress());
        assertEquals(mac << 16, reader.addressField());
        assertEquals(protocol, reader.protocol());
        assertEquals(4, reader.payloadLength());
    }

    @Property(seed = "20261122")
    void shouldRoundTripArp(@ForAll @IntRange(min = 1, max = 2) final int operation,
        @ForAll @LongRange(max = MAC_MAX) final long sha, @ForAll final int spa,
        @ForAll @LongRange(max = MAC_MAX) final long tha, @ForAll final int tpa)
    {
        final MemorySegment segment = MemorySegment.ofArray(new byte[28]);
        new ArpFlyweight().wrapForWrite(segment, 0, 28).operation(operation).senderHardwareAddress(sha)
            .senderProtocolAddress(spa).targetHardwareAddress(tha).targetProtocolAddress(tpa);
        final ArpFlyweight reader = new ArpFlyweight();
        assertEquals(Malformed.OK, reader.wrap(segment, 0, 28));
        assertEquals(operation, reader.operation());
        assertEquals(sha, reader.senderHardwareAddress());
        assertEquals(spa, reader.senderProtocolAddress());
        assertEquals(tha, reader.targetHardwareAddress());
        assertEquals(tpa, reader.targetProtocolAddress());
        assertEquals(ArpFlyweight.HARDWARE_ETHERNET, reader.hardwareType());
        assertEquals(ArpFlyweight.PROTOCOL_IPV4, reader.protocolType());
    }

    @Property(seed = "20261122")
    void shouldRoundTripIpv4(@ForAll @IntRange(min = 5, max = 15) final int ihl,
        @ForAll @IntRange(max = 255) final int tos, @ForAll @IntRange(max = 200) final int payload,
        @ForAll @IntRange(max = 0xFFFF) final int id, @ForAll final boolean df, @ForAll final boolean mf,
        @ForAll @IntRange(max = 0x1FFF) final int fragmentOffset, @ForAll @IntRange(max = 255) final int ttl,
        @ForAll @IntRange(max = 255) final int protocol, @ForAll final int source, @ForAll final int destination,
        @ForAll @Size(40) final byte[] options, @ForAll @IntRange(max = 100_000) final int flip)
    {
        final int headerLength = ihl * 4;
        final int trailer = 6;
        final int length = headerLength + payload + trailer;
        final MemorySegment segment = MemorySegment.ofArray(new byte[length]);
        MemorySegment.copy(MemorySegment.ofArray(options), 0, segment, 20, headerLength - 20);
        final Ipv4Flyweight writer = new Ipv4Flyweight().wrapForWrite(segment, 0, length).ihl(ihl).tos(tos)
            .totalLength(headerLength + payload).identification(id).fragment(df, mf, fragmentOffset).ttl(ttl)
            .protocol(protocol).source(source).destination(destination).updateHeaderChecksum();
        final Ipv4Flyweight reader = new Ipv4Flyweight();
        assertEquals(Malformed.OK, reader.wrap(segment, 0, length));
        assertEquals(4, reader.version());
        assertEquals(ihl, reader.ihl());
        assertEquals(tos, reader.tos());
        assertEquals(tos >>> 2, reader.dscp());
        assertEquals(tos & 3, reader.ecn());
        assertEquals(headerLength + payload, reader.totalLength());
        assertEquals(id, reader.identification());
        assertEquals(df, reader.dontFragment());
        assertEquals(mf, reader.moreFragments());
        assertEquals(fragmentOffset, reader.fragmentOffset());
        assertEquals(mf || fragmentOffset != 0, reader.isFragment());
        assertEquals(ttl, reader.ttl());
        assertEquals(protocol, reader.protocol());
        assertEquals(source, reader.source());
        assertEquals(destination, reader.destination());
        assertEquals(headerLength - 20, reader.optionsLength());
        assertArrayEquals(java.util.Arrays.copyOf(options, headerLength - 20),
            segment.asSlice(reader.optionsOffset(), reader.optionsLength()).toArray(Bytes.U8));
        assertEquals(payload, reader.payloadLength(), "payload from total length, not the trailer");
        assertTrue(reader.verifyHeaderChecksum());
        assertEquals(writer.headerChecksum(), reader.computeHeaderChecksum());
        // Byte 0 (version/IHL) stays: flipping it changes how many bytes the checksum covers.
        flipBit(segment, 1, headerLength - 1, flip);
        assertFalse(reader.verifyHeaderChecksum());
    }

    @Property(seed = "20261122")
    void shouldRoundTripIcmpEcho(@ForAll final boolean request, @ForAll @IntRange(max = 0xFFFF) final int id,
        @ForAll @IntRange(max = 0xFFFF) final int sequence, @ForAll @Size(max = 100) final byte[] payload,
        @ForAll @IntRange(max = 100_000) final int flip)
    {
        final int length = 8 + payload.length;
        final MemorySegment segment = MemorySegment.ofArray(new byte[length]);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, segment, 8, payload.length);
        new IcmpFlyweight().wrapForWrite(segment, 0, length)
            .type(request ? IcmpFlyweight.TYPE_ECHO_REQUEST : IcmpFlyweight.TYPE_ECHO_REPLY).code(0)
            .identifier(id).sequenceNumber(sequence).updateChecksum();
        final IcmpFlyweight reader = new IcmpFlyweight();
        assertEquals(Malformed.OK, reader.wrap(segment, 0, length));
        assertEquals(request ? 8 : 0, reader.type());
        assertEquals(id, reader.identifier());
        assertEquals(sequence, reader.sequenceNumber());
        assertEquals(payload.length, reader.dataLength());
        assertFalse(reader.isError());
        assertTrue(reader.verifyChecksum());
        flipBit(segment, 0, length, flip);
        assertFalse(reader.verifyChecksum());
    }

    @Property(seed = "20261122")
    void shouldRoundTripIcmpFragmentationNeeded(@ForAll @IntRange(min = 68, max = 0xFFFF) final int mtu,
        @ForAll final int quotedSource)
    {
        final MemorySegment segment = MemorySegment.ofArray(new byte[36]);
        new Ipv4Flyweight().wrapForWrite(segment, 8, 28).ihl(5).totalLength(1500).fragment(true, false, 0).ttl(64)
            .protocol(6).source(quotedSource).updateHeaderChecksum();
        new IcmpFlyweight().wrapForWrite(segment, 0, 36).type(3).code(4).nextHopMtu(mtu).updateChecksum();
        final IcmpFlyweight reader = new IcmpFlyweight();
        assertEquals(Malformed.OK, reader.wrap(segment, 0, 36));
        assertTrue(reader.isFragmentationNeeded());
        assertEquals(mtu, reader.nextHopMtu());
        assertTrue(reader.hasCompleteQuote());
        assertTrue(reader.verifyChecksum());
        final Ipv4Flyweight quoted = new Ipv4Flyweight();
        assertEquals(Malformed.IPV4_PAYLOAD_TRUNCATED, quoted.wrap(segment, reader.dataOffset(), reader.dataLength()));
        assertEquals(quotedSource, quoted.source());
        assertEquals(1500, quoted.totalLength());
    }

    @Property(seed = "20261122")
    void shouldRoundTripUdp(@ForAll @IntRange(max = 0xFFFF) final int sourcePort,
        @ForAll @IntRange(max = 0xFFFF) final int destinationPort, @ForAll @Size(max = 300) final byte[] payload,
        @ForAll final int source, @ForAll final int destination, @ForAll @IntRange(max = 100_000) final int flip)
    {
        final int length = 8 + payload.length;
        final MemorySegment segment = MemorySegment.ofArray(new byte[length + 3]);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, segment, 8, payload.length);
        new UdpFlyweight().wrapForWrite(segment, 0, length).sourcePort(sourcePort).destinationPort(destinationPort)
            .udpLength(length).updateChecksum(source, destination);
        final UdpFlyweight reader = new UdpFlyweight();
        assertEquals(Malformed.OK, reader.wrap(segment, 0, length + 3), "IP payload may be longer than UDP length");
        assertEquals(sourcePort, reader.sourcePort());
        assertEquals(destinationPort, reader.destinationPort());
        assertEquals(length, reader.udpLength());
        assertEquals(payload.length, reader.payloadLength());
        assertTrue(reader.hasChecksum());
        assertTrue(reader.verifyChecksum(source, destination));
        assertFalse(reader.verifyChecksum(source ^ 1, destination), "the pseudo-header is covered");
        // The Length field (bytes 4-5) stays: it decides how many bytes the checksum covers.
        if (flip % 2 == 0)
        {
            flipBit(segment, 0, 4, flip / 2);
        }
        else
        {
            flipBit(segment, 6, length - 6, flip / 2);
        }
        Assume.that(reader.checksum() != 0);
        assertFalse(reader.verifyChecksum(source, destination));
        reader.checksum(0);
        assertTrue(reader.verifyChecksum(source, destination), "zero means no checksum");
    }

    @Property(seed = "20261122")
    void shouldRoundTripTcpWithOptions(@ForAll @IntRange(max = 0xFFFF) final int sourcePort,
        @ForAll @IntRange(max = 0xFFFF) final int destinationPort, @ForAll final int sequence,
        @ForAll final int acknowledgment, @ForAll @IntRange(max = 0x1FF) final int flags,
        @ForAll @IntRange(max = 0xFFFF) final int window, @ForAll @IntRange(max = 0xFFFF) final int urgent,
        @ForAll final boolean withMss, @ForAll @IntRange(max = 0xFFFF) final int mss,
        @ForAll final boolean withScale, @ForAll @IntRange(max = 14) final int scale,
        @ForAll final boolean sackPermitted, @ForAll final boolean withTimestamps, @ForAll final int tsVal,
        @ForAll final int tsEcr, @ForAll @IntRange(max = 2) final int sackBlocks, @ForAll final int sackEdge,
        @ForAll @Size(max = 200) final byte[] payload, @ForAll final int source, @ForAll final int destination,
        @ForAll @IntRange(max = 100_000) final int flip)
    {
        final MemorySegment segment = MemorySegment.ofArray(new byte[60 + payload.length]);
        final TcpOptionsWriter writer = new TcpOptionsWriter().wrap(segment, 20, 40);
        if (withMss)
        {
            writer.mss(mss);
        }
        if (withScale)
        {
            writer.windowScale(scale);
        }
        if (sackPermitted)
        {
            writer.sackPermitted();
        }
        if (withTimestamps)
        {
            writer.timestamps(tsVal, tsEcr);
        }
        for (int i = 0; i < sackBlocks; i++)
        {
            writer.sackBlock(sackEdge + i, sackEdge + 100 + i);
        }
        final int optionsLength = writer.finish();
        assertEquals(0, optionsLength % 4);
        final int headerLength = 20 + optionsLength;
        final int length = headerLength + payload.length;
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, segment, headerLength, payload.length);
        new TcpFlyweight().wrapForWrite(segment, 0, length).sourcePort(sourcePort).destinationPort(destinationPort)
            .sequenceNumber(sequence).acknowledgmentNumber(acknowledgment).dataOffset(headerLength / 4).flags(flags)
            .window(window).urgentPointer(urgent).updateChecksum(source, destination);

        final TcpFlyweight reader = new TcpFlyweight();
        assertEquals(Malformed.OK, reader.wrap(segment, 0, length));
        assertEquals(sourcePort, reader.sourcePort());
        assertEquals(destinationPort, reader.destinationPort());
        assertEquals(sequence, reader.sequenceNumber());
        assertEquals(acknowledgment, reader.acknowledgmentNumber());
        assertEquals(flags, reader.flags());
        assertEquals((flags & TcpFlyweight.AE) != 0, reader.ae());
        assertEquals((flags & TcpFlyweight.SYN) != 0, reader.syn());
        assertEquals(window, reader.window());
        assertEquals(urgent, reader.urgentPointer());
        assertEquals(headerLength, reader.headerLength());
        assertEquals(payload.length, reader.payloadLength());

        final TcpOptions options = new TcpOptions();
        assertEquals(Malformed.OK, options.wrap(reader));
        boolean sawMss = false;
        boolean sawScale = false;
        boolean sawSackPermitted = false;
        boolean sawTimestamps = false;
        int sawBlocks = 0;
        while (options.next())
        {
            switch (options.kind())
            {
                case TcpOptions.KIND_MSS ->
                {
                    sawMss = true;
                    assertEquals(mss, options.mss());
                }
                case TcpOptions.KIND_WINDOW_SCALE ->
                {
                    sawScale = true;
                    assertEquals(scale, options.windowScale());
                }
                case TcpOptions.KIND_SACK_PERMITTED -> sawSackPermitted = true;
                case TcpOptions.KIND_TIMESTAMPS ->
                {
                    sawTimestamps = true;
                    assertEquals(tsVal, options.timestampValue());
                    assertEquals(tsEcr, options.timestampEcho());
                }
                case TcpOptions.KIND_SACK ->
                {
                    sawBlocks = options.sackBlockCount();
                    for (int i = 0; i < sawBlocks; i++)
                    {
                        assertEquals(sackEdge + i, options.sackLeftEdge(i));
                        assertEquals(sackEdge + 100 + i, options.sackRightEdge(i));
                    }
                }
                default -> assertEquals(TcpOptions.KIND_NOP, options.kind());
            }
        }
        assertEquals(Malformed.OK, options.malformed());
        assertEquals(withMss, sawMss);
        assertEquals(withScale, sawScale);
        assertEquals(sackPermitted, sawSackPermitted);
        assertEquals(withTimestamps, sawTimestamps);
        assertEquals(sackBlocks, sawBlocks);

        assertTrue(reader.verifyChecksum(source, destination));
        assertEquals(reader.checksum(), reader.computeChecksum(source, destination));
        flipBit(segment, 0, length, flip);
        assertFalse(reader.verifyChecksum(source, destination));
    }

    @Property(seed = "20261122")
    void shouldReEmitUnknownOptionsByteForByte(@ForAll @IntRange(min = 9, max = 255) final int kind,
        @ForAll @Size(max = 30) final byte[] data)
    {
        Assume.that(kind != TcpOptions.KIND_SACK && kind != TcpOptions.KIND_TIMESTAMPS);
        final MemorySegment source = MemorySegment.ofArray(new byte[40]);
        final TcpOptionsWriter writer = new TcpOptionsWriter().wrap(source, 0, 40);
        writer.nop().raw(kind, MemorySegment.ofArray(data), 0, data.length);
        final int length = writer.finish();
        final TcpOptions options = new TcpOptions();
        options.wrap(source, 0, length);
        final MemorySegment copy = MemorySegment.ofArray(new byte[40]);
        final TcpOptionsWriter copier = new TcpOptionsWriter().wrap(copy, 0, 40);
        int unknown = 0;
        while (options.next())
        {
            if (options.kind() == kind)
            {
                unknown++;
                assertEquals(data.length, options.dataLength());
            }
            copier.copy(options);
        }
        assertEquals(Malformed.OK, options.malformed());
        assertEquals(1, unknown);
        assertEquals(length, copier.length());
        assertArrayEquals(source.asSlice(0, length).toArray(Bytes.U8), copy.asSlice(0, length).toArray(Bytes.U8));
    }

    private static void flipBit(final MemorySegment segment, final long offset, final int length, final int where)
    {
        final int bit = where % (length * 8);
        final long at = offset + bit / 8;
        segment.set(Bytes.U8, at, (byte)(segment.get(Bytes.U8, at) ^ (1 << (bit % 8))));
    }
}
