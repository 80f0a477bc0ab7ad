package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;

/**
 * One received datagram as the IP layer hands it to a {@link Transport}: its addresses and the
 * upper-layer message, already reassembled and with the IP headers (and IPv6 extension headers)
 * stepped over. One instance is reused for every datagram: a transport copies what it keeps.
 */
public final class Datagram {
    /** The sender. */
    public IpAddress source;
    /** The address it was sent to: one of ours, or a broadcast or multicast group we are in. */
    public IpAddress destination;
    /** IPv4 protocol or IPv6 final next header ({@code org.tapline.packet.IpPacket.PROTO_*}). */
    public int protocol;
    /** TTL or hop limit as received. */
    public int ttl;
    /** IPv4 TOS or IPv6 traffic class (DSCP and ECN). */
    public int trafficClass;
    /** Whether the destination is a broadcast or multicast address (never answer it with an error). */
    public boolean toGroup;
    /** The interface it came in on (index into the host's interfaces). */
    public int ifIndex;
    /** Holds the upper-layer message at [{@link #offset}, {@link #offset} + {@link #length}). */
    public MemorySegment segment;
    public long offset;
    public int length;

    /** The pseudo-header sum for this datagram's upper-layer checksum. */
    public long pseudoHeaderSum() {
        return IpAddress.pseudoHeaderSum(source, destination, protocol, length);
    }

    /** The upper-layer message as its own slice. */
    public MemorySegment payload() {
        return segment.asSlice(offset, length);
    }
}
