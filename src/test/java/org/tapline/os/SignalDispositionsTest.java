package org.tapline.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;

class SignalDispositionsTest {
    /** SIGWINCH: its default action is to ignore it, so resetting it in the test JVM changes nothing. */
    private static final int SIGWINCH = 28;
    /** {@code sighandler_t signal(int, sighandler_t)}, to put the disposition a shell's trap '' would. */
    private static final MethodHandle SIGNAL = Libc.LINKER.downcallHandle(Libc.LINKER.defaultLookup().findOrThrow("signal"),
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));

    /** The handler of {@code signal} (0 SIG_DFL, 1 SIG_IGN), read by swapping it out and back. */
    private static long current(int signal) throws Throwable {
        MemorySegment previous = (MemorySegment) SIGNAL.invokeExact(signal, MemorySegment.ofAddress(1));
        MemorySegment _ = (MemorySegment) SIGNAL.invokeExact(signal, previous);
        return previous.address();
    }

    @Test
    void anIgnoredSignalIsResetToItsDefaultAndAnyOtherLeftAlone() throws Throwable {
        MemorySegment before = (MemorySegment) SIGNAL.invokeExact(SIGWINCH, MemorySegment.ofAddress(1)); // SIG_IGN
        try {
            assertTrue(SignalDispositions.unignore(SIGWINCH));
            assertEquals(0, current(SIGWINCH), "SIG_DFL");
            assertFalse(SignalDispositions.unignore(SIGWINCH), "a default disposition is left as it is");
            assertEquals(0, current(SIGWINCH));
        } finally {
            MemorySegment _ = (MemorySegment) SIGNAL.invokeExact(SIGWINCH, before);
        }
    }

    @Test
    void theStructMatchesGlibcs(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("probe.c");
        Files.writeString(c, """
                #include <stdio.h>
                #include <stddef.h>
                #include <signal.h>
                int main(void) {
                  printf("%ld %ld %ld %ld\\n", (long) sizeof(struct sigaction), (long) offsetof(struct sigaction, sa_handler),
                         (long) SIG_IGN, (long) SIGWINCH);
                  return 0;
                }
                """);
        Path exe = dir.resolve("probe");
        Lab.exec(List.of("gcc", "-o", exe.toString(), c.toString()));
        String[] v = Lab.exec(List.of(exe.toString())).trim().split(" ");
        assertEquals(SignalDispositions.SIGACTION_SIZE, Long.parseLong(v[0]));
        assertEquals(0, Long.parseLong(v[1]), "sa_handler first");
        assertEquals(1, Long.parseLong(v[2]), "SIG_IGN");
        assertEquals(SIGWINCH, Integer.parseInt(v[3]));
    }
}
