package org.tapline.pcap;

/**
 * Layout of the classic libpcap file format, draft-ietf-opsawg-pcap (§4 File Header,
 * §5 Packet Record). All fields are in the byte order of the writer, recognised by the magic.
 *
 * <pre>
 * File Header (24 bytes)
 *                         1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  0 |                          Magic Number                         |  A1B2C3D4 us, A1B23C4D ns
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  4 |          Major Version        |         Minor Version         |  2, 4
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  8 |                      Reserved1 (thiszone)                     |  0
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * 12 |                      Reserved2 (sigfigs)                      |  0
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * 16 |                            SnapLen                            |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * 20 | FCS |f|           0           |           LinkType            |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Packet Record (16 bytes + data)
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  0 |                      Timestamp (Seconds)                      |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  4 |            Timestamp (Microseconds or nanoseconds)            |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  8 |                    Captured Packet Length                     |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * 12 |                    Original Packet Length                     |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * 16 /                Packet Data (Captured Packet Length)           /
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class PcapFormat {
    static final int MAGIC_MICROS = 0xA1B2C3D4;
    static final int MAGIC_NANOS = 0xA1B23C4D;
    static final int MAGIC_MICROS_SWAPPED = 0xD4C3B2A1;
    static final int MAGIC_NANOS_SWAPPED = 0x4D3CB2A1;
    static final short VERSION_MAJOR = 2;
    static final short VERSION_MINOR = 4;

    static final int HEADER_MAGIC = 0;
    static final int HEADER_VERSION_MAJOR = 4;
    static final int HEADER_VERSION_MINOR = 6;
    static final int HEADER_THISZONE = 8;
    static final int HEADER_SIGFIGS = 12;
    static final int HEADER_SNAPLEN = 16;
    static final int HEADER_LINKTYPE = 20;
    static final int HEADER_LENGTH = 24;
    /** draft-ietf-opsawg-pcap §4: the link type is the low 16 bits; FCS length and f bit sit above. */
    static final int LINKTYPE_MASK = 0xFFFF;

    static final int RECORD_TS_SECONDS = 0;
    static final int RECORD_TS_FRACTION = 4;
    static final int RECORD_CAPTURED_LENGTH = 8;
    static final int RECORD_ORIGINAL_LENGTH = 12;
    static final int RECORD_HEADER_LENGTH = 16;

    /**
     * Largest captured length accepted or written: libpcap's {@code MAXIMUM_SNAPLEN}
     * (tcpdump's default snapshot length).
     */
    static final int MAX_PACKET = 256 * 1024;

    private PcapFormat() {}
}
