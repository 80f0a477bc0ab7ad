package org.tapline.cli;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.tapline.link.PcapLink;
import org.tapline.link.Pump;
import org.tapline.os.PcapDevice;
import org.tapline.os.PcapDevices;
import org.tapline.os.PcapHandle;
import org.tapline.os.PcapStats;
import org.tapline.pcap.CaptureWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tapline capture}: a live interface or a capture file to summary lines or to a pcap or
 * pcapng file, with tcpdump's flags.
 */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Capture packets from an interface (or read a capture file) and print a line per packet,",
                "or write them to a pcap/pcapng file ('-w -' for stdout: | wireshark -k -i -)."})
final class CaptureCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Debug debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-i", paramLabel = "IFACE", description = "Interface to capture on (default: the first one 'list' shows that is up and not loopback).")
    String iface;

    @Option(names = "-r", paramLabel = "FILE", description = "Read packets from a pcap or pcapng file instead.")
    Path readFile;

    @Option(names = "-f", paramLabel = "FILTER", description = "Filter expression in the tcpdump language (pcap-filter(7)).")
    String filter;

    @Parameters(paramLabel = "EXPRESSION", arity = "0..*", description = "Filter expression, as tcpdump takes it after the options.")
    List<String> expression = List.of();

    @Option(names = "-c", paramLabel = "COUNT", description = "Stop after COUNT packets.")
    long count;

    @Option(names = "-s", paramLabel = "SNAPLEN", description = "Bytes to keep of each packet (0 = 262144, the default).")
    int snaplen;

    @Option(names = "-p", description = "Do not put the interface into promiscuous mode.")
    boolean noPromiscuous;

    @Option(names = "-B", paramLabel = "KiB", description = "Kernel capture buffer size in KiB (default 4096).")
    int bufferKib = 4096;

    @Option(names = "-w", paramLabel = "FILE", description = "Write packets to FILE ('-' for standard output) instead of printing them.")
    String writeFile;

    @Option(names = "--pcapng", description = "Write pcapng instead of pcap.")
    boolean pcapng;

    @Option(names = "--nano", description = "Write nanosecond time stamps (pcap magic a1b23c4d; pcapng if_tsresol 9).")
    boolean nano;

    @Option(names = "-U", description = "Flush the output after each packet (always on for '-w -').")
    boolean packetBuffered;

    @Option(names = "--immediate-mode", description = "Deliver packets as they arrive instead of in kernel blocks (always on when printing).")
    boolean immediate;

    @CommandLine.Mixin
    RemoteOptions remote;

    @CommandLine.Mixin
    PrintFlags print;

    @Override
    public Integer call() throws Exception {
        String expr = filterExpression();
        PrintWriter err = spec.commandLine().getErr();
        try (Output out = openOutput()) {
            if (readFile != null) {
                long n = FileSource.run(readFile, expr, count, out.sink());
                out.flush();
                err.println("tapline: " + n + " packets read from " + readFile);
                err.flush();
                return 0;
            }
            if (iface != null && iface.startsWith("file://")) {
                readFile = Path.of(org.tapline.rpcap.SourceString.parse(iface).device());
                long n = FileSource.run(readFile, expr, count, out.sink());
                out.flush();
                err.println("tapline: " + n + " packets read from " + readFile);
                err.flush();
                return 0;
            }
            if (iface != null && (iface.startsWith("rpcap://") || iface.startsWith("rpcaps://"))) {
                return remote.capture(iface, expr, snaplen, !noPromiscuous, count, out, err);
            }
            return live(expr, out, err);
        }
    }

    private int live(String expr, Output out, PrintWriter err) throws IOException, InterruptedException {
        String dev = iface != null ? iface : defaultInterface();
        int snap = snaplen == 0 ? 262144 : snaplen;
        if (snap < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "snaplen " + snaplen + " is negative");
        }
        PcapHandle.Options o = PcapHandle.Options.defaults().withSnaplen(snap).withPromiscuous(!noPromiscuous)
                .withImmediate(immediate || out.interactive()).withBufferSize(bufferKib * 1024);
        try (PcapLink link = PcapLink.open(dev, o)) {
            if (expr != null) {
                link.setFilter(expr);
            }
            out.begin(link.linkType(), link.snaplen(), dev);
            err.println("tapline: listening on " + dev + ", link-type " + PcapDevices.linkTypeName(link.linkType())
                    + ", snapshot length " + link.snaplen() + " bytes");
            err.flush();
            Pump pump = new Pump(link, out.sink(), count);
            // Ctrl-C and SIGTERM end the capture the way tcpdump's do: stats line, exit status 0.
            Signals.onInterrupt(() -> {
                pump.stop();
                link.wakeUp();
            });
            long n;
            try {
                n = pump.run();
                out.flush();
            } catch (IOException e) {
                if (!out.closedByReader(e)) {
                    throw e;
                }
                n = pump.delivered();
            }
            PcapStats s = link.stats();
            err.println("tapline: " + n + " packets captured, " + s.received() + " received by filter, "
                    + s.dropped() + " dropped by kernel, " + s.interfaceDropped() + " dropped by interface");
            err.flush();
            return 0;
        }
    }

    private String filterExpression() {
        if (filter != null && !expression.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give the filter either with -f or after the options, not both");
        }
        return filter != null ? filter : expression.isEmpty() ? null : String.join(" ", expression);
    }

    private static String defaultInterface() throws IOException {
        for (PcapDevice d : PcapDevices.findAll()) {
            if (d.up() && d.running() && !d.loopback() && !d.name().equals("any")) {
                return d.name();
            }
        }
        throw new IOException("no interface is up to capture on; name one with -i (see 'tapline list')");
    }

    private Output openOutput() throws IOException {
        if (writeFile == null) {
            return Output.printer(spec.commandLine().getOut(), print.options());
        }
        CaptureWriter.Format format = pcapng ? (nano ? CaptureWriter.Format.PCAPNG_NS : CaptureWriter.Format.PCAPNG)
                : nano ? CaptureWriter.Format.PCAP_NS : CaptureWriter.Format.PCAP;
        if ("-".equals(writeFile)) {
            WritableByteChannel stdout = new FileOutputStream(FileDescriptor.out).getChannel();
            return Output.writer(stdout, format, true, "standard output");
        }
        Path p = Path.of(writeFile);
        if (Files.isDirectory(p)) {
            throw new IOException(writeFile + ": is a directory");
        }
        return Output.writer(Files.newByteChannel(p, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING),
                format, packetBuffered, writeFile);
    }

}
