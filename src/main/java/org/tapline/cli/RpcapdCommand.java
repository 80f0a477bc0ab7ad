package org.tapline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.tapline.pcap.FileErrors;
import org.tapline.rpcap.AddressText;
import org.tapline.rpcap.ConfigFile;
import org.tapline.rpcap.ConfigReload;
import org.tapline.rpcap.CredentialsFile;
import org.tapline.rpcap.DaemonConfig;
import org.tapline.rpcap.DaemonLog;
import org.tapline.rpcap.DaemonSettings;
import org.tapline.rpcap.Passwords;
import org.tapline.rpcap.Limits;
import org.tapline.rpcap.RpcapServer;
import org.tapline.tls.TlsFiles;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tapline rpcapd}: libpcap's rpcapd, with its flags and config file. */
@Command(name = "rpcapd", sortOptions = false, usageHelpAutoWidth = true,
        description = "Remote packet capture daemon, wire compatible with libpcap's rpcapd (any rpcap:// client "
                + "captures from it: tapline capture, Wireshark, a libpcap built with remote capture).")
final class RpcapdCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-b", paramLabel = "address", description = "Bind the listener to this address (default: all).")
    String bind;

    @Option(names = "-p", paramLabel = "port", converter = Port.class, description = "Listen on this port (default 2002).")
    int port = 2002;

    @Option(names = "-t", paramLabel = "data_port", converter = Port.class,
            description = "Fixed port for passive TCP data connections (default: ephemeral).")
    int dataPort;

    @Option(names = "-4", description = "IPv4 only.")
    boolean ipv4;

    @Option(names = "-l", paramLabel = "host_list", description = "Only these hosts may connect (separated by space , ; or newline).")
    String hostList;

    @Option(names = "-n", description = "Permit null authentication.")
    boolean nullAuth;

    @Option(names = "-a", paramLabel = "host[,port]", description = "Active mode: connect to this client (port default 2003); repeatable.")
    List<String> active = new ArrayList<>();

    @Option(names = "-v", description = "Active mode only: do not listen for passive clients.")
    boolean activeOnly;

    @Option(names = "-d", description = "Run in the background, detached.")
    boolean daemonize;

    @Option(names = "-i", description = "inetd mode: serve the one control connection on standard input.")
    boolean inetd;

    @Option(names = {"-D", "--debug"}, description = "Log debug messages (and print stack traces).")
    boolean debug;

    @Option(names = "-s", paramLabel = "file", description = "Save the settings to a config file, then go on.")
    Path saveFile;

    @Option(names = "-f", paramLabel = "file", description = "Load settings from a config file (rpcapd-config(5)); SIGHUP reloads it.")
    Path configFile;

    @Option(names = "-S", description = "Require TLS on every connection.")
    boolean tls;

    @Option(names = "-K", paramLabel = "keyfile", description = "TLS private key, PEM (default key.pem).")
    Path keyFile = Path.of("key.pem");

    @Option(names = "-X", paramLabel = "certfile", description = "TLS certificate, PEM (default cert.pem).")
    Path certFile = Path.of("cert.pem");

    @Option(names = "-C", description = "Accepted for compatibility; has no effect (as in rpcapd).")
    boolean compression;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--credentials", paramLabel = "file", description = "tapline users file (lines made with --hash-password).")
    Path credentials;

    @Option(names = "--system-users", paramLabel = "user", split = ",",
            description = "System accounts that may log in with their password (none by default; every login captures as the daemon).")
    List<String> systemUsers = new ArrayList<>();

    @Option(names = "--system-group", paramLabel = "group", description = "Members of this group may log in with their system password.")
    String systemGroup;

    @Option(names = "--no-system-accounts", hidden = true, description = "The default now; accepted for older command lines.")
    boolean noSystemAccounts;

    @Option(names = "--hash-password", paramLabel = "user", description = "Read a password from standard input, print a "
            + "credentials-file line for the user, and exit.")
    String hashUser;

    @Option(names = "--auth-timeout", paramLabel = "seconds", description = "Time a client has to authenticate (default 90).")
    long authTimeout = DaemonConfig.AUTH_DEADLINE.toSeconds();

    @Option(names = "--capture-own-traffic", description = "Do not leave the daemon's own connections out of captures.")
    boolean captureOwn;

    // Caps on what strangers may hold (sshd's MaxStartups, PerSourceMaxStartups, MaxSessions); Limits says what counts.
    @Option(names = "--max-preauth", paramLabel = "n", converter = AtLeastOne.class,
            description = "Connections not yet authenticated, in all (default 64); more are refused at once.")
    int maxPreAuth = Limits.DEFAULT.preAuth();

    @Option(names = "--max-preauth-per-host", paramLabel = "n", converter = AtLeastOne.class,
            description = "Of those, from one address (IPv6: one /64) (default 8).")
    int maxPreAuthPerHost = Limits.DEFAULT.preAuthPerHost();

    @Option(names = "--max-sessions", paramLabel = "n", converter = AtLeastOne.class,
            description = "Authenticated sessions, in all (default 32).")
    int maxSessions = Limits.DEFAULT.sessions();

    @Option(names = "--max-sessions-per-host", paramLabel = "n", converter = AtLeastOne.class,
            description = "Of those, from one address (IPv6: one /64) (default 8).")
    int maxSessionsPerHost = Limits.DEFAULT.sessionsPerHost();

    @Option(names = "--max-captures", paramLabel = "n", converter = AtLeastOne.class,
            description = "Captures running at once, in all (default 16).")
    int maxCaptures = Limits.DEFAULT.captures();

    @Option(names = "--message-timeout", paramLabel = "seconds", converter = AtLeastOne.class,
            description = "Time a client has to finish a request once begun, after login (default 30).")
    int messageTimeout = (int) Limits.DEFAULT.messageDeadline().toSeconds();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (hashUser != null) {
            byte[] pw = System.in.readAllBytes();
            int n = pw.length;
            while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r')) {
                n--;
            }
            out.println(CredentialsFile.line(hashUser, java.util.Arrays.copyOf(pw, n)));
            out.flush();
            return 0;
        }
        if (daemonize && inetd) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-d and -i cannot be used together");
        }
        if (daemonize && !Background.detached()) {
            return Background.detach("rpcapd");
        }
        DaemonLog log = new DaemonLog(System.err, debug);
        DaemonSettings settings = commandLineSettings();
        if (saveFile != null) {
            try {
                Files.writeString(saveFile, ConfigFile.format(settings), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException("cannot save the settings to " + FileErrors.text(saveFile, e), e);
            }
        }
        ConfigReload reload = configFile == null ? null : new ConfigReload(configFile, log);
        if (reload != null) {
            settings = reload.read(settings);
        }
        DaemonConfig config = new DaemonConfig(bind, port, dataPort, ipv4, settings, tls ? TlsFiles.serverContext(keyFile, certFile) : null,
                passwords(), Duration.ofSeconds(authTimeout),
                DaemonConfig.IDLE_LIMIT, !captureOwn, log, new Limits(maxPreAuth, maxPreAuthPerHost, maxSessions, maxSessionsPerHost,
                maxCaptures, Duration.ofSeconds(messageTimeout)));
        try (RpcapServer server = new RpcapServer(config)) {
            if (inetd) {
                return serveInetd(server);
            }
            CountDownLatch forever = new CountDownLatch(1);
            Signals.onInterrupt(forever::countDown); // as rpcapd: SIGINT or SIGTERM ends it with status 0
            if (reload != null) {
                // Signals resets an inherited SIG_IGN first: under nohup the JVM would otherwise
                // refuse the handler and every reload would be lost; rpcapd takes SIGHUP anyway.
                Signals.onHangup(() -> reload.reload(server));
            }
            if (!activeOnly) {
                for (InetSocketAddress a : server.listen()) {
                    log.info("listening on " + AddressText.of(a));
                }
            }
            server.startActive();
            if (!activeOnly && server.config().settings().activeClients().isEmpty() || activeOnly) {
                out.println("Press CTRL + C to stop the server...");
                out.flush();
            }
            forever.await();
        }
        return 0;
    }

    /** --credentials users, and system accounts only as --system-users and --system-group name them. */
    private Passwords passwords() throws IOException {
        if (noSystemAccounts && (!systemUsers.isEmpty() || systemGroup != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--no-system-accounts contradicts --system-users and --system-group");
        }
        return new Passwords(credentials == null ? null : CredentialsFile.load(credentials), new java.util.HashSet<>(systemUsers), systemGroup);
    }

    private DaemonSettings commandLineSettings() {
        List<DaemonSettings.ActiveClient> a = new ArrayList<>();
        for (String s : active) {
            try {
                a.addAll(DaemonSettings.parseActiveList(s));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-a " + s + ": " + e.getMessage());
            }
        }
        if (activeOnly && a.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-v (active mode only) needs at least one -a host");
        }
        List<String> passive = hostList == null ? List.of() : DaemonSettings.parseHostList(hostList);
        return new DaemonSettings(passive, a.size() > DaemonSettings.MAX_ACTIVE ? a.subList(0, DaemonSettings.MAX_ACTIVE) : a, nullAuth);
    }

    /** -i: the control connection is the inherited standard input socket. */
    private static int serveInetd(RpcapServer server) throws IOException {
        Channel ch = System.inheritedChannel();
        if (!(ch instanceof SocketChannel sc)) {
            throw new IOException("-i needs a TCP socket on standard input (as inetd or systemd Accept=yes give it)");
        }
        Socket s = sc.socket();
        server.serveOne(s);
        return 0;
    }

    /** A whole number within [min, max], or a usage error saying what is wanted. */
    abstract static class Bounded implements CommandLine.ITypeConverter<Integer> {
        private final int min;
        private final int max;
        private final String what;

        Bounded(int min, int max, String what) {
            this.min = min;
            this.max = max;
            this.what = what;
        }

        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the message below says what is wanted
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not " + what);
        }
    }

    /** A count or a number of seconds, at least 1. */
    static final class AtLeastOne extends Bounded {
        AtLeastOne() {
            super(1, Integer.MAX_VALUE, "a whole number of at least 1");
        }
    }

    /** A port number flag: 0-65535 (0: any free port). */
    static final class Port extends Bounded {
        Port() {
            super(0, 65535, "a port number (0-65535)");
        }
    }
}
