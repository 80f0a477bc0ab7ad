package org.tapline.pcap;

import static org.tapline.pcap.PcapFormat.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/**
 * Writes classic pcap files (draft-ietf-opsawg-pcap) with microsecond (A1B2C3D4) or
 * nanosecond (A1B23C4D) timestamps. The file header is written by the one
 * {@link #addInterface} call. Not thread-safe.
 */
public final class PcapWriter implements CaptureWriter {
    /** ts_sec is an unsigned 32-bit field: times after 2106-02-07 do not fit. */
    private static final long MAX_SECONDS = 0xFFFF_FFFFL;
    private static final long NANOS_PER_MICRO = 1_000;

    private final ChannelOutput out;
    private final boolean nanos;
    private final boolean flushEachPacket;
    private boolean headerWritten;

    /**
     * @param channel         destination, owned by the writer
     * @param nanos           nanosecond timestamps (magic A1B23C4D) instead of microseconds
     * @param flushEachPacket write each record through at once (tcpdump -U)
     */
    public PcapWriter(WritableByteChannel channel, boolean nanos, boolean flushEachPacket) {
        // libpcap writes host byte order; we always write little-endian, the order of nearly
        // every host, so that our files are the same bytes everywhere.
        this.out = new ChannelOutput(channel, ByteOrder.LITTLE_ENDIAN);
        this.nanos = nanos;
        this.flushEachPacket = flushEachPacket;
    }

    /**
     * Writes the file header from the interface's link type and snaplen (0 becomes 262144).
     *
     * @return 0, the only interface id of a pcap file
     * @throws IllegalArgumentException if an interface was already added
     */
    @Override
    public int addInterface(InterfaceDescription description) throws IOException {
        if (headerWritten) {
            throw new IllegalArgumentException("a pcap file holds one interface; use pcapng for more ("
                    + "cannot add " + LinkType.name(description.linkType()) + ")");
        }
        int snaplen = description.snaplen() == 0 ? MAX_PACKET : description.snaplen();
        ByteBuffer b = out.reserve(HEADER_LENGTH);
        int at = b.position();
        b.putInt(at + HEADER_MAGIC, nanos ? MAGIC_NANOS : MAGIC_MICROS)
                .putShort(at + HEADER_VERSION_MAJOR, VERSION_MAJOR)
                .putShort(at + HEADER_VERSION_MINOR, VERSION_MINOR)
                .putInt(at + HEADER_THISZONE, 0)
                .putInt(at + HEADER_SIGFIGS, 0)
                .putInt(at + HEADER_SNAPLEN, snaplen)
                .putInt(at + HEADER_LINKTYPE, description.linkType())
                .position(at + HEADER_LENGTH);
        headerWritten = true;
        if (flushEachPacket) {
            out.drain();
        }
        return 0;
    }

    @Override
    public void write(int interfaceId, long timestampNanos, int originalLength, MemorySegment data)
            throws IOException {
        if (!headerWritten) {
            throw new IllegalStateException("addInterface must be called before write");
        }
        if (interfaceId != 0) {
            throw new IllegalArgumentException("interface id " + interfaceId + ": a pcap file has only interface 0");
        }
        int captured = PacketChecks.capturedLength(timestampNanos, originalLength, data);
        long seconds = timestampNanos / PacketChecks.NANOS_PER_SECOND;
        long fractionNanos = timestampNanos % PacketChecks.NANOS_PER_SECOND;
        if (seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("timestamp " + timestampNanos + " ns is after 2106, beyond pcap's range");
        }
        ByteBuffer b = out.reserve(RECORD_HEADER_LENGTH + captured);
        int at = b.position();
        b.putInt(at + RECORD_TS_SECONDS, (int) seconds)
                .putInt(at + RECORD_TS_FRACTION, (int) (nanos ? fractionNanos : fractionNanos / NANOS_PER_MICRO))
                .putInt(at + RECORD_CAPTURED_LENGTH, captured)
                .putInt(at + RECORD_ORIGINAL_LENGTH, originalLength)
                .position(at + RECORD_HEADER_LENGTH);
        out.put(data);
        if (flushEachPacket) {
            out.drain();
        }
    }

    @Override
    public long size() {
        return out.size();
    }

    @Override
    public void flush() throws IOException {
        out.drain();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
