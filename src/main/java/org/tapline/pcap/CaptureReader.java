package org.tapline.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads packets from a pcap or pcapng capture file. Not thread-safe: one thread reads.
 *
 * <pre>{@code
 * try (CaptureReader reader = CaptureReader.open(Path.of("capture.pcapng"))) {
 *     for (Packet p; (p = reader.next()) != null; ) {
 *         handle(p.interfaceId(), p.timestampNanos(), p.data());   // data valid until next()
 *     }
 * }
 * }</pre>
 */
public interface CaptureReader extends AutoCloseable {
    /**
     * Returns the next packet, or null at the end of the file. The reader reuses one
     * {@link Packet}: its values and data are valid until the next call, like {@code pcap_next_ex}.
     *
     * @throws CaptureFileException if the file is malformed or ends inside a record
     */
    Packet next() throws IOException;

    /** The capture interfaces: exactly one for pcap; for pcapng those declared so far. */
    List<InterfaceDescription> interfaces();

    /** Closes the underlying channel. Idempotent. */
    @Override
    void close() throws IOException;

    /**
     * Opens a file, detecting pcap or pcapng from its first four bytes. A file that cannot be
     * opened is reported as tcpdump reports it: {@code trace.pcap: No such file or directory}.
     */
    static CaptureReader open(Path path) throws IOException {
        return open(FileErrors.openForReading(path), path.toString());
    }

    /** Reads a stream (e.g. standard input), detecting pcap or pcapng. Closing the reader closes it. */
    static CaptureReader open(InputStream in, String nameForMessages) throws IOException {
        return open(Channels.newChannel(in), nameForMessages);
    }

    /**
     * Reads a blocking channel, detecting pcap (all four magics) or pcapng (Section Header
     * Block). The reader owns the channel; it is closed if opening fails.
     *
     * @param nameForMessages the name used in {@link CaptureFileException} messages
     */
    static CaptureReader open(ReadableByteChannel channel, String nameForMessages) throws IOException {
        ChannelInput in = new ChannelInput(channel, nameForMessages);
        try {
            int present = in.require(Integer.BYTES);
            if (present == 0) {
                throw new CaptureFileException(nameForMessages, -1, "empty file, not a pcap or pcapng file", null);
            }
            if (present < Integer.BYTES) {
                throw new CaptureFileException(nameForMessages, 0, "truncated file header",
                        present + " bytes present");
            }
            int magic = in.buffer().duplicate().order(ByteOrder.BIG_ENDIAN).getInt(in.position());
            return switch (magic) {
                case PcapngFormat.TYPE_SECTION_HEADER -> new PcapngReader(in);
                case PcapFormat.MAGIC_MICROS, PcapFormat.MAGIC_NANOS,
                     PcapFormat.MAGIC_MICROS_SWAPPED, PcapFormat.MAGIC_NANOS_SWAPPED -> new PcapReader(in);
                default -> throw new CaptureFileException(nameForMessages, -1, "not a pcap or pcapng file",
                        String.format("magic 0x%08x", magic));
            };
        } catch (IOException | RuntimeException e) {
            try {
                in.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
