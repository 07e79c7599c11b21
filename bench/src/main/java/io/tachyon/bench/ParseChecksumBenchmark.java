package io.tachyon.bench;

import io.tachyon.wire.EthernetFlyweight;
import io.tachyon.wire.FrameDissector;
import io.tachyon.wire.InternetChecksum;
import io.tachyon.wire.Ipv4Flyweight;
import io.tachyon.wire.TcpFlyweight;
import io.tachyon.wire.TcpOptionsWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Parsing and checksumming one 1500-byte TCP frame (Ethernet + IPv4 + TCP with timestamps + 1448 bytes of data):
 * {@link #dissect()} runs the whole {@link FrameDissector} (every header, the IPv4 header checksum and the TCP
 * checksum over pseudo-header and payload); {@link #checksumOnly()} is the RFC 1071 sum over the TCP segment alone.
 * Run with {@code -prof gc} to see the allocation rate: it must be 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ParseChecksumBenchmark
{
    private static final int FRAME_LENGTH = 1514;
    private static final int L3 = EthernetFlyweight.HEADER_LENGTH;
    private static final int L4 = L3 + 20;

    /** Where the frame lives: off-heap (driver memory, as in production) or a heap array. */
    @Param({"offheap", "heap"})
    public String memory;

    private final FrameDissector dissector = new FrameDissector();
    private MemorySegment frame;
    private int tcpLength;

    /**
     * JMH needs a public constructor.
     */
    public ParseChecksumBenchmark()
    {
    }

    /**
     * Builds the frame with valid checksums.
     */
    @Setup
    public void setUp()
    {
        frame = "heap".equals(memory) ? MemorySegment.ofArray(new byte[FRAME_LENGTH])
            : Arena.ofAuto().allocate(FRAME_LENGTH, 64);
        final SplittableRandom random = new SplittableRandom(1500);
        for (int i = 0; i < FRAME_LENGTH; i++)
        {
            frame.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte)random.nextInt(256));
        }
        final int source = 0x0a000001;
        final int destination = 0x0a000002;
        new EthernetFlyweight().wrapForWrite(frame, 0, FRAME_LENGTH)
            .destination(0x020000000002L).source(0x020000000001L).etherType(EthernetFlyweight.ETHER_TYPE_IPV4);
        final TcpOptionsWriter options = new TcpOptionsWriter()
            .wrap(frame, L4 + TcpFlyweight.OPTIONS_OFFSET, 40);
        options.nop().nop().timestamps(123_456, 654_321);
        final int optionsLength = options.finish();
        tcpLength = FRAME_LENGTH - L4;
        new TcpFlyweight().wrapForWrite(frame, L4, tcpLength)
            .sourcePort(40_000).destinationPort(80).sequenceNumber(1_000_000).acknowledgmentNumber(2_000_000)
            .dataOffset(5 + optionsLength / 4).flags(0x18).window(65_535).urgentPointer(0)
            .updateChecksum(source, destination);
        new Ipv4Flyweight().wrapForWrite(frame, L3, FRAME_LENGTH - L3)
            .versionIhl(0x45).tos(0).totalLength(FRAME_LENGTH - L3).identification(1).fragment(true, false, 0)
            .ttl(64).protocol(Ipv4Flyweight.PROTOCOL_TCP).source(source).destination(destination)
            .updateHeaderChecksum();
        dissector.dissectEthernet(frame, 0, FRAME_LENGTH);
        if (!dissector.malformed().isOk() || dissector.transportChecksum().isBad() || dissector.ipv4Checksum().isBad())
        {
            throw new IllegalStateException("benchmark frame does not parse cleanly: " + dissector.malformed());
        }
    }

    /**
     * Dissects the whole frame, verifying both checksums.
     *
     * @return a value depending on every layer, so nothing is optimised away.
     */
    @Benchmark
    public int dissect()
    {
        final FrameDissector d = dissector;
        d.dissectEthernet(frame, 0, FRAME_LENGTH);
        return d.tcp().sequenceNumber() + d.transportChecksum().ordinal() + d.ipv4Checksum().ordinal()
            + d.malformed().ordinal();
    }

    /**
     * The one's-complement sum over the 1480-byte TCP segment alone.
     *
     * @return the sum.
     */
    @Benchmark
    public int checksumOnly()
    {
        return InternetChecksum.sum(frame, L4, tcpLength);
    }
}
