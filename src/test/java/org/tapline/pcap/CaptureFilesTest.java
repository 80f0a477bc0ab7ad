package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;

/** Our writers against Debian's tcpdump and tshark, and their files (via editcap/mergecap) against our readers. */
class CaptureFilesTest {
    /** Captured sizes, with the one cut by a snaplen (original 1514, captured 96). */
    private static final int[] SIZES = {1, 60, 1514, 9000, 96};
    private static final long T0 = 1_700_000_000_123_456_789L;

    record Rec(long ts, int orig, byte[] data) {}

    static List<Rec> sample() {
        List<Rec> out = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            byte[] d = new byte[SIZES[i]];
            for (int j = 0; j < d.length; j++) {
                d[j] = (byte) (j * 7 + i);
            }
            out.add(new Rec(T0 + i * 1_000_001_001L, i == SIZES.length - 1 ? 1514 : d.length, d));
        }
        return out;
    }

    static void write(Path f, CaptureWriter.Format format, List<Rec> recs, int linkType) throws Exception {
        try (CaptureWriter w = CaptureWriter.open(FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), format)) {
            int id = w.addInterface(new InterfaceDescription(linkType, 65535, "veth-test", "a test interface"));
            for (Rec r : recs) {
                w.write(id, r.ts(), r.orig(), MemorySegment.ofArray(r.data()));
            }
        }
    }

    static List<Rec> read(Path f) throws Exception {
        List<Rec> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(f)) {
            for (Packet p = r.next(); p != null; p = r.next()) {
                out.add(new Rec(p.timestampNanos(), p.originalLength(), p.data().toArray(ValueLayout.JAVA_BYTE)));
            }
        }
        return out;
    }

    /** tshark's view: "frame.len frame.cap_len epoch-ns" per packet. */
    static List<String> tshark(Path f) throws Exception {
        return Lab.exec(List.of("tshark", "-r", f.toString(), "-T", "fields", "-e", "frame.len", "-e", "frame.cap_len",
                "-e", "frame.time_epoch")).lines().filter(l -> !l.isBlank() && Character.isDigit(l.charAt(0))).toList();
    }

    static String expected(Rec r, boolean nano) {
        long sec = r.ts() / 1_000_000_000L;
        long frac = r.ts() % 1_000_000_000L;
        String f = nano ? String.format("%09d", frac) : String.format("%06d000", frac / 1000);
        return r.orig() + "\t" + r.data().length + "\t" + sec + "." + f;
    }

    @Test
    void tsharkAndTcpdumpReadWhatWeWrite(@TempDir Path dir) throws Exception {
        List<Rec> recs = sample();
        for (CaptureWriter.Format format : CaptureWriter.Format.values()) {
            Path f = dir.resolve("ours-" + format + ".cap");
            write(f, format, recs, 1);
            List<String> seen = tshark(f);
            assertEquals(recs.size(), seen.size(), format + ": " + seen);
            for (int i = 0; i < recs.size(); i++) {
                assertEquals(expected(recs.get(i), format == CaptureWriter.Format.PCAP_NS), seen.get(i), format + " packet " + i);
            }
            String hex = Lab.exec(List.of("tcpdump", "-r", f.toString(), "-n", "-c", "1", "-xx"));
            String first = String.format("%02x", recs.get(0).data()[0]);
            assertEquals(true, hex.contains("0x0000:  " + first), format + ": " + hex);
            assertEquals(recs.size(), Lab.exec(List.of("tcpdump", "-r", f.toString(), "-n")).lines()
                    .filter(l -> !l.startsWith("\t") && !l.startsWith("reading from")).count(), format.toString());
        }
    }

    @Test
    void weReadWhatWiresharkToolsWrite(@TempDir Path dir) throws Exception {
        List<Rec> recs = sample();
        Path base = dir.resolve("base.pcap");
        write(base, CaptureWriter.Format.PCAP_NS, recs, 1);
        for (String type : List.of("pcap", "nsecpcap", "pcapng", "modpcap")) {
            Path f = dir.resolve("conv." + type);
            Lab.exec(List.of("editcap", "-F", type, base.toString(), f.toString()));
            List<Rec> back = read(f);
            assertEquals(recs.size(), back.size(), type);
            boolean nano = !type.equals("pcap") && !type.equals("modpcap");
            for (int i = 0; i < recs.size(); i++) {
                Rec want = recs.get(i);
                long ts = nano ? want.ts() : want.ts() / 1000 * 1000;
                assertEquals(ts, back.get(i).ts(), type + " ts " + i);
                assertEquals(want.orig(), back.get(i).orig(), type + " len " + i);
                assertArrayEquals(want.data(), back.get(i).data(), type + " data " + i);
            }
        }
    }

    @Test
    void mergedPcapngWithTwoLinkTypes(@TempDir Path dir) throws Exception {
        Path eth = dir.resolve("eth.pcap");
        Path raw = dir.resolve("raw.pcap");
        write(eth, CaptureWriter.Format.PCAP, sample().subList(0, 2), 1);
        write(raw, CaptureWriter.Format.PCAP, sample().subList(2, 3), 101);
        Path merged = dir.resolve("merged.pcapng");
        Lab.exec(List.of("mergecap", "-F", "pcapng", "-w", merged.toString(), eth.toString(), raw.toString()));
        List<Integer> linkTypes = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(merged)) {
            for (Packet p = r.next(); p != null; p = r.next()) {
                linkTypes.add(p.linkType());
            }
            assertEquals(2, r.interfaces().size());
        }
        assertEquals(List.of(1, 1, 101), linkTypes);
    }

    @Test
    void bigEndianFilesOfBothFormats(@TempDir Path dir) throws Exception {
        // pcap, big-endian, microseconds: one 4-byte packet at 1.000002 s, original length 9.
        Path pcap = dir.resolve("be.pcap");
        java.nio.file.Files.write(pcap, java.util.HexFormat.of().parseHex(
                "a1b2c3d4000200040000000000000000000000400000000100000001000000020000000400000009deadbeef"));
        List<Rec> a = read(pcap);
        assertEquals(1, a.size());
        assertEquals(1_000_002_000L, a.get(0).ts());
        assertEquals(9, a.get(0).orig());
        assertArrayEquals(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}, a.get(0).data());
        // pcapng, big-endian: SHB, IDB (if_tsresol 10^-3), EPB with ts 1500 ms and a 3-byte packet.
        Path ng = dir.resolve("be.pcapng");
        java.nio.file.Files.write(ng, java.util.HexFormat.of().parseHex(
                "0a0d0d0a0000001c1a2b3c4d00010000ffffffffffffffff0000001c"
                + "00000001" + "00000020" + "0001" + "0000" + "0000ffff" + "0009" + "0001" + "03000000" + "00000000" + "00000020"
                + "00000006" + "00000024" + "00000000" + "00000000" + "000005dc" + "00000003" + "00000003" + "abcdef00" + "00000024"));
        List<Rec> b = read(ng);
        assertEquals(1, b.size());
        assertEquals(1_500_000_000L, b.get(0).ts());
        assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd, (byte) 0xef}, b.get(0).data());
    }

    @Test
    void pcapngTimestampResolutions() {
        assertEquals(1_500_000_000L, PcapngReader.nanos(6, 0, 1_500_000L));
        assertEquals(1_500_000_000L, PcapngReader.nanos(9, 0, 1_500_000_000L));
        assertEquals(1_500_000_000L, PcapngReader.nanos(12, 0, 1_500_000_000_000L));
        assertEquals(1_500_000_000L, PcapngReader.nanos(0x80 | 10, 0, 1536L), "2^-10 units");
        assertEquals(3_000_000_000L, PcapngReader.nanos(0, 2, 1L), "if_tsoffset adds seconds");
    }

    @Test
    void emptyPcapHasNoPackets(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("empty.pcap");
        write(f, CaptureWriter.Format.PCAP, List.of(), 1);
        try (CaptureReader r = CaptureReader.open(f)) {
            assertNull(r.next());
        }
    }
}
