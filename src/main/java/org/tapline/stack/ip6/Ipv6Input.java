package org.tapline.stack.ip6;

import java.lang.foreign.MemorySegment;

import org.tapline.packet.Ethernet;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv6;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.Transport;

/**
 * IPv6 input for a host (RFC 8200): the fixed header checked against the frame, the
 * destination one of our usable addresses or a group we are in, then the extension headers in
 * order (§4.1): hop-by-hop only first, options by their action bits (§4.2), routing headers with
 * segments left answered with Parameter Problem (we route nothing, and type 0 is treated as
 * unknown per RFC 5095 §3), fragments to {@link Reassembly} (atomic fragments processed at once,
 * RFC 6946; a first fragment without the whole header chain refused, RFC 7112), and the upper
 * layer: ICMPv6, a transport, or Parameter Problem code 1 pointing at the unknown next header.
 */
final class Ipv6Input {
    private static final int HEADER = Ipv6Output.HEADER;
    /** Linux refuses more than 7 bytes of padding in a row, or non-zero PadN (RFC 4942 §2.1.9.5). */
    private static final int MAX_PAD = 7;
    private static final int OPT_PAD1 = 0;
    private static final int OPT_PADN = 1;
    private static final int OPT_ROUTER_ALERT = 5;

    private final Ipv6Host host;
    private final Datagram datagram = new Datagram();

    Ipv6Input(Ipv6Host host) {
        this.host = host;
    }

    void receive(Ethernet eth, long now) {
        Ipv6Counters c = host.counters;
        c.inReceives++;
        MemorySegment s = eth.segment();
        long base = eth.payloadOffset();
        long avail = eth.payloadLength();
        if (avail < HEADER || (Wire.u8(s, base) >>> 4) != 6) {
            c.inHdrErrors++;
            return;
        }
        int payload = Wire.u16(s, base + 4);
        if (HEADER + payload > avail) {
            c.inTruncatedPkts++; // bytes past the payload length are Ethernet padding; fewer is a cut datagram
            return;
        }
        MemorySegment pkt = s.asSlice(base, HEADER + payload);
        IpAddress src = IpAddress.readV6(pkt, 8);
        IpAddress dst = IpAddress.readV6(pkt, 24);
        if (Wire.isMulticast(src)) {
            c.inAddrErrors++; // RFC 4291 §2.7: never a source
            return;
        }
        boolean group = Wire.isMulticast(dst);
        boolean tentative = false;
        if (group) {
            if (!host.mld.isMember(dst)) {
                c.inAddrErrors++;
                return;
            }
            c.inMcastPkts++;
        } else {
            Addresses.Address a = host.addresses.find(dst);
            if (a == null || a.state == Addresses.State.DUPLICATE) {
                c.inAddrErrors++;
                return;
            }
            tentative = a.state == Addresses.State.TENTATIVE;
        }
        boolean linkGroup = group || (eth.destination().bits() >>> 40) % 2 == 1;
        walk(pkt, src, dst, linkGroup, tentative, eth.source(), now);
    }

    private void walk(MemorySegment packet, IpAddress src, IpAddress dst, boolean group, boolean tentative,
                      MacAddress ethSrc, long now) {
        Ipv6Counters c = host.counters;
        MemorySegment pkt = packet;
        int nh = Wire.u8(pkt, 6);
        long at = HEADER;
        long nhField = 6;
        boolean reassembled = false;
        while (true) {
            long end = pkt.byteSize();
            switch (nh) {
                case Ipv6.HOP_BY_HOP, Ipv6.DESTINATION_OPTIONS -> {
                    if (nh == Ipv6.HOP_BY_HOP && at != HEADER) {
                        // §4.1: hop-by-hop only right after the fixed header
                        c.inUnknownProtos++;
                        host.icmp.error(Icmp6.PARAMETER_PROBLEM, 1, nhField, pkt, group, now);
                        return;
                    }
                    if (end - at < 2 || at + Headers.length(pkt, nh, at) > end) {
                        c.inHdrErrors++;
                        return;
                    }
                    int len = Headers.length(pkt, nh, at);
                    if (!options(pkt, at, len, group, now)) {
                        return;
                    }
                }
                case Ipv6.ROUTING -> {
                    if (end - at < 8 || at + Headers.length(pkt, nh, at) > end) {
                        c.inHdrErrors++;
                        return;
                    }
                    if (Wire.u8(pkt, at + 3) != 0) {
                        // §4.4: an unknown routing type with segments left: Parameter Problem at its type
                        c.inHdrErrors++;
                        host.icmp.error(Icmp6.PARAMETER_PROBLEM, 0, at + 2, pkt, group, now);
                        return;
                    }
                }
                case Ipv6.FRAGMENT -> {
                    if (end - at < 8) {
                        c.inHdrErrors++;
                        return;
                    }
                    int fo = Wire.u16(pkt, at + 2);
                    if ((fo & 0xfff9) != 0) {
                        if (reassembled) {
                            c.inHdrErrors++; // a fragment inside a reassembled datagram
                            return;
                        }
                        MemorySegment whole = fragment(pkt, src, dst, at, group, now);
                        if (whole == null) {
                            return;
                        }
                        pkt = whole;
                        nh = Wire.u8(pkt, 6);
                        at = HEADER;
                        nhField = 6;
                        reassembled = true;
                        continue;
                    }
                    // RFC 6946: an atomic fragment (offset 0, M clear) is the whole datagram
                }
                case Ipv6.NO_NEXT_HEADER -> {
                    return;
                }
                case IpPacket.PROTO_ICMPV6 -> {
                    c.inDelivers++;
                    host.icmp.receive(pkt, at, (int) (end - at), group, tentative, ethSrc, now);
                    return;
                }
                default -> {
                    if (!tentative) {
                        deliver(pkt, nh, at, nhField, src, dst, group, now);
                    }
                    return;
                }
            }
            nhField = at;
            int len = Headers.length(pkt, nh, at);
            nh = Wire.u8(pkt, at);
            at += len;
        }
    }

    /** Checks a fragment (§4.5, RFC 7112) and adds it; the whole datagram when complete, else null. */
    private MemorySegment fragment(MemorySegment pkt, IpAddress src, IpAddress dst, long fh, boolean group, long now) {
        Ipv6Counters c = host.counters;
        c.reasmReqds++;
        int fo = Wire.u16(pkt, fh + 2);
        int offset = fo & 0xfff8;
        boolean more = (fo & 1) != 0;
        long len = pkt.byteSize() - fh - 8;
        if (more && len % 8 != 0) {
            c.reasmFails++;
            host.icmp.error(Icmp6.PARAMETER_PROBLEM, 0, 4, pkt, group, now); // points at the payload length
            return null;
        }
        if (offset + len > 65535) {
            c.reasmFails++;
            host.icmp.error(Icmp6.PARAMETER_PROBLEM, 0, fh + 2, pkt, group, now);
            return null;
        }
        if (offset == 0) {
            long upper = Headers.upper(pkt, Wire.u8(pkt, fh), fh + 8, pkt.byteSize());
            if (upper < 0 || pkt.byteSize() - (upper >> 8) < Headers.minimumUpper((int) (upper & 0xff))) {
                c.reasmFails++;
                host.icmp.error(Icmp6.PARAMETER_PROBLEM, 3, 0, pkt, group, now); // RFC 7112 §5
                return null;
            }
        }
        return host.reassembly.add(src, dst, pkt, fh, now);
    }

    /**
     * Hop-by-hop or destination options (§4.2) of the header at {@code at}, {@code len} bytes;
     * false when the datagram is to be discarded (an error sent where the action bits ask).
     */
    private boolean options(MemorySegment pkt, long at, int len, boolean group, long now) {
        Ipv6Counters c = host.counters;
        long end = at + len;
        int pad = 0;
        for (long p = at + 2; p < end; ) {
            int type = Wire.u8(pkt, p);
            if (type == OPT_PAD1) {
                p++;
                if (++pad > MAX_PAD) {
                    c.inHdrErrors++;
                    return false;
                }
                continue;
            }
            if (end - p < 2 || p + 2 + Wire.u8(pkt, p + 1) > end) {
                c.inHdrErrors++;
                return false;
            }
            int olen = Wire.u8(pkt, p + 1);
            if (type == OPT_PADN) {
                pad += 2 + olen;
                for (int i = 0; i < olen; i++) {
                    if (Wire.u8(pkt, p + 2 + i) != 0) {
                        pad = MAX_PAD + 1;
                    }
                }
                if (pad > MAX_PAD) {
                    c.inHdrErrors++;
                    return false;
                }
            } else {
                pad = 0;
                if (!(type == OPT_ROUTER_ALERT && olen == 2)) {
                    switch (type >>> 6) {
                        case 0 -> { } // skip it
                        case 1 -> {
                            c.inHdrErrors++;
                            return false;
                        }
                        default -> {
                            // 10: always answer; 11: only when the destination is not multicast
                            c.inHdrErrors++;
                            if (type >>> 6 == 2 || !group) {
                                host.icmp.error(Icmp6.PARAMETER_PROBLEM, 2, p, pkt, false, now);
                            }
                            return false;
                        }
                    }
                }
            }
            p += 2 + olen;
        }
        return true;
    }

    private void deliver(MemorySegment pkt, int nh, long at, long nhField, IpAddress src, IpAddress dst,
                         boolean group, long now) {
        Ipv6Counters c = host.counters;
        Datagram d = datagram;
        d.source = src;
        d.destination = dst;
        d.protocol = nh;
        d.ttl = Wire.u8(pkt, 7);
        d.trafficClass = (int) (Wire.u32(pkt, 0) >>> 20) & 0xff;
        d.toGroup = group;
        d.ifIndex = 0;
        d.segment = pkt;
        d.offset = at;
        d.length = (int) (pkt.byteSize() - at);
        Transport.Delivery r = host.upper.deliver(d, now);
        if (r == null) {
            c.inUnknownProtos++;
            host.icmp.error(Icmp6.PARAMETER_PROBLEM, 1, nhField, pkt, group, now);
            return;
        }
        c.inDelivers++;
        if (r == Transport.Delivery.NO_PORT) {
            host.icmp.error(Icmp6.DEST_UNREACHABLE, Icmp6.PORT_UNREACHABLE, 0, pkt, group, now);
        }
    }
}
