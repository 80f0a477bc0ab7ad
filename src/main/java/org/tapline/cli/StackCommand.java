package org.tapline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.tapline.link.TapLink;
import org.tapline.packet.MacAddress;
import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.FileErrors;
import org.tapline.stack.Ipv4Interface;
import org.tapline.stack.ip6.Ipv6Interface;
import org.tapline.stack.NetStack;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tapline stack}: a userspace host (ARP, IPv4, ICMP echo) living on a TAP. */
@Command(name = "stack", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Be a host on a TAP, entirely in this process: answer ARP for its own addresses and ping "
                + "(first slice: ARP, IPv4, ICMP echo). The kernel side is configured with ip(8), as in the ethertap HOWTO.",
        footer = {"", "Ctrl-C or SIGTERM ends it with a counters line and exit status 0."})
final class StackCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Debug debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-i", required = true, paramLabel = "NAME", description = "The TAP to live on.")
    String iface;

    @Option(names = "--tap", required = true,
            description = "NAME is a TAP: attach to it, or create it when it does not exist.")
    boolean tap;

    @Option(names = "--addr", required = true, paramLabel = "ADDR/N",
            description = "An IPv4 (A.B.C.D/N) or IPv6 (fd00::124/64) address of the stack with its prefix length "
                    + "(repeatable). IPv6 always has its link-local address and takes addresses from router advertisements.")
    List<String> addrs = new ArrayList<>();

    @Option(names = "--mac", paramLabel = "MAC",
            description = "The stack's MAC (default: a stable locally administered one derived from NAME).")
    String mac;

    @Option(names = "-w", paramLabel = "FILE", description = "Write every frame received and sent to FILE (pcapng).")
    Path writeFile;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<Ipv4Interface> addresses = new ArrayList<>();
        List<Ipv6Interface> addresses6 = new ArrayList<>();
        for (String a : addrs) {
            try {
                if (a.contains(":")) {
                    addresses6.add(Ipv6Interface.parse(a));
                    continue;
                }
                addresses.add(Ipv4Interface.parse(a));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--addr " + a + ": " + e.getMessage());
            }
        }
        MacAddress own;
        try {
            own = mac != null ? MacAddress.of(mac) : NetStack.defaultMac(iface);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mac " + mac + ": not a MAC address");
        }
        CaptureWriter trace = writeFile == null ? null
                : CaptureWriter.open(FileErrors.openForWriting(writeFile), CaptureWriter.Format.PCAPNG, true);
        try (TapLink link = TapLink.openTap(iface)) {
            NetStack s = new NetStack(link, own, addresses, trace);
            addresses6.forEach(s.host()::addIpv6);
            Signals.onInterrupt(s::stop);
            err.println("tapline: stack on " + link.name() + " at " + own + " " + addresses
                    + (addresses6.isEmpty() ? "" : " " + addresses6));
            err.flush();
            try {
                s.run();
            } finally {
                err.println("tapline: " + s.counters().line());
                err.flush();
            }
        } finally {
            if (trace != null) {
                trace.close();
            }
        }
        return 0;
    }
}
