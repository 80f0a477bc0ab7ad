package org.tapline.stack;

import java.lang.foreign.MemorySegment;

/** Where the protocol state puts the frames it sends; {@code frame} is valid only during the call. */
@FunctionalInterface
public interface FrameOut {
    void send(MemorySegment frame);
}
