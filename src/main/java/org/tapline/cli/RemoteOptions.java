package org.tapline.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.tapline.link.Pump;
import org.tapline.rpcap.Rpcap;
import org.tapline.rpcap.RpcapClient;
import org.tapline.rpcap.RpcapLink;
import org.tapline.rpcap.SourceString;

import picocli.CommandLine.Option;

/** The remote-capture options of {@code capture} and {@code list}, and what they wire up. */
final class RemoteOptions {
    static final String PASSWORD_VARIABLE = "TAPLINE_RPCAP_PASSWORD";

    @Option(names = "--auth", paramLabel = "USER", description = "Authenticate as USER (password from $" + PASSWORD_VARIABLE
            + " or a prompt; never a flag). Default: null authentication.")
    String user;

    @Option(names = "--udp", description = "Remote capture: receive packets over UDP instead of TCP.")
    boolean udp;

    @Option(names = "--sample", paramLabel = "every:N|first-after:MS", description = "Remote capture: ask the server to sample.")
    String sample;

    @Option(names = "--insecure", description = "rpcaps://: do not verify the server's certificate.")
    boolean insecure;

    @Option(names = "--ca", paramLabel = "FILE", description = "rpcaps://: trust the certificates in this PEM file (e.g. the server's own).")
    java.nio.file.Path ca;

    @Option(names = "--listen", paramLabel = "[ADDR:]PORT", description = "Active mode: wait for a daemon started with -a to connect here.")
    String listen;

    RpcapClient connect(SourceString src) throws IOException {
        RpcapClient.Credentials auth = user == null ? null : new RpcapClient.Credentials(user, password());
        RpcapClient.Tls tls = insecure ? new RpcapClient.Tls(trustAll(), false)
                : ca != null ? RpcapClient.Tls.trusting(ca) : RpcapClient.Tls.verifying();
        if (listen == null) {
            return RpcapClient.connect(src, auth, tls);
        }
        int colon = listen.lastIndexOf(':');
        String addr = colon < 0 ? "0.0.0.0" : listen.substring(0, colon);
        int port = Integer.parseInt(colon < 0 ? listen : listen.substring(colon + 1));
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(addr), port), 1);
            System.err.println("tapline: waiting for a daemon to connect to " + s.getLocalSocketAddress());
            Socket c = s.accept();
            return RpcapClient.accepted(c, src, auth, tls);
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

    RpcapLink.Options linkOptions(String filter, int snaplen, boolean promiscuous) {
        RpcapLink.Options o = RpcapLink.Options.defaults().withSnaplen(snaplen).withPromiscuous(promiscuous).withFilter(filter).withUdp(udp);
        if (sample != null) {
            String[] kv = sample.split(":", 2);
            long v;
            try {
                v = Long.parseLong(kv.length == 2 ? kv[1] : "");
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sample takes every:N or first-after:MS, not " + sample);
            }
            o = switch (kv[0]) {
                case "every" -> o.withSampling(Rpcap.SAMP_1_EVERY_N, v);
                case "first-after" -> o.withSampling(Rpcap.SAMP_FIRST_AFTER_N_MS, v);
                default -> throw new IllegalArgumentException("--sample takes every:N or first-after:MS, not " + sample);
            };
        }
        return o;
    }

    int capture(String source, String filter, int snaplen, boolean promiscuous, long count, Output out, PrintWriter err) throws IOException {
        SourceString src = SourceString.parse(source);
        if (src.kind() != SourceString.Kind.REMOTE || src.device().isEmpty()) {
            throw new IOException(source + ": a remote capture needs rpcap://host[:port]/device");
        }
        try (RpcapClient client = connect(src); RpcapLink link = client.open(src.device(), linkOptions(filter, snaplen, promiscuous))) {
            out.begin(link.linkType(), link.mtu(), link.name(), "remote capture of " + src.device() + " on " + src.host()
                    + " through rpcapd at port " + src.port() + (src.tls() ? " (TLS)" : ""));
            err.println("tapline: listening on " + link.name() + ", link-type " + org.tapline.os.PcapDevices.linkTypeName(link.linkType())
                    + ", snapshot length " + link.mtu() + " bytes");
            err.flush();
            Pump pump = out.pump(link, count);
            Signals.onInterrupt(pump::stop);
            Thread progress = out.interactive() ? null : Thread.ofVirtual().start(() -> progress(link, pump, err));
            long n;
            try {
                n = pump.run();
                out.flush();
            } catch (IOException e) {
                if (!out.closedByReader(e)) {
                    throw e;
                }
                n = out.packets;
            }
            if (progress != null) {
                progress.interrupt();
            }
            RpcapLink.Stats s = link.stats();
            err.println("tapline: " + n + " packets captured, " + s.received() + " received by filter (remote), " + s.kernelDropped()
                    + " dropped by kernel (remote), " + s.interfaceDropped() + " dropped by interface (remote), " + s.lostInTransit()
                    + " lost in transit");
            if (client.captureError() != null) {
                err.println("tapline: the server reported: " + client.captureError());
            }
            err.flush();
            return 0;
        }
    }

    /** While writing to a file: a stats line every few seconds (received, dropped remotely and in transit, rate). */
    private static void progress(RpcapLink link, Pump pump, PrintWriter err) {
        long last = 0;
        long lastTime = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(PROGRESS_INTERVAL);
                RpcapLink.Stats s = link.stats();
                long now = System.nanoTime();
                long got = pump.delivered();
                synchronized (err) {
                    err.printf("tapline: %d captured (%.0f/s), remote: %d received, %d dropped by kernel, %d by interface; %d lost in transit%n",
                            got, (got - last) / ((now - lastTime) / 1e9), s.received(), s.kernelDropped(), s.interfaceDropped(), s.lostInTransit());
                    err.flush();
                }
                last = got;
                lastTime = now;
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    private static final java.time.Duration PROGRESS_INTERVAL = java.time.Duration.ofSeconds(5);

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
