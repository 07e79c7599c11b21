/**
 * The Tachyon stack: wire formats, pcap files, the packet driver SPI with its built-in drivers, and the clock.
 */
module io.tachyon.stack
{
    requires org.agrona;
    requires io.netty.buffer;

    exports io.tachyon.time;
    exports io.tachyon.driver;
    exports io.tachyon.pcap;
    exports io.tachyon.driver.memory;
    exports io.tachyon.wire;
    exports io.tachyon.driver.pcap;
    exports io.tachyon.counters;
    exports io.tachyon.ipv4;
    exports io.tachyon.arp;
    exports io.tachyon.igmp;
    exports io.tachyon.tcp;
}
