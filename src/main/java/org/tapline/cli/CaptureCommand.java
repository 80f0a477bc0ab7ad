package org.tapline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.tapline.link.PcapLink;
import org.tapline.link.Pump;
import org.tapline.os.PcapDevice;
import org.tapline.os.PcapDevices;
import org.tapline.os.PcapHandle;
import org.tapline.os.PcapStats;
import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.FileErrors;
import org.tapline.pcap.RotatingWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tapline capture}: a live interface or a capture file to summary lines or to a pcap or
 * pcapng file, with tcpdump's flags.
 */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Capture packets from an interface (or read a capture file) and print them",
                "as tcpdump does, or write them to a pcap/pcapng file ('-w -' for stdout:",
                "| wireshark -k -i -)."})
final class CaptureCommand implements Callable<Integer> {
    /** Flushing a file without -U: the kernel hands packets over within this (pcap_set_timeout). */
    private static final int FILE_BUFFER_TIMEOUT_MILLIS = 500;
    private static final long BYTES_PER_MB = 1_000_000L;

    @CommandLine.Mixin
    Debug debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-i", paramLabel = "IFACE", description = "Interface to capture on (default: the first one 'list' shows that is up and not loopback).")
    String iface;

    @Option(names = "-D", description = "List the interfaces, as tcpdump -D does, and exit.")
    boolean listInterfaces;

    @Option(names = "-L", description = "List the interface's link types, as tcpdump -L does, and exit.")
    boolean listLinkTypes;

    @Option(names = "-r", paramLabel = "FILE", description = "Read packets from a pcap or pcapng file instead.")
    Path readFile;

    @Option(names = "-f", paramLabel = "FILTER", description = "Filter expression in the tcpdump language (pcap-filter(7)).")
    String filter;

    @Parameters(paramLabel = "EXPRESSION", arity = "0..*", description = "Filter expression, as tcpdump takes it after the options.")
    List<String> expression = List.of();

    @Option(names = "-c", paramLabel = "COUNT", description = "Stop after COUNT packets.")
    String countText;
    long count;

    @Option(names = "-s", paramLabel = "SNAPLEN", description = "Bytes to keep of each packet (0 = 262144, the default).")
    int snaplen;

    @Option(names = "-p", description = "Do not put the interface into promiscuous mode.")
    boolean noPromiscuous;

    @Option(names = "-B", paramLabel = "KiB", description = "Kernel capture buffer size in KiB (default 4096).")
    int bufferKib = 4096;

    @Option(names = "-Q", paramLabel = "in|out|inout", description = "Capture only packets received (in), sent (out), or both (inout, the default).")
    String directionText;
    PcapHandle.Direction direction = PcapHandle.Direction.INOUT;

    @Option(names = "-y", paramLabel = "TYPE", description = "Capture with this link type (a name -L lists, e.g. EN10MB).")
    String linkTypeName;

    @Option(names = "-w", paramLabel = "FILE", description = "Write packets to FILE ('-' for standard output) instead of printing them.")
    String writeFile;

    @Option(names = "--pcapng", description = "Write pcapng instead of pcap.")
    boolean pcapng;

    @Option(names = "--nano", description = "Write nanosecond time stamps (pcap magic a1b23c4d; pcapng if_tsresol 9).")
    boolean nano;

    @Option(names = "-U", description = "Flush the output after each packet (always on for '-w -'; otherwise files are flushed twice a second).")
    boolean packetBuffered;

    @Option(names = "-C", paramLabel = "MB", description = "With -w: start a new file (FILE1, FILE2 ...) once one is larger than MB million bytes.")
    String fileSizeText;
    long fileSizeBytes;

    @Option(names = "-W", paramLabel = "N", description = "With -C: a ring of N files (FILE0 ... FILE<N-1>); with -G alone: stop after N files.")
    String fileCountText;
    int fileCount;

    @Option(names = "-G", paramLabel = "SECONDS", description = "With -w: start a new file every SECONDS; FILE is a strftime(3) pattern in local time.")
    String rotateText;
    long rotateSeconds;

    @Option(names = "-l", description = "Line-buffered standard output (always so: each line is written as it is printed).")
    boolean lineBuffered;

    @Option(names = "--immediate-mode", description = "Deliver packets as they arrive instead of in kernel blocks (always on when printing).")
    boolean immediate;

    @CommandLine.Mixin
    RemoteOptions remote;

    @CommandLine.Mixin
    PrintFlags print;

    /** What SIGINT and SIGTERM stop, once the capture runs. */
    private volatile Runnable onInterrupt = () -> { };
    private volatile boolean interrupted;

    /**
     * Sets what a signal stops; a signal that came before runs it at once. The handler is
     * installed before anything opens, so no signal meets the JVM's default (exit 130).
     */
    private void whenInterrupted(Runnable action) {
        onInterrupt = action;
        if (interrupted) {
            action.run();
        }
    }

    /** tcpdump's checks of -c, -Q, -C, -W and -G, with its words; a usage error (exit 2) for a bad value. */
    private void checkValues() {
        if (countText != null) {
            count = positive(countText, Long.MAX_VALUE, "invalid packet count ");
        }
        if (directionText != null) {
            direction = switch (directionText.toLowerCase(Locale.ROOT)) {
                case "in" -> PcapHandle.Direction.IN;
                case "out" -> PcapHandle.Direction.OUT;
                case "inout" -> PcapHandle.Direction.INOUT;
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown capture direction `" + directionText + "'");
            };
        }
        if (fileSizeText != null) {
            long mb = positive(fileSizeText, Long.MAX_VALUE, "invalid file size ");
            if (mb > Long.MAX_VALUE / BYTES_PER_MB) {
                throw new CommandLine.ParameterException(spec.commandLine(), "file size " + fileSizeText + " is too large");
            }
            fileSizeBytes = mb * BYTES_PER_MB;
        }
        if (fileCountText != null) {
            fileCount = (int) positive(fileCountText, Integer.MAX_VALUE, "invalid number of output files ");
        }
        // tcpdump takes -G 0 (no rotation); only a negative number or no number is refused.
        if (rotateText != null && !rotateText.strip().equals("0")) {
            rotateSeconds = positive(rotateText, Integer.MAX_VALUE, "invalid number of seconds ");
        }
    }

    @Override
    public Integer call() throws Exception {
        checkValues();
        // Ctrl-C and SIGTERM end every capture the way tcpdump's do: stats line, exit status 0.
        Signals.onInterrupt(() -> {
            interrupted = true;
            onInterrupt.run();
        });
        if (listInterfaces) {
            CaptureLists.interfaces(spec.commandLine().getOut());
            return 0;
        }
        String expr = filterExpression();
        PrintWriter err = spec.commandLine().getErr();
        if (iface != null && iface.startsWith("file://")) {
            readFile = Path.of(org.tapline.rpcap.SourceString.parse(iface).device());
        }
        boolean remoteSource = readFile == null && iface != null && (iface.startsWith("rpcap://") || iface.startsWith("rpcaps://"));
        if (remoteSource && (listLinkTypes || linkTypeName != null || direction != PcapHandle.Direction.INOUT)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-L, -y and -Q apply to local interfaces, not to " + iface);
        }
        if (listLinkTypes) {
            return linkTypes();
        }
        int dlt = linkType();
        try (Output out = openOutput()) {
            if (readFile != null) {
                return file(expr, out, err);
            }
            if (remoteSource) {
                whenInterrupted(out::stop);
                return remote.capture(iface, expr, snaplen, !noPromiscuous, count, out, err);
            }
            return live(expr, dlt, out, err);
        }
    }

    private int file(String expr, Output out, PrintWriter err) throws IOException {
        FileSource source = new FileSource(readFile, expr, count);
        whenInterrupted(source::stop);
        long n;
        try {
            n = source.run(out.sink());
            out.flush();
        } catch (IOException e) {
            n = ended(e, out, err);
        }
        err.println("tapline: " + n + " packets read from " + readFile);
        err.flush();
        return 0;
    }

    /** The count so far when {@code e} ends the capture as tcpdump would end it (a closed pipe, -W reached); else rethrows. */
    private static long ended(IOException e, Output out, PrintWriter err) throws IOException {
        if (!out.closedByReader(e)) {
            throw e;
        }
        if (e instanceof RotatingWriter.LimitReachedException) {
            err.println("tapline: " + e.getMessage());
        }
        return out.packets;
    }

    private int live(String expr, int dlt, Output out, PrintWriter err) throws IOException, InterruptedException {
        String dev = iface != null ? iface : defaultInterface();
        try (PcapLink link = openLive(dev, dlt, out.interactive())) {
            if (dlt >= 0) {
                err.println("tapline: data link type " + PcapDevices.linkTypeName(dlt));
            }
            if (expr != null) {
                link.setFilter(expr);
            }
            out.begin(link.linkType(), link.snaplen(), dev);
            err.println("tapline: listening on " + dev + ", link-type " + PcapDevices.linkTypeName(link.linkType())
                    + ", snapshot length " + link.snaplen() + " bytes");
            err.flush();
            Pump pump = out.pump(link, count);
            whenInterrupted(() -> {
                out.stop();
                link.wakeUp();
            });
            long n;
            try {
                n = pump.run();
                out.flush();
            } catch (IOException e) {
                n = ended(e, out, err);
            }
            PcapStats s = link.stats();
            err.println("tapline: " + n + " packets captured, " + s.received() + " received by filter, "
                    + s.dropped() + " dropped by kernel, " + s.interfaceDropped() + " dropped by interface");
            err.flush();
            return 0;
        }
    }

    private PcapLink openLive(String dev, int dlt, boolean interactive) throws IOException {
        int snap = snaplen == 0 ? 262144 : snaplen;
        if (snap < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "snaplen " + snaplen + " is negative");
        }
        PcapHandle.Options o = PcapHandle.Options.defaults().withSnaplen(snap).withPromiscuous(!noPromiscuous)
                .withImmediate(immediate || interactive).withBufferSize(bufferKib * 1024)
                .withTimeout(FILE_BUFFER_TIMEOUT_MILLIS).withDirection(direction);
        return dlt >= 0 ? PcapLink.open(dev, o, dlt) : PcapLink.open(dev, o);
    }

    private int linkTypes() throws IOException {
        if (readFile != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-L lists an interface's link types; it does not read files");
        }
        String dev = iface != null ? iface : defaultInterface();
        try (PcapLink link = openLive(dev, -1, true)) {
            CaptureLists.linkTypes(spec.commandLine().getOut(), dev, link.linkTypes());
        }
        return 0;
    }

    /** -y as a DLT value, or -1 without -y; tcpdump's message for a name libpcap does not know. */
    private int linkType() throws IOException {
        if (linkTypeName == null || readFile != null) {
            return -1;
        }
        int dlt = PcapDevices.linkTypeValue(linkTypeName);
        if (dlt < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "invalid data link type " + linkTypeName);
        }
        return dlt;
    }

    /** tcpdump's check of -c, -C, -W and -G: a whole number above 0 (and not above {@code max}), else "{@code message}VALUE". */
    private long positive(String value, long max, String message) {
        long v;
        try {
            v = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            v = 0;
        }
        if (v <= 0 || v > max) {
            throw new CommandLine.ParameterException(spec.commandLine(), message + value);
        }
        return v;
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
        boolean rotating = fileSizeBytes > 0 || rotateSeconds > 0;
        if ("-".equals(writeFile)) {
            if (rotating) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-C and -G need a file name with -w, not -");
            }
            return Output.writer(CaptureWriter.openStandardOutput(format, true), true);
        }
        if (rotating) {
            return Output.writer(new RotatingWriter(writeFile, format, packetBuffered,
                    new RotatingWriter.Rotation(fileSizeBytes, fileCount, rotateSeconds), InstantSource.system(), ZoneId.systemDefault()), false);
        }
        return Output.writer(CaptureWriter.open(FileErrors.openForWriting(Path.of(writeFile)), format, packetBuffered), false);
    }
}
