package org.tapline.rpcap;

import java.nio.ByteBuffer;

/** The 8-byte header of every RPCAP message; {@code plen} is unsigned 32-bit. */
public record RpcapHeader(int version, int type, int value, long plen) {
    static final int OFF_VER = 0;
    static final int OFF_TYPE = 1;
    static final int OFF_VALUE = 2;
    static final int OFF_PLEN = 4;

    /** Reads a header at the buffer's position (8 bytes must be there) and advances past it. */
    public static RpcapHeader parse(ByteBuffer b) {
        int ver = Byte.toUnsignedInt(b.get());
        int type = Byte.toUnsignedInt(b.get());
        int value = Short.toUnsignedInt(b.getShort());
        long plen = Integer.toUnsignedLong(b.getInt());
        return new RpcapHeader(ver, type, value, plen);
    }

    public static RpcapHeader parse(byte[] b) {
        return parse(ByteBuffer.wrap(b));
    }

    public void emitTo(ByteBuffer b) {
        b.put((byte) version).put((byte) type).putShort((short) value).putInt((int) plen);
    }
}
