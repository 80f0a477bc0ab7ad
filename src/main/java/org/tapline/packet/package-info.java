/**
 * Zero-copy views, small records and checksums for the packets tapline moves: Ethernet II with
 * 802.1Q/802.1ad tags, ARP, IPv4, IPv6 with extension headers, ICMP, ICMPv6 (with NDP and MLD
 * names), UDP and TCP, plus {@link org.tapline.packet.Summary}, a tcpdump-style one-line
 * description of a captured frame.
 *
 * <h2>Views</h2>
 * A view ({@link org.tapline.packet.Ethernet}, {@link org.tapline.packet.Arp},
 * {@link org.tapline.packet.Ipv4}, {@link org.tapline.packet.Ipv6}, {@link org.tapline.packet.Icmp},
 * {@link org.tapline.packet.Icmpv6}, {@link org.tapline.packet.Udp}, {@link org.tapline.packet.Tcp})
 * wraps (segment, offset, length) of a heap or native {@link java.lang.foreign.MemorySegment}
 * and copies nothing. All follow one contract:
 * <ul>
 *   <li>{@code X.of(segment, offset, length)} never throws. It returns {@code null} when the
 *       fixed header is not present (or the bounds are outside the segment); the length is cut
 *       to the end of the segment.</li>
 *   <li>On a non-null view every fixed-field accessor is in bounds. {@code problem()} returns
 *       {@code null} or a short reason ("ihl 3", "truncated HBH header") for fields that
 *       disagree with each other or with the bytes present; accessors documented as needing
 *       {@code problem() == null} (ARP addresses, NDP target) must be guarded.</li>
 *   <li>Payload offsets/lengths are bounded by both the header's declared length and the bytes
 *       present; {@code missing()} tells how many declared bytes were not captured.</li>
 *   <li>Transport views come from {@code X.of(IpPacket)}, which returns {@code null} for later
 *       fragments: only the first fragment carries a transport header.</li>
 * </ul>
 *
 * <h2>Records</h2>
 * {@link org.tapline.packet.EthernetHeader}, {@link org.tapline.packet.ArpMessage},
 * {@link org.tapline.packet.Ipv4Header}, {@link org.tapline.packet.Ipv6Header},
 * {@link org.tapline.packet.UdpHeader}, {@link org.tapline.packet.TcpHeader},
 * {@link org.tapline.packet.IcmpEcho} and {@link org.tapline.packet.Icmpv6Echo} have
 * {@code parse(view)} and {@code emitTo(segment, offset, ...)}. Emit inner to outer: place
 * the payload, then the transport header (its checksum covers the payload and the IP
 * pseudo-header), then the IP header, then the link header. Emitting into a segment that is too
 * small throws {@link java.lang.IndexOutOfBoundsException}: that is the caller's bug, not input.
 */
package org.tapline.packet;
