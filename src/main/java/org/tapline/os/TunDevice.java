package org.tapline.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One open {@code /dev/net/tun} queue attached to a TAP or TUN interface (linux/if_tun.h,
 * Documentation/networking/tuntap.rst). Owns its fd and a wake-up eventfd; {@link #close} is
 * idempotent and wakes a reader blocked in {@link #read}.
 *
 * <p>Threads: one reader thread and one writer thread may use it at once. {@code readLock}
 * is held by the reader for the duration of {@link #read} so that {@link #close} never closes
 * the fd under a running read (no fd-reuse race).
 */
public final class TunDevice implements AutoCloseable {
    // linux/if_tun.h: _IOW('T', 202, int) and friends, x86-64 encodings.
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETPERSIST = 0x400454cbL;
    /** _IOW('T', 208, unsigned int): which offloads the reader takes (TUN_F_*). */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final short IFF_VNET_HDR = 0x4000;
    /** struct virtio_net_hdr, before each frame read or written when the device has {@code IFF_VNET_HDR}. */
    public static final int VNET_HDR = 10;
    public static final int TUN_F_CSUM = 0x01;
    public static final int TUN_F_TSO4 = 0x02;
    public static final int TUN_F_TSO6 = 0x04;
    public static final int TUN_F_TSO_ECN = 0x08;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    private static final long EVENTFD_VALUE = 8;
    /** Largest frame a TAP carries: a 64 KiB IP packet plus an Ethernet header with two tags. */
    public static final int MAX_FRAME = 65535 + 22;

    /** TAP carries Ethernet frames; TUN carries raw IP packets. */
    public enum Mode { TAP, TUN }

    private final String name;
    private final Mode mode;
    private final boolean vnetHeader;
    private final int fd;
    private final int wakeFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readState = Libc.newCallState(arena);
    private final MemorySegment writeState = Libc.newCallState(arena);
    private final MemorySegment pollFds = arena.allocate(2 * Libc.POLLFD_SIZE, 8);
    private final MemorySegment wakeValue = arena.allocate(JAVA_LONG);
    /** Native copy of heap frames handed to {@link #write}; used by the writer thread only. */
    private final MemorySegment writeScratch = arena.allocate(MAX_FRAME + VNET_HDR, 64);
    private final ReentrantLock readLock = new ReentrantLock();
    private volatile boolean closed;

    private TunDevice(String name, Mode mode, boolean vnetHeader, int fd, int wakeFd) {
        this.name = name;
        this.mode = mode;
        this.vnetHeader = vnetHeader;
        this.fd = fd;
        this.wakeFd = wakeFd;
        pollFds.set(JAVA_INT, 0, fd);
        pollFds.set(JAVA_SHORT, 4, Libc.POLLIN);
        pollFds.set(JAVA_INT, Libc.POLLFD_SIZE, wakeFd);
        pollFds.set(JAVA_SHORT, Libc.POLLFD_SIZE + 4, Libc.POLLIN);
    }

    /**
     * Creates the interface, or attaches to an existing persistent one, by name. A name with
     * {@code %d} lets the kernel pick the number ({@code tap%d}); {@link #name()} tells which.
     */
    public static TunDevice open(String requestedName, Mode mode) throws IOException {
        return open(requestedName, mode, false);
    }

    /**
     * As {@link #open(String, Mode)}; with {@code vnetHeader} every frame read or written is led by
     * a {@link #VNET_HDR}-byte virtio_net_hdr, which lets {@link #setOffloads} hand over segmentation
     * (GSO super-frames) and checksums.
     */
    public static TunDevice open(String requestedName, Mode mode, boolean vnetHeader) throws IOException {
        if (requestedName.getBytes().length >= Ifreq.NAME_SIZE) {
            throw new IllegalArgumentException("interface name '" + requestedName + "' is longer than 15 bytes");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(a);
            int fd = (int) Libc.OPEN.invokeExact(st, Libc.cString(a, "/dev/net/tun"), Libc.O_RDWR | Libc.O_CLOEXEC, 0);
            if (fd < 0) {
                throw Libc.failure("open(/dev/net/tun)", requestedName, st);
            }
            MemorySegment ifr = Ifreq.allocate(a, requestedName);
            ifr.set(JAVA_SHORT, Ifreq.UNION, (short) ((mode == Mode.TAP ? IFF_TAP : IFF_TUN) | IFF_NO_PI | (vnetHeader ? IFF_VNET_HDR : 0)));
            if ((int) Libc.IOCTL_PTR.invokeExact(st, fd, TUNSETIFF, ifr) < 0) {
                NativeException e = Libc.failure("ioctl(TUNSETIFF)", requestedName, st);
                Libc.uncheckedClose(fd);
                throw e;
            }
            int flags = Libc.check((int) Libc.FCNTL.invokeExact(st, fd, Libc.F_GETFL, 0), "fcntl(F_GETFL)", requestedName, st);
            Libc.check((int) Libc.FCNTL.invokeExact(st, fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK), "fcntl(F_SETFL)", requestedName, st);
            int wake = (int) Libc.EVENTFD.invokeExact(st, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (wake < 0) {
                NativeException e = Libc.failure("eventfd", requestedName, st);
                Libc.uncheckedClose(fd);
                throw e;
            }
            return new TunDevice(Ifreq.name(ifr), mode, vnetHeader, fd, wake);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public String name() {
        return name;
    }

    public Mode mode() {
        return mode;
    }

    public boolean vnetHeader() {
        return vnetHeader;
    }

    /**
     * The offloads this reader takes (TUN_F_* flags; 0 for none): with TSO the kernel hands over
     * TCP super-frames of up to 64 KiB, with CSUM frames whose checksum is still to be completed,
     * both described by the frame's virtio_net_hdr. Needs {@code vnetHeader}.
     */
    public void setOffloads(int flags) throws IOException {
        try {
            Libc.check((int) Libc.IOCTL_LONG.invokeExact(writeState, fd, TUNSETOFFLOAD, (long) flags),
                    "ioctl(TUNSETOFFLOAD)", name, writeState);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Keeps the interface after close (TUNSETPERSIST), or lets it go with the last fd. */
    public void setPersistent(boolean persistent) throws IOException {
        try {
            Libc.check((int) Libc.IOCTL_LONG.invokeExact(writeState, fd, TUNSETPERSIST, persistent ? 1L : 0L),
                    "ioctl(TUNSETPERSIST)", name, writeState);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: forever) for a frame and reads it into {@code into}.
     *
     * @return the frame length, 0 on timeout, -1 once the device is closed
     */
    public int read(MemorySegment into, int timeoutMillis) throws IOException {
        readLock.lock();
        try {
            while (!closed) {
                long n = (long) Libc.READ.invokeExact(readState, fd, into, into.byteSize());
                if (n >= 0) {
                    return (int) n;
                }
                int e = Libc.errno(readState);
                if (e == Errno.EINTR) {
                    continue;
                }
                if (e != Errno.EAGAIN) {
                    throw new NativeException("read", name, e, Libc.strerror(e));
                }
                int ready = (int) Libc.POLL.invokeExact(readState, pollFds, 2L, timeoutMillis);
                if (ready == 0) {
                    return 0;
                }
                if (ready < 0 && Libc.errno(readState) != Errno.EINTR) {
                    throw Libc.failure("poll", name, readState);
                }
            }
            return -1;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            readLock.unlock();
        }
    }

    /** Reads a frame if one is ready, without waiting: length, 0 if none, -1 once closed. */
    public int readNow(MemorySegment into) throws IOException {
        if (closed) {
            return -1;
        }
        try {
            long n = (long) Libc.READ.invokeExact(readState, fd, into, into.byteSize());
            if (n >= 0) {
                return (int) n;
            }
            int e = Libc.errno(readState);
            if (e == Errno.EAGAIN || e == Errno.EINTR) {
                return 0;
            }
            throw new NativeException("read", name, e, Libc.strerror(e));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Writes one frame. The kernel takes a whole frame or nothing; a full queue (EAGAIN) is
     * retried after waiting for POLLOUT so that nothing is dropped silently.
     */
    public void write(MemorySegment frame) throws IOException {
        if (!frame.isNative()) {
            if (frame.byteSize() > writeScratch.byteSize()) {
                throw new IllegalArgumentException("a " + frame.byteSize() + "-byte frame is larger than a TAP carries");
            }
            MemorySegment.copy(frame, 0, writeScratch, 0, frame.byteSize());
            frame = writeScratch.asSlice(0, frame.byteSize());
        }
        try {
            while (true) {
                long n = (long) Libc.WRITE.invokeExact(writeState, fd, frame, frame.byteSize());
                if (n >= 0) {
                    return;
                }
                int e = Libc.errno(writeState);
                if (e == Errno.EINTR) {
                    continue;
                }
                if (e != Errno.EAGAIN || closed) {
                    throw new NativeException("write", name, e, Libc.strerror(e));
                }
                waitWritable();
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private void waitWritable() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(Libc.POLLFD_SIZE, 8);
            p.set(JAVA_INT, 0, fd);
            p.set(JAVA_SHORT, 4, Libc.POLLOUT);
            int rc = (int) Libc.POLL.invokeExact(writeState, p, 1L, 100);
            if (rc < 0 && Libc.errno(writeState) != Errno.EINTR) {
                throw Libc.failure("poll", name, writeState);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            wakeValue.set(JAVA_LONG, 0, 1L);
            long ignored = (long) Libc.WRITE.invokeExact(writeState, wakeFd, wakeValue, EVENTFD_VALUE);
        } catch (Throwable t) {
            // the reader still sees 'closed' at its next poll timeout
        }
        readLock.lock();
        try {
            Libc.uncheckedClose(fd);
            Libc.uncheckedClose(wakeFd);
        } finally {
            readLock.unlock();
        }
        arena.close();
    }
}
