package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by text2pcap, editcap and mergecap, read by us and by tshark. */
class ForeignFileReadTest {
    @TempDir
    Path dir;

    private List<Sample> ethernet;
    private Path text2pcapNg;

    @BeforeEach
    void makeFiles() throws Exception {
        Random random = new Random(10);
        int[] sizes = {1, 60, 1514, 9000, 42, 128};
        ethernet = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            ethernet.add(new Sample(0, Sample.BASE_NANOS + i * 250_000_001L, sizes[i], Sample.ethernet(random, sizes[i])));
        }
        text2pcapNg = text2pcap("eth", ethernet, 1);
    }

    /** Writes a hex dump with timestamps and lets text2pcap turn it into a pcapng file. */
    private Path text2pcap(String name, List<Sample> samples, int linkType) throws Exception {
        StringBuilder dump = new StringBuilder();
        for (Sample s : samples) {
            dump.append(Sample.epoch(s.timestampNanos())).append('\n');
            for (int off = 0; off < s.data().length; off += 16) {
                dump.append(String.format("%06x ", off)).append(HexFormat.ofDelimiter(" ")
                        .formatHex(s.data(), off, Math.min(off + 16, s.data().length))).append('\n');
            }
            dump.append('\n');
        }
        Path text = dir.resolve(name + ".txt");
        Files.writeString(text, dump);
        Path file = dir.resolve(name + ".pcapng");
        ExternalTool.run(dir, "text2pcap", "-q", "-t", "%s.%f", "-l", String.valueOf(linkType), "-F", "pcapng",
                text.toString(), file.toString());
        return file;
    }

    private Path editcap(String format, Path in, String... extra) throws Exception {
        Path out = dir.resolve(in.getFileName() + "." + format + extra.length);
        List<String> args = new ArrayList<>(List.of("editcap", "-F", format));
        args.addAll(List.of(extra));
        args.addAll(List.of(in.toString(), out.toString()));
        ExternalTool.run(dir, args.toArray(String[]::new));
        return out;
    }

    /** Our reading must equal tshark's reading, and (independently) what went in. */
    private void assertReadsLike(List<Sample> expected, Path file) throws Exception {
        List<Sample> ours = Sample.readAll(file);
        Peer.assertSame(ours, Peer.tshark(dir, file), "tshark vs us on " + file.getFileName());
        assertEquals(expected, ours, "what went into " + file.getFileName());
    }

    private static List<Sample> micros(List<Sample> samples) {
        return samples.stream().map(s -> s.withTimestamp(s.timestampNanos() / 1000 * 1000)).toList();
    }

    @Test
    void text2pcapPcapngWithNanoseconds() throws Exception {
        assertReadsLike(ethernet, text2pcapNg);
    }

    @Test
    void editcapPcapMicroseconds() throws Exception {
        assertReadsLike(micros(ethernet), editcap("pcap", text2pcapNg));
    }

    @Test
    void editcapPcapNanoseconds() throws Exception {
        assertReadsLike(ethernet, editcap("nsecpcap", text2pcapNg));
    }

    @Test
    void editcapPcapBackToPcapng() throws Exception {
        assertReadsLike(micros(ethernet), editcap("pcapng", editcap("pcap", text2pcapNg)));
    }

    @Test
    void editcapSnappedPacketsHaveCapturedLengthBelowOriginal() throws Exception {
        List<Sample> snapped = ethernet.stream().map(s -> new Sample(0, s.timestampNanos(), s.originalLength(),
                java.util.Arrays.copyOf(s.data(), Math.min(s.data().length, 100)))).toList();
        assertReadsLike(snapped, editcap("pcapng", text2pcapNg, "-s", "100"));
        assertReadsLike(micros(snapped), editcap("pcap", text2pcapNg, "-s", "100"));
    }

    @Test
    void mergecapTwoLinkTypesInOnePcapng() throws Exception {
        Random random = new Random(11);
        List<Sample> raw = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] ip = new byte[20 + 8 * i];
            random.nextBytes(ip);
            byte[] header = {0x45, 0, 0, (byte) ip.length, 0, 1, 0x40, 0, 64, (byte) 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
            System.arraycopy(header, 0, ip, 0, header.length);
            raw.add(new Sample(1, Sample.BASE_NANOS + 100_000_000L + i * 300_000_003L, ip.length, ip));
        }
        Path rawFile = text2pcap("raw", raw, LinkType.RAW);
        Path merged = dir.resolve("merged.pcapng");
        ExternalTool.run(dir, "mergecap", "-F", "pcapng", "-w", merged.toString(), text2pcapNg.toString(),
                rawFile.toString());
        List<Sample> expected = new ArrayList<>(ethernet);
        expected.addAll(raw);
        expected.sort(Comparator.comparingLong(Sample::timestampNanos));
        assertReadsLike(expected, merged);
        try (CaptureReader r = CaptureReader.open(merged)) {
            assertEquals(List.of(LinkType.ETHERNET, LinkType.RAW),
                    r.interfaces().stream().map(InterfaceDescription::linkType).toList());
            for (Packet p; (p = r.next()) != null; ) {
                assertEquals(p.interfaceId() == 0 ? LinkType.ETHERNET : LinkType.RAW, p.linkType());
            }
        }
    }
}
