package org.tapline.rpcap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tapline.lab.Lab;
import org.tapline.lab.LabExtension;

/**
 * SIGHUP means exactly the file's settings on top of the command line's: a removed
 * NullAuthPermit line turns null authentication off, a file without PassiveClient lines keeps
 * -l, and the log names each setting that changed.
 */
@ExtendWith(LabExtension.class)
class ConfigReloadTest {
    /** True when a new session gets in with null authentication. */
    private static boolean admitted() {
        try (TestClient c = new TestClient("127.0.0.1", 2002)) {
            return c.authNull().type() == (Rpcap.MSG_AUTH_REQ | Rpcap.REPLY);
        } catch (IOException refusedOrClosed) {
            return false;
        }
    }

    @Test
    void removedLinesAreOffAfterAReloadAndTheLogSaysWhatChanged(Lab lab, @TempDir Path dir) throws Exception {
        Path conf = dir.resolve("rpcapd.conf");
        Files.writeString(conf, "PassiveClient = 127.0.0.1\nNullAuthPermit = YES\n");
        String ns = lab.netns("rl1");
        Daemon d = Daemon.start(lab, ns, "-f", conf.toString(), "-b", "127.0.0.1", "-p", "2002");
        lab.inNetns(ns, () -> {
            assertTrue(admitted());
            Files.writeString(conf, "PassiveClient = 127.0.0.2\nPassiveClient = 127.0.0.1\n");
            int mark = d.hangUp();
            d.await("reloaded " + conf, mark, 10);
            assertFalse(admitted(), "null authentication stayed on after its line was removed");
            d.await(conf + ": passive clients: 127.0.0.1 -> 127.0.0.2 127.0.0.1", mark, 10);
            d.await(conf + ": null authentication: permitted -> not permitted", mark, 10);
            return null;
        });
    }

    @Test
    void aFileWithoutPassiveClientsKeepsTheCommandLinesAllowList(Lab lab, @TempDir Path dir) throws Exception {
        Path conf = dir.resolve("rpcapd.conf");
        Files.writeString(conf, "NullAuthPermit = YES\n");
        String ns = lab.netns("rl2");
        Daemon d = Daemon.start(lab, ns, "-l", "10.9.9.9", "-f", conf.toString(), "-b", "127.0.0.1", "-p", "2002");
        lab.inNetns(ns, () -> {
            assertFalse(admitted(), "the file dropped -l at start");
            Files.writeString(conf, "NullAuthPermit = YES\n# no PassiveClient lines\n");
            int mark = d.hangUp();
            d.await(conf + ": no setting changed", mark, 10);
            assertFalse(admitted(), "the reload dropped -l");
            return null;
        });
    }
}
