/**
 * Streaming readers and writers for pcap and pcapng capture files.
 */
package io.tachyon.pcap;
