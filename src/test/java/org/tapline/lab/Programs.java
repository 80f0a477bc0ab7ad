package org.tapline.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The programs the tests run, and the Debian package of each (the list bin/test installs is
 * bin/test-packages.sh). A missing one fails the test with one line naming the program and the
 * package, instead of a "Cannot run program" stack trace; it fails, it does not skip.
 */
public final class Programs {
    private static final Map<String, String> PACKAGE = Map.ofEntries(
            Map.entry("tshark", "tshark"),
            Map.entry("text2pcap", "wireshark-common"),
            Map.entry("editcap", "wireshark-common"),
            Map.entry("mergecap", "wireshark-common"),
            Map.entry("capinfos", "wireshark-common"),
            Map.entry("tcpdump", "tcpdump"),
            Map.entry("ip", "iproute2"),
            Map.entry("sysctl", "procps"),
            Map.entry("ping", "iputils-ping"),
            Map.entry("arping", "arping"),
            Map.entry("hping3", "hping3"),
            Map.entry("iperf3", "iperf3"),
            Map.entry("iperf", "iperf"),
            Map.entry("iptables", "iptables"),
            Map.entry("etherpuppet", "etherpuppet"),
            Map.entry("ethtool", "ethtool"),
            Map.entry("socat", "socat"),
            Map.entry("nmap", "nmap"),
            Map.entry("openssl", "openssl"),
            Map.entry("gcc", "gcc"),
            Map.entry("useradd", "passwd"),
            Map.entry("userdel", "passwd"),
            Map.entry("chpasswd", "passwd"),
            Map.entry("setpriv", "util-linux"),
            Map.entry("ndisc6", "ndisc6"),
            Map.entry("radvd", "radvd"),
            Map.entry("atk6-implementation6", "thc-ipv6"),
            Map.entry("atk6-fragmentation6", "thc-ipv6"),
            Map.entry("atk6-toobig6", "thc-ipv6"));

    /** The failure: its message is the whole story, so it carries no stack trace. */
    static final class Missing extends AssertionError {
        private static final long serialVersionUID = 1L;

        Missing(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private Programs() {}

    /** The executable {@code name} on PATH (or /usr/sbin, /sbin); fails the test if there is none. */
    public static Path locate(String name) {
        if (name.contains("/")) {
            return Path.of(name);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String pkg = PACKAGE.get(name);
        throw new Missing(pkg == null
                ? name + " is not installed, and this test runs it"
                : name + " is not installed (package " + pkg + ": apt-get install -y " + pkg
                        + ", or run bin/test as root, which installs the test packages)");
    }

    /** Checks the program of a command line, also behind {@code ip netns exec NS}. */
    static void require(List<String> command) {
        locate(command.get(0));
        if (command.size() > 4 && command.subList(0, 3).equals(List.of("ip", "netns", "exec"))) {
            locate(command.get(4));
        }
    }
}
