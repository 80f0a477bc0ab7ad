package org.tapline.stack.ip;

/**
 * ICMP counters of one family, named after RFC 4293's icmpStatsTable and icmpMsgStatsTable
 * ({@code icmpStatsInMsgs} becomes {@code inMsgs}), plus Linux's OutRateLimitGlobal/Host summed
 * as {@link #outRateLimited}. Written under the stack's lock, read by anyone.
 */
public final class IcmpCounters {
    private final String name;
    /** Messages received, including those counted in {@link #inErrors}. */
    public volatile long inMsgs;
    /** Bad checksum, too short, or an error whose quoted datagram is malformed. */
    public volatile long inErrors;
    public volatile long inEchos;
    public volatile long inEchoReps;
    public volatile long inDestUnreachs;
    public volatile long inTimeExcds;
    /** Messages sent, errors included. */
    public volatile long outMsgs;
    /** Messages we could not send (no route, link refused). */
    public volatile long outErrors;
    public volatile long outEchoReps;
    public volatile long outDestUnreachs;
    public volatile long outTimeExcds;
    /** Errors not sent because of the rate limit. */
    public volatile long outRateLimited;

    /** @param name the line's label: "Icmp" or "Icmp6" */
    public IcmpCounters(String name) {
        this.name = name;
    }

    /** Appends one line of the counters, for {@code kill -USR1}. */
    public void report(StringBuilder out) {
        out.append(name).append(": InMsgs ").append(inMsgs).append(" InErrors ").append(inErrors)
                .append(" InEchos ").append(inEchos).append(" InEchoReps ").append(inEchoReps)
                .append(" InDestUnreachs ").append(inDestUnreachs).append(" InTimeExcds ").append(inTimeExcds)
                .append(" OutMsgs ").append(outMsgs).append(" OutErrors ").append(outErrors)
                .append(" OutEchoReps ").append(outEchoReps).append(" OutDestUnreachs ").append(outDestUnreachs)
                .append(" OutTimeExcds ").append(outTimeExcds).append(" OutRateLimited ").append(outRateLimited)
                .append('\n');
    }
}
