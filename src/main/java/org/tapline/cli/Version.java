package org.tapline.cli;

import org.tapline.os.PcapDevices;

import picocli.CommandLine;

/** {@code tapline --version}: ours, the JVM's and libpcap's. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String pcap;
        try {
            pcap = PcapDevices.libraryVersion();
        } catch (java.io.IOException e) {
            pcap = e.getMessage();
        }
        String ours = Main.class.getPackage().getImplementationVersion();
        return new String[] {"tapline " + (ours == null ? "dev" : ours), "Java " + Runtime.version(), pcap};
    }
}
