package org.tapline.rpcap;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The recorded conversations of the reference rpcapd, test resources under vectors/rpcap
 * (src/test/resources/vectors/rpcap; the format is in the README there).
 */
final class Vectors {
    static final Path DIR = directory();

    /** One line: a message (conn, dir, bytes, malformed?) or a TCP FIN event (bytes null). */
    record Line(String conn, String dir, byte[] bytes, boolean malformed) {
        boolean fin() {
            return bytes == null;
        }
    }

    /** Maven copies test resources to target/test-classes, a directory on the test class path. */
    private static Path directory() {
        URL url = Vectors.class.getResource("/vectors/rpcap/README.md");
        if (url == null) {
            throw new AssertionError("the test resources vectors/rpcap are not on the class path (src/test/resources/vectors/rpcap)");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new AssertionError("vectors/rpcap at " + url + ": " + e.getMessage(), e);
        }
    }

    static List<Line> read(String name) throws IOException {
        Path f = DIR.resolve(name);
        if (!Files.exists(f)) {
            throw new AssertionError("vector file " + name + " is missing from src/test/resources/vectors/rpcap");
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
