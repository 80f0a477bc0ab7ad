package org.tapline.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One live libpcap handle (pcap_create/pcap_activate), in non-blocking mode: {@link #next}
 * never waits, {@link #await} polls the handle's selectable fd together with a wake-up
 * eventfd. Owns the {@code pcap_t} and the eventfd; {@link #close} is idempotent, wakes a
 * waiting capture thread and waits for it to leave before pcap_close.
 *
 * <p>Threads: one capture thread calls {@link #next} and {@link #await} (and reads the packet
 * accessors); any thread may call {@link #inject}, {@link #setFilter}, {@link #stats},
 * {@link #wakeUp} and {@link #close}. {@code captureLock} is held inside {@link #next} and
 * {@link #nextBatch}, {@code pollLock} inside {@link #await}: while the capture thread waits,
 * another thread may take ready packets with {@link #tryNextBatch}. Timestamps are taken at nanosecond precision (pcap_set_tstamp_precision).
 */
public final class PcapHandle implements AutoCloseable {
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_FILTER = 26;

    /** Capture direction, pcap_setdirection(3). */
    public enum Direction { INOUT, IN, OUT }

    /** What pcap_create/pcap_activate are told; {@code timeoutMillis} is the buffer timeout. */
    public record Options(int snaplen, boolean promiscuous, boolean immediate, int bufferSize,
                          int timeoutMillis, Direction direction) {
        public static Options defaults() {
            return new Options(262144, true, true, 4 << 20, 1000, Direction.INOUT);
        }

        public Options withSnaplen(int s) {
            return new Options(s, promiscuous, immediate, bufferSize, timeoutMillis, direction);
        }

        public Options withPromiscuous(boolean p) {
            return new Options(snaplen, p, immediate, bufferSize, timeoutMillis, direction);
        }

        public Options withImmediate(boolean i) {
            return new Options(snaplen, promiscuous, i, bufferSize, timeoutMillis, direction);
        }

        public Options withBufferSize(int b) {
            return new Options(snaplen, promiscuous, immediate, b, timeoutMillis, direction);
        }

        /** The buffer timeout: how long the kernel may hold a packet before handing its block over. */
        public Options withTimeout(int millis) {
            return new Options(snaplen, promiscuous, immediate, bufferSize, millis, direction);
        }

        public Options withDirection(Direction d) {
            return new Options(snaplen, promiscuous, immediate, bufferSize, timeoutMillis, d);
        }
    }

    private final String device;
    private final MemorySegment pcap;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment headerPtr = arena.allocate(ADDRESS);
    private final MemorySegment dataPtr = arena.allocate(ADDRESS);
    private final MemorySegment pollFds = arena.allocate(2 * Libc.POLLFD_SIZE, 8);
    private final MemorySegment pollState = Libc.newCallState(arena);
    private final MemorySegment wakeValue = arena.allocate(JAVA_LONG);
    private int wakeFd = -1;
    private final ReentrantLock captureLock = new ReentrantLock();
    private final ReentrantLock pollLock = new ReentrantLock();
    private final ReentrantLock filterLock = new ReentrantLock();
    /** Guards {@code sendScratch}: the native copy of heap frames handed to {@link #inject}. */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final MemorySegment sendScratch = arena.allocate(262144 + 64, 64);
    private volatile boolean closed;
    private MemorySegment header = MemorySegment.NULL;
    private MemorySegment data = MemorySegment.NULL;

    private PcapHandle(String device, MemorySegment pcap) {
        this.device = device;
        this.pcap = pcap;
    }

    /** Opens and activates a live capture on {@code device}. */
    public static PcapHandle openLive(String device, Options o) throws IOException {
        LibPcap.require();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(LibPcap.ERRBUF_SIZE);
            MemorySegment p = (MemorySegment) LibPcap.CREATE.invokeExact(a.allocateFrom(device), err);
            if (p.equals(MemorySegment.NULL)) {
                throw new NativeException("pcap_create", device, 0, err.getString(0));
            }
            PcapHandle h = new PcapHandle(device, p);
            try {
                h.configure(o);
                return h;
            } catch (IOException | RuntimeException e) {
                h.close();
                throw e;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private void configure(Options o) throws Throwable {
        setting("pcap_set_snaplen", (int) LibPcap.SET_SNAPLEN.invokeExact(pcap, o.snaplen()));
        setting("pcap_set_promisc", (int) LibPcap.SET_PROMISC.invokeExact(pcap, o.promiscuous() ? 1 : 0));
        setting("pcap_set_immediate_mode", (int) LibPcap.SET_IMMEDIATE.invokeExact(pcap, o.immediate() ? 1 : 0));
        setting("pcap_set_buffer_size", (int) LibPcap.SET_BUFFER_SIZE.invokeExact(pcap, o.bufferSize()));
        setting("pcap_set_timeout", (int) LibPcap.SET_TIMEOUT.invokeExact(pcap, o.timeoutMillis()));
        setting("pcap_set_tstamp_precision",
                (int) LibPcap.SET_TSTAMP_PRECISION.invokeExact(pcap, LibPcap.PCAP_TSTAMP_PRECISION_NANO));
        int rc = (int) LibPcap.ACTIVATE.invokeExact(pcap);
        if (rc < 0) {
            String detail = LibPcap.geterr(pcap);
            String status = LibPcap.statusText(rc);
            String reason = detail == null || detail.isBlank() ? status : detail;
            if (rc == -8 /* PCAP_ERROR_PERM_DENIED */ && !reason.contains("root")) {
                reason += " (no permission to capture: run as root or grant CAP_NET_RAW)";
            }
            throw new NativeException("pcap_activate", device, 0, reason);
        }
        if (o.direction() != Direction.INOUT) {
            setting("pcap_setdirection", (int) LibPcap.SETDIRECTION.invokeExact(pcap, o.direction().ordinal()));
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(LibPcap.ERRBUF_SIZE);
            if ((int) LibPcap.SETNONBLOCK.invokeExact(pcap, 1, err) < 0) {
                throw new NativeException("pcap_setnonblock", device, 0, err.getString(0));
            }
        }
        int fd = (int) LibPcap.GET_SELECTABLE_FD.invokeExact(pcap);
        if (fd < 0) {
            throw new NativeException("pcap_get_selectable_fd", device, 0, "device has no selectable fd");
        }
        wakeFd = Libc.check((int) Libc.EVENTFD.invokeExact(pollState, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC),
                "eventfd", device, pollState);
        pollFds.set(JAVA_INT, 0, fd);
        pollFds.set(JAVA_SHORT, 4, Libc.POLLIN);
        pollFds.set(JAVA_INT, Libc.POLLFD_SIZE, wakeFd);
        pollFds.set(JAVA_SHORT, Libc.POLLFD_SIZE + 4, Libc.POLLIN);
    }

    /**
     * Waits up to {@code timeoutMillis} for the handle to become readable.
     *
     * @return false once the handle is closed or {@link #wakeUp} was called, true otherwise
     *         (readable or timed out: call {@link #next} either way, as libpcap's TPACKET_V3
     *         blocks become visible on their timeout)
     */
    public boolean await(int timeoutMillis) throws IOException {
        pollLock.lock();
        try {
            if (closed) {
                return false;
            }
            int rc = (int) Libc.POLL.invokeExact(pollState, pollFds, 2L, timeoutMillis);
            if (rc < 0 && Libc.errno(pollState) != Errno.EINTR) {
                throw Libc.failure("poll", device, pollState);
            }
            if ((pollFds.get(JAVA_SHORT, Libc.POLLFD_SIZE + 6) & Libc.POLLIN) != 0) {
                long ignored = (long) Libc.READ.invokeExact(pollState, wakeFd, wakeValue, 8L);
                return false;
            }
            if (rc > 0 && (pollFds.get(JAVA_SHORT, 6) & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0) {
                // libpcap in non-blocking mode never polls, so it would not say this itself.
                throw new NativeException("poll", device, 0, Interfaces.exists(device)
                        ? "The interface went down" : "The interface disappeared");
            }
            return !closed;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            pollLock.unlock();
        }
    }

    /**
     * {@link #nextBatch} for a thread other than the capture thread, when the capture thread is
     * not taking packets itself (otherwise 0 at once): packets stay in ring order either way.
     */
    public int tryNextBatch(PacketHandler handler, int max) throws IOException {
        if (!captureLock.tryLock()) {
            return 0;
        }
        try {
            return nextBatch(handler, max);
        } finally {
            captureLock.unlock();
        }
    }

    /** Makes a waiting (or the next) {@link #await} return false. */
    public void wakeUp() {
        if (wakeFd < 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            long ignored = (long) Libc.WRITE.invokeExact(Libc.newCallState(a), wakeFd, one, 8L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private void setting(String call, int rc) throws NativeException {
        if (rc != 0) {
            throw new NativeException(call, device, 0, LibPcap.statusText(rc));
        }
    }

    public String device() {
        return device;
    }

    /** The link type (DLT_*) of the activated handle. */
    public int datalink() {
        try {
            return (int) LibPcap.DATALINK.invokeExact(pcap);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The link types the device offers (pcap_list_datalinks(3)), the current one among them. */
    public int[] datalinks() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment list = a.allocate(ADDRESS);
            int n = (int) LibPcap.LIST_DATALINKS.invokeExact(pcap, list);
            if (n < 0) {
                throw new NativeException("pcap_list_datalinks", device, 0, LibPcap.geterr(pcap));
            }
            MemorySegment values = list.get(ADDRESS, 0).reinterpret((long) n * Integer.BYTES);
            try {
                return values.toArray(JAVA_INT);
            } finally {
                LibPcap.FREE_DATALINKS.invokeExact(values);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Switches the device to another of its link types (pcap_set_datalink(3), tcpdump's -y). */
    public void setDatalink(int dlt) throws IOException {
        try {
            if ((int) LibPcap.SET_DATALINK.invokeExact(pcap, dlt) < 0) {
                throw new NativeException("pcap_set_datalink", device, 0, LibPcap.geterr(pcap));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int snaplen() {
        try {
            return (int) LibPcap.SNAPSHOT.invokeExact(pcap);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Takes the next packet if one is ready (pcap_next_ex, non-blocking). The packet accessors
     * stay valid until the next call.
     *
     * @return 1 for a packet, 0 when none is ready, -1 once closed
     */
    public int next() throws IOException {
        captureLock.lock();
        try {
            if (closed) {
                return -1;
            }
            int rc = (int) LibPcap.NEXT_EX.invokeExact(pcap, headerPtr, dataPtr);
            if (rc == 1) {
                header = headerPtr.get(ADDRESS, 0).reinterpret(LibPcap.PKTHDR_SIZE);
                data = dataPtr.get(ADDRESS, 0).reinterpret(header.get(JAVA_INT, LibPcap.PKTHDR_CAPLEN) & 0xffffffffL);
                return 1;
            }
            if (rc == 0) {
                return 0;
            }
            if (rc == LibPcap.PCAP_ERROR_BREAK) {
                return -1;
            }
            throw new NativeException("pcap_next_ex", device, 0, LibPcap.geterr(pcap));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            captureLock.unlock();
        }
    }

    public long timestampNanos() {
        return header.get(JAVA_LONG, LibPcap.PKTHDR_TS_SEC) * 1_000_000_000L + header.get(JAVA_LONG, LibPcap.PKTHDR_TS_FRAC);
    }

    public int capturedLength() {
        return header.get(JAVA_INT, LibPcap.PKTHDR_CAPLEN);
    }

    public int originalLength() {
        return header.get(JAVA_INT, LibPcap.PKTHDR_LEN);
    }

    /** The current packet's bytes, in libpcap's buffer: copy them before the next call. */
    public MemorySegment data() {
        return data;
    }

    /** Receives packets straight from libpcap's buffer; {@code data} is valid only during the call. */
    @FunctionalInterface
    public interface PacketHandler {
        void packet(long timestampNanos, int originalLength, MemorySegment data) throws IOException;
    }

    /**
     * Hands up to {@code max} ready packets to {@code handler} without copying them (a
     * pcap_next_ex loop under one lock acquisition: no upcalls).
     *
     * @return the number handed over (0: none ready), -1 once closed
     */
    public int nextBatch(PacketHandler handler, int max) throws IOException {
        captureLock.lock();
        try {
            if (closed) {
                return -1;
            }
            int n = 0;
            while (n < max) {
                int rc = (int) LibPcap.NEXT_EX.invokeExact(pcap, headerPtr, dataPtr);
                if (rc == 0) {
                    break;
                }
                if (rc != 1) {
                    throw new NativeException("pcap_next_ex", device, 0, LibPcap.geterr(pcap));
                }
                MemorySegment h = headerPtr.get(ADDRESS, 0).reinterpret(LibPcap.PKTHDR_SIZE);
                long ts = h.get(JAVA_LONG, LibPcap.PKTHDR_TS_SEC) * 1_000_000_000L + h.get(JAVA_LONG, LibPcap.PKTHDR_TS_FRAC);
                MemorySegment d = dataPtr.get(ADDRESS, 0).reinterpret(h.get(JAVA_INT, LibPcap.PKTHDR_CAPLEN) & 0xffffffffL);
                handler.packet(ts, h.get(JAVA_INT, LibPcap.PKTHDR_LEN), d);
                n++;
            }
            return n;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            captureLock.unlock();
        }
    }

    /** Sends one frame out of the interface (pcap_inject). */
    public void inject(MemorySegment frame) throws IOException {
        if (!frame.isNative()) {
            sendLock.lock();
            try {
                if (frame.byteSize() > sendScratch.byteSize()) {
                    throw new IOException(device + ": a " + frame.byteSize() + "-byte frame is larger than " + sendScratch.byteSize());
                }
                MemorySegment.copy(frame, 0, sendScratch, 0, frame.byteSize());
                inject(sendScratch.asSlice(0, frame.byteSize()));
                return;
            } finally {
                sendLock.unlock();
            }
        }
        try {
            int rc = (int) LibPcap.INJECT.invokeExact(pcap, frame, frame.byteSize());
            if (rc < 0) {
                throw new NativeException("pcap_inject", device, 0, LibPcap.geterr(pcap));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Compiles a tcpdump filter expression with libpcap's compiler and installs it. */
    public void setFilter(String expression) throws IOException {
        filterLock.lock();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(LibPcap.BPF_PROGRAM_SIZE, 8);
            int rc = (int) LibPcap.COMPILE.invokeExact(pcap, prog, a.allocateFrom(expression), 1, LibPcap.PCAP_NETMASK_UNKNOWN);
            if (rc < 0) {
                throw new NativeException("filter '" + expression + "'", device, 0, LibPcap.geterr(pcap));
            }
            try {
                rc = (int) LibPcap.SETFILTER.invokeExact(pcap, prog);
                if (rc < 0) {
                    throw new NativeException("pcap_setfilter", device, 0, LibPcap.geterr(pcap));
                }
            } finally {
                LibPcap.FREECODE.invokeExact(prog);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            filterLock.unlock();
        }
    }

    /**
     * Replaces the program the kernel runs on this handle's socket (SO_ATTACH_FILTER), leaving
     * libpcap's own copy as it is: for programs with Linux ancillary loads (SKF_AD_*), which libpcap
     * cannot run in userland. Call {@link #setFilter(String)} first with the same filter minus those
     * loads: libpcap runs its copy in userland on the packets that passed the old kernel filter.
     */
    public void replaceKernelFilter(BpfProgram program) throws IOException {
        filterLock.lock();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = BpfCodes.toNative(a, program); // struct bpf_program has sock_fprog's layout on Linux
            MemorySegment st = Libc.newCallState(a);
            int fd = pollFds.get(JAVA_INT, 0);
            Libc.check((int) Libc.SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_ATTACH_FILTER, prog, (int) prog.byteSize()),
                    "setsockopt(SO_ATTACH_FILTER)", device, st);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            filterLock.unlock();
        }
    }

    /** Installs an already compiled program (e.g. one received over RPCAP and validated). */
    public void setFilter(BpfProgram program) throws IOException {
        filterLock.lock();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = BpfCodes.toNative(a, program);
            int rc = (int) LibPcap.SETFILTER.invokeExact(pcap, prog);
            if (rc < 0) {
                throw new NativeException("pcap_setfilter", device, 0, LibPcap.geterr(pcap));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            filterLock.unlock();
        }
    }

    /** pcap_stats(3). */
    public PcapStats stats() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(LibPcap.STAT_SIZE, 4);
            int rc = (int) LibPcap.STATS.invokeExact(pcap, s);
            if (rc < 0) {
                throw new NativeException("pcap_stats", device, 0, LibPcap.geterr(pcap));
            }
            return new PcapStats(s.get(JAVA_INT, 0) & 0xffffffffL, s.get(JAVA_INT, 4) & 0xffffffffL,
                    s.get(JAVA_INT, 8) & 0xffffffffL);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        wakeUp();
        pollLock.lock();
        captureLock.lock();
        try {
            LibPcap.CLOSE.invokeExact(pcap);
            if (wakeFd >= 0) {
                Libc.uncheckedClose(wakeFd);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            captureLock.unlock();
            pollLock.unlock();
            arena.close();
        }
    }

}
