package org.tapline.pcap;

import static org.tapline.pcap.PcapFormat.*;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Reads classic pcap files (draft-ietf-opsawg-pcap) in either byte order, with microsecond or
 * nanosecond timestamps. Open it through {@link CaptureReader#open}.
 */
public final class PcapReader implements CaptureReader {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MICRO = 1_000L;

    private final ChannelInput in;
    private final List<InterfaceDescription> interfaces;
    private final long nanosPerFractionUnit;
    private final Packet packet = new Packet();

    PcapReader(ChannelInput in) throws IOException {
        this.in = in;
        int present = in.require(HEADER_LENGTH);
        if (present < HEADER_LENGTH) {
            throw error("truncated pcap file header", 0,
                    "24 bytes needed, " + present + " present");
        }
        in.order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.int32(HEADER_MAGIC);
        if (magic == MAGIC_MICROS_SWAPPED || magic == MAGIC_NANOS_SWAPPED) {
            in.order(ByteOrder.BIG_ENDIAN);
            magic = Integer.reverseBytes(magic);
        }
        if (magic == MAGIC_MICROS) {
            nanosPerFractionUnit = NANOS_PER_MICRO;
        } else if (magic == MAGIC_NANOS) {
            nanosPerFractionUnit = 1;
        } else {
            throw error("not a pcap file", 0, String.format("magic 0x%08x", magic));
        }
        int major = in.uint16(HEADER_VERSION_MAJOR);
        int minor = in.uint16(HEADER_VERSION_MINOR);
        if (major != VERSION_MAJOR) {
            throw error("unsupported pcap version", HEADER_VERSION_MAJOR, major + "." + minor + ", expected 2.x");
        }
        long snaplen = in.uint32(HEADER_SNAPLEN);
        int linkType = in.int32(HEADER_LINKTYPE) & LINKTYPE_MASK;
        interfaces = List.of(InterfaceDescription.of(linkType, (int) Math.min(snaplen, Integer.MAX_VALUE)));
        in.advance(HEADER_LENGTH);
    }

    /**
     * Returns the next packet, or null at the end of the file. The returned holder and its data
     * are valid until the next call (like {@code pcap_next_ex}).
     *
     * @throws CaptureFileException on a truncated or malformed record
     */
    @Override
    public Packet next() throws IOException {
        long offset = in.offset();
        int present = in.require(RECORD_HEADER_LENGTH);
        if (present == 0) {
            return null;
        }
        if (present < RECORD_HEADER_LENGTH) {
            throw error("truncated dump file: partial packet record header", offset,
                    "16 bytes needed, " + present + " present");
        }
        long capturedLength = in.uint32(RECORD_CAPTURED_LENGTH);
        long originalLength = in.uint32(RECORD_ORIGINAL_LENGTH);
        if (capturedLength > MAX_PACKET) {
            throw error("packet record captured length too large", offset,
                    capturedLength + " bytes, limit " + MAX_PACKET);
        }
        if (originalLength > Integer.MAX_VALUE) {
            throw error("packet record original length too large", offset, originalLength + " bytes");
        }
        int recordLength = RECORD_HEADER_LENGTH + (int) capturedLength;
        present = in.require(recordLength);
        if (present < recordLength) {
            throw error("truncated dump file: partial packet data", offset,
                    "header says " + capturedLength + " bytes, " + (present - RECORD_HEADER_LENGTH) + " present");
        }
        long seconds = in.uint32(RECORD_TS_SECONDS);
        long fraction = in.uint32(RECORD_TS_FRACTION);
        long nanos = seconds * NANOS_PER_SECOND + fraction * nanosPerFractionUnit;
        packet.set(nanos, (int) capturedLength, (int) originalLength, 0, interfaces.getFirst().linkType(),
                in.segment(), in.position() + RECORD_HEADER_LENGTH);
        in.advance(recordLength);
        return packet;
    }

    /** The single interface described by the file header. */
    @Override
    public List<InterfaceDescription> interfaces() {
        return interfaces;
    }

    /** True if the file stores nanosecond timestamps (magic {@code A1B23C4D}). */
    public boolean nanosecondTimestamps() {
        return nanosPerFractionUnit == 1;
    }

    private CaptureFileException error(String problem, long offset, String detail) {
        return new CaptureFileException(in.name(), offset, problem, detail);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
