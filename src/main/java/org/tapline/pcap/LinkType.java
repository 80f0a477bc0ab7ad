package org.tapline.pcap;

/**
 * Common link-layer header types ({@code LINKTYPE_*} values) as registered at
 * <a href="https://www.tcpdump.org/linktypes.html">tcpdump.org/linktypes.html</a> and in
 * draft-ietf-opsawg-pcaplinktype. These are the values stored in files, which differ from
 * some platforms' {@code DLT_*} values (e.g. {@code DLT_RAW} is 12 or 14, {@code LINKTYPE_RAW} 101).
 */
public final class LinkType {
    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    public static final int AX25 = 3;
    public static final int IEEE802_5 = 6;
    public static final int ARCNET_BSD = 7;
    public static final int SLIP = 8;
    public static final int PPP = 9;
    public static final int FDDI = 10;
    public static final int PPP_HDLC = 50;
    public static final int PPP_ETHER = 51;
    public static final int ATM_RFC1483 = 100;
    public static final int RAW = 101;
    public static final int C_HDLC = 104;
    public static final int IEEE802_11 = 105;
    public static final int FRELAY = 107;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int PFLOG = 117;
    public static final int IEEE802_11_PRISM = 119;
    public static final int IEEE802_11_RADIOTAP = 127;
    public static final int USER0 = 147;
    public static final int USER15 = 162;
    public static final int PPP_PPPD = 166;
    public static final int BLUETOOTH_HCI_H4 = 187;
    public static final int USB_LINUX = 189;
    public static final int PPI = 192;
    public static final int IEEE802_15_4 = 195;
    public static final int USB_LINUX_MMAPPED = 220;
    public static final int CAN_SOCKETCAN = 227;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int NFLOG = 239;
    public static final int USBPCAP = 249;
    public static final int BLUETOOTH_LE_LL = 251;
    public static final int NETLINK = 253;
    public static final int BLUETOOTH_LINUX_MONITOR = 254;
    public static final int PKTAP = 258;
    public static final int LINUX_SLL2 = 276;

    private LinkType() {}

    /**
     * The DLT value libpcap gives a live handle of this link type on Linux (libpcap's
     * linktype_to_dlt): equal to the LINKTYPE value except for the few numbered differently per
     * platform, e.g. {@code LINKTYPE_RAW} 101 is {@code DLT_RAW} 12.
     */
    public static int toDlt(int linkType) {
        return switch (linkType) {
            case ATM_RFC1483 -> 11;
            case RAW -> 12;
            case 102 -> 15; // SLIP_BSDOS
            case 103 -> 16; // PPP_BSDOS
            case 106 -> 19; // ATM_CLIP
            default -> linkType;
        };
    }

    /**
     * libpcap's name for the link type (pcap_datalink_val_to_name of its DLT value), as tcpdump prints
     * it ("link-type EN10MB"), e.g. {@code "EN10MB"} for {@code LINKTYPE_ETHERNET}; {@code "LINKTYPE_<n>"}
     * for one libpcap does not name. One name for one link type, in files and on interfaces alike.
     */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "EN10MB";
            case AX25 -> "AX25";
            case IEEE802_5 -> "IEEE802";
            case ARCNET_BSD -> "ARCNET";
            case SLIP -> "SLIP";
            case PPP -> "PPP";
            case FDDI -> "FDDI";
            case PPP_HDLC -> "PPP_SERIAL";
            case PPP_ETHER -> "PPP_ETHER";
            case ATM_RFC1483 -> "ATM_RFC1483";
            case RAW -> "RAW";
            case C_HDLC -> "C_HDLC";
            case IEEE802_11 -> "IEEE802_11";
            case FRELAY -> "FRELAY";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case PFLOG -> "PFLOG";
            case IEEE802_11_PRISM -> "PRISM_HEADER";
            case IEEE802_11_RADIOTAP -> "IEEE802_11_RADIO";
            case PPP_PPPD -> "PPP_PPPD";
            case BLUETOOTH_HCI_H4 -> "BLUETOOTH_HCI_H4";
            case USB_LINUX -> "USB_LINUX";
            case PPI -> "PPI";
            case IEEE802_15_4 -> "IEEE802_15_4";
            case USB_LINUX_MMAPPED -> "USB_LINUX_MMAPPED";
            case CAN_SOCKETCAN -> "CAN_SOCKETCAN";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case NFLOG -> "NFLOG";
            case USBPCAP -> "USBPCAP";
            case BLUETOOTH_LE_LL -> "BLUETOOTH_LE_LL";
            case NETLINK -> "NETLINK";
            case BLUETOOTH_LINUX_MONITOR -> "BLUETOOTH_LINUX_MONITOR";
            case PKTAP -> "PKTAP";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> linkType >= USER0 && linkType <= USER15 ? "USER" + (linkType - USER0) : "LINKTYPE_" + linkType;
        };
    }

    /** A short human description, e.g. {@code "Ethernet"}, for display next to {@link #name(int)}. */
    public static String description(int linkType) {
        return switch (linkType) {
            case NULL -> "BSD loopback";
            case ETHERNET -> "Ethernet";
            case PPP, PPP_HDLC, PPP_PPPD -> "PPP";
            case RAW -> "Raw IP";
            case IPV4 -> "Raw IPv4";
            case IPV6 -> "Raw IPv6";
            case IEEE802_11 -> "802.11";
            case IEEE802_11_RADIOTAP -> "802.11 plus radiotap header";
            case LOOP -> "OpenBSD loopback";
            case LINUX_SLL -> "Linux cooked v1";
            case LINUX_SLL2 -> "Linux cooked v2";
            case CAN_SOCKETCAN -> "CAN-bus with SocketCAN headers";
            case NFLOG -> "Linux netfilter log messages";
            case NETLINK -> "Linux netlink";
            case USB_LINUX, USB_LINUX_MMAPPED -> "USB with Linux header";
            case USBPCAP -> "USB with USBPcap header";
            default -> name(linkType);
        };
    }
}
