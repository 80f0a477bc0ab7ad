package org.tapline.lab;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/** The command that starts tapline's main class in a new JVM with the test class path. */
public final class TestJvm {
    private TestJvm() {}

    /** The test class path, with surefire's manifest-only jar expanded. */
    public static List<String> classPath() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.endsWith(".jar") && e.contains("surefirebooter")) {
                try (JarFile j = new JarFile(e)) {
                    for (String u : j.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
                        if (!u.isBlank()) {
                            out.add(Path.of(new URI(u)).toString());
                        }
                    }
                } catch (Exception x) {
                    throw new IllegalStateException("cannot read the surefire class path jar " + e, x);
                }
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** {@code java --enable-native-access=ALL-UNNAMED [jvmArgs] -cp CP org.tapline.cli.Main args}. */
    public static List<String> command(List<String> classPath, List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), "org.tapline.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
