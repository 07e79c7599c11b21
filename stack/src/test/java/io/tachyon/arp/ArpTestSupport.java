package io.tachyon.arp;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Assertions;

import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.Malformed;

/** Addresses, frame builders and a recording output for the ARP tests. */
final class ArpTestSupport
{
    static final long OUR_MAC = 0x02_00_00_00_00_01L;
    static final int OUR_IP = ip("192.168.1.1");
    static final long PEER_MAC = 0x02_00_00_00_00_02L;
    static final int PEER_IP = ip("192.168.1.2");
    static final long OTHER_MAC = 0x02_00_00_00_00_03L;
    static final int OTHER_IP = ip("192.168.1.3");
    static final long SECOND = 1_000_000_000L;
    static final int REQUEST = 1;
    static final int REPLY = 2;
    static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private ArpTestSupport()
    {
    }

    static int ip(final String dotted)
    {
        final String[] parts = dotted.split("\\.");
        return (Integer.parseInt(parts[0]) << 24) | (Integer.parseInt(parts[1]) << 16)
            | (Integer.parseInt(parts[2]) << 8) | Integer.parseInt(parts[3]);
    }

    static long mac(final String colons)
    {
        return Long.parseLong(colons.replace(":", ""), 16);
    }

    /** A 60-byte Ethernet/ARP frame. */
    static byte[] arpFrame(final long ethDst, final long ethSrc, final int op, final long sha, final int spa,
        final long tha, final int tpa)
    {
        final byte[] f = new byte[60];
        putMac(f, 0, ethDst);
        putMac(f, 6, ethSrc);
        f[12] = 0x08;
        f[13] = 0x06;
        f[14] = 0;
        f[15] = 1;
        f[16] = 0x08;
        f[17] = 0;
        f[18] = 6;
        f[19] = 4;
        f[20] = 0;
        f[21] = (byte)op;
        putMac(f, 22, sha);
        putInt(f, 28, spa);
        putMac(f, 32, tha);
        putInt(f, 38, tpa);
        return f;
    }

    /** A request from {@code sha/spa} for {@code tpa}, broadcast. */
    static byte[] request(final long sha, final int spa, final int tpa)
    {
        return arpFrame(BROADCAST, sha, REQUEST, sha, spa, 0, tpa);
    }

    /** A reply from {@code sha/spa} to us. */
    static byte[] replyToUs(final long sha, final int spa)
    {
        return arpFrame(OUR_MAC, sha, REPLY, sha, spa, OUR_MAC, OUR_IP);
    }

    /** A non-ARP test frame (EtherType 0x88B5) carrying a sequence number at byte 14. */
    static byte[] payloadFrame(final int sequence, final int length)
    {
        final byte[] f = new byte[length];
        putMac(f, 6, OUR_MAC);
        f[12] = (byte)0x88;
        f[13] = (byte)0xB5;
        putInt(f, 14, sequence);
        for (int i = 18; i < length; i++)
        {
            f[i] = (byte)(i + sequence);
        }
        return f;
    }

    static int sequenceOf(final byte[] frame)
    {
        return ((frame[14] & 0xFF) << 24) | ((frame[15] & 0xFF) << 16) | ((frame[16] & 0xFF) << 8)
            | (frame[17] & 0xFF);
    }

    static long destinationOf(final byte[] frame)
    {
        long m = 0;
        for (int i = 0; i < 6; i++)
        {
            m = (m << 8) | (frame[i] & 0xFF);
        }
        return m;
    }

    static void putMac(final byte[] f, final int at, final long mac)
    {
        for (int i = 0; i < 6; i++)
        {
            f[at + i] = (byte)(mac >>> (40 - 8 * i));
        }
    }

    static void putInt(final byte[] f, final int at, final int v)
    {
        f[at] = (byte)(v >>> 24);
        f[at + 1] = (byte)(v >>> 16);
        f[at + 2] = (byte)(v >>> 8);
        f[at + 3] = (byte)v;
    }

    static byte[] hex(final String text)
    {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    static String hex(final byte[] bytes)
    {
        return HexFormat.of().formatHex(bytes);
    }

    /** Dissects an Ethernet frame and hands its ARP packet to {@code arp}. */
    static void deliver(final Arp arp, final byte[] frame, final long nowNs)
    {
        final FrameDissector dissector = new FrameDissector();
        final Malformed result = dissector.dissectEthernet(MemorySegment.ofArray(frame), 0, frame.length);
        Assertions.assertEquals(Malformed.OK, result, "test frame must dissect");
        Assertions.assertEquals(FrameDissector.Layer.ARP, dissector.layer());
        arp.onArp(dissector.arp(), nowNs);
    }

    /** An output that records every frame, and can be told to refuse. */
    static final class RecordingOutput implements ArpOutput
    {
        final List<byte[]> frames = new ArrayList<>();
        final List<Integer> unresolvedAddresses = new ArrayList<>();
        final List<byte[]> unresolvedFrames = new ArrayList<>();
        final List<Long> conflicts = new ArrayList<>();
        boolean refuse;

        @Override
        public boolean transmit(final MemorySegment frame, final long offset, final int length)
        {
            if (refuse)
            {
                return false;
            }
            frames.add(frame.asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            return true;
        }

        @Override
        public void unresolved(final int address, final MemorySegment frame, final long offset, final int length)
        {
            unresolvedAddresses.add(address);
            unresolvedFrames.add(frame.asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }

        @Override
        public void addressConflict(final long senderMac, final long nowNs)
        {
            conflicts.add(senderMac);
        }

        byte[] last()
        {
            return frames.getLast();
        }

        List<byte[]> take()
        {
            final List<byte[]> copy = new ArrayList<>(frames);
            frames.clear();
            return copy;
        }
    }
}
