package org.tapline.os;

/**
 * {@code struct pcap_stat}: packets received by the filter, dropped by the kernel for want of
 * buffer space, and dropped by the interface or its driver. Counters are 32-bit in libpcap.
 */
public record PcapStats(long received, long dropped, long interfaceDropped) {}
