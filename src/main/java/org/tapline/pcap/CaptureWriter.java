package org.tapline.pcap;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * Writes packets to a pcap or pcapng capture file. Writes are buffered in one reused buffer;
 * {@link #write} allocates nothing. Not thread-safe: one thread writes.
 *
 * <pre>{@code
 * try (CaptureWriter w = CaptureWriter.open(Path.of("out.pcapng"), CaptureWriter.Format.PCAPNG)) {
 *     int eth0 = w.addInterface(new InterfaceDescription(LinkType.ETHERNET, 262144, "eth0", null));
 *     w.write(eth0, System.currentTimeMillis() * 1_000_000, frame.byteSize(), frame);
 * }
 * }</pre>
 */
public interface CaptureWriter extends AutoCloseable, Flushable {
    /** Largest captured length accepted by {@link #write}: 256 KiB, libpcap's maximum snaplen. */
    int MAX_PACKET = PcapFormat.MAX_PACKET;

    /** File formats and timestamp resolutions. */
    enum Format {
        /** Classic pcap, microsecond timestamps (magic A1B2C3D4), what tcpdump writes. */
        PCAP,
        /** Classic pcap, nanosecond timestamps (magic A1B23C4D). */
        PCAP_NS,
        /** pcapng, microsecond timestamps (the pcapng default resolution). */
        PCAPNG,
        /** pcapng, nanosecond timestamps (if_tsresol = 9). */
        PCAPNG_NS
    }

    /**
     * Declares an interface and returns its id for {@link #write}. pcap files have exactly one
     * interface, whose link type and snaplen make the file header; pcapng files any number.
     *
     * @throws IllegalArgumentException if the format cannot hold another interface
     */
    int addInterface(InterfaceDescription description) throws IOException;

    /**
     * Writes one packet record. The captured length is {@code data.byteSize()}.
     *
     * @param interfaceId    an id returned by {@link #addInterface}
     * @param timestampNanos capture time, nanoseconds since the epoch (not negative)
     * @param originalLength length on the wire, at least {@code data.byteSize()}
     * @param data           the captured bytes, at most {@link #MAX_PACKET}
     * @throws IllegalArgumentException on an unknown interface or an impossible length or time
     */
    void write(int interfaceId, long timestampNanos, int originalLength, MemorySegment data) throws IOException;

    /**
     * Bytes written so far, those still buffered included: what pcap_dump_ftell(3) says, and
     * what tcpdump's {@code -C} compares with its limit.
     */
    long size();

    /** Writes buffered records to the channel. */
    @Override
    void flush() throws IOException;

    /** Flushes and closes the channel. Idempotent. */
    @Override
    void close() throws IOException;

    /** Creates (or truncates) a file; one that cannot be is reported with its path and the reason. */
    static CaptureWriter open(Path path, Format format) throws IOException {
        return open(FileErrors.openForWriting(path), format, false);
    }

    /**
     * Writes to a blocking channel, which the writer owns.
     *
     * @param flushEachPacket write every record through at once (tcpdump's {@code -U},
     *                        "packet-buffered"), so a reader on a pipe sees packets live
     */
    static CaptureWriter open(WritableByteChannel channel, Format format, boolean flushEachPacket) {
        return switch (format) {
            case PCAP -> new PcapWriter(channel, false, flushEachPacket);
            case PCAP_NS -> new PcapWriter(channel, true, flushEachPacket);
            case PCAPNG -> new PcapngWriter(channel, false, flushEachPacket);
            case PCAPNG_NS -> new PcapngWriter(channel, true, flushEachPacket);
        };
    }

    /** Writes to a stream, which the writer owns. */
    static CaptureWriter open(OutputStream out, Format format, boolean flushEachPacket) {
        return open(Channels.newChannel(out), format, flushEachPacket);
    }

    /**
     * Writes to standard output through its file descriptor (bypassing {@code System.out}'s
     * buffer), e.g. for {@code tapline capture -w - | wireshark -k -i -}. Closing the writer
     * closes standard output.
     */
    static CaptureWriter openStandardOutput(Format format, boolean flushEachPacket) {
        return open(new FileOutputStream(FileDescriptor.out).getChannel(), format, flushEachPacket);
    }
}
