package org.tapline.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.tapline.link.FrameSink;
import org.tapline.os.BpfFilter;
import org.tapline.pcap.CaptureReader;
import org.tapline.pcap.Packet;

/** {@code capture -r}: a capture file's packets through an optional filter into a sink. */
final class FileSource {
    private static final int FILTER_SNAPLEN = 262144;

    private FileSource() {}

    static long run(Path file, String expression, long limit, FrameSink sink) throws IOException {
        Map<Integer, BpfFilter> filters = new HashMap<>();
        try (CaptureReader reader = CaptureReader.open(file)) {
            long n = 0;
            for (Packet p = reader.next(); p != null && (limit == 0 || n < limit); p = reader.next()) {
                if (expression != null) {
                    BpfFilter f = filters.get(p.linkType());
                    if (f == null) {
                        f = BpfFilter.compile(p.linkType(), FILTER_SNAPLEN, expression);
                        filters.put(p.linkType(), f);
                    }
                    if (!f.matches(p.data(), p.originalLength())) {
                        continue;
                    }
                }
                sink.accept(p.linkType(), p.timestampNanos(), p.originalLength(), p.data());
                n++;
            }
            return n;
        } finally {
            filters.values().forEach(BpfFilter::close);
        }
    }
}
