package org.tapline.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Signals a process inherits as ignored. A signal set to SIG_IGN by whoever started us
 * ({@code nohup}, a shell's background job, a service manager) stays ignored across exec, and
 * the JVM then refuses, without a word, to install a Java handler for SIGHUP, SIGINT or SIGTERM
 * (HotSpot's JVM_RegisterSignal returns the old SIG_IGN and installs nothing). A daemon that
 * promises "SIGHUP reloads" must set such a signal back to its default action before it asks
 * for a handler, as rpcapd's own {@code signal(SIGHUP, ...)} overrides an inherited SIG_IGN.
 */
public final class InheritedSignals {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGTERM = 15;

    /** glibc's struct sigaction on x86-64 (handler, 128-byte mask, flags, restorer): 152 bytes, handler first. */
    private static final long SIGACTION_SIZE = 152;
    private static final long SIG_IGN = 1;

    /** {@code int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact)}. */
    private static final MethodHandle SIGACTION = Libc.LINKER.downcallHandle(Libc.LINKER.defaultLookup().findOrThrow("sigaction"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    private InheritedSignals() {}

    /** True when {@code signo} is currently ignored (SIG_IGN). */
    public static boolean ignored(int signo) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment old = a.allocate(SIGACTION_SIZE);
            int rc = (int) SIGACTION.invokeExact(signo, MemorySegment.NULL, old);
            return rc == 0 && old.get(ADDRESS, 0).address() == SIG_IGN;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Sets {@code signo} back to its default action when it was inherited as ignored, so that a
     * Java handler can be installed next; a signal with a handler already is left alone.
     * Returns true when it was ignored.
     */
    public static boolean unignore(int signo) {
        if (!ignored(signo)) {
            return false;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dfl = a.allocate(SIGACTION_SIZE); // zeros: SIG_DFL, empty mask, no flags
            int rc = (int) SIGACTION.invokeExact(signo, dfl, MemorySegment.NULL);
            return rc == 0;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
