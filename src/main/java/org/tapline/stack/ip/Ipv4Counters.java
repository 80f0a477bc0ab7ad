package org.tapline.stack.ip;

/**
 * The host's IPv4 counters, named after RFC 4293's ipSystemStatsTable objects (ipSystemStatsInReceives
 * becomes {@code inReceives}). Written by whoever holds the stack's lock, read by anyone.
 */
public final class Ipv4Counters {
    /** Datagrams received, including those with errors. */
    public volatile long inReceives;
    /** Bad version, IHL, total length or header checksum. */
    public volatile long inHdrErrors;
    /** Destination not one of our addresses nor a broadcast or group we are in. */
    public volatile long inAddrErrors;
    /** No transport for the protocol. */
    public volatile long inUnknownProtos;
    /** Datagrams handed to ICMP or a transport. */
    public volatile long inDelivers;
    /** Datagrams transports and ICMP asked to send. */
    public volatile long outRequests;
    /** Datagrams with no route (ENETUNREACH). */
    public volatile long outNoRoutes;
    /** Datagrams the neighbour could not be resolved for, or that a full queue dropped. */
    public volatile long outDiscards;
    /** Fragments received that need reassembly. */
    public volatile long reasmReqds;
    /** Datagrams reassembled. */
    public volatile long reasmOKs;
    /** Reassembly failures: overlap, inconsistent length, memory caps, timeout (RFC 4293 counts each). */
    public volatile long reasmFails;
    /** Reassemblies that timed out (also counted in {@link #reasmFails}). */
    public volatile long reasmTimeout;
    /** Datagrams sent in fragments. */
    public volatile long fragOKs;
    /** Datagrams that needed fragmenting but had DF or exceeded 64 KiB. */
    public volatile long fragFails;
    /** Fragments made. */
    public volatile long fragCreates;

    /** Appends one line of the counters, for {@code kill -USR1}. */
    public void report(StringBuilder out) {
        out.append("Ip: InReceives ").append(inReceives).append(" InHdrErrors ").append(inHdrErrors)
                .append(" InAddrErrors ").append(inAddrErrors).append(" InUnknownProtos ").append(inUnknownProtos)
                .append(" InDelivers ").append(inDelivers).append(" OutRequests ").append(outRequests)
                .append(" OutNoRoutes ").append(outNoRoutes).append(" OutDiscards ").append(outDiscards)
                .append(" ReasmReqds ").append(reasmReqds).append(" ReasmOKs ").append(reasmOKs)
                .append(" ReasmFails ").append(reasmFails).append(" ReasmTimeout ").append(reasmTimeout)
                .append(" FragOKs ").append(fragOKs).append(" FragFails ").append(fragFails)
                .append(" FragCreates ").append(fragCreates).append('\n');
    }
}
