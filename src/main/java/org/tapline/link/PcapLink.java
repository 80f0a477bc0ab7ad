package org.tapline.link;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import org.tapline.os.BpfProgram;
import org.tapline.os.Interfaces;
import org.tapline.os.PcapHandle;
import org.tapline.os.PcapStats;

/**
 * A live interface through libpcap: capture (with a BPF filter), inject, statistics. The
 * receive path copies each packet once, from libpcap's ring into the caller's batch.
 */
public final class PcapLink implements Link {
    /** A poll wait never lasts longer than this, so TPACKET_V3 blocks retired by timeout are seen. */
    private static final int POLL_SLICE_MILLIS = 100;

    private final PcapHandle handle;
    private final String device;
    /** Set by the receiving thread when the last packet taken did not fit its batch. */
    private boolean pending;

    private final int linkType;

    private PcapLink(String device, PcapHandle handle) {
        this.device = device;
        this.handle = handle;
        this.linkType = handle.datalink();
    }

    public static PcapLink open(String device, PcapHandle.Options options) throws IOException {
        return new PcapLink(device, PcapHandle.openLive(device, options));
    }

    /** Opens the device and switches it to link type {@code dlt} (a DLT_* value, tcpdump's -y). */
    public static PcapLink open(String device, PcapHandle.Options options, int dlt) throws IOException {
        PcapHandle h = PcapHandle.openLive(device, options);
        try {
            h.setDatalink(dlt);
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
        return new PcapLink(device, h);
    }

    /** The link types the device offers (tcpdump's -L). */
    public int[] linkTypes() throws IOException {
        return handle.datalinks();
    }

    @Override
    public String name() {
        return device;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return handle.snaplen();
    }

    @Override
    public int mtu() {
        try {
            return Interfaces.mtu(device);
        } catch (IOException e) {
            return handle.snaplen();
        }
    }

    @Override
    public byte[] hardwareAddress() throws IOException {
        return linkType() == 1 ? Interfaces.mac(device) : new byte[0];
    }

    /** Applies a tcpdump filter expression, compiled by libpcap. */
    public void setFilter(String expression) throws IOException {
        handle.setFilter(expression);
    }

    /** See {@link PcapHandle#replaceKernelFilter}. */
    public void replaceKernelFilter(BpfProgram program) throws IOException {
        handle.replaceKernelFilter(program);
    }

    /** Applies an already compiled (and validated) BPF program. */
    public void setFilter(BpfProgram program) throws IOException {
        handle.setFilter(program);
    }

    public PcapStats stats() throws IOException {
        return handle.stats();
    }

    @Override
    public int receive(FrameBatch batch, int timeoutMillis) throws IOException {
        batch.clear();
        if (pending) {
            // libpcap's packet pointer is still valid: no pcap_next_ex since it was taken.
            pending = false;
            batch.add(handle.timestampNanos(), handle.originalLength(), handle.data());
        }
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            int rc = handle.next();
            if (rc == 1) {
                MemorySegment data = handle.data();
                if (!batch.fits(data.byteSize())) {
                    if (batch.isEmpty()) {
                        throw new IOException(device + ": a " + data.byteSize() + "-byte packet is larger than the "
                                + batch.maxFrameBytes() + "-byte receive buffer");
                    }
                    // Keep the packet: it opens the next batch.
                    pending = true;
                    return batch.size();
                }
                batch.add(handle.timestampNanos(), handle.originalLength(), data);
                continue;
            }
            if (rc < 0) {
                return batch.isEmpty() ? -1 : batch.size();
            }
            if (!batch.isEmpty()) {
                return batch.size();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            if (!handle.await((int) Math.min(left / 1_000_000L + 1, POLL_SLICE_MILLIS))) {
                return -1;
            }
        }
    }


    @Override
    public int receive(FrameSink sink, int maxFrames, int timeoutMillis) throws IOException {
        if (pending) {
            throw new IllegalStateException(device + ": a frame kept by receive(FrameBatch) is still pending");
        }
        int linkType = this.linkType;
        PcapHandle.PacketHandler h = (ts, len, data) -> sink.accept(linkType, ts, len, data);
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            int n = handle.nextBatch(h, maxFrames);
            if (n != 0) {
                return n;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            if (!handle.await((int) Math.min(left / 1_000_000L + 1, POLL_SLICE_MILLIS))) {
                return -1;
            }
        }
    }

    /**
     * Frames ready now, taken by a thread other than the receiving one while that one waits (0
     * when it is taking frames itself); see {@link PcapHandle#tryNextBatch}.
     */
    public int receiveNow(FrameSink sink, int maxFrames) throws IOException {
        int linkType = this.linkType;
        return handle.tryNextBatch((ts, len, data) -> sink.accept(linkType, ts, len, data), maxFrames);
    }

    @Override
    public void send(MemorySegment frame) throws IOException {
        handle.inject(frame);
    }

    /** Makes a receive that waits return -1 now; the link stays open. */
    public void wakeUp() {
        handle.wakeUp();
    }

    @Override
    public void close() {
        handle.close();
    }
}
