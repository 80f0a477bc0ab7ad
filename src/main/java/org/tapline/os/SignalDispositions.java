package org.tapline.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What the process does on a signal before Java has a say. A shell starts background jobs of a
 * non-interactive script with SIGINT (and SIGQUIT) ignored, and {@code nohup} ignores SIGHUP; an
 * ignored disposition survives exec(2) (signal(7)), and the JVM then refuses to install its handler
 * for it. tcpdump, rpcapd and etherpuppet call signal(2) unconditionally, so {@code kill -INT} stops
 * them all the same: {@link #unignore} gives Java the same chance.
 */
public final class SignalDispositions {
    /**
     * glibc's {@code struct sigaction} on x86-64: {@code sa_handler} (8), {@code sa_mask} (128),
     * {@code sa_flags} (4, padded to 8), {@code sa_restorer} (8).
     */
    static final long SIGACTION_SIZE = 152;
    private static final long SA_HANDLER = 0;
    /** signal.h: the handler values that are not functions. */
    private static final long SIG_DFL = 0;
    private static final long SIG_IGN = 1;

    private SignalDispositions() {}

    /**
     * Resets {@code signal} to its default action when it is ignored, and leaves any other disposition
     * (the JVM's handler, a default) as it is. Returns true when it was ignored.
     */
    public static boolean unignore(int signal) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.newCallState(a);
            MemorySegment old = a.allocate(SIGACTION_SIZE, 8);
            String name = "signal " + signal;
            Libc.check((int) Libc.SIGACTION.invokeExact(st, signal, MemorySegment.NULL, old), "sigaction", name, st);
            if (old.get(JAVA_LONG, SA_HANDLER) != SIG_IGN) {
                return false;
            }
            MemorySegment dfl = a.allocate(SIGACTION_SIZE, 8); // zeroed: SIG_DFL, an empty mask, no flags
            dfl.set(JAVA_LONG, SA_HANDLER, SIG_DFL);
            Libc.check((int) Libc.SIGACTION.invokeExact(st, signal, dfl, MemorySegment.NULL), "sigaction", name, st);
            return true;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
