package org.tapline.os;

import java.net.InetAddress;
import java.util.List;

/** One entry of pcap_findalldevs(3): name, description, PCAP_IF_* flags, addresses. */
public record PcapDevice(String name, String description, int flags, List<Address> addresses) {
    public static final int PCAP_IF_LOOPBACK = 0x1;
    public static final int PCAP_IF_UP = 0x2;
    public static final int PCAP_IF_RUNNING = 0x4;
    public static final int PCAP_IF_WIRELESS = 0x8;
    public static final int PCAP_IF_CONNECTION_STATUS = 0x30;
    public static final int PCAP_IF_CONNECTION_STATUS_UNKNOWN = 0x0;
    public static final int PCAP_IF_CONNECTION_STATUS_CONNECTED = 0x10;
    public static final int PCAP_IF_CONNECTION_STATUS_DISCONNECTED = 0x20;
    public static final int PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE = 0x30;

    /** An address entry; null members are absent in libpcap's list. */
    public record Address(InetAddress address, InetAddress netmask, InetAddress broadcast, InetAddress destination) {}

    public PcapDevice {
        addresses = List.copyOf(addresses);
    }

    public boolean loopback() {
        return (flags & PCAP_IF_LOOPBACK) != 0;
    }

    public boolean up() {
        return (flags & PCAP_IF_UP) != 0;
    }

    public boolean running() {
        return (flags & PCAP_IF_RUNNING) != 0;
    }
}
