package org.tapline.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A compiled filter run by libpcap's own BPF interpreter (pcap_offline_filter(3)), for packets
 * that do not come from a live handle: capture files, remote captures. Not thread-safe: one
 * owner thread; its native scratch buffers are reused for every packet.
 */
public final class BpfFilter implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment program;
    private final MemorySegment header = arena.allocate(LibPcap.PKTHDR_SIZE, 8);
    private final MemorySegment scratch;

    private BpfFilter(BpfProgram p, int snaplen) {
        this.program = BpfCodes.toNative(arena, p);
        this.scratch = arena.allocate(Math.max(snaplen, 1), 8);
    }

    /** Compiles {@code expression} for {@code linkType} with libpcap's compiler. */
    public static BpfFilter compile(int linkType, int snaplen, String expression) throws IOException {
        return new BpfFilter(BpfCodes.compile(linkType, snaplen, expression), snaplen);
    }

    /** True when the program accepts the packet (returns a non-zero snapshot length). */
    public boolean matches(MemorySegment data, int originalLength) {
        long n = Math.min(data.byteSize(), scratch.byteSize());
        MemorySegment pkt = data;
        if (!data.isNative()) {
            MemorySegment.copy(data, 0, scratch, 0, n);
            pkt = scratch;
        }
        header.set(JAVA_LONG, LibPcap.PKTHDR_TS_SEC, 0L);
        header.set(JAVA_LONG, LibPcap.PKTHDR_TS_FRAC, 0L);
        header.set(JAVA_INT, LibPcap.PKTHDR_CAPLEN, (int) n);
        header.set(JAVA_INT, LibPcap.PKTHDR_LEN, originalLength);
        try {
            return (int) LibPcap.OFFLINE_FILTER.invokeExact(program, header, pkt) != 0;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
