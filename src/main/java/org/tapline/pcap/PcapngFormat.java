package org.tapline.pcap;

/**
 * Layout of the pcapng file format, draft-ietf-opsawg-pcapng ("PCAP Now Generic (pcapng)
 * Capture File Format"). Section numbers below refer to draft -03 and later.
 *
 * <p>A file is a sequence of blocks; a Section Header Block starts each section and fixes the
 * byte order of the blocks that follow it, up to the next SHB. Every block length is a
 * multiple of 4 and repeated at the end of the block (§3.1).
 *
 * <pre>
 * General block structure (§3.1)
 *                         1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +---------------------------------------------------------------+
 *  0 |                          Block Type                           |
 *    +---------------------------------------------------------------+
 *  4 |                      Block Total Length                       |
 *    +---------------------------------------------------------------+
 *  8 /                          Block Body                           /
 *    +---------------------------------------------------------------+
 *    |                      Block Total Length                       |
 *    +---------------------------------------------------------------+
 *
 * Section Header Block (§4.1), type 0x0A0D0D0A
 *  8 |                      Byte-Order Magic 0x1A2B3C4D              |
 * 12 |          Major Version 1      |         Minor Version 0       |
 * 16 |                   Section Length (64 bits, -1 = unknown)      |
 * 24 /                           Options                             /
 *
 * Interface Description Block (§4.2), type 1
 *  8 |           LinkType            |           Reserved            |
 * 12 |                            SnapLen                            |
 * 16 /                           Options                             /
 *
 * Enhanced Packet Block (§4.3), type 6
 *  8 |                         Interface ID                          |
 * 12 |                        Timestamp (High)                       |
 * 16 |                        Timestamp (Low)                        |
 * 20 |                    Captured Packet Length                     |
 * 24 |                    Original Packet Length                     |
 * 28 /                 Packet Data, padded to 32 bits                /
 *    /                           Options                             /
 *
 * Simple Packet Block (§4.4), type 3; captured length is
 * min(Original Packet Length, SnapLen of interface 0, bytes in the block)
 *  8 |                    Original Packet Length                     |
 * 12 /                 Packet Data, padded to 32 bits                /
 *
 * Packet Block (obsolete, Appendix A), type 2
 *  8 |         Interface ID          |          Drops Count          |
 * 12 |                        Timestamp (High)                       |
 * 16 |                        Timestamp (Low)                        |
 * 20 |                    Captured Packet Length                     |
 * 24 |                    Original Packet Length                     |
 * 28 /                 Packet Data, padded to 32 bits                /
 *
 * Option (§3.5); the list ends with opt_endofopt (code 0, length 0) or the block's end
 *  0 |      Option Code              |         Option Length         |
 *  4 /                 Option Value, padded to 32 bits               /
 * </pre>
 */
final class PcapngFormat {
    static final int BLOCK_TYPE = 0;
    static final int BLOCK_TOTAL_LENGTH = 4;
    static final int BLOCK_BODY = 8;
    /** Type + leading length + trailing length. */
    static final int BLOCK_OVERHEAD = 12;
    static final int BLOCK_ALIGNMENT = 4;

    static final int TYPE_SECTION_HEADER = 0x0A0D0D0A;
    static final int TYPE_INTERFACE_DESCRIPTION = 1;
    static final int TYPE_PACKET_OBSOLETE = 2;
    static final int TYPE_SIMPLE_PACKET = 3;
    static final int TYPE_ENHANCED_PACKET = 6;

    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int SHB_BYTE_ORDER_MAGIC = 8;
    static final int SHB_VERSION_MAJOR = 12;
    static final int SHB_VERSION_MINOR = 14;
    static final int SHB_SECTION_LENGTH = 16;
    static final int SHB_OPTIONS = 24;
    static final int SHB_MIN_LENGTH = SHB_OPTIONS + 4;
    static final short VERSION_MAJOR = 1;
    static final short VERSION_MINOR = 0;

    static final int IDB_LINKTYPE = 8;
    static final int IDB_RESERVED = 10;
    static final int IDB_SNAPLEN = 12;
    static final int IDB_OPTIONS = 16;
    static final int IDB_MIN_LENGTH = IDB_OPTIONS + 4;

    static final int EPB_INTERFACE_ID = 8;
    static final int EPB_TS_HIGH = 12;
    static final int EPB_TS_LOW = 16;
    static final int EPB_CAPTURED_LENGTH = 20;
    static final int EPB_ORIGINAL_LENGTH = 24;
    static final int EPB_DATA = 28;
    static final int EPB_MIN_LENGTH = EPB_DATA + 4;

    /** The obsolete Packet Block has the EPB layout except for a 16-bit interface id. */
    static final int PB_INTERFACE_ID = 8;
    static final int PB_DROPS_COUNT = 10;

    static final int SPB_ORIGINAL_LENGTH = 8;
    static final int SPB_DATA = 12;
    static final int SPB_MIN_LENGTH = SPB_DATA + 4;

    static final int OPTION_CODE = 0;
    static final int OPTION_LENGTH = 2;
    static final int OPTION_VALUE = 4;
    static final int OPT_ENDOFOPT = 0;
    static final int OPT_COMMENT = 1;
    static final int SHB_USERAPPL = 4;
    static final int IF_NAME = 2;
    static final int IF_DESCRIPTION = 3;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;
    /** if_tsresol: high bit set means a negative power of 2, clear a negative power of 10. */
    static final int TSRESOL_POWER_OF_TWO = 0x80;
    static final int TSRESOL_MICROS = 6;
    static final int TSRESOL_NANOS = 9;
    static final int MAX_OPTION_LENGTH = 0xFFFF;

    /** Largest block accepted; Wireshark's limit for ordinary blocks is the same order (16 MiB). */
    static final int MAX_BLOCK = 16 * 1024 * 1024;
    /** Largest captured length accepted or written, as for pcap. */
    static final int MAX_PACKET = PcapFormat.MAX_PACKET;
    /** Interfaces across all sections; each costs a small object, so bound them. */
    static final int MAX_INTERFACES = 65536;

    private PcapngFormat() {}

    /** Rounds {@code length} up to the 32-bit boundary every pcapng field is padded to. */
    static int pad(int length) {
        return (length + BLOCK_ALIGNMENT - 1) & -BLOCK_ALIGNMENT;
    }
}
