package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.counters.SystemCounterDescriptor;
import io.tachyon.ipv4.Ipv4;
import io.tachyon.wire.Malformed;

/** Garbage frames fed to a stack: every one is a counted drop or a valid answer, nothing throws. */
class StackFuzzTest
{
    private static final int FRAMES = 100_000;

    @TempDir
    Path counters;

    private static List<byte[]> templates()
    {
        final List<byte[]> t = new ArrayList<>();
        t.add(Frames.udpFrame(1234, 5000, Frames.pattern(40, 1)));
        t.add(Frames.udpFrame(1234, 9, Frames.pattern(200, 2)));
        t.add(Frames.echoRequest(1, 2, Frames.pattern(56, 3)));
        t.add(Frames.arp(Frames.BROADCAST_MAC, Frames.MAC_B, 1, Frames.MAC_B, Frames.IP_B, 0, Frames.IP_A));
        t.add(Frames.arp(Frames.MAC_A, Frames.MAC_OTHER, 2, Frames.MAC_OTHER, Frames.IP_OTHER, Frames.MAC_A,
            Frames.IP_A));
        t.add(Frames.ip().id(7).fragment(true, 0).payload(Frames.pattern(64, 4)).frame());
        t.add(Frames.ip().id(7).fragment(false, 64).payload(Frames.pattern(30, 5)).frame());
        t.add(Frames.ip().protocol(1).payload(Frames.icmp(3, 3, 0, Frames.slice(
            Frames.udpFrame(9, 5000, new byte[8]), 14, 14 + 28))).frame());
        t.add(Frames.ip().protocol(1).payload(Frames.icmp(3, 4, 576, Frames.slice(
            Frames.udpFrame(9, 5000, new byte[8]), 14, 14 + 28))).frame());
        t.add(Frames.ip().protocol(Ipv4.PROTOCOL_IGMP).dst(0xE000_0001).dstMac(0x01_00_5E_00_00_01L)
            .payload(new byte[8]).frame());
        t.add(Frames.ip().protocol(6).payload(new byte[40]).frame());
        t.add(Frames.ip().options(new byte[] {(byte)0x94, 4, 0, 0, 1, 0, 0, 0}).payload(
            Frames.udp(Frames.IP_B, Frames.IP_A, 1, 5000, new byte[4])).frame());
        return t;
    }

    private static byte[] garbage(final SplittableRandom random, final List<byte[]> templates)
    {
        final int kind = random.nextInt(10);
        if (kind == 0)
        {
            final byte[] bytes = new byte[14 + random.nextInt(1500)];
            random.nextBytes(bytes);
            if (random.nextBoolean())
            {
                System.arraycopy(Frames.udpFrame(1, 1, new byte[0]), 0, bytes, 0, 14);
            }
            return bytes;
        }
        final byte[] frame = templates.get(random.nextInt(templates.size())).clone();
        if (kind <= 4)
        {
            final int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++)
            {
                frame[12 + random.nextInt(frame.length - 12)] ^= (byte)(1 + random.nextInt(255));
            }
            return frame;
        }
        if (kind <= 6)
        {
            final int length = 14 + random.nextInt(frame.length - 13);
            final byte[] cut = new byte[length];
            System.arraycopy(frame, 0, cut, 0, length);
            return cut;
        }
        // rewrite IPv4 header fields (version/IHL, total length, flags/offset, protocol) with random values
        if (frame.length >= 34 && frame[12] == 0x08 && frame[13] == 0x00)
        {
            final int field = random.nextInt(4);
            switch (field)
            {
                case 0 -> frame[14] = (byte)random.nextInt(256);
                case 1 ->
                {
                    frame[16] = (byte)random.nextInt(256);
                    frame[17] = (byte)random.nextInt(256);
                }
                case 2 ->
                {
                    frame[20] = (byte)random.nextInt(256);
                    frame[21] = (byte)random.nextInt(256);
                }
                default -> frame[23] = (byte)random.nextInt(256);
            }
            if (random.nextBoolean())
            {
                fixHeaderChecksum(frame);
            }
        }
        return frame;
    }

    private static void fixHeaderChecksum(final byte[] frame)
    {
        final int headerLength = (frame[14] & 0x0F) * 4;
        if (headerLength < 20 || 14 + headerLength > frame.length)
        {
            return;
        }
        frame[24] = 0;
        frame[25] = 0;
        long sum = 0;
        for (int i = 0; i < headerLength; i += 2)
        {
            sum += ((frame[14 + i] & 0xFF) << 8) | (frame[15 + i] & 0xFF);
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        final int checksum = (int)(~sum & 0xFFFF);
        frame[24] = (byte)(checksum >>> 8);
        frame[25] = (byte)checksum;
    }

    @Test
    void shouldCountEveryGarbageFrameAsADropOrAnswerItAndNeverThrow()
    {
        try (Harness h = new Harness(counters))
        {
            h.stack.openUdpSocket().bind(5000);
            final SplittableRandom random = new SplittableRandom(20261122L);
            final List<byte[]> templates = templates();
            for (int sent = 0; sent < FRAMES; sent += 32)
            {
                for (int i = 0; i < 32; i++)
                {
                    h.inject(garbage(random, templates));
                }
                h.stack.doWork();
                h.stack.doWork();
                h.drain();
                h.clock.advance(random.nextInt(2_000_000));
                assertTrue(h.stack.reassembly().memoryInUse() <= h.stack.reassembly().memoryCapacity());
            }
            h.stack.syncCounters();
            assertEquals(0, h.stack.counters().stack().get(StackCounter.ERRORS).get(),
                () -> "unexpected exception: " + h.stack.lastError());
            assertEquals(FRAMES, h.stack.counters().system().get(SystemCounterDescriptor.FRAMES_RECEIVED).get());
            final long dropped = h.stack.counters().system().get(SystemCounterDescriptor.FRAMES_DROPPED).get();
            assertTrue(dropped > FRAMES / 4 && dropped < FRAMES, "dropped " + dropped);
            long malformed = 0;
            for (final Malformed reason : Malformed.values())
            {
                malformed += h.stack.counters().malformed().get(reason).get();
            }
            assertTrue(malformed > 1000, "malformed " + malformed);
            // still healthy: a ping is answered
            assertEquals(1, h.exchange(Frames.echoRequest(9, 9, new byte[8])).size());
        }
    }
}
