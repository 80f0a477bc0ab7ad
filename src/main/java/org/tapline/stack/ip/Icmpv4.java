package org.tapline.stack.ip;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import org.tapline.packet.Icmp;
import org.tapline.packet.IcmpEcho;
import org.tapline.packet.IcmpError;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4;

/**
 * ICMP input for a host (RFC 792, RFC 1122 §3.2.2): answers echo requests through the IP output
 * (so a large request gets a fragmented reply), hands echo replies to the stack's listener, and
 * turns errors about datagrams we sent into {@link Transport#error} calls after checking every
 * length of the quoted datagram; fragmentation-needed lowers the path MTU first (RFC 1191).
 */
public final class Icmpv4 {
    /** What {@link #receive} did. */
    public enum Outcome { ECHO_ANSWERED, HANDLED, IGNORED, MALFORMED }

    private final IpOutput out;
    private final Ipv4Input.Addresses addresses;
    private final Ipv4PathMtu pathMtu;
    private final int linkMtu;
    private final IntFunction<Transport> transports;
    private final Supplier<EchoReplies> echoReplies;
    private final IcmpCounters counters;
    private final Datagram quoted = new Datagram();
    /** Where an echo reply is built: the largest ICMP message a datagram holds. */
    private final MemorySegment echo = Arena.ofAuto().allocate(Ipv4Reassembly.MAX_DATAGRAM - Ipv4.MIN_HEADER_LENGTH);

    /** @param transports the transport of a protocol number, or {@code null} */
    public Icmpv4(IpOutput out, Ipv4Input.Addresses addresses, Ipv4PathMtu pathMtu, int linkMtu,
                  IntFunction<Transport> transports, Supplier<EchoReplies> echoReplies, IcmpCounters counters) {
        this.out = out;
        this.addresses = addresses;
        this.pathMtu = pathMtu;
        this.linkMtu = linkMtu;
        this.transports = transports;
        this.echoReplies = echoReplies;
        this.counters = counters;
    }

    /**
     * Handles the ICMP message of {@code ip}, a whole datagram for us.
     *
     * @param toGroup it was sent to a broadcast or multicast address, or a link-layer one
     */
    public Outcome receive(Ipv4 ip, boolean toGroup, long now) {
        counters.inMsgs++;
        Icmp icmp = Icmp.of(ip);
        if (icmp == null || !icmp.checksumOk()) {
            counters.inErrors++;
            return Outcome.MALFORMED;
        }
        return switch (icmp.type()) {
            case Icmp.ECHO_REQUEST -> echo(ip, icmp, toGroup, now);
            case Icmp.ECHO_REPLY -> {
                counters.inEchoReps++;
                EchoReplies listener = echoReplies.get();
                // A reply sent to a broadcast or group address answers no ping of ours.
                if (listener != null && !toGroup) {
                    listener.reply(IpAddress.v4(ip.sourceBits()), icmp.identifier(), icmp.sequence(),
                            icmp.segment().asSlice(icmp.dataOffset(), icmp.dataLength()), now);
                }
                yield Outcome.HANDLED;
            }
            case Icmp.DEST_UNREACHABLE, Icmp.TIME_EXCEEDED, Icmp.PARAMETER_PROBLEM -> error(icmp, now);
            // Source quench is deprecated (RFC 6633) and redirects are for hosts with several routers: ignored.
            default -> Outcome.IGNORED;
        };
    }

    private Outcome echo(Ipv4 ip, Icmp icmp, boolean toGroup, long now) {
        counters.inEchos++;
        // Never answer a broadcast ping (RFC 1122 §3.2.2.6 allows silence; Linux's default,
        // icmp_echo_ignore_broadcasts), nor a source that is not one host (§3.2.1.3).
        int src = ip.sourceBits();
        int top = src >>> 24;
        if (toGroup || src == 0 || top == 127 || top >= 224 || addresses.isBroadcast(src)) {
            return Outcome.IGNORED;
        }
        int dataLength = (int) icmp.dataLength();
        MemorySegment.copy(icmp.segment(), icmp.dataOffset(), echo, Icmp.HEADER_LENGTH, dataLength);
        new IcmpEcho(true, icmp.identifier(), icmp.sequence()).emitTo(echo, 0, dataLength);
        counters.outMsgs++;
        counters.outEchoReps++;
        IpOutput.Result r = out.send(IpAddress.v4(ip.destinationBits()), IpAddress.v4(src), IpPacket.PROTO_ICMP, -1, 0,
                echo, Icmp.HEADER_LENGTH + dataLength, now);
        if (r != IpOutput.Result.SENT && r != IpOutput.Result.QUEUED) {
            counters.outErrors++;
        }
        return Outcome.ECHO_ANSWERED;
    }

    /** An error about a datagram we sent: RFC 792 quotes its header and at least 8 bytes of its data. */
    private Outcome error(Icmp icmp, long now) {
        if (icmp.type() == Icmp.DEST_UNREACHABLE) {
            counters.inDestUnreachs++;
        } else if (icmp.type() == Icmp.TIME_EXCEEDED) {
            counters.inTimeExcds++;
        }
        Ipv4 q = Ipv4.of(icmp.segment(), icmp.dataOffset(), icmp.dataLength());
        if (q == null || q.problem() != null || q.length() < q.headerLength() + 8L
                || !out.isLocal(IpAddress.v4(q.sourceBits()))) {
            counters.inErrors++;
            return Outcome.MALFORMED;
        }
        if (q.fragmentOffset() != 0) {
            return Outcome.IGNORED; // no transport header quoted: nothing to tell anyone
        }
        IcmpError e = IcmpError.parse(icmp);
        IcmpProblem problem = problem(e);
        if (problem == null) {
            return Outcome.IGNORED;
        }
        IpAddress destination = IpAddress.v4(q.destinationBits());
        int mtu = 0;
        if (problem == IcmpProblem.PACKET_TOO_BIG) {
            pathMtu.update(destination, e.nextHopMtu(), q.totalLength(), linkMtu, now);
            mtu = pathMtu.get(destination, linkMtu);
        }
        Transport t = transports.apply(q.protocol());
        if (t == null) {
            return Outcome.IGNORED;
        }
        t.error(problem, mtu, Ipv4Input.describe(quoted, q), now);
        return Outcome.HANDLED;
    }

    /** RFC 1122 §4.1.3.3 and §4.2.3.9's reading of each type and code. */
    static IcmpProblem problem(IcmpError e) {
        if (e.type() == Icmp.TIME_EXCEEDED) {
            return IcmpProblem.TIME_EXCEEDED;
        }
        if (e.type() == Icmp.PARAMETER_PROBLEM) {
            return IcmpProblem.PARAMETER_PROBLEM;
        }
        return switch (e.code()) {
            case IcmpError.NET_UNREACHABLE, 6, 11 -> IcmpProblem.NET_UNREACHABLE; // 6 unknown, 11 for TOS
            case IcmpError.HOST_UNREACHABLE, 5, 7, 12, 14 -> IcmpProblem.HOST_UNREACHABLE; // route failed, unknown, TOS, precedence
            case IcmpError.PROTOCOL_UNREACHABLE -> IcmpProblem.PROTOCOL_UNREACHABLE;
            case IcmpError.PORT_UNREACHABLE -> IcmpProblem.PORT_UNREACHABLE;
            case IcmpError.FRAGMENTATION_NEEDED -> IcmpProblem.PACKET_TOO_BIG;
            case 9, 10, 13, 15 -> IcmpProblem.ADMIN_PROHIBITED; // RFC 1812 §5.2.7.1
            default -> null;
        };
    }
}
