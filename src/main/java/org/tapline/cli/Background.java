package org.tapline.cli;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code -d}: a JVM cannot fork, so it starts itself again in a new session ({@code setsid}),
 * with standard streams on /dev/null, and returns. The copy is told it is the background one by
 * an environment variable rather than by dropping {@code -d} from its arguments: a flag inside a
 * cluster ({@code -nd}) cannot be taken out reliably, and a copy that still saw {@code -d} would
 * start another, forever.
 */
final class Background {
    /** Set in the environment of the copy started in the background. */
    static final String CHILD_VARIABLE = "TAPLINE_DETACHED";

    private Background() {}

    /** True in the copy {@link #detach} started: it runs in the foreground of its new session. */
    static boolean detached() {
        return System.getenv(CHILD_VARIABLE) != null;
    }

    static int detach(String command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setsid", ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(ProcessHandle.current().info().arguments().map(List::of).orElse(List.of()));
        if (cmd.stream().noneMatch(a -> a.equals(command))) {
            throw new IOException("cannot find my own command line to start in the background");
        }
        ProcessBuilder b = new ProcessBuilder(cmd).redirectInput(new File("/dev/null")).redirectOutput(new File("/dev/null"))
                .redirectError(new File("/dev/null"));
        b.environment().put(CHILD_VARIABLE, "1");
        b.start();
        return 0;
    }
}
