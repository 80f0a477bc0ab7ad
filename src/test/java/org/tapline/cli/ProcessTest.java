package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What needs a process of its own: no libpcap, no permission to capture, output to a pipe. The
 * JVM is started the way bin/tapline starts it, on a copy of the class path that an
 * unprivileged user can read.
 */
class ProcessTest {
    private Path dir;
    private String classPath;

    @BeforeEach
    void copyClassPath() throws Exception {
        dir = Files.createTempDirectory("tl-cp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : org.tapline.lab.TestJvm.classPath()) {
            Path src = Path.of(e);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = dir.resolve("cp" + i++ + (Files.isDirectory(src) ? "" : ".jar"));
            try (Stream<Path> s = Files.walk(src)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Path t = dst.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t);
                    }
                }
            }
            entries.add(dst.toString());
        }
        Files.walk(dir).forEach(p -> p.toFile().setReadable(true, false));
        Files.walk(dir).filter(Files::isDirectory).forEach(p -> p.toFile().setExecutable(true, false));
        classPath = String.join(File.pathSeparator, entries);
    }

    @AfterEach
    void removeCopy() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private List<String> javaCommand(List<String> jvmArgs, String... args) {
        return org.tapline.lab.TestJvm.command(List.of(classPath.split(File.pathSeparator)), jvmArgs, args);
    }

    private Cli java(List<String> prefix, List<String> jvmArgs, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(javaCommand(jvmArgs, args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Cli(p.exitValue(), out, err);
    }

    @Test
    void writingToStandardOutputFeedsAPipe() throws Exception {
        Path hex = dir.resolve("two.txt");
        Files.writeString(hex, "0000  ff ff ff ff ff ff 02 00 00 00 00 01 88 b5 00 01\n"
                + "0000  ff ff ff ff ff ff 02 00 00 00 00 01 88 b5 00 02 03\n");
        Path pcap = dir.resolve("two.pcap");
        org.tapline.lab.Lab.exec(List.of("text2pcap", "-q", hex.toString(), pcap.toString()));
        String cmd = String.join(" ", javaCommand(List.of(), "capture", "-r", pcap.toString(), "-w", "-"))
                + " | tcpdump -r - -n 2>&1";
        String out = org.tapline.lab.Lab.exec(List.of("sh", "-c", cmd));
        assertEquals(2, out.lines().filter(l -> l.contains("0x88b5")).count(), out);
    }

    @Test
    void missingLibpcapSaysHowToInstallIt() throws Exception {
        Cli r = java(List.of(), List.of("-Dtapline.libpcap=libpcap-not-here.so.0.8"), "list");
        assertTrue(r.oneLineError(), r.err());
        assertTrue(r.err().contains("apt-get install -y libpcap0.8"), r.err());
        assertEquals(1, r.exit());
    }

    @Test
    void captureWithoutPermissionSaysSo() throws Exception {
        Cli r = java(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"),
                List.of(), "capture", "-i", "lo", "-c", "1");
        assertTrue(r.oneLineError(), r.err());
        assertTrue(r.err().contains("lo") && r.err().toLowerCase().contains("permission"), r.err());
    }
}
