package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed files give one clear CaptureFileException line, never another exception or an OOM. */
class BadInputTest {
    private static final int PCAP_RECORD = 24;
    /** SHB of 28 bytes, then an IDB of 24 (with opt_endofopt). */
    private static final int PCAPNG_FIRST_PACKET = 28 + 24;

    @TempDir
    Path dir;

    /** A pcap file with two 60-byte packets. */
    static byte[] pcap() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CaptureWriter w = new PcapWriter(Channels.newChannel(out), false, false)) {
            w.addInterface(InterfaceDescription.of(LinkType.ETHERNET, 0));
            Random random = new Random(30);
            for (int i = 0; i < 2; i++) {
                w.write(0, Sample.BASE_NANOS + i, 60, java.lang.foreign.MemorySegment.ofArray(Sample.ethernet(random, 60)));
            }
        }
        return out.toByteArray();
    }

    /** SHB (28 bytes) and IDB (24 bytes); an EPB of a 60-byte packet takes 92 bytes. */
    static PcapngBuilder pcapng() {
        return new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, null, null, null);
    }

    static byte[] epb(int captured, int original) {
        return new PcapngBuilder().enhancedPacket(0, 1, original, new byte[captured]).bytes();
    }

    private static byte[] putInt(byte[] file, int offset, int value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    static Stream<Arguments> badFiles() throws IOException {
        byte[] pcap = pcap();
        byte[] ng = pcapng().raw(epb(60, 60)).bytes();
        return Stream.of(
                Arguments.of("empty file", new byte[0], "bad.cap: empty file, not a pcap or pcapng file"),
                Arguments.of("garbage magic", new byte[] {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0},
                        "bad.cap: not a pcap or pcapng file (magic 0x12345678)"),
                Arguments.of("three bytes", new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2},
                        "bad.cap: truncated file header at offset 0 (3 bytes present)"),
                Arguments.of("truncated pcap header", Arrays.copyOf(pcap, 20),
                        "bad.cap: truncated pcap file header at offset 0 (24 bytes needed, 20 present)"),
                Arguments.of("pcap version 3", putInt(pcap, 4, 0x00040003),
                        "bad.cap: unsupported pcap version at offset 4 (3.4, expected 2.x)"),
                Arguments.of("truncated record header", Arrays.copyOf(pcap, PCAP_RECORD + 10),
                        "bad.cap: truncated dump file: partial packet record header at offset 24 "
                                + "(16 bytes needed, 10 present)"),
                Arguments.of("truncated packet data", Arrays.copyOf(pcap, PCAP_RECORD + 76 + 16 + 5),
                        "bad.cap: truncated dump file: partial packet data at offset 100 "
                                + "(header says 60 bytes, 5 present)"),
                Arguments.of("caplen 0x7fffffff", putInt(pcap, PCAP_RECORD + 8, 0x7fffffff),
                        "bad.cap: packet record captured length too large at offset 24 "
                                + "(2147483647 bytes, limit 262144)"),
                Arguments.of("caplen 0xffffffff", putInt(pcap, PCAP_RECORD + 8, -1),
                        "captured length too large at offset 24 (4294967295 bytes"),
                Arguments.of("pcapng truncated in header", Arrays.copyOf(ng, 10),
                        "bad.cap: truncated dump file: partial section header block at offset 0 "
                                + "(12 bytes needed, 10 present)"),
                Arguments.of("block length not a multiple of 4", putInt(ng, PCAPNG_FIRST_PACKET + 4, 90),
                        "bad.cap: block length not a multiple of 4 at offset 52 (90 bytes)"),
                Arguments.of("block length below 12", putInt(ng, PCAPNG_FIRST_PACKET + 4, 8),
                        "bad.cap: block length too small at offset 52 (8 bytes, minimum 12)"),
                Arguments.of("block length 0x7fffffff", putInt(ng, PCAPNG_FIRST_PACKET + 4, 0x7fffffff),
                        "bad.cap: block length exceeds limit at offset 52 (0x7fffffff bytes, limit 16 MiB)"),
                Arguments.of("block length 16 MiB in a short file", putInt(ng, PCAPNG_FIRST_PACKET + 4, 16 << 20),
                        "bad.cap: truncated dump file: partial block at offset 52 "
                                + "(header says 16777216 bytes, 92 present)"),
                Arguments.of("trailing length mismatch", putInt(ng, ng.length - 4, 96),
                        "bad.cap: block total length mismatch at offset 52 (leading 92, trailing 96)"),
                Arguments.of("truncated block", Arrays.copyOf(ng, ng.length - 1),
                        "bad.cap: truncated dump file: partial block at offset 52 (header says 92 bytes, 91 present)"),
                Arguments.of("epb caplen beyond block", putInt(ng, PCAPNG_FIRST_PACKET + 20, 64),
                        "bad.cap: captured length exceeds its block at offset 52 (header says 64 bytes, block holds 60)"),
                Arguments.of("epb caplen 0x7fffffff", putInt(ng, PCAPNG_FIRST_PACKET + 20, 0x7fffffff),
                        "bad.cap: captured length exceeds limit at offset 52 (2147483647 bytes, limit 262144)"),
                Arguments.of("epb for undeclared interface", putInt(ng, PCAPNG_FIRST_PACKET + 8, 1),
                        "bad.cap: packet refers to an undeclared interface at offset 52 "
                                + "(interface id 1, section declares 1)"),
                Arguments.of("bad byte-order magic", putInt(ng, 8, 0x11223344),
                        "bad.cap: bad byte-order magic in section header block at offset 0 "
                                + "(0x11223344, expected 0x1a2b3c4d)"),
                Arguments.of("pcapng version 2", putInt(ng, 12, 2),
                        "bad.cap: unsupported pcapng version at offset 0 (2.0, expected 1.x)"),
                Arguments.of("idb option overruns block",
                        new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).raw(idbWithOption(2, 200)).bytes(),
                        "bad.cap: interface option overruns its block at offset 44 (option 2 length 200, 4 bytes left)"),
                Arguments.of("packet before any interface",
                        new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).raw(epb(4, 4)).bytes(),
                        "bad.cap: packet refers to an undeclared interface at offset 28 "
                                + "(interface id 0, section declares 0)"),
                Arguments.of("tsresol 10^-30", new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN)
                                .interfaceBlock(1, 0, 30, null, null).bytes(),
                        "bad.cap: unsupported if_tsresol at offset 28 (0x1e)"));
    }

    /** An IDB whose one option claims {@code length} bytes but carries 4. */
    private static byte[] idbWithOption(int code, int length) {
        ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).putInt(28).putShort((short) 1).putShort((short) 0).putInt(0)
                .putShort((short) code).putShort((short) length).putInt(0).putInt(28);
        return b.array();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFileGivesOneClearLine(String what, byte[] bytes, String expected) throws IOException {
        Path file = dir.resolve("bad.cap");
        Files.write(file, bytes);
        CaptureFileException e = assertThrows(CaptureFileException.class, () -> {
            try (CaptureReader r = CaptureReader.open(file)) {
                Sample.readAll(r);
            }
        }, what);
        assertTrue(e.getMessage().contains(expected), what + ": got \"" + e.getMessage() + "\"");
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertEquals(file.toString(), e.fileName());
    }

    @Test
    void validBaseFilesReadCleanly() throws IOException {
        assertEquals(2, Sample.readAll(CaptureReader.open(new ByteArrayInputStream(pcap()), "ok")).size());
        assertEquals(1, Sample.readAll(CaptureReader.open(
                new ByteArrayInputStream(pcapng().raw(epb(60, 60)).bytes()), "ok")).size());
    }

    /** Random byte corruption and truncation of valid files: only CaptureFileException may come out. */
    @Test
    void fuzzedFilesFailOnlyWithCaptureFileException() throws IOException {
        ByteArrayOutputStream ng = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(Channels.newChannel(ng), true, false)) {
            Random random = new Random(31);
            w.addInterface(new InterfaceDescription(LinkType.ETHERNET, 1500, "eth0", "fuzz"));
            w.addInterface(InterfaceDescription.of(LinkType.RAW, 0));
            for (int i = 0; i < 6; i++) {
                byte[] data = Sample.ethernet(random, 1 + random.nextInt(120));
                w.write(i % 2, Sample.BASE_NANOS + i, data.length + i, java.lang.foreign.MemorySegment.ofArray(data),
                        i % 3 == 0 ? "comment " + i : null);
            }
        }
        byte[] handMade = new PcapngBuilder().section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(1, 64, 0x80 | 20, 5L, "x").nameResolutionAndStatistics()
                .simplePacket(100, new byte[64]).obsoletePacket(0, 7, 10, new byte[10])
                .section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(1, 0, 12, null, null)
                .enhancedPacket(0, 1L << 40, 3, new byte[3]).bytes();
        List<byte[]> seeds = List.of(pcap(), ng.toByteArray(), handMade);
        Random random = new Random(0x7A71E);
        int failures = 0;
        for (int iteration = 0; iteration < 5000; iteration++) {
            byte[] file = seeds.get(iteration % seeds.size()).clone();
            int flips = 1 + random.nextInt(8);
            for (int i = 0; i < flips; i++) {
                int at = random.nextInt(file.length);
                file[at] = random.nextInt(4) == 0 ? (byte) 0xFF : (byte) random.nextInt(256);
            }
            if (random.nextInt(8) == 0) {
                file = Arrays.copyOf(file, random.nextInt(file.length + 1));
            }
            try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(file), "fuzz")) {
                for (Packet p; (p = r.next()) != null; ) {
                    assertEquals(p.capturedLength(), p.data().byteSize());
                    assertTrue(p.interfaceId() < r.interfaces().size());
                }
            } catch (CaptureFileException expected) {
                failures++;
                assertFalse(expected.getMessage().contains("\n"));
            } catch (Throwable t) {
                fail("iteration " + iteration + ": " + t + " on " + java.util.HexFormat.of().formatHex(file), t);
            }
        }
        assertTrue(failures > 1000, "corruption was detected only " + failures + " times");
    }
}
