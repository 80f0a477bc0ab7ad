package org.tapline.stack.ip6;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.tapline.packet.Checksum;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.Datagram;
import org.tapline.stack.ip.EchoReplies;
import org.tapline.stack.ip.IcmpProblem;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.Transport;

/**
 * A scripted peer for {@link Ipv6Host} in virtual time: builds frames byte by byte (its own
 * encoder, not the stack's) and records what the host sends as hex and as bytes.
 */
final class Peer6 {
    static final MacAddress US = MacAddress.of("02:00:00:00:00:01");
    static final MacAddress PEER = MacAddress.of("02:00:00:00:aa:01");
    /** fe80::ff:fe00:1, modified EUI-64 of {@link #US}. */
    static final IpAddress OUR_LL = IpAddress.parse("fe80::ff:fe00:1");
    static final IpAddress PEER_LL = IpAddress.parse("fe80::ff:fe00:aa01");
    static final IpAddress OURS = IpAddress.parse("fd00::124");
    static final IpAddress PEER_IP = IpAddress.parse("fd00::123");
    static final IpAddress ALL_NODES = IpAddress.parse("ff02::1");
    static final long SECOND = 1_000_000_000L;

    final List<byte[]> sent = new ArrayList<>();
    final List<String> delivered = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final List<String> echoes = new ArrayList<>();
    /** What a UDP-like transport on protocol 17 answers. */
    Transport.Delivery udp = Transport.Delivery.NO_PORT;
    final Ipv6Host host;

    Peer6(long seed) {
        MemorySegment buffer = Arena.ofAuto().allocate(14 + 65535);
        host = new Ipv6Host(US, 1500, buffer, f -> sent.add(f.toArray(ValueLayout.JAVA_BYTE)), new SplittableRandom(seed),
                new Ipv6Host.Upper() {
                    @Override
                    public Transport.Delivery deliver(Datagram d, long now) {
                        if (d.protocol != 17) {
                            return null;
                        }
                        delivered.add(d.source + ">" + d.destination + " " + d.length);
                        return udp;
                    }

                    @Override
                    public void error(IcmpProblem problem, int mtu, Datagram quoted, long now) {
                        errors.add(problem + " " + mtu + " " + quoted.destination + " " + quoted.protocol + " "
                                + quoted.length);
                    }

                    @Override
                    public EchoReplies echoReplies() {
                        return (from, id, seq, data, now) -> echoes.add(from + " " + id + " " + seq);
                    }
                });
    }

    /** When {@link #ready} is: DAD done, the three router solicitations sent. */
    static final long READY = 12 * SECOND;

    /** Started with fd00::124/64, DAD done and router solicitation over at {@link #READY}; what it sent is forgotten. */
    static Peer6 ready() {
        Peer6 p = new Peer6(1);
        p.host.add(Ipv6Interface.parse("fd00::124/64"));
        p.host.start(0);
        p.runUntil(READY);
        p.sent.clear();
        return p;
    }

    /** Ready, and the peer's two addresses known to the host (it solicited ours with its link-layer address). */
    static Peer6 introduced() {
        Peer6 p = ready();
        p.receive(ns(PEER_IP, IpAddress.parse("ff02::1:ff00:124"), OURS, true), READY);
        p.receive(ns(PEER_LL, IpAddress.parse("ff02::1:ff00:1"), OUR_LL, true), READY);
        p.sent.clear();
        return p;
    }

    /** A neighbour solicitation from the peer for {@code target}, with its source link-layer option when asked. */
    static byte[] ns(IpAddress src, IpAddress dst, IpAddress target, boolean sll) {
        byte[] msg = concat(hex("87000000 00000000"), addr(target), sll ? concat(hex("0101"), mac(PEER)) : new byte[0]);
        MacAddress to = dst.hi() >>> 56 == 0xff ? new MacAddress(0x3333_0000_0000L | (dst.lo() & 0xffff_ffffL)) : US;
        return ip(to, src, dst, 58, 255, icmp(src, dst, new byte[0], msg));
    }

    /** A neighbour advertisement from the peer for {@code target} with {@code flags} (0x40 S, 0x20 O), link address {@code tll} or none. */
    static byte[] na(IpAddress src, IpAddress dst, IpAddress target, int flags, MacAddress tll) {
        byte[] msg = concat(hex("88000000"), new byte[] {(byte) flags, 0, 0, 0}, addr(target),
                tll != null ? concat(hex("0201"), mac(tll)) : new byte[0]);
        MacAddress to = dst.hi() >>> 56 == 0xff ? new MacAddress(0x3333_0000_0000L | (dst.lo() & 0xffff_ffffL)) : US;
        return ip(to, src, dst, 58, 255, icmp(src, dst, new byte[0], msg));
    }

    /** Runs every timer due up to {@code t}. */
    void runUntil(long t) {
        for (long next = host.nextDeadline(); next - t <= 0; next = host.nextDeadline()) {
            host.poll(next);
        }
    }

    void receive(byte[] frame, long now) {
        MemorySegment f = MemorySegment.ofArray(frame);
        host.receive(org.tapline.packet.Ethernet.of(f, 0, f.byteSize()), now);
    }

    /** Ethernet + IPv6 fixed header + {@code body} (extension headers and upper layer), hop limit {@code hop}. */
    static byte[] ip(MacAddress to, IpAddress src, IpAddress dst, int nh, int hop, byte[] body) {
        return frame(to, PEER, src, dst, nh, hop, body);
    }

    static byte[] frame(MacAddress to, MacAddress from, IpAddress src, IpAddress dst, int nh, int hop, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + body.length);
        b.put(mac(to)).put(mac(from)).putShort((short) 0x86dd);
        b.putInt(6 << 28).putShort((short) body.length).put((byte) nh).put((byte) hop);
        b.putLong(src.hi()).putLong(src.lo()).putLong(dst.hi()).putLong(dst.lo());
        b.put(body);
        return b.array();
    }

    /** An ICMPv6 message with its checksum filled in, after {@code ext} (extension headers, may be empty). */
    static byte[] icmp(IpAddress src, IpAddress dst, byte[] ext, byte[] msg) {
        byte[] m = msg.clone();
        m[2] = 0;
        m[3] = 0;
        long sum = IpAddress.pseudoHeaderSum(src, dst, 58, m.length) + Checksum.sum(MemorySegment.ofArray(m), 0, m.length);
        int c = Checksum.finish(sum);
        m[2] = (byte) (c >> 8);
        m[3] = (byte) c;
        return concat(ext, m);
    }

    /** An echo request from the peer's global address to {@code dst}. */
    static byte[] echo(IpAddress src, IpAddress dst, MacAddress to, String data) {
        return ip(to, src, dst, 58, 64, icmp(src, dst, new byte[0], hex("80000000" + "12340001" + data)));
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] mac(MacAddress m) {
        byte[] b = new byte[6];
        m.writeTo(MemorySegment.ofArray(b), 0);
        return b;
    }

    static byte[] addr(IpAddress a) {
        return ByteBuffer.allocate(16).putLong(a.hi()).putLong(a.lo()).array();
    }

    /** The ICMPv6 type of sent frame {@code f} (no extension headers), or -1. */
    static int icmpType(byte[] f) {
        return f.length > 54 && (f[20] & 0xff) == 58 ? f[54] & 0xff : -1;
    }

    static int icmpCode(byte[] f) {
        return f[55] & 0xff;
    }

    static long icmpParam(byte[] f) {
        return ByteBuffer.wrap(f, 58, 4).getInt() & 0xffff_ffffL;
    }

    static IpAddress dst(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f, 38, 16);
        return new IpAddress(b.getLong(), b.getLong());
    }

    static IpAddress src(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f, 22, 16);
        return new IpAddress(b.getLong(), b.getLong());
    }

    /** Whether the ICMPv6 checksum of sent frame {@code f} (no extension headers) verifies. */
    static boolean checksumOk(byte[] f) {
        MemorySegment s = MemorySegment.ofArray(f);
        int len = f.length - 54;
        long sum = IpAddress.pseudoHeaderSum(src(f), dst(f), 58, len) + Checksum.sum(s, 54, len);
        return Checksum.finish(sum) == 0;
    }
}
