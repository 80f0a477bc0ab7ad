package org.tapline.stack.tcp;

/** One connection as {@code ss -tin} prints it, for SIGUSR1. */
final class TcpReport {
    private TcpReport() {}

    static void line(TcpConnection c, StringBuilder out) {
        out.append(c.state.ssName()).append(' ')
                .append(c.local).append(':').append(c.localPort).append(' ')
                .append(c.remote).append(':').append(c.remotePort)
                .append(" mss:").append(c.mss)
                .append(" cwnd:").append(c.cc.cwnd() / Math.max(1, c.mss));
        if (c.cc.ssthresh() != Long.MAX_VALUE) {
            out.append(" ssthresh:").append(c.cc.ssthresh() / Math.max(1, c.mss));
        }
        if (c.rtt.srtt() >= 0) {
            out.append(" rtt:").append(ms(c.rtt.srtt())).append('/').append(ms(c.rtt.rttvar()));
        }
        out.append(" rto:").append(ms(c.rtt.rto()))
                .append(" retrans:").append(c.retransmits).append('/').append(c.retransmittedSegments)
                .append(" unacked:").append(c.flight())
                .append(" rcv_space:").append(c.receiveQueue.ring().free())
                .append('\n');
    }

    /** Milliseconds with three decimals, as ss prints them. */
    private static String ms(long nanos) {
        return String.format("%.3f", nanos / 1e6);
    }
}
