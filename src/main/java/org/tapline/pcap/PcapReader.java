package org.tapline.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Reads the classic pcap format (draft-ietf-opsawg-pcap), either byte order, micro- or
 * nanosecond time stamps.
 * <pre>
 * File header (24 bytes):                 Record header (16 bytes):
 *  0 magic  a1b2c3d4 (us) / a1b23c4d (ns)   0 ts seconds
 *  4 major 2 | 6 minor 4                    4 ts microseconds or nanoseconds
 *  8 reserved (thiszone) | 12 reserved       8 captured length
 * 16 snaplen                               12 original length
 * 20 link type (low 16 bits) + FCS info    16 data, captured length bytes
 * </pre>
 */
final class PcapReader implements CaptureReader {
    static final int MAGIC_MICRO = 0xa1b2c3d4;
    static final int MAGIC_NANO = 0xa1b23c4d;
    /** Alexey Kuznetzov's patched format: µs, and 8 more bytes per record (ifindex, protocol, type). */
    static final int MAGIC_KUZNETZOV = 0xa1b2cd34;
    private static final int KUZNETZOV_EXTRA = 8;
    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;
    private static final int OFF_MAGIC = 0;
    private static final int OFF_MAJOR = 4;
    private static final int OFF_SNAPLEN = 16;
    private static final int OFF_LINKTYPE = 20;
    private static final int REC_SEC = 0;
    private static final int REC_FRAC = 4;
    private static final int REC_CAPLEN = 8;
    private static final int REC_ORIGLEN = 12;
    private static final int LINKTYPE_MASK = 0xffff;

    private final ByteSource src;
    private final boolean nano;
    private final int recordHeader;
    private final InterfaceDescription iface;
    private final Packet packet = new Packet();

    static boolean isMagic(int m) {
        return m == MAGIC_MICRO || m == MAGIC_NANO || m == MAGIC_KUZNETZOV;
    }

    PcapReader(ByteSource src) throws IOException {
        this.src = src;
        src.require(FILE_HEADER, "pcap file header");
        int magic = src.i32(OFF_MAGIC);
        if (!isMagic(magic)) {
            src.order(ByteOrder.BIG_ENDIAN);
            magic = src.i32(OFF_MAGIC);
        }
        nano = magic == MAGIC_NANO;
        recordHeader = RECORD_HEADER + (magic == MAGIC_KUZNETZOV ? KUZNETZOV_EXTRA : 0);
        int major = src.u16(OFF_MAJOR);
        if (major != 2) {
            throw new CaptureFileException(src.name(), OFF_MAJOR, "unsupported pcap version " + major + " (only 2.x exists)");
        }
        int snaplen = src.i32(OFF_SNAPLEN);
        iface = new InterfaceDescription(src.i32(OFF_LINKTYPE) & LINKTYPE_MASK, snaplen, null, null);
        src.skip(FILE_HEADER);
    }

    @Override
    public Packet next() throws IOException {
        if (src.atEnd()) {
            return null;
        }
        long at = src.offset();
        src.require(recordHeader, "packet record header");
        long sec = src.i32(REC_SEC) & 0xffffffffL;
        long frac = src.i32(REC_FRAC) & 0xffffffffL;
        int caplen = src.i32(REC_CAPLEN);
        int origlen = src.i32(REC_ORIGLEN);
        if (caplen < 0 || caplen > Limits.MAX_PACKET) {
            throw new CaptureFileException(src.name(), at, "packet record captured length " + Integer.toUnsignedString(caplen)
                    + " exceeds the limit of " + Limits.MAX_PACKET);
        }
        src.skip(recordHeader);
        if (!src.need(caplen)) {
            throw new CaptureFileException(src.name(), at, "truncated packet record (header says " + caplen + " bytes, "
                    + src.buffer().remaining() + " present)");
        }
        long ns = sec * 1_000_000_000L + (nano ? frac : frac * 1_000L);
        MemorySegment data = MemorySegment.ofBuffer(src.buffer()).asSlice(0, caplen);
        packet.set(ns, origlen, 0, iface.linkType(), data);
        src.skip(caplen);
        return packet;
    }

    @Override
    public List<InterfaceDescription> interfaces() {
        return List.of(iface);
    }

    @Override
    public void close() throws IOException {
        src.close();
    }
}
