package org.tapline.stack.tcp;

import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IcmpProblem;

/**
 * ICMP errors about segments we sent. The quoted header must name a connection and a sequence
 * number it has outstanding (RFC 5927 §4.1), or the error is ignored. Packet Too Big lowers the
 * MSS and resends at once (RFC 1191, RFC 8201); hard errors abort a connection still opening,
 * soft ones are remembered and reported if it times out (RFC 1122 §4.2.3.9).
 */
final class TcpErrors {
    /** Quoted bytes needed: ports and sequence number. */
    private static final int QUOTED = 8;
    /** The smallest MSS a Packet Too Big may bring us to (Linux tcp_min_snd_mss). */
    private static final int MIN_MSS = 48;

    private TcpErrors() {}

    static void apply(TcpTransport t, IcmpProblem problem, int mtu, Datagram quoted, long now) {
        if (quoted.length < QUOTED || problem == IcmpProblem.SOURCE_QUENCH) {
            return;
        }
        int sport = Wire.u16(quoted.segment, quoted.offset + Wire.SRC_PORT);
        int dport = Wire.u16(quoted.segment, quoted.offset + Wire.DST_PORT);
        long seq = Wire.u32(quoted.segment, quoted.offset + Wire.SEQ);
        TcpConnection c = t.find(quoted.source, sport, quoted.destination, dport);
        if (c == null || !Seq.le(c.sndUna, seq) || !Seq.le(seq, c.sndMax)) {
            return;
        }
        if (problem == IcmpProblem.PACKET_TOO_BIG) {
            int overhead = (quoted.destination.isV4() ? 20 : 40) + Wire.HEADER
                    + (c.timestamps ? TcpOutput.TIMESTAMP_SPACE : 0);
            int mss = Math.max(MIN_MSS, mtu - overhead);
            if (mss < c.mss) {
                c.mss = mss;
                c.sndNxt = c.sndUna; // resend what was too big, in segments that fit
                c.output.send(now);
            }
            return;
        }
        TcpError why = switch (problem) {
            case PORT_UNREACHABLE, PROTOCOL_UNREACHABLE -> TcpError.REFUSED;
            case NET_UNREACHABLE -> TcpError.NET_UNREACHABLE;
            default -> TcpError.HOST_UNREACHABLE;
        };
        boolean opening = c.state == TcpState.SYN_SENT || c.state == TcpState.SYN_RECEIVED;
        if (problem.isHard() && opening) {
            c.fail(why);
        } else {
            c.softError = why;
        }
    }
}
