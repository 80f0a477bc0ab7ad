package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rpcapd's command line refuses what it cannot honour before it serves anyone. */
class RpcapdCommandTest {

    @Test
    void aConfigFileThatCannotBeReadAtStartIsFatal(@TempDir Path dir) {
        Path missing = dir.resolve("rpcapd.conf");
        Cli r = Cli.run("rpcapd", "-f", missing.toString());
        assertTrue(r.oneLineError(), r.err());
        assertEquals("tapline: config file " + missing + ": No such file or directory", r.err().strip());
        Cli isDir = Cli.run("rpcapd", "-f", dir.toString());
        assertTrue(isDir.oneLineError() && isDir.err().contains(dir.toString()) && isDir.err().contains("Is a directory"), isDir.err());
    }

    @Test
    void aCredentialsFileThatCannotBeReadSaysWhy(@TempDir Path dir) {
        Path missing = dir.resolve("users");
        Cli r = Cli.run("rpcapd", "--credentials", missing.toString());
        assertTrue(r.oneLineError(), r.err());
        assertEquals("tapline: credentials file " + missing + ": No such file or directory", r.err().strip());
    }

    @Test
    void settingsThatCannotBeSavedSayWhy(@TempDir Path dir) {
        Path nowhere = dir.resolve("no-such-dir").resolve("rpcapd.conf");
        Cli r = Cli.run("rpcapd", "-s", nowhere.toString());
        assertTrue(r.oneLineError(), r.err());
        assertEquals("tapline: cannot save the settings to " + nowhere + ": No such file or directory", r.err().strip());
    }

    @Test
    void aPortOutOfRangeIsAUsageErrorNamingTheFlag() {
        for (String flag : new String[] {"-p", "-t"}) {
            Cli r = Cli.run("rpcapd", flag, "70000");
            assertEquals(2, r.exit(), r.err());
            String first = r.err().lines().findFirst().orElse("");
            assertTrue(first.contains("'" + flag + "'") && first.contains("70000") && first.contains("0-65535"), r.err());
            assertFalse(r.err().contains("port out of range"), r.err());
        }
    }

    @Test
    void listOffersOnlyTheOptionsThatApplyToIt() {
        Cli list = Cli.run("list", "--help");
        assertEquals(0, list.exit(), list.err());
        assertFalse(list.out().contains("--udp") || list.out().contains("--sample"), list.out());
        assertTrue(list.out().contains("--auth") && list.out().contains("--ca") && list.out().contains("--insecure"), list.out());
        Cli capture = Cli.run("capture", "--help");
        assertTrue(capture.out().contains("--udp") && capture.out().contains("--sample") && capture.out().contains("--auth"), capture.out());
        Cli udpList = Cli.run("list", "-r", "rpcap://127.0.0.1/", "--udp");
        assertEquals(2, udpList.exit(), udpList.err());
    }
}
