package io.tachyon.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tachyon.arp.ArpConfig;
import io.tachyon.driver.memory.MemoryWire;
import io.tachyon.ipv4.Ipv4Address;
import io.tachyon.time.VirtualClock;

/** Validation of every StackConfig value, with messages that name the value. */
class StackConfigTest
{
    @TempDir
    Path counters;

    private static StackConfig.Builder valid()
    {
        return StackConfig.builder().mac("02:00:00:00:00:01").address("10.0.0.1/24");
    }

    private static String rejected(final UnaryOperator<StackConfig.Builder> change)
    {
        return assertThrows(IllegalArgumentException.class, () -> change.apply(valid()).build()).getMessage();
    }

    @Test
    void shouldHaveLinuxLikeDefaults()
    {
        final StackConfig config = valid().build();
        assertEquals(32768, config.ephemeralPortLow());
        assertEquals(60999, config.ephemeralPortHigh());
        assertEquals(64, config.defaultTtl());
        assertEquals(1, config.multicastTtl());
        assertEquals(Ipv4Address.parse("10.0.0.255"), config.subnetBroadcast());
        assertEquals(0, config.gateway());
        assertEquals(600_000_000_000L, config.pathMtuExpiryNs());
        assertEquals(0x02_00_00_00_00_01L, config.arp().localMac());
        assertEquals("StackConfig[tachyon 02:00:00:00:00:01 10.0.0.1/24]", config.toString());
        assertEquals(config.toString(), config.toBuilder().build().toString());
    }

    @Test
    void shouldNameEveryBadValue()
    {
        assertEquals("mac is required: the stack's own MAC address",
            assertThrows(IllegalArgumentException.class, () -> StackConfig.builder().address("10.0.0.1").build())
                .getMessage());
        assertEquals("address is required: the stack's own IPv4 address",
            assertThrows(IllegalArgumentException.class, () -> StackConfig.builder().mac(2L << 40).build())
                .getMessage());
        assertEquals("mac must be a non-zero unicast 48-bit MAC address, was 0x10000000001",
            rejected(b -> b.mac(0x01_00_00_00_00_01L)));
        assertEquals("address 10.0.0.0/24 is the subnet's network or broadcast address, not a host address",
            rejected(b -> b.address("10.0.0.0/24")));
        assertEquals("address must be a unicast host address, was 127.0.0.1 (0/8, 127/8, 224/4 and 240/4 cannot"
            + " name one host)", rejected(b -> b.address("127.0.0.1/8")));
        assertEquals("prefixLength must be in [1, 32], was 33", rejected(b -> b.address("10.0.0.1/33")));
        assertEquals("gateway 10.0.1.1 is not on the connected subnet 10.0.0.0/24",
            rejected(b -> b.gateway("10.0.1.1")));
        assertEquals("gateway must be a unicast host address other than ours, was 10.0.0.1",
            rejected(b -> b.gateway("10.0.0.1")));
        assertEquals("mtu must be in [68, 65535], was 67", rejected(b -> b.mtu(67)));
        assertEquals("ephemeralPortHigh must be in [40000, 65535], was 30000",
            rejected(b -> b.ephemeralPorts(40000, 30000)));
        assertEquals("udpReceiveQueueBytes must be in [2048, 1073741824], was 100",
            rejected(b -> b.udpReceiveQueue(10, 100)));
        assertEquals("timerBuckets must be a power of two in [1, 1048576], was 100",
            rejected(b -> b.timerWheel(1_000_000L, 100, 64)));
        assertEquals("bad stack name 'a b': use 1 to 64 letters, digits, '.', '_' or '-'",
            rejected(b -> b.name("a b")));
        assertEquals("static ARP entry 10.0.1.2 is not on the connected subnet 10.0.0.0/24",
            rejected(b -> b.staticArp(Ipv4Address.parse("10.0.1.2"), 0x02_00_00_00_00_09L)));
        assertEquals("arp config is for 02:00:00:00:00:07 10.0.0.1, not for this stack's 02:00:00:00:00:01 10.0.0.1",
            rejected(b -> b.arp(ArpConfig.of(0x02_00_00_00_00_07L, Ipv4Address.parse("10.0.0.1")))));
        assertEquals("icmpErrorBurst must be in [1, 1000000], was 0", rejected(b -> b.icmpErrorRate(10, 0)));
        assertEquals("txBatch must be in [1, 4096], was 0", rejected(b -> b.txBatch(0)));
    }

    @Test
    void shouldRejectAnMtuAboveTheDriversWhenTheStackIsBuilt()
    {
        final VirtualClock clock = new VirtualClock();
        try (MemoryWire wire = MemoryWire.of(clock))
        {
            wire.endpointA().open();
            final StackConfig config = valid().countersDirectory(counters).mtu(9000).build();
            assertEquals("mtu=9000 exceeds the MTU of driver memory-wire:a (1500)", assertThrows(
                IllegalArgumentException.class, () -> new Stack(config, wire.endpointA(), 0, clock)).getMessage());
        }
    }

    @Test
    void shouldUseASmallerConfiguredMtu()
    {
        final VirtualClock clock = new VirtualClock();
        try (MemoryWire wire = MemoryWire.of(clock))
        {
            wire.endpointA().open();
            try (Stack stack = new Stack(valid().countersDirectory(counters).mtu(1280).build(), wire.endpointA(), 0,
                clock))
            {
                assertEquals(1280, stack.mtu());
                assertEquals(1280, stack.ipv4().linkMtu());
            }
        }
    }
}
