package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * One packet's printing: the line being built, the flags, the name of the protocol being
 * printed (for {@code [|proto]}) and the TCP conversations seen so far.
 *
 * <p>Printers receive a segment that ends where the bytes they may read end, as tcpdump's
 * {@code ndo_snapend}: the captured bytes, cut further to the length an IP header declares.
 */
final class PrintContext {
    final StringBuilder out;
    final PrintOptions options;
    final TcpSequences sequences;
    String protocol = "";

    PrintContext(StringBuilder out, PrintOptions options, TcpSequences sequences) {
        this.out = out;
        this.options = options;
        this.sequences = sequences;
    }

    int verbose() {
        return options.verbose();
    }

    boolean quiet() {
        return options.quiet();
    }

    boolean linkHeader() {
        return options.linkHeader();
    }

    PrintContext print(String s) {
        out.append(s);
        return this;
    }

    PrintContext print(long n) {
        out.append(n);
        return this;
    }

    /** Marks the line cut short, as tcpdump's nd_print_trunc: {@code " [|proto]"}. */
    void trunc() {
        out.append(" [|").append(protocol).append(']');
    }

    /** Throws {@link Truncated} unless {@code n} bytes at {@code off} are in {@code seg}. */
    static void need(MemorySegment seg, long off, long n) {
        if (!has(seg, off, n)) {
            throw new Truncated();
        }
    }

    /** Whether {@code n} bytes at {@code off} are in {@code seg}. */
    static boolean has(MemorySegment seg, long off, long n) {
        return off >= 0 && n >= 0 && off <= seg.byteSize() && n <= seg.byteSize() - off;
    }

    /** Bytes of {@code seg} from {@code off} (0 past its end). */
    static long available(MemorySegment seg, long off) {
        return Math.max(0, seg.byteSize() - off);
    }

    /** {@code seg} cut to end at most at {@code end}, as tcpdump's nd_push_snaplen. */
    static MemorySegment cut(MemorySegment seg, long end) {
        return end < seg.byteSize() ? seg.asSlice(0, Math.max(0, end)) : seg;
    }

    static int u8(MemorySegment seg, long off) {
        need(seg, off, 1);
        return BigEndian.u8(seg, off);
    }

    static int u16(MemorySegment seg, long off) {
        need(seg, off, 2);
        return BigEndian.u16(seg, off);
    }

    static long u32(MemorySegment seg, long off) {
        need(seg, off, 4);
        return BigEndian.u32(seg, off);
    }

    static String hex4(int v) {
        String s = Integer.toHexString(v);
        return "0000".substring(Math.min(4, s.length())) + s;
    }

    /**
     * The value a checksum field should hold, from the field and the RFC 1071 result over the
     * message with it (tcpdump's in_cksum_shouldbe).
     */
    static int shouldBe(int field, int computed) {
        int s = field + computed;
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return s & 0xffff;
    }
}
