package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/** An IPv4 or IPv6 header record: what a transport emitter needs for its checksum. */
public sealed interface IpHeader permits Ipv4Header, Ipv6Header {
    /** Pseudo-header sum for an upper-layer message of {@code length} bytes (see {@link Checksum}). */
    long pseudoHeaderSum(int protocol, long length);

    /** Bytes {@link #emitTo} writes. */
    int length();

    /** Writes the header at {@code off}; returns the bytes written. */
    int emitTo(MemorySegment seg, long off);
}
