package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** The hot paths (write, next) allocate nothing per packet once the buffers exist. */
class AllocationTest {
    private static final int PACKETS = 20_000;
    /** Generous: a handful of one-off objects (channel internals, buffer growth) over 20k packets. */
    private static final long MAX_BYTES_PER_PACKET = 8;

    @TempDir
    Path dir;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    @ParameterizedTest
    @EnumSource(CaptureWriter.Format.class)
    void writeAndNextDoNotAllocatePerPacket(CaptureWriter.Format format) throws Exception {
        Path file = dir.resolve("alloc.cap");
        MemorySegment frame = MemorySegment.ofArray(Sample.ethernet(new Random(40), 1514));
        long writeBytes;
        try (CaptureWriter w = CaptureWriter.open(file, format)) {
            w.addInterface(InterfaceDescription.of(LinkType.ETHERNET, 0));
            long before = allocatedBytes();
            for (int i = 0; i < PACKETS; i++) {
                w.write(0, Sample.BASE_NANOS + i, 1514, frame);
            }
            writeBytes = allocatedBytes() - before;
        }
        long readBytes;
        long total = 0;
        try (CaptureReader r = CaptureReader.open(file)) {
            long before = allocatedBytes();
            for (Packet p; (p = r.next()) != null; ) {
                total += p.capturedLength();
            }
            readBytes = allocatedBytes() - before;
        }
        assertEquals(PACKETS * 1514L, total);
        assertTrue(writeBytes < PACKETS * MAX_BYTES_PER_PACKET, "write allocated " + writeBytes + " bytes");
        assertTrue(readBytes < PACKETS * MAX_BYTES_PER_PACKET, "next allocated " + readBytes + " bytes");
    }
}
