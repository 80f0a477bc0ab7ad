package org.tapline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

import org.tapline.link.FrameSink;
import org.tapline.link.Link;
import org.tapline.link.Pump;
import org.tapline.packet.PacketPrinter;
import org.tapline.packet.PrintOptions;
import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.InterfaceDescription;
import org.tapline.pcap.RotatingWriter;

/**
 * Where {@code capture} puts packets: summary lines, or a capture file (or stdout). Either ends
 * the capture the way tcpdump's does when its reader goes away (EPIPE: stats line, exit 0).
 */
abstract sealed class Output implements AutoCloseable {
    /** A file written without -U is flushed when its oldest unwritten packet is this old (with the 500 ms capture timeout: under a second). */
    private static final long FLUSH_NANOS = 500_000_000L;

    static Output printer(PrintWriter out, PrintOptions options) {
        return new Printer(out, options);
    }

    /** Packets to a capture writer; {@code stdout}: standard output, written through per packet. */
    static Output writer(CaptureWriter writer, boolean stdout) {
        return new Writer(writer, stdout);
    }

    /** Declares the capture's interface before the first packet (live capture). */
    void begin(int linkType, int snaplen, String interfaceName) throws IOException {
        begin(linkType, snaplen, interfaceName, null);
    }

    /** The same with a description (pcapng if_description), e.g. where a remote capture comes from. */
    void begin(int linkType, int snaplen, String interfaceName, String description) throws IOException {}

    abstract FrameSink sink();

    /** Packets written or printed so far, to the last one that went out whole. */
    long packets;

    abstract void flush() throws IOException;

    /** Between batches: writes out what has waited too long in a buffer. */
    void tick() throws IOException {}

    /** The pump feeding this output, for {@link #stop}. */
    private volatile Pump pump;
    private volatile boolean stopped;

    /** A pump from {@code link} into this output, ticking it between batches; stopped at once after {@link #stop}. */
    Pump pump(Link link, long count) {
        Pump p = new Pump(link, sink(), count, this::tick);
        pump = p;
        if (stopped) {
            p.stop();
        }
        return p;
    }

    /** Stops the pump feeding this output, or the one made next (SIGINT may come before it exists). */
    void stop() {
        stopped = true;
        Pump p = pump;
        if (p != null) {
            p.stop();
        }
    }

    /** True when output goes where a person or a live viewer waits for each packet. */
    abstract boolean interactive();

    /**
     * True when {@code e} means the output takes no more and the capture ends normally, as
     * tcpdump's does: the reader of our output went away (a closed pipe), or -G with -W wrote its
     * last file. The caller prints the stats line and exits 0.
     */
    boolean closedByReader(IOException e) {
        return e instanceof ReaderGone || e instanceof RotatingWriter.LimitReachedException;
    }

    @Override
    public abstract void close() throws IOException;

    /** The reader of standard output went away (EPIPE). */
    static final class ReaderGone extends IOException {
        ReaderGone() {
            super("standard output: Broken pipe");
        }
    }

    private static final class Printer extends Output {
        private final PrintWriter out;
        private final PacketPrinter printer;
        private final StringBuilder lines = new StringBuilder(256);

        Printer(PrintWriter out, PrintOptions options) {
            this.out = out;
            this.printer = new PacketPrinter(options);
        }

        @Override
        FrameSink sink() {
            return (linkType, ts, len, data) -> {
                lines.setLength(0);
                printer.print(linkType, ts, len, data, lines);
                write(lines);
                packets++;
            };
        }

        /**
         * A packet's lines, flushed (tcpdump -l; a pager or grep sees each packet at once).
         * PrintWriter keeps write errors to itself: checkError flushes and reports them, and an
         * error here is the reader gone (System.out's only way to fail).
         */
        private void write(CharSequence text) throws ReaderGone {
            out.append(text);
            if (out.checkError()) {
                throw new ReaderGone();
            }
        }

        @Override
        void flush() {
            out.flush();
        }

        @Override
        boolean interactive() {
            return true;
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    private static final class Writer extends Output {
        private final CaptureWriter writer;
        private final boolean stdout;
        private final Map<Integer, Integer> interfaceByLinkType = new HashMap<>();
        /** The interface of the previous packet: the per-packet path skips the map. */
        private int lastLinkType = -1;
        private int lastId;
        private long lastFlush = System.nanoTime();

        Writer(CaptureWriter writer, boolean stdout) {
            this.writer = writer;
            this.stdout = stdout;
        }

        @Override
        void begin(int linkType, int snaplen, String interfaceName, String description) throws IOException {
            interfaceByLinkType.put(linkType, writer.addInterface(new InterfaceDescription(linkType, snaplen, interfaceName, description)));
        }

        @Override
        FrameSink sink() {
            return this::write;
        }

        private void write(int linkType, long ts, int len, MemorySegment data) throws IOException {
            if (linkType != lastLinkType) {
                Integer id = interfaceByLinkType.get(linkType);
                if (id == null) {
                    id = writer.addInterface(new InterfaceDescription(linkType, 262144, null, null));
                    interfaceByLinkType.put(linkType, id);
                }
                lastLinkType = linkType;
                lastId = id;
            }
            try {
                writer.write(lastId, ts, len, data);
                packets++;
            } catch (IOException e) {
                throw readerGone(e);
            }
        }

        /** At most one write(2) per FLUSH_NANOS at high rates; an empty buffer costs none. */
        @Override
        void tick() throws IOException {
            long now = System.nanoTime();
            if (now - lastFlush >= FLUSH_NANOS) {
                lastFlush = now;
                flush();
            }
        }

        @Override
        void flush() throws IOException {
            try {
                writer.flush();
            } catch (IOException e) {
                throw readerGone(e);
            }
        }

        /** EPIPE on standard output becomes {@link ReaderGone}; other errors stay as they are. */
        private IOException readerGone(IOException e) {
            return stdout && "Broken pipe".equals(e.getMessage()) ? new ReaderGone() : e;
        }

        @Override
        boolean interactive() {
            return stdout;
        }

        @Override
        public void close() throws IOException {
            try {
                writer.close();
            } catch (IOException e) {
                if (!closedByReader(readerGone(e))) {
                    throw e;
                }
            }
        }
    }
}
