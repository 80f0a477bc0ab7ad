package org.tapline.stack.sim;

/**
 * A bulk transfer from host A to host B of a {@link VirtualNet}, measured by
 * {@link VirtualNet#transfer}. A TCP one: {@code start} adds the TCP transport to both hosts,
 * listens on B, connects from A and writes what fits; {@code afterEvent} writes more as the send
 * buffer drains and reads on B; {@code delivered} is what B's application has read.
 */
public interface Transfer {
    /** Sets up both ends and begins sending {@code bytes}, at virtual time {@code net.now()}. */
    void start(VirtualNet net, long bytes);

    /** Bytes the receiving application has taken, in order, so far. */
    long delivered();

    /** Called after every event the net runs: an application's chance to write or read. */
    default void afterEvent(long now) {
    }
}
