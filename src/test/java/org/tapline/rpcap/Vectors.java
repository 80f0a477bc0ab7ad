package org.tapline.rpcap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The recorded conversations of the reference rpcapd in ../shared/vectors/rpcap (format in its README). */
final class Vectors {
    static final Path DIR = Path.of("..", "shared", "vectors", "rpcap");

    /** One line: a message (conn, dir, bytes, malformed?) or a TCP FIN event (bytes null). */
    record Line(String conn, String dir, byte[] bytes, boolean malformed) {
        boolean fin() {
            return bytes == null;
        }
    }

    static List<Line> read(String name) throws IOException {
        Path f = DIR.resolve(name);
        if (!Files.exists(f)) {
            throw new AssertionError("vector file " + f.toAbsolutePath() + " is missing: ../shared must sit beside the project");
        }
        List<Line> out = new ArrayList<>();
        boolean note = false;
        for (String l : Files.readAllLines(f)) {
            if (l.startsWith("# NOTE")) {
                note = true;
            } else if (l.startsWith("# ev ") && l.endsWith(" FIN")) {
                String[] p = l.split(" ");
                out.add(new Line(p[2], p[3], null, false));
            } else if (!l.startsWith("#") && !l.isBlank()) {
                String[] p = l.split(" ");
                if (p.length == 3 && !p[0].equals("raw")) {
                    out.add(new Line(p[0], p[1], HexFormat.of().parseHex(p[2]), note));
                }
                note = false;
            }
        }
        return out;
    }
}
