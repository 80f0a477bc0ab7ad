package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Every malformed file ends in one CaptureFileException that says what and where, never in another exception. */
class CorruptFilesTest {

    static byte[] file(CaptureWriter.Format format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CaptureWriter w = CaptureWriter.open(Channels.newChannel(out), format)) {
            int id = w.addInterface(new InterfaceDescription(1, 65535, "eth0", null));
            for (int i = 0; i < 4; i++) {
                w.write(id, 1_000_000_000L * i, 100 + i, MemorySegment.ofArray(new byte[60 + i]));
            }
        }
        return out.toByteArray();
    }

    static String readAll(byte[] bytes) throws IOException {
        try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(bytes), "test.cap")) {
            int n = 0;
            while (r.next() != null) {
                n++;
            }
            return "read " + n;
        }
    }

    static CaptureFileException fails(String hex) {
        return assertThrows(CaptureFileException.class, () -> readAll(HexFormat.of().parseHex(hex)));
    }

    @Test
    void eachDefectIsNamed() throws Exception {
        assertTrue(fails("").getMessage().contains("empty or too short"));
        assertTrue(fails("12345678aabbccdd").getMessage().contains("not a pcap or pcapng file (magic 0x12345678)"));
        assertTrue(fails("d4c3b2a10200").getMessage().contains("truncated pcap file header"));
        byte[] pcap = file(CaptureWriter.Format.PCAP);
        String hex = HexFormat.of().formatHex(pcap);
        assertTrue(fails(hex.substring(0, (24 + 8) * 2)).getMessage().contains("truncated packet record header"));
        assertTrue(fails(hex.substring(0, (24 + 16 + 10) * 2)).getMessage().contains("truncated packet record (header says 60 bytes, 10 present) at offset 24"));
        String huge = hex.substring(0, 24 * 2 + 16) + "ffffff7f" + hex.substring(24 * 2 + 24);
        assertTrue(fails(huge).getMessage().contains("captured length 2147483647 exceeds the limit"));
        String badVersion = hex.substring(0, 8) + "0300" + hex.substring(12);
        assertTrue(fails(badVersion).getMessage().contains("unsupported pcap version 3"));

        String ng = HexFormat.of().formatHex(file(CaptureWriter.Format.PCAPNG));
        // SHB length field is at bytes 4..7.
        assertTrue(fails(ng.substring(0, 8) + "ffffff7f" + ng.substring(16)).getMessage().contains("block length 2147483647 is invalid"));
        assertTrue(fails(ng.substring(0, 8) + "0a000000" + ng.substring(16)).getMessage().contains("block length 10 is invalid"));
        assertTrue(fails(ng.substring(0, 8) + "2e000000" + ng.substring(16)).getMessage().contains("is invalid"));
        assertTrue(fails(ng.substring(0, ng.length() - 8) + "00010000").getMessage().contains("trailing length"));
        assertTrue(fails(ng.substring(0, 16) + "11111111" + ng.substring(24)).getMessage().contains("bad byte-order magic"));
    }

    @Test
    void randomCorruptionOnlyEverGivesCaptureFileException() throws Exception {
        Random rnd = new Random(20261122);
        for (CaptureWriter.Format format : CaptureWriter.Format.values()) {
            byte[] good = file(format);
            for (int i = 0; i < 3000; i++) {
                byte[] bad = good.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int j = 0; j < flips; j++) {
                    bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
                }
                if (rnd.nextInt(4) == 0) {
                    bad = java.util.Arrays.copyOf(bad, rnd.nextInt(bad.length));
                }
                try {
                    readAll(bad);
                } catch (CaptureFileException expected) {
                    assertTrue(expected.getMessage().startsWith("test.cap: "), expected.getMessage());
                }
            }
        }
    }
}
