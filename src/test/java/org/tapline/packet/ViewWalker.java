package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Test helper: calls every accessor of every view reachable from a frame, the way a consumer
 * that follows each view's contract would (address accessors only after the checks their
 * Javadoc asks for). Any exception is a bug. Returns a number so the JIT cannot drop the work.
 */
final class ViewWalker {
    private ViewWalker() {}

    static long ethernet(MemorySegment seg) {
        Ethernet eth = Ethernet.of(seg, 0, seg.byteSize());
        if (eth == null) {
            return 0;
        }
        long h = eth.destination().bits() ^ eth.source().bits() ^ eth.etherType() ^ eth.headerLength() ^ eth.length();
        for (int i = 0; i < eth.tagCount(); i++) {
            h += eth.tagType(i) + eth.vlanId(i) + eth.priority(i) + eth.tci(i);
        }
        h += String.valueOf(eth.problem()).length();
        EthernetHeader.parse(eth);
        return h + arp(seg, eth.payloadOffset(), eth.payloadLength()) + ip(seg, eth.payloadOffset(), eth.payloadLength());
    }

    static long arp(MemorySegment seg, long off, long len) {
        Arp arp = Arp.of(seg, off, len);
        if (arp == null) {
            return 0;
        }
        long h = arp.hardwareType() + arp.protocolType() + arp.hardwareLength() + arp.protocolLength() + arp.operation();
        if (arp.problem() == null && arp.isEthernetIpv4()) {
            h += arp.senderMac().bits() + arp.senderIp().bits() + arp.targetMac().bits() + arp.targetIp().bits();
        }
        ArpMessage.parse(arp);
        return h;
    }

    static long ip(MemorySegment seg, long off, long len) {
        IpPacket ip = IpPacket.of(seg, off, len);
        if (ip == null) {
            return 0;
        }
        long h = ip.protocol() + ip.transportOffset() + ip.transportLength() + ip.missing()
                + ip.pseudoHeaderSum(ip.protocol(), ip.transportLength()) + ip.sourceText().length()
                + ip.destinationText().length() + String.valueOf(ip.problem()).length();
        if (ip instanceof Ipv4 v4) {
            h += v4.version() + v4.ihl() + v4.tos() + v4.totalLength() + v4.identification() + v4.fragmentOffset()
                    + v4.ttl() + v4.headerChecksum() + v4.optionsLength() + (v4.headerChecksumOk() ? 1 : 0)
                    + (v4.dontFragment() ? 1 : 0) + (v4.isFragment() ? 1 : 0) + v4.source().bits();
            Ipv4Header.parse(v4);
        } else if (ip instanceof Ipv6 v6) {
            h += v6.trafficClass() + v6.flowLabel() + v6.payloadLength() + v6.nextHeader() + v6.hopLimit()
                    + v6.source().hi() + v6.destination().lo() + v6.fragmentOffset() + v6.fragmentId()
                    + (v6.moreFragments() ? 1 : 0);
            for (int i = 0; i < v6.extensionCount(); i++) {
                h += v6.extensionType(i);
            }
            Ipv6Header.parse(v6);
        }
        return h + transports(ip);
    }

    static long transports(IpPacket ip) {
        long h = 0;
        Tcp tcp = Tcp.of(ip);
        if (tcp != null) {
            h += tcp.sourcePort() + tcp.destinationPort() + tcp.sequence() + tcp.acknowledgment() + tcp.flags()
                    + tcp.window() + tcp.checksum() + tcp.urgentPointer() + tcp.optionsLength() + tcp.payloadLength()
                    + (tcp.checksumOk(ip) ? 1 : 0) + String.valueOf(tcp.problem()).length();
            TcpHeader.parse(tcp);
            StringBuilder sb = new StringBuilder();
            TcpFlagsText.options(sb, tcp.segment(), tcp.optionsOffset(), tcp.optionsLength());
            h += sb.length();
        }
        Udp udp = Udp.of(ip);
        if (udp != null) {
            h += udp.sourcePort() + udp.destinationPort() + udp.length() + udp.checksum() + udp.payloadLength()
                    + udp.missing() + (udp.checksumOk(ip) ? 1 : 0);
            UdpHeader.parse(udp);
        }
        Icmp icmp = Icmp.of(ip);
        if (icmp != null) {
            h += icmp.type() + icmp.code() + icmp.checksum() + icmp.identifier() + icmp.sequence()
                    + icmp.dataLength() + (icmp.checksumOk() ? 1 : 0);
            IcmpEcho.parse(icmp);
        }
        Icmpv6 m = Icmpv6.of(ip);
        if (m != null) {
            h += m.type() + m.code() + m.checksum() + m.identifier() + m.sequence() + m.advertisementFlags()
                    + (m.checksumOk(ip) ? 1 : 0) + Icmpv6.typeName(m.type()).length();
            if (m.hasTarget()) {
                h += m.target().lo() + m.targetText().length();
            }
            Icmpv6Echo.parse(m);
        }
        return h;
    }
}
