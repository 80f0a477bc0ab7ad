package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** tapline stack's usage errors: one line each (and the pointer to --help), before any TAP is touched. */
class StackCommandTest {
    @Test
    void unknownServiceIsOneLine() {
        assertUsage("--serve daytime: unknown service 'daytime' (known: echo, discard, chargen)", "--serve", "daytime");
    }

    @Test
    void badPortIsOneLine() {
        assertUsage("--serve echo:0: port '0' is not 1 to 65535", "--serve", "echo:0");
        assertUsage("--serve echo:65536: port '65536' is not 1 to 65535", "--serve", "echo:65536");
        assertUsage("--serve echo:x: port 'x' is not 1 to 65535", "--serve", "echo:x");
    }

    @Test
    void onePortServedTwiceIsOneLine() {
        assertUsage("--serve chargen:7: port 7 is already served by echo:7", "--serve", "echo", "--serve", "chargen:7");
    }

    private static void assertUsage(String message, String... more) {
        Cli r = stack(more);
        assertEquals(2, r.exit(), r.err());
        assertEquals(List.of("tapline: " + message, "Try 'tapline stack --help' for more information."),
                r.err().lines().toList());
    }

    @Test
    void helpNamesTheServicesAndSigusr1() {
        Cli r = Cli.run("stack", "--help");
        assertTrue(r.out().contains("--serve=NAME[:PORT]") && r.out().replaceAll("\\s+", " ").contains("chargen (RFC 864, port 19)")
                && r.out().contains("kill -USR1"), r.out());
    }

    private static Cli stack(String... more) {
        String[] args = new String[5 + more.length];
        System.arraycopy(new String[] {"stack", "-i", "tlnone0", "--tap", "--addr=10.0.0.124/24"}, 0, args, 0, 5);
        System.arraycopy(more, 0, args, 5, more.length);
        return Cli.run(args);
    }
}
