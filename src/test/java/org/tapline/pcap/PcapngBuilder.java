package org.tapline.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds pcapng files block by block in either byte order, independently of {@link PcapngWriter},
 * for cases no tool writes: big-endian sections, several sections, if_tsresol powers of two,
 * if_tsoffset, Simple and obsolete Packet Blocks, unknown blocks and malformed blocks.
 */
final class PcapngBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    /** Starts a new section in {@code order}. */
    PcapngBuilder section(ByteOrder order) {
        this.order = order;
        return block(0x0A0D0D0A, buffer(16).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0)
                .putLong(-1).array());
    }

    /** An IDB; {@code tsresol} and {@code tsoffset} are written only if not null. */
    PcapngBuilder interfaceBlock(int linkType, int snaplen, Integer tsresol, Long tsoffset, String name) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(buffer(8).putShort((short) linkType).putShort((short) 0).putInt(snaplen).array());
        if (name != null) {
            body.writeBytes(option(2, name.getBytes(StandardCharsets.UTF_8)));
        }
        if (tsresol != null) {
            body.writeBytes(option(9, new byte[] {(byte) (int) tsresol}));
        }
        if (tsoffset != null) {
            body.writeBytes(option(14, buffer(8).putLong(tsoffset).array()));
        }
        body.writeBytes(option(0, new byte[0]));
        return block(1, body.toByteArray());
    }

    PcapngBuilder enhancedPacket(int interfaceId, long ticks, int originalLength, byte[] data) {
        return block(6, concat(buffer(20).putInt(interfaceId).putInt((int) (ticks >>> 32)).putInt((int) ticks)
                .putInt(data.length).putInt(originalLength).array(), padded(data)));
    }

    PcapngBuilder obsoletePacket(int interfaceId, long ticks, int originalLength, byte[] data) {
        return block(2, concat(buffer(20).putShort((short) interfaceId).putShort((short) 0)
                .putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(data.length).putInt(originalLength)
                .array(), padded(data)));
    }

    /** An SPB carrying {@code data} (the captured part) of a packet of {@code originalLength}. */
    PcapngBuilder simplePacket(int originalLength, byte[] data) {
        return block(3, concat(buffer(4).putInt(originalLength).array(), padded(data)));
    }

    /** A Name Resolution Block with one IPv4 record, then an Interface Statistics Block. */
    PcapngBuilder nameResolutionAndStatistics() {
        byte[] record = concat(new byte[] {10, 0, 0, 1}, "host.example\0".getBytes(StandardCharsets.US_ASCII));
        block(4, concat(option(1, record), option(0, new byte[0])));
        return block(5, buffer(12).putInt(0).putInt(0).putInt(0).array());
    }

    /** A block with any type and body; the body is padded to 32 bits. */
    PcapngBuilder block(int type, byte[] body) {
        byte[] padded = padded(body);
        int length = 12 + padded.length;
        out.writeBytes(buffer(8).putInt(type).putInt(length).array());
        out.writeBytes(padded);
        out.writeBytes(buffer(4).putInt(length).array());
        return this;
    }

    /** Raw bytes, for malformed blocks. */
    PcapngBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(order);
    }

    private byte[] option(int code, byte[] value) {
        return concat(buffer(4).putShort((short) code).putShort((short) value.length).array(), padded(value));
    }

    private static byte[] padded(byte[] data) {
        byte[] p = new byte[(data.length + 3) & ~3];
        System.arraycopy(data, 0, p, 0, data.length);
        return p;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Rewrites a little-endian pcap file (ours) in big-endian order, as a big-endian host writes it. */
    static byte[] pcapToBigEndian(byte[] le) {
        ByteBuffer in = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(le.length).order(ByteOrder.BIG_ENDIAN);
        out.putInt(in.getInt()).putShort(in.getShort()).putShort(in.getShort());
        for (int i = 0; i < 4; i++) {
            out.putInt(in.getInt());
        }
        while (in.hasRemaining()) {
            out.putInt(in.getInt()).putInt(in.getInt());
            int captured = in.getInt();
            out.putInt(captured).putInt(in.getInt());
            byte[] data = new byte[captured];
            in.get(data);
            out.put(data);
        }
        return out.array();
    }
}
