package io.tachyon.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds pcapng files block by block for tests, in either byte order, including blocks the writer never produces.
 */
final class PcapngBuilder
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    PcapngBuilder(final ByteOrder order)
    {
        this.order = order;
    }

    /** A section header in the given byte order (which then applies to the following blocks). */
    PcapngBuilder section(final ByteOrder sectionOrder)
    {
        order = sectionOrder;
        final ByteBuffer body = body(16);
        body.putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(0x0a0d0d0a, body.array());
    }

    /** An interface; {@code tsresol} &lt; 0 means no if_tsresol option; {@code tsOffsetSeconds} 0 means none. */
    PcapngBuilder iface(final int linkType, final int snapLength, final int tsresol, final long tsOffsetSeconds)
    {
        final ByteBuffer body = body(8 + 8 + 12 + 4);
        body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        if (tsresol >= 0)
        {
            body.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
        }
        if (tsOffsetSeconds != 0)
        {
            body.putShort((short) 14).putShort((short) 8).putLong(tsOffsetSeconds);
        }
        body.putShort((short) 0).putShort((short) 0);
        return block(1, slice(body));
    }

    PcapngBuilder enhanced(final int iface, final long tsUnits, final byte[] data, final int originalLength)
    {
        final ByteBuffer body = body(20 + pad(data.length) + 8);
        body.putInt(iface).putInt((int) (tsUnits >>> 32)).putInt((int) tsUnits).putInt(data.length)
            .putInt(originalLength).put(data).put(new byte[pad(data.length) - data.length]);
        return block(6, slice(body));
    }

    PcapngBuilder obsoletePacket(final int iface, final long tsUnits, final byte[] data, final int originalLength)
    {
        final ByteBuffer body = body(20 + pad(data.length));
        body.putShort((short) iface).putShort((short) 0).putInt((int) (tsUnits >>> 32)).putInt((int) tsUnits)
            .putInt(data.length).putInt(originalLength).put(data).put(new byte[pad(data.length) - data.length]);
        return block(2, slice(body));
    }

    PcapngBuilder simple(final byte[] data, final int originalLength)
    {
        final ByteBuffer body = body(4 + pad(data.length));
        body.putInt(originalLength).put(data).put(new byte[pad(data.length) - data.length]);
        return block(3, slice(body));
    }

    /** Any block with the given body (padded to 4). */
    PcapngBuilder other(final int type, final byte[] content)
    {
        final ByteBuffer body = body(pad(content.length));
        body.put(content).put(new byte[pad(content.length) - content.length]);
        return block(type, body.array());
    }

    byte[] bytes()
    {
        return out.toByteArray();
    }

    private static int pad(final int length)
    {
        return (length + 3) & ~3;
    }

    private ByteBuffer body(final int capacity)
    {
        return ByteBuffer.allocate(capacity).order(order);
    }

    private static byte[] slice(final ByteBuffer body)
    {
        final byte[] bytes = new byte[body.position()];
        body.flip().get(bytes);
        return bytes;
    }

    private PcapngBuilder block(final int type, final byte[] body)
    {
        final ByteBuffer block = ByteBuffer.allocate(12 + body.length).order(order);
        block.putInt(type).putInt(12 + body.length).put(body).putInt(12 + body.length);
        out.writeBytes(block.array());
        return this;
    }
}
