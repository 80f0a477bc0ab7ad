package org.tapline.stack.ip;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.tapline.packet.ArpMessage;
import org.tapline.packet.Ethernet;
import org.tapline.packet.EthernetHeader;
import org.tapline.packet.Icmp;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;
import org.tapline.packet.MacAddress;
import org.tapline.stack.Counters;
import org.tapline.stack.Host;
import org.tapline.stack.Ipv4Interface;
import org.tapline.stack.TestTransport;

/** A {@link Host} at 10.0.0.124/24 on Ethernet whose sent frames are kept, with a peer at 10.0.0.123 it knows. */
final class Ipv4TestHost {
    static final MacAddress US = MacAddress.of("02:00:00:00:00:01");
    static final MacAddress PEER = MacAddress.of("02:00:00:00:aa:01");
    static final Ipv4Address OURS = Ipv4Address.of("10.0.0.124");
    static final Ipv4Address PEER_IP = Ipv4Address.of("10.0.0.123");

    final Counters counters = new Counters();
    final List<MemorySegment> sent = new ArrayList<>();
    final Host host;
    final TestTransport udp = new TestTransport(IpPacket.PROTO_UDP);

    Ipv4TestHost() {
        this(1500);
    }

    Ipv4TestHost(int mtu) {
        host = new Host(US, List.of(Ipv4Interface.parse("10.0.0.124/24")), mtu, counters, f -> {
            MemorySegment copy = MemorySegment.ofArray(new byte[(int) f.byteSize()]);
            copy.copyFrom(f);
            sent.add(copy);
        });
        host.addTransport(udp);
        MemorySegment arp = MemorySegment.ofArray(new byte[42]);
        int at = new EthernetHeader(MacAddress.BROADCAST, PEER, Ethernet.TYPE_ARP).emitTo(arp, 0);
        ArpMessage.request(PEER, PEER_IP, OURS).emitTo(arp, at);
        host.receive(arp, 0);
        sent.clear();
    }

    /** The IPv4 datagram of sent frame {@code i}. */
    Ipv4 sentIp(int i) {
        MemorySegment f = sent.get(i);
        return Ipv4.of(f, Ethernet.HEADER_LENGTH, f.byteSize() - Ethernet.HEADER_LENGTH);
    }

    /** The ICMP message of sent frame {@code i}. */
    Icmp sentIcmp(int i) {
        return Icmp.of(sentIp(i));
    }

    /** An Ethernet frame to {@code mac} holding {@code header} and {@code payload}. */
    static MemorySegment frame(MacAddress mac, Ipv4Header header, byte[] payload) {
        MemorySegment f = MemorySegment.ofArray(new byte[14 + 20 + payload.length]);
        int at = new EthernetHeader(mac, PEER, Ethernet.TYPE_IPV4).emitTo(f, 0);
        at += header.emitTo(f, at);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, f, at, payload.length);
        return f;
    }

    /** A UDP-like datagram from the peer to {@code to}:{@code port} (8-byte header, checksum 0, as UDP allows). */
    static MemorySegment udpTo(Ipv4Address to, int port, MacAddress mac) {
        byte[] udp = {0x30, 0x39, (byte) (port >> 8), (byte) port, 0, 12, 0, 0, 'p', 'i', 'n', 'g'};
        return frame(mac, new Ipv4Header(0, 1, false, false, 0, 64, IpPacket.PROTO_UDP, PEER_IP, to, udp.length), udp);
    }

    static int u16(MemorySegment s, long off) {
        return Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), off));
    }
}
