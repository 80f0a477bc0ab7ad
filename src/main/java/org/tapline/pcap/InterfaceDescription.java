package org.tapline.pcap;

/**
 * One capture interface: a pcap file has exactly one, a pcapng file one per Interface
 * Description Block.
 *
 * @param linkType    the {@link LinkType} ({@code LINKTYPE_*} value, 0..65535)
 * @param snaplen     the maximum number of bytes captured per packet; 0 means no limit (pcapng)
 * @param name        the interface name ({@code if_name}), or null
 * @param description the interface description ({@code if_description}), or null
 */
public record InterfaceDescription(int linkType, int snaplen, String name, String description) {
    /** Largest link type value: pcapng stores it in 16 bits. */
    public static final int MAX_LINK_TYPE = 0xFFFF;

    public InterfaceDescription {
        if (linkType < 0 || linkType > MAX_LINK_TYPE) {
            throw new IllegalArgumentException("link type " + linkType + " is outside 0.." + MAX_LINK_TYPE);
        }
        if (snaplen < 0) {
            throw new IllegalArgumentException("snaplen " + snaplen + " is negative");
        }
    }

    /** An interface without name or description. */
    public static InterfaceDescription of(int linkType, int snaplen) {
        return new InterfaceDescription(linkType, snaplen, null, null);
    }
}
