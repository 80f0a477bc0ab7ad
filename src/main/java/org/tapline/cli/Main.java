package org.tapline.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/tapline}: wires the subcommands. Failures print one line
 * ({@code tapline: what went wrong}) and exit 1; {@code --debug} adds the stack trace. Usage
 * errors print one line and a pointer to --help, and exit 2 (see {@link Usage}).
 */
@Command(name = "tapline", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Capture, serve and mirror network interfaces of this and other machines.",
        subcommands = {ListCommand.class, CaptureCommand.class, SendCommand.class, RpcapdCommand.class, PuppetCommand.class, StackCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        names.remove("help");
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: " + String.join(", ", names));
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out), new PrintWriter(System.err), args));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main()).setOut(out).setErr(err);
        Usage.install(cl);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter w = cmd.getErr();
            if (Debug.enabled(parsed)) {
                e.printStackTrace(w);
            } else {
                w.println("tapline: " + Debug.oneLine(e));
            }
            w.flush();
            return 1;
        });
        return cl.execute(args);
    }
}
