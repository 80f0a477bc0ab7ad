package org.tapline.link;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** Where a {@link Pump} delivers frames: a file writer, a printer, another link. */
@FunctionalInterface
public interface FrameSink {
    /** {@code data} is valid only during the call. */
    void accept(int linkType, long timestampNanos, int originalLength, MemorySegment data) throws IOException;
}
