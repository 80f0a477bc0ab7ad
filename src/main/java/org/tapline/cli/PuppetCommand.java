package org.tapline.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;

import org.tapline.puppet.MasterSide;
import org.tapline.puppet.PuppetLog;
import org.tapline.puppet.PuppetSide;
import org.tapline.puppet.PuppetWire;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tapline puppet}: etherpuppet's two roles, with its flags, wire compatible. */
@Command(name = "puppet", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a local TAP interface that is a remote Ethernet interface (etherpuppet compatible).",
                "  on the machine with the interface:  tapline puppet {-s PORT|-c HOST:PORT} -i IFACE",
                "  on the master:                      tapline puppet -m {-s PORT|-c HOST:PORT} [-I NAME] [-u]"})
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

    @Option(names = "--protocol", paramLabel = "0.3|0.4", description = "etherpuppet protocol version to announce when connecting (default 0.3, Debian's).")
    String protocol = "0.3";

    @Override
    public Integer call() throws Exception {
        if ((listenPort == null) == (connect == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of -s PORT and -c HOST:PORT");
        }
        if (!master && iface == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the puppet needs -i IFACE (or -m for the master)");
        }
        int version = switch (protocol) {
            case "0.3" -> PuppetWire.VERSION_03;
            case "0.4" -> PuppetWire.VERSION_04;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--protocol takes 0.3 or 0.4");
        };
        PuppetLog log = new PuppetLog(System.err, debug.length);
        try (Socket s = open(log)) {
            Signals.onInterrupt(() -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // ending anyway
                }
            });
            String why = master
                    ? new MasterSide(tapName, !noConfig, up, upCommand, log).run(s, connect != null, version)
                    : new PuppetSide(iface, exclusion(s), !noConfig, log).run(s, connect != null, version);
            log.info(why);
            return 0;
        }
    }

    private Socket open(PuppetLog log) throws IOException {
        if (connect != null) {
            int colon = connect.lastIndexOf(':');
            if (colon < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-c takes host:port, not " + connect);
            }
            String host = connect.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(connect.substring(colon + 1));
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 10_000);
            s.setTcpNoDelay(true);
            log.info("connected to " + s.getRemoteSocketAddress());
            return s;
        }
        try (ServerSocket l = new ServerSocket()) {
            l.setReuseAddress(true);
            l.bind(new InetSocketAddress(listenPort), 1);
            log.info("waiting for a connection on port " + listenPort + "...");
            Socket s = l.accept();
            s.setTcpNoDelay(true);
            return s;
        }
    }

    /** The tcpdump filter that leaves out the puppet's own connection (or the -S / -M one). */
    private String exclusion(Socket s) {
        if (noFilter) {
            return null;
        }
        String a;
        String ap;
        String b;
        String bp;
        if (ssh) {
            String c = System.getenv("SSH_CONNECTION");
            String[] f = c == null ? new String[0] : c.trim().split("\\s+");
            if (f.length != 4) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-S: SSH_CONNECTION is not set to 'ip port ip port'");
            }
            a = f[0];
            ap = f[1];
            b = f[2];
            bp = f[3];
        } else if (manual != null) {
            String[] ends = manual.split(",");
            if (ends.length != 2 || ends[0].lastIndexOf(':') < 0 || ends[1].lastIndexOf(':') < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-M takes src:sport,dst:dport, not " + manual);
            }
            a = ends[0].substring(0, ends[0].lastIndexOf(':')).replace("[", "").replace("]", "");
            ap = ends[0].substring(ends[0].lastIndexOf(':') + 1);
            b = ends[1].substring(0, ends[1].lastIndexOf(':')).replace("[", "").replace("]", "");
            bp = ends[1].substring(ends[1].lastIndexOf(':') + 1);
        } else {
            InetAddress la = s.getLocalAddress();
            a = la.getHostAddress().replaceAll("%.*", "");
            ap = String.valueOf(s.getLocalPort());
            b = s.getInetAddress().getHostAddress().replaceAll("%.*", "");
            bp = String.valueOf(s.getPort());
        }
        return "not (tcp and host " + a + " and host " + b + " and port " + ap + " and port " + bp + ")";
    }
}
