package org.tapline.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads pcapng (draft-ietf-opsawg-pcapng): several sections, each in its own byte order,
 * several interfaces with their own link type, snaplen and time stamp resolution; Enhanced,
 * Simple and (obsolete) Packet Blocks. Other blocks are skipped by their length.
 * <pre>
 * Every block:  0 type | 4 total length | 8 body ... | total-4 total length (again)
 * SHB body:     8 byte-order magic 1a2b3c4d | 12 major | 14 minor | 16 section length (8) | options
 * IDB body:     8 link type (2) | 10 reserved | 12 snaplen | 16 options (if_name 2, if_description 3,
 *               if_tsresol 9, if_tsoffset 14)
 * EPB body:     8 interface id | 12 ts high | 16 ts low | 20 captured len | 24 original len | 28 data
 * SPB body:     8 original len | 12 data (captured = min(original, snaplen of interface 0))
 * PB body:      8 interface id (2) | 10 drops (2) | 12 ts high | 16 ts low | 20 captured | 24 original | 28 data
 * </pre>
 */
final class PcapngReader implements CaptureReader {
    static final int SHB_TYPE = 0x0a0d0d0a;
    static final int IDB_TYPE = 1;
    static final int PB_TYPE = 2;
    static final int SPB_TYPE = 3;
    static final int EPB_TYPE = 6;
    static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int BLOCK_MIN = 12;
    private static final int OFF_LENGTH = 4;
    private static final int OFF_BODY = 8;
    private static final int SHB_MIN = 28;
    private static final int IDB_MIN = 20;
    private static final int EPB_MIN = 32;
    private static final int SPB_MIN = 16;
    private static final int OPT_IF_NAME = 2;
    private static final int OPT_IF_DESCRIPTION = 3;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int OPT_IF_TSOFFSET = 14;

    /** An interface of the current section with how to turn its time stamp units into ns. */
    private record Iface(InterfaceDescription description, int tsresol, long offsetSeconds) {}

    private final ByteSource src;
    private final List<Iface> ifaces = new ArrayList<>();
    private final List<InterfaceDescription> seen = new ArrayList<>();
    private final Packet packet = new Packet();

    PcapngReader(ByteSource src) throws IOException {
        this.src = src;
    }

    @Override
    public Packet next() throws IOException {
        while (!src.atEnd()) {
            long at = src.offset();
            src.require(BLOCK_MIN, "block header");
            int type = src.i32(0);
            if (type == SHB_TYPE) {
                src.require(SHB_MIN, "section header block");
                int bom = src.i32(OFF_BODY);
                if (bom != BYTE_ORDER_MAGIC) {
                    src.order(src.order() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                    if (src.i32(OFF_BODY) != BYTE_ORDER_MAGIC) {
                        throw new CaptureFileException(src.name(), at + OFF_BODY, String.format("bad byte-order magic 0x%08x", bom));
                    }
                }
                ifaces.clear();
            }
            int length = blockLength(at);
            src.require(length, "block of type " + Integer.toUnsignedString(type));
            if (src.i32(length - 4) != length) {
                throw new CaptureFileException(src.name(), at, "block trailing length " + Integer.toUnsignedString(src.i32(length - 4))
                        + " differs from leading length " + length);
            }
            boolean isPacket = switch (type) {
                case IDB_TYPE -> { interfaceBlock(at, length); yield false; }
                case EPB_TYPE -> enhanced(at, length);
                case SPB_TYPE -> simple(at, length);
                case PB_TYPE -> obsolete(at, length);
                default -> false;
            };
            if (isPacket) {
                return packet;
            }
            src.skip(length);
        }
        return null;
    }

    private int blockLength(long at) throws IOException {
        int length = src.i32(OFF_LENGTH);
        if (length < BLOCK_MIN || length > Limits.MAX_BLOCK || length % 4 != 0) {
            throw new CaptureFileException(src.name(), at, "block length " + Integer.toUnsignedString(length)
                    + " is invalid (must be a multiple of 4 from " + BLOCK_MIN + " to " + Limits.MAX_BLOCK + ")");
        }
        return length;
    }

    private void interfaceBlock(long at, int length) throws IOException {
        if (length < IDB_MIN) {
            throw new CaptureFileException(src.name(), at, "interface description block of " + length + " bytes is too short");
        }
        int linkType = src.u16(OFF_BODY);
        int snaplen = src.i32(OFF_BODY + 4);
        String name = null;
        String description = null;
        int tsresol = 6;
        long offset = 0;
        int p = 16;
        int end = length - 4;
        while (p + 4 <= end) {
            int code = src.u16(p);
            int len = src.u16(p + 2);
            if (code == 0) {
                break;
            }
            if (p + 4 + len > end) {
                throw new CaptureFileException(src.name(), at + p, "option " + code + " of length " + len + " overruns its block");
            }
            switch (code) {
                case OPT_IF_NAME -> name = string(p + 4, len);
                case OPT_IF_DESCRIPTION -> description = string(p + 4, len);
                case OPT_IF_TSRESOL -> tsresol = len >= 1 ? Byte.toUnsignedInt(src.buffer().get(src.position() + p + 4)) : 6;
                case OPT_IF_TSOFFSET -> offset = len >= 8 ? ((long) src.i32(p + 4) << 32 | (src.i32(p + 8) & 0xffffffffL)) : 0;
                default -> { }
            }
            p += 4 + ((len + 3) & ~3);
        }
        if ((tsresol & 0x80) == 0 ? tsresol > 18 : (tsresol & 0x7f) > 63) {
            throw new CaptureFileException(src.name(), at, "if_tsresol " + tsresol + " is out of range");
        }
        InterfaceDescription d = new InterfaceDescription(linkType, snaplen, name, description);
        ifaces.add(new Iface(d, tsresol, offset));
        seen.add(d);
    }

    private String string(int at, int len) {
        byte[] b = new byte[len];
        src.buffer().get(src.position() + at, b);
        int n = 0;
        while (n < len && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    private boolean enhanced(long at, int length) throws IOException {
        if (length < EPB_MIN) {
            throw new CaptureFileException(src.name(), at, "enhanced packet block of " + length + " bytes is too short");
        }
        return packetBody(at, length, src.i32(OFF_BODY), 12, 20, 24, 28);
    }

    private boolean obsolete(long at, int length) throws IOException {
        if (length < EPB_MIN) {
            throw new CaptureFileException(src.name(), at, "packet block of " + length + " bytes is too short");
        }
        return packetBody(at, length, src.u16(OFF_BODY), 12, 20, 24, 28);
    }

    private boolean packetBody(long at, int length, int id, int tsAt, int capAt, int origAt, int dataAt) throws IOException {
        Iface iface = iface(at, id);
        int caplen = src.i32(capAt);
        if (caplen < 0 || caplen > length - dataAt - 4) {
            throw new CaptureFileException(src.name(), at, "captured length " + Integer.toUnsignedString(caplen)
                    + " overruns its " + length + "-byte block");
        }
        long units = (long) src.i32(tsAt) << 32 | (src.i32(tsAt + 4) & 0xffffffffL);
        deliver(iface, id, nanos(iface, units), src.i32(origAt), dataAt, caplen);
        return true;
    }

    private boolean simple(long at, int length) throws IOException {
        if (length < SPB_MIN) {
            throw new CaptureFileException(src.name(), at, "simple packet block of " + length + " bytes is too short");
        }
        Iface iface = iface(at, 0);
        int orig = src.i32(OFF_BODY);
        int snap = iface.description().snaplen() <= 0 ? Integer.MAX_VALUE : iface.description().snaplen();
        int caplen = (int) Math.min(Math.min(Integer.toUnsignedLong(orig), snap), length - 16);
        deliver(iface, 0, 0, orig, 12, caplen);
        return true;
    }

    private void deliver(Iface iface, int id, long ns, int orig, int dataAt, int caplen) {
        MemorySegment data = MemorySegment.ofBuffer(src.buffer()).asSlice(dataAt, caplen);
        packet.set(ns, orig, id, iface.description().linkType(), data);
        // The block is consumed now; its bytes stay in the buffer until the next call.
        src.skip(src.i32(OFF_LENGTH));
    }

    private Iface iface(long at, int id) throws CaptureFileException {
        if (id < 0 || id >= ifaces.size()) {
            throw new CaptureFileException(src.name(), at, "packet refers to interface " + Integer.toUnsignedString(id)
                    + " but the section describes " + ifaces.size());
        }
        return ifaces.get(id);
    }

    /** Time stamp units to ns since the epoch: if_tsresol 10^-n or 2^-n, plus if_tsoffset seconds. */
    static long nanos(int tsresol, long offsetSeconds, long units) {
        long ns;
        int p = tsresol & 0x7f;
        if ((tsresol & 0x80) == 0) {
            ns = p <= 9 ? units * POW10[9 - p] : Long.divideUnsigned(units, POW10[p - 9]);
        } else {
            long whole = units >>> p;
            long frac = p == 0 ? 0 : units & ((1L << p) - 1);
            ns = whole * 1_000_000_000L + Math.unsignedMultiplyHigh(frac << (64 - p), 1_000_000_000L);
        }
        return ns + offsetSeconds * 1_000_000_000L;
    }

    private static long nanos(Iface i, long units) {
        return nanos(i.tsresol(), i.offsetSeconds(), units);
    }

    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L,
        100_000_000_000_000L, 1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L,
        1_000_000_000_000_000_000L};

    @Override
    public List<InterfaceDescription> interfaces() {
        return List.copyOf(seen);
    }

    @Override
    public void close() throws IOException {
        src.close();
    }
}
