package org.tapline.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Writes classic pcap in little-endian order, as libpcap does on x86 (layout in
 * {@link PcapReader}). The file header is written with the one interface.
 */
public final class PcapWriter implements CaptureWriter {
    private final WriteBuffer out;
    private final boolean nano;
    private boolean haveInterface;

    public PcapWriter(WritableByteChannel channel, boolean nanosecond) {
        this.out = new WriteBuffer(channel);
        this.nano = nanosecond;
    }

    @Override
    public int addInterface(InterfaceDescription iface) throws IOException {
        if (haveInterface) {
            throw new IllegalArgumentException("a pcap file holds one interface and link type; write pcapng (--pcapng) for more");
        }
        haveInterface = true;
        ByteBuffer b = out.reserve(PcapReader.FILE_HEADER);
        b.putInt(nano ? PcapReader.MAGIC_NANO : PcapReader.MAGIC_MICRO).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(iface.snaplen() > 0 ? iface.snaplen() : Limits.MAX_PACKET).putInt(iface.linkType());
        return 0;
    }

    @Override
    public void write(int interfaceId, long ts, int originalLength, MemorySegment data) throws IOException {
        if (!haveInterface || interfaceId != 0) {
            throw new IllegalArgumentException("interface " + interfaceId + " was not added");
        }
        WriteBuffer.checkLength(data);
        int caplen = (int) data.byteSize();
        ByteBuffer b = out.reserve(PcapReader.RECORD_HEADER + caplen);
        long sec = Math.floorDiv(ts, 1_000_000_000L);
        long frac = Math.floorMod(ts, 1_000_000_000L);
        b.putInt((int) sec).putInt((int) (nano ? frac : frac / 1_000L)).putInt(caplen).putInt(Math.max(originalLength, caplen));
        out.putData(data);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
