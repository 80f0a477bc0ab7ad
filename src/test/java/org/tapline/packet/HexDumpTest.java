package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** print-ascii.c's layouts: 16 bytes a line, hex padded to 40 columns before the ASCII. */
class HexDumpTest {
    static final MemorySegment BYTES = MemorySegment.ofArray(
            "GET / HTTP/1.0\r\nHost: x\r\n\r\n\u0001".getBytes(StandardCharsets.ISO_8859_1));

    @Test
    void hex() {
        StringBuilder sb = new StringBuilder();
        HexDump.hex(sb, "\n\t", BYTES, 0, BYTES.byteSize());
        assertEquals("\n\t0x0000:  4745 5420 2f20 4854 5450 2f31 2e30 0d0a"
                + "\n\t0x0010:  486f 7374 3a20 780d 0a0d 0a01", sb.toString());
    }

    @Test
    void hexAndAscii() {
        StringBuilder sb = new StringBuilder();
        HexDump.hexAscii(sb, "\n\t", BYTES, 0, 17);
        assertEquals("\n\t0x0000:  4745 5420 2f20 4854 5450 2f31 2e30 0d0a  GET./.HTTP/1.0.."
                + "\n\t0x0010:  48                                       H", sb.toString());
    }

    @Test
    void asciiDropsCarriageReturnsBeforeNewlines() {
        StringBuilder sb = new StringBuilder();
        HexDump.ascii(sb, BYTES, 0, BYTES.byteSize());
        assertEquals("\nGET / HTTP/1.0\nHost: x\n\n.", sb.toString());
    }
}
