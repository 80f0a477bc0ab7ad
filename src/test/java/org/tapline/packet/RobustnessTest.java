package org.tapline.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No input makes a view or {@link Summary} throw, and short or inconsistent input is reported
 * as such. Uses {@code Summary.describe}, which lets a bug's exception through.
 */
class RobustnessTest {
    private static final List<String> REPORTS = List.of("[|", "truncated", "malformed", "bad");

    static Stream<Arguments> framesOnLinkTypes() {
        return Fixtures.all().stream().flatMap(f -> Arrays.stream(LinkWrap.LINK_TYPES)
                .filter(t -> !f.name().startsWith("ARP") || t == Summary.LINKTYPE_ETHERNET
                        || t == Summary.LINKTYPE_LINUX_SLL || t == Summary.LINKTYPE_LINUX_SLL2)
                .mapToObj(t -> Arguments.of(t, f)));
    }

    private static String describe(int linkType, MemorySegment frame, int originalLength) {
        try {
            return Summary.describe(linkType, frame, originalLength);
        } catch (RuntimeException e) {
            throw new AssertionError("link type " + linkType + ", " + frame.byteSize() + " of " + originalLength
                    + " bytes: " + Hex.of(frame), e);
        }
    }

    @ParameterizedTest(name = "link type {0}: {1}")
    @MethodSource("framesOnLinkTypes")
    void everyTruncationIsReported(int linkType, Fixtures.Frame frame) {
        byte[] full = LinkWrap.wrap(linkType, Hex.bytes(frame.hex()));
        MemorySegment seg = MemorySegment.ofArray(full);
        String complete = describe(linkType, seg, full.length);
        for (int cut = 0; cut < full.length; cut++) {
            MemorySegment part = seg.asSlice(0, cut);
            // Cut by the snapshot length: tcpdump's "[|proto]" unless only data bytes were lost.
            String snapped = describe(linkType, part, full.length);
            assertTrue(snapped.equals(complete) || snapped.contains("[|"), cut + ": " + snapped);
            // Short on the wire: the headers' own lengths disagree with what arrived.
            String shortFrame = describe(linkType, part, cut);
            assertTrue(REPORTS.stream().anyMatch(shortFrame::contains), cut + ": " + shortFrame);
            if (linkType == Summary.LINKTYPE_ETHERNET) {
                ViewWalker.ethernet(part);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.tapline.packet.Fixtures#all")
    void everyByteSetToEdgeValues(Fixtures.Frame frame) {
        byte[] original = Hex.bytes(frame.hex());
        int[] values = {0x00, 0x01, 0x04, 0x05, 0x0f, 0x3f, 0x40, 0x45, 0x60, 0x7f, 0x80, 0xfe, 0xff};
        for (int i = 0; i < original.length; i++) {
            for (int v : values) {
                byte[] f = original.clone();
                f[i] = (byte) v;
                MemorySegment seg = MemorySegment.ofArray(f);
                ViewWalker.ethernet(seg);
                for (int linkType : LinkWrap.LINK_TYPES) {
                    byte[] w = LinkWrap.wrap(linkType, f);
                    assertFalse(describe(linkType, MemorySegment.ofArray(w), w.length).isEmpty());
                }
            }
        }
    }

    @Test
    void corruptedLengthFieldsAreNamed() {
        byte[] echo = LinkWrap.wrap(101, Hex.bytes(Fixtures.ICMP_ECHO_REQUEST));
        for (int ihl = 0; ihl < 5; ihl++) {
            byte[] f = echo.clone();
            f[0] = (byte) (0x40 | ihl);
            assertEquals("IP malformed IPv4 header (ihl " + ihl + ")", line(101, f));
        }
        byte[] big = echo.clone();
        big[2] = (byte) 0xff;
        big[3] = (byte) 0xff;
        assertTrue(line(101, big).startsWith("IP truncated-ip - 65451 bytes missing! 10.77.0.1 > 10.77.0.2: ICMP"));
        byte[] longHeader = echo.clone();
        longHeader[0] = 0x4f; // 60-byte header, 84 bytes present
        assertTrue(line(101, longHeader).startsWith("IP 10.77.0.1 > 10.77.0.2: ICMP"), "options are skipped");

        byte[] udp = LinkWrap.wrap(101, Hex.bytes(Fixtures.UDP_DNS_OFFLOADED));
        for (int len : new int[] {0, 7, 13, 0xffff}) {
            byte[] f = udp.clone();
            f[24] = (byte) (len >>> 8);
            f[25] = (byte) len;
            assertTrue(line(101, f).endsWith("UDP, bad length " + len + " > 12"), line(101, f));
        }

        byte[] tcp = LinkWrap.wrap(101, Hex.bytes(Fixtures.TCP_SYN_OFFLOADED));
        for (int words = 0; words < 16; words++) {
            byte[] f = tcp.clone();
            f[32] = (byte) (words << 4);
            String l = line(101, f);
            if (words < 5 || words > 10) {
                assertTrue(l.endsWith("tcp [bad hdr length " + words * 4 + "]"), l);
            } else {
                assertTrue(l.contains("Flags [S]"), l);
            }
        }

        byte[] v6 = LinkWrap.wrap(101, Hex.bytes(Fixtures.NEIGHBOR_SOLICITATION));
        v6[4] = (byte) 0xff;
        v6[5] = (byte) 0xff;
        assertTrue(line(101, v6).startsWith("IP6 truncated-ip6 - 65503 bytes missing! "), line(101, v6));

        byte[] hbh = LinkWrap.wrap(101, Hex.bytes(Fixtures.MLD_REPORT_HBH));
        hbh[41] = 5; // 48-byte hop-by-hop header in a 36-byte payload
        assertTrue(line(101, hbh).endsWith("malformed IPv6 header (truncated HBH header)"), line(101, hbh));

        byte[] arp = Hex.bytes(Fixtures.ARP_REQUEST);
        arp[14 + Arp.PLEN] = 16;
        assertTrue(line(1, arp).startsWith("ARP, hardware type 1, protocol 0x0800, operation 1"), line(1, arp));
    }

    private static String line(int linkType, byte[] frame) {
        return describe(linkType, MemorySegment.ofArray(frame), frame.length);
    }

    static IntStream linkTypes() {
        return Arrays.stream(LinkWrap.LINK_TYPES);
    }

    /** 20,000 frames per link type: half random bytes, half captured frames with a few bytes changed. */
    @ParameterizedTest(name = "link type {0}")
    @MethodSource("linkTypes")
    void seededFuzz(int linkType) {
        Random random = new Random(0x7a911e + linkType);
        List<byte[]> seeds = Fixtures.all().stream().map(f -> LinkWrap.wrap(linkType, Hex.bytes(f.hex()))).toList();
        for (int i = 0; i < 20_000; i++) {
            byte[] f;
            if ((i & 1) == 0) {
                f = new byte[random.nextInt(160)];
                random.nextBytes(f);
            } else {
                byte[] seed = seeds.get(random.nextInt(seeds.size()));
                f = Arrays.copyOf(seed, Math.max(0, seed.length - random.nextInt(8) * random.nextInt(2) * 8));
                for (int k = random.nextInt(4) + 1; k > 0 && f.length > 0; k--) {
                    f[random.nextInt(f.length)] = (byte) random.nextInt(256);
                }
            }
            int original = f.length + (random.nextBoolean() ? 0 : random.nextInt(100)) - (i % 7 == 0 ? 5 : 0);
            MemorySegment seg = MemorySegment.ofArray(f);
            String s = describe(linkType, seg, original);
            if (s.isEmpty() || s.startsWith("[|internal")) {
                fail("empty line for " + Hex.of(seg));
            }
            if (linkType == Summary.LINKTYPE_ETHERNET) {
                ViewWalker.ethernet(seg);
            } else if (linkType == Summary.LINKTYPE_RAW) {
                ViewWalker.ip(seg, 0, f.length);
            }
        }
    }

    @Test
    void ofNeverThrowsEvenOnNullOrNegativeLengths() {
        assertEquals("[|no frame]", Summary.of(1, null, 0));
        assertEquals("[|ether]", Summary.of(1, MemorySegment.ofArray(new byte[0]), -5));
        assertEquals("[|ether]", Summary.of(1, MemorySegment.NULL, Integer.MIN_VALUE));
    }
}
