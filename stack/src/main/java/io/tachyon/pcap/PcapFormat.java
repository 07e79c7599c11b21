package io.tachyon.pcap;

/**
 * The capture file formats that {@link PcapReader} reads and {@link PcapWriter} writes.
 */
public enum PcapFormat
{
    /** Classic pcap (magic 0xa1b2c3d4) with microsecond timestamps. */
    PCAP_MICROS,
    /** Classic pcap (magic 0xa1b23c4d) with nanosecond timestamps. */
    PCAP_NANOS,
    /** pcapng; the writer produces one section, one interface with nanosecond timestamps, and Enhanced Packets. */
    PCAPNG
}
