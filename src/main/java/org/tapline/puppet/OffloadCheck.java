package org.tapline.puppet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.tapline.packet.Ethernet;

/**
 * Checks an OFFLOADED record from the master before its virtio_net_hdr reaches the puppet's kernel
 * (a packet socket with PACKET_VNET_HDR): the header is the peer's choice, and the kernel's own
 * checks (include/linux/virtio_net.h, virtio_net_hdr_to_skb) have had holes. Only what the master's
 * TAP hands over is let through: a TCP super-frame or a frame whose checksum is to be completed.
 * <pre>
 *  struct virtio_net_hdr (virtio spec 1.2 §5.1.6), little-endian as tapline sends it:
 *   0 flags (1)  1 gso_type (1)  2 hdr_len (2)  4 gso_size (2)  6 csum_start (2)  8 csum_offset (2)
 * </pre>
 * Pure: returns what is wrong, or null.
 */
final class OffloadCheck {
    static final int FLAGS = 0;
    static final int GSO_TYPE = 1;
    static final int HDR_LEN = 2;
    static final int GSO_SIZE = 4;
    static final int CSUM_START = 6;
    static final int CSUM_OFFSET = 8;

    /** VIRTIO_NET_HDR_F_NEEDS_CSUM: a checksum to complete. */
    static final int F_NEEDS_CSUM = 1;
    /** VIRTIO_NET_HDR_F_DATA_VALID: a TAP marks frames whose checksum the kernel trusts (tun_put_user). RSC_INFO is not for sending. */
    static final int F_DATA_VALID = 2;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;
    /** VIRTIO_NET_HDR_GSO_ECN: the TCP segments carry CWR; only with a TCP type. */
    static final int GSO_ECN = 0x80;

    private static final int ETHERTYPE_IPV4 = Ethernet.TYPE_IPV4;
    private static final int ETHERTYPE_IPV6 = Ethernet.TYPE_IPV6;
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int CHECKSUM = 2;

    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private OffloadCheck() {}

    /** What is wrong with {@code record} (header and Ethernet frame), in words; null when it may go to the kernel. */
    static String problem(MemorySegment record) {
        if (record.byteSize() <= PuppetWire.VNET_HDR) {
            return "an offloaded record of " + record.byteSize() + " bytes (header only)";
        }
        int flags = u8(record, FLAGS);
        int gsoType = u8(record, GSO_TYPE);
        int hdrLen = u16(record, HDR_LEN);
        int gsoSize = u16(record, GSO_SIZE);
        int csumStart = u16(record, CSUM_START);
        int csumOffset = u16(record, CSUM_OFFSET);
        MemorySegment frame = record.asSlice(PuppetWire.VNET_HDR);
        long length = frame.byteSize();
        if ((flags & ~(F_NEEDS_CSUM | F_DATA_VALID)) != 0) {
            return String.format("an offloaded frame with virtio flags 0x%02x (only NEEDS_CSUM and DATA_VALID)", flags);
        }
        int type = gsoType & ~GSO_ECN;
        if (type != GSO_NONE && type != GSO_TCPV4 && type != GSO_TCPV6) {
            return String.format("an offloaded frame of GSO type 0x%02x (only none, TCPv4 and TCPv6)", gsoType);
        }
        if (type == GSO_NONE && (gsoType & GSO_ECN) != 0) {
            return "an offloaded frame with the GSO ECN bit but no GSO type";
        }
        if (hdrLen > length) {
            return "an offloaded frame whose header length " + hdrLen + " exceeds its " + length + " bytes";
        }
        Ethernet ether = Ethernet.of(frame, 0, length);
        boolean whole = ether != null && ether.problem() == null;
        int l3 = whole ? (int) ether.payloadOffset() : -1;
        int ethertype = whole ? ether.etherType() : -1;
        if (type != GSO_NONE) {
            if (gsoSize == 0 || gsoSize > length) {
                return "an offloaded frame with GSO size " + gsoSize + " (1 to its " + length + " bytes)";
            }
            if ((flags & F_NEEDS_CSUM) == 0) {
                return "a TCP super-frame without a checksum to complete";
            }
            int wanted = type == GSO_TCPV4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
            if (ethertype != wanted) {
                return String.format("a TCP%s super-frame carrying ethertype 0x%04x", type == GSO_TCPV4 ? "v4" : "v6", ethertype & 0xffff);
            }
        }
        if ((flags & F_NEEDS_CSUM) != 0) {
            int l4 = transportStart(frame, l3, ethertype);
            if (l4 < 0) {
                return "an offloaded frame with a checksum to complete that is not a whole IPv4 or IPv6 packet";
            }
            if (csumStart < l4) {
                return "an offloaded frame whose checksum starts at " + csumStart + ", inside its Ethernet and IP headers (they end at " + l4 + ")";
            }
            if ((long) csumStart + csumOffset + CHECKSUM > length) {
                return "an offloaded frame whose checksum at " + csumStart + "+" + csumOffset + " lies past its " + length + " bytes";
            }
        } else if (csumStart != 0 || csumOffset != 0) {
            return "an offloaded frame with a checksum position but no checksum to complete";
        }
        return null;
    }

    /** Where the IP header ends, or -1 when the frame is not IPv4 or IPv6 or the header does not fit. */
    private static int transportStart(MemorySegment frame, int l3, int ethertype) {
        if (l3 < 0 || frame.byteSize() <= l3) {
            return -1;
        }
        int ipHeader;
        if (ethertype == ETHERTYPE_IPV4) {
            int vihl = u8(frame, l3);
            ipHeader = (vihl & 0x0f) * 4;
            if (vihl >> 4 != 4 || ipHeader < IPV4_MIN_HEADER) {
                return -1;
            }
        } else if (ethertype == ETHERTYPE_IPV6) {
            if (u8(frame, l3) >> 4 != 6) {
                return -1;
            }
            ipHeader = IPV6_HEADER;
        } else {
            return -1;
        }
        return l3 + ipHeader <= frame.byteSize() ? l3 + ipHeader : -1;
    }

    private static int u8(MemorySegment m, long at) {
        return Byte.toUnsignedInt(m.get(ValueLayout.JAVA_BYTE, at));
    }

    private static int u16(MemorySegment m, long at) {
        return Short.toUnsignedInt(m.get(LE, at));
    }
}
