package org.tapline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import org.tapline.link.Pacer;
import org.tapline.link.PcapLink;
import org.tapline.os.PcapDevices;
import org.tapline.os.PcapHandle;
import org.tapline.pcap.CaptureReader;
import org.tapline.pcap.LinkType;
import org.tapline.pcap.Packet;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tapline send}: a capture file out of an interface, at full speed or with its own timing. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Transmit the packets of a pcap or pcapng file on an interface, as fast as it takes them, or with the "
                + "file's own timing (--sync), like WinPcap's send queues and tcpreplay.",
        footer = {"", "Ctrl-C or SIGTERM stops the transmission; the summary is printed and the exit status is 0, as tcpreplay does."})
final class SendCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Debug debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-i", required = true, paramLabel = "IFACE", description = "Interface to send on.")
    String iface;

    @Parameters(paramLabel = "FILE", description = "pcap or pcapng file.")
    Path file;

    @Option(names = "--sync", description = "Keep the file's gaps between packets (reports the timing error).")
    boolean sync;

    @Option(names = "--speed", paramLabel = "X", description = "With --sync: play X times faster (default 1).")
    Double speed;

    @Option(names = "--pps", paramLabel = "N", description = "Send at a fixed N packets per second instead (not with --sync).")
    Long pps;

    @Option(names = "--loop", paramLabel = "N", description = "Send the file N times (default 1).")
    int loop = 1;

    /** Set by SIGINT or SIGTERM: the packet in hand is the last one. */
    private volatile boolean stopped;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Pacer pacer = pacer();
        // Ctrl-C and SIGTERM end the transmission the way tcpreplay's do: summary, exit status 0.
        Signals.onInterrupt(() -> {
            stopped = true;
            if (pacer != null) {
                pacer.cancel();
            }
        });
        PcapHandle.Options o = PcapHandle.Options.defaults().withSnaplen(64).withPromiscuous(false);
        long packets = 0;
        long bytes = 0;
        long[] late = new long[pacer != null ? 1 << 16 : 0];
        int lateCount = 0;
        boolean warned = false;
        long start = 0;
        CaptureReader r = open(file); // a bad file is told before the interface is opened
        try (PcapLink link = PcapLink.open(iface, o)) {
            for (int round = 0; round < loop && !stopped; round++) {
                if (pacer != null) {
                    pacer.restart();
                }
                if (r == null) {
                    r = open(file);
                }
                try (CaptureReader in = r) {
                    for (Packet p = in.next(); p != null && !stopped; p = in.next()) {
                        if (!warned && LinkType.toDlt(p.linkType()) != link.linkType()) {
                            warned = true;
                            err.println("tapline: warning: " + file + " holds " + PcapDevices.linkTypeName(LinkType.toDlt(p.linkType()))
                                    + " packets but " + iface + " is " + PcapDevices.linkTypeName(link.linkType()) + "; sending them anyway");
                            err.flush();
                        }
                        if (pacer != null) {
                            long l = pacer.await(p.timestampNanos());
                            if (stopped) {
                                break;
                            }
                            if (lateCount == late.length) {
                                late = Arrays.copyOf(late, late.length * 2);
                            }
                            late[lateCount++] = l;
                        }
                        if (packets == 0) {
                            start = System.nanoTime();
                        }
                        link.send(p.data());
                        packets++;
                        bytes += p.capturedLength();
                    }
                }
                r = null;
            }
        } finally {
            if (r != null) {
                r.close();
            }
        }
        // Timed from the first packet, like tcpreplay's rate: opening the interface is not sending.
        double secs = packets == 0 ? 0 : Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        err.printf("tapline: %d packets (%d bytes) sent on %s in %.3f s: %.0f packets/s, %.1f Mbit/s%n", packets, bytes, iface, secs,
                packets == 0 ? 0 : packets / secs, packets == 0 ? 0 : bytes * 8 / secs / 1e6);
        if (lateCount > 1) {
            long[] l = Arrays.copyOfRange(late, 1, lateCount);
            Arrays.sort(l);
            err.printf("tapline: timing error: median %.1f us, 99th percentile %.1f us, max %.1f us%n", l[l.length / 2] / 1e3,
                    l[(int) Math.min(l.length - 1, Math.ceil(l.length * 0.99) - 1)] / 1e3, l[l.length - 1] / 1e3);
        }
        err.flush();
        return 0;
    }

    /** The pacing the flags ask for (null: as fast as the interface takes them); contradictions are usage errors. */
    private Pacer pacer() {
        if (loop < 1) {
            throw usage("--loop takes 1 or more, not " + loop);
        }
        if (pps != null && pps < 1) {
            throw usage("--pps takes a rate of 1 or more packets per second, not " + pps);
        }
        if (speed != null && !sync) {
            throw usage("--speed needs --sync (it scales the file's own timing)");
        }
        if (sync && pps != null) {
            throw usage("--sync and --pps exclude each other: keep the file's timing, or send at a fixed rate");
        }
        if (speed != null && !(speed > 0 && speed < Double.POSITIVE_INFINITY)) {
            throw usage("--speed takes a factor above 0, not " + speed);
        }
        try {
            return sync ? Pacer.synced(speed == null ? 1.0 : speed) : pps != null ? Pacer.fixedRate(pps) : null;
        } catch (IllegalArgumentException e) {
            throw usage("--pps: " + e.getMessage());
        }
    }

    /** Opens the file; a failure names the path and the reason, as cat and tcpdump do. */
    static CaptureReader open(Path file) throws IOException {
        try {
            return CaptureReader.open(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": No such file or directory", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": Permission denied", e);
        } catch (FileSystemException e) {
            throw new IOException(file + ": " + (e.getReason() != null ? e.getReason() : e.getMessage()), e);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains(file.toString())) {
                throw e;
            }
            throw new IOException(file + ": " + m, e);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
