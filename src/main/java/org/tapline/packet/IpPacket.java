package org.tapline.packet;

import java.lang.foreign.MemorySegment;

/**
 * What the transport layers need from either IP version: where the upper-layer header is,
 * which protocol it is, and the pseudo-header sum for its checksum.
 *
 * <p>Offsets are absolute in {@link #segment()}; lengths never exceed the bytes present nor the
 * length the IP header declares.
 */
public sealed interface IpPacket permits Ipv4, Ipv6 {
    /** IANA protocol numbers (RFC 790 and the IANA registry). */
    int PROTO_ICMP = 1;
    int PROTO_TCP = 6;
    int PROTO_UDP = 17;
    int PROTO_ICMPV6 = 58;

    /**
     * A view chosen by the version nibble of the first byte: {@link Ipv4} for 4, {@link Ipv6}
     * for 6; {@code null} for any other version or when the fixed header is not present.
     */
    static IpPacket of(MemorySegment seg, long off, long len) {
        if (BigEndian.available(seg, off, len) < 1) {
            return null;
        }
        return switch (BigEndian.u8(seg, off) >>> 4) {
            case Ipv4.VERSION -> Ipv4.of(seg, off, len);
            case Ipv6.VERSION -> Ipv6.of(seg, off, len);
            default -> null;
        };
    }

    /** {@code null}, or why the header is malformed. */
    String problem();

    /** Upper-layer protocol number (for IPv6: after the extension headers). */
    int protocol();

    /** Whether a transport header starts at {@link #transportOffset()}: not a later fragment. */
    boolean hasTransportHeader();

    MemorySegment segment();

    long transportOffset();

    long transportLength();

    /** Bytes the header declares beyond those present (0 when complete). */
    long missing();

    /** Pseudo-header sum for an upper-layer message of {@code length} bytes (see {@link Checksum}). */
    long pseudoHeaderSum(int protocol, long length);

    String sourceText();

    String destinationText();
}
