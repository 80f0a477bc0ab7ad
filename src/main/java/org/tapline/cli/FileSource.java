package org.tapline.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.tapline.link.FrameSink;
import org.tapline.os.BpfFilter;
import org.tapline.pcap.CaptureReader;
import org.tapline.pcap.Packet;

/**
 * {@code capture -r}: a capture file's packets through an optional filter into a sink, until the
 * file ends, the limit is reached or {@link #stop} is called (e.g. from a signal handler).
 */
final class FileSource {
    private static final int FILTER_SNAPLEN = 262144;

    private final Path file;
    private final String expression;
    private final long limit;
    private volatile boolean stopped;
    private long delivered;

    /** {@code limit} 0 means no limit; {@code expression} null means no filter. */
    FileSource(Path file, String expression, long limit) {
        this.file = file;
        this.expression = expression;
        this.limit = limit;
    }

    /** Runs until the end; returns the number of packets delivered. */
    long run(FrameSink sink) throws IOException {
        Map<Integer, BpfFilter> filters = new HashMap<>();
        try (CaptureReader reader = CaptureReader.open(file)) {
            for (Packet p = reader.next(); p != null && !stopped && (limit == 0 || delivered < limit); p = reader.next()) {
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
                delivered++;
            }
            return delivered;
        } finally {
            filters.values().forEach(BpfFilter::close);
        }
    }

    /** Ends {@link #run} before the next packet; safe from any thread. */
    void stop() {
        stopped = true;
    }
}
