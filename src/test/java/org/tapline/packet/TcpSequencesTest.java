package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Relative sequence numbers as print-tcp.c keeps them, both directions of one conversation. */
class TcpSequencesTest {
    static final byte[] A = {10, 9, 0, 1};
    static final byte[] B = {10, 9, 0, 2};

    @Test
    void theFirstSegmentWithAckSetsTheBasesAndLaterOnesCountFromThem() {
        TcpSequences s = new TcpSequences();
        // SYN-ACK from the server (port 80 < 40000: the client's side is the "reverse" one)
        TcpSequences.Relative synAck = s.relative(B, A, 80, 40000, 1000, 5001, true);
        assertEquals(1000, synAck.seq());
        assertEquals(5001, synAck.ack());
        TcpSequences.Relative ack = s.relative(A, B, 40000, 80, 5001, 1001, false);
        assertEquals(1, ack.seq());
        assertEquals(1, ack.ack());
        TcpSequences.Relative data = s.relative(B, A, 80, 40000, 1001, 5019, false);
        assertEquals(1, data.seq());
        assertEquals(19, data.ack());
    }

    @Test
    void numbersWrapModulo2To32() {
        TcpSequences s = new TcpSequences();
        s.relative(A, B, 1, 2, 0xffff_fff0L, 0, true);
        assertEquals(0x20, s.relative(A, B, 1, 2, 0x10, 1, false).seq());
        assertEquals(0xffff_ffffL, s.relative(A, B, 1, 2, 0xffff_ffefL, 0, false).seq());
    }

    @Test
    void aNewSynStartsTheConversationAgain() {
        TcpSequences s = new TcpSequences();
        s.relative(A, B, 1, 2, 100, 200, true);
        assertEquals(500, s.relative(A, B, 1, 2, 500, 300, true).seq()); // absolute, bases taken again
        assertEquals(1, s.relative(A, B, 1, 2, 501, 300, false).seq());
    }
}
