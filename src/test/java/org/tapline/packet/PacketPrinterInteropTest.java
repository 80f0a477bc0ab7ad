package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tapline.pcap.CaptureReader;
import org.tapline.pcap.Packet;

/**
 * tapline prints the packets of recorded captures exactly as {@code TZ=UTC tcpdump -n -r FILE FLAGS}
 * prints them, for each flag set. {@code print/varied.pcap} (Ethernet; see {@code print/record.sh}):
 * ARP, ping and its fragments, NDP and MLD, UDP, ICMP and ICMPv6 errors, TCP over both IP versions
 * with data, FIN and a reset, IPv4 options, packets cut by a snapshot length, bad checksums, a VLAN
 * tag and an unknown EtherType. {@code print/cooked.pcap}: the same traffic as Linux cooked capture;
 * {@code print/loopback.pcap} and {@code print/raw.pcap}: its IP packets as BSD loopback (family
 * words of both byte orders) and raw IP ({@code print/relink.py}).
 */
class PacketPrinterInteropTest {
    static final List<String> CAPTURES = List.of("/print/varied.pcap", "/print/cooked.pcap", "/print/loopback.pcap",
            "/print/raw.pcap");

    static Stream<Arguments> captureAndFlags() {
        return CAPTURES.stream().flatMap(c -> flagSets().map(f -> Arguments.of(c, f)));
    }

    static Stream<String> flagSets() {
        return Stream.of("", "-e", "-v", "-vv", "-vvv", "-x", "-xx", "-X", "-XX", "-A", "-q", "-t", "-tt", "-ttt",
                "-tttt", "-ttttt", "-#", "-S", "-n", "-nn",
                "-vvv -XX -e", "-q -tttt", "-S -v", "-e -q", "-v -x", "-# -ttt -A", "-vv -S -e -X", "-q -v -ttttt",
                "-e -v -xx -#");
    }

    @ParameterizedTest(name = "tcpdump -n -r {0} {1}")
    @MethodSource("captureAndFlags")
    void linesEqualTcpdumps(String capture, String flags) throws Exception {
        Path file = Path.of(PacketPrinterInteropTest.class.getResource(capture).toURI());
        List<String> theirs = tcpdump(file, flags);
        List<String> ours = tapline(file, options(flags));
        assertTrue(theirs.size() > 40, "tcpdump printed the capture: " + theirs);
        assertSameLines(capture + " " + flags, theirs, ours);
    }

    /** Fails naming the first line that differs. */
    static void assertSameLines(String flags, List<String> theirs, List<String> ours) {
        for (int i = 0; i < Math.min(theirs.size(), ours.size()); i++) {
            if (!theirs.get(i).equals(ours.get(i))) {
                fail("flags '" + flags + "', line " + (i + 1) + " differs\ntcpdump: " + theirs.get(i)
                        + "\ntapline: " + ours.get(i));
            }
        }
        assertEquals(theirs.size(), ours.size(), "flags '" + flags + "': number of lines");
    }

    static List<String> tcpdump(Path file, String flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-n", "-r", file.toString()));
        if (!flags.isBlank()) {
            cmd.addAll(List.of(flags.split(" ")));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tcpdump ended");
        assertEquals(0, p.exitValue(), "tcpdump's exit status for " + cmd);
        return lines(new String(out, StandardCharsets.ISO_8859_1));
    }

    static List<String> tapline(Path file, PrintOptions options) throws IOException {
        PacketPrinter printer = new PacketPrinter(options);
        StringBuilder sb = new StringBuilder();
        try (CaptureReader r = CaptureReader.open(file)) {
            for (Packet p = r.next(); p != null; p = r.next()) {
                printer.print(p.linkType(), p.timestampNanos(), p.originalLength(), p.data(), sb);
            }
        }
        return lines(sb.toString());
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    /** tcpdump's letters counted as it counts them (tcpdump.c's getopt loop). */
    static PrintOptions options(String flags) {
        int v = 0;
        int t = 0;
        int x = 0;
        int bigX = 0;
        int a = 0;
        boolean e = false;
        boolean q = false;
        boolean number = false;
        boolean s = false;
        for (String word : flags.split(" ")) {
            for (char c : word.replace("-", "").toCharArray()) {
                switch (c) {
                    case 'v' -> v++;
                    case 't' -> t++;
                    case 'x' -> x++;
                    case 'X' -> bigX++;
                    case 'A' -> a++;
                    case 'e' -> e = true;
                    case 'q' -> q = true;
                    case '#' -> number = true;
                    case 'S' -> s = true;
                    case 'n' -> { }
                    default -> throw new IllegalArgumentException(word);
                }
            }
        }
        PrintOptions.Dump dump = bigX > 0 ? PrintOptions.Dump.HEX_ASCII : x > 0 ? PrintOptions.Dump.HEX
                : a > 0 ? PrintOptions.Dump.ASCII : PrintOptions.Dump.NONE;
        boolean link = bigX > 1 || (bigX == 0 && x > 1) || (bigX == 0 && x == 0 && a > 1);
        return new PrintOptions(v, e, q, dump, link, Math.min(t, PrintOptions.MAX_TIME_STYLE), number, s, ZoneOffset.UTC);
    }
}
