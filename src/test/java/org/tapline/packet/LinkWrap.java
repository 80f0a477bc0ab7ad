package org.tapline.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test helper: re-wraps the payload of an Ethernet frame in the other link types. */
final class LinkWrap {
    static final int[] LINK_TYPES = {
        Summary.LINKTYPE_NULL, Summary.LINKTYPE_ETHERNET, Summary.DLT_RAW_BSD, Summary.DLT_RAW_OPENBSD,
        Summary.LINKTYPE_RAW, Summary.LINKTYPE_LOOP, Summary.LINKTYPE_LINUX_SLL, Summary.LINKTYPE_LINUX_SLL2,
    };

    private LinkWrap() {}

    /** The frame for {@code linkType} carrying what {@code ethernetFrame} carries. */
    static byte[] wrap(int linkType, byte[] ethernetFrame) {
        int type = (ethernetFrame[12] & 0xff) << 8 | (ethernetFrame[13] & 0xff);
        byte[] payload = java.util.Arrays.copyOfRange(ethernetFrame, 14, ethernetFrame.length);
        return switch (linkType) {
            case Summary.LINKTYPE_ETHERNET -> ethernetFrame.clone();
            case Summary.DLT_RAW_BSD, Summary.DLT_RAW_OPENBSD, Summary.LINKTYPE_RAW -> payload;
            case Summary.LINKTYPE_NULL -> prefix(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(family(type, Summary.AF_INET6_LINUX)).array(), payload);
            case Summary.LINKTYPE_LOOP -> prefix(ByteBuffer.allocate(4).putInt(family(type, Summary.AF_INET6_BSD))
                    .array(), payload);
            case Summary.LINKTYPE_LINUX_SLL -> prefix(ByteBuffer.allocate(16).putShort((short) 0).putShort((short) 1)
                    .putShort((short) 6).put(ethernetFrame, 6, 6).putShort((short) 0).putShort((short) type)
                    .array(), payload);
            case Summary.LINKTYPE_LINUX_SLL2 -> prefix(ByteBuffer.allocate(20).putShort((short) type).putShort((short) 0)
                    .putInt(2).putShort((short) 1).put((byte) 0).put((byte) 6).put(ethernetFrame, 6, 6)
                    .putShort((short) 0).array(), payload);
            default -> throw new IllegalArgumentException("link type " + linkType);
        };
    }

    static MemorySegment segment(int linkType, byte[] ethernetFrame) {
        return MemorySegment.ofArray(wrap(linkType, ethernetFrame));
    }

    private static int family(int etherType, int inet6) {
        return etherType == Ethernet.TYPE_IPV6 ? inet6 : Summary.AF_INET;
    }

    private static byte[] prefix(byte[] header, byte[] payload) {
        byte[] out = new byte[header.length + payload.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(payload, 0, out, header.length, payload.length);
        return out;
    }
}
