package org.tapline.packet;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The initial sequence numbers of the TCP conversations printed so far, for tcpdump's relative
 * sequence numbers (print-tcp.c; {@code -S} turns them off).
 *
 * <p>A conversation is its two addresses and ports, taken in one order for both directions:
 * the side with the higher port (on equal ports, the higher address) is the "reverse" side. The
 * first segment with ACK set seen for a conversation, or any later one with SYN, records the
 * numbers and prints absolute ones; later segments print their distance from them. Segments
 * without ACK print absolute numbers and record nothing. Entries stay, as in tcpdump.
 */
final class TcpSequences {
    /** Numbers to print, and the bases SACK blocks are made relative to. */
    record Relative(long seq, long ack, long baseSeq, long baseAck, boolean reverse) {}

    private record Key(byte[] a, byte[] b, int ports) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && ports == k.ports && Arrays.equals(a, k.a) && Arrays.equals(b, k.b);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(a) + Arrays.hashCode(b)) + ports;
        }
    }

    private static final class Bases {
        long seq;
        long ack;
    }

    private static final long MASK = 0xffff_ffffL;
    private final Map<Key, Bases> conversations = new HashMap<>();

    /**
     * The numbers to print for a segment with ACK set from {@code src}:{@code sport} to
     * {@code dst}:{@code dport} (addresses as network-order bytes).
     */
    Relative relative(byte[] src, byte[] dst, int sport, int dport, long seq, long ack, boolean syn) {
        boolean reverse = sport > dport || (sport == dport && Arrays.compareUnsigned(src, dst) > 0);
        Key key = reverse ? new Key(dst, src, dport << 16 | sport) : new Key(src, dst, sport << 16 | dport);
        Bases b = conversations.get(key);
        long s = seq;
        long a = ack;
        if (b == null || syn) {
            if (b == null) {
                b = new Bases();
                conversations.put(key, b);
            }
            if (reverse) {
                b.ack = seq;
                b.seq = (ack - 1) & MASK;
            } else {
                b.seq = seq;
                b.ack = (ack - 1) & MASK;
            }
        } else if (reverse) {
            s = (seq - b.ack) & MASK;
            a = (ack - b.seq) & MASK;
        } else {
            s = (seq - b.seq) & MASK;
            a = (ack - b.ack) & MASK;
        }
        return new Relative(s, a, b.seq, b.ack, reverse);
    }
}
