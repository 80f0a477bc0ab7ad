package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** What a tcpdump user sees first: the command list, help text and usage errors. */
class HelpTest {
    private static final List<String> COMMANDS = List.of("list", "capture", "send", "rpcapd", "puppet", "stack");

    @Test
    void noCommandNamesEveryCommandAndPointsToHelp() {
        Cli r = Cli.run();
        assertEquals(2, r.exit());
        assertEquals(List.of("tapline: a command is required: " + String.join(", ", COMMANDS),
                "Try 'tapline --help' for more information."), r.err().lines().toList());
    }

    @Test
    void theCommandListGivesEachCommandsWholeFirstSentence() {
        Cli r = Cli.run("--help");
        assertEquals(0, r.exit(), r.err());
        String list = r.out().substring(r.out().indexOf("Commands:"));
        for (String c : COMMANDS) {
            // The entry runs from the command's name to the next command's (or the end); a summary cut
            // at the end of the description's first line ends with a comma (capture's did).
            Matcher m = Pattern.compile("(?s)\\n  " + c + " +(.*?)(?=\\n  \\S|$)").matcher(list);
            assertTrue(m.find(), c + " in\n" + list);
            String summary = m.group(1).replaceAll("\\s+", " ").strip();
            assertTrue(summary.endsWith("."), c + ": " + summary);
        }
    }

    @Test
    void anUnknownOptionIsOneLineAndAPointer() {
        Cli r = Cli.run("capture", "-Z");
        assertEquals(2, r.exit());
        assertEquals(List.of("tapline: unknown option '-Z'", "Try 'tapline capture --help' for more information."), r.err().lines().toList());
        assertEquals("", r.out());
    }

    @Test
    void aMissingOptionOrArgumentIsNamedAsTheHelpWritesIt() {
        Cli r = Cli.run("send");
        assertEquals(2, r.exit());
        assertEquals(List.of("tapline: missing option '-i IFACE', argument 'FILE'", "Try 'tapline send --help' for more information."),
                r.err().lines().toList());
    }

    @Test
    void aBadNumberSaysSoInWords() {
        Cli r = Cli.run("send", "-i", "lo", "--pps", "fast", "x.pcap");
        assertEquals(2, r.exit());
        assertEquals(List.of("tapline: invalid value for option '--pps': 'fast' is not a whole number",
                "Try 'tapline send --help' for more information."), r.err().lines().toList());
    }

    @Test
    void helpWritesShortOptionsWithASpaceAndLongOnesWithAnEqualsSign() {
        Pattern glued = Pattern.compile("(?<![\\w-])-\\w=");
        for (String c : COMMANDS) {
            Cli r = Cli.run(c, "--help");
            assertEquals(0, r.exit(), r.err());
            assertFalse(glued.matcher(r.out()).find(), c + " --help:\n" + r.out());
        }
        String send = Cli.run("send", "--help").out();
        assertTrue(send.contains("-i IFACE") && send.contains("--speed=X"), send);
        assertTrue(send.lines().anyMatch(l -> l.startsWith("  -i IFACE ")), "the option list: " + send);
    }

    @Test
    void bothSpellingsOfAnOptionValueStillParse() {
        // The same value reaches the command whether it is glued with '=' or follows a space.
        for (List<String> args : List.of(List.of("list", "-r", "nowhere"), List.of("list", "-r=nowhere"))) {
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", args));
            assertEquals("tapline: -r takes rpcap://host[:port]/ or rpcaps://host[:port]/", r.err().lines().findFirst().orElse(""));
        }
        for (List<String> args : List.of(List.of("send", "-i", "lo", "--sync", "--speed", "0", "x.pcap"),
                List.of("send", "-i=lo", "--sync", "--speed=0", "x.pcap"))) {
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", args));
            assertEquals("tapline: --speed takes a factor above 0, not 0.0", r.err().lines().findFirst().orElse(""), r.err());
        }
    }
}
