package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;

/**
 * How a transport sends: the IP layer routes the datagram, picks the source address when asked,
 * fragments it when it is larger than the path MTU and DF is not asked for, resolves the next
 * hop's link address (queueing a few datagrams meanwhile) and writes the frame.
 */
public interface IpOutput {
    /** What became of a datagram given to {@link #send}. */
    enum Result {
        SENT,
        /** Waiting for the next hop's link address; sent when it resolves, dropped if it does not. */
        QUEUED,
        /** No route to the destination (ENETUNREACH). */
        NO_ROUTE,
        /** Larger than the path MTU with fragmentation forbidden (EMSGSIZE). */
        TOO_BIG,
        /** The resolution queue is full, or the link refused the frame (ENOBUFS). */
        DROPPED
    }

    /** Don't fragment: set DF (IPv4) / never fragment at the source (IPv6); a transport doing PMTU discovery asks for it. */
    int DONT_FRAGMENT = 1;

    /**
     * Sends {@code payload[0, length)} as the upper-layer message of one datagram. The
     * transport has filled in its own checksum using {@link IpAddress#pseudoHeaderSum}.
     *
     * @param source an address of ours (see {@link #sourceFor})
     * @param ttl    TTL / hop limit, or -1 for the default
     * @param flags  {@link #DONT_FRAGMENT} or 0
     */
    Result send(IpAddress source, IpAddress destination, int protocol, int ttl, int flags,
                MemorySegment payload, int length, long now);

    /** The source address this host uses towards {@code destination} (RFC 6724 for IPv6), or null without a route. */
    IpAddress sourceFor(IpAddress destination);

    /** The path MTU towards {@code destination}: what a transport sizes its segments by (MSS = MTU - 40/60). */
    int pathMtu(IpAddress destination);

    /** Whether {@code address} is one of this host's unicast addresses. */
    boolean isLocal(IpAddress address);
}
