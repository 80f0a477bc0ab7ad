package org.tapline.pcap;

/**
 * A capture interface as pcapng's Interface Description Block records it (a pcap file has
 * exactly one, from its header). {@code name} and {@code description} may be null.
 */
public record InterfaceDescription(int linkType, int snaplen, String name, String description) {}
