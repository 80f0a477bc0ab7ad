package org.tapline.stack.ip6;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.tapline.packet.Checksum;
import org.tapline.packet.Icmpv6;
import org.tapline.packet.IpPacket;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.EchoReplies;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpAddress;

/**
 * ICMPv6 (RFC 4443) for a host: checks every message (length, checksum), answers echo requests
 * (multicast ones too, as Linux does with echo_ignore_multicast 0), hands echo replies to the
 * stack's listener, passes the errors it receives about our datagrams to their transport (Packet
 * Too Big also lowers the path MTU), dispatches Neighbor Discovery and MLD, and sends errors under
 * the rules of §2.4 (e) and a token bucket (§2.4 (f)).
 *
 * <pre>
 *  type (8) | code (8) | checksum (16) | identifier, sequence / MTU / pointer / unused (32) | body
 * </pre>
 */
final class Icmp6 {
    static final int DEST_UNREACHABLE = Icmpv6.DEST_UNREACHABLE;
    static final int PACKET_TOO_BIG = Icmpv6.PACKET_TOO_BIG;
    static final int TIME_EXCEEDED = Icmpv6.TIME_EXCEEDED;
    static final int PARAMETER_PROBLEM = Icmpv6.PARAMETER_PROBLEM;
    static final int PORT_UNREACHABLE = 4;
    private static final int HEADER = 8;

    private final Ipv6Host host;
    private final MemorySegment scratch = Arena.ofAuto().allocate(65535);
    private final ErrorRateLimit rate = new ErrorRateLimit();
    private final Datagram quoted = new Datagram();

    Icmp6(Ipv6Host host) {
        this.host = host;
    }

    /** The ICMPv6 message at {@code [at, at + len)} of {@code pkt}. */
    void receive(MemorySegment pkt, long at, int len, boolean group, boolean tentative, MacAddress ethSrc, long now) {
        Ipv6Counters c = host.counters;
        c.icmpInMsgs++;
        IpAddress src = IpAddress.readV6(pkt, 8);
        IpAddress dst = IpAddress.readV6(pkt, 24);
        int hop = Wire.u8(pkt, 7);
        long sum = IpAddress.pseudoHeaderSum(src, dst, IpPacket.PROTO_ICMPV6, len) + Checksum.sum(pkt, at, len);
        if (len < 4 || Checksum.finish(sum) != 0) {
            c.icmpInErrors++;
            return;
        }
        int type = Wire.u8(pkt, at);
        c.icmpInType[type]++;
        // RFC 4862 §5.4: a tentative address takes nothing but Neighbor Discovery.
        if (tentative && type != Icmpv6.NEIGHBOR_SOLICITATION && type != Icmpv6.NEIGHBOR_ADVERTISEMENT) {
            return;
        }
        boolean ok = switch (type) {
            case Icmpv6.ECHO_REQUEST -> echo(pkt, at, len, src, dst, group, now);
            case Icmpv6.ECHO_REPLY -> echoReply(pkt, at, len, src, now);
            case DEST_UNREACHABLE, PACKET_TOO_BIG, TIME_EXCEEDED, PARAMETER_PROBLEM -> errorIn(pkt, at, len, now);
            case Icmpv6.NEIGHBOR_SOLICITATION -> host.ndp.solicitation(src, dst, hop, ethSrc, pkt, at, len, now);
            case Icmpv6.NEIGHBOR_ADVERTISEMENT -> host.ndp.advertisement(dst, hop, pkt, at, len, now);
            case Icmpv6.ROUTER_ADVERTISEMENT -> host.router.advertisement(src, hop, pkt, at, len, now);
            case Icmpv6.MLD_QUERY -> host.mld.query(src, hop, pkt, at, len, now);
            // Router solicitations are for routers, redirects a host may ignore (RFC 4861 §8.3),
            // other listeners' reports are no business of an MLDv2 host (RFC 3810 §6).
            default -> true;
        };
        if (!ok) {
            c.icmpInErrors++;
        }
    }

    private boolean echo(MemorySegment pkt, long at, int len, IpAddress src, IpAddress dst, boolean group, long now) {
        if (len < HEADER) {
            return false;
        }
        if (src.isUnspecified()) {
            return true;
        }
        IpAddress from = group ? host.addresses.sourceFor(src) : dst;
        if (from == null) {
            return true;
        }
        MemorySegment.copy(pkt, at, scratch, 0, len);
        Wire.put8(scratch, 0, Icmpv6.ECHO_REPLY);
        send(from, src, len, now);
        return true;
    }

    private boolean echoReply(MemorySegment pkt, long at, int len, IpAddress src, long now) {
        if (len < HEADER) {
            return false;
        }
        EchoReplies to = host.upper.echoReplies();
        if (to != null) {
            to.reply(src, Wire.u16(pkt, at + 4), Wire.u16(pkt, at + 6), pkt.asSlice(at + HEADER, len - HEADER), now);
        }
        return true;
    }

    /** An error about a datagram of ours (§3): every length checked before the quote is read. */
    private boolean errorIn(MemorySegment pkt, long at, int len, long now) {
        if (len < HEADER + Ipv6Output.HEADER) {
            return false;
        }
        long q = at + HEADER;
        long end = at + len;
        IpAddress qsrc = IpAddress.readV6(pkt, q + 8);
        IpAddress qdst = IpAddress.readV6(pkt, q + 24);
        if (!host.addresses.owns(qsrc)) {
            return true; // not about anything we sent
        }
        int type = Wire.u8(pkt, at);
        int code = Wire.u8(pkt, at + 1);
        long mtu = 0;
        if (type == PACKET_TOO_BIG) {
            mtu = Wire.u32(pkt, at + 4);
            host.pmtu.lower(qdst, mtu, host.output.linkMtu, now); // RFC 8201 §4
            mtu = host.pmtu.get(qdst, host.output.linkMtu, now);
        }
        tell(problem(type, code), (int) mtu, pkt, q, end, now);
        return true;
    }

    /**
     * RFC 4861 §7.2.2: resolution of the next hop failed for {@code packet}, one of ours: its
     * transport hears "address unreachable" (EHOSTUNREACH), as a Linux socket does.
     */
    void unreachable(MemorySegment packet, long now) {
        if (packet.byteSize() >= Ipv6Output.HEADER) {
            tell(IcmpProblem.HOST_UNREACHABLE, 0, packet, 0, packet.byteSize(), now);
        }
    }

    /** Hands the transport the datagram quoted at {@code [q, end)} when its upper-layer header is there. */
    private void tell(IcmpProblem problem, int mtu, MemorySegment pkt, long q, long end, long now) {
        long upper = Headers.upper(pkt, Wire.u8(pkt, q + 6), q + Ipv6Output.HEADER, end);
        if (upper < 0 || end - (upper >> 8) < 8 || (upper & 0xff) == IpPacket.PROTO_ICMPV6) {
            return; // the quote is too short to name a socket, or it is about our ICMPv6
        }
        IpAddress qdst = IpAddress.readV6(pkt, q + 24);
        quoted.source = IpAddress.readV6(pkt, q + 8);
        quoted.destination = qdst;
        quoted.protocol = (int) (upper & 0xff);
        quoted.ttl = Wire.u8(pkt, q + 7);
        quoted.toGroup = Wire.isMulticast(qdst);
        quoted.segment = pkt;
        quoted.offset = upper >> 8;
        quoted.length = (int) (end - quoted.offset);
        host.upper.error(problem, mtu, quoted, now);
    }

    private static IcmpProblem problem(int type, int code) {
        return switch (type) {
            case PACKET_TOO_BIG -> IcmpProblem.PACKET_TOO_BIG;
            case TIME_EXCEEDED -> IcmpProblem.TIME_EXCEEDED;
            case PARAMETER_PROBLEM -> code == 1 ? IcmpProblem.PROTOCOL_UNREACHABLE : IcmpProblem.PARAMETER_PROBLEM;
            default -> switch (code) {
                case 0 -> IcmpProblem.NET_UNREACHABLE;
                case 1, 5, 6 -> IcmpProblem.ADMIN_PROHIBITED;
                case 4 -> IcmpProblem.PORT_UNREACHABLE;
                default -> IcmpProblem.HOST_UNREACHABLE;
            };
        };
    }

    /**
     * Sends an error about {@code invoking} (an IPv6 datagram from its fixed header), unless RFC
     * 4443 §2.4 (e) forbids it: not about an ICMPv6 error or a redirect, not about a datagram to a
     * group ({@code toGroup}: its destination or its link destination) except Packet Too Big and
     * Parameter Problem code 2, not to an unspecified or multicast source. Then the rate limit.
     */
    void error(int type, int code, long parameter, MemorySegment invoking, boolean toGroup, long now) {
        IpAddress src = IpAddress.readV6(invoking, 8);
        IpAddress dst = IpAddress.readV6(invoking, 24);
        boolean groupAllowed = type == PACKET_TOO_BIG || type == PARAMETER_PROBLEM && code == 2;
        if (src.isUnspecified() || Wire.isMulticast(src) || toGroup && !groupAllowed || aboutError(invoking)) {
            return;
        }
        if (!rate.allow(now)) {
            host.counters.icmpOutRateLimited++;
            return;
        }
        IpAddress from = !Wire.isMulticast(dst) && host.addresses.owns(dst) ? dst : host.addresses.sourceFor(src);
        if (from == null) {
            return;
        }
        int n = (int) Math.min(invoking.byteSize(), Reassembly.QUOTE);
        Wire.put32(scratch, 0, (long) type << 24 | code << 16);
        Wire.put32(scratch, 4, parameter);
        MemorySegment.copy(invoking, 0, scratch, HEADER, n);
        host.counters.icmpOutErrors++;
        send(from, src, HEADER + n, now);
    }

    private static boolean aboutError(MemorySegment invoking) {
        long upper = Headers.upper(invoking, Wire.u8(invoking, 6), Ipv6Output.HEADER, invoking.byteSize());
        if (upper < 0 || (upper & 0xff) != IpPacket.PROTO_ICMPV6) {
            return false;
        }
        long at = upper >> 8;
        if (at >= invoking.byteSize()) {
            return true; // no type to tell: stay silent
        }
        int type = Wire.u8(invoking, at);
        return type < 128 || type == Icmpv6.REDIRECT;
    }

    private void send(IpAddress from, IpAddress to, int len, long now) {
        Wire.icmpChecksum(scratch, len, from, to);
        host.counters.icmpOutMsgs++;
        host.counters.icmpOutType[Wire.u8(scratch, 0)]++;
        host.output.send(from, to, IpPacket.PROTO_ICMPV6, -1, 0, scratch, len, now);
    }
}
