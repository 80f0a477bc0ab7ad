package org.tapline.cli;

import picocli.CommandLine;

/**
 * The {@code --debug} option of capture, list and send (tcpdump's {@code -D} lists interfaces, so
 * the stack-trace switch has only its long name), and one-line error text.
 */
final class Debug {
    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces and debug detail.")
    boolean debug;

    private Debug() {}

    /** True when {@code --debug} was given (rpcapd's own {@code -D/--debug} counts: it is the same name). */
    static boolean enabled(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
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
