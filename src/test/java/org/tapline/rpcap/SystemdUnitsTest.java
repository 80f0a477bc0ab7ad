package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * contrib/systemd: systemd itself ({@code systemd-analyze verify}) reads the units without a
 * complaint; the socket unit bounds connections in all and per source; a service handing
 * {@code --credentials} to a DynamicUser reads a LoadCredential= copy, so the file can stay 0600.
 */
class SystemdUnitsTest {
    private static final Path UNITS = Path.of("contrib/systemd");
    private static final List<String> NAMES = List.of("tapline-rpcapd.service", "tapline-rpcapd.socket", "tapline-rpcapd@.service");

    @Test
    void systemdAcceptsTheUnitsWithoutAWarning(@TempDir Path dir) throws Exception {
        Path launcher = Path.of("bin/tapline").toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        for (String n : NAMES) {
            // verify wants ExecStart's program to exist: the launcher of this checkout stands in for /opt/tapline.
            String text = Files.readString(UNITS.resolve(n)).replace("/opt/tapline/bin/tapline", launcher.toString());
            Files.writeString(dir.resolve(n), text);
            cmd.add(dir.resolve(n).toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip());
    }

    @Test
    void theSocketUnitBoundsConnectionsInAllAndPerSource() throws Exception {
        String socket = Files.readString(UNITS.resolve("tapline-rpcapd.socket"));
        int all = Integer.parseInt(value(socket, "MaxConnections"));
        int perSource = Integer.parseInt(value(socket, "MaxConnectionsPerSource"));
        assertTrue(all > 64, "MaxConnections " + all);
        assertTrue(perSource > 0 && perSource * 8 <= all, "MaxConnectionsPerSource " + perSource + " of " + all);
    }

    @Test
    void credentialsReachTheDynamicUserThroughLoadCredential() throws Exception {
        for (String n : List.of("tapline-rpcapd.service", "tapline-rpcapd@.service")) {
            String unit = Files.readString(UNITS.resolve(n));
            String exec = value(unit, "ExecStart");
            if (!exec.contains("--credentials")) {
                continue;
            }
            String file = exec.substring(exec.indexOf("--credentials") + "--credentials".length()).strip().split("\\s+")[0];
            assertTrue(file.startsWith("%d/") || file.startsWith("${CREDENTIALS_DIRECTORY}/"), n + ": --credentials " + file);
            String name = file.substring(file.indexOf('/') + 1);
            assertTrue(value(unit, "LoadCredential").startsWith(name + ":"), n + ": LoadCredential for " + name);
            assertFalse(unit.contains("chmod"), n);
        }
    }

    /** The value of the first {@code key=} line. */
    private static String value(String unit, String key) {
        for (String line : unit.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        throw new AssertionError("no " + key + "= line");
    }
}
