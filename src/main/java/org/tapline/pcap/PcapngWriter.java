package org.tapline.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes pcapng in little-endian order (layout in {@link PcapngReader}): a Section Header
 * Block naming tapline, one Interface Description Block per interface (with if_name,
 * if_description and, for nanosecond files, if_tsresol 9), and Enhanced Packet Blocks.
 */
public final class PcapngWriter implements CaptureWriter {
    private static final int OPT_ENDOFOPT = 0;
    private static final int OPT_SHB_USERAPPL = 4;
    private static final int OPT_IF_NAME = 2;
    private static final int OPT_IF_DESCRIPTION = 3;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int EPB_FIXED = 32;

    private final WriteBuffer out;
    private final boolean nano;
    private int interfaces;
    private boolean headerWritten;

    public PcapngWriter(WritableByteChannel channel, boolean nanosecond) {
        this.out = new WriteBuffer(channel);
        this.nano = nanosecond;
    }

    private void header() throws IOException {
        if (headerWritten) {
            return;
        }
        headerWritten = true;
        byte[] app = "tapline".getBytes(StandardCharsets.UTF_8);
        int len = 28 + option(app.length) + 4;
        ByteBuffer b = out.reserve(len);
        b.putInt(PcapngReader.SHB_TYPE).putInt(len).putInt(PcapngReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0)
                .putLong(-1L);
        putOption(b, OPT_SHB_USERAPPL, app);
        b.putShort((short) OPT_ENDOFOPT).putShort((short) 0).putInt(len);
    }

    @Override
    public int addInterface(InterfaceDescription iface) throws IOException {
        header();
        byte[] name = iface.name() == null ? null : iface.name().getBytes(StandardCharsets.UTF_8);
        byte[] desc = iface.description() == null ? null : iface.description().getBytes(StandardCharsets.UTF_8);
        int len = 20 + (name == null ? 0 : option(name.length)) + (desc == null ? 0 : option(desc.length))
                + (nano ? option(1) : 0) + 4;
        ByteBuffer b = out.reserve(len);
        b.putInt(PcapngReader.IDB_TYPE).putInt(len).putShort((short) iface.linkType()).putShort((short) 0)
                .putInt(Math.max(iface.snaplen(), 0));
        if (name != null) {
            putOption(b, OPT_IF_NAME, name);
        }
        if (desc != null) {
            putOption(b, OPT_IF_DESCRIPTION, desc);
        }
        if (nano) {
            putOption(b, OPT_IF_TSRESOL, new byte[] {9});
        }
        b.putShort((short) OPT_ENDOFOPT).putShort((short) 0).putInt(len);
        return interfaces++;
    }

    private static int option(int valueLength) {
        return 4 + ((valueLength + 3) & ~3);
    }

    private static void putOption(ByteBuffer b, int code, byte[] value) {
        b.putShort((short) code).putShort((short) value.length).put(value);
        for (int i = value.length; i % 4 != 0; i++) {
            b.put((byte) 0);
        }
    }

    @Override
    public void write(int interfaceId, long ts, int originalLength, MemorySegment data) throws IOException {
        if (interfaceId < 0 || interfaceId >= interfaces) {
            throw new IllegalArgumentException("interface " + interfaceId + " was not added");
        }
        WriteBuffer.checkLength(data);
        int caplen = (int) data.byteSize();
        int padded = (caplen + 3) & ~3;
        int len = EPB_FIXED + padded;
        long units = nano ? ts : Math.floorDiv(ts, 1_000L);
        ByteBuffer b = out.reserve(len);
        b.putInt(PcapngReader.EPB_TYPE).putInt(len).putInt(interfaceId).putInt((int) (units >>> 32)).putInt((int) units)
                .putInt(caplen).putInt(Math.max(originalLength, caplen));
        out.putData(data);
        out.pad(padded - caplen);
        b.putInt(len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        header();
        out.close();
    }
}
