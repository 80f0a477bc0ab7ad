package org.tapline.pcap;

import static org.tapline.pcap.PcapngFormat.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes pcapng files (draft-ietf-opsawg-pcapng): one little-endian section whose Section
 * Header Block names "tapline" in shb_userappl, one Interface Description Block per
 * {@link #addInterface} (with if_name, if_description, and if_tsresol = 9 for nanosecond
 * files), and an Enhanced Packet Block per packet. Not thread-safe.
 */
public final class PcapngWriter implements CaptureWriter {
    private static final byte[] USER_APPLICATION = "tapline".getBytes(StandardCharsets.UTF_8);
    private static final int MICROS_TO_NANOS = 1_000;
    private static final int TSRESOL_OPTION_LENGTH = 1;

    private final ChannelOutput out;
    private final boolean nanos;
    private final boolean flushEachPacket;
    private int interfaceCount;

    /**
     * Writes the Section Header Block into the buffer (it reaches the channel with the first
     * flush).
     *
     * @param channel         destination, owned by the writer
     * @param nanos           nanosecond timestamps (if_tsresol = 9) instead of microseconds
     * @param flushEachPacket write each block through at once (tcpdump -U)
     */
    public PcapngWriter(WritableByteChannel channel, boolean nanos, boolean flushEachPacket) {
        this.out = new ChannelOutput(channel, ByteOrder.LITTLE_ENDIAN);
        this.nanos = nanos;
        this.flushEachPacket = flushEachPacket;
        writeSectionHeader();
    }

    private void writeSectionHeader() {
        int length = SHB_OPTIONS + optionSize(USER_APPLICATION.length) + OPTION_VALUE + Integer.BYTES;
        ByteBuffer b = out.reserveFresh(length);
        int at = b.position();
        b.putInt(at + BLOCK_TYPE, TYPE_SECTION_HEADER)
                .putInt(at + BLOCK_TOTAL_LENGTH, length)
                .putInt(at + SHB_BYTE_ORDER_MAGIC, BYTE_ORDER_MAGIC)
                .putShort(at + SHB_VERSION_MAJOR, VERSION_MAJOR)
                .putShort(at + SHB_VERSION_MINOR, VERSION_MINOR)
                .putLong(at + SHB_SECTION_LENGTH, -1L) // §4.1: -1 = length not specified
                .position(at + SHB_OPTIONS);
        putOption(SHB_USERAPPL, USER_APPLICATION);
        endBlock(length);
    }

    /**
     * Writes an Interface Description Block.
     *
     * @return the interface id for {@link #write}: 0, 1, 2, ... in order of addition
     * @throws IllegalArgumentException if name or description exceed 65535 bytes of UTF-8
     */
    @Override
    public int addInterface(InterfaceDescription description) throws IOException {
        byte[] name = utf8("interface name", description.name());
        byte[] text = utf8("interface description", description.description());
        int length = IDB_OPTIONS + optionSize(name) + optionSize(text)
                + (nanos ? optionSize(TSRESOL_OPTION_LENGTH) : 0) + OPTION_VALUE + Integer.BYTES;
        ByteBuffer b = out.reserve(length);
        int at = b.position();
        b.putInt(at + BLOCK_TYPE, TYPE_INTERFACE_DESCRIPTION)
                .putInt(at + BLOCK_TOTAL_LENGTH, length)
                .putShort(at + IDB_LINKTYPE, (short) description.linkType())
                .putShort(at + IDB_RESERVED, (short) 0)
                .putInt(at + IDB_SNAPLEN, description.snaplen())
                .position(at + IDB_OPTIONS);
        if (name != null) {
            putOption(IF_NAME, name);
        }
        if (text != null) {
            putOption(IF_DESCRIPTION, text);
        }
        if (nanos) {
            putOption(IF_TSRESOL, new byte[] {TSRESOL_NANOS});
        }
        endBlock(length);
        if (flushEachPacket) {
            out.drain();
        }
        return interfaceCount++;
    }

    @Override
    public void write(int interfaceId, long timestampNanos, int originalLength, MemorySegment data)
            throws IOException {
        writePacket(interfaceId, timestampNanos, originalLength, data, null);
    }

    /**
     * Writes a packet with an opt_comment (the comment's encoding allocates; plain
     * {@link #write} does not).
     *
     * @throws IllegalArgumentException if the comment exceeds 65535 bytes of UTF-8
     */
    public void write(int interfaceId, long timestampNanos, int originalLength, MemorySegment data, String comment)
            throws IOException {
        writePacket(interfaceId, timestampNanos, originalLength, data, utf8("comment", comment));
    }

    private void writePacket(int interfaceId, long timestampNanos, int originalLength, MemorySegment data,
                             byte[] comment) throws IOException {
        if (interfaceId < 0 || interfaceId >= interfaceCount) {
            throw new IllegalArgumentException("interface id " + interfaceId + " was not added ("
                    + interfaceCount + " interfaces)");
        }
        int captured = PacketChecks.capturedLength(timestampNanos, originalLength, data);
        long ticks = nanos ? timestampNanos : timestampNanos / MICROS_TO_NANOS;
        int options = comment == null ? 0 : optionSize(comment) + OPTION_VALUE;
        int length = EPB_MIN_LENGTH + pad(captured) + options;
        ByteBuffer b = out.reserve(length);
        int at = b.position();
        b.putInt(at + BLOCK_TYPE, TYPE_ENHANCED_PACKET)
                .putInt(at + BLOCK_TOTAL_LENGTH, length)
                .putInt(at + EPB_INTERFACE_ID, interfaceId)
                .putInt(at + EPB_TS_HIGH, (int) (ticks >>> Integer.SIZE))
                .putInt(at + EPB_TS_LOW, (int) ticks)
                .putInt(at + EPB_CAPTURED_LENGTH, captured)
                .putInt(at + EPB_ORIGINAL_LENGTH, originalLength)
                .position(at + EPB_DATA);
        out.put(data);
        out.zeros(pad(captured) - captured);
        if (comment != null) {
            putOption(OPT_COMMENT, comment);
            putEndOfOptions();
        }
        b.putInt(length);
        if (flushEachPacket) {
            out.drain();
        }
    }

    /** Writes opt_endofopt and the trailing Block Total Length. */
    private void endBlock(int length) {
        putEndOfOptions();
        out.buffer().putInt(length);
    }

    private void putEndOfOptions() {
        out.buffer().putShort((short) OPT_ENDOFOPT).putShort((short) 0);
    }

    private void putOption(int code, byte[] value) {
        out.buffer().putShort((short) code).putShort((short) value.length).put(value);
        out.zeros(pad(value.length) - value.length);
    }

    private static int optionSize(byte[] value) {
        return value == null ? 0 : optionSize(value.length);
    }

    private static int optionSize(int valueLength) {
        return OPTION_VALUE + pad(valueLength);
    }

    private static byte[] utf8(String what, String value) {
        if (value == null) {
            return null;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_OPTION_LENGTH) {
            throw new IllegalArgumentException(what + " of " + bytes.length + " bytes exceeds the pcapng option limit of "
                    + MAX_OPTION_LENGTH);
        }
        return bytes;
    }

    @Override
    public long size() {
        return out.size();
    }

    @Override
    public void flush() throws IOException {
        out.drain();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
