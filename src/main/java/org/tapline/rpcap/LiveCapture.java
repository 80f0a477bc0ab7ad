package org.tapline.rpcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import org.tapline.link.FrameSink;
import org.tapline.link.PcapLink;
import org.tapline.os.BpfFilter;
import org.tapline.os.BpfProgram;
import org.tapline.os.PcapHandle;
import org.tapline.os.PcapStats;

/**
 * One running remote capture: a {@link PcapLink} whose packets a named platform thread frames
 * into PACKET messages, many per write, on the {@link DataChannel}. Packets of every connection
 * of the daemon ({@link OwnTraffic}) are left out, unless {@code --capture-own-traffic}: the
 * exclusion is built before STARTCAP is answered (a capture that cannot have it does not start)
 * and renewed when data sockets open and every second. Sampling (SETSAMPLING) is applied here.
 *
 * <p>Threads: the pump thread owns the framer and the counters it updates ({@code sent} is
 * volatile for STATS) and, once started, the exclusion filter; the control thread calls the other methods. {@link #close} stops the
 * pump and waits for it before closing the link and the channel.
 */
final class LiveCapture implements ServerSession.Capture {
    private static final int BATCH = 256;
    private static final int WAIT_MILLIS = 100;
    private static final int WRITE_BUFFER = 512 * 1024;
    private static final long RENEW_NANOS = 1_000_000_000L;

    private final PcapLink link;
    private final DataChannel channel;
    private final int snaplen;
    private final Consumer<String> onFailure;
    private final boolean excludeOwnTraffic;
    /** The own-traffic exclusion (null: none needed or none wanted); made and used by the pump thread only (its arena is confined). */
    private BpfFilter exclusion;
    /** The expression {@link #exclusion} was compiled from. */
    private String excluded;
    private volatile Requests.Sampling sampling = new Requests.Sampling(Rpcap.SAMP_NOSAMP, 0);
    private volatile boolean stopping;
    private volatile long sent;
    private Thread pump;

    /** Fails when the exclusion of the daemon's own traffic cannot be built (then STARTCAP fails). */
    LiveCapture(PcapLink link, DataChannel channel, int snaplen, boolean excludeOwnTraffic, Consumer<String> onFailure)
            throws IOException {
        this.link = link;
        this.channel = channel;
        this.snaplen = snaplen;
        this.excludeOwnTraffic = excludeOwnTraffic;
        this.onFailure = onFailure;
        if (excludeOwnTraffic) {
            // Built once here only to fail STARTCAP if it cannot be; the pump builds its own.
            BpfFilter check = OwnTraffic.compile(OwnTraffic.current(), link.linkType(), snaplen);
            if (check != null) {
                check.close();
            }
        }
    }

    static PcapHandle.Options options(Requests.StartCapture req) {
        int snap = snaplenOf(req);
        int timeout = (int) Math.max(1, Math.min(req.readTimeoutMillis(), 1000));
        return new PcapHandle.Options(snap, (req.flags() & Rpcap.FLAG_PROMISC) != 0, false, 4 << 20, timeout,
                PcapHandle.Direction.INOUT);
    }

    /** 0 or more than 262144 means 262144, as the libpcap client does. */
    static int snaplenOf(Requests.StartCapture req) {
        long s = req.snaplen();
        return s == 0 || s > Rpcap.MAX_SNAPLEN ? Rpcap.MAX_SNAPLEN : (int) s;
    }

    @Override
    public int port() {
        return channel.announcedPort();
    }

    @Override
    public int bufferSize() {
        return 4 << 20;
    }

    @Override
    public void begin() throws IOException {
        channel.open();
        pump = Thread.ofPlatform().name("rpcap-capture-" + link.name()).daemon().start(this::pump);
    }

    /** Builds the exclusion again when data sockets opened or a second went by; false if it cannot be built. */
    private boolean renew(long[] renewed) {
        long opened = DataChannel.OPENED.get();
        long now = System.nanoTime();
        if (opened == renewed[0] && now - renewed[1] < RENEW_NANOS) {
            return true;
        }
        try {
            String e = OwnTraffic.current();
            if (!e.equals(excluded)) {
                BpfFilter fresh = OwnTraffic.compile(e, link.linkType(), snaplen);
                if (exclusion != null) {
                    exclusion.close();
                }
                exclusion = fresh;
                excluded = e;
            }
        } catch (IOException e) {
            onFailure.accept(e.getMessage());
            return false;
        }
        renewed[0] = opened;
        renewed[1] = now;
        return true;
    }

    private void pump() {
        PacketFramer framer = new PacketFramer(ByteBuffer.allocate(Math.max(WRITE_BUFFER, PacketFramer.OVERHEAD + snaplen)));
        long[] counters = new long[2]; // [0] packets seen (for 1-every-N), [1] last forwarded time (first-after-N-ms)
        FrameSink sink = (linkType, ts, len, data) -> forward(framer, counters, ts, len, data);
        long[] renewed = {-1, 0}; // DataChannel.OPENED and System.nanoTime() when the exclusion was last built
        try {
            while (!stopping && (!excludeOwnTraffic || renew(renewed))) {
                int n = link.receive(sink, BATCH, WAIT_MILLIS);
                if (n < 0) {
                    break;
                }
                flush(framer);
            }
        } catch (IOException e) {
            if (!stopping) {
                onFailure.accept(e.getMessage());
            }
        } finally {
            if (exclusion != null) {
                exclusion.close();
                exclusion = null;
            }
        }
    }

    private void forward(PacketFramer framer, long[] counters, long ts, int len, MemorySegment data)
            throws IOException {
        if (exclusion != null && exclusion.matches(data, len)) {
            return;
        }
        Requests.Sampling s = sampling;
        if (s.method() == Rpcap.SAMP_1_EVERY_N && s.value() > 1 && counters[0]++ % s.value() != 0) {
            return;
        }
        if (s.method() == Rpcap.SAMP_FIRST_AFTER_N_MS) {
            if (ts - counters[1] < s.value() * 1_000_000L) {
                return;
            }
            counters[1] = ts;
        }
        if (!framer.fits(data.byteSize())) {
            flush(framer);
        }
        long npkt = sent + 1;
        framer.add(ts, len, npkt, data);
        sent = npkt;
        if (channel.oneMessageEach()) {
            flush(framer);
        }
    }

    private void flush(PacketFramer framer) throws IOException {
        ByteBuffer b = framer.buffer();
        if (b.position() > 0) {
            try {
                channel.send(b);
            } catch (IOException e) {
                // The client closed the data connection: the capture ends quietly, as rpcapd's does.
                stopping = true;
            }
            b.clear();
        }
    }

    @Override
    public void setFilter(BpfProgram program) throws IOException {
        link.setFilter(program);
    }

    @Override
    public void setSampling(Requests.Sampling s) {
        this.sampling = s;
    }

    @Override
    public PcapStats stats() throws IOException {
        return link.stats();
    }

    @Override
    public long sent() {
        return sent;
    }

    @Override
    public void close() {
        stopping = true;
        link.wakeUp();
        if (pump != null) {
            try {
                pump.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        channel.close();
        link.close();
    }
}
