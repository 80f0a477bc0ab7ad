package org.tapline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.nio.channels.WritableByteChannel;
import java.util.HashMap;
import java.util.Map;

import org.tapline.link.FrameSink;
import org.tapline.packet.PacketPrinter;
import org.tapline.packet.PrintOptions;
import org.tapline.pcap.CaptureWriter;
import org.tapline.pcap.InterfaceDescription;

/** Where {@code capture} puts packets: summary lines, or a capture file (or stdout). */
abstract sealed class Output implements AutoCloseable {
    static Output printer(PrintWriter out, PrintOptions options) {
        return new Printer(out, options);
    }

    static Output writer(WritableByteChannel ch, CaptureWriter.Format format, boolean flushEach, String name)
            throws IOException {
        return new Writer(ch, format, flushEach, name);
    }

    /** Declares the capture's interface before the first packet (live capture). */
    void begin(int linkType, int snaplen, String interfaceName) throws IOException {
        begin(linkType, snaplen, interfaceName, null);
    }

    /** The same with a description (pcapng if_description), e.g. where a remote capture comes from. */
    void begin(int linkType, int snaplen, String interfaceName, String description) throws IOException {}

    abstract FrameSink sink();

    abstract void flush() throws IOException;

    /** True when output goes where a person or a live viewer waits for each packet. */
    abstract boolean interactive();

    /** True when {@code e} means the reader of our output went away (a closed pipe). */
    boolean closedByReader(IOException e) {
        return false;
    }

    @Override
    public abstract void close() throws IOException;

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
                out.append(lines);
                out.flush();
            };
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

        Writer(WritableByteChannel ch, CaptureWriter.Format format, boolean flushEach, String name) throws IOException {
            this.stdout = name.equals("standard output");
            this.writer = CaptureWriter.open(ch, format, flushEach || stdout);
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
            writer.write(lastId, ts, len, data);
        }

        @Override
        void flush() throws IOException {
            writer.flush();
        }

        @Override
        boolean interactive() {
            return stdout;
        }

        @Override
        boolean closedByReader(IOException e) {
            return stdout && String.valueOf(e.getMessage()).contains("Broken pipe");
        }

        @Override
        public void close() throws IOException {
            try {
                writer.close();
            } catch (IOException e) {
                if (!closedByReader(e)) {
                    throw e;
                }
            }
        }
    }
}
