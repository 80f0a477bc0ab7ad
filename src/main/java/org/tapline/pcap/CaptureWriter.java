package org.tapline.pcap;

import java.io.Flushable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.WritableByteChannel;

/**
 * Writes packets to a pcap or pcapng file. Writes are buffered in one reused buffer; nothing is
 * allocated per packet. {@link #close} flushes and closes the channel.
 */
public interface CaptureWriter extends AutoCloseable, Flushable {
    /** pcap with microsecond time stamps (what every tool reads), pcap with nanoseconds, pcapng. */
    enum Format { PCAP, PCAP_NS, PCAPNG }

    /** Declares an interface; returns its id for {@link #write}. A pcap file takes only one. */
    int addInterface(InterfaceDescription iface) throws IOException;

    /** Writes one packet; {@code data.byteSize()} is its captured length. */
    void write(int interfaceId, long timestampNanos, int originalLength, MemorySegment data) throws IOException;

    @Override
    void flush() throws IOException;

    @Override
    void close() throws IOException;

    static CaptureWriter open(WritableByteChannel out, Format format) {
        return switch (format) {
            case PCAP -> new PcapWriter(out, false);
            case PCAP_NS -> new PcapWriter(out, true);
            case PCAPNG -> new PcapngWriter(out, false);
        };
    }
}
