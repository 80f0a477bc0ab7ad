package org.tapline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and keeps what it printed. */
record Cli(int exit, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(rc, out.toString(), err.toString());
    }

    /** True when stderr is exactly one line starting with "tapline: " and has no stack trace. */
    boolean oneLineError() {
        String e = err.strip();
        return exit != 0 && e.startsWith("tapline: ") && !e.contains("\n") && !e.contains("Exception") && !e.contains("\tat ");
    }
}
