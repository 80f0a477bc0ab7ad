package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files no tool here writes (big-endian, several sections, exotic if_tsresol, Simple and
 * obsolete Packet Blocks, unknown blocks), built byte by byte and read by us and by tshark.
 */
class HandMadeFileReadTest {
    private static final long SECONDS = 1_700_000_000L;

    @TempDir
    Path dir;

    private final Random random = new Random(20);

    private Path save(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private void assertTsharkAgrees(List<Sample> expected, Path file) throws Exception {
        List<Sample> ours = Sample.readAll(file);
        assertEquals(expected, ours, "our reading of " + file.getFileName());
        Peer.assertSame(ours, Peer.tshark(dir, file), "tshark vs us on " + file.getFileName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"BIG_ENDIAN", "LITTLE_ENDIAN"})
    void pcapngWithTwoInterfacesResolutionsOffsetsAndSkippedBlocks(String byteOrder) throws Exception {
        ByteOrder order = byteOrder.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] a = Sample.ethernet(random, 60);
        byte[] b = Sample.ethernet(random, 1514);
        byte[] c = Sample.ethernet(random, 77);
        // interface 0: 2^-20 s ticks; fractions that are multiples of 2^14 ticks are exact in ns (1/64 s).
        long binaryTicks = SECONDS << 20 | 5L << 14;
        // interface 1: 10^-3 s ticks with if_tsoffset 100 s.
        long milliTicks = SECONDS * 1000 + 250;
        byte[] file = new PcapngBuilder().section(order)
                .interfaceBlock(LinkType.ETHERNET, 0, 0x80 | 20, null, "eth0")
                .nameResolutionAndStatistics()
                .interfaceBlock(LinkType.ETHERNET, 65535, 3, 100L, "eth1")
                .block(0x00000BAD, new byte[] {0, 0, 0x7e, (byte) 0xd9, 1, 2, 3, 4}) // custom block, PEN 32473
                .enhancedPacket(0, binaryTicks, 60, a)
                .enhancedPacket(1, milliTicks, 9000, b)
                .obsoletePacket(1, milliTicks + 1, 77, c)
                .bytes();
        List<Sample> expected = List.of(
                new Sample(0, SECONDS * 1_000_000_000L + 5 * 15_625_000L, 60, a),
                new Sample(1, (SECONDS + 100) * 1_000_000_000L + 250_000_000L, 9000, b),
                new Sample(1, (SECONDS + 100) * 1_000_000_000L + 251_000_000L, 77, c));
        assertTsharkAgrees(expected, save("hand-" + byteOrder + ".pcapng", file));
        try (CaptureReader r = CaptureReader.open(save("again.pcapng", file))) {
            assertEquals(List.of(new InterfaceDescription(LinkType.ETHERNET, 0, "eth0", null),
                    new InterfaceDescription(LinkType.ETHERNET, 65535, "eth1", null)), r.interfaces());
        }
    }

    /** Three sections in alternating byte orders; interface ids count across sections. */
    @Test
    void severalSectionsInBothByteOrders() throws Exception {
        byte[] a = Sample.ethernet(random, 64);
        byte[] b = Sample.ethernet(random, 100);
        byte[] c = Sample.ethernet(random, 200);
        PcapngBuilder builder = new PcapngBuilder();
        builder.section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(LinkType.ETHERNET, 0, 9, null, null)
                .enhancedPacket(0, SECONDS * 1_000_000_000L + 1, 64, a);
        builder.section(ByteOrder.BIG_ENDIAN).interfaceBlock(LinkType.ETHERNET, 0, null, null, null)
                .interfaceBlock(LinkType.ETHERNET, 0, 9, null, null)
                .enhancedPacket(1, SECONDS * 1_000_000_000L + 2, 100, b)
                .enhancedPacket(0, SECONDS * 1_000_000L + 3, 100, b);
        builder.section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(LinkType.ETHERNET, 0, null, null, null)
                .enhancedPacket(0, SECONDS * 1_000_000L + 4, 200, c);
        List<Sample> expected = List.of(
                new Sample(0, SECONDS * 1_000_000_000L + 1, 64, a),
                new Sample(2, SECONDS * 1_000_000_000L + 2, 100, b),
                new Sample(1, SECONDS * 1_000_000_000L + 3_000, 100, b),
                new Sample(3, SECONDS * 1_000_000_000L + 4_000, 200, c));
        Path file = save("sections.pcapng", builder.bytes());
        assertEquals(expected, Sample.readAll(file));
        // tshark 4.0 reports frame.interface_id relative to the section; ours index interfaces().
        List<Sample> sectionLocal = List.of(expected.get(0), expected.get(1).withInterface(1),
                expected.get(2).withInterface(0), expected.get(3).withInterface(0));
        Peer.assertSame(sectionLocal, Peer.tshark(dir, file), "tshark on sections.pcapng");
        try (CaptureReader r = CaptureReader.open(file)) {
            Sample.readAll(r);
            assertEquals(4, r.interfaces().size());
        }
    }

    /** §4.4: a Simple Packet Block's captured length is min(original length, snaplen of IDB 0). */
    @Test
    void simplePacketBlocksFollowInterfaceZeroSnaplen() throws Exception {
        byte[] big = Sample.ethernet(random, 128);
        byte[] small = Sample.ethernet(random, 50);
        byte[] file = new PcapngBuilder().section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 96, null, null, null)
                .simplePacket(128, java.util.Arrays.copyOf(big, 96))
                .simplePacket(50, small)
                .bytes();
        List<Sample> ours = Sample.readAll(save("spb.pcapng", file));
        assertEquals(List.of(new Sample(0, 0, 128, java.util.Arrays.copyOf(big, 96)), new Sample(0, 0, 50, small)),
                ours);
        List<Peer.Frame> tshark = Peer.tshark(dir, dir.resolve("spb.pcapng"));
        assertEquals(2, tshark.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(ours.get(i).originalLength(), tshark.get(i).length());
            assertEquals(ours.get(i).hex(), tshark.get(i).hex());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bigEndianPcapReadByTcpdumpTsharkAndUs(boolean nanos) throws Exception {
        List<Sample> samples = Sample.varied(21);
        if (!nanos) {
            samples = samples.stream().map(s -> s.withTimestamp(s.timestampNanos() / 1000 * 1000)).toList();
        }
        ByteArrayOutputStream le = new ByteArrayOutputStream();
        try (CaptureWriter w = new PcapWriter(java.nio.channels.Channels.newChannel(le), nanos, false)) {
            w.addInterface(InterfaceDescription.of(LinkType.ETHERNET, 0));
            for (Sample s : samples) {
                w.write(0, s.timestampNanos(), s.originalLength(), s.segment());
            }
        }
        Path file = save("be.pcap", PcapngBuilder.pcapToBigEndian(le.toByteArray()));
        assertEquals((byte) (nanos ? 0x4D : 0xD4), Files.readAllBytes(file)[3], "big-endian magic");
        assertTsharkAgrees(samples, file);
        Peer.assertSame(samples, Peer.tcpdump(dir, file), "tcpdump on big-endian pcap");
    }

    @Test
    void readsFromAStreamThatDeliversFewBytesAtATime() throws Exception {
        List<Sample> samples = Sample.varied(22).stream().map(s -> s.withInterface(0)).toList();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CaptureWriter w = CaptureWriter.open(bytes, CaptureWriter.Format.PCAPNG_NS, false)) {
            w.addInterface(InterfaceDescription.of(LinkType.ETHERNET, 0));
            for (Sample s : samples) {
                w.write(0, s.timestampNanos(), s.originalLength(), s.segment());
            }
        }
        java.io.InputStream trickle = new java.io.ByteArrayInputStream(bytes.toByteArray()) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        List<Sample> read = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(trickle, "stdin")) {
            read.addAll(Sample.readAll(r));
        }
        assertEquals(samples, read);
    }
}
