package org.tapline.cli;

import java.io.Console;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.tapline.rpcap.AddressText;
import org.tapline.rpcap.RpcapClient;
import org.tapline.rpcap.SourceString;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How {@code capture} and {@code list} reach a remote daemon: authentication, TLS, and active
 * mode (wait for the daemon to dial in).
 */
final class RemoteConnectionOptions {
    static final String PASSWORD_VARIABLE = "TAPLINE_RPCAP_PASSWORD";

    /** The command this mixin is part of: its error stream takes the waiting line. */
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec command;

    @Option(names = "--auth", paramLabel = "USER", description = "Authenticate as USER (password from $" + PASSWORD_VARIABLE
            + " or a prompt; never a flag). Default: null authentication.")
    String user;

    @Option(names = "--insecure", description = "rpcaps://: do not verify the server's certificate.")
    boolean insecure;

    @Option(names = "--ca", paramLabel = "FILE", description = "rpcaps://: trust the certificates in this PEM file (e.g. the server's own).")
    java.nio.file.Path ca;

    @Option(names = "--listen", paramLabel = "[ADDR:]PORT", description = "Active mode: wait for a daemon started with -a to connect here "
            + "(only from the source's host).")
    String listen;

    @Option(names = "--allow-plain-auth", description = "Active mode: let --auth send the password without TLS (rpcap://).")
    boolean allowPlainAuth;

    RpcapClient connect(SourceString src) throws IOException {
        if (listen != null && user != null && !src.tls() && !allowPlainAuth) {
            // Whoever the password reaches can replay it: without TLS nothing proves the dialler is the daemon.
            throw new CommandLine.ParameterException(command.commandLine(), "--auth with --listen sends the password in clear to "
                    + "whatever dials in: use rpcaps:// (rpcapd -S), or give --allow-plain-auth");
        }
        RpcapClient.Credentials auth = user == null ? null : new RpcapClient.Credentials(user, password());
        RpcapClient.Tls tls = insecure ? new RpcapClient.Tls(trustAll(), false)
                : ca != null ? RpcapClient.Tls.trusting(ca) : RpcapClient.Tls.verifying();
        if (listen == null) {
            return RpcapClient.connect(src, auth, tls);
        }
        java.util.List<InetAddress> daemon = RpcapClient.addressesOf(src);
        InetSocketAddress at = listenAddress();
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            try {
                s.bind(at, 1);
            } catch (IOException e) {
                throw new IOException("--listen: cannot listen on " + AddressText.of(at) + ": " + e.getMessage(), e);
            }
            // rpcapd dials every 30 s (RPCAP_ACTIVE_WAIT) while it cannot connect: the wait may be that long.
            java.io.PrintWriter err = command.commandLine().getErr();
            err.println("tapline: waiting for an rpcapd -a to connect to " + AddressText.of((InetSocketAddress) s.getLocalSocketAddress())
                    + " (it retries every " + ACTIVE_RETRY_SECONDS + " s)");
            err.flush();
            return RpcapClient.accept(s, daemon, src, auth, tls, refused -> {
                err.println("tapline: " + refused);
                err.flush();
            });
        }
    }

    /** rpcapd's RPCAP_ACTIVE_WAIT: how often a daemon in active mode tries to connect again. */
    private static final int ACTIVE_RETRY_SECONDS = 30;

    /** {@code --listen [ADDR:]PORT}; an IPv6 address in brackets ({@code [::]:2003}). */
    private InetSocketAddress listenAddress() throws IOException {
        int colon = listen.lastIndexOf(':');
        String addr = colon < 0 ? "0.0.0.0" : listen.substring(0, colon);
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        String portText = colon < 0 ? listen : listen.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IOException("--listen " + listen + ": '" + portText + "' is not a port number (0-65535)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(addr), port);
        } catch (java.net.UnknownHostException e) {
            throw new IOException("--listen " + listen + ": unknown host " + addr, e);
        }
    }

    private byte[] password() throws IOException {
        String env = System.getenv(PASSWORD_VARIABLE);
        if (env != null) {
            return env.getBytes(StandardCharsets.UTF_8);
        }
        Console c = System.console();
        if (c == null) {
            throw new IOException("--auth " + user + " needs a password: set " + PASSWORD_VARIABLE + " or run on a terminal");
        }
        char[] pw = c.readPassword("Password for %s: ", user);
        return new String(pw).getBytes(StandardCharsets.UTF_8);
    }

    private static SSLContext trustAll() throws IOException {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return c;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

}
