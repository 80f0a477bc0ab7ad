package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * Zero-copy view of an Ethernet II frame (IEEE 802.3 §3.2.6, RFC 894) with any number of
 * IEEE 802.1Q ({@code 0x8100}) and 802.1ad ({@code 0x88a8}, and the pre-standard
 * {@code 0x9100}) tags, up to {@link #MAX_TAGS}. The frame check sequence is not present
 * in captures and is not expected here.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 destination MAC (6 octets)                    |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                   source MAC (6 octets)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  TPID 0x8100 / 0x88a8 (opt.)  | PCP |D|       VLAN ID         |  repeated per tag
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     EtherType / length        |   payload ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Contract (same for every view in this package): {@link #of} returns {@code null} when the
 * fixed header is not present, otherwise a view whose accessors never read outside the bytes
 * given; {@link #problem()} names an inconsistency (here: a tag cut short) or is {@code null}.
 */
public final class Ethernet {
    static final int DST = 0;
    static final int SRC = 6;
    static final int TYPE = 12;
    /** Length of an untagged header. */
    public static final int HEADER_LENGTH = 14;
    /** Length of one VLAN tag (TPID + TCI). */
    public static final int TAG_LENGTH = 4;
    /** Tags followed before giving up: stacked Q-in-Q rarely exceeds 2. */
    public static final int MAX_TAGS = 8;
    /** EtherType values at or below this are IEEE 802.3 length fields (IEEE 802.3 §3.2.6). */
    public static final int MAX_8023_LENGTH = 1500;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_IPV6 = 0x86dd;
    public static final int TYPE_QINQ = 0x88a8;
    public static final int TYPE_QINQ_OLD = 0x9100;

    private static final int VID_MASK = 0x0fff;
    private static final int PCP_SHIFT = 13;

    private final MemorySegment seg;
    private final long off;
    private final long len;
    private final int tags;
    private final String problem;

    private Ethernet(MemorySegment seg, long off, long len, int tags, String problem) {
        this.seg = seg;
        this.off = off;
        this.len = len;
        this.tags = tags;
        this.problem = problem;
    }

    /** A view of {@code len} bytes at {@code off}, or {@code null} if fewer than 14 are present. */
    public static Ethernet of(MemorySegment seg, long off, long len) {
        long n = BigEndian.available(seg, off, len);
        if (n < HEADER_LENGTH) {
            return null;
        }
        int tags = 0;
        String problem = null;
        while (isTagType(BigEndian.u16(seg, off + TYPE + (long) TAG_LENGTH * tags))) {
            if (tags == MAX_TAGS) {
                problem = "more than " + MAX_TAGS + " VLAN tags";
                break;
            }
            if (HEADER_LENGTH + (long) TAG_LENGTH * (tags + 1) > n) {
                problem = "truncated VLAN tag";
                break;
            }
            tags++;
        }
        return new Ethernet(seg, off, n, tags, problem);
    }

    /** Whether {@code type} is a VLAN TPID this view steps over. */
    public static boolean isTagType(int type) {
        return type == TYPE_VLAN || type == TYPE_QINQ || type == TYPE_QINQ_OLD;
    }

    public String problem() {
        return problem;
    }

    public MacAddress destination() {
        return MacAddress.read(seg, off + DST);
    }

    public MacAddress source() {
        return MacAddress.read(seg, off + SRC);
    }

    /** Number of complete VLAN tags, outermost first. */
    public int tagCount() {
        return tags;
    }

    /** TPID of tag {@code i} (0 = outermost), e.g. {@link #TYPE_VLAN}. */
    public int tagType(int i) {
        return BigEndian.u16(seg, off + TYPE + (long) TAG_LENGTH * checkTag(i));
    }

    /** Tag control information (IEEE 802.1Q §9.6: PCP, DEI, VID) of tag {@code i}. */
    public int tci(int i) {
        return BigEndian.u16(seg, off + TYPE + 2 + (long) TAG_LENGTH * checkTag(i));
    }

    /** VLAN identifier of tag {@code i}. */
    public int vlanId(int i) {
        return tci(i) & VID_MASK;
    }

    /** Priority code point of tag {@code i}. */
    public int priority(int i) {
        return tci(i) >>> PCP_SHIFT;
    }

    /** EtherType after all tags, or the TPID of a tag that was cut short. */
    public int etherType() {
        return BigEndian.u16(seg, off + TYPE + (long) TAG_LENGTH * tags);
    }

    /** Header length including complete tags. */
    public int headerLength() {
        return HEADER_LENGTH + TAG_LENGTH * tags;
    }

    public MemorySegment segment() {
        return seg;
    }

    /** Absolute offset of the payload in {@link #segment()}. */
    public long payloadOffset() {
        return off + headerLength();
    }

    /** Payload bytes present (never negative). */
    public long payloadLength() {
        return Math.max(0, len - headerLength());
    }

    /** Bytes present in this view. */
    public long length() {
        return len;
    }

    private int checkTag(int i) {
        if (i < 0 || i >= tags) {
            throw new IndexOutOfBoundsException("tag " + i + " of " + tags);
        }
        return i;
    }
}
