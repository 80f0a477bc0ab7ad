package org.tapline.stack.ip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tapline.packet.IpPacket;
import org.tapline.packet.Ipv4;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.Ipv4Header;

/** RFC 791/815 reassembly against strangers, in virtual time. */
class Ipv4ReassemblyTest {
    private static final long S = 1_000_000_000L;
    private static final Ipv4Address SRC = Ipv4Address.of("10.0.0.123");
    private static final Ipv4Address DST = Ipv4Address.of("10.0.0.124");

    private final Ipv4Counters counters = new Ipv4Counters();
    private final Ipv4Reassembly r = new Ipv4Reassembly(counters);
    private final byte[] data = pattern(3000);

    @Test
    void inOrderFragmentsMakeTheDatagram() {
        assertNull(r.add(frag(SRC, 7, 0, 1480, true), 0));
        assertNull(r.add(frag(SRC, 7, 1480, 1480, true), 0));
        Ipv4 whole = r.add(frag(SRC, 7, 2960, 40, false), 0);
        assertWhole(whole, 3000);
        assertEquals(3, counters.reasmReqds);
        assertEquals(1, counters.reasmOKs);
        assertEquals(0, r.pending());
        assertEquals(0, r.charged(), "memory handed back");
    }

    @Test
    void outOfOrderFragmentsMakeTheDatagram() {
        assertNull(r.add(frag(SRC, 7, 2960, 40, false), 0));
        assertNull(r.add(frag(SRC, 7, 0, 1480, true), 0));
        assertWhole(r.add(frag(SRC, 7, 1480, 1480, true), 0), 3000);
    }

    @Test
    void anExactDuplicateIsIgnored() {
        assertNull(r.add(frag(SRC, 7, 0, 1480, true), 0));
        assertNull(r.add(frag(SRC, 7, 0, 1480, true), 0));
        assertNull(r.add(frag(SRC, 7, 1480, 1480, true), 0));
        assertWhole(r.add(frag(SRC, 7, 2960, 40, false), 0), 3000);
        assertEquals(0, counters.reasmFails);
    }

    @Test
    void anOverlapDropsTheWholeDatagram() {
        assertNull(r.add(frag(SRC, 7, 0, 1480, true), 0));
        assertNull(r.add(frag(SRC, 7, 1472, 1488, true), 0)); // starts 8 bytes inside the first
        assertEquals(0, r.pending());
        assertEquals(1, counters.reasmFails);
        assertNull(r.add(frag(SRC, 7, 2960, 40, false), 0), "the rest starts a new datagram that lacks its start");
        assertEquals(1, r.pending());
    }

    @Test
    void anOverlapFromBelowDropsTheWholeDatagramToo() {
        assertNull(r.add(frag(SRC, 7, 1480, 1480, true), 0));
        assertNull(r.add(frag(SRC, 7, 8, 1480, true), 0));
        assertEquals(0, r.pending());
        assertEquals(1, counters.reasmFails);
    }

    @Test
    void inconsistentEndsAndDataPastTheEndDropTheDatagram() {
        assertNull(r.add(frag(SRC, 1, 1480, 40, false), 0));
        assertNull(r.add(frag(SRC, 1, 1480, 48, false), 0));
        assertEquals(0, r.pending());
        assertNull(r.add(frag(SRC, 2, 1480, 40, false), 0));
        assertNull(r.add(frag(SRC, 2, 1520, 8, true), 0));
        assertEquals(0, r.pending());
        assertEquals(2, counters.reasmFails);
    }

    @Test
    void badFragmentsAreRefusedBeforeAnythingIsKept() {
        assertNull(r.add(frag(SRC, 1, 0, 1476, true), 0), "not a multiple of 8 with MF");
        assertNull(r.add(frag(SRC, 2, 65528, 16, false), 0), "ends past 65535");
        assertEquals(0, r.pending());
        assertEquals(0, r.charged());
        assertEquals(2, counters.reasmFails);
    }

    @Test
    void theLargestDatagramFitsAndOneByteMoreDoesNot() {
        Ipv4 whole = null;
        for (int off = 0; off < 65515; off += 1480) {
            int n = Math.min(1480, 65515 - off);
            whole = r.add(frag(SRC, 9, off, n, off + n < 65515, new byte[n]), 0);
        }
        assertNotNull(whole);
        assertEquals(65535, whole.totalLength());
        r.add(frag(SRC, 10, 0, 8, true, new byte[8]), 0);
        assertNull(r.add(frag(SRC, 10, 65120, 396, false, new byte[396]), 0));
        assertEquals(0, r.pending());
    }

    @Test
    void timeoutAfterThirtySecondsAnswersOnlyWhenTheFirstFragmentCame() {
        List<String> expired = new ArrayList<>();
        r.add(frag(SRC, 1, 0, 1480, true), 0);
        r.add(frag(SRC, 2, 1480, 1480, true), S);
        assertEquals(Ipv4Reassembly.TIMEOUT_NANOS, r.nextDeadline());
        r.poll(Ipv4Reassembly.TIMEOUT_NANOS - 1, (f, n, now) -> expired.add("early"));
        assertEquals(2, r.pending());
        r.poll(Ipv4Reassembly.TIMEOUT_NANOS, (f, n, now) -> {
            Ipv4 first = Ipv4.of(f, 0, n);
            expired.add(first.identification() + " off " + first.fragmentOffset() + " mf " + first.moreFragments() + " " + n);
        });
        assertEquals(List.of("1 off 0 mf true 568"), expired, "header and 548 bytes: 576 with the error's headers");
        assertEquals(1, r.pending());
        r.poll(S + Ipv4Reassembly.TIMEOUT_NANOS, (f, n, now) -> expired.add("second"));
        assertEquals(1, expired.size(), "no first fragment, no error");
        assertEquals(2, counters.reasmTimeout);
        assertEquals(2, counters.reasmFails);
        assertEquals(0, r.charged());
        assertEquals(Long.MAX_VALUE, r.nextDeadline());
    }

    @Test
    void oneSourceCannotTakeMoreThanItsShare() {
        int kept = 0;
        for (int id = 0; id < 1000; id++) {
            r.add(frag(SRC, id, 0, 1480, true), 0);
            kept = r.pending();
        }
        int share = Ipv4Reassembly.MAX_BYTES_PER_SOURCE / (1480 + Ipv4Reassembly.FRAGMENT_OVERHEAD);
        assertTrue(kept <= share + 1 && r.charged() <= Ipv4Reassembly.MAX_BYTES_PER_SOURCE, kept + " kept, " + r.charged());
        Ipv4Address other = Ipv4Address.of("10.0.0.99");
        assertNull(r.add(frag(other, 1, 0, 1480, true), 0));
        assertNotNull(r.add(frag(other, 1, 1480, 40, false), 0), "another source still gets through");
    }

    @Test
    void allSourcesTogetherStayUnderTheTotalCap() {
        for (int s = 1; s < 40; s++) {
            Ipv4Address src = new Ipv4Address(0x0a000000 | s);
            for (int id = 0; id < 400; id++) {
                r.add(frag(src, id, 0, 1480, true), 0);
            }
        }
        assertTrue(r.charged() <= Ipv4Reassembly.MAX_BYTES, String.valueOf(r.charged()));
        assertTrue(r.charged() > Ipv4Reassembly.MAX_BYTES - 2 * 1544, "filled up to the cap");
        assertTrue(counters.reasmFails > 0);
    }

    @Test
    void tinyFragmentsAreChargedTheirBookkeeping() {
        for (int off = 0; off < 65000; off += 16) {
            r.add(frag(SRC, 5, off, 8, true, new byte[8]), 0);
        }
        assertTrue(r.charged() <= Ipv4Reassembly.MAX_BYTES_PER_SOURCE, String.valueOf(r.charged()));
    }

    @Test
    void randomFragmentsNeverThrowNorOverrunTheCaps() {
        java.util.Random rnd = new java.util.Random(791);
        for (int i = 0; i < 200_000; i++) {
            Ipv4Address src = new Ipv4Address(0x0a000000 | rnd.nextInt(12));
            int offset = rnd.nextInt(8192) * 8;
            int length = rnd.nextInt(8) == 0 ? rnd.nextInt(1500) : 8 * (1 + rnd.nextInt(185));
            Ipv4 whole = r.add(frag(src, rnd.nextInt(40), offset, length, rnd.nextInt(4) != 0, new byte[length]), i * 1000L);
            if (whole != null) {
                assertTrue(whole.totalLength() <= 65535 && whole.headerChecksumOk());
            }
            assertTrue(r.charged() <= Ipv4Reassembly.MAX_BYTES);
        }
        r.poll(Long.MAX_VALUE / 2, (f, n, now) -> assertTrue(n <= 576 - 8));
        assertEquals(0, r.charged());
    }

    private void assertWhole(Ipv4 whole, int length) {
        assertNotNull(whole);
        assertEquals(20 + length, whole.totalLength());
        assertTrue(whole.headerChecksumOk());
        assertEquals(false, whole.isFragment());
        byte[] got = whole.segment().asSlice(whole.transportOffset(), length).toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(java.util.Arrays.copyOf(data, length), got);
    }

    private Ipv4 frag(Ipv4Address src, int id, int offset, int length, boolean more) {
        byte[] part = new byte[length];
        if (offset < data.length) {
            System.arraycopy(data, offset, part, 0, Math.min(length, data.length - offset));
        }
        return frag(src, id, offset, length, more, part);
    }

    static Ipv4 frag(Ipv4Address src, int id, int offset, int length, boolean more, byte[] part) {
        MemorySegment f = MemorySegment.ofArray(new byte[20 + length]);
        new Ipv4Header(0, id, false, more, offset, 64, IpPacket.PROTO_UDP, src, DST, length).emitTo(f, 0);
        MemorySegment.copy(MemorySegment.ofArray(part), 0, f, 20, length);
        return Ipv4.of(f, 0, f.byteSize());
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }
}
