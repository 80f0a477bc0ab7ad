package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * ICMP for IPv4 (RFC 792) and ICMPv6 (RFC 4443, with NDP types from RFC 4861): the common
 * 4-byte header and, for echo messages, identifier and sequence number.
 * <pre>
 *  0 type | 1 code | 2 checksum | 4 identifier (echo) | 6 sequence (echo) | 8 data
 * </pre>
 */
public final class Icmp {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int ID = 4;
    public static final int SEQ = 6;
    public static final int HEADER = 8;
    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_UNREACHABLE = 3;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V6_UNREACHABLE = 1;
    public static final int V6_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;
    public static final int V6_ROUTER_SOLICIT = 133;
    public static final int V6_ROUTER_ADVERT = 134;
    public static final int V6_NEIGHBOR_SOLICIT = 135;
    public static final int V6_NEIGHBOR_ADVERT = 136;
    public static final int V6_REDIRECT = 137;
    public static final int V6_MLD_QUERY = 130;
    public static final int V6_MLD_REPORT = 131;
    public static final int V6_MLD_DONE = 132;
    public static final int V6_MLD2_REPORT = 143;

    private Icmp() {}

    public static int type(MemorySegment s, long off) {
        return Bytes.u8(s, off + TYPE);
    }

    public static int code(MemorySegment s, long off) {
        return Bytes.u8(s, off + CODE);
    }

    public static int id(MemorySegment s, long off) {
        return Bytes.u16(s, off + ID);
    }

    public static int sequence(MemorySegment s, long off) {
        return Bytes.u16(s, off + SEQ);
    }

    /** tcpdump-like text of an ICMPv4 message of {@code len} bytes present. */
    static String describeV4(MemorySegment s, long off, long len, int declared) {
        if (len < 4) {
            return "ICMP [|icmp]";
        }
        int t = type(s, off);
        String what = switch (t) {
            case V4_ECHO_REQUEST, V4_ECHO_REPLY -> len < HEADER ? "echo [|icmp]"
                    : (t == V4_ECHO_REQUEST ? "echo request" : "echo reply") + ", id " + id(s, off) + ", seq " + sequence(s, off);
            case V4_UNREACHABLE -> unreachable(s, off, len);
            case V4_TIME_EXCEEDED -> "time exceeded in-transit";
            default -> "type " + t + ", code " + code(s, off);
        };
        return "ICMP " + what + ", length " + declared;
    }

    /**
     * Destination unreachable (RFC 792): names what was unreachable from the quoted IP header
     * that follows the 8-byte ICMP header, as tcpdump does.
     */
    private static String unreachable(MemorySegment s, long off, long len) {
        int code = code(s, off);
        long q = off + HEADER;
        long qlen = len - HEADER;
        if (Ipv4.problem(s, q, qlen) != null) {
            return "unreachable, code " + code;
        }
        Ipv4 inner = Ipv4.of(s, q, qlen);
        String dst = inner.destination();
        return switch (code) {
            case 0 -> "net " + dst + " unreachable";
            case 1 -> "host " + dst + " unreachable";
            case 2 -> dst + " protocol " + inner.protocol() + " unreachable";
            case 3 -> {
                long t = inner.payloadOffset();
                boolean known = inner.protocol() == Ipv4.PROTO_UDP || inner.protocol() == Ipv4.PROTO_TCP;
                yield known && inner.payloadLength() >= 4
                        ? dst + (inner.protocol() == Ipv4.PROTO_UDP ? " udp" : " tcp") + " port " + Bytes.u16(s, t + 2) + " unreachable"
                        : dst + " protocol " + inner.protocol() + " port unreachable";
            }
            default -> dst + " unreachable - code " + code;
        };
    }

    /** tcpdump-like text of an ICMPv6 message. */
    static String describeV6(MemorySegment s, long off, long len, long declared) {
        if (len < 4) {
            return "ICMP6 [|icmp6]";
        }
        int t = type(s, off);
        String what = switch (t) {
            case V6_ECHO_REQUEST, V6_ECHO_REPLY -> len < HEADER ? "echo [|icmp6]"
                    : (t == V6_ECHO_REQUEST ? "echo request" : "echo reply") + ", id " + id(s, off) + ", seq " + sequence(s, off);
            case V6_UNREACHABLE -> "destination unreachable";
            case V6_TOO_BIG -> "packet too big";
            case V6_TIME_EXCEEDED -> "time exceeded in-transit";
            case V6_ROUTER_SOLICIT -> "router solicitation";
            case V6_ROUTER_ADVERT -> "router advertisement";
            case V6_NEIGHBOR_SOLICIT -> len < 24 ? "neighbor solicitation [|icmp6]" : "neighbor solicitation, who has " + InetFormat.ipv6(s, off + 8);
            case V6_NEIGHBOR_ADVERT -> len < 24 ? "neighbor advertisement [|icmp6]" : "neighbor advertisement, tgt is " + InetFormat.ipv6(s, off + 8);
            case V6_REDIRECT -> "redirect";
            case V6_MLD_QUERY -> "multicast listener query";
            case V6_MLD_REPORT -> "multicast listener report";
            case V6_MLD_DONE -> "multicast listener done";
            case V6_MLD2_REPORT -> len < HEADER ? "multicast listener report v2 [|icmp6]"
                    : "multicast listener report v2, " + Bytes.u16(s, off + 6) + " group record(s)";
            default -> "type " + t;
        };
        return "ICMP6, " + what + ", length " + declared;
    }

    /** Writes an echo header for {@code dataLength} bytes at {@code off + 8}; {@code pseudo} is 0 for ICMPv4. */
    public static long emitEcho(MemorySegment s, long off, int type, int id, int seq, int dataLength, long pseudo) {
        Bytes.put8(s, off + TYPE, type);
        Bytes.put8(s, off + CODE, 0);
        Bytes.put16(s, off + CHECKSUM, 0);
        Bytes.put16(s, off + ID, id);
        Bytes.put16(s, off + SEQ, seq);
        Bytes.put16(s, off + CHECKSUM, Checksum.finish(pseudo + Checksum.sum(s, off, HEADER + dataLength)));
        return off + HEADER;
    }
}
