/**
 * Drivers backed by capture files: PcapDriver replays a capture, CaptureDriver records any driver's traffic.
 */
package io.tachyon.driver.pcap;
