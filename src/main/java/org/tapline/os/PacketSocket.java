package org.tapline.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A send-only AF_PACKET socket on one interface that takes frames led by a virtio_net_hdr
 * (PACKET_VNET_HDR, packet(7)), so one send can carry a TCP super-frame the kernel segments and
 * checksums on its way out, as it does for a virtual machine's NIC.
 *
 * <p>Its frames carry the mark {@link #MARK} (SO_MARK): a capture on the same interface
 * leaves them out with {@link #leavingOut}, so a puppet never reads back what it sent (a packet
 * socket skips only its own frames, and these are not the capture's). It binds to protocol 0, so
 * it receives nothing. One sending thread.
 */
public final class PacketSocket implements AutoCloseable {
    private static final int SOCK_RAW = 3;
    private static final int SOL_PACKET = 263;
    private static final int PACKET_VNET_HDR = 15;
    private static final int SOL_SOCKET = 1;
    private static final int SO_MARK = 36;
    /** The socket's mark on every frame it sends ("tapline" in hex speak). */
    public static final int MARK = 0x7a911e57;
    /** SKF_AD_OFF + SKF_AD_MARK: classic BPF's load of the frame's mark (linux/filter.h). */
    private static final int LOAD_MARK_K = -0x1000 + 20;
    private static final int SOCKADDR_LL = 20;

    private final String device;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = Libc.newCallState(arena);
    private final MemorySegment scratch;
    private volatile boolean closed;

    private PacketSocket(String device, int fd, int maxFrame) {
        this.device = device;
        this.fd = fd;
        this.scratch = arena.allocate(maxFrame + TunDevice.VNET_HDR, 64);
    }

    /** Opens the socket on {@code device} for frames of up to {@code maxFrame} bytes (header not counted). */
    public static PacketSocket open(String device, int maxFrame) throws IOException {
        int index = Interfaces.index(device);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(a);
            int fd = Libc.check((int) Libc.SOCKET.invokeExact(st, Libc.AF_PACKET, SOCK_RAW | Libc.SOCK_CLOEXEC, 0),
                    "socket(AF_PACKET)", device, st);
            try {
                MemorySegment one = a.allocate(JAVA_INT);
                one.set(JAVA_INT, 0, 1);
                Libc.check((int) Libc.SETSOCKOPT.invokeExact(st, fd, SOL_PACKET, PACKET_VNET_HDR, one, 4),
                        "setsockopt(PACKET_VNET_HDR)", device, st);
                MemorySegment mark = a.allocate(JAVA_INT);
                mark.set(JAVA_INT, 0, MARK);
                Libc.check((int) Libc.SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_MARK, mark, 4),
                        "setsockopt(SO_MARK)", device, st);
                MemorySegment sll = a.allocate(SOCKADDR_LL, 4);
                sll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
                sll.set(JAVA_INT, 4, index);
                Libc.check((int) Libc.BIND.invokeExact(st, fd, sll, SOCKADDR_LL), "bind(AF_PACKET)", device, st);
            } catch (IOException | RuntimeException e) {
                Libc.uncheckedClose(fd);
                throw e;
            }
            return new PacketSocket(device, fd, maxFrame);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** {@code program} preceded by: a frame with {@link #MARK} is dropped (runs in the kernel only). */
    public static BpfProgram leavingOut(BpfProgram program) {
        List<BpfProgram.Instruction> p = new ArrayList<>();
        p.add(new BpfProgram.Instruction(0x20, 0, 0, LOAD_MARK_K)); // ld  #mark
        p.add(new BpfProgram.Instruction(0x15, 0, 1, MARK));        // jeq #MARK, drop, program
        p.add(new BpfProgram.Instruction(0x06, 0, 0, 0));           // drop: ret #0
        p.addAll(program.instructions());
        return new BpfProgram(p);
    }

    /** Sends one frame led by its virtio_net_hdr ({@link TunDevice#VNET_HDR} bytes). */
    public void send(MemorySegment headerAndFrame) throws IOException {
        if (closed) {
            throw new IOException(device + ": the packet socket is closed");
        }
        if (!headerAndFrame.isNative()) {
            if (headerAndFrame.byteSize() > scratch.byteSize()) {
                throw new IOException(device + ": a " + headerAndFrame.byteSize() + "-byte frame is larger than " + scratch.byteSize());
            }
            MemorySegment.copy(headerAndFrame, 0, scratch, 0, headerAndFrame.byteSize());
            headerAndFrame = scratch.asSlice(0, headerAndFrame.byteSize());
        }
        try {
            while (true) {
                long n = (long) Libc.WRITE.invokeExact(state, fd, headerAndFrame, headerAndFrame.byteSize());
                if (n >= 0) {
                    return;
                }
                int e = Libc.errno(state);
                if (e != Errno.EINTR) {
                    throw new NativeException("send", device, e, Libc.strerror(e));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.uncheckedClose(fd);
            arena.close();
        }
    }
}
