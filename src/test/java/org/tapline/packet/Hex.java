package org.tapline.packet;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

/** Test helper: hex text to heap segments and back. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    static MemorySegment segment(String hex) {
        return MemorySegment.ofArray(bytes(hex));
    }

    static String of(MemorySegment seg) {
        return HexFormat.of().formatHex(seg.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }
}
