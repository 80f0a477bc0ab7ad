package org.tapline.packet;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * An Ethernet II header with optional VLAN tags, outermost first (see {@link Ethernet}).
 *
 * @param destination destination MAC
 * @param source      source MAC
 * @param tags        VLAN tags, outermost first; empty for an untagged frame
 * @param etherType   EtherType of the payload, e.g. {@link Ethernet#TYPE_IPV4}
 */
public record EthernetHeader(MacAddress destination, MacAddress source, List<VlanTag> tags, int etherType) {

    /**
     * One 802.1Q/802.1ad tag.
     *
     * @param tpid {@link Ethernet#TYPE_VLAN} or {@link Ethernet#TYPE_QINQ}
     * @param tci  priority (3 bits), drop eligible (1 bit), VLAN id (12 bits)
     */
    public record VlanTag(int tpid, int tci) {
        /** An 802.1Q tag with priority 0. */
        public static VlanTag dot1q(int vlanId) {
            return new VlanTag(Ethernet.TYPE_VLAN, vlanId & 0x0fff);
        }
    }

    public EthernetHeader {
        tags = List.copyOf(tags);
    }

    /** An untagged header. */
    public EthernetHeader(MacAddress destination, MacAddress source, int etherType) {
        this(destination, source, List.of(), etherType);
    }

    /** The header of {@code view}, or {@code null} if absent or a tag is cut short. */
    public static EthernetHeader parse(Ethernet view) {
        if (view == null || view.problem() != null) {
            return null;
        }
        List<VlanTag> tags = new ArrayList<>(view.tagCount());
        for (int i = 0; i < view.tagCount(); i++) {
            tags.add(new VlanTag(view.tagType(i), view.tci(i)));
        }
        return new EthernetHeader(view.destination(), view.source(), tags, view.etherType());
    }

    /** Bytes {@link #emitTo} writes. */
    public int length() {
        return Ethernet.HEADER_LENGTH + Ethernet.TAG_LENGTH * tags.size();
    }

    /** Writes the header at {@code off}; returns the bytes written. */
    public int emitTo(MemorySegment seg, long off) {
        destination.writeTo(seg, off + Ethernet.DST);
        source.writeTo(seg, off + Ethernet.SRC);
        long at = off + Ethernet.TYPE;
        for (VlanTag t : tags) {
            BigEndian.put16(seg, at, t.tpid());
            BigEndian.put16(seg, at + 2, t.tci());
            at += Ethernet.TAG_LENGTH;
        }
        BigEndian.put16(seg, at, etherType);
        return length();
    }
}
