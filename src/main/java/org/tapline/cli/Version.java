package org.tapline.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import org.tapline.os.PcapDevices;

import picocli.CommandLine;

/**
 * {@code tapline --version}: ours with the commit it was built from, the JVM's and libpcap's.
 * The build writes both into build.properties (pom.xml: resource filtering, the commit from
 * {@code git rev-parse --short HEAD} at build time, and whether src/main differed from it).
 */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String pcap;
        try {
            pcap = PcapDevices.libraryVersion();
        } catch (IOException e) {
            pcap = e.getMessage();
        }
        return new String[] {ours(), "Java " + Runtime.version(), pcap};
    }

    /**
     * "tapline 0.1.0 (built from commit 34c6d14)", or says what the build could not know. The
     * launcher does not rebuild for a new commit alone (a Maven run takes seconds), so this is the
     * commit at build time, not necessarily the checkout's.
     */
    static String ours() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "tapline (not built by Maven: version unknown)";
            }
            p.load(in);
        } catch (IOException e) {
            return "tapline (build.properties: " + e.getMessage() + ")";
        }
        String version = known(p.getProperty("version"));
        String commit = known(p.getProperty("commit"));
        return "tapline " + (version == null ? "(version unknown)" : version)
                + (commit == null ? " (built without git: commit unknown)" : " (built from commit " + commit + ")");
    }

    /** A filtered value, or null when the build left it empty or unresolved ("${...}"). */
    private static String known(String value) {
        return value == null || value.isBlank() || value.contains("${") ? null : value.strip();
    }
}
