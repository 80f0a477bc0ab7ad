package org.tapline.stack.ip6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.stack.ip6.Peer6.*;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tapline.packet.MacAddress;
import org.tapline.stack.ip.IpAddress;

/** RFC 8200 input: the fixed header, each extension-header rule, delivery and the errors it sends. */
class Ipv6InputTest {
    private final Peer6 p = Peer6.introduced();
    private static final long T = READY + SECOND;

    @Test
    void echoRequestGetsItsReplyByteForByte() {
        p.receive(echo(PEER_IP, OURS, US, "6162636465666768"), T);
        byte[] want = frame(PEER, US, OURS, PEER_IP, 58, 64,
                icmp(OURS, PEER_IP, new byte[0], hex("81000000 12340001 6162636465666768")));
        assertEquals(List.of(hex(want)), p.sent.stream().map(Peer6::hex).toList());
        assertEquals(1, p.host.counters().icmpOutType[129]);
    }

    @Test
    void echoToLinkLocalIsAnsweredFromIt() {
        p.receive(echo(PEER_LL, OUR_LL, US, "00"), T);
        assertEquals(1, p.sent.size());
        assertEquals(OUR_LL, src(p.sent.get(0)));
        assertTrue(checksumOk(p.sent.get(0)));
    }

    @Test
    void multicastEchoIsAnsweredAsLinuxDoes() {
        p.receive(echo(PEER_LL, ALL_NODES, MacAddress.of("33:33:00:00:00:01"), "00"), T);
        assertEquals(1, p.sent.size());
        assertEquals(OUR_LL, src(p.sent.get(0)), "RFC 6724 rule 2: link-local towards a link-local peer");
    }

    @Test
    void payloadLengthBeyondTheFrameIsDroppedAndPaddingIgnored() {
        byte[] f = echo(PEER_IP, OURS, US, "00");
        f[18] = 0x7f;
        p.receive(f, T);
        assertEquals(1, p.host.counters().inTruncatedPkts);
        p.receive(concat(echo(PEER_IP, OURS, US, "00"), new byte[20]), T);
        assertEquals(1, p.sent.size(), "Ethernet padding after the payload length is not the datagram's");
    }

    @Test
    void otherDestinationsAndMulticastSourcesAreDropped() {
        p.receive(echo(PEER_IP, IpAddress.parse("fd00::125"), US, "00"), T);
        p.receive(echo(IpAddress.parse("ff02::5"), OURS, US, "00"), T);
        p.receive(echo(PEER_IP, IpAddress.parse("ff02::7"), MacAddress.of("33:33:00:00:00:07"), "00"), T);
        assertEquals(List.of(), p.sent);
        assertEquals(3, p.host.counters().inAddrErrors);
    }

    @Test
    void unknownOptionsActAsTheirTopTwoBitsSay() {
        // 00: skipped, the datagram is processed
        assertEquals(129, answer(options(0x1e), OURS));
        // 01: discarded silently
        assertEquals(-1, answer(options(0x5e), OURS));
        // 10: Parameter Problem code 2 pointing at the option, even to multicast
        byte[] r = errorFor(options(0x9e), ALL_NODES);
        assertEquals(2, icmpCode(r));
        assertEquals(42, icmpParam(r));
        // 11: Parameter Problem only when the destination is not multicast
        assertEquals(4, answer(options(0xde), OURS));
        assertEquals(-1, answer(options(0xde), ALL_NODES));
    }

    @Test
    void paddingRulesPad1PadNAndTooMuch() {
        assertEquals(129, answer(hex("3a00 00 00 01 02 0000"), OURS), "Pad1 Pad1 PadN(2) is fine");
        assertEquals(-1, answer(hex("3a01 01 0c 000000000000000000000000"), OURS), "14 bytes of padding: Linux drops");
        assertEquals(-1, answer(hex("3a00 01 04 00000100"), OURS), "PadN with a non-zero byte");
        assertEquals(-1, answer(hex("3a00 01 09 0000000000"), OURS), "an option running past its header");
    }

    @Test
    void hopByHopAfterAnotherHeaderIsAParameterProblemCode1() {
        // destination options (next: hop-by-hop) then hop-by-hop
        byte[] r = errorFor(hex("00000102 00000000" + "3a000102 00000000"), OURS, 60);
        assertEquals(4, icmpType(r));
        assertEquals(1, icmpCode(r));
        assertEquals(40, icmpParam(r), "the next-header field that named it");
    }

    @Test
    void routingHeadersWithSegmentsLeftAreRefusedAndWithoutAreSteppedOver() {
        IpAddress via = IpAddress.parse("fd00::9");
        byte[] rh0 = concat(hex("3a02 00 01 00000000"), addr(via));
        byte[] r = errorFor(rh0, OURS, 43);
        assertEquals(0, icmpCode(r));
        assertEquals(42, icmpParam(r), "RFC 5095: type 0 is an unknown type; points at the type");
        byte[] done = concat(hex("3a02 00 00 00000000"), addr(via));
        assertEquals(129, answer(done, OURS, 43));
    }

    @Test
    void unknownNextHeaderGetsParameterProblemCode1AtIt() {
        byte[] f = ip(US, PEER_IP, OURS, 200, 64, hex("0000000000000000"));
        p.receive(f, T);
        assertEquals(1, p.sent.size());
        assertEquals(1, icmpCode(p.sent.get(0)));
        assertEquals(6, icmpParam(p.sent.get(0)));
        assertEquals(1, p.host.counters().inUnknownProtos);
    }

    @Test
    void closedUdpPortGetsPortUnreachableQuotingTheDatagram() {
        byte[] f = ip(US, PEER_IP, OURS, 17, 64, hex("d431 0035 0009 0000 41"));
        p.receive(f, T);
        assertEquals(List.of(PEER_IP + ">" + OURS + " 9"), p.delivered);
        byte[] r = p.sent.get(0);
        assertEquals(1, icmpType(r));
        assertEquals(4, icmpCode(r));
        assertEquals(hex(java.util.Arrays.copyOfRange(f, 14, f.length)), hex(java.util.Arrays.copyOfRange(r, 62, r.length)));
        p.udp = org.tapline.stack.ip.Transport.Delivery.ACCEPTED;
        p.receive(f, T);
        assertEquals(1, p.sent.size());
    }

    @Test
    void noErrorsToMulticastNorAboutErrorsNorToUnspecifiedSources() {
        p.receive(ip(MacAddress.of("33:33:00:00:00:01"), PEER_IP, ALL_NODES, 17, 64, hex("d4310035000900004100")), T);
        p.receive(ip(US, IpAddress.ANY_V6, OURS, 17, 64, hex("d4310035000900004100")), T);
        // a port unreachable about a datagram from the peer: an error is never answered by an error
        p.receive(ip(US, PEER_IP, OURS, 58, 64, icmp(PEER_IP, OURS, new byte[0], hex("01040000 00000000"))), T);
        assertEquals(List.of(), p.sent);
    }

    @Test
    void errorsAreRateLimitedByATokenBucket() {
        for (int i = 0; i < 100; i++) {
            p.receive(ip(US, PEER_IP, OURS, 17, 64, hex("d4310035000900004100")), T);
        }
        assertEquals(ErrorRateLimit.BURST, p.sent.size());
        assertEquals(100 - ErrorRateLimit.BURST, p.host.counters().icmpOutRateLimited);
        p.receive(ip(US, PEER_IP, OURS, 17, 64, hex("d4310035000900004100")), T + 10_000_000L);
        assertEquals(ErrorRateLimit.BURST + 1, p.sent.size(), "10 ms later there are tokens again");
    }

    @Test
    void randomBytesNeverThrowAndSendOnlyWellFormedFrames() {
        Random r = new Random(6);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[r.nextInt(120)];
            r.nextBytes(body);
            int nh = new int[] {0, 43, 44, 60, 58, 17, 59, r.nextInt(256)}[r.nextInt(8)];
            p.receive(ip(US, PEER_IP, OURS, nh, 64, body), T + i);
        }
        for (byte[] f : p.sent) {
            assertTrue(checksumOk(f));
        }
    }

    /** A destination options header: next ICMPv6, one unknown option of {@code type} with 4 bytes. */
    private static byte[] options(int type) {
        return hex("3a00" + String.format("%02x", type) + "04 00000000");
    }

    private int answer(byte[] ext, IpAddress dst) {
        return answer(ext, dst, 60);
    }

    /** The ICMPv6 type the host answers an echo request behind {@code ext} with, or -1 for silence. */
    private int answer(byte[] ext, IpAddress dst, int firstHeader) {
        p.sent.clear();
        MacAddress to = dst.hi() >>> 56 == 0xff ? MacAddress.of("33:33:00:00:00:01") : US;
        byte[] f = ip(to, PEER_IP, dst, firstHeader, 64, icmp(PEER_IP, dst, ext, hex("80000000 12340001")));
        p.receive(f, T);
        return p.sent.isEmpty() ? -1 : icmpType(p.sent.get(p.sent.size() - 1));
    }

    private byte[] errorFor(byte[] ext, IpAddress dst) {
        return errorFor(ext, dst, 60);
    }

    private byte[] errorFor(byte[] ext, IpAddress dst, int firstHeader) {
        assertEquals(4, answer(ext, dst, firstHeader));
        byte[] r = p.sent.get(0);
        assertTrue(checksumOk(r));
        return r;
    }
}
