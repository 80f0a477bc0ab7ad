package org.tapline.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import org.tapline.link.Pacer;
import org.tapline.link.PcapLink;
import org.tapline.os.PcapDevices;
import org.tapline.os.PcapHandle;
import org.tapline.pcap.CaptureReader;
import org.tapline.pcap.Packet;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tapline send}: a capture file out of an interface, at full speed or with its own timing. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Transmit the packets of a pcap or pcapng file on an interface, as fast as it takes them, or with the "
                + "file's own timing (--sync), like WinPcap's send queues and tcpreplay.")
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
    double speed = 1.0;

    @Option(names = "--pps", paramLabel = "N", description = "Send at a fixed N packets per second instead.")
    long pps;

    @Option(names = "--loop", paramLabel = "N", description = "Send the file N times (default 1).")
    int loop = 1;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (loop < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--loop takes 1 or more");
        }
        if (!(speed > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--speed must be above 0");
        }
        boolean paced = sync || pps > 0;
        PcapHandle.Options o = PcapHandle.Options.defaults().withSnaplen(64).withPromiscuous(false);
        long packets = 0;
        long bytes = 0;
        long[] late = new long[paced ? 1 << 16 : 0];
        int lateCount = 0;
        boolean warned = false;
        long start = 0;
        try (PcapLink link = PcapLink.open(iface, o)) {
            Pacer pacer = paced ? new Pacer(speed, pps) : null;
            for (int round = 0; round < loop; round++) {
                if (pacer != null) {
                    pacer.restart();
                }
                try (CaptureReader r = CaptureReader.open(file)) {
                    for (Packet p = r.next(); p != null; p = r.next()) {
                        if (!warned && p.linkType() != link.linkType()) {
                            warned = true;
                            err.println("tapline: warning: " + file + " holds " + org.tapline.pcap.LinkType.name(p.linkType()) + " packets but "
                                    + iface + " is " + PcapDevices.linkTypeName(link.linkType()) + "; sending them anyway");
                            err.flush();
                        }
                        if (pacer != null) {
                            long l = pacer.await(p.timestampNanos());
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
            }
        }
        // Timed from the first packet, like tcpreplay's rate: opening the interface is not sending.
        double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        err.printf("tapline: %d packets (%d bytes) sent on %s in %.3f s: %.0f packets/s, %.1f Mbit/s%n", packets, bytes, iface, secs,
                packets / secs, bytes * 8 / secs / 1e6);
        if (paced && lateCount > 1) {
            long[] l = Arrays.copyOfRange(late, 1, lateCount);
            Arrays.sort(l);
            err.printf("tapline: timing error: median %.1f us, 99th percentile %.1f us, max %.1f us%n", l[l.length / 2] / 1e3,
                    l[(int) Math.min(l.length - 1, Math.ceil(l.length * 0.99) - 1)] / 1e3, l[l.length - 1] / 1e3);
        }
        err.flush();
        return 0;
    }

}
