package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * RFC 4884 extension objects after the 128-byte quote of ICMP errors (RFC 4950 MPLS label
 * stacks), as tcpdump 4.99's print-icmp.c shows them with {@code -v}.
 *
 * <pre>
 * | type | code | checksum | unused | length | unused (2) | original datagram (128) |
 * | version (4 bits) + reserved (12) | checksum (2) | objects: | length (2) | class | c-type | data |
 * </pre>
 */
final class IcmpExtensions {
    /** Where the extension header starts in the ICMP message (RFC 4884 §5.1). */
    static final int HEADER = 136;
    /** The part of the ICMP message tcpdump needs before looking (its struct icmp_ext_t). */
    static final int NEEDED = HEADER + 5;
    static final int LENGTH = 5;
    static final int VERSION = 2;
    static final int CHECKSUM = HEADER + 2;
    static final int OBJECTS = HEADER + 4;
    static final int OBJECT_HEADER = 4;
    static final int MPLS_STACK_ENTRY = 1;
    static final int INTERFACE_IDENTIFICATION = 2;

    private IcmpExtensions() {}

    static boolean applies(int type) {
        return type == Icmp.DEST_UNREACHABLE || type == Icmp.TIME_EXCEEDED || type == Icmp.PARAMETER_PROBLEM;
    }

    static void print(PrintContext ctx, MemorySegment seg, long off, int length) {
        if (!PrintContext.has(seg, off, NEEDED)) {
            ctx.trunc();
            return;
        }
        int rest = length - HEADER;
        if (BigEndian.u8(seg, off + LENGTH) == 0 && PrintContext.has(seg, off + HEADER, rest)
                && Checksum.internet(seg, off + HEADER, rest) != 0) {
            return; // no length and no valid checksum: not an extension structure
        }
        int version = BigEndian.u8(seg, off + HEADER) >>> 4;
        ctx.print("\n\tICMP Multi-Part extension v" + version);
        if (version != VERSION) {
            ctx.print(" packet not supported");
            return;
        }
        if (PrintContext.has(seg, off + HEADER, rest)) {
            ctx.print(", checksum 0x" + PrintContext.hex4(BigEndian.u16(seg, off + CHECKSUM)) + " ("
                    + (Checksum.internet(seg, off + HEADER, rest) != 0 ? "in" : "") + "correct), length " + rest);
        }
        long left = rest - 4L;
        long p = off + OBJECTS;
        while (left > OBJECT_HEADER) {
            if (!PrintContext.has(seg, p, OBJECT_HEADER)) {
                ctx.trunc();
                return;
            }
            int objLength = BigEndian.u16(seg, p);
            int objClass = BigEndian.u8(seg, p + 2);
            int cType = BigEndian.u8(seg, p + 3);
            p += OBJECT_HEADER;
            String name = switch (objClass) {
                case MPLS_STACK_ENTRY -> "MPLS Stack Entry";
                case INTERFACE_IDENTIFICATION -> "Interface Identification";
                default -> "unknown";
            };
            ctx.print("\n\t  " + name + " Object (" + objClass + "), Class-Type: " + cType + ", length " + objLength);
            left -= OBJECT_HEADER;
            if (objClass == 0 || objLength < OBJECT_HEADER) {
                return;
            }
            int data = objLength - OBJECT_HEADER;
            if (objClass == MPLS_STACK_ENTRY && cType == 1) {
                long entry = PrintContext.u32(seg, p);
                ctx.print("\n\t    label " + (entry >>> 12) + ", tc " + ((entry >>> 9) & 7)
                        + ((entry & 0x100) != 0 ? ", [S]" : "") + ", ttl " + (entry & 0xff));
            } else {
                HexDump.hex(ctx.out, "\n\t    ", seg, p, Math.min(data, PrintContext.available(seg, p)));
            }
            if (left < data) {
                break;
            }
            left -= data;
            p += data;
        }
    }
}
