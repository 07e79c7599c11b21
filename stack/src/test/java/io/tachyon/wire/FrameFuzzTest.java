package io.tachyon.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.tachyon.wire.FrameDissector.Layer;
import io.tachyon.testing.SharedData;

/**
 * At least 100 000 random and mutated frames through {@link FrameDissector}, each in a segment sliced to exactly
 * the frame, so any read outside the frame throws. Seeds: emitted valid frames and, when present, the corpus
 * fixtures. Mutations: bit flips, truncation, length-field lies, option garbage, random bytes.
 */
class FrameFuzzTest
{
    private static final int FRAMES = 120_000;

    @Test
    void shouldNeverThrowOrReadOutsideTheFrame()
    {
        final SplittableRandom random = new SplittableRandom(20261122L);
        final List<byte[]> seeds = seeds(random);
        final FrameDissector dissector = new FrameDissector();
        final byte[] work = new byte[TestFrames.MAX_FRAME + 64];
        final MemorySegment workSegment = MemorySegment.ofArray(work);
        final EnumSet<Malformed> reasons = EnumSet.noneOf(Malformed.class);
        final EnumSet<Layer> layers = EnumSet.noneOf(Layer.class);
        for (int i = 0; i < FRAMES; i++)
        {
            final byte[] seed = seeds.get(random.nextInt(seeds.size()));
            final int length = mutate(random, seed, work);
            final int start = random.nextInt(8);
            // Shift so the frame also starts at odd addresses, then slice to exactly the frame.
            System.arraycopy(work, 0, work, start, length);
            final MemorySegment frame = workSegment.asSlice(start, length);
            final int entry = random.nextInt(10);
            final Malformed result;
            try
            {
                result = entry < 8 ? dissector.dissectEthernet(frame, 0, length)
                    : entry == 8 ? dissector.dissectIpv4(frame, 0, length)
                    : dissector.dissectLinuxSll(frame, 0, length);
                readEverything(dissector, length);
            }
            catch (final RuntimeException e)
            {
                throw new AssertionError("frame " + i + " threw: " + java.util.HexFormat.of()
                    .formatHex(work, start, start + length), e);
            }
            assertNotNull(result);
            assertEquals(result, dissector.malformed());
            reasons.add(result);
            layers.add(dissector.layer());
        }
        assertTrue(reasons.size() >= 12, "mutations reached only " + reasons);
        assertTrue(layers.containsAll(EnumSet.of(Layer.ETHERNET, Layer.ARP, Layer.IPV4, Layer.ICMP, Layer.UDP,
            Layer.TCP, Layer.LINUX_SLL)), "layers reached " + layers);
    }

    /** Touches every getter of every layer reached; each must stay inside the frame. */
    private static void readEverything(final FrameDissector dissector, final int frameLength)
    {
        long sink = 0;
        if (dissector.has(Layer.ETHERNET))
        {
            final EthernetFlyweight e = dissector.ethernet();
            sink += e.destination() + e.source() + e.etherType() + e.vlanTci() + e.innerVlanTci() + e.payloadLength();
        }
        if (dissector.has(Layer.LINUX_SLL))
        {
            final LinuxSllFlyweight s = dissector.linuxSll();
            sink += s.packetType() + s.arphrdType() + s.addressLength() + s.addressField() + s.protocol();
        }
        if (dissector.has(Layer.ARP))
        {
            final ArpFlyweight a = dissector.arp();
            sink += a.operation() + a.senderHardwareAddress() + a.senderProtocolAddress()
                + a.targetHardwareAddress() + a.targetProtocolAddress();
        }
        if (dissector.has(Layer.IPV4))
        {
            final Ipv4Flyweight ip = dissector.ipv4();
            sink += ip.tos() + ip.totalLength() + ip.identification() + ip.flagsAndFragmentOffset() + ip.ttl()
                + ip.protocol() + ip.headerChecksum() + ip.source() + ip.destination() + ip.computeHeaderChecksum();
            assertTrue(ip.payloadOffset() + ip.availablePayloadLength() <= frameLength);
            final MemorySegment options = ip.segment().asSlice(ip.optionsOffset(), ip.optionsLength());
            sink += options.byteSize();
        }
        if (dissector.has(Layer.ICMP))
        {
            final IcmpFlyweight icmp = dissector.icmp();
            sink += icmp.type() + icmp.code() + icmp.restOfHeader() + icmp.dataLength()
                + (icmp.hasCompleteQuote() ? 1 : 0)
                + icmp.computeChecksum() + (icmp.verifyChecksum() ? 1 : 0);
            assertTrue(icmp.offset() + icmp.length() <= frameLength);
        }
        if (dissector.has(Layer.UDP))
        {
            final UdpFlyweight udp = dissector.udp();
            sink += udp.sourcePort() + udp.destinationPort() + udp.udpLength() + udp.checksum();
            assertTrue(udp.offset() + udp.length() <= frameLength);
        }
        if (dissector.has(Layer.TCP))
        {
            final TcpFlyweight tcp = dissector.tcp();
            sink += tcp.sourcePort() + tcp.sequenceNumber() + tcp.flags() + tcp.window() + tcp.urgentPointer()
                + tcp.payloadLength() + tcp.computeChecksum(1, 2);
            assertTrue(tcp.payloadOffset() + tcp.payloadLength() <= frameLength);
            final TcpOptions options = dissector.tcpOptions();
            options.rewind();
            while (options.next())
            {
                sink += switch (options.kind())
                {
                    case TcpOptions.KIND_MSS -> options.mss();
                    case TcpOptions.KIND_WINDOW_SCALE -> options.windowScale();
                    case TcpOptions.KIND_TIMESTAMPS -> options.timestampValue() + options.timestampEcho();
                    case TcpOptions.KIND_SACK -> options.sackLeftEdge(options.sackBlockCount() - 1)
                        + options.sackRightEdge(0);
                    default -> options.segment().asSlice(options.dataOffset(), options.dataLength()).byteSize();
                };
            }
        }
        if (sink == Long.MIN_VALUE)
        {
            fail("unreachable: keeps the reads alive");
        }
    }

    private static List<byte[]> seeds(final SplittableRandom random)
    {
        final List<byte[]> seeds = new ArrayList<>();
        final TestFrames frames = new TestFrames();
        frames.corruptProbability = 0.1;
        final MemorySegment buffer = MemorySegment.ofArray(new byte[TestFrames.MAX_FRAME]);
        for (int i = 0; i < 400; i++)
        {
            final int length = frames.randomFrame(random, buffer);
            seeds.add(TestFrames.bytes(buffer, length));
        }
        if (SharedData.hasPcaps())
        {
            // Optional here: the fuzz test runs with or without the corpus; FixtureFramesTest enforces its presence.
            final List<byte[]> fixtures = SharedCorpus.allFrames();
            for (int copies = 0; copies < 4; copies++)
            {
                seeds.addAll(fixtures);
            }
        }
        return seeds;
    }

    /** Writes a mutation of {@code seed} into {@code out}; returns its length. */
    private static int mutate(final SplittableRandom random, final byte[] seed, final byte[] out)
    {
        int length = Math.min(seed.length, TestFrames.MAX_FRAME);
        System.arraycopy(seed, 0, out, 0, length);
        final int kind = random.nextInt(10);
        switch (kind)
        {
            case 0 ->
            {
                // Pure random bytes.
                length = random.nextInt(120);
                for (int i = 0; i < length; i++)
                {
                    out[i] = (byte)random.nextInt(256);
                }
            }
            case 1, 2 -> length = random.nextInt(length + 1); // truncation at any length
            case 3, 4 ->
            {
                final int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips && length > 0; f++)
                {
                    final int bit = random.nextInt(length * 8);
                    out[bit / 8] ^= (byte)(1 << (bit % 8));
                }
            }
            case 5, 6 -> lie(random, out, length);
            case 7 ->
            {
                // Garbage in the first 80 bytes (covers IPv4 options and TCP options of most frames).
                final int from = Math.min(length, 14 + random.nextInt(60));
                final int to = Math.min(length, from + 1 + random.nextInt(20));
                for (int i = from; i < to; i++)
                {
                    out[i] = (byte)(random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(4));
                }
            }
            case 8 ->
            {
                lie(random, out, length);
                length = random.nextInt(length + 1);
            }
            default ->
            {
                // Unchanged, or a few bytes of tail dropped.
                length = Math.max(0, length - random.nextInt(4));
            }
        }
        Arrays.fill(out, length, Math.min(out.length, length + 8), (byte)0x5A);
        return length;
    }

    /** Overwrites a length-bearing field (EtherType/TPID, IHL, total length, UDP length, TCP offset) with a lie. */
    private static void lie(final SplittableRandom random, final byte[] out, final int length)
    {
        final int l3 = 14 + ((length > 13 && (out[12] & 0xFF) == 0x81) ? 4 : 0);
        final int ihl = length > l3 ? (out[l3] & 0x0F) * 4 : 20;
        final int l4 = l3 + Math.max(20, ihl);
        final int[] positions = {12, 13, l3, l3 + 2, l3 + 3, l4 + 4, l4 + 5, l4 + 12, l3 + 9, l3 + 6};
        final int position = positions[random.nextInt(positions.length)];
        if (position < length)
        {
            final int[] values = {0, 1, 4, 5, 8, 0x45, 0x4F, 0x40, 0xF0, 0x81, 0x88, 0xFF, random.nextInt(256)};
            out[position] = (byte)values[random.nextInt(values.length)];
        }
    }
}
