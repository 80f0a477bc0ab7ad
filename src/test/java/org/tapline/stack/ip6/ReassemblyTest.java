package org.tapline.stack.ip6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapline.stack.ip6.Peer6.*;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** RFC 8200 §4.5 reassembly with RFC 5722 (overlaps), RFC 7112 (header chain) and RFC 6946 (atomic fragments). */
class ReassemblyTest {
    private static final long T = READY + SECOND;
    private final Peer6 p = Peer6.introduced();
    /** An echo request of 24 bytes (8 header, 16 data), checksummed whole. */
    private final byte[] echo = icmp(PEER_IP, OURS, new byte[0], hex("80000000 12340001 000102030405060708090a0b0c0d0e0f"));
    private final byte[] reply = frame(PEER, US, OURS, PEER_IP, 58, 64,
            icmp(OURS, PEER_IP, new byte[0], hex("81000000 12340001 000102030405060708090a0b0c0d0e0f")));

    @Test
    void fragmentsInAnyOrderMakeOneDatagram() {
        p.receive(fragment(16, false, 7, Arrays.copyOfRange(echo, 16, 24)), T);
        assertEquals(List.of(), p.sent);
        p.receive(fragment(0, true, 7, Arrays.copyOfRange(echo, 0, 16)), T);
        assertEquals(List.of(hex(reply)), p.sent.stream().map(Peer6::hex).toList());
        assertEquals(1, p.host.counters().reasmOKs);
        assertEquals(0, p.host.reassembly.pendingCount());
    }

    @Test
    void anExactDuplicateIsIgnored() {
        p.receive(fragment(0, true, 7, Arrays.copyOfRange(echo, 0, 16)), T);
        p.receive(fragment(0, true, 7, Arrays.copyOfRange(echo, 0, 16)), T);
        p.receive(fragment(16, false, 7, Arrays.copyOfRange(echo, 16, 24)), T);
        assertEquals(1, p.sent.size());
    }

    @Test
    void anOverlapDropsTheWholeDatagramAndItsLaterFragments() {
        p.receive(fragment(0, true, 7, Arrays.copyOfRange(echo, 0, 16)), T);
        p.receive(fragment(8, true, 7, Arrays.copyOfRange(echo, 8, 16)), T);
        p.receive(fragment(16, false, 7, Arrays.copyOfRange(echo, 16, 24)), T);
        assertEquals(List.of(), p.sent);
        assertEquals(1, p.host.counters().reasmFails);
        p.runUntil(T + Reassembly.TIMEOUT_NANOS);
        assertEquals(List.of(), p.sent, "a datagram given up for overlap gets no Time Exceeded");
    }

    @Test
    void timeoutSendsTimeExceededCode1OnlyWhenTheFirstFragmentCame() {
        byte[] first = fragment(0, true, 7, Arrays.copyOfRange(echo, 0, 16));
        p.receive(first, T);
        p.receive(fragment(16, true, 8, Arrays.copyOfRange(echo, 0, 8)), T);
        p.runUntil(T + Reassembly.TIMEOUT_NANOS - 1);
        assertEquals(List.of(), p.sent);
        p.runUntil(T + Reassembly.TIMEOUT_NANOS);
        // the peer's entry lapsed meanwhile: the error waits for its answer to our solicitation
        assertEquals(List.of(135), p.sent.stream().map(Peer6::icmpType).toList());
        p.receive(na(PEER_IP, OURS, PEER_IP, 0x60, PEER), T + Reassembly.TIMEOUT_NANOS);
        assertEquals(2, p.sent.size());
        byte[] r = p.sent.get(1);
        assertEquals(3, icmpType(r));
        assertEquals(1, icmpCode(r));
        assertEquals(hex(Arrays.copyOfRange(first, 14, first.length)), hex(Arrays.copyOfRange(r, 62, r.length)));
        assertEquals(2, p.host.counters().reasmTimeout);
    }

    @Test
    void aFirstFragmentWithoutTheWholeHeaderChainGetsParameterProblemCode3() {
        // fragment header -> destination options claiming 16 bytes, only 8 in this fragment
        byte[] f = ip(US, PEER_IP, OURS, 44, 64, concat(fragmentHeader(60, 0, true, 9), hex("3a01 0104 00000000")));
        p.receive(f, T);
        assertEquals(1, p.sent.size());
        assertEquals(4, icmpType(p.sent.get(0)));
        assertEquals(3, icmpCode(p.sent.get(0)));
        assertEquals(0, icmpParam(p.sent.get(0)));
    }

    @Test
    void aNonFinalFragmentNotAMultipleOf8GetsParameterProblemAtThePayloadLength() {
        p.receive(fragment(0, true, 7, Arrays.copyOfRange(echo, 0, 12)), T);
        assertEquals(0, icmpCode(p.sent.get(0)));
        assertEquals(4, icmpParam(p.sent.get(0)));
    }

    @Test
    void anAtomicFragmentIsProcessedAtOnce() {
        p.receive(fragment(0, false, 7, echo), T);
        assertEquals(List.of(hex(reply)), p.sent.stream().map(Peer6::hex).toList());
        assertEquals(0, p.host.counters().reasmReqds);
    }

    @Test
    void memoryPerSourceIsBounded() {
        byte[] data = new byte[1232];
        data[0] = (byte) 0x80;
        for (int id = 0; id < 2000; id++) {
            p.receive(fragment(0, true, id, data), T);
        }
        assertTrue(p.host.counters().reasmFails > 1000, "" + p.host.counters().reasmFails);
        assertTrue(p.host.reassembly.pendingCount() <= Reassembly.MAX_BYTES_PER_SOURCE / 1232 + 1000);
        // what it holds lapses; then the source's datagrams get through again
        p.runUntil(T + Reassembly.TIMEOUT_NANOS);
        p.sent.clear();
        long t = T + Reassembly.TIMEOUT_NANOS;
        p.receive(fragment(16, false, 5000, Arrays.copyOfRange(echo, 16, 24)), t);
        p.receive(fragment(0, true, 5000, Arrays.copyOfRange(echo, 0, 16)), t);
        assertEquals(1, p.host.counters().reasmOKs);
    }

    private static byte[] fragment(int offset, boolean more, int id, byte[] data) {
        return ip(US, PEER_IP, OURS, 44, 64, concat(fragmentHeader(58, offset, more, id), data));
    }

    private static byte[] fragmentHeader(int nh, int offset, boolean more, int id) {
        return ByteBuffer.allocate(8).put((byte) nh).put((byte) 0).putShort((short) (offset | (more ? 1 : 0))).putInt(id)
                .array();
    }
}
