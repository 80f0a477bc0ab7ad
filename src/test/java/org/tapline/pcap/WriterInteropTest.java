package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Files we write, read back by tcpdump, tshark and ourselves. */
class WriterInteropTest {
    @TempDir
    Path dir;

    private static boolean nanos(CaptureWriter.Format format) {
        return format == CaptureWriter.Format.PCAP_NS || format == CaptureWriter.Format.PCAPNG_NS;
    }

    /** The timestamps a file of this format can hold: microsecond formats truncate. */
    private static List<Sample> stored(List<Sample> samples, CaptureWriter.Format format) {
        return nanos(format) ? samples
                : samples.stream().map(s -> s.withTimestamp(s.timestampNanos() / 1000 * 1000)).toList();
    }

    private Path write(CaptureWriter.Format format, List<Sample> samples) throws IOException {
        Path file = dir.resolve("ours-" + format + ".cap");
        try (CaptureWriter w = CaptureWriter.open(file, format)) {
            assertEquals(0, w.addInterface(new InterfaceDescription(LinkType.ETHERNET, 65535, "eth0", "test NIC")));
            for (Sample s : samples) {
                w.write(0, s.timestampNanos(), s.originalLength(), s.segment());
            }
        }
        return file;
    }

    @ParameterizedTest
    @EnumSource(CaptureWriter.Format.class)
    void tcpdumpReadsWhatWeWrite(CaptureWriter.Format format) throws Exception {
        List<Sample> samples = Sample.varied(1);
        Path file = write(format, samples);
        Peer.assertSame(stored(samples, format), Peer.tcpdump(dir, file), "tcpdump -r " + format);
    }

    @ParameterizedTest
    @EnumSource(CaptureWriter.Format.class)
    void tsharkReadsWhatWeWrite(CaptureWriter.Format format) throws Exception {
        List<Sample> samples = Sample.varied(2);
        Path file = write(format, samples);
        Peer.assertSame(stored(samples, format), Peer.tshark(dir, file), "tshark -r " + format);
    }

    @ParameterizedTest
    @EnumSource(CaptureWriter.Format.class)
    void weReadWhatWeWrite(CaptureWriter.Format format) throws Exception {
        List<Sample> samples = Sample.varied(3);
        Path file = write(format, samples);
        List<Sample> read = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            assertEquals(LinkType.ETHERNET, r.interfaces().getFirst().linkType());
            for (Packet p; (p = r.next()) != null; ) {
                read.add(Sample.of(p));
            }
            assertEquals(1, r.interfaces().size());
            if (format == CaptureWriter.Format.PCAPNG || format == CaptureWriter.Format.PCAPNG_NS) {
                assertEquals(new InterfaceDescription(LinkType.ETHERNET, 65535, "eth0", "test NIC"),
                        r.interfaces().getFirst());
            }
        }
        assertEquals(stored(samples, format), read);
    }

    @Test
    void pcapngWithTwoLinkTypesNamesAndCommentsReadByTshark() throws Exception {
        Path file = dir.resolve("two.pcapng");
        Random random = new Random(4);
        List<Sample> samples = new ArrayList<>();
        try (PcapngWriter w = new PcapngWriter(Files.newByteChannel(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE), true, false)) {
            int eth = w.addInterface(new InterfaceDescription(LinkType.ETHERNET, 0, "eth0", null));
            int raw = w.addInterface(new InterfaceDescription(LinkType.RAW, 1500, "tun0", "a tunnel"));
            for (int i = 0; i < 6; i++) {
                Sample s = i % 2 == 0
                        ? new Sample(eth, Sample.BASE_NANOS + i, 60, Sample.ethernet(random, 60))
                        : new Sample(raw, Sample.BASE_NANOS + i, 28, ipv4(random));
                w.write(s.interfaceId(), s.timestampNanos(), s.originalLength(), s.segment(), "packet " + i);
                samples.add(s);
            }
        }
        Peer.assertSame(samples, Peer.tshark(dir, file), "tshark -r two.pcapng");
        String names = ExternalTool.run(dir, "tshark", "-n", "-r", file.toString(), "-T", "fields",
                "-e", "frame.interface_name", "-e", "frame.comment");
        assertEquals(List.of("eth0\tpacket 0", "tun0\tpacket 1", "eth0\tpacket 2", "tun0\tpacket 3",
                "eth0\tpacket 4", "tun0\tpacket 5"), names.lines().toList());
        String application = ExternalTool.run(dir, "capinfos", "-F", "-k", file.toString());
        assertTrue(application.contains("tapline"), "capinfos shows shb_userappl: " + application);
    }

    /** An IPv4 header with an experimental protocol number (253, RFC 3692) and 8 random bytes. */
    private static byte[] ipv4(Random random) {
        byte[] p = new byte[28];
        random.nextBytes(p);
        byte[] header = {0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, (byte) 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        System.arraycopy(header, 0, p, 0, header.length);
        return p;
    }

    @Test
    void pcapAllowsOneInterfaceOnly() throws IOException {
        try (CaptureWriter w = CaptureWriter.open(new ByteArrayOutputStream(), CaptureWriter.Format.PCAP, false)) {
            w.addInterface(InterfaceDescription.of(LinkType.ETHERNET, 0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.addInterface(InterfaceDescription.of(LinkType.RAW, 0)));
            assertTrue(e.getMessage().contains("one interface"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.write(1, 0, 1, MemorySegment.ofArray(new byte[1])));
        }
    }

    @Test
    void writeRejectsImpossiblePackets() throws IOException {
        try (CaptureWriter w = CaptureWriter.open(new ByteArrayOutputStream(), CaptureWriter.Format.PCAPNG, false)) {
            w.addInterface(InterfaceDescription.of(LinkType.ETHERNET, 0));
            MemorySegment jumbo = MemorySegment.ofArray(new byte[CaptureWriter.MAX_PACKET + 1]);
            assertThrows(IllegalArgumentException.class, () -> w.write(0, 0, CaptureWriter.MAX_PACKET + 1, jumbo));
            MemorySegment ten = MemorySegment.ofArray(new byte[10]);
            assertThrows(IllegalArgumentException.class, () -> w.write(0, 0, 9, ten));
            assertThrows(IllegalArgumentException.class, () -> w.write(0, -1, 10, ten));
            assertThrows(IllegalArgumentException.class, () -> w.write(1, 0, 10, ten));
            w.write(0, 0, CaptureWriter.MAX_PACKET, MemorySegment.ofArray(new byte[CaptureWriter.MAX_PACKET]));
        }
    }

    /** tcpdump -U: with flushEachPacket every record reaches the channel when write returns. */
    @ParameterizedTest
    @EnumSource(CaptureWriter.Format.class)
    void flushEachPacketWritesThrough(CaptureWriter.Format format) throws IOException {
        RecordingChannel live = new RecordingChannel();
        RecordingChannel buffered = new RecordingChannel();
        byte[] frame = Sample.ethernet(new Random(5), 60);
        try (CaptureWriter a = CaptureWriter.open(live, format, true);
             CaptureWriter b = CaptureWriter.open(buffered, format, false)) {
            for (CaptureWriter w : List.of(a, b)) {
                w.addInterface(InterfaceDescription.of(LinkType.ETHERNET, 0));
                w.write(0, Sample.BASE_NANOS, 60, MemorySegment.ofArray(frame));
            }
            assertEquals(0, buffered.bytes.size(), "buffered writer wrote before flush");
            List<Sample> seen = readAll(live.bytes.toByteArray());
            assertEquals(1, seen.size());
            assertArrayEquals(frame, seen.getFirst().data());
            b.flush();
            assertArrayEquals(live.bytes.toByteArray(), buffered.bytes.toByteArray());
        }
        assertTrue(live.closed && buffered.closed);
    }

    private static List<Sample> readAll(byte[] file) throws IOException {
        List<Sample> read = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(new java.io.ByteArrayInputStream(file), "memory")) {
            for (Packet p; (p = r.next()) != null; ) {
                read.add(Sample.of(p));
            }
        }
        return read;
    }

    /** A channel that keeps what is written and writes at most 1000 bytes a call, like a pipe. */
    private static final class RecordingChannel implements WritableByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean closed;

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), 1000);
            for (int i = 0; i < n; i++) {
                bytes.write(src.get());
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
