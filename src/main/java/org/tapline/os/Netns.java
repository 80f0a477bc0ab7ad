package org.tapline.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Moves the calling thread into a named network namespace (setns(2) on
 * {@code /var/run/netns/NAME}, as {@code ip netns exec} does). A network namespace is a
 * per-thread attribute on Linux, so only the calling platform thread moves: sockets, TAPs and
 * pcap handles it opens afterwards live in that namespace. Never call this on a virtual thread
 * (its carrier would move).
 */
public final class Netns {
    private Netns() {}

    public static void enter(String name) throws IOException {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("setns on a virtual thread would move its carrier thread");
        }
        String path = "/var/run/netns/" + name;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(a);
            int fd = (int) Libc.OPEN.invokeExact(st, Libc.cString(a, path), Libc.O_CLOEXEC, 0);
            if (fd < 0) {
                throw Libc.failure("open(" + path + ")", "namespace " + name, st);
            }
            try {
                Libc.check((int) Libc.SETNS.invokeExact(st, fd, Libc.CLONE_NEWNET), "setns", "namespace " + name, st);
            } finally {
                Libc.uncheckedClose(fd);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
