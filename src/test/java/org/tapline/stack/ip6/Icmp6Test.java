package org.tapline.stack.ip6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tapline.stack.ip6.Peer6.*;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.ip.IpOutput;

/** RFC 4443 errors received, RFC 8201 path MTU, RFC 8200 §4.5 fragmentation at the source. */
class Icmp6Test {
    private static final long T = READY + SECOND;
    private static final IpAddress FAR = IpAddress.parse("fd00::99");
    private final Peer6 p = Peer6.introduced();

    @Test
    void packetTooBigLowersThePathMtuNeverBelow1280AndItAges() {
        assertEquals(1500, p.host.pathMtu(FAR, T));
        p.receive(error(2, 0, 1400, quoteUdp(OURS, FAR)), T);
        assertEquals(1400, p.host.pathMtu(FAR, T));
        assertEquals(List.of("PACKET_TOO_BIG 1400 fd00::99 17 8"), p.errors);
        p.receive(error(2, 0, 1600, quoteUdp(OURS, FAR)), T);
        assertEquals(1400, p.host.pathMtu(FAR, T), "never raised by a PTB");
        p.receive(error(2, 0, 600, quoteUdp(OURS, FAR)), T);
        assertEquals(1280, p.host.pathMtu(FAR, T));
        assertEquals(1500, p.host.pathMtu(PEER_IP, T), "per destination");
        p.runUntil(T + PathMtu.AGE_NANOS);
        assertEquals(1500, p.host.pathMtu(FAR, T + PathMtu.AGE_NANOS));
    }

    @Test
    void errorsReachTheTransportOnlyAboutOurDatagramsAndWhenLongEnough() {
        p.receive(error(1, 4, 0, quoteUdp(OURS, PEER_IP)), T);
        p.receive(error(3, 0, 0, quoteUdp(OURS, PEER_IP)), T);
        p.receive(error(4, 1, 6, quoteUdp(OURS, PEER_IP)), T);
        p.receive(error(1, 4, 0, quoteUdp(IpAddress.parse("fd00::77"), PEER_IP)), T);
        assertEquals(List.of("PORT_UNREACHABLE 0 fd00::123 17 8", "TIME_EXCEEDED 0 fd00::123 17 8",
                "PROTOCOL_UNREACHABLE 0 fd00::123 17 8"), p.errors);
        byte[] cut = java.util.Arrays.copyOf(quoteUdp(OURS, PEER_IP), 44);
        p.receive(error(1, 4, 0, cut), T);
        p.receive(error(1, 4, 0, java.util.Arrays.copyOf(cut, 30)), T);
        assertEquals(3, p.errors.size());
        assertEquals(1, p.host.counters().icmpInErrors, "shorter than an IPv6 header is malformed");
    }

    @Test
    void echoRepliesGoToTheListenerAndBadChecksumsAreCounted() {
        p.receive(ip(US, PEER_IP, OURS, 58, 64, icmp(PEER_IP, OURS, new byte[0], hex("81000000 00070003"))), T);
        assertEquals(List.of("fd00::123 7 3"), p.echoes);
        byte[] bad = echo(PEER_IP, OURS, US, "00");
        bad[bad.length - 1] = 1;
        p.receive(bad, T);
        assertEquals(1, p.host.counters().icmpInErrors);
        assertEquals(List.of(), p.sent);
    }

    @Test
    void largeDatagramsAreFragmentedToThePathMtuWithOneRandomId() {
        byte[] data = new byte[3000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        MemorySegment payload = MemorySegment.ofArray(data);
        assertEquals(IpOutput.Result.TOO_BIG, p.host.send(OURS, PEER_IP, 17, -1, IpOutput.DONT_FRAGMENT, payload, 3000, T));
        assertEquals(IpOutput.Result.SENT, p.host.send(OURS, PEER_IP, 17, -1, 0, payload, 3000, T));
        assertEquals(3, p.sent.size());
        int id = ByteBuffer.wrap(p.sent.get(0), 58, 4).getInt();
        int[] lengths = {1448, 1448, 104};
        int off = 0;
        for (int i = 0; i < 3; i++) {
            byte[] f = p.sent.get(i);
            assertEquals(44, f[20], "fragment header");
            assertEquals(17, f[54]);
            assertEquals(off | (i < 2 ? 1 : 0), ByteBuffer.wrap(f, 56, 2).getShort() & 0xffff);
            assertEquals(id, ByteBuffer.wrap(f, 58, 4).getInt());
            assertEquals(8 + lengths[i], ByteBuffer.wrap(f, 18, 2).getShort());
            assertEquals(data[off], f[62]);
            assertEquals(62 + lengths[i], f.length);
            off += lengths[i];
        }
        // after a Packet Too Big of 1280 the fragments are 1232 bytes
        p.receive(error(2, 0, 1280, quoteUdp(OURS, PEER_IP)), T);
        p.sent.clear();
        p.host.send(OURS, PEER_IP, 17, -1, 0, payload, 3000, T);
        assertEquals(1232 + 62, p.sent.get(0).length);
        assertEquals(3, p.sent.size());
    }

    /** The first 48 bytes of a UDP datagram we sent (IPv6 header and UDP header). */
    private static byte[] quoteUdp(IpAddress src, IpAddress dst) {
        byte[] f = frame(PEER, US, src, dst, 17, 64, hex("d4310035 0010 0000 0102030405060708"));
        return java.util.Arrays.copyOfRange(f, 14, 14 + 48);
    }

    private static byte[] error(int type, int code, long param, byte[] quote) {
        byte[] head = ByteBuffer.allocate(8).put((byte) type).put((byte) code).putShort((short) 0).putInt((int) param).array();
        IpAddress router = IpAddress.parse("fd00::1");
        return ip(US, router, OURS, 58, 64, icmp(router, OURS, new byte[0], concat(head, quote)));
    }
}
