package org.tapline.pcap;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.tapline.lab.Programs;

/**
 * Runs tcpdump, tshark, editcap, mergecap, capinfos and text2pcap with a timeout; a missing one
 * fails the test with one line naming it and its package ({@link Programs}).
 */
final class ExternalTool {
    private static final long TIMEOUT_SECONDS = 120;

    private ExternalTool() {}

    /** Runs {@code command} in {@code dir} and returns its standard output; fails on a non-zero exit. */
    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Path executable = Programs.locate(command[0]);
        List<String> args = new ArrayList<>(List.of(command));
        args.set(0, executable.toString());
        Path out = Files.createTempFile(dir, command[0], ".out");
        Path err = Files.createTempFile(dir, command[0], ".err");
        Process process = new ProcessBuilder(args).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            fail(String.join(" ", command) + " exited with " + process.exitValue() + ": " + stderr);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
