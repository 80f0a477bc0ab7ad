package org.tapline.cli;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code -d}: a JVM cannot fork, so it starts itself again without the flag in a new session
 * ({@code setsid}), with standard streams on /dev/null, and returns.
 */
final class Background {
    private Background() {}

    static int detach(String command, String flag) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setsid", ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(ProcessHandle.current().info().arguments().map(List::of).orElse(List.of()).stream()
                .filter(a -> !a.equals(flag)).toList());
        if (cmd.stream().noneMatch(a -> a.equals(command))) {
            throw new IOException("cannot find my own command line to start in the background");
        }
        new ProcessBuilder(cmd).redirectInput(new File("/dev/null")).redirectOutput(new File("/dev/null"))
                .redirectError(new File("/dev/null")).start();
        return 0;
    }
}
