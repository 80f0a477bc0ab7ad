package org.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code puppet --gen-secret} and {@code --tls-peer-cn} as the command line takes them. */
class PuppetSecretFlagsTest {
    @Test
    void genSecretWritesANewOwnerOnlyFileAndNeverOverwrites(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("puppet.secret");
        Cli r = Cli.run("puppet", "--gen-secret", f.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        String secret = Files.readString(f);
        assertEquals(32, Base64.getDecoder().decode(secret.strip()).length, secret);
        Cli again = Cli.run("puppet", "--gen-secret", f.toString());
        assertTrue(again.oneLineError() && again.err().contains(f + ": already exists"), again.err());
        assertEquals(secret, Files.readString(f), "the first secret is kept");
    }

    @Test
    void tlsPeerCnNeedsACa() {
        Cli r = Cli.run("puppet", "-m", "-s", "0", "--tls-peer-cn", "puppet");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--tls-peer-cn") && r.err().contains("--tls-ca"), r.err());
    }
}
