package org.tapline.stack.ip6;

/**
 * The IPv6 and ICMPv6 MIB counters of the stack, named after RFC 4293's ipSystemStatsTable
 * (ipSystemStatsInReceives -> inReceives), icmpStatsTable and icmpMsgStatsTable (per type). Written
 * under the stack's lock, read by anyone.
 */
public final class Ipv6Counters {
    public volatile long inReceives;
    public volatile long inHdrErrors;
    public volatile long inAddrErrors;
    public volatile long inUnknownProtos;
    public volatile long inTruncatedPkts;
    public volatile long inDiscards;
    public volatile long inDelivers;
    public volatile long inMcastPkts;
    public volatile long outRequests;
    public volatile long outNoRoutes;
    public volatile long outDiscards;
    public volatile long outFragReqds;
    public volatile long outFragOKs;
    public volatile long outFragFails;
    public volatile long outFragCreates;
    public volatile long outTransmits;
    public volatile long outMcastPkts;
    public volatile long reasmReqds;
    public volatile long reasmOKs;
    public volatile long reasmFails;
    public volatile long reasmTimeout;

    /** icmpStatsInMsgs, icmpStatsInErrors (bad ICMPv6 messages), icmpStatsOutMsgs, icmpStatsOutErrors. */
    public volatile long icmpInMsgs;
    public volatile long icmpInErrors;
    public volatile long icmpOutMsgs;
    public volatile long icmpOutErrors;
    /** ICMPv6 errors we did not send because of the rate limit (Linux's Icmp6OutRateLimitHost). */
    public volatile long icmpOutRateLimited;
    /** icmpMsgStatsInPkts and icmpMsgStatsOutPkts, by ICMPv6 type. */
    public final long[] icmpInType = new long[256];
    public final long[] icmpOutType = new long[256];

    /** What SIGUSR1 prints: the counters that are not zero, as {@code nstat} does. */
    public void report(StringBuilder out) {
        out.append("Ip6: ");
        field(out, "InReceives", inReceives);
        field(out, "InHdrErrors", inHdrErrors);
        field(out, "InAddrErrors", inAddrErrors);
        field(out, "InUnknownProtos", inUnknownProtos);
        field(out, "InTruncatedPkts", inTruncatedPkts);
        field(out, "InDiscards", inDiscards);
        field(out, "InDelivers", inDelivers);
        field(out, "InMcastPkts", inMcastPkts);
        field(out, "OutRequests", outRequests);
        field(out, "OutNoRoutes", outNoRoutes);
        field(out, "OutDiscards", outDiscards);
        field(out, "OutFragReqds", outFragReqds);
        field(out, "OutFragOKs", outFragOKs);
        field(out, "OutFragFails", outFragFails);
        field(out, "OutFragCreates", outFragCreates);
        field(out, "OutTransmits", outTransmits);
        field(out, "ReasmReqds", reasmReqds);
        field(out, "ReasmOKs", reasmOKs);
        field(out, "ReasmFails", reasmFails);
        field(out, "ReasmTimeout", reasmTimeout);
        out.append("\nIcmp6: ");
        field(out, "InMsgs", icmpInMsgs);
        field(out, "InErrors", icmpInErrors);
        field(out, "OutMsgs", icmpOutMsgs);
        field(out, "OutErrors", icmpOutErrors);
        field(out, "OutRateLimited", icmpOutRateLimited);
        for (int t = 0; t < 256; t++) {
            field(out, "InType" + t, icmpInType[t]);
            field(out, "OutType" + t, icmpOutType[t]);
        }
        out.append('\n');
    }

    private static void field(StringBuilder out, String name, long v) {
        if (v != 0) {
            out.append(name).append(' ').append(v).append(' ');
        }
    }
}
