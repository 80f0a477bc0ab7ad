package org.tapline.cli;

import java.time.ZoneId;

import org.tapline.packet.PrintOptions;

import picocli.CommandLine.Option;

/**
 * tcpdump's output flags for {@code capture} (tcpdump(1)), counted as tcpdump counts them:
 * {@code -vvv} is three {@code -v}, {@code -XX} two {@code -X}. Of {@code -X}, {@code -x} and
 * {@code -A} the first in that order wins, as in tcpdump's print.c.
 */
final class PrintFlags {
    @Option(names = "-e", description = "Print the link-level header on each line.")
    boolean linkHeader;

    @Option(names = "-v", description = "More detail (-vv, -vvv for even more): IP header fields, checksums, options.")
    boolean[] verbose = {};

    @Option(names = "-q", description = "Quick output: less protocol information.")
    boolean quiet;

    @Option(names = "-x", description = "Print each packet in hex after its line, without the link header (-xx: with it).")
    boolean[] hex = {};

    @Option(names = "-X", description = "Print each packet in hex and ASCII (-XX: with the link header).")
    boolean[] hexAscii = {};

    @Option(names = "-A", description = "Print each packet in ASCII (-AA: with the link header).")
    boolean[] ascii = {};

    @Option(names = "-t", description = "No time stamp; -tt seconds since 1970; -ttt since the previous packet; "
            + "-tttt date and time; -ttttt since the first packet.")
    boolean[] time = {};

    @Option(names = "-#", description = "Print a packet number at the start of each line.")
    boolean number;

    @Option(names = "-S", description = "Print absolute, not relative, TCP sequence numbers.")
    boolean absoluteSeq;

    @Option(names = "-n", description = "Do not convert addresses or ports to names (tapline never does; -nn too).")
    boolean[] numeric = {};

    PrintOptions options() {
        PrintOptions.Dump dump;
        int count;
        if (hexAscii.length > 0) {
            dump = PrintOptions.Dump.HEX_ASCII;
            count = hexAscii.length;
        } else if (hex.length > 0) {
            dump = PrintOptions.Dump.HEX;
            count = hex.length;
        } else if (ascii.length > 0) {
            dump = PrintOptions.Dump.ASCII;
            count = ascii.length;
        } else {
            dump = PrintOptions.Dump.NONE;
            count = 0;
        }
        return new PrintOptions(verbose.length, linkHeader, quiet, dump, count > 1,
                Math.min(time.length, PrintOptions.MAX_TIME_STYLE), number, absoluteSeq, ZoneId.systemDefault());
    }
}
