package org.tapline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

import org.tapline.link.Pump;
import org.tapline.rpcap.Rpcap;
import org.tapline.rpcap.RpcapClient;
import org.tapline.rpcap.RpcapLink;
import org.tapline.rpcap.SourceString;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The remote-capture options of {@code capture}: how to reach the daemon ({@link RemoteConnectionOptions},
 * which {@code list} has too) and what only a capture asks of it (UDP data, sampling).
 */
final class RemoteOptions {
    @CommandLine.Mixin
    RemoteConnectionOptions connection;

    @Option(names = "--udp", description = "Remote capture: receive packets over UDP instead of TCP.")
    boolean udp;

    @Option(names = "--sample", paramLabel = "every:N|first-after:MS", description = "Remote capture: ask the server to sample.")
    String sample;

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
        try (RpcapClient client = connection.connect(src); RpcapLink link = client.open(src.device(), linkOptions(filter, snaplen, promiscuous))) {
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

    /**
     * While writing to a file: a stats line every few seconds (received, dropped remotely and in
     * transit, rate), but only when a counter moved since the last line, so an idle capture
     * does not fill a terminal or a log with copies.
     */
    private static void progress(RpcapLink link, Pump pump, PrintWriter err) {
        long last = 0;
        long lastTime = System.nanoTime();
        List<Long> shown = List.of(0L, 0L, 0L, 0L, 0L);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(PROGRESS_INTERVAL);
                RpcapLink.Stats s = link.stats();
                long now = System.nanoTime();
                long got = pump.delivered();
                List<Long> counters = List.of(got, s.received(), s.kernelDropped(), s.interfaceDropped(), s.lostInTransit());
                if (counters.equals(shown)) {
                    continue;
                }
                synchronized (err) {
                    err.printf("tapline: %d captured (%.0f/s), remote: %d received, %d dropped by kernel, %d by interface; %d lost in transit%n",
                            got, (got - last) / ((now - lastTime) / 1e9), s.received(), s.kernelDropped(), s.interfaceDropped(), s.lostInTransit());
                    err.flush();
                }
                shown = counters;
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
}
