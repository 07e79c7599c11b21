/**
 * The Tachyon stack: wire formats, pcap files, the packet driver SPI with its built-in drivers, the clock, and the
 * running stack (Ethernet, ARP, IPv4, ICMP, UDP).
 * <p>
 * Agrona (the stack is an {@code Agent}) and Netty's buffers ({@code UdpSocket} sends and receives {@code ByteBuf}s)
 * appear in the public API, so they are required transitively; both are automatic modules.
 */
@SuppressWarnings("requires-transitive-automatic")
module io.tachyon.stack
{
    requires transitive org.agrona;
    requires transitive io.netty.buffer;

    exports io.tachyon.time;
    exports io.tachyon.driver;
    exports io.tachyon.pcap;
    exports io.tachyon.driver.memory;
    exports io.tachyon.wire;
    exports io.tachyon.driver.pcap;
    exports io.tachyon.counters;
    exports io.tachyon.ipv4;
    exports io.tachyon.arp;
    exports io.tachyon.link;
    exports io.tachyon.icmp;
    exports io.tachyon.udp;
    exports io.tachyon.stack;
    exports io.tachyon.igmp;
}
