package org.tapline.puppet;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What crossed a puppet link, over all its connections: printed on SIGUSR1 and at exit.
 * "Dropped" frames are ones this side had and could not forward (the link was down, the
 * interface refused them); "cut" ones were longer than an etherpuppet peer carries.
 */
public final class Counters {
    final AtomicLong sentFrames = new AtomicLong();
    final AtomicLong sentBytes = new AtomicLong();
    final AtomicLong receivedFrames = new AtomicLong();
    final AtomicLong receivedBytes = new AtomicLong();
    final AtomicLong cut = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong kernelDrops = new AtomicLong();
    final AtomicLong connections = new AtomicLong();

    long sentFrames() {
        return sentFrames.get();
    }

    @Override
    public String toString() {
        return String.format("%d connection%s; to peer %d frames, %d bytes; from peer %d frames, %d bytes;"
                        + " cut to etherpuppet's limit %d; dropped %d; kernel drops %d",
                connections.get(), connections.get() == 1 ? "" : "s", sentFrames.get(), sentBytes.get(), receivedFrames.get(),
                receivedBytes.get(), cut.get(), dropped.get(), kernelDrops.get());
    }
}
