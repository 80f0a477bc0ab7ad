package org.tapline.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.tapline.os.Interfaces;
import org.tapline.puppet.Counters;
import org.tapline.puppet.End;
import org.tapline.puppet.Endpoint;
import org.tapline.puppet.Greeted;
import org.tapline.puppet.Handshake;
import org.tapline.puppet.MasterSide;
import org.tapline.puppet.PuppetLog;
import org.tapline.puppet.PuppetSide;
import org.tapline.puppet.PuppetTls;
import org.tapline.puppet.PuppetWire;
import org.tapline.puppet.Runner;
import org.tapline.puppet.SelfExclusion;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tapline puppet}: etherpuppet's two roles, with its flags, wire compatible. */
@Command(name = "puppet", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A local TAP interface that is a remote Ethernet interface (etherpuppet compatible).",
                "  with the interface:  tapline puppet {-s PORT|-c HOST:PORT} -i IFACE",
                "  on the master:       tapline puppet -m {-s PORT|-c HOST:PORT} [-I NAME] [-u]",
                "Two tapline ends agree on tapline mode (whole frames, offloads, reconnection,",
                "TLS); etherpuppet peers never see it."},
        footer = {"", "Exit status: 0 stopped (Ctrl-C, SIGTERM, or the tapline peer ended on purpose),",
                "1 failure here, 2 bad usage (a TAP name the kernel refuses too), 3 connection lost,",
                "4 protocol error (garbage, version mismatch, TLS on one end only), 5 the",
                "interface is missing or went away. SIGUSR1 prints the counters."})
final class PuppetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-s", paramLabel = "port", description = "Listen on this TCP port.")
    Integer listenPort;

    @Option(names = "-c", paramLabel = "host:port", description = "Connect to the peer.")
    String connect;

    @Option(names = "-i", paramLabel = "iface", description = "Puppet: the interface to vampirize.")
    String iface;

    @Option(names = "-m", description = "Master mode: make the TAP.")
    boolean master;

    @Option(names = "-I", paramLabel = "ifname", description = "Master: name of the TAP (default puppet%%d).")
    String tapName = "puppet%d";

    @Option(names = "-B", description = "Puppet: no self-exclusion filter (it may see its own traffic).")
    boolean noFilter;

    @Option(names = "-S", description = "Puppet: exclude the connection named in SSH_CONNECTION instead.")
    boolean ssh;

    @Option(names = "-M", paramLabel = "src:sp,dst:dp", description = "Puppet: exclude this connection instead.")
    String manual;

    @Option(names = "-C", description = "Do not copy the real interface's parameters to the TAP.")
    boolean noConfig;

    @Option(names = "-u", description = "Master: set the TAP up once configured.")
    boolean up;

    @Option(names = "-U", paramLabel = "command", description = "Master: run this shell command once configured ($PUPPET_IFACE names the TAP).")
    String upCommand;

    @Option(names = "-d", description = "More debug output (repeatable).")
    boolean[] debug = new boolean[0];

    @Option(names = "--protocol", paramLabel = "0.3|0.4", description = "etherpuppet protocol version to send when connecting (default 0.3, Debian's); a listener takes both.")
    String protocol = "0.3";

    @Option(names = "--compat", description = "Speak plain etherpuppet even to a tapline peer (no tapline mode).")
    boolean compat;

    @Option(names = "--persist", description = "Master: keep the TAP when this command ends.")
    boolean persist;

    @Option(names = "--no-reconnect", description = "End when a tapline link is lost, instead of making it again.")
    boolean noReconnect;

    @Option(names = "--secret", paramLabel = "file", description = "TLS with a shared secret (first line of the file); the peer must be tapline with the same.")
    Path secret;

    @Option(names = "--tls-cert", paramLabel = "pem", description = "TLS with this certificate (with --tls-key and --tls-ca); the peer must be tapline.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "pem", description = "The key of --tls-cert (PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "pem", description = "Accept only a peer whose certificate chains to one in this file.")
    Path tlsCa;

    // Hardening (issue 10): a strong secret, and the role a certificate may play.
    @Option(names = "--gen-secret", paramLabel = "file", description = "Write a new random secret for --secret to this file (mode 0600; never overwrites), then exit.")
    Path genSecret;

    @Option(names = "--tls-peer-cn", paramLabel = "name", description = "With --tls-ca: the peer's certificate must also have this subject CN (e.g. master or puppet).")
    String tlsPeerCn;

    /** {@code --gen-secret}, {@code --tls-peer-cn} checks; the exit status when this run ends here, else null. */
    private Integer hardening() throws java.io.IOException {
        if (genSecret != null) {
            PuppetTls.generateSecret(genSecret);
            spec.commandLine().getErr().println("tapline puppet: wrote a new secret to " + genSecret + " (give both ends --secret with it)");
            spec.commandLine().getErr().flush();
            return 0;
        }
        if (tlsPeerCn != null && tlsCa == null) {
            throw usage("--tls-peer-cn checks a certificate signed by --tls-ca: give --tls-cert, --tls-key and --tls-ca too");
        }
        return null;
    }

    // ---- who may connect, and what a peer may change here ----

    @Option(names = "-b", paramLabel = "addr", description = "Listen on this address only (e.g. 127.0.0.1 behind an SSH tunnel); default every address.")
    String bind;

    @Option(names = "--no-routes", description = "Master: copy the puppet's MAC and MTU only, no addresses (nothing is routed into the TAP).")
    boolean noRoutes;

    /** The -b address, checked; a warning when a listener without TLS is open to other hosts. */
    private java.net.InetAddress listenAddress(boolean tls, PuppetLog log) {
        java.net.InetAddress a = null;
        if (bind != null) {
            if (listenPort == null) {
                throw usage("-b goes with -s (it names the address to listen on)");
            }
            try {
                a = java.net.InetAddress.getByName(bind);
            } catch (java.net.UnknownHostException e) {
                throw usage("-b: " + bind + ": not an address of this host");
            }
        }
        if (listenPort != null && !tls && (a == null || !a.isLoopbackAddress())) {
            log.info("warning: listening without TLS on " + (a == null ? "every address" : a.getHostAddress())
                    + ": anyone who reaches port " + listenPort + " can be the peer (-b 127.0.0.1 behind SSH, or --secret)");
        }
        return a;
    }

    @Override
    public Integer call() throws Exception {
        Integer ended = hardening();
        if (ended != null) {
            return ended;
        }
        if ((listenPort == null) == (connect == null)) {
            throw usage("give exactly one of -s PORT and -c HOST:PORT");
        }
        if (!master && iface == null) {
            throw usage("the puppet needs -i IFACE (or -m for the master)");
        }
        if (master && iface != null) {
            throw usage("-i names the puppet's interface; the master makes its own (-I NAME)");
        }
        if ((tlsCert == null) != (tlsKey == null) || (tlsCert != null && tlsCa == null)) {
            throw usage("TLS with certificates takes all of --tls-cert, --tls-key and --tls-ca");
        }
        int version = switch (protocol) {
            case "0.3" -> PuppetWire.VERSION_03;
            case "0.4" -> PuppetWire.VERSION_04;
            default -> throw usage("--protocol takes 0.3 or 0.4");
        };
        if (master && Interfaces.nameProblem(tapName) != null) {
            throw usage("-I: " + Interfaces.nameProblem(tapName));
        }
        PuppetLog log = new PuppetLog(System.err, debug.length);
        if (!master && !Interfaces.exists(iface)) {
            // As etherpuppet fails at once on a bad interface, rather than when a master comes.
            log.info(iface + ": no such network interface (see 'ip link' or 'tapline list')");
            return End.Outcome.INTERFACE.exitCode;
        }
        SelfExclusion exclusion = master ? null : exclusion();
        PuppetTls tls = secret != null || tlsCert != null ? PuppetTls.of(secret, tlsKey, tlsCert, tlsCa, tlsPeerCn) : null;
        if (tls != null && tls.warning() != null) {
            log.info(tls.warning());
        }
        Endpoint endpoint;
        try {
            endpoint = connect != null ? Endpoint.connect(connect, log) : Endpoint.listen(listenAddress(tls != null, log), listenPort, log);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Counters counters = new Counters();
        Signals.onUser1(() -> log.info("counters: " + counters));
        End end;
        try (endpoint; MasterSide m = master
                ? new MasterSide(new MasterSide.Settings(tapName, !noConfig, !noRoutes, up, upCommand, persist, compat), log, counters) : null) {
            PuppetSide p = master ? null : new PuppetSide(new PuppetSide.Settings(iface, !noConfig, compat), log, counters);
            Runner.Side side = master ? new Runner.Side() {
                @Override
                public End run(Greeted g) {
                    return m.run(g);
                }

                @Override
                public void stop() {
                    m.stop();
                }
            } : new Runner.Side() {
                @Override
                public End run(Greeted g) {
                    return p.run(g, exclusion.filter(g.socket()));
                }

                @Override
                public void stop() {
                    p.stop();
                }
            };
            Runner runner = new Runner(endpoint, new Handshake(version, master, tls, log), !noReconnect, side, log);
            Signals.onInterrupt(runner::stop);
            end = runner.run();
        }
        log.info(end.why());
        log.info("counters: " + counters);
        return end.outcome().exitCode;
    }

    private SelfExclusion exclusion() {
        try {
            if (noFilter) {
                return SelfExclusion.none();
            }
            if (ssh) {
                return SelfExclusion.ssh(System.getenv("SSH_CONNECTION"));
            }
            if (manual != null) {
                return SelfExclusion.manual(manual);
            }
            return SelfExclusion.ownConnection();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
