package org.tapline.cli;

import picocli.CommandLine;

/** The {@code -D/--debug} option shared by every command, and one-line error text. */
final class Debug {
    @CommandLine.Option(names = {"-D", "--debug"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces and debug detail.")
    boolean debug;

    private Debug() {}

    static boolean enabled(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("-D")) {
                return true;
            }
        }
        return false;
    }

    /** The message of the innermost useful cause, on one line. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replace('\n', ' ').strip();
    }
}
