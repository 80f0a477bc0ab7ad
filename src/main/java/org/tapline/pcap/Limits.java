package org.tapline.pcap;

/** Bounds every length read from a capture file is checked against before anything is allocated. */
final class Limits {
    /** libpcap's MAXIMUM_SNAPLEN; larger records are refused. */
    static final int MAX_PACKET = 262144;
    /** No pcapng block (an EPB of a maximal packet plus options) legitimately exceeds this. */
    static final int MAX_BLOCK = 16 << 20;

    private Limits() {}
}
