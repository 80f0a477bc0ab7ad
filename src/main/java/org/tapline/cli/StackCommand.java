package org.tapline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.tapline.link.TapLink;
import org.tapline.packet.Ipv4Address;
import org.tapline.packet.MacAddress;
import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.FileErrors;
import org.tapline.stack.Ipv4Interface;
import org.tapline.stack.NetStack;
import org.tapline.stack.ip6.Ipv6Interface;
import org.tapline.stack.ip.IpAddress;
import org.tapline.stack.service.Services;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tapline stack}: a userspace host (ARP, IPv4, ICMP echo, UDP) living on a TAP. */
@Command(name = "stack", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Be a host on a TAP, entirely in this process: answer ARP for its own addresses and ping, "
                + "and serve echo, discard and chargen. The kernel side is configured with ip(8), as in the ethertap HOWTO.",
        footer = {"", "kill -USR1 prints every socket and the protocol counters to stderr.",
                "Ctrl-C or SIGTERM ends it with a counters line and exit status 0."})
final class StackCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Debug debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-i", required = true, paramLabel = "NAME", description = "The TAP or TUN to live on.")
    String iface;

    @CommandLine.ArgGroup(multiplicity = "1")
    LinkKind kind;

    /** Exactly one of --tap and --tun. */
    static final class LinkKind {
        @Option(names = "--tap", required = true,
                description = "NAME is a TAP: attach to it, or create it when it does not exist.")
        boolean tap;

        @Option(names = "--tun", required = true,
                description = "NAME is a TUN (raw IP, no Ethernet, no ARP): attach to it, or create it when it does not exist.")
        boolean tun;
    }

    @Option(names = "--gw", paramLabel = "A.B.C.D",
            description = "The default gateway: an address on the subnet of an --addr.")
    String gateway;

    @Option(names = "--addr", required = true, paramLabel = "ADDR/N",
            description = "An IPv4 (A.B.C.D/N) or IPv6 (fd00::124/64) address of the stack with its prefix length "
                    + "(repeatable). IPv6 always has its link-local address and takes addresses from router advertisements.")
    List<String> addrs = new ArrayList<>();

    @Option(names = "--mac", paramLabel = "MAC",
            description = "The stack's MAC (default: a stable locally administered one derived from NAME).")
    String mac;

    @Option(names = "-w", paramLabel = "FILE", description = "Write every frame received and sent to FILE (pcapng).")
    Path writeFile;

    @Option(names = "--serve", paramLabel = "NAME[:PORT]",
            description = "Run a built-in service (repeatable): echo (RFC 862, port 7), discard (RFC 863, port 9), "
                    + "chargen (RFC 864, port 19), over UDP.")
    List<String> serve = new ArrayList<>();

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
        List<Services.Request> services = services();
        CaptureWriter trace = writeFile == null ? null
                : CaptureWriter.open(FileErrors.openForWriting(writeFile), CaptureWriter.Format.PCAPNG, true);
        if (kind.tun && !addresses6.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--addr " + addresses6.getFirst() + ": IPv6 on a TUN comes in a later slice; use --tap");
        }
        IpAddress gw = parseGateway();
        try (TapLink link = kind.tun ? TapLink.openTun(iface) : TapLink.openTap(iface)) {
            NetStack s = new NetStack(link, own, addresses, trace);
            addresses6.forEach(s.host()::addIpv6);
            addGateway(s, gw);
            List<AutoCloseable> running = new ArrayList<>();
            for (Services.Request r : services) {
                try {
                    running.addAll(r.start(s));
                } catch (IOException e) {
                    throw new IOException("--serve " + r + ": " + e.getMessage(), e);
                }
            }
            Signals.onInterrupt(s::stop);
            Signals.onUser1(() -> report(s, err));
            err.println("tapline: stack on " + link.name() + (kind.tun ? " (TUN)" : " at " + own) + " " + addresses
                    + (addresses6.isEmpty() ? "" : " " + addresses6)
                    + (gateway == null ? "" : " via " + gateway)
                    + (services.isEmpty() ? "" : " serving " + services));
            err.flush();
            try {
                s.run();
            } finally {
                s.close();
                for (AutoCloseable c : running) {
                    c.close();
                }
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

    /** {@code --gw}, checked before the link is opened; null without it. */
    private IpAddress parseGateway() {
        try {
            return gateway == null ? null : IpAddress.of(Ipv4Address.of(gateway));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gw " + gateway + ": not an IPv4 address");
        }
    }

    /** A default route through {@code gw}, before the loop starts. */
    private void addGateway(NetStack s, IpAddress gw) {
        if (gw == null) {
            return;
        }
        try {
            s.host().addGateway(gw);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gw " + gateway + ": " + e.getMessage());
        }
    }

    /** The --serve requests, each named once per port. */
    private List<Services.Request> services() {
        List<Services.Request> out = new ArrayList<>();
        for (String text : serve) {
            Services.Request r;
            try {
                r = Services.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--serve " + text + ": " + e.getMessage());
            }
            for (Services.Request have : out) {
                if (have.port() == r.port()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--serve " + text + ": port " + r.port() + " is already served by " + have);
                }
            }
            out.add(r);
        }
        return out;
    }

    /** What SIGUSR1 prints: every socket, the transports' counters and the stack's. */
    private static void report(NetStack s, PrintWriter err) {
        StringBuilder b = new StringBuilder();
        s.lock().lock();
        try {
            s.host().report(b);
        } finally {
            s.lock().unlock();
        }
        b.append("Stack: ").append(s.counters().line()).append('\n');
        synchronized (err) {
            err.print(b);
            err.flush();
        }
    }
}
