package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tapline.packet.PrintOptions;

import picocli.CommandLine;

/** tcpdump's letters, clustered and repeated as people type them, become PrintOptions. */
class PrintFlagsTest {
    @CommandLine.Command(name = "t")
    static final class Holder {
        @CommandLine.Mixin
        PrintFlags print;
    }

    static PrintOptions parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.print.options();
    }

    @Test
    void countsAndClusters() {
        PrintOptions o = parse("-vvv", "-XX", "-e", "-tttt", "-#", "-S", "-nn");
        assertEquals(3, o.verbose());
        assertEquals(PrintOptions.Dump.HEX_ASCII, o.dump());
        assertEquals(true, o.dumpLinkHeader());
        assertEquals(4, o.timeStyle());
        assertEquals(true, o.linkHeader() && o.number() && o.absoluteSeq());
        assertEquals(PrintOptions.defaults().verbose(), parse().verbose());
        PrintOptions q = parse("-qx", "-A");
        assertEquals(true, q.quiet());
        assertEquals(PrintOptions.Dump.HEX, q.dump());
        assertEquals(false, q.dumpLinkHeader());
    }
}
