package org.tapline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.tapline.os.PcapDevice;
import org.tapline.os.PcapDevices;

/** What {@code capture -D} and {@code capture -L} print: tcpdump's lists, line for line. */
final class CaptureLists {
    /**
     * The link types our packet lines decode (DLT values: NULL, EN10MB, RAW as BSD and OpenBSD
     * number it, LINKTYPE_RAW, LOOP, LINUX_SLL, LINUX_SLL2); tcpdump marks the others "(printing
     * not supported)" and so do we.
     */
    private static final Set<Integer> PRINTED = Set.of(0, 1, 12, 14, 101, 108, 113, 276);

    private CaptureLists() {}

    /** tcpdump -D (show_devices_and_exit): "1.eth0 [Up, Running, Connected]". */
    static void interfaces(PrintWriter out) throws IOException {
        int i = 1;
        for (PcapDevice d : PcapDevices.findAll()) {
            out.println(interfaceLine(i++, d));
        }
        out.flush();
    }

    static String interfaceLine(int index, PcapDevice d) {
        StringBuilder b = new StringBuilder().append(index).append('.').append(d.name());
        if (d.description() != null) {
            b.append(" (").append(d.description()).append(')');
        }
        if (d.flags() == 0) {
            return b.toString();
        }
        // tcpdump's status_flags table, in its order, joined by bittok2str; "none" if no bit is set.
        List<String> flags = new ArrayList<>();
        if (d.up()) {
            flags.add("Up");
        }
        if (d.running()) {
            flags.add("Running");
        }
        if (d.loopback()) {
            flags.add("Loopback");
        }
        boolean wireless = (d.flags() & PcapDevice.PCAP_IF_WIRELESS) != 0;
        if (wireless) {
            flags.add("Wireless");
        }
        b.append(" [").append(flags.isEmpty() ? "none" : String.join(", ", flags));
        switch (d.flags() & PcapDevice.PCAP_IF_CONNECTION_STATUS) {
            case PcapDevice.PCAP_IF_CONNECTION_STATUS_UNKNOWN -> b.append(wireless ? ", Association status unknown" : ", Connection status unknown");
            case PcapDevice.PCAP_IF_CONNECTION_STATUS_CONNECTED -> b.append(wireless ? ", Associated" : ", Connected");
            case PcapDevice.PCAP_IF_CONNECTION_STATUS_DISCONNECTED -> b.append(wireless ? ", Not associated" : ", Disconnected");
            default -> { }
        }
        return b.append(']').toString();
    }

    /** tcpdump -L (show_dlts_and_exit) for an opened device. */
    static void linkTypes(PrintWriter out, String device, int[] dlts) throws IOException {
        out.println("Data link types for " + device + " (use option -y to set):");
        for (int dlt : dlts) {
            if (PcapDevices.hasLinkTypeName(dlt)) {
                out.println("  " + PcapDevices.linkTypeName(dlt) + " (" + PcapDevices.linkTypeDescription(dlt) + ")"
                        + (PRINTED.contains(dlt) ? "" : " (printing not supported)"));
            } else {
                out.println("  DLT " + dlt + " (printing not supported)");
            }
        }
        out.flush();
    }
}
