package org.tapline.stack.ip;

/**
 * An upper-layer protocol of the stack (UDP, TCP): the IP layer hands it the datagrams that
 * carry its protocol number and the ICMP errors about datagrams it sent. Called by the stack's
 * loop (or an API thread) holding the stack's lock; {@code now} is nanoseconds.
 */
public interface Transport {
    /** What became of a delivered datagram. */
    enum Delivery {
        /** Taken (or dropped by the protocol's own rules, e.g. a RST for a closed TCP port). */
        ACCEPTED,
        /** No socket wants it: the IP layer answers with ICMP port unreachable where allowed. */
        NO_PORT,
        /** Bad checksum or header: counted by the transport, dropped. */
        MALFORMED
    }

    /** The IPv4 protocol / IPv6 next-header number. */
    int protocol();

    Delivery receive(Datagram d, long now);

    /**
     * An ICMP error about a datagram we sent. {@code quoted} describes that datagram: its source
     * (ours), destination, protocol, and as payload the start of its upper-layer message as the
     * error quoted it (at least 8 bytes: the ports). {@code mtu} is the next-hop MTU for
     * {@link IcmpProblem#PACKET_TOO_BIG}, else 0.
     */
    void error(IcmpProblem problem, int mtu, Datagram quoted, long now);

    /** Runs the timers due at {@code now}. */
    void poll(long now);

    /** When {@link #poll} next has work, or {@link Long#MAX_VALUE}. */
    long nextDeadline();

    /**
     * Appends what {@code kill -USR1} prints for this protocol: one line per socket (as
     * {@code ss -tuian} does) and then its MIB counters (RFC 4022 for TCP, RFC 4113 for UDP).
     */
    void report(StringBuilder out);
}
