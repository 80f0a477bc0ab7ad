package org.tapline.cli;

import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.tapline.os.PcapDevice;
import org.tapline.os.PcapDevices;
import org.tapline.packet.InetFormat;
import org.tapline.rpcap.RpcapClient;
import org.tapline.rpcap.SourceString;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tapline list}: the capture devices, numbered like {@code tcpdump -D}, with addresses. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the interfaces available for capture, like tcpdump -D, with their addresses "
                + "(-r rpcap://host/: a remote daemon's).")
final class ListCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Debug debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "-r", paramLabel = "rpcap://host[:port]/", description = "List a remote daemon's interfaces instead.")
    String remoteSource;

    @CommandLine.Mixin
    RemoteConnectionOptions remote;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<PcapDevice> devices;
        SourceString src = null;
        if (remoteSource != null) {
            src = SourceString.parse(remoteSource);
            if (src.kind() != SourceString.Kind.REMOTE) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-r takes rpcap://host[:port]/ or rpcaps://host[:port]/");
            }
            try (RpcapClient c = remote.connect(src)) {
                devices = c.devices();
            }
        } else {
            devices = PcapDevices.findAll();
        }
        int i = 1;
        boolean portGiven = remoteSource != null && remoteSource.substring(remoteSource.indexOf("//") + 2).split("/")[0].matches(".*(\\]|^[^\\[]*):\\d+$");
        for (PcapDevice d : devices) {
            PcapDevice shown = src == null ? d : new PcapDevice(src.remoteName(d.name(), portGiven),
                    d.description() == null ? null : "Network adapter '" + d.description() + "' on remote node " + src.host(), d.flags(), d.addresses());
            out.println(line(i++, shown));
            for (PcapDevice.Address a : d.addresses()) {
                out.println("    " + address(a));
            }
        }
        out.flush();
        return 0;
    }

    static String line(int index, PcapDevice d) {
        StringBuilder b = new StringBuilder().append(index).append('.').append(d.name());
        if (d.description() != null) {
            b.append(" (").append(d.description()).append(')');
        }
        List<String> flags = new ArrayList<>();
        if (d.loopback()) {
            flags.add("Loopback");
        }
        if (d.up()) {
            flags.add("Up");
        }
        if (d.running()) {
            flags.add("Running");
        }
        if ((d.flags() & PcapDevice.PCAP_IF_WIRELESS) != 0) {
            flags.add("Wireless");
        }
        switch (d.flags() & PcapDevice.PCAP_IF_CONNECTION_STATUS) {
            case PcapDevice.PCAP_IF_CONNECTION_STATUS_CONNECTED -> flags.add("Connected");
            case PcapDevice.PCAP_IF_CONNECTION_STATUS_DISCONNECTED -> flags.add("Disconnected");
            default -> { }
        }
        if (!flags.isEmpty()) {
            b.append(" [").append(String.join(", ", flags)).append(']');
        }
        return b.toString();
    }

    static String address(PcapDevice.Address a) {
        boolean v4 = a.address() instanceof Inet4Address;
        StringBuilder b = new StringBuilder(v4 ? "inet " : "inet6 ").append(host(a.address()));
        if (a.netmask() != null) {
            b.append('/').append(prefix(a.netmask()));
        }
        // glibc's getifaddrs (which libpcap reads) puts the address itself where the kernel gave no
        // broadcast (a /32, an address added without "brd") or no peer: ip addr shows neither then.
        if (a.broadcast() != null && !a.broadcast().equals(a.address())) {
            b.append(" brd ").append(host(a.broadcast()));
        }
        if (a.destination() != null && !a.destination().equals(a.address())) {
            b.append(" peer ").append(host(a.destination()));
        }
        return b.toString();
    }

    static String host(InetAddress a) {
        // The scope of a link-local address is the interface being listed: not repeated.
        return a instanceof Inet4Address ? a.getHostAddress() : InetFormat.ipv6(java.lang.foreign.MemorySegment.ofArray(a.getAddress()), 0);
    }

    private static int prefix(InetAddress mask) {
        int bits = 0;
        for (byte x : mask.getAddress()) {
            bits += Integer.bitCount(x & 0xff);
        }
        return bits;
    }
}
