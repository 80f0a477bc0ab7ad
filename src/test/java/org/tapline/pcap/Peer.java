package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What tshark and tcpdump say a capture file contains. */
final class Peer {
    /**
     * One packet as a peer reports it; {@code interfaceId} is empty for pcap files and null
     * for tcpdump, which also reports no original {@code length} (-1).
     */
    record Frame(String interfaceId, int length, int capturedLength, String epoch, String hex) {}

    private static final Pattern TSHARK_HEX_LINE = Pattern.compile("^([0-9a-f]{4,8})  (.*)$");
    private static final int TSHARK_HEX_COLUMNS = 16 * 3 - 1;
    private static final Pattern TCPDUMP_HEX_LINE = Pattern.compile("^\\s+0x[0-9a-f]+:\\s+(.*)$");

    private Peer() {}

    /** Packets (not other records such as custom blocks) as tshark reads them. */
    static List<Frame> tshark(Path dir, Path file) throws IOException, InterruptedException {
        String fields = ExternalTool.run(dir, "tshark", "-n", "-r", file.toString(), "-T", "fields",
                "-E", "separator=/t", "-e", "frame.interface_id", "-e", "frame.len", "-e", "frame.cap_len",
                "-e", "frame.time_epoch");
        List<String> dumps = tsharkHexDumps(ExternalTool.run(dir, "tshark", "-n", "-r", file.toString(), "-x"));
        List<String> rows = fields.lines().toList();
        assertEquals(rows.size(), dumps.size(), "tshark record count differs between -T fields and -x");
        boolean pcapng = java.nio.file.Files.readAllBytes(file)[0] == 0x0A;
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split("\t", -1);
            if (pcapng && f[0].isEmpty()) {
                continue; // not a packet: e.g. a custom block Wireshark lists as a record
            }
            frames.add(new Frame(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3], dumps.get(i)));
        }
        return frames;
    }

    /** Packets as tcpdump reads them, with nanosecond times and full hex. */
    static List<Frame> tcpdump(Path dir, Path file) throws IOException, InterruptedException {
        String text = ExternalTool.run(dir, "tcpdump", "-n", "-tt", "--time-stamp-precision=nano", "-xx",
                "-r", file.toString());
        List<Frame> frames = new ArrayList<>();
        String epoch = null;
        StringBuilder hex = new StringBuilder();
        for (String line : text.lines().toList()) {
            Matcher m = TCPDUMP_HEX_LINE.matcher(line);
            if (m.matches()) {
                hex.append(m.group(1).replace(" ", ""));
            } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                if (epoch != null) {
                    frames.add(new Frame(null, -1, hex.length() / 2, epoch, hex.toString()));
                }
                epoch = line.split(" ", 2)[0];
                hex.setLength(0);
            }
        }
        if (epoch != null) {
            frames.add(new Frame(null, -1, hex.length() / 2, epoch, hex.toString()));
        }
        return frames;
    }

    private static List<String> tsharkHexDumps(String text) {
        List<String> dumps = new ArrayList<>();
        StringBuilder hex = null;
        for (String line : text.lines().toList()) {
            Matcher m = TSHARK_HEX_LINE.matcher(line);
            if (m.matches()) {
                if (hex == null) {
                    hex = new StringBuilder();
                }
                String columns = m.group(2);
                columns = columns.substring(0, Math.min(columns.length(), TSHARK_HEX_COLUMNS));
                for (String token : columns.trim().split(" +")) {
                    hex.append(token);
                }
            } else if (line.isBlank() && hex != null) {
                dumps.add(hex.toString());
                hex = null;
            }
        }
        if (hex != null) {
            dumps.add(hex.toString());
        }
        return dumps;
    }

    /** Asserts that a peer saw exactly the expected packets (lengths, times and bytes). */
    static void assertSame(List<Sample> expected, List<Frame> seen, String what) {
        assertEquals(expected.size(), seen.size(), what + ": packet count");
        for (int i = 0; i < expected.size(); i++) {
            Sample e = expected.get(i);
            Frame f = seen.get(i);
            String where = what + ", packet " + (i + 1);
            if (f.interfaceId() != null && !f.interfaceId().isEmpty()) {
                assertEquals(String.valueOf(e.interfaceId()), f.interfaceId(), where + ": interface");
            }
            if (f.length() >= 0) {
                assertEquals(e.originalLength(), f.length(), where + ": frame.len");
            }
            assertEquals(e.data().length, f.capturedLength(), where + ": captured length");
            assertEquals(Sample.epoch(e.timestampNanos()), f.epoch(), where + ": timestamp");
            assertEquals(e.hex(), f.hex(), where + ": bytes");
        }
    }
}
