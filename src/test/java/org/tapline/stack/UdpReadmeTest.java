package org.tapline.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;
import org.tapline.lab.TestJvm;

/**
 * The README's API example, taken from README.md as it stands, compiled and run in a JVM of
 * its own in a namespace where the kernel side is what the README sets up.
 */
@ExtendWith(LabExtension.class)
class UdpReadmeTest {
    private static final Pattern EXAMPLE = Pattern.compile(
            "```java\n((?:(?!```).)*public class ReadmeExample (?:(?!```).)*)```", Pattern.DOTALL);

    @Test
    void theApiExampleCompilesAndTalksToTheKernel(Lab lab, @TempDir Path dir) throws Exception {
        Matcher m = EXAMPLE.matcher(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8));
        assertTrue(m.find(), "README.md has a ```java block with public class ReadmeExample");
        Path source = dir.resolve("ReadmeExample.java");
        Files.writeString(source, m.group(1));
        String classPath = String.join(File.pathSeparator, TestJvm.classPath());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null,
                List.of("-cp", classPath, "-d", dir.toString(), "-Xlint:all", "-Werror"), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(source)).call();
        assertTrue(compiled, diagnostics.toString());

        String ns = lab.netns("readme");
        lab.run(ns, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap");
        lab.address(ns, "tap0", "10.0.0.123/24");
        lab.run(ns, "ip", "link", "set", "tap0", "up");
        lab.start(ns, "socat", "UDP-LISTEN:7007,fork,reuseaddr", "PIPE");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", dir + File.pathSeparator + classPath, "ReadmeExample"));
        Process p = lab.start(ns, cmd.toArray(new String[0]));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the example ends");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out + err);
        assertTrue(out.matches("(?s).*ping 10\\.0\\.0\\.123: \\d+ us\n.*"), out);
        assertTrue(out.contains("/10.0.0.123:7007 says hello"), out);
    }
}
