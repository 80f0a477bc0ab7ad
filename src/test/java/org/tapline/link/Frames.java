package org.tapline.link;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

/** Hand-made test frames, independent of the packet package they help to test. */
final class Frames {
    private Frames() {}

    static MemorySegment hex(String hex) {
        return MemorySegment.ofArray(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    /** An ARP request: who has {@code targetIp}, tell {@code senderIp} at {@code senderMac}. */
    static MemorySegment arpRequest(String senderMac, String senderIp, String targetIp) {
        return hex("ffffffffffff" + senderMac + "0806"
                + "0001 0800 06 04 0001" + senderMac + senderIp + "000000000000" + targetIp);
    }

    /** A frame of an IEEE local experimental ethertype (0x88b5) carrying {@code payload}. */
    static MemorySegment experimental(String dstMac, String srcMac, String payloadHex) {
        return hex(dstMac + srcMac + "88b5" + payloadHex);
    }
}
