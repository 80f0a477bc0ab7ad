package org.tapline.pcap;

import static org.tapline.pcap.PcapngFormat.*;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads pcapng files (draft-ietf-opsawg-pcapng): any number of sections, each in its own
 * byte order; any number of interfaces with their own link type, snaplen, if_tsresol and
 * if_tsoffset; Enhanced, Simple and obsolete Packet Blocks. Other blocks (Name Resolution,
 * Interface Statistics, Decryption Secrets, custom, unknown) are skipped by their length.
 *
 * <p>Interface ids are numbered across sections: a packet's {@link Packet#interfaceId()} is
 * its index in {@link #interfaces()}, which grows as IDBs are read. Opening the reader reads
 * every block before the first packet, so {@code interfaces()} is complete for files whose
 * IDBs all come first, which is what writers do.
 */
public final class PcapngReader implements CaptureReader {
    private static final String MIB = " MiB";

    private final ChannelInput in;
    private final List<InterfaceDescription> interfaces = new ArrayList<>();
    private final List<InterfaceDescription> interfacesView = Collections.unmodifiableList(interfaces);
    private final List<TimestampScale> scales = new ArrayList<>();
    private final Packet packet = new Packet();
    private int sectionFirstInterface;
    private boolean inSection;

    PcapngReader(ChannelInput in) throws IOException {
        this.in = in;
        readBlocks(true);
    }

    /**
     * Returns the next packet, or null at the end of the file. The returned holder and its data
     * are valid until the next call (like {@code pcap_next_ex}).
     *
     * @throws CaptureFileException on a truncated or malformed block
     */
    @Override
    public Packet next() throws IOException {
        return readBlocks(false);
    }

    /** Interfaces of all sections read so far; index = {@link Packet#interfaceId()}. */
    @Override
    public List<InterfaceDescription> interfaces() {
        return interfacesView;
    }

    /**
     * Processes blocks until a packet block has filled {@link #packet} (returned), the end of
     * input (null) or, if {@code stopBeforePacket}, until the next block is a packet block.
     */
    private Packet readBlocks(boolean stopBeforePacket) throws IOException {
        while (true) {
            long offset = in.offset();
            int present = in.require(BLOCK_BODY);
            if (present == 0) {
                return null;
            }
            if (present < BLOCK_BODY) {
                throw error("truncated dump file: partial block header", offset,
                        BLOCK_BODY + " bytes needed, " + present + " present");
            }
            int type = in.int32(BLOCK_TYPE);
            if (type == TYPE_SECTION_HEADER) {
                readByteOrder(offset);
            } else if (!inSection) {
                throw error("block before the first section header block", offset,
                        String.format("type 0x%08x", type));
            }
            int length = checkedLength(offset);
            if (stopBeforePacket && isPacketBlock(type)) {
                return null;
            }
            present = in.require(length);
            if (present < length) {
                throw error("truncated dump file: partial block", offset,
                        "header says " + length + " bytes, " + present + " present");
            }
            long trailing = in.uint32(length - Integer.BYTES);
            if (trailing != length) {
                throw error("block total length mismatch", offset,
                        "leading " + length + ", trailing " + trailing);
            }
            Packet result = switch (type) {
                case TYPE_SECTION_HEADER -> readSectionHeader(offset, length);
                case TYPE_INTERFACE_DESCRIPTION -> readInterface(offset, length);
                case TYPE_ENHANCED_PACKET -> readEnhancedPacket(offset, length, false);
                case TYPE_PACKET_OBSOLETE -> readEnhancedPacket(offset, length, true);
                case TYPE_SIMPLE_PACKET -> readSimplePacket(offset, length);
                default -> null;
            };
            in.advance(length);
            if (result != null) {
                return result;
            }
        }
    }

    private static boolean isPacketBlock(int type) {
        return type == TYPE_ENHANCED_PACKET || type == TYPE_SIMPLE_PACKET || type == TYPE_PACKET_OBSOLETE;
    }

    /** §4.1: the byte-order magic tells the byte order of this section's blocks. */
    private void readByteOrder(long offset) throws IOException {
        int needed = SHB_BYTE_ORDER_MAGIC + Integer.BYTES;
        int present = in.require(needed);
        if (present < needed) {
            throw error("truncated dump file: partial section header block", offset,
                    needed + " bytes needed, " + present + " present");
        }
        in.order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.int32(SHB_BYTE_ORDER_MAGIC);
        if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            in.order(ByteOrder.BIG_ENDIAN);
        } else if (magic != BYTE_ORDER_MAGIC) {
            throw error("bad byte-order magic in section header block", offset,
                    String.format("0x%08x, expected 0x%08x", magic, BYTE_ORDER_MAGIC));
        }
    }

    /** §3.1: the total length covers the whole block, is a multiple of 4 and at least 12. */
    private int checkedLength(long offset) throws CaptureFileException {
        long length = in.uint32(BLOCK_TOTAL_LENGTH);
        if (length > MAX_BLOCK) {
            throw error("block length exceeds limit", offset,
                    String.format("0x%x bytes, limit %d%s", length, MAX_BLOCK >> 20, MIB));
        }
        if (length < BLOCK_OVERHEAD) {
            throw error("block length too small", offset, length + " bytes, minimum " + BLOCK_OVERHEAD);
        }
        if (length % BLOCK_ALIGNMENT != 0) {
            throw error("block length not a multiple of 4", offset, length + " bytes");
        }
        return (int) length;
    }

    private Packet readSectionHeader(long offset, int length) throws CaptureFileException {
        requireMinimum("section header block", offset, length, SHB_MIN_LENGTH);
        int major = in.uint16(SHB_VERSION_MAJOR);
        if (major != VERSION_MAJOR) {
            throw error("unsupported pcapng version", offset, major + "." + in.uint16(SHB_VERSION_MINOR)
                    + ", expected 1.x");
        }
        inSection = true;
        sectionFirstInterface = interfaces.size();
        return null;
    }

    private Packet readInterface(long offset, int length) throws CaptureFileException {
        requireMinimum("interface description block", offset, length, IDB_MIN_LENGTH);
        if (interfaces.size() >= MAX_INTERFACES) {
            throw error("too many interfaces", offset, "limit " + MAX_INTERFACES);
        }
        int linkType = in.uint16(IDB_LINKTYPE);
        int snaplen = (int) Math.min(in.uint32(IDB_SNAPLEN), Integer.MAX_VALUE);
        String name = null;
        String description = null;
        int tsresol = TSRESOL_MICROS;
        long tsoffset = 0;
        int end = length - Integer.BYTES;
        for (int pos = IDB_OPTIONS; pos + OPTION_VALUE <= end; ) {
            int code = in.uint16(pos + OPTION_CODE);
            int optionLength = in.uint16(pos + OPTION_LENGTH);
            int value = pos + OPTION_VALUE;
            if (code == OPT_ENDOFOPT) {
                break;
            }
            if (optionLength > end - value) {
                throw error("interface option overruns its block", offset + pos,
                        "option " + code + " length " + optionLength + ", " + (end - value) + " bytes left");
            }
            switch (code) {
                case IF_NAME -> name = string(value, optionLength);
                case IF_DESCRIPTION -> description = string(value, optionLength);
                case IF_TSRESOL -> tsresol = optionLength >= 1 ? Byte.toUnsignedInt(in.int8(value)) : tsresol;
                case IF_TSOFFSET -> tsoffset = optionLength >= Long.BYTES ? in.int64(value) : tsoffset;
                default -> { }
            }
            pos = value + pad(optionLength);
        }
        TimestampScale scale = TimestampScale.of(tsresol, tsoffset);
        if (scale == null) {
            throw error("unsupported if_tsresol", offset, String.format("0x%02x", tsresol));
        }
        interfaces.add(new InterfaceDescription(linkType, snaplen, name, description));
        scales.add(scale);
        return null;
    }

    /** Enhanced Packet Block (§4.3), or the obsolete Packet Block (Appendix A) with a 16-bit id. */
    private Packet readEnhancedPacket(long offset, int length, boolean obsolete) throws CaptureFileException {
        requireMinimum(obsolete ? "packet block" : "enhanced packet block", offset, length, EPB_MIN_LENGTH);
        long localId = obsolete ? in.uint16(PB_INTERFACE_ID) : in.uint32(EPB_INTERFACE_ID);
        int id = globalInterface(offset, localId);
        long capturedLength = in.uint32(EPB_CAPTURED_LENGTH);
        long originalLength = in.uint32(EPB_ORIGINAL_LENGTH);
        int room = length - EPB_MIN_LENGTH;
        if (capturedLength > MAX_PACKET) {
            throw error("captured length exceeds limit", offset, capturedLength + " bytes, limit " + MAX_PACKET);
        }
        if (capturedLength > room) {
            throw error("captured length exceeds its block", offset,
                    "header says " + capturedLength + " bytes, block holds " + room);
        }
        checkOriginalLength(offset, originalLength);
        long ticks = in.uint32(EPB_TS_HIGH) << Integer.SIZE | in.uint32(EPB_TS_LOW);
        packet.set(scales.get(id).toNanos(ticks), (int) capturedLength, (int) originalLength, id,
                interfaces.get(id).linkType(), in.segment(), in.position() + EPB_DATA);
        return packet;
    }

    /** §4.4: no timestamp; interface 0; captured length = min(original, snaplen, block room). */
    private Packet readSimplePacket(long offset, int length) throws CaptureFileException {
        requireMinimum("simple packet block", offset, length, SPB_MIN_LENGTH);
        int id = globalInterface(offset, 0);
        long originalLength = in.uint32(SPB_ORIGINAL_LENGTH);
        checkOriginalLength(offset, originalLength);
        int snaplen = interfaces.get(id).snaplen();
        long capturedLength = Math.min(originalLength, length - SPB_MIN_LENGTH);
        if (snaplen != 0) {
            capturedLength = Math.min(capturedLength, snaplen);
        }
        if (capturedLength > MAX_PACKET) {
            throw error("captured length exceeds limit", offset, capturedLength + " bytes, limit " + MAX_PACKET);
        }
        packet.set(0, (int) capturedLength, (int) originalLength, id, interfaces.get(id).linkType(),
                in.segment(), in.position() + SPB_DATA);
        return packet;
    }

    private int globalInterface(long offset, long localId) throws CaptureFileException {
        int inSectionCount = interfaces.size() - sectionFirstInterface;
        if (localId >= inSectionCount) {
            throw error("packet refers to an undeclared interface", offset,
                    "interface id " + localId + ", section declares " + inSectionCount);
        }
        return sectionFirstInterface + (int) localId;
    }

    private void checkOriginalLength(long offset, long originalLength) throws CaptureFileException {
        if (originalLength > Integer.MAX_VALUE) {
            throw error("original packet length too large", offset, originalLength + " bytes");
        }
    }

    private void requireMinimum(String what, long offset, int length, int minimum) throws CaptureFileException {
        if (length < minimum) {
            throw error(what + " too short", offset, length + " bytes, minimum " + minimum);
        }
    }

    /** A UTF-8 option string; some writers include a terminating NUL, which is dropped. */
    private String string(int relative, int length) {
        byte[] bytes = in.segment().asSlice(in.position() + relative, length).toArray(ValueLayout.JAVA_BYTE);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private CaptureFileException error(String problem, long offset, String detail) {
        return new CaptureFileException(in.name(), offset, problem, detail);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
