package io.tachyon.stack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tachyon.udp.UdpChannel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two application threads send random sequences of datagrams (random sizes, random buffer types, blocking or
 * retried non-blocking sends) through ONE shared channel (its send ring is multi-producer) to a channel on the peer
 * stack, over a lossless wire, while the stacks run on their own thread: every datagram arrives exactly once,
 * byte-exact, and each sender's datagrams arrive in the order it sent them.
 */
class UdpChannelPropertiesTest
{
    private static final int PORT = 9;
    private static final Path COUNTERS = CountersDirectory.create("tachyon-channel-properties");
    private static ThreadedPair pair;
    private static UdpChannel sender;
    private static UdpChannel receiver;
    private static ExecutorService senders;
    private static int tryNumber;

    @BeforeContainer
    static void start()
    {
        pair = new ThreadedPair(COUNTERS, "props");
        sender = pair.a.openUdpChannel(pair.channel(0, 5000).withRings(1 << 16, 1 << 16));
        receiver = pair.b.openUdpChannel(pair.channel(0, PORT).withRings(1 << 20, 1 << 20));
        senders = Executors.newFixedThreadPool(2, r ->
        {
            final Thread thread = new Thread(r, "property-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    @AfterContainer
    static void stop() throws IOException
    {
        senders.shutdownNow();
        pair.close();
        CountersDirectory.delete(COUNTERS);
    }

    /** Datagram {@code sequence} of {@code id} in try {@code tryId}: a 9-byte header then a derived pattern. */
    private static void fill(final byte[] into, final int length, final int tryId, final int id, final int sequence)
    {
        ByteBuffer.wrap(into).putInt(tryId).put((byte)id).putInt(sequence);
        for (int i = 9; i < length; i++)
        {
            into[i] = (byte)(sequence * 17 + id * 101 + i);
        }
    }

    private static Void send(final int tryId, final int id, final List<Integer> sizes, final int mode)
    {
        final byte[] bytes = new byte[1500];
        final ByteBuf direct = Unpooled.directBuffer(1500);
        try
        {
            for (int sequence = 0; sequence < sizes.size(); sequence++)
            {
                final int length = 9 + sizes.get(sequence);
                fill(bytes, length, tryId, id, sequence);
                switch ((mode + sequence) % 3)
                {
                    case 0 -> sender.send(bytes, 0, length, Frames.IP_B, PORT);
                    case 1 ->
                    {
                        final ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
                        while (!sender.trySend(buffer, Frames.IP_B, PORT))
                        {
                            Thread.yield();
                        }
                    }
                    default ->
                    {
                        direct.clear().writeBytes(bytes, 0, length);
                        sender.send(direct, Frames.IP_B, PORT);
                    }
                }
            }
        }
        finally
        {
            direct.release();
        }
        return null;
    }

    @Property(seed = "20261122")
    void shouldDeliverEveryDatagramOfTwoSendersExactlyOnceInPerSenderOrder(
        @ForAll @Size(max = 24) final List<@IntRange(min = 0, max = 1400) Integer> sizes0,
        @ForAll @Size(max = 24) final List<@IntRange(min = 0, max = 1400) Integer> sizes1,
        @ForAll @IntRange(min = 0, max = 2) final int mode) throws Exception
    {
        final int tryId = ++tryNumber;
        final Future<Void> first = senders.submit(() -> send(tryId, 0, sizes0, mode));
        final Future<Void> second = senders.submit(() -> send(tryId, 1, sizes1, mode + 1));
        final int total = sizes0.size() + sizes1.size();
        final int[] next = new int[2];
        final byte[] into = new byte[2000];
        final byte[] expected = new byte[2000];
        for (int n = 0; n < total; n++)
        {
            final int length = receiver.receive(into, 0, into.length);
            assertTrue(length >= 9, "a datagram of " + length + " bytes");
            final ByteBuffer header = ByteBuffer.wrap(into);
            assertEquals(tryId, header.getInt(), "a datagram of this try");
            final int id = header.get();
            final int sequence = header.getInt();
            assertTrue(id == 0 || id == 1, "sender " + id);
            assertEquals(next[id], sequence, "sender " + id + "'s datagrams in order, each once");
            final List<Integer> sizes = id == 0 ? sizes0 : sizes1;
            assertEquals(9 + sizes.get(sequence), length, "the length of datagram " + sequence + " of " + id);
            fill(expected, length, tryId, id, sequence);
            assertEquals(ByteBuffer.wrap(expected, 0, length), ByteBuffer.wrap(into, 0, length), "byte-exact");
            next[id]++;
        }
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertEquals(sizes0.size(), next[0]);
        assertEquals(sizes1.size(), next[1]);
        assertEquals(0, receiver.receiveDrops() + sender.sendDrops() + sender.sendErrors());
    }
}
