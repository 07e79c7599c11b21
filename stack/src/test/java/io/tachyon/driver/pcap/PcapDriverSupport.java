package io.tachyon.driver.pcap;

import io.tachyon.driver.FrameBatch;
import io.tachyon.pcap.PcapFormat;
import io.tachyon.pcap.PcapReader;
import io.tachyon.pcap.PcapWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers: build frames, write and read small captures.
 */
final class PcapDriverSupport
{
    /** A capture-time base: 2024-01-01T00:00:00Z. */
    static final long T0 = 1_704_067_200_000_000_000L;

    private PcapDriverSupport()
    {
    }

    /** One record as read back from a capture. */
    record Rec(byte[] data, int originalLength, long timestampNs, int linkType)
    {
    }

    /** One record to write. */
    record Out(byte[] data, int originalLength, long timestampNs)
    {
        Out(final byte[] data, final long timestampNs)
        {
            this(data, data.length, timestampNs);
        }
    }

    static void write(final Path file, final PcapFormat format, final int linkType, final List<Out> records)
    {
        try (PcapWriter writer = PcapWriter.create(file, format, linkType))
        {
            for (final Out r : records)
            {
                writer.write(MemorySegment.ofArray(r.data()), 0, r.data().length, r.originalLength(),
                    r.timestampNs());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static List<Rec> read(final Path file)
    {
        final List<Rec> out = new ArrayList<>();
        try (PcapReader reader = PcapReader.open(file))
        {
            while (reader.next())
            {
                final byte[] data = new byte[reader.capturedLength()];
                MemorySegment.copy(reader.segment(), reader.dataOffset(), MemorySegment.ofArray(data), 0L,
                    data.length);
                out.add(new Rec(data, reader.originalLength(), reader.timestampNs(), reader.linkType()));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out;
    }

    static byte[] bytes(final FrameBatch batch, final int index)
    {
        final byte[] out = new byte[batch.length(index)];
        MemorySegment.copy(batch.segment(index), batch.offset(index), MemorySegment.ofArray(out), 0L, out.length);
        return out;
    }

    static void put(final FrameBatch batch, final int index, final byte[] frame)
    {
        MemorySegment.copy(MemorySegment.ofArray(frame), 0L, batch.segment(index), batch.offset(index), frame.length);
        batch.length(index, frame.length);
    }

    static int ip(final String dotted)
    {
        final String[] p = dotted.split("\\.");
        return (Integer.parseInt(p[0]) << 24) | (Integer.parseInt(p[1]) << 16) | (Integer.parseInt(p[2]) << 8) |
            Integer.parseInt(p[3]);
    }

    /** An IPv4 packet (IHL 5) with a TCP/UDP header whose ports are set, and {@code payload} pattern bytes. */
    static byte[] ipv4(
        final int protocol, final String src, final int srcPort, final String dst, final int dstPort,
        final int payload)
    {
        final int l4 = protocol == 6 ? 20 : 8;
        final ByteBuffer b = ByteBuffer.allocate(20 + l4 + payload).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4 + payload)).putShort((short) 1)
            .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0)
            .putInt(ip(src)).putInt(ip(dst));
        b.putShort((short) srcPort).putShort((short) dstPort);
        for (int i = 4; i < l4 + payload; i++)
        {
            b.put((byte) (i * 7 + srcPort));
        }
        return b.array();
    }

    static byte[] ethernet(final long dstMac, final long srcMac, final int etherType, final byte[] payload)
    {
        final ByteBuffer b = ByteBuffer.allocate(14 + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) (dstMac >>> 32)).putInt((int) dstMac);
        b.putShort((short) (srcMac >>> 32)).putInt((int) srcMac);
        b.putShort((short) etherType).put(payload);
        return b.array();
    }

    static byte[] udpFrame(final String src, final int srcPort, final String dst, final int dstPort, final int payload)
    {
        return ethernet(0x02_00_00_00_00_0aL, 0x02_00_00_00_00_0bL, 0x0800,
            ipv4(17, src, srcPort, dst, dstPort, payload));
    }

    static byte[] arpFrame(final long srcMac, final String senderIp, final String targetIp)
    {
        final ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.putShort((short) (srcMac >>> 32)).putInt((int) srcMac).putInt(ip(senderIp));
        b.putShort((short) 0).putInt(0).putInt(ip(targetIp));
        return ethernet(0xff_ff_ff_ff_ff_ffL, srcMac, 0x0806, b.array());
    }

    /** Sequence-numbered test frame of {@code length} bytes (experimental ethertype 0x88b5). */
    static byte[] frame(final int sequence, final int length)
    {
        final byte[] f = new byte[length];
        f[0] = 2;
        f[5] = 1;
        f[6] = 2;
        f[11] = 2;
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5;
        for (int i = 14; i < length; i++)
        {
            f[i] = (byte) (sequence * 31 + i);
        }
        return f;
    }
}
