package org.tapline.stack.udp;

/**
 * The UDP MIB counters (RFC 4113 §4, the names Linux prints in /proc/net/snmp). Written under
 * the stack's lock, read by anyone.
 */
public final class UdpCounters {
    /** Datagrams delivered to a socket. */
    public volatile long inDatagrams;
    /** Datagrams to a unicast port no socket has. */
    public volatile long noPorts;
    /** Datagrams not delivered for another reason: bad length or checksum, receive buffer full. */
    public volatile long inErrors;
    /** Datagrams sent. */
    public volatile long outDatagrams;
    /** Datagrams dropped because the socket's receive buffer was full (also in inErrors). */
    public volatile long rcvbufErrors;
    /** Of inErrors, those with a bad checksum (Linux's InCsumErrors). */
    public volatile long inCsumErrors;
    /** Broadcast or multicast datagrams no socket wanted (Linux's IgnoredMulti): not answered. */
    public volatile long ignoredMulti;

    /** As {@code nstat} names them. */
    public String line() {
        return "Udp: InDatagrams " + inDatagrams + " NoPorts " + noPorts + " InErrors " + inErrors
                + " OutDatagrams " + outDatagrams + " RcvbufErrors " + rcvbufErrors + " InCsumErrors " + inCsumErrors
                + " IgnoredMulti " + ignoredMulti;
    }
}
