package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.tcp.TcpSocket;
import io.tachyon.wire.TcpFlyweight;

/**
 * A receiver whose application reads everything at once sends no window update per segment: the replay of a Linux
 * bulk upload (pcaps/tcp-bulk-upload.pcap) showed Tachyon acknowledging every 1448-byte segment because each read
 * reopened the window by one MSS. As Linux's tcp_cleanup_rbuf, a read sends an update only when the advertised
 * window had shrunk to half the buffer or less, so a fast reader is acknowledged every second segment (RFC 1122
 * 4.2.3.2) and a window that was nearly closed is still reopened at once.
 */
class StackTcpWindowUpdateTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void shouldAcknowledgeAFastReaderEverySecondSegmentNotEverySegment()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            final int total = 512 * 1024;
            final byte[] chunk = new byte[16 * 1024];
            final byte[] sink = new byte[64 * 1024];
            final int[] counts = new int[2];
            final int before = pair.tapB.sent.size();
            assertTrue(pair.runUntil(() ->
            {
                if (counts[0] < total)
                {
                    counts[0] += s[0].write(chunk, 0, Math.min(chunk.length, total - counts[0]));
                }
                final int n = s[1].read(sink, 0, sink.length);
                counts[1] += Math.max(0, n);
                return counts[1] == total;
            }, 10 * SECOND));
            pair.run(SECOND);
            int data = 0;
            for (final TapDriver.Segment seg : pair.tapA.dataSegments())
            {
                data += seg.payload() > 0 ? 1 : 0;
            }
            int pureAcks = 0;
            for (final TapDriver.Segment seg : pair.tapB.sent.subList(before, pair.tapB.sent.size()))
            {
                if (seg.payload() == 0 && seg.flags() == TcpFlyweight.ACK)
                {
                    pureAcks++;
                }
            }
            assertEquals(total, counts[1]);
            assertTrue(data > 300, "segments carrying the data: " + data);
            assertTrue(pureAcks <= data / 2 + 2, "pure ACKs " + pureAcks + " for " + data + " data segments");
        }
    }

    @Test
    void shouldReopenANearlyClosedWindowAtOnceWhenTheReaderCatchesUp()
    {
        try (TapPair pair = new TapPair(dir))
        {
            final TcpSocket[] s = pair.connect(80);
            final byte[] chunk = new byte[64 * 1024];
            // The reader sleeps: the sender fills the whole receive buffer and the window closes.
            pair.runUntil(() ->
            {
                s[0].write(chunk, 0, chunk.length);
                return false;
            }, SECOND / 2);
            final int queued = s[1].readable();
            assertTrue(queued > 128 * 1024, "the receive buffer filled: " + queued);
            final int sentBefore = pair.tapB.sent.size();
            final byte[] sink = new byte[queued];
            assertEquals(queued, s[1].read(sink, 0, sink.length));
            assertTrue(pair.tapB.sent.size() > sentBefore || pair.runUntil(
                () -> pair.tapB.sent.size() > sentBefore, 1_000_000L), "a window update right after the read");
            final TapDriver.Segment update = pair.tapB.sent.get(sentBefore);
            assertEquals(TcpFlyweight.ACK, update.flags());
            assertTrue(update.window() > 0, "the update opens the window");
        }
    }
}
